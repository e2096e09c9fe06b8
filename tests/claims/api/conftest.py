from tests.support.api import *  # noqa: F403  (the fixtures of API tests)
