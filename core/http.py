"""The one outbound HTTP client: every request Fogwatch makes to the network (feed pulls, archiving
report URLs, webhook deliveries) goes through here, from a task, never from a request.

What it guarantees, for ``fetch`` (GET, feeds and archiving) and ``post`` (webhooks) alike:

- **http and https only**, to a host that is a name or an address in any written form.
- **Resolved once, connected to what was checked.** The host is resolved once per hop; every
  address it resolves to is checked (``core.addresses``: private, loopback, link-local, shared
  CGNAT, multicast, reserved and unspecified are refused, IPv4 and IPv6, embedded and integer forms
  included) and the connection is made to one of those very addresses: the host is never resolved
  a second time, so a name that answers differently the next time (DNS rebinding) gets nowhere.
  The request still carries the host's name (``Host`` header) and TLS still checks the certificate
  for that name (SNI), through urllib3's connections opened on the checked address.
- **Refused with a reason**: ``result.error`` reads ``refused: 10.0.0.1 is a private address`` or
  ``refused: hooks.example resolves to 169.254.169.254, a link-local address``.
  ``FOGWATCH_FETCH_ALLOW_PRIVATE`` lets all three uses reach such addresses (tests, a private
  deployment); it is the one switch.
- **Redirects**: ``fetch`` follows them by hand, recording each hop, and checks every hop as it
  checks the first URL; ``post`` never follows one (a webhook's 3xx is a failed delivery).
- **Caps**: one deadline for the whole exchange, redirects and slow bodies included (a timer cuts
  the connection when it passes: a server dripping a byte at a time cannot hold a worker), and a
  size cap on the body (``post`` reads at most 64 KiB of the answer and keeps none of it).
- Never raises for network trouble: what went wrong is in the result.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection

from core.addresses import IPAddress, NotAnAddress, literal_address, local_name, refusal

logger = logging.getLogger("fogwatch.http")

USER_AGENT = "Fogwatch/0.1 (+archiving and feeds)"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
REFUSED = "refused: "  # how every refusal's message starts

# The outside world, as module attributes so the tests can stand in for it: name resolution, the
# TCP connection to a checked address, and the certificates TLS trusts.
getaddrinfo = socket.getaddrinfo


def open_socket(address: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((address, port), timeout=timeout)


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


@dataclass
class FetchResult:
    """What one exchange (a GET with its redirects, or a POST) gave: the body is empty when ``error``
    is set."""

    url: str
    status: int | None = None
    final_url: str = ""
    hops: list[dict[str, object]] = field(default_factory=list)
    body: bytes = b""
    content_type: str = ""
    error: str = ""
    transient: bool = False  # a timeout or refused connection: worth trying again later
    refused: bool = False  # the address was refused: nothing was sent

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300


class Unfetchable(Exception):
    """Why a URL was not (or not wholly) fetched, as the result will say it."""

    def __init__(self, message: str, *, transient: bool = False, refused: bool = False) -> None:
        super().__init__(message)
        self.transient, self.refused = transient, refused


# ---------------------------------------------------------------------------------------------
# Where a URL leads: its parts, its addresses, and whether they may be reached
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as sent in Host and SNI: lower case, IDNA-encoded
    port: int
    path: str  # path and query, percent-encoded
    host_header: str


def target(url: str) -> Target:
    """The parts of ``url`` a request needs; Unfetchable when it is no http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Unfetchable(f"Not a valid URL: {exc}.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unfetchable(f"Only http and https URLs are fetched, not {url!r}.")
    try:
        host = parts.hostname.encode("idna").decode("ascii") if ":" not in parts.hostname else parts.hostname
    except UnicodeError as exc:
        raise Unfetchable(f"Not a valid host name: {parts.hostname!r}.") from exc
    default = 443 if parts.scheme == "https" else 80
    port = port or default
    shown = f"[{host}]" if ":" in host else host
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return Target(parts.scheme, host, port, path, shown if port == default else f"{shown}:{port}")


def _allow_private() -> bool:
    return bool(settings.FOGWATCH_FETCH_ALLOW_PRIVATE)


def _resolve(where: Target, deadline: Deadline) -> list[Any]:
    """``getaddrinfo`` under the deadline: the system resolver takes no timeout, so it runs in a
    thread of its own, left to finish on its own if the deadline passes first."""
    answer: dict[str, Any] = {}

    def lookup() -> None:
        try:
            answer["infos"] = getaddrinfo(where.host, where.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            answer["error"] = exc

    thread = threading.Thread(target=lookup, name=f"resolve {where.host}", daemon=True)
    thread.start()
    thread.join(deadline.remaining())
    if thread.is_alive():
        raise Unfetchable(f"Timed out after {deadline.seconds:g}s resolving {where.host}.", transient=True)
    if "error" in answer:
        exc = answer["error"]
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise Unfetchable(f"Could not resolve {where.host}: {reason}.", transient=True)
    return answer["infos"]


def addresses(where: Target, deadline: Deadline) -> list[IPAddress]:
    """Every address ``where``'s host stands for, each checked; Unfetchable (refused) when any one of
    them may not be reached, or when the name does not resolve in time."""
    try:
        literal = literal_address(where.host)
    except NotAnAddress as exc:
        raise Unfetchable(f"{REFUSED}{exc}.", refused=True) from exc
    if literal is not None:
        found = [literal]
    else:
        infos = _resolve(where, deadline)
        found = []
        for info in infos:
            address = literal_address(str(info[4][0]))
            if address is not None and address not in found:
                found.append(address)
        if not found:
            raise Unfetchable(f"Could not resolve {where.host}: no address.", transient=True)
    if not _allow_private():
        for address in found:
            if why := refusal(address):
                raise Unfetchable(_refused(where.host, address, why, resolved=literal is None), refused=True)
    return found


def _refused(host: str, address: IPAddress, why: str, *, resolved: bool) -> str:
    if resolved:
        return f"{REFUSED}{host} resolves to {address}, {why}"
    if host == str(address) or ":" in host:  # an IPv6 address is shown as written
        return f"{REFUSED}{host} is {why}"
    return f"{REFUSED}{host} is {address}, {why}"  # written another way: 2130706433, 0x7f.1, [::ffff:…]


def url_refusal(url: str) -> str:
    """Why ``url`` may not be reached, judged without the network (for a form or the API, which never
    wait on it): not http(s), or a host written as a refused address or naming this machine.
    "" when it may be; a name is checked again, resolved, each time the URL is fetched."""
    try:
        where = target(url)
        literal = literal_address(where.host)
    except Unfetchable as exc:
        return str(exc)
    except NotAnAddress as exc:
        return f"{REFUSED}{exc}."
    if _allow_private():
        return ""
    if literal is not None:
        why = refusal(literal)
        return _refused(where.host, literal, why, resolved=False) if why else ""
    if local_name(where.host):
        return f"{REFUSED}{where.host} names this machine"
    return ""


# ---------------------------------------------------------------------------------------------
# Connections opened on the checked address, under one deadline
# ---------------------------------------------------------------------------------------------


class Deadline:
    """The time one exchange may take, redirects and body included. Every socket opened under it is
    cut (shut down) when it passes, whatever call is blocked on it; ``close`` stops the timers."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._guards: list[tuple[threading.Timer, socket.socket]] = []

    def remaining(self) -> float:
        return max(self._at - time.monotonic(), 0.0)

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self._at

    def guard(self, sock: socket.socket) -> None:
        twin = sock.dup()  # the same connection: survives the TLS wrapping of ``sock``
        timer = threading.Timer(self.remaining(), self._cut, (twin,))
        timer.daemon = True
        with self._lock:
            self._guards.append((timer, twin))
        timer.start()

    def _cut(self, twin: socket.socket) -> None:
        with self._lock:
            if twin.fileno() != -1:
                with suppress(OSError):
                    twin.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            for timer, twin in self._guards:
                timer.cancel()
                twin.close()
            self._guards.clear()

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Pinned:
    """Opens its socket on the address given as ``host`` (the checked one) with ``open_socket``,
    under the deadline: urllib3 never resolves anything."""

    deadline: Deadline

    def _new_conn(self) -> socket.socket:
        sock = open_socket(self.host, self.port, self.deadline.remaining())  # type: ignore[attr-defined]
        self.deadline.guard(sock)
        return sock


class PinnedHTTPConnection(_Pinned, HTTPConnection):
    def __init__(self, address: str, port: int, *, deadline: Deadline) -> None:
        super().__init__(address, port, timeout=max(deadline.remaining(), 0.001))
        self.deadline = deadline


class PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    """TLS to the checked address, with SNI and the certificate check on the host's name."""

    def __init__(self, address: str, port: int, *, deadline: Deadline, server_hostname: str) -> None:
        super().__init__(
            address,
            port,
            timeout=max(deadline.remaining(), 0.001),
            server_hostname=server_hostname,
            ssl_context=tls_context(),
        )
        self.deadline = deadline


def _connect(where: Target, deadline: Deadline) -> HTTPConnection:
    """A connection to the first of the host's checked addresses that answers."""
    failure: OSError | None = None
    for address in addresses(where, deadline):
        if deadline.passed:
            break
        connection: HTTPConnection
        if where.scheme == "https":
            connection = PinnedHTTPSConnection(str(address), where.port, deadline=deadline, server_hostname=where.host)
        else:
            connection = PinnedHTTPConnection(str(address), where.port, deadline=deadline)
        try:
            connection.connect()
        except ssl.SSLError:
            connection.close()
            raise  # the address answered: another one would not make the certificate right
        except OSError as exc:
            connection.close()
            failure = exc
            continue
        return connection
    raise failure or TimeoutError()


@contextmanager
def _exchange(
    method: str, url: str, *, headers: dict[str, str], body: bytes | None, deadline: Deadline
) -> Iterator[Any]:
    """Send one request to ``url``; yields urllib3's response, its body not yet read, and closes the
    connection after."""
    where = target(url)
    connection = _connect(where, deadline)
    try:
        connection.request(
            method,
            where.path,
            body=body,
            headers={"Host": where.host_header, **headers},
            preload_content=False,
            decode_content=False,
        )
        yield connection.getresponse()
    finally:
        connection.close()


def _failure(exc: BaseException, deadline: Deadline, *, reading: bool = False) -> Unfetchable:
    """What a failed exchange says, in the words of the result."""
    if isinstance(exc, Unfetchable):
        return exc
    if deadline.passed or isinstance(exc, TimeoutError | urllib3.exceptions.TimeoutError):
        where = " reading the body" if reading else ""
        return Unfetchable(f"Timed out after {deadline.seconds:g}s{where}.", transient=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Unfetchable(f"TLS certificate refused: {exc.verify_message or exc}.")
    if isinstance(exc, ssl.SSLError | urllib3.exceptions.SSLError):
        return Unfetchable(f"TLS failed: {exc}.", transient=True)
    if reading:
        return Unfetchable(f"Connection lost reading the body: {exc}.", transient=True)
    if isinstance(exc, OSError):
        return Unfetchable(f"Could not connect: {exc}.", transient=True)
    return Unfetchable(f"Could not fetch: {exc}.", transient=isinstance(exc, http.client.HTTPException))


NETWORK_TROUBLE = (OSError, ValueError, http.client.HTTPException, urllib3.exceptions.HTTPError)


def _fail(result: FetchResult, problem: Unfetchable) -> FetchResult:
    result.error, result.transient, result.refused = str(problem), problem.transient, problem.refused
    result.body = b""
    return result


# ---------------------------------------------------------------------------------------------
# GET (feeds, archiving) and POST (webhooks)
# ---------------------------------------------------------------------------------------------


def fetch(url: str, *, max_bytes: int, timeout: float | None = None, max_redirects: int | None = None) -> FetchResult:
    """GET ``url``, following redirects (each hop checked and recorded); never raises for network
    trouble (it is in ``result.error``)."""
    seconds = float(timeout if timeout is not None else settings.FOGWATCH_FETCH_TIMEOUT)
    max_redirects = settings.FOGWATCH_ARCHIVE_MAX_REDIRECTS if max_redirects is None else max_redirects
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"}
    result = FetchResult(url=url)
    current = url
    with Deadline(seconds) as deadline:
        while True:
            try:
                with _exchange("GET", current, headers=headers, body=None, deadline=deadline) as response:
                    status, location = response.status, response.headers.get("Location")
                    if status in REDIRECTS and location:
                        result.hops.append({"url": current, "status": status})
                        if len(result.hops) > max_redirects:
                            result.status, result.final_url = status, current
                            return _fail(result, Unfetchable(f"More than {max_redirects} redirects."))
                        current = urljoin(current, location)
                        continue
                    result.status, result.final_url = status, current
                    result.content_type = (response.headers.get("Content-Type") or "")[:200]
                    try:
                        result.body = _read_body(response, max_bytes=max_bytes)
                    except (Unfetchable, *NETWORK_TROUBLE) as exc:
                        return _fail(result, _failure(exc, deadline, reading=True))
                    return result
            except (Unfetchable, *NETWORK_TROUBLE) as exc:
                return _fail(result, _failure(exc, deadline))


def _read_body(response: Any, *, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise Unfetchable(f"Body of {int(declared)} bytes is over the {max_bytes}-byte cap; not stored.")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise Unfetchable(f"Body is over the {max_bytes}-byte cap; not stored.")
        chunks.append(chunk)
    return b"".join(chunks)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> FetchResult:
    """POST ``body`` to ``url`` once: no redirect followed, the answer's status kept and its body (the
    first 64 KiB read) dropped. ``result.error`` says what went wrong, if anything."""
    result = FetchResult(url=url)
    with Deadline(float(timeout)) as deadline:
        try:
            with _exchange("POST", url, headers=headers, body=body, deadline=deadline) as response:
                result.status, result.final_url = response.status, url
                with suppress(*NETWORK_TROUBLE):
                    response.read(CHUNK)  # the status is what a delivery needs
        except (Unfetchable, *NETWORK_TROUBLE) as exc:
            return _fail(result, _failure(exc, deadline))
    if result.status in REDIRECTS:
        result.error = f"HTTP {result.status}: redirects are not followed."
    elif not result.ok:
        result.error = f"HTTP {result.status}"
    return result
