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
    from lianfang.analytics import panels as analytics_panels
    from lianfang.supply import overview as supply_overview

    analytics_panels.install("supply", supply_overview.panel)  # a sibling's panel on the dashboard
    return runtime


def _routers() -> list[object]:  # noqa: PLR0915 (one import and one entry per router)
    from lianfang import home
    from lianfang.accounts import api as accounts_api
    from lianfang.accounts import audit_pages
    from lianfang.accounts import pages as accounts_pages
    from lianfang.analytics import pages as analytics_pages
    from lianfang.assignments import api as assignments_api
    from lianfang.assignments import pages as assignments_pages
    from lianfang.checkins import api as checkins_api
    from lianfang.checkins import pages as checkins_pages
    from lianfang.checkins import scan_pages as checkins_scan_pages
    from lianfang.command import api as command_api
    from lianfang.command import pages as command_pages
    from lianfang.control import api as control_api
    from lianfang.control import pages as control_pages
    from lianfang.control import resident_pages as control_resident_pages
    from lianfang.control import testing_round as control_testing_round
    from lianfang.control import zone_pages as control_zone_pages
    from lianfang.enforcement import api as enforcement_api
    from lianfang.enforcement import pages as enforcement_pages
    from lianfang.enforcement import register_pages as enforcement_register_pages
    from lianfang.enforcement import violation_pages as enforcement_violation_pages
    from lianfang.healthcodes import api as healthcodes_api
    from lianfang.healthcodes import check_pages as healthcodes_check_pages
    from lianfang.healthcodes import pages as healthcodes_pages
    from lianfang.healthcodes import staff_pages as healthcodes_staff_pages
    from lianfang.healthcodes import verify_api as healthcodes_verify_api
    from lianfang.information import api as information_api
    from lianfang.information import pages as information_pages
    from lianfang.information import public_pages as information_public_pages
    from lianfang.information import ticket_pages as information_ticket_pages
    from lianfang.interop import router as interop_router
    from lianfang.jurisdictions import api as jurisdictions_api
    from lianfang.jurisdictions import pages as jurisdictions_pages
    from lianfang.people import api as people_api
    from lianfang.people import pages as people_pages
    from lianfang.supply import pages as supply_pages
    from lianfang.testing import api as testing_api
    from lianfang.testing import pages as testing_pages
    from lianfang.tracing import api as tracing_api
    from lianfang.tracing import overview_pages as tracing_overview_pages
    from lianfang.tracing import pages as tracing_pages
    from lianfang.tracing import trip_web as tracing_trip_web
    from lianfang.travel import api as travel_api
    from lianfang.travel import pages as travel_pages
    from lianfang.unithealth import api as unithealth_api
    from lianfang.unithealth import pages as unithealth_pages
    from lianfang.units import api as units_api
    from lianfang.units import pages as units_pages
    from lianfang.vaccination import api as vaccination_api
    from lianfang.vaccination import pages as vaccination_pages
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
        command_api.router,
        command_pages.router,
        travel_api.router,
        travel_pages.router,
        testing_api.router,
        testing_pages.router,
        tracing_api.router,
        tracing_pages.router,
        tracing_overview_pages.router,
        tracing_trip_web.api,
        tracing_trip_web.pages,
        unithealth_api.router,
        unithealth_pages.router,
        enforcement_api.router,
        enforcement_pages.router,
        enforcement_register_pages.router,
        enforcement_violation_pages.router,
        control_api.router,
        control_pages.router,
        control_zone_pages.router,
        control_resident_pages.router,
        control_testing_round.router,
        healthcodes_verify_api.router,
        healthcodes_check_pages.router,
        healthcodes_api.router,
        healthcodes_pages.router,
        healthcodes_staff_pages.router,
        vaccination_api.router,
        vaccination_pages.router,
        analytics_pages.router,
        supply_pages.router,  # with supply's API routes
        information_api.router,
        information_pages.router,
        information_ticket_pages.router,
        information_public_pages.router,
        *interop_router.routers(),
    ]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    from lianfang.accounts.auth import authenticate
    from lianfang.checkins.fast import ScanEndpoint
    from lianfang.healthcodes import verify_api as healthcodes_verify_api
    from lianfang.testing.fast import endpoints as testing_endpoints
    from lianfang.tracing import fast as tracing_fast

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
    app.add_hot_path("POST", healthcodes_verify_api.PATH, healthcodes_verify_api.endpoint(runtime))
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
