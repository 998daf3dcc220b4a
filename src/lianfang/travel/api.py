"""JSON API for travel: the public risk-area feed, residents' declarations, staff entries and carrier
imports, and the per-person facts the health-code module reads."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile

from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.core.web import get_ctx, read_upload, resident_ctx, staff_ctx
from lianfang.people.access import access_person, own_records
from lianfang.travel import access, imports, repository, rules, service
from lianfang.travel.models import RiskArea, TravelRecord
from lianfang.travel.schemas import (
    FlagRead,
    ObservationRead,
    RiskAreaCreate,
    RiskAreaFeed,
    RiskAreaLift,
    RiskAreaPage,
    RiskAreaRead,
    StatusRead,
    StayCorrect,
    StayCreate,
    StayPage,
    StayRead,
)

router = APIRouter(tags=["travel"])


def area_read(area: RiskArea, names: dict[str, str]) -> RiskAreaRead:
    read = RiskAreaRead.model_validate(area)
    level = rules.LEVELS.get(area.level, (area.level, area.level))
    rule = rules.LIFT_RULES.get(area.lift_rule)
    return read.model_copy(
        update={
            "place_name": names.get(area.place_code, ""),
            "level_zh": level[0],
            "level_en": level[1],
            "lift_rule_zh": rule.zh if rule else "",
            "lift_rule_en": rule.en if rule else "",
            "earliest_lift_on": rules.earliest_lift_on(area.lift_rule, area.last_case_on),
        }
    )


def feed(ctx: Ctx) -> RiskAreaFeed:
    areas = repository.active_risk_areas(ctx.session)
    names = repository.place_names(ctx.session, [a.place_code for a in areas])
    return RiskAreaFeed(
        generated_at=ctx.now, edition=rules.EDITION, items=[area_read(a, names) for a in areas]
    )


@router.get("/api/risk-areas", response_model=RiskAreaFeed)
def risk_area_feed(ctx: Ctx = Depends(get_ctx, scope="function")) -> RiskAreaFeed:
    """The public list of areas in force (no sign-in): level, start, source and the lifting rule."""
    return feed(ctx)


@router.get("/api/travel/risk-areas", response_model=RiskAreaPage)
def list_risk_areas(
    active: bool = True, after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> RiskAreaPage:
    """Listed (or, with active=false, lifted) areas with their history fields, keyset-paged."""
    ctx.actor.require(access.READ)
    limit = max(1, min(limit, 500))
    rows = repository.risk_area_page(ctx.session, active, after, limit + 1)
    names = repository.place_names(ctx.session, [a.place_code for a in rows[:limit]])
    items = [area_read(a, names) for a in rows[:limit]]
    return RiskAreaPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


@router.post("/api/travel/risk-areas", response_model=RiskAreaRead, status_code=201)
def create_risk_area(body: RiskAreaCreate, ctx: Ctx = Depends(staff_ctx)) -> RiskAreaRead:
    area = service.create_risk_area(ctx, service.RiskAreaInput(**body.model_dump()))
    return area_read(area, repository.place_names(ctx.session, [area.place_code]))


@router.post("/api/travel/risk-areas/{area_id}/lift", response_model=RiskAreaRead)
def lift_risk_area(area_id: int, body: RiskAreaLift, ctx: Ctx = Depends(staff_ctx)) -> RiskAreaRead:
    area = service.lift_risk_area(ctx, area_id, body.reason)
    return area_read(area, repository.place_names(ctx.session, [area.place_code]))


# ---- Residents -----------------------------------------------------------------------------------------
@router.get("/api/me/travel", response_model=list[StayRead])
def my_stays(ctx: Ctx = Depends(resident_ctx)) -> list[StayRead]:
    persons = own_records(ctx.session, ctx.actor)
    return [
        StayRead.model_validate(r) for r in repository.person_records(ctx.session, [p.id for p in persons])
    ]


@router.post("/api/me/travel", response_model=StayRead, status_code=201)
def declare(body: StayCreate, ctx: Ctx = Depends(resident_ctx)) -> StayRead:
    """Declare a stay outside the city for oneself (or a member registered under one's phone)."""
    person = access_person(ctx.session, ctx.actor, body.person_id)
    data = service.StayInput(body.place_code, body.from_on, body.to_on, body.note)
    return StayRead.model_validate(service.declare_stay(ctx, person, data))


@router.post("/api/me/travel/{record_id}/correct", response_model=StayRead, status_code=201)
def correct_mine(record_id: int, body: StayCorrect, ctx: Ctx = Depends(resident_ctx)) -> StayRead:
    record = ctx.session.get(TravelRecord, record_id)
    if record is None:
        raise NotFound("行程记录", "travel record")
    person = access_person(ctx.session, ctx.actor, record.person_id)
    data = service.StayInput(body.place_code, body.from_on, body.to_on, body.note)
    return StayRead.model_validate(service.correct_record(ctx, person, record_id, data))


@router.get("/api/me/travel/status", response_model=list[StatusRead])
def my_status(ctx: Ctx = Depends(resident_ctx)) -> list[StatusRead]:
    return [status_of(ctx, p.id) for p in own_records(ctx.session, ctx.actor)]


# ---- Staff ---------------------------------------------------------------------------------------------
@router.get("/api/travel/records", response_model=StayPage)
def list_records(
    person_id: int | None = None, after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> StayPage:
    """Stays in the caller's jurisdiction (every source, with superseded history), keyset-paged."""
    ctx.actor.require(access.READ)
    limit = max(1, min(limit, 500))
    rows = repository.records_page(
        ctx.session, ctx.actor, repository.ListFilter(person_id=person_id), after, limit + 1
    )
    items = [StayRead.model_validate(r) for r in rows[:limit]]
    return StayPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


@router.post("/api/travel/records", response_model=StayRead, status_code=201)
def create_record(body: StayCreate, ctx: Ctx = Depends(staff_ctx)) -> StayRead:
    ctx.actor.require(access.WRITE)
    person = access_person(ctx.session, ctx.actor, body.person_id)
    data = service.StayInput(body.place_code, body.from_on, body.to_on, body.note)
    return StayRead.model_validate(service.declare_stay(ctx, person, data, source="staff"))


@router.post("/api/travel/records/{record_id}/correct", response_model=StayRead, status_code=201)
def correct_record(record_id: int, body: StayCorrect, ctx: Ctx = Depends(staff_ctx)) -> StayRead:
    ctx.actor.require(access.WRITE)
    record = access.access_record(ctx.session, ctx.actor, record_id)
    person = access_person(ctx.session, ctx.actor, record.person_id)
    data = service.StayInput(body.place_code, body.from_on, body.to_on, body.note)
    return StayRead.model_validate(service.correct_record(ctx, person, record_id, data))


@router.post("/api/travel/records/import")
def import_records(
    file: UploadFile = File(...),
    source: str = Form("carrier"),
    dry_run: bool = Form(False),
    ctx: Ctx = Depends(staff_ctx),
) -> dict[str, object]:
    """Carrier or hub file (id_number, place_code, from_on, to_on, ref): per-row errors, idempotent."""
    content = read_upload(file)
    return imports.import_travel(ctx, file.filename or "travel.csv", content, dry_run, source).as_dict()


def status_of(ctx: Ctx, person_id: int) -> StatusRead:
    found = repository.popups_for(ctx.session, person_id, access.today_of(ctx))
    return StatusRead(
        person_id=person_id,
        popup1=[FlagRead.model_validate(f) for f in found.popup1],
        popup2=[ObservationRead.model_validate(o) for o in found.popup2],
    )


@router.get("/api/travel/people/{person_id}/status", response_model=StatusRead)
def person_status(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> StatusRead:
    """Pop-up ① and ② facts for one person in scope (what the health-code module will read)."""
    ctx.actor.require(access.READ)
    person = access_person(ctx.session, ctx.actor, person_id)
    return status_of(ctx, person.id)
