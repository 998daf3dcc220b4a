"""Alembic environment. The URL comes from settings (LIANFANG_DATABASE_URL) unless the caller passes a
connection in `config.attributes["connection"]` (the test fixture and `lianfang init` do)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from lianfang.config import Settings
from lianfang.core.db import make_engine
from lianfang.models import metadata

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
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
