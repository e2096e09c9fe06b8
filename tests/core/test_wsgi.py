"""The WSGI entry point (config/wsgi.py) loads the whole app, views included, and freezes what loading
made, so the garbage collector's full collections no longer walk it (docs/benchmarks.md)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_wsgi_app_imports_the_views_and_freezes_the_heap_it_made():
    code = (
        "import gc, sys\n"
        "before = gc.get_freeze_count()\n"
        "import config.wsgi\n"
        "print(before, gc.get_freeze_count(), 'claims.api.views' in sys.modules, callable(config.wsgi.application))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    before, frozen, views_loaded, callable_app = done.stdout.split()
    assert int(before) == 0
    assert int(frozen) > 100_000  # Django, DRF and the app's modules: hundreds of thousands of objects
    assert views_loaded == "True"  # the views come with the URLconf, before the first request
    assert callable_app == "True"
