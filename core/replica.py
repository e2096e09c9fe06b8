"""Reads from a streaming replica that never go back in time for the client who wrote.

With ``DATABASE_REPLICA_URL`` set, reads go to the replica (``config/db_router.py``) and writes to
the primary. A replica replays the primary's write-ahead log a moment (or, when it falls behind,
much more than a moment) after the commit, so a client that has just written and then reads the
replica could see the state before its own write: the claim it created missing, a claim its denial
contested still "unverified". This module keeps that from happening (docs/replicas.md):

- **A write leaves a mark.** ``ReadYourWritesMiddleware`` watches the statements a request runs on
  the primary; when one wrote, it asks the primary for its WAL position after the commit
  (``pg_current_wal_lsn()``, one query) and records it for the client: in the session for a
  browser, in the cache under a digest of the token for a client sending ``Authorization: Token``.
  From that statement on, the rest of the request also reads the primary.
- **A marked client reads the primary until the replica has replayed the mark.** At the start of
  each of its requests one query asks the replica how far it has replayed
  (``pg_last_wal_replay_lsn()``). Replayed past the mark: the mark is dropped and the client reads
  the replica again. Not yet: this request reads the primary, however long the replica lags (the
  mark never expires on the clock while the replica's position can be compared: staying on the
  primary is what keeps the client from going back in time). Only when the replica cannot say
  where it is (a server that reports no replay position) does ``FOGWATCH_REPLICA_STICKY_SECONDS``
  bound the stay on the primary. Clients with no mark (anonymous readers, editors who have not
  written lately) cost nothing: no query is added to their requests.
- **A replica that is down is skipped.** The first read of a request checks the replica's
  connection: a new one must open (within ``FOGWATCH_REPLICA_CONNECT_TIMEOUT``); a persistent one
  must not have been dropped by the server, which is seen on its socket without a query. If not,
  the request reads the primary and the replica is not tried again in this process for
  ``FOGWATCH_REPLICA_RETRY_SECONDS``. A replica that dies in the middle of a request can still fail
  that request.

Outside a request (management commands, Celery workers) reads go to the replica when it can be
reached; tasks read what they act on from the primary themselves (``core/tasks.py``).

The router asks ``read_alias()``; the decision lives in a context variable the middleware sets, so
it follows the request (a streamed export reads with it while it is sent).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import select
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

logger = logging.getLogger("fogwatch.replica")

PRIMARY = "default"
REPLICA = "replica"

# Where a client's mark is kept: a browser's in its session, a token client's in the cache.
SESSION_KEY = "_fogwatch_wrote"
CACHE_PREFIX = "fogwatch:wrote:"
# How long the cache keeps a token client's mark if that client never comes back to clear it. A
# replica that lags by more than this lets the client read from before its write: by then the
# replica is broken, and docs/replicas.md says to take it out.
CACHE_MARK_SECONDS = 86_400

# Statements that write (or may: a WITH can carry an UPDATE, as the set-wise recompute's does).
_WRITES = re.compile(r"^[\s(]*(INSERT|UPDATE|DELETE|TRUNCATE|MERGE|COPY|CREATE|ALTER|DROP|WITH)\b", re.IGNORECASE)

_down_until = 0.0  # until when (time.monotonic) the replica is not tried again in this process


@dataclass
class Reads:
    """Where this request reads: ``alias`` is decided at its first read, unless the middleware
    decided first (a marked client) or a write moved the request to the primary."""

    alias: str | None = None
    wrote: bool = False


_reads: ContextVar[Reads | None] = ContextVar("fogwatch_reads", default=None)


def configured() -> bool:
    """Whether reads go to a replica (``DATABASE_REPLICA_URL``, which adds the ``replica`` alias)."""
    return bool(getattr(settings, "DATABASE_REPLICA_URL", "")) and REPLICA in connections.settings


def read_alias() -> str:
    """The database this read goes to: the primary for a request that wrote or whose client has a
    mark the replica has not replayed, or when the replica is down; the replica otherwise."""
    reads = _reads.get()
    if reads is None:  # outside a request
        return REPLICA if replica_usable() else PRIMARY
    if reads.alias is None:
        reads.alias = REPLICA if replica_usable() else PRIMARY
    return reads.alias


def replica_usable() -> bool:
    """Whether the replica can be read: its connection is open, or opens. A failure is logged and
    remembered for ``FOGWATCH_REPLICA_RETRY_SECONDS``."""
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        if connection.connection is not None and _dropped(connection):
            _close(connection)
        connection.ensure_connection()
    except DatabaseError as exc:
        replica_down(exc)
        return False
    return True


def _dropped(connection: Any) -> bool:
    """Whether an open, idle connection has been dropped by the server, without a query: between
    requests the server sends nothing on it, so anything waiting to be read there (the notice of a
    shut-down server, or the end of the stream) means it is gone. A persistent connection to a
    replica that restarted is replaced, not used to fail a request."""
    raw = connection.connection
    if getattr(raw, "closed", False):
        return True
    try:
        if hasattr(select, "poll"):  # no limit on the descriptor's number, unlike select()
            poller = select.poll()
            poller.register(raw.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            return bool(poller.poll(0))
        readable, _, _ = select.select([raw.fileno()], [], [], 0)
    except (AttributeError, OSError, ValueError):
        return not connection.is_usable()
    return bool(readable)


def replica_down(exc: BaseException) -> None:
    """Reads go to the primary for ``FOGWATCH_REPLICA_RETRY_SECONDS``."""
    global _down_until
    if time.monotonic() >= _down_until:
        logger.warning(
            "The read replica cannot be reached (%s); reads go to the primary for %ss.",
            str(exc).strip() or type(exc).__name__,
            settings.FOGWATCH_REPLICA_RETRY_SECONDS,
        )
    _down_until = time.monotonic() + settings.FOGWATCH_REPLICA_RETRY_SECONDS
    _close(connections[REPLICA])


def forget_down() -> None:
    """Try the replica again at the next read (tests, after restarting it)."""
    global _down_until
    _down_until = 0.0


def _close(connection: Any) -> None:
    with contextlib.suppress(DatabaseError):
        connection.close()


# --- WAL positions ------------------------------------------------------------------------------


def lsn_value(text: str) -> int:
    """A PostgreSQL WAL position (``16/B374D848``) as a number that compares like it."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def primary_position() -> str | None:
    """The primary's WAL position now: every transaction committed so far is at or before it."""
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return cursor.fetchone()[0]
    except DatabaseError:
        logger.exception("Could not read the primary's WAL position; the write is kept on the clock only.")
        return None


