"""The tracing module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.tracing.cases import api as cases_api
from lianfang.tracing.cases import exports as cases_exports
from lianfang.tracing.cases import pages as cases_pages
from lianfang.tracing.clusters import api as clusters_api
from lianfang.tracing.clusters import pages as clusters_pages
from lianfang.tracing.investigation import api as investigation_api
from lianfang.tracing.investigation import exports as investigation_exports
from lianfang.tracing.investigation import pages as investigation_pages
from lianfang.tracing.metrics import api as metrics_api
from lianfang.tracing.metrics import pages as metrics_pages
from lianfang.tracing.trips import api as trips_api
from lianfang.tracing.trips import pages as trips_pages

router = APIRouter()
router.include_router(cases_api.router)
router.include_router(investigation_api.router)
router.include_router(clusters_api.router)
router.include_router(metrics_api.router)
router.include_router(cases_pages.router)
router.include_router(investigation_pages.router)
router.include_router(cases_exports.router)
router.include_router(investigation_exports.router)
router.include_router(clusters_pages.router)
router.include_router(metrics_pages.router)
router.include_router(trips_api.router)
router.include_router(trips_pages.router)
