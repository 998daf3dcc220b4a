"""Alembic environment. The URL comes from settings (LIANFANG_DATABASE_URL) unless the caller passes a
connection in `config.attributes["connection"]` (the test fixture and `lianfang init` do)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from lianfang.config import Settings
from lianfang.core.db import make_engine
from lianfang.models import metadata

config = context.config


MANUAL = tuple(name for name, table in metadata.tables.items() if table.info.get("manual_ddl"))


def include_object(obj: Any, _name: str | None, type_: str, reflected: bool, _compare_to: Any) -> bool:
    """Tables marked info["manual_ddl"] have hand-written migrations (e.g. the partitioned scans table);
    their partitions (`scans_default`, `scans_20261123` …) exist only in the database."""
    table = obj if type_ == "table" else getattr(obj, "table", None)
    if table is None:
        return True
    if table.info.get("manual_ddl") or table.name in MANUAL:
        return False
    return not (reflected and table.name.startswith(tuple(f"{m}_" for m in MANUAL)))


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = make_engine(Settings())
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
