"""WSGI entry point for gunicorn.

Loading the app makes a few hundred thousand objects (modules, classes, URL patterns, templates'
parsers) that live as long as the worker. Left in the garbage collector's generations, every full
collection walks them all, and a request that happens to trigger one waits for it: at 8
connections on 2 workers that was the slowest 1% of requests (the control timeline's p99 about
300 ms against 100 with them frozen, docs/benchmarks.md). So the app is loaded whole here, the
views included (Django would import them at the first request), then collected once and frozen
(``gc.freeze``): the collector leaves those objects alone and still collects everything a request
makes. Under ``gunicorn --preload`` this runs once in the master, and the frozen pages stay
shared with the workers.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _load_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view now, not at the first request)
    gc.collect()
    gc.freeze()


_load_and_freeze()
