from tests.support.browser import *  # noqa: F403  (the fixtures of browser tests)
from tests.support.pages import *  # noqa: F403  (the fixtures of page tests)
