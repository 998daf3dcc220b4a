"""The analytics module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.analytics import pages

router = APIRouter()
router.include_router(pages.router)
