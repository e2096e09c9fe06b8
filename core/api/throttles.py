"""How often the API answers one client (DRF's throttles, counted in the cache).

- ``anon_read``: anonymous reads, per address (``FOGWATCH_THROTTLE_ANON_READS``).
- ``write``: writes, per user (``FOGWATCH_THROTTLE_WRITES``).
- ``token``: password guesses at ``/api/v1/auth/token/``, per address
  (``FOGWATCH_THROTTLE_TOKEN``); beside it the login lockout (django-axes) locks an address out of
  the token endpoint and the admin after ``FOGWATCH_LOGIN_FAILURE_LIMIT`` wrong passwords.

Past a limit the answer is a 429 with ``Retry-After`` (seconds) and the error shape of every API
error. An empty rate turns a throttle off. The cache down (core/cache.py) lets requests through
rather than failing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

if TYPE_CHECKING:  # DRF imports the throttles while rest_framework.views is loading
    from rest_framework.request import Request
    from rest_framework.views import APIView

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class AnonReadThrottle(AnonRateThrottle):
    """Reads by anonymous clients, per address (writes by them are refused anyway)."""

    scope = "anon_read"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class WriteThrottle(UserRateThrottle):
    """Writes, per authenticated user (per address for the anonymous, who are refused)."""

    scope = "write"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class TokenThrottle(AnonRateThrottle):
    """Attempts at the token endpoint, per address, whoever they claim to be."""

    scope = "token"
