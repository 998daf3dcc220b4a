"""JSON API of rounds: order, read, pooling modes per area and zone, close, progress, the unsampled list."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.people.rules import mask_name
from lianfang.testing import repository
from lianfang.testing.access import READ, access_round
from lianfang.testing.rounds import refresh as progress
from lianfang.testing.rounds import service
from lianfang.testing.schemas import (
    AreaMode,
    AreaRead,
    PersonToVisit,
    ProgressRead,
    RoundCreate,
    RoundPage,
    RoundRead,
    TallyRead,
    UnsampledPage,
    ZonesIn,
)

router = APIRouter(prefix="/api/testing", tags=["testing"])


@router.get("/rounds", response_model=RoundPage)
def list_rounds(before: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)) -> RoundPage:
    """Rounds over (or containing) the caller's jurisdiction, newest first; pass `next_before` on."""
    ctx.actor.require(READ)
    size = max(1, min(limit, 200))
    rows = repository.rounds_page(ctx.session, ctx.actor, before, size + 1)
    items = [RoundRead.model_validate(r) for r in rows[:size]]
    return RoundPage(items=items, next_before=rows[size - 1].id if len(rows) > size else None)


@router.post("/rounds", status_code=201, response_model=RoundRead)
def order_round(body: RoundCreate, ctx: Ctx = Depends(staff_ctx)) -> RoundRead:
    """Order a round over a jurisdiction subtree (deadline 24 h by default; expected from the registry)."""
    data = service.RoundInput(
        body.name,
        body.area_jurisdiction_id,
        body.default_mode,
        body.deadline,
        body.note,
        tuple(body.areas),
        tuple(z.to_area() for z in body.zones),
    )
    return RoundRead.model_validate(service.order_round(ctx, data))


@router.get("/rounds/{round_id}", response_model=RoundRead)
def get_round(round_id: int, ctx: Ctx = Depends(staff_ctx)) -> RoundRead:
    ctx.actor.require(READ)
    return RoundRead.model_validate(access_round(ctx.session, ctx.actor, round_id))


@router.post("/rounds/{round_id}/areas", response_model=AreaMode)
def set_area(round_id: int, body: AreaMode, ctx: Ctx = Depends(staff_ctx)) -> AreaMode:
    area = service.set_area_mode(ctx, round_id, body.jurisdiction_id, body.mode)
    return AreaMode(jurisdiction_id=area.jurisdiction_id, mode=area.mode)


@router.post("/rounds/{round_id}/zones", response_model=list[AreaRead])
def set_zones(round_id: int, body: ZonesIn, ctx: Ctx = Depends(staff_ctx)) -> list[AreaRead]:
    """Zones of a round with their pooling mode (by kind unless given); re-sending a zone updates it."""
    stored = service.set_zones(ctx, round_id, [z.to_area() for z in body.zones])
    return [AreaRead.model_validate(a) for a in stored]


@router.get("/rounds/{round_id}/areas", response_model=list[AreaRead])
def list_areas(round_id: int, ctx: Ctx = Depends(staff_ctx)) -> list[AreaRead]:
    """The round's areas and zones with their pooling modes."""
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    return [AreaRead.model_validate(a) for a in repository.round_area_list(ctx.session, item.id)]


@router.post("/rounds/{round_id}/close", response_model=RoundRead)
def close_round(round_id: int, ctx: Ctx = Depends(staff_ctx)) -> RoundRead:
    return RoundRead.model_validate(service.close_round(ctx, round_id))


def _tally(t: progress.Tally) -> TallyRead:
    j = t.jurisdiction
    return TallyRead(
        jurisdiction_id=j.id if j else None,
        name=j.name if j else "",
        path=t.path,
        expected=t.expected,
        sampled=t.sampled,
        percent=round(t.percent, 1),
        tubes_open=t.tubes_open,
        tubes_in_transit=t.tubes_in_transit,
        results_back=t.results_back,
        positive_pools=t.positive_pools,
        turnaround_hours=round(t.turnaround_hours, 2) if t.turnaround_hours is not None else None,
    )


@router.get("/rounds/{round_id}/progress", response_model=ProgressRead)
def round_progress(
    round_id: int, jurisdiction_id: int | None = None, refresh: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> ProgressRead:
    """Sampled versus expected, tubes open and in transit, results back, turnaround and positive pools,
    under a jurisdiction (default: the caller's home) by child jurisdiction. `refresh` recomputes first."""
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    if refresh:
        progress.refresh(ctx, item.id)
    place_id = jurisdiction_id or (
        item.area_jurisdiction_id if ctx.actor.covers(item.area_path) else ctx.actor.jurisdiction_id
    )
    place = access_jurisdiction(ctx.session, ctx.actor, place_id or 0)
    total, kids = progress.breakdown(ctx.session, item.id, place)
    return ProgressRead(
        round=RoundRead.model_validate(item), total=_tally(total), children=[_tally(k) for k in kids]
    )


@router.get("/rounds/{round_id}/unsampled", response_model=UnsampledPage)
def unsampled(
    round_id: int,
    community_id: int,
    after: int | None = None,
    limit: int = 100,
    ctx: Ctx = Depends(staff_ctx),
) -> UnsampledPage:
    """People registered in a community with no sample in the round: the door-knocking list, by id."""
    ctx.actor.require(READ)
    item = access_round(ctx.session, ctx.actor, round_id)
    community = access_jurisdiction(ctx.session, ctx.actor, community_id)
    size = max(1, min(limit, 500))
    rows = repository.unsampled_page(ctx.session, item.id, community.path, after, size + 1)
    audit.record(
        ctx, "testing.unsampled_read", "testing_round", item.id, community.path, count=len(rows[:size])
    )
    return UnsampledPage(
        items=[
            PersonToVisit(
                person_id=p.id,
                name_masked=mask_name(p.name),
                id_masked=p.id_masked,
                phone_masked=p.phone_masked,
                address=p.address,
            )
            for p in rows[:size]
        ],
        next_after=rows[size - 1].id if len(rows) > size else None,
    )
