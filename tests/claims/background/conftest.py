from tests.support.background import *  # noqa: F403  (the fixtures of background work: Redis, a Celery worker, local HTTP servers)