def replica_position() -> tuple[bool, str | None]:
    """``(in recovery, replayed position)`` of the replica; ``(False, None)`` when it is not a
    standby. Raises ``DatabaseError`` when the replica cannot be reached."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
        in_recovery, replayed = cursor.fetchone()
    return bool(in_recovery), replayed


def replayed(mark: dict[str, Any]) -> bool | None:
    """Whether the replica has replayed the write the mark records: True, False, or None when it
    cannot say (no replay position, or the mark has no WAL position). Raises ``DatabaseError``
    when the replica cannot be reached."""
    in_recovery, position = replica_position()
    if not in_recovery:
        return True  # not a standby: nothing to wait for (the "replica" is a primary)
    if position is None or not mark.get("lsn"):
        return None
    return lsn_value(position) >= lsn_value(mark["lsn"])


# --- Marks: where a client's last write is remembered --------------------------------------------


def _token_key(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _, token = header.partition(" ")
    if keyword.lower() != "token" or not token.strip():
        return None
    return CACHE_PREFIX + hashlib.sha256(token.strip().encode()).hexdigest()


def load_mark(request: HttpRequest) -> dict[str, Any] | None:
    key = _token_key(request)
    if key is not None:
        mark = cache.get(key)
    else:
        session = getattr(request, "session", None)
        mark = session.get(SESSION_KEY) if session is not None and session.session_key else None
    return mark if isinstance(mark, dict) else None


def save_mark(request: HttpRequest, lsn: str | None) -> None:
    """Record the write for the client; a later mark never moves back an earlier one's position."""
    key = _token_key(request)
    session = getattr(request, "session", None)
    if key is not None:
        previous = cache.get(key)
    elif session is not None and (session.session_key or session.modified):
        previous = session.get(SESSION_KEY)
    else:
        return  # neither a token nor a session: no client to remember it for
    if isinstance(previous, dict) and previous.get("lsn") and lsn and lsn_value(previous["lsn"]) > lsn_value(lsn):
        lsn = previous["lsn"]
    mark = {"lsn": lsn, "at": time.time()}
    if key is not None:
        cache.set(key, mark, max(CACHE_MARK_SECONDS, settings.FOGWATCH_REPLICA_STICKY_SECONDS))
    elif session is not None:
        session[SESSION_KEY] = mark


def drop_mark(request: HttpRequest) -> None:
    key = _token_key(request)
    if key is not None:
        cache.delete(key)
    elif getattr(request, "session", None) is not None:
        request.session.pop(SESSION_KEY, None)


def route_marked(request: HttpRequest, mark: dict[str, Any]) -> str:
    """Where a client with a mark reads in this request (and the mark dropped once replayed)."""
    if not replica_usable():
        return PRIMARY
    try:
        done = replayed(mark)
    except DatabaseError as exc:
        replica_down(exc)
        return PRIMARY
    if done is None:  # the replica cannot say how far it is: the clock decides
        done = time.time() - float(mark.get("at", 0)) >= settings.FOGWATCH_REPLICA_STICKY_SECONDS
    if done:
        drop_mark(request)
        return REPLICA
    return PRIMARY


# --- The middleware ----------------------------------------------------------------------------


class ReadYourWritesMiddleware:
    """Decides where each request reads (see the module's docstring). Sits inside the session
    middleware, so a browser's mark is saved with its session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return self.get_response(request)
        reads = Reads()
        mark = load_mark(request)
        if mark is not None:
            reads.alias = route_marked(request, mark)
        context = _reads.set(reads)

        def spot_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
            if not reads.wrote and _WRITES.match(sql):
                reads.wrote = True
                reads.alias = PRIMARY  # the rest of this request reads its own write
            return execute(sql, params, many, ctx)

        try:
            with connections[PRIMARY].execute_wrapper(spot_writes):
                response = self.get_response(request)
            if reads.wrote:
                save_mark(request, primary_position())
        finally:
            _reads.reset(context)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            # A streamed response reads while it is sent, after this returns: with this decision.
            response.streaming_content = _streamed(response.streaming_content, reads)
        return response


def _streamed(chunks: Iterable[Any], reads: Reads) -> Iterator[Any]:
    """The chunks, each made with ``reads`` as this request's decision."""
    iterator = iter(chunks)
    while True:
        context = _reads.set(reads)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reads.reset(context)
        yield chunk
