"""The request's unit of work: the answer leaves only after the commit, so a failed commit is a
failed request, never a 200 for a change that was lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lianfang.app import build_runtime, create_app
from lianfang.config import Settings
from lianfang.core.jobs import Runtime


class _CommitFails(Session):
    def commit(self) -> None:
        raise RuntimeError("the database went away at commit")


def test_a_failed_commit_is_an_error_response_not_a_success(settings: Settings, runtime: Runtime) -> None:
    bind = runtime.factory.kw["bind"]

    def factory() -> Session:
        return _CommitFails(bind=bind, join_transaction_mode="create_savepoint")

    broken = build_runtime(settings, factory)  # type: ignore[arg-type]
    with TestClient(create_app(settings, broken), raise_server_exceptions=False) as client:
        answer = client.get("/login")
    assert answer.status_code == 500

    with TestClient(create_app(settings, runtime)) as client:
        assert client.get("/login").status_code == 200


def test_every_route_commits_before_it_answers(app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.dependencies.models import Dependant
    from fastapi.routing import APIRoute

    from lianfang.core.web import get_ctx

    def late(dependant: Dependant) -> list[str]:
        found = [dependant.name or ""] if dependant.call is get_ctx and dependant.scope != "function" else []
        return found + [name for sub in dependant.dependencies for name in late(sub)]

    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            included = getattr(route, "original_router", None)  # FastAPI keeps included routers whole
            if included is not None:
                yield from walk(included.routes)
            elif isinstance(route, APIRoute):
                yield route

    routes = list(walk(app.routes))
    assert len(routes) > 50
    offenders = [route.path for route in routes if late(route.dependant)]
    assert offenders == []
