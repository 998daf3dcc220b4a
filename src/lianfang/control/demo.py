"""The demo's control measures (seed.seed_demo calls seed_control after the tracing step): buildings are
derived from the registry's addresses, the first open demo case whose home is in a building gets its
proposal confirmed (a high-risk building zone, its workplace zones, its venues closed, test orders), a
medium-risk zone over the case's community, control orders for the demo cases' confirmed contacts (as
the tracing event would give them), an isolation site with rooms and the centralised contacts placed,
daily health reports (set-based, one fever through the service), and a testing round over both zones
in which the building's residents tested negative, so the zone page reads the round from testing.

The demo pins the 9th edition (as the tracing demo does): 高风险区 is the sealed zone, 中风险区 the
controlled one. Everything but the reports and the round's tubes goes through the services."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import insert, select

from lianfang.control import handlers
from lianfang.control.models import ControlOrder, ControlZone, HealthReport
from lianfang.control.monitoring import service as monitoring
from lianfang.control.proposals import service as proposals
from lianfang.control.service import today
from lianfang.control.sites import service as sites
from lianfang.control.zones import service as zones
from lianfang.control.zones.service import order_round_for_zones
from lianfang.control.zones.views import residents_query
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.households.service import buildings_from_addresses
from lianfang.people.models import Household, Person
from lianfang.testing.models import Lab, Sample, Tube
from lianfang.testing.results import service as results
from lianfang.testing.sites import service as sites_service
from lianfang.tracing.cases import service as tracing_service
from lianfang.tracing.contacts import service as contacts
from lianfang.tracing.events import ContactConfirmed
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.tracing.rules import district_path

ORDERS_MAX = 300
ROOMS = 40


def seed_control(ctx: Ctx) -> str:
    """`ctx`: a system context of the seed transaction."""
    ctx = replace(ctx, settings=ctx.settings.model_copy(update={"control_edition": "9th"}))
    placed = buildings_from_addresses(ctx, "/")
    case = _demo_case(ctx) or _open_case(ctx)
    if case is None:
        return f"control: {placed:,} households in buildings; no resident in a building"
    proposal = proposals.propose_for_case(ctx, case.id)
    if proposal is not None and proposal.status == "proposed":
        proposals.confirm(ctx, proposal.id)
    person = ctx.session.get(Person, case.person_id)
    assert person is not None
    controlled = zones.create_zone(
        ctx,
        zones.ZoneInput(f"病例 {case.code} 所在社区", "medium", "community", person.community_id),
        case_id=case.id,
    )
    orders = _orders(ctx)
    rooms = _site(ctx, case, orders)
    reports = _reports(ctx, orders)
    drawn = list(ctx.session.scalars(select(ControlZone).where(ControlZone.case_id == case.id)))
    tested = _round(ctx, case, [z for z in drawn if z.source in ("community", "building")], controlled)
    return (
        f"control: {placed:,} households in buildings; case {case.code}: {len(drawn)} zones,"
        f" {len(orders)} orders, {rooms} in isolation rooms, {reports} daily reports,"
        f" {tested} building residents tested negative in the zones' round"
    )


def _demo_case(ctx: Ctx) -> TracingCase | None:
    return ctx.session.scalar(
        select(TracingCase)
        .join(Person, Person.id == TracingCase.person_id)
        .join(Household, Household.id == Person.household_id)
        .where(TracingCase.status == "open", Household.building_id.is_not(None))
        .order_by(TracingCase.id)
        .limit(1)
    )


def _open_case(ctx: Ctx) -> TracingCase | None:
    """A short simulation may detect no case: a resident in a building is reported confirmed by a
    clinic, and the household contacts are confirmed as an investigator would."""
    person_id = ctx.session.scalar(
        select(Person.id)
        .join(Household, Household.id == Person.household_id)
        .where(Household.building_id.is_not(None))
        .order_by(Person.jurisdiction_path, Person.id)
        .limit(1)
    )
    if person_id is None:
        return None
    data = tracing_service.CaseInput(
        person_id,
        "confirmed",
        "lab",
        "clinic",
        "unknown",
        ctx.now - timedelta(days=2),
        ctx.now - timedelta(days=1),
    )
    case = tracing_service.open_case(ctx, data)
    contacts.propose(ctx, case.id)
    wanted = [
        c.id
        for c in ctx.session.scalars(select(TracingContact).where(TracingContact.case_id == case.id))
        if c.status == "proposed" and c.category == "close" and c.reason == "household"
    ]
    if wanted:
        contacts.decide(ctx, wanted[: contacts.BULK_MAX], "confirm")
    return case


def _orders(ctx: Ctx) -> list[ControlOrder]:
    """Orders for the demo cases' confirmed close and secondary contacts, as the tracing event gives them."""
    rows = ctx.session.execute(
        select(TracingContact)
        .where(
            TracingContact.status == "confirmed",
            TracingContact.category.in_(("close", "secondary")),
            TracingContact.person_id.is_not(None),
        )
        .order_by(TracingContact.id)
        .limit(ORDERS_MAX)
    ).scalars()
    for c in rows:
        event = ContactConfirmed(
            c.id, c.case_id, c.person_id, c.category, "community", c.last_contact_at, c.jurisdiction_path
        )
        handlers.on_contact_confirmed(ctx, event)
    return list(
        ctx.session.scalars(
            select(ControlOrder).where(ControlOrder.status == "active").order_by(ControlOrder.id)
        )
    )


