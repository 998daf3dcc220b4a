"""The check-ins module's routes. The scan API comes first: the single-scan path is the hottest route."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.checkins.codes import pages as codes_pages
from lianfang.checkins.ingest import api as ingest_api
from lianfang.checkins.scans import api as scans_api
from lianfang.checkins.scans import pages as scans_pages

router = APIRouter()
router.include_router(scans_api.router)
router.include_router(ingest_api.router)
router.include_router(codes_pages.router)
router.include_router(scans_pages.router)
