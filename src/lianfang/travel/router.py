"""The travel module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.travel import api, pages
from lianfang.travel.flags import api as flags_api
from lianfang.travel.flags import pages as flags_pages
from lianfang.travel.observations import api as observations_api
from lianfang.travel.observations import pages as observations_pages
from lianfang.travel.places import api as places_api
from lianfang.travel.places import pages as places_pages

router = APIRouter()
router.include_router(api.router)
router.include_router(places_api.router)
router.include_router(observations_api.router)
router.include_router(flags_api.router)
router.include_router(pages.router)
router.include_router(places_pages.router)
router.include_router(flags_pages.router)
router.include_router(observations_pages.router)
