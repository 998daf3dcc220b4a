"""The testing module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.testing import pages
from lianfang.testing.results import api as results_api
from lianfang.testing.results import pages as results_pages
from lianfang.testing.rounds import api as rounds_api
from lianfang.testing.rounds import pages as rounds_pages
from lianfang.testing.samples import api as samples_api
from lianfang.testing.samples import pages as samples_pages
from lianfang.testing.sites import api as sites_api
from lianfang.testing.sites import pages as sites_pages

router = APIRouter()
router.include_router(rounds_api.router)
router.include_router(sites_api.router)
router.include_router(samples_api.router)
router.include_router(results_api.router)
router.include_router(pages.router)
router.include_router(rounds_pages.router)
router.include_router(sites_pages.router)
router.include_router(samples_pages.router)
router.include_router(results_pages.router)
