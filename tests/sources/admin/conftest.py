from tests.support.admin import *  # noqa: F403  (the fixtures of admin tests)
