"""JSON API of households: list, create, read; a person joining and leaving one."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.people import repository, service
from lianfang.people.access import access_household
from lianfang.people.households import service as households
from lianfang.people.schemas import (
    HouseholdCreate,
    HouseholdDetail,
    HouseholdJoin,
    HouseholdPage,
    HouseholdRead,
    PersonRead,
)

router = APIRouter(prefix="/api", tags=["people"])


@router.put("/people/{person_id}/household", response_model=HouseholdRead)
def join_household(person_id: int, body: HouseholdJoin, ctx: Ctx = Depends(staff_ctx)) -> HouseholdRead:
    household = households.join_household(ctx, person_id, body.household_id, body.code, body.address)
    return HouseholdRead.model_validate(household)


@router.delete("/people/{person_id}/household", status_code=204)
def leave_household(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    households.leave_household(ctx, person_id)
    return Response(status_code=204)


@router.get("/households", response_model=HouseholdPage)
def list_households(
    community_id: int | None = None, after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> HouseholdPage:
    page = households.find_households(ctx, community_id, after, limit)
    items = [HouseholdRead.model_validate(h) for h in page.items]
    return HouseholdPage(items=items, next_after=page.next_after)


@router.post("/households", response_model=HouseholdRead, status_code=201)
def create_household(body: HouseholdCreate, ctx: Ctx = Depends(staff_ctx)) -> HouseholdRead:
    household = households.create_household(ctx, body.community_id, body.code, body.address)
    return HouseholdRead.model_validate(household)


@router.get("/households/{household_id}", response_model=HouseholdDetail)
def get_household(household_id: int, ctx: Ctx = Depends(staff_ctx)) -> HouseholdDetail:
    ctx.actor.require(service.READ)
    household = access_household(ctx.session, ctx.actor, household_id)
    members = [PersonRead.model_validate(p) for p in repository.members(ctx.session, household.id)]
    return HouseholdDetail.model_validate(
        {**HouseholdRead.model_validate(household).model_dump(), "members": members}
    )
