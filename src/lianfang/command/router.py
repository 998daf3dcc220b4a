"""The command module's routes. The list exports come before the pages, so that `/command/<list>/export` is
not read as `/command/<list>/{id}`."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.command import pages
from lianfang.command.board import api as board_api
from lianfang.command.board import pages as board_pages
from lianfang.command.forces import api as forces_api
from lianfang.command.forces import exports as forces_exports
from lianfang.command.forces import pages as forces_pages
from lianfang.command.incidents import api as incidents_api
from lianfang.command.incidents import exports as incidents_exports
from lianfang.command.incidents import pages as incidents_pages
from lianfang.command.meetings import api as meetings_api
from lianfang.command.meetings import exports as meetings_exports
from lianfang.command.meetings import pages as meetings_pages
from lianfang.command.missions import api as missions_api
from lianfang.command.missions import exports as missions_exports
from lianfang.command.missions import pages as missions_pages
from lianfang.command.organisation import api as organisation_api
from lianfang.command.organisation import pages as organisation_pages

router = APIRouter()
router.include_router(organisation_api.router)
router.include_router(meetings_api.router)
router.include_router(board_api.router)
router.include_router(missions_api.router)
router.include_router(incidents_api.router)
router.include_router(forces_api.router)
router.include_router(meetings_exports.router)
router.include_router(missions_exports.router)
router.include_router(incidents_exports.router)
router.include_router(forces_exports.router)
router.include_router(missions_pages.router)
router.include_router(incidents_pages.router)
router.include_router(forces_pages.router)
router.include_router(organisation_pages.router)
router.include_router(pages.router)
router.include_router(meetings_pages.router)
router.include_router(board_pages.router)
