"""Alembic environment: runs migrations on the engine that tollbook.store hands over.

SQLite alters a table by rebuilding it (copy, drop, rename). Dropping a table other rows point at fails while
foreign keys are enforced, so on SQLite they are switched off for the migration (outside any transaction, the
only place SQLite honours the switch), every reference is checked once the migration is done, and enforcement
is switched back on.
"""

from alembic import context
from sqlalchemy import Connection

from tollbook.model import Base

config = context.config
engine = config.attributes["engine"]


def _run(connection: Connection) -> None:
    """The pending migrations in one transaction."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with connection.begin(), context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            _check_references(connection)


def _check_references(connection: Connection) -> None:
    """Fail the migration (and roll it back) if a table rebuild left a reference to a missing row."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        first = broken[0]
        raise RuntimeError(f"migration left {len(broken)} broken references (first: table {first[0]}, "
                           f"row {first[1]}, to table {first[2]})")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        _run(connection)
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