def _site(ctx: Ctx, case: TracingCase, orders: list[ControlOrder]) -> int:
    district = ctx.session.scalar(
        select(Jurisdiction).where(Jurisdiction.path == district_path(case.jurisdiction_path))
    )
    if district is None:
        return 0
    numbers = [f"{floor}{n:02d}" for floor in range(1, 5) for n in range(1, ROOMS // 4 + 1)]
    site = sites.create_site(ctx, f"{district.name}集中隔离点（演示）", district.id, "隔离酒店", numbers)
    centralised = [o for o in orders if o.kind == "centralised"][: len(numbers)]
    for order in centralised:
        sites.assign_room(ctx, order.id, site_id=site.id)
    return len(centralised)


def _reports(ctx: Ctx, orders: list[ControlOrder]) -> int:
    """Yesterday's two checks and this morning's one for every order (set-based); one fever today."""
    day = today(ctx)
    rows = [
        {
            "order_id": o.id,
            "person_id": o.person_id,
            "jurisdiction_path": o.jurisdiction_path,
            "reported_on": on,
            "reported_at": at,
            "temperature": 36.4 + (o.id % 5) / 10,
            "symptoms": "",
            "by": "worker" if o.kind == "centralised" else "self",
            "by_user_id": None,
        }
        for o in orders
        for on, at in (
            (day - timedelta(days=1), ctx.now - timedelta(hours=30)),
            (day - timedelta(days=1), ctx.now - timedelta(hours=18)),
            (day, ctx.now - timedelta(minutes=30)),
        )
        if on >= o.last_exposure_on and local_date(at) == on
    ]
    if rows:
        ctx.session.execute(insert(HealthReport), rows)
    if orders:
        monitoring.record_report(ctx, orders[-1].id, 37.8, "咳嗽")  # a fever raises an assignment
    return len(rows) + (1 if orders else 0)


def _round(ctx: Ctx, case: TracingCase, drawn: list[ControlZone], controlled: ControlZone) -> int:
    """A round over the case's street for the zones; the building zone's residents sampled in single
    tubes and reported negative through the ordinary result upload."""
    community = ctx.session.get(Jurisdiction, controlled.community_id)
    if community is None or community.parent_id is None:
        return 0
    zone_ids = sorted({z.id for z in drawn} | {controlled.id})
    item = order_round_for_zones(ctx, f"病例 {case.code} 风险区核酸", community.parent_id, zone_ids)
    building = next((z for z in drawn if z.level == "high"), None)  # the residence building (9th ed.)
    people = residents_query(ctx, building) if building is not None else None
    if people is None:
        return 0
    residents = [
        (int(pid), str(path), int(cid))
        for pid, path, cid in ctx.session.execute(
            select(Person.id, Person.jurisdiction_path, Person.community_id).where(Person.id.in_(people))
        )
    ]
    if not residents:
        return 0
    lab = ctx.session.scalar(select(Lab).order_by(Lab.id).limit(1)) or sites_service.create_lab(
        ctx, "演示实验室", community.parent_id, 10_000
    )
    tubes = [
        {
            "barcode": f"CZ{item.id:03d}{n:06d}",
            "kind": "single",
            "mode": "single",
            "capacity": 1,
            "sample_count": 1,
            "round_id": item.id,
            "jurisdiction_path": path,
            "status": "received",
            "facility": "",
            "opened_at": ctx.now,
            "closed_at": ctx.now,
            "lab_id": lab.id,
        }
        for n, (_pid, path, _cid) in enumerate(residents, start=1)
    ]
    ids = list(ctx.session.scalars(insert(Tube).returning(Tube.id, sort_by_parameter_order=True), tubes))
    ctx.session.execute(
        insert(Sample),
        [
            {
                "tube_id": tube_id,
                "person_id": pid,
                "round_id": item.id,
                "jurisdiction_path": path,
                "community_id": cid,
                "sampled_at": ctx.now,
                "sampled_by_user_id": None,
            }
            for tube_id, (pid, path, cid) in zip(ids, residents, strict=True)
        ],
    )
    rows = [
        results.ResultRow(n, str(t["barcode"]), "negative", ctx.now) for n, t in enumerate(tubes, start=1)
    ]
    results.record_results(ctx, rows)
    return len(residents)
