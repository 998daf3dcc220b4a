"""The jurisdictions module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.jurisdictions import api, pages

router = APIRouter()
router.include_router(api.router)
router.include_router(pages.router)
