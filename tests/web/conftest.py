from tests.support.pages import *  # noqa: F403  (the fixtures of page tests)
