"""The supply module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.supply import api, pages

router = APIRouter()
router.include_router(api.router, include_in_schema=False)  # as when the pages' router held it
router.include_router(pages.router)
