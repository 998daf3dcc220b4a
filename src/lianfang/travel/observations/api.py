"""JSON API of inbound arrivals and observation requirements."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.people.access import access_person
from lianfang.travel import access, repository
from lianfang.travel.observations import service as observations
from lianfang.travel.schemas import (
    ArrivalCreate,
    ArrivalRead,
    ArrivalResult,
    ObservationPage,
    ObservationRead,
)

router = APIRouter(tags=["travel"])


@router.post("/api/travel/arrivals", response_model=ArrivalResult, status_code=201)
def register_arrival(body: ArrivalCreate, ctx: Ctx = Depends(staff_ctx)) -> ArrivalResult:
    ctx.actor.require(access.WRITE)
    person = access_person(ctx.session, ctx.actor, body.person_id)
    data = observations.ArrivalInput(body.arrived_on, body.from_country, body.port, body.hotel, body.source)
    arrival, obs = observations.register_arrival(ctx, person, data)
    return ArrivalResult(
        arrival=ArrivalRead.model_validate(arrival), observation=ObservationRead.model_validate(obs)
    )


@router.get("/api/travel/observations", response_model=ObservationPage)
def list_observations(
    after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> ObservationPage:
    ctx.actor.require(access.READ)
    limit = max(1, min(limit, 500))
    rows = repository.observations_page(ctx.session, ctx.actor, repository.ListFilter(), after, limit + 1)
    items = [ObservationRead.model_validate(o) for o in rows[:limit]]
    return ObservationPage(items=items, next_after=items[-1].id if len(rows) > limit else None)
