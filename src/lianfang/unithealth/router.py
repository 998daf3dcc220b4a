"""The unit-health module's routes. The list exports come before the pages."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.unithealth import pages
from lianfang.unithealth.absences import api as absences_api
from lianfang.unithealth.absences import exports as absences_exports
from lianfang.unithealth.absences import pages as absences_pages
from lianfang.unithealth.pharmacy import api as pharmacy_api
from lianfang.unithealth.pharmacy import exports as pharmacy_exports
from lianfang.unithealth.pharmacy import pages as pharmacy_pages
from lianfang.unithealth.reports import api as reports_api
from lianfang.unithealth.reports import exports as reports_exports
from lianfang.unithealth.reports import pages as reports_pages

router = APIRouter()
router.include_router(reports_api.router)
router.include_router(absences_api.router)
router.include_router(pharmacy_api.router)
router.include_router(reports_exports.router)
router.include_router(absences_exports.router)
router.include_router(pharmacy_exports.router)
router.include_router(pages.router)
router.include_router(reports_pages.router)
router.include_router(absences_pages.router)
router.include_router(pharmacy_pages.router)
