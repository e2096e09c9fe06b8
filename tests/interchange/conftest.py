from tests.support.interchange import *  # noqa: F403  (the fixtures of import and export tests: the UCDP sample and small files)
