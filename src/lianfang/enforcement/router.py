"""The enforcement module's routes. The list exports come before the pages, so that
`/enforcement/<list>/export` is not read as `/enforcement/<list>/{id}`."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.enforcement.closures import api as closures_api
from lianfang.enforcement.closures import exports as closures_exports
from lianfang.enforcement.closures import pages as closures_pages
from lianfang.enforcement.gatherings import api as gatherings_api
from lianfang.enforcement.gatherings import exports as gatherings_exports
from lianfang.enforcement.gatherings import pages as gatherings_pages
from lianfang.enforcement.inspections import api as inspections_api
from lianfang.enforcement.inspections import exports as inspections_exports
from lianfang.enforcement.inspections import pages as inspections_pages
from lianfang.enforcement.violations import api as violations_api
from lianfang.enforcement.violations import exports as violations_exports
from lianfang.enforcement.violations import pages as violations_pages

router = APIRouter()
router.include_router(inspections_api.router)
router.include_router(closures_api.router)
router.include_router(gatherings_api.router)
router.include_router(violations_api.router)
router.include_router(inspections_exports.router)
router.include_router(violations_exports.router)
router.include_router(closures_exports.router)
router.include_router(gatherings_exports.router)
router.include_router(inspections_pages.router)
router.include_router(closures_pages.router)
router.include_router(gatherings_pages.router)
router.include_router(violations_pages.router)
