"""The units module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.units import api, pages
from lianfang.units.staff import api as staff_api
from lianfang.units.staff import pages as staff_pages

router = APIRouter()
router.include_router(api.router)
router.include_router(staff_api.router)
router.include_router(pages.router)
router.include_router(staff_pages.router)
