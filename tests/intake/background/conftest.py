from tests.support.background import *  # noqa: F403  (background work: Redis, a Celery worker, local HTTP servers)
