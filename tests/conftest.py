"""Test fixtures. The schema is built by the migrations once per run; each test runs inside one outer
transaction that is rolled back, and every commit inside it (request, job runner, CLI) is a savepoint.

SQLite by default; set LIANFANG_TEST_DATABASE_URL=postgresql+psycopg://… to run on PostgreSQL."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from lianfang.app import build_runtime, create_app
from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine
from lianfang.core.jobs import Runtime
from lianfang.core.migrate import upgrade

TEST_KEYS = {
    "secret_key": "test-secret-key-not-for-production",
    "data_key": "3k2wq1pQxV9l0Zq5mYV8b0Y2m7x4bW1c5n6H8j0K2L4=",
    "lookup_key": "test-lookup-key",
}


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("LIANFANG_TEST_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_root / 'test.db'}"
    if url.startswith("postgresql"):
        _recreate_postgres_database(url)
    return url


def _recreate_postgres_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = create_engine(f"{base}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="lianfang-test-") as tmp:
        yield Settings(
            database_url=_database_url(Path(tmp)),
            environment="test",
            embedded_worker=False,
            _env_file=None,
            **TEST_KEYS,
        )  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def runtime(settings: Settings, connection: Connection) -> Runtime:
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return build_runtime(settings, factory)


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    s = runtime.factory()
    yield s
    s.close()


@pytest.fixture
def ctx(runtime: Runtime, session: Session) -> Ctx:
    """A system context for arranging data through the services."""
    return Ctx(session=session, actor=SYSTEM, settings=runtime.settings, now=utcnow(), bus=runtime.bus)


@pytest.fixture
def app(settings: Settings, runtime: Runtime):  # type: ignore[no-untyped-def]
    return create_app(settings, runtime)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def new_client(app):  # type: ignore[no-untyped-def]
    """Make more clients (one per signed-in user) on the same app."""
    made: list[TestClient] = []

    def make() -> TestClient:
        c = TestClient(app)
        c.__enter__()
        made.append(c)
        return c

    yield make
    for c in made:
        c.__exit__(None, None, None)
