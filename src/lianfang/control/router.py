"""The control module's routes."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.control.monitoring import api as monitoring_api
from lianfang.control.monitoring import pages as monitoring_pages
from lianfang.control.orders import api as orders_api
from lianfang.control.orders import pages as orders_pages
from lianfang.control.proposals import api as proposals_api
from lianfang.control.proposals import pages as proposals_pages
from lianfang.control.sites import api as sites_api
from lianfang.control.sites import pages as sites_pages
from lianfang.control.zones import api as zones_api
from lianfang.control.zones import pages as zones_pages

router = APIRouter()
router.include_router(orders_api.router)
router.include_router(sites_api.router)
router.include_router(monitoring_api.router)
router.include_router(zones_api.router)
router.include_router(proposals_api.router)
router.include_router(orders_pages.router)
router.include_router(monitoring_pages.router)
router.include_router(zones_pages.router)
router.include_router(proposals_pages.router)
router.include_router(sites_pages.router)
