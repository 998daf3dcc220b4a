"""The accounts module's routes: sign-in and users, then the audit trail."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.accounts import api, pages
from lianfang.accounts.audit import api as audit_api
from lianfang.accounts.audit import pages as audit_pages

router = APIRouter()
router.include_router(api.router)
router.include_router(pages.router)
router.include_router(audit_pages.router)
router.include_router(audit_api.router)
