"""docker compose's health probe of a web container: GET /health/ on this container's gunicorn.

    python tools/healthcheck.py [URL]     # default http://127.0.0.1:8000/health/

Exits 0 when Fogwatch answers 200 (every check passed), 1 otherwise (503: a check failed; no answer;
anything else), printing the status and the answer's first line. The standard library only: no Django
start-up every few seconds.

The request names the site's own host (the first of DJANGO_ALLOWED_HOSTS that is not a wildcard), so
Django's host check lets it in whatever the site is called; the health endpoints are never redirected
to HTTPS (SECURE_REDIRECT_EXEMPT), so plain HTTP inside the container is enough.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/health/"
TIMEOUT = 4.0  # docker compose's own timeout for the probe is 5 s


def host_header(allowed: str) -> str:
    for name in (part.strip() for part in allowed.split(",")):
        if name and name != "*":
            return name.lstrip(".")  # ".example.org" allows example.org itself
    return "localhost"


def probe(url: str, allowed_hosts: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url, headers={"Host": host_header(allowed_hosts), "Accept": "text/plain", "User-Agent": "fogwatch-healthcheck"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (our own URL)
            return response.status, response.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(4096).decode("utf-8", "replace")
    except (OSError, ValueError) as error:  # refused, timed out, malformed URL
        return 0, str(error)


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else DEFAULT_URL
    status, body = probe(url, os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost"))
    first = body.strip().splitlines()[0] if body.strip() else ""
    print(f"{url}: {status or 'no answer'} {first}".rstrip())
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
