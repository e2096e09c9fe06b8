"""Fogwatch's settings for the benchmark's gunicorn: the same, with static files collected into a
temporary ``STATIC_ROOT`` (``BENCH_STATIC_ROOT``) as a production image has them, outside the checkout."""

import os

from config.settings import *  # noqa: F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
