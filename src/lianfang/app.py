"""The composition root: builds the runtime (engine, sessions, bus, jobs) and the web app."""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from lianfang import __version__
from lianfang.config import Settings
from lianfang.core.db import make_engine, make_session_factory
from lianfang.core.events import EventBus
from lianfang.core.jobs import Runtime, serve_forever
from lianfang.core.web import App, LocaleMiddleware, install_error_handlers, make_templates

STATIC_DIR = Path(__file__).resolve().parent / "static"


def build_runtime(settings: Settings, factory: sessionmaker[Session] | None = None) -> Runtime:
    """Wire job handlers, periodic scans and event subscriptions. Tests pass their own session factory."""
    from lianfang.accounts import tasks as accounts_tasks
    from lianfang.assignments import tasks as assignments_tasks
    from lianfang.checkins import tasks as checkins_tasks

    factory = factory or make_session_factory(make_engine(settings))
    runtime = Runtime(settings=settings, factory=factory, bus=EventBus())
    accounts_tasks.register(runtime)
    assignments_tasks.register(runtime)
    checkins_tasks.register(runtime)
    return runtime


def _routers() -> list[object]:
    from lianfang import home
    from lianfang.accounts import api as accounts_api
    from lianfang.accounts import audit_pages
    from lianfang.accounts import pages as accounts_pages
    from lianfang.assignments import api as assignments_api
    from lianfang.assignments import pages as assignments_pages
    from lianfang.checkins import api as checkins_api
    from lianfang.checkins import pages as checkins_pages
    from lianfang.checkins import scan_pages as checkins_scan_pages
    from lianfang.jurisdictions import api as jurisdictions_api
    from lianfang.jurisdictions import pages as jurisdictions_pages
    from lianfang.people import api as people_api
    from lianfang.people import pages as people_pages
    from lianfang.units import api as units_api
    from lianfang.units import pages as units_pages
    from lianfang.venues import api as venues_api
    from lianfang.venues import pages as venues_pages

    return [
        checkins_api.router,  # first: the single-scan path is the hottest route
        home.router,
        accounts_api.router,
        accounts_pages.router,
        audit_pages.router,
        jurisdictions_api.router,
        jurisdictions_pages.router,
        people_api.router,
        people_pages.router,
        units_api.router,
        units_pages.router,
        venues_api.router,
        venues_pages.router,
        assignments_api.router,
        assignments_pages.router,
        checkins_pages.router,
        checkins_scan_pages.router,
    ]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    from lianfang.accounts.auth import authenticate
    from lianfang.checkins.fast import ScanEndpoint

    settings = settings or Settings()
    runtime = runtime or build_runtime(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The app holds ~100 MB of long-lived objects (routes, models, templates); freezing them keeps
        # full collections from walking them again, which was the p99 tail of the scan API under load.
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 50, 100)
        stop = threading.Event()
        thread = None
        if settings.embedded_worker:
            thread = threading.Thread(target=serve_forever, args=(runtime, stop), name="worker", daemon=True)
            thread.start()
        yield
        stop.set()
        if thread is not None:
            thread.join(timeout=10)

    app = App(title="lianfang 联防", version=__version__, lifespan=lifespan)
    app.add_hot_path("POST", "/api/scans", ScanEndpoint())
    app.state.runtime = runtime
    app.state.templates = make_templates()
    app.state.authenticate = authenticate
    app.add_middleware(LocaleMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    install_error_handlers(app)
    for router in _routers():
        app.include_router(router)  # type: ignore[arg-type]
    return app
