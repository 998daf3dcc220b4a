"""The people module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.people import api, pages
from lianfang.people.households import api as households_api
from lianfang.people.households import pages as households_pages

router = APIRouter()
router.include_router(api.router)
router.include_router(households_api.router)
router.include_router(pages.router)
router.include_router(households_pages.router)
