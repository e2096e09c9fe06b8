from tests.support.claims import *  # noqa: F403  (the fixtures of claims tests: a small world of actors, places and reports)
