"""JSON API of sampling sites, teams and labs."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.testing.schemas import (
    LabCreate,
    LabRead,
    SiteCreate,
    SiteRead,
    TeamCreate,
    TeamRead,
)
from lianfang.testing.sites import service

router = APIRouter(prefix="/api/testing", tags=["testing"])


@router.post("/sites", status_code=201, response_model=SiteRead)
def create_site(body: SiteCreate, ctx: Ctx = Depends(staff_ctx)) -> SiteRead:
    return SiteRead.model_validate(service.create_site(ctx, body.name, body.jurisdiction_id, body.address))


@router.post("/sites/{site_id}/teams", status_code=201, response_model=TeamRead)
def create_team(site_id: int, body: TeamCreate, ctx: Ctx = Depends(staff_ctx)) -> TeamRead:
    return TeamRead.model_validate(service.create_team(ctx, site_id, body.name))


@router.post("/labs", status_code=201, response_model=LabRead)
def create_lab(body: LabCreate, ctx: Ctx = Depends(staff_ctx)) -> LabRead:
    return LabRead.model_validate(
        service.create_lab(ctx, body.name, body.jurisdiction_id, body.daily_capacity)
    )
