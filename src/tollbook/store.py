"""Open a database from any SQLAlchemy URL and keep its schema current with Alembic.

SQLite (the default, `sqlite:///tollbook.db`) runs in WAL mode with foreign keys on; PostgreSQL works through
`postgresql+psycopg://…`. Every other module reaches the database through the engines and sessions made here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tollbook.errors import StoreError

DEFAULT_URL = "sqlite:///tollbook.db"
SQLITE_BUSY_SECONDS = 30.0  # how long a SQLite write waits for another writer before it gives up
MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """The database URL from TOLLBOOK_DB, else the local SQLite file."""
    return os.environ.get("TOLLBOOK_DB") or DEFAULT_URL


def mask_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """WAL for concurrent readers, foreign keys enforced."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_engine(url: str | None = None, create: bool = True, **options: object) -> Engine:
    """An engine for `url`, checked by connecting once; failures name the URL (password masked).

    With `create=False` a missing SQLite file is an error instead of a new empty database. `options` go to
    SQLAlchemy's create_engine (the web app sizes its connection pool to its threads).
    """
    url = url or default_url()
    try:
        if make_url(url).get_backend_name() == "sqlite":  # a writer waits for another, then says so in one line
            options = {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}} | options
        # no values in errors (they may be confidential)
        engine = create_engine(url, future=True, hide_parameters=True, **options)
    except (ArgumentError, SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot open database {mask_url(url)}: {db_error_line(exc)}") from exc
    if engine.dialect.name == "sqlite":
        _check_sqlite_file(url, create)
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {mask_url(url)}: {db_error_line(exc)}") from exc
    return engine


def _check_sqlite_file(url: str, create: bool) -> None:
    """SQLite creates the file but not its folder: say so plainly, and do not create files by accident."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    if not Path(database).parent.exists():
        raise StoreError(f"cannot open database {url}: folder {Path(database).parent} does not exist")
    if not create and not Path(database).exists():
        raise StoreError(f"no database at {url}: create it with `tollbook init --db {url}`")
    _create_private(Path(database))


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (SQLite gives its -wal and -shm files the same mode)."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def db_error_line(exc: BaseException) -> str:
    """The first line of the driver's message, without SQLAlchemy's boilerplate: one line that holds no stored
    value (PostgreSQL's DETAIL lines can quote them; bound parameters are hidden by the engine)."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to `engine`, reading the package's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to head, never dropping data; refuse a schema newer than this code."""
    before = schema_revision(engine)
    if before is not None and not _known(ScriptDirectory(str(MIGRATIONS)), before):
        raise StoreError(
            f"database {mask_url(str(engine.url))} has schema revision {before}, newer than this "
            f"Tollbook knows ({head_revision()}); upgrade Tollbook before using it"
        )
    if before is None and _has_foreign_tables(engine):
        raise StoreError(f"database {mask_url(str(engine.url))} holds tables that are not Tollbook's; use another")
    command.upgrade(alembic_config(engine), "head")
    return before, head_revision()


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    """Whether `revision` is one of this code's migrations."""
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def _has_foreign_tables(engine: Engine) -> bool:
    """An unversioned database with tables of its own is not ours to migrate."""
    names = set(inspect(engine).get_table_names())
    return bool(names - {"alembic_version"})


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that was not initialised or is behind/ahead of the code."""
    current = schema_revision(engine)
    if current is None:
        raise StoreError(f"database {mask_url(str(engine.url))} is not initialised: run `tollbook init` first")
    if current != head_revision():
        raise StoreError(
            f"database {mask_url(str(engine.url))} is at schema {current}, this code expects {head_revision()}: "
            "run `tollbook init` to migrate it"
        )


_MAKERS: WeakKeyDictionary[Engine, sessionmaker] = WeakKeyDictionary()


def _session_maker(engine: Engine) -> sessionmaker:
    """One sessionmaker per engine (building one per session makes a new Session class each time, which is slow
    enough to show in a web server's time per request)."""
    maker = _MAKERS.get(engine)
    if maker is None:
        maker = _MAKERS[engine] = sessionmaker(engine, expire_on_commit=False)
    return maker


def new_session(engine: Engine) -> Session:
    """A session on `engine` (it takes a connection at its first query, not before)."""
    return _session_maker(engine)()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success (when it did anything) and rolled back on any exception."""
    session = _session_maker(engine)()
    try:
        yield session
        if session.in_transaction():
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
