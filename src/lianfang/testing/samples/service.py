"""Tube registration at a sampling site: open a tube (scan its barcode), add each person's sample (scan
their health code or ID number) up to the pool size, close it, ship closed tubes to a lab in a batch.

Retries are harmless: opening a barcode that is already open at the same site returns it, and a person
already in the tube is reported as `duplicate` rather than added twice (unique (tube, person)). A request
that adds several persons is all or nothing (`register`: the checks shared with the API's hot path)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from lianfang.core import audit
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.testing import repository, rules
from lianfang.testing.access import (
    RESULTS,
    SAMPLE,
    access_round,
    access_shipment,
    access_site,
    access_team,
    access_tube,
)
from lianfang.testing.models import Shipment, Tube
from lianfang.testing.samples import writer as register
from lianfang.testing.samples.writer import Added


def open_tube(
    ctx: Ctx,
    barcode: str,
    site_id: int,
    round_id: int | None = None,
    team_id: int | None = None,
    mode: str | None = None,
) -> tuple[Tube, bool]:
    """Open a tube at a site; the pooling mode is the round's for the site's area unless given.
    Returns (tube, created)."""
    ctx.actor.require(SAMPLE)
    site = access_site(ctx.session, ctx.actor, site_id)
    barcode = barcode.strip()
    problems = [p for p in [rules.barcode_problem(barcode), rules.mode_problem(mode) if mode else None] if p]
    if problems:
        raise Invalid(problems)
    existing = ctx.session.scalar(select(Tube).where(Tube.barcode == barcode))
    if existing is not None:
        if existing.site_id == site.id and existing.status == "open":
            return existing, False
        raise Conflict("该管码已使用", "this tube barcode is already used")
    if team_id is not None and access_team(ctx.session, ctx.actor, team_id).site_id != site.id:
        raise Invalid([Problem("team_id", "采样队不属于该采样点", "the team is not at this site")])
    if round_id is not None:
        item = access_round(ctx.session, ctx.actor, round_id)
        if item.status != "open":
            raise Conflict("该轮次已结束", "the round is closed")
        if not site.jurisdiction_path.startswith(item.area_path):
            raise Invalid([Problem("round_id", "采样点不在本轮范围内", "the site is outside the round")])
        mode = mode or rules.mode_for(
            site.jurisdiction_path, item.default_mode, repository.round_areas(ctx.session, item.id)
        )
    mode = mode or rules.DEFAULT_MODE
    tube = Tube(
        barcode=barcode,
        kind=rules.kind_of(mode),
        mode=mode,
        capacity=rules.capacity_of(mode),
        sample_count=0,
        round_id=round_id,
        site_id=site.id,
        team_id=team_id,
        jurisdiction_path=site.jurisdiction_path,
        status="open",
        opened_at=ctx.now,
        opened_by_user_id=ctx.actor.user_id,
    )
    ctx.session.add(tube)
    ctx.session.flush()
    audit.record(ctx, "testing.tube_opened", "testing_tube", tube.id, site.jurisdiction_path, barcode=barcode)
    return tube, True


def add_samples(ctx: Ctx, barcode: str, refs: list[str], sampled_at: datetime | None = None) -> list[Added]:
    """Add the samples of the persons `refs` (ID numbers or health-code codes) to an open tube, in the
    request's transaction (the pages; the API's hot path batches requests through `register` too)."""
    item = register.build_request(ctx.actor, ctx.settings, barcode, refs, sampled_at, ctx.now)
    access_tube(ctx.session, ctx.actor, item.barcode)  # NotFound before any other refusal
    (outcome,) = register.register(ctx.session, ctx.settings, ctx.bus, [item])
    if isinstance(outcome, Exception):
        raise outcome
    return list(outcome.samples)


def close_tube(ctx: Ctx, barcode: str) -> Tube:
    ctx.actor.require(SAMPLE)
    tube = access_tube(ctx.session, ctx.actor, barcode, lock=True)
    if tube.status != "open":
        return tube  # closing twice is a retry
    if tube.sample_count == 0:
        raise Conflict("空管不能封管", "an empty tube cannot be closed")
    tube.status = "closed"
    tube.closed_at = ctx.now
    audit.record(ctx, "testing.tube_closed", "testing_tube", tube.id, tube.jurisdiction_path)
    return tube


def ship(ctx: Ctx, site_id: int, barcodes: list[str]) -> Shipment:
    """Send closed tubes of a site to the serving lab with the most room today (labs by capacity)."""
    ctx.actor.require(SAMPLE)
    site = access_site(ctx.session, ctx.actor, site_id)
    wanted = sorted({b.strip() for b in barcodes if b.strip()})
    tubes = list(ctx.session.scalars(select(Tube).where(Tube.barcode.in_(wanted)).with_for_update()))
    by_code = {t.barcode: t for t in tubes}
    problems = []
    for i, code in enumerate(wanted, start=1):
        tube = by_code.get(code)
        if tube is None or tube.site_id != site.id:
            problems.append(
                Problem("barcodes", f"{code}：不是本采样点的管", f"{code}: not a tube of this site", i)
            )
        elif tube.status != "closed":
            problems.append(
                Problem("barcodes", f"{code}：未封管或已转运", f"{code}: not closed, or shipped", i)
            )
    if not wanted:
        problems.append(Problem("barcodes", "请选择要转运的管", "choose the tubes to ship"))
    if problems:
        raise Invalid(problems)
    labs = repository.labs_serving(ctx.session, site.jurisdiction_path)
    day = local_date(ctx.now)
    midnight = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    load = repository.lab_load(ctx.session, [lab.id for lab in labs], midnight)
    room = sorted(((lab.daily_capacity - load.get(lab.id, 0), -lab.id, lab) for lab in labs), reverse=True)
    if not room or room[0][0] < len(wanted):
        raise Conflict("今日无检测机构有足够余量，请联系指挥部", "no lab has room for these tubes today")
    lab = room[0][2]
    shipment = Shipment(
        site_id=site.id,
        lab_id=lab.id,
        jurisdiction_path=site.jurisdiction_path,
        tube_count=len(wanted),
        shipped_at=ctx.now,
        shipped_by_user_id=ctx.actor.user_id,
    )
    ctx.session.add(shipment)
    ctx.session.flush()
    ctx.session.execute(
        update(Tube)
        .where(Tube.barcode.in_(wanted))
        .values(status="shipped", shipment_id=shipment.id, lab_id=lab.id)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        ctx,
        "testing.shipped",
        "testing_shipment",
        shipment.id,
        site.jurisdiction_path,
        lab_id=lab.id,
        tubes=wanted,
    )
    return shipment


def receive(ctx: Ctx, shipment_id: int) -> Shipment:
    """The lab signs for a shipment; its tubes are then awaiting results at the lab."""
    ctx.actor.require(RESULTS)
    shipment = access_shipment(ctx.session, ctx.actor, shipment_id)
    if shipment.received_at is None:
        shipment.received_at = ctx.now
        ctx.session.execute(
            update(Tube)
            .where(Tube.shipment_id == shipment.id, Tube.status == "shipped")
            .values(status="received")
            .execution_options(synchronize_session="fetch")
        )
        audit.record(ctx, "testing.received", "testing_shipment", shipment.id, shipment.jurisdiction_path)
    return shipment
