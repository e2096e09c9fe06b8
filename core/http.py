"""The one outbound HTTP client: every request Fogwatch makes to the network (feed pulls, archiving
report URLs, webhook deliveries) goes through here, from a task, never from a request.

``fetch`` (GET): http and https only, a total deadline, a size cap, redirects followed by hand so
every hop is recorded and checked; hosts on loopback, private, link-local or reserved addresses are
refused unless ``FOGWATCH_FETCH_ALLOW_PRIVATE``. ``post`` (webhooks): one POST with a timeout, the
first 64 KiB of the answer read. Neither raises for network trouble: what went wrong is returned.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

logger = logging.getLogger("fogwatch.http")

USER_AGENT = "Fogwatch/0.1 (+archiving and feeds)"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


@dataclass
class FetchResult:
    """What one GET (with its redirects) gave: the body is empty when ``error`` is set."""

    url: str
    status: int | None = None
    final_url: str = ""
    hops: list[dict[str, object]] = field(default_factory=list)
    body: bytes = b""
    content_type: str = ""
    error: str = ""
    transient: bool = False  # a timeout or refused connection: worth trying again later

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # redirects are followed (and recorded) by fetch()


_opener = urllib.request.build_opener(_NoRedirect)


def _scheme_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _private_address(url: str) -> str:
    """The loopback, private, link-local or reserved address ``url``'s host resolves to, if any."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ""  # unresolvable: the fetch itself reports it
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return str(address)
    return ""


def fetch(url: str, *, max_bytes: int, timeout: float | None = None, max_redirects: int | None = None) -> FetchResult:
    """GET ``url``; never raises for network trouble (it is in ``result.error``)."""
    timeout = float(timeout if timeout is not None else settings.FOGWATCH_FETCH_TIMEOUT)
    max_redirects = settings.FOGWATCH_ARCHIVE_MAX_REDIRECTS if max_redirects is None else max_redirects
    result = FetchResult(url=url)
    deadline = time.monotonic() + timeout
    current = url
    while True:
        if not _scheme_ok(current):
            result.error = f"Only http and https URLs are fetched, not {current!r}."
            return result
        if not settings.FOGWATCH_FETCH_ALLOW_PRIVATE and (address := _private_address(current)):
            result.error = f"Refused: {current} is on a private or local address ({address})."
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            result.error, result.transient = f"Timed out after {timeout:g}s.", True
            return result
        request = urllib.request.Request(current, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        try:
            response = _opener.open(request, timeout=remaining)
        except urllib.error.HTTPError as exc:
            response = exc  # 3xx (not followed by urllib), 4xx and 5xx still carry a status and a body
        except TimeoutError:
            result.error, result.transient = f"Timed out after {timeout:g}s.", True
            return result
        except urllib.error.URLError as exc:
            reason = exc.reason
            result.transient = isinstance(reason, (OSError, TimeoutError))
            if isinstance(reason, (TimeoutError, socket.timeout)):
                result.error = f"Timed out after {timeout:g}s."
            else:
                result.error = f"Could not connect: {reason}."
            return result
        except (OSError, ValueError) as exc:
            result.error, result.transient = f"Could not fetch: {exc}.", isinstance(exc, OSError)
            return result
        with response:
            status = response.status if hasattr(response, "status") else response.code
            location = response.headers.get("Location")
            if status in REDIRECTS and location:
                result.hops.append({"url": current, "status": status})
                if len(result.hops) > max_redirects:
                    result.status, result.final_url = status, current
                    result.error = f"More than {max_redirects} redirects."
                    return result
                current = urljoin(current, location)
                continue
            result.status, result.final_url = status, current
            result.content_type = (response.headers.get("Content-Type") or "")[:200]
            _read_body(response, result, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
            return result


def _read_body(response, result: FetchResult, *, max_bytes: int, deadline: float, timeout: float) -> None:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        result.error = f"Body of {int(declared)} bytes is over the {max_bytes}-byte cap; not stored."
        return
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                result.error, result.transient = f"Timed out after {timeout:g}s reading the body.", True
                return
            chunk = response.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                result.error = f"Body is over the {max_bytes}-byte cap; not stored."
                return
            chunks.append(chunk)
    except TimeoutError:
        result.error, result.transient = f"Timed out after {timeout:g}s reading the body.", True
        return
    except OSError as exc:
        result.error, result.transient = f"Connection lost reading the body: {exc}.", True
        return
    result.body = b"".join(chunks)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> tuple[int | None, str]:
    """POST ``body`` to ``url``: the response status (None when none came) and what went wrong, if
    anything."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(CHUNK)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        return None, f"Could not connect: {exc.reason}"
    except (TimeoutError, OSError, ValueError) as exc:
        return None, f"Could not deliver: {exc or type(exc).__name__}"
