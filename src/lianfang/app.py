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
    from lianfang.analytics import tasks as analytics_tasks
    from lianfang.assignments import tasks as assignments_tasks
    from lianfang.checkins import tasks as checkins_tasks
    from lianfang.command import tasks as command_tasks
    from lianfang.control import tasks as control_tasks
    from lianfang.enforcement import tasks as enforcement_tasks
    from lianfang.healthcodes import tasks as healthcodes_tasks
    from lianfang.testing import tasks as testing_tasks
    from lianfang.tracing import tasks as tracing_tasks
    from lianfang.travel import tasks as travel_tasks
    from lianfang.vaccination import tasks as vaccination_tasks

    factory = factory or make_session_factory(make_engine(settings))
    runtime = Runtime(settings=settings, factory=factory, bus=EventBus())
    accounts_tasks.register(runtime)
    assignments_tasks.register(runtime)
    checkins_tasks.register(runtime)
    command_tasks.register(runtime)
    testing_tasks.register(runtime)
    travel_tasks.register(runtime)
    tracing_tasks.register(runtime)
    enforcement_tasks.register(runtime)
    control_tasks.register(runtime)
    vaccination_tasks.register(runtime)
    healthcodes_tasks.register(runtime)  # after checkins: installs the door-status provider
    analytics_tasks.register(runtime)
    from lianfang.analytics import ports as analytics_panels
    from lianfang.supply import views as supply_overview

    analytics_panels.install("supply", supply_overview.panel)  # a sibling's panel on the dashboard
    return runtime


def _routers() -> list[object]:
    """One router per module (its `router.py` orders the module's own routes)."""
    from lianfang import home
    from lianfang.accounts.router import router as accounts
    from lianfang.analytics.router import router as analytics
    from lianfang.assignments.router import router as assignments
    from lianfang.checkins.router import router as checkins
    from lianfang.command.router import router as command
    from lianfang.control.router import router as control
    from lianfang.enforcement.router import router as enforcement
    from lianfang.healthcodes.router import router as healthcodes
    from lianfang.information.router import router as information
    from lianfang.interop.router import router as interop
    from lianfang.jurisdictions.router import router as jurisdictions
    from lianfang.people.router import router as people
    from lianfang.supply.router import router as supply
    from lianfang.testing.router import router as testing
    from lianfang.tracing.router import router as tracing
    from lianfang.travel.router import router as travel
    from lianfang.unithealth.router import router as unithealth
    from lianfang.units.router import router as units
    from lianfang.vaccination.router import router as vaccination
    from lianfang.venues.router import router as venues

    return [
        checkins,  # first: the single-scan path is the hottest route
        home.router,
        accounts,
        jurisdictions,
        people,
        units,
        venues,
        assignments,
        command,
        travel,
        testing,
        tracing,
        unithealth,
        enforcement,
        control,
        healthcodes,
        vaccination,
        analytics,
        supply,
        information,
        interop,
    ]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    from lianfang.accounts.access import authenticate
    from lianfang.checkins.scans.hot import ScanEndpoint
    from lianfang.healthcodes.checks import hot as checks_hot
    from lianfang.testing.samples.hot import endpoints as testing_endpoints
    from lianfang.tracing.investigation import hot as tracing_fast

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

    from lianfang.interop.router import TAGS as INTEROP_TAGS

    app = App(title="lianfang 联防", version=__version__, lifespan=lifespan, openapi_tags=INTEROP_TAGS)
    app.add_hot_path("POST", "/api/scans", ScanEndpoint())
    app.add_hot_path("POST", checks_hot.PATH, checks_hot.endpoint(runtime))
    app.add_hot_path("GET", tracing_fast.PATH, tracing_fast.endpoint(runtime))
    for method, path, endpoint in testing_endpoints():
        app.add_hot_path(method, path, endpoint)  # sample registration (group commit)
    app.state.runtime = runtime
    app.state.templates = make_templates()
    app.state.authenticate = authenticate
    app.add_middleware(LocaleMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    install_error_handlers(app)
    for router in _routers():
        app.include_router(router)  # type: ignore[arg-type]
    return app
