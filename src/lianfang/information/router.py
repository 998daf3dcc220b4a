"""The information module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.information.bulletins import api as bulletins_api
from lianfang.information.bulletins import pages as bulletins_pages
from lianfang.information.tickets import api as tickets_api
from lianfang.information.tickets import pages as tickets_pages

router = APIRouter()
router.include_router(bulletins_api.router)
router.include_router(tickets_api.router)
router.include_router(bulletins_pages.router)
router.include_router(tickets_pages.router)
