"""A real streaming replica of the test database, started by the tests themselves.

``streaming_replica`` (once per module, after pytest-django has created the test database on the
primary): ``pg_basebackup -R`` of the primary into a temporary folder, then a second PostgreSQL
of the same major version on a free port of 127.0.0.1, streaming from the primary as a hot
standby. Its replay can be paused (``pause()``) to make it lag, resumed, waited for
(``catch_up()``), stopped and started again. It is always stopped and its folder removed at the end.

What it needs from the machine, set up here when missing and possible, otherwise a failure that
says what to do (never a skip: CI runs these tests):

- the PostgreSQL server binaries of the primary's major version (``/usr/lib/postgresql/<major>/bin``,
  or ``FOGWATCH_PG_BINDIR``);
- ``wal_level`` replica or logical and ``max_wal_senders`` above 0 on the primary (the defaults;
  changing them needs a restart of the primary, which the tests never do);
- a ``pg_hba.conf`` line letting the test user make replication connections from 127.0.0.1: when
  pg_hba.conf refuses one, written into the primary's ``hba_file`` before its other replication
  lines and loaded with ``pg_reload_conf()`` (once: idempotent);
- PostgreSQL refuses to run as root: as root, the backup and the server run as the ``postgres``
  user (``runuser``) in a folder owned by it.

The ``replica`` database alias points at it for the rest of the session. ``replica`` (per test,
marked ``REPLICA_DB``: transactional, both aliases allowed): the replica router on, the replica
caught up with the primary when the test starts and replaying again when it ends. Request it after
the fixtures that create the test's data, so those are written with no router in the way.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.db import DatabaseError, connections

from core import replica as read_routing

ALIAS = read_routing.REPLICA
HBA_LINE = "host    replication     all             127.0.0.1/32            trust"
HBA_COMMENT = "# Fogwatch's tests start a streaming replica of the test database (tests/support/replica.py)."
WAIT_SECONDS = 60


def fail(message: str) -> None:
    pytest.fail(f"Streaming replica for the tests: {message}", pytrace=False)


def with_replication_line(lines: list[str]) -> list[str]:
    """pg_hba.conf's lines with ours before the first line about replication connections."""
    first = next(
        (
            i
            for i, line in enumerate(lines)
            if not line.lstrip().startswith("#") and line.split()[1:2] == ["replication"]
        ),
        len(lines),
    )
    return [*lines[:first], HBA_COMMENT, HBA_LINE, *lines[first:]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamingReplica:
    def __init__(self, primary: dict[str, Any]):
        self.primary = primary  # the default alias's settings: HOST, PORT, USER, PASSWORD, NAME (the test database)
        self.name = primary["NAME"]
        self.host = primary["HOST"] or "127.0.0.1"
        self.port = 0
        self.folder: Path | None = None
        self.bindir: Path | None = None
        self.as_postgres = os.geteuid() == 0
        self._primary_conn: Any = None
        self._replica_conn: Any = None
        self.ready_after = 0.0  # seconds the last start took to answer

    # --- connections used by the fixture itself (not Django's) ---

    def primary_conn(self) -> Any:
        if self._primary_conn is None or self._primary_conn.closed:
            self._primary_conn = psycopg2.connect(
                host=self.host,
                port=self.primary["PORT"] or 5432,
                user=self.primary["USER"] or "postgres",
                password=self.primary["PASSWORD"] or None,
                dbname=self.name,
                connect_timeout=5,
            )
            self._primary_conn.autocommit = True
        return self._primary_conn

    def replica_conn(self) -> Any:
        if self._replica_conn is None or self._replica_conn.closed:
            self._replica_conn = psycopg2.connect(
                host="127.0.0.1",
                port=self.port,
                user=self.primary["USER"] or "postgres",
                password=self.primary["PASSWORD"] or None,
                dbname=self.name,
                connect_timeout=5,
            )
            self._replica_conn.autocommit = True
        return self._replica_conn

    def on_primary(self, sql: str, params: Any = None) -> Any:
        with self.primary_conn().cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None

    def on_replica(self, sql: str, params: Any = None) -> Any:
        with self.replica_conn().cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    # --- setting up ---

    def check_primary(self) -> None:
        wal_level, senders, major = (
            self.on_primary("SHOW wal_level")[0],
            int(self.on_primary("SHOW max_wal_senders")[0]),
            int(self.on_primary("SHOW server_version_num")[0]) // 10000,
        )
        if wal_level not in ("replica", "logical") or senders < 1:
            fail(
                f"the primary has wal_level={wal_level}, max_wal_senders={senders}; streaming needs "
                "wal_level=replica (or logical) and max_wal_senders of 1 or more (PostgreSQL's defaults). "
                "Changing them needs a restart of the primary, which the tests do not do."
            )
        bindir = Path(os.environ.get("FOGWATCH_PG_BINDIR") or f"/usr/lib/postgresql/{major}/bin")
        missing = [tool for tool in ("pg_basebackup", "pg_ctl", "postgres") if not (bindir / tool).is_file()]
        if missing:
            fail(
                f"{', '.join(missing)} not found in {bindir} (the primary is PostgreSQL {major}); install the "
                f"server package (Debian: apt-get install postgresql-{major}) or set FOGWATCH_PG_BINDIR."
            )
        self.bindir = bindir

    def allow_replication(self) -> None:
        """Make sure the primary lets the test user stream from here: when a replication connection
        is refused by pg_hba.conf (no line for it, or a line wanting a password the tests do not
        have), a trust line for 127.0.0.1 goes before the file's first replication line (the first
        matching line decides), then the configuration is reloaded. The tests already reach the
        primary from 127.0.0.1 without a password, so this opens nothing they could not do."""
        refused = self._replication_refused()
        if refused is None:
            return
        hba_file = Path(self.on_primary("SHOW hba_file")[0])
        try:
            lines = hba_file.read_text().splitlines()
            if HBA_LINE not in lines:
                hba_file.write_text("\n".join(with_replication_line(lines)) + "\n")
        except OSError as exc:
            fail(
                f"the primary refuses replication connections ({refused}) and {hba_file} cannot be changed "
                f"({exc}); add this line to it, before any other replication line, and reload PostgreSQL:\n"
                f"    {HBA_LINE}"
            )
        self.on_primary("SELECT pg_reload_conf()")
        for _ in range(50):
            refused = self._replication_refused()
            if refused is None:
                return
            time.sleep(0.1)
        fail(
            f"the primary still refuses replication connections ({refused}) with this line in {hba_file}:\n"
            f"    {HBA_LINE}"
        )

    def _replication_refused(self) -> str | None:
        """Why the primary refuses a replication connection from the tests, if it does because of
        pg_hba.conf; any other refusal (a user without the REPLICATION attribute) is a failure."""
        try:
            conn = psycopg2.connect(
                host=self.host,
                port=self.primary["PORT"] or 5432,
                user=self.primary["USER"] or "postgres",
                password=self.primary["PASSWORD"] or None,
                dbname="replication",
                replication="true",
                connect_timeout=5,
            )
        except psycopg2.OperationalError as exc:
            message = " ".join(str(exc).split())
            if "pg_hba.conf" in message or (not self.primary["PASSWORD"] and "password" in message):
                return message
            fail(f"a replication connection to the primary failed: {message}")
        conn.close()
        return None

    def _run(self, *args: str, timeout: float = WAIT_SECONDS * 3) -> None:
        command = [*(["runuser", "-u", "postgres", "--"] if self.as_postgres else []), *args]
        env = {**os.environ, **({"PGPASSWORD": self.primary["PASSWORD"]} if self.primary["PASSWORD"] else {})}
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd="/")
        except (OSError, subprocess.TimeoutExpired) as exc:
            fail(f"{' '.join(args)} did not run: {exc}{self._log_tail()}")
        if done.returncode != 0:
            fail(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{self._log_tail()}")

    def _log_tail(self) -> str:
        log = self.folder / "replica.log" if self.folder else None
        if log is None or not log.exists():
            return ""
        return "\nreplica.log:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])

    def create(self) -> None:
        self.check_primary()
        self.allow_replication()
        self.folder = Path(tempfile.mkdtemp(prefix="fogwatch-replica-"))
        if self.as_postgres:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                fail("the tests run as root and there is no postgres user to run PostgreSQL as.")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        data = self.folder / "data"
        self._run(
            str(self.bindir / "pg_basebackup"),
            f"--host={self.host}",
            f"--port={self.primary['PORT'] or 5432}",
            f"--username={self.primary['USER'] or 'postgres'}",
            f"--pgdata={data}",
            "--wal-method=stream",
            "--write-recovery-conf",
            "--checkpoint=fast",
            "--no-sync",
        )
        # The primary's own settings (on Debian, postgresql.conf lives in /etc) stay behind: the
        # replica gets a small configuration of its own. A hot standby needs these at least as
        # high as on the primary.
        at_least = {
            name: self.on_primary(f"SHOW {name}")[0]
            for name in (
                "max_connections",
                "max_worker_processes",
                "max_wal_senders",
                "max_prepared_transactions",
                "max_locks_per_transaction",
            )
        }
        settings = {
            "hot_standby": "on",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "logging_collector": "off",
            "ssl": "off",
            "hba_file": f"'{data / 'pg_hba.conf'}'",
            "ident_file": f"'{data / 'pg_ident.conf'}'",
            **at_least,
        }
        self._write(data / "postgresql.conf", "".join(f"{k} = {v}\n" for k, v in settings.items()))
        self._write(data / "pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self._write(data / "pg_ident.conf", "")
        self.start()

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text)
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(path, user.pw_uid, user.pw_gid)

    def start(self) -> None:
        """Start the server (again: on the port it had) and wait until it streams and answers."""
        self.port = self.port or free_port()
        self._run(
            str(self.bindir / "pg_ctl"),
            f"--pgdata={self.folder / 'data'}",
            f"--log={self.folder / 'replica.log'}",
            "--no-wait",
            # Command-line settings win over the postgresql.auto.conf copied from the primary.
            f"--options=-p {self.port} -h 127.0.0.1 -k {self.folder}",
            "start",
        )
        self.wait_ready()

    def wait_ready(self) -> None:
        """Until the standby takes read-only connections and streams.

        A hot standby answers once it has a snapshot of the primary's running transactions that it
        can use: one where no transaction had more than 64 subtransactions (savepoints), or else
        once all those have ended. The primary logs such a snapshot every 15 s and at each
        checkpoint; a checkpoint every 2 s here shortens the wait. A transaction on the primary that
        stays open with many savepoints (another test suite's) makes it longer."""
        started = time.monotonic()
        deadline = started + WAIT_SECONDS * 3
        nudge = started + 1
        state = "not answering"
        while time.monotonic() < deadline:
            if time.monotonic() > started + 5 and not (self.folder / "data" / "postmaster.pid").exists():
                fail(f"the replica is not running{self._log_tail()}")
            try:
                status = self.on_replica("SELECT status FROM pg_stat_wal_receiver")
            except psycopg2.Error as exc:
                self._replica_conn = None
                state = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            else:
                if status and status[0] == "streaming":
                    return
                state = f"wal receiver {status[0] if status else 'not running'}"
            if time.monotonic() > nudge:
                self.on_primary("CHECKPOINT")
                nudge = time.monotonic() + 2
            time.sleep(0.1)
        long_open = self.on_primary(
            "SELECT string_agg(format('%s (%s, open %s)', pid, datname, now() - xact_start), ', ')"
            " FROM pg_stat_activity WHERE xact_start < now() - interval '10 seconds'"
        )[0]
        fail(
            f"the replica did not become ready ({state}); transactions open long on the primary: "
            f"{long_open or 'none'}{self._log_tail()}"
        )

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; by default as a crash would (its clients' connections just end)."""
        self.close_connections()
        self._run(
            str(self.bindir / "pg_ctl"),
            f"--pgdata={self.folder / 'data'}",
            f"--mode={mode}",
            "--wait",
            f"--timeout={WAIT_SECONDS * 2}",
            "stop",
        )

    def destroy(self) -> None:
        self.close_connections()
        if self._primary_conn is not None:
            self._primary_conn.close()
        if self.folder is None:
            return
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self.stop(mode="immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def close_connections(self) -> None:
        if self._replica_conn is not None:
            self._replica_conn.close()
            self._replica_conn = None

    # --- lag on demand ---

    def pause(self) -> None:
        """Stop replaying the primary's WAL (it is still received): the replica lags from now on."""
        self.on_replica("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + WAIT_SECONDS
        while self.on_replica("SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
            if time.monotonic() > deadline:
                fail("replay did not pause")
            time.sleep(0.02)

    def resume(self) -> None:
        self.on_replica("SELECT pg_wal_replay_resume()")

    def catch_up(self) -> None:
        """Wait until the replica has replayed everything the primary had committed when called."""
        target = self.on_primary("SELECT pg_current_wal_lsn()")[0]
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.on_replica("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])[0]:
            if time.monotonic() > deadline:
                fail(f"the replica did not replay up to {target}{self._log_tail()}")
            time.sleep(0.02)

    def has(self, table: str, pk: int) -> bool:
        """Whether the replica has the row (read straight from it, not through Django)."""
        return bool(self.on_replica(f"SELECT count(*) FROM {table} WHERE id = %s", [pk])[0])


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup) -> Iterator[StreamingReplica]:
    """The replica of the test database (created after it, so it has it), for the module, and the
    ``replica`` database alias pointing at it (a module fixture is set up before the test's
    database access, which checks that the aliases a test names exist). Removed with the module:
    the tests run after it in the same process (pytest-xdist) see no ``replica`` alias, as in
    any deployment without DATABASE_REPLICA_URL."""
    primary = connections["default"].settings_dict
    if primary["ENGINE"] != "django.db.backends.postgresql":
        fail(f"the tests run on {primary['ENGINE']}; a streaming replica needs PostgreSQL (DATABASE_URL).")
    server = StreamingReplica(primary)
    try:
        server.create()
        register_alias(server)
        yield server
    finally:
        unregister_alias()
        server.destroy()


def register_alias(server: StreamingReplica) -> None:
    """``DATABASES["replica"]``: the replica's address, the test database's name, a test mirror (so
    the transactional tests' flush leaves it alone: it replays the primary's). Nothing reads from
    it until the router is on (the ``replica`` fixture)."""
    config = {
        **{k: v for k, v in connections["default"].settings_dict.items() if k not in ("TEST", "OPTIONS")},
        "HOST": "127.0.0.1",
        "PORT": str(server.port),
        "NAME": server.name,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
    connections.settings[ALIAS] = config
    connections.configure_settings(connections.settings)


def close_alias() -> None:
    with contextlib.suppress(DatabaseError):  # a replica that was stopped: nothing to close cleanly
        connections[ALIAS].close()


def unregister_alias() -> None:
    if ALIAS in connections.settings:
        close_alias()
        with contextlib.suppress(AttributeError):
            del connections[ALIAS]
        del connections.settings[ALIAS]


# The mark a replica test needs: committed data (a replica replays commits) and the alias allowed.
REPLICA_DB = pytest.mark.django_db(transaction=True, databases=["default", ALIAS])


@pytest.fixture
def replica(streaming_replica, transactional_db, settings) -> Iterator[StreamingReplica]:
    """The replica in use for this test (mark the test ``REPLICA_DB``): the router on, the replica
    caught up with the primary at the start, replaying again at the end. Request it after the
    fixtures that write the test's data, so those are written before the router is on."""
    streaming_replica.catch_up()
    settings.DATABASE_REPLICA_URL = f"postgres://127.0.0.1:{streaming_replica.port}/{streaming_replica.name}"
    settings.DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    read_routing.forget_down()
    try:
        yield streaming_replica
    finally:
        close_alias()
        read_routing.forget_down()
        if not (streaming_replica.folder / "data" / "postmaster.pid").exists():
            streaming_replica.start()  # a test stopped it
        streaming_replica.resume()
