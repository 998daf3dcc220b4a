"""The health-code module's routes: the machine verification and the code check first (gates call
them most), then the codes, appeals and the resident's page."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.healthcodes.appeals import api as appeals_api
from lianfang.healthcodes.appeals import pages as appeals_pages
from lianfang.healthcodes.checks import api as checks_api
from lianfang.healthcodes.checks import pages as checks_pages
from lianfang.healthcodes.codes import api as codes_api
from lianfang.healthcodes.codes import pages as codes_pages

router = APIRouter()
router.include_router(checks_api.router)
router.include_router(checks_pages.router)
router.include_router(codes_api.router)
router.include_router(appeals_api.router)
router.include_router(codes_pages.router)
router.include_router(appeals_pages.router)
