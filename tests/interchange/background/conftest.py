from tests.support.background import *  # noqa: F403  (the fixtures of background work: Redis, a Celery worker, local HTTP servers)
from tests.support.chaos import chaos  # noqa: F401  (a Redis and worker processes of the test's own, killed at will)
