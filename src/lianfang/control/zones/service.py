"""Zones (封控区/管控区/防范区, or 高/中/低风险区 under the 9th edition and 二十条): drawn from a community,
the households of a building, units or venues; the lifting rule of the rule set is checked from the zone's
facts (refreshed from cases, contacts and tests); lifting happens only when the rule is met or by an
audited override. A positive inside a controlled zone turns it sealed (RULES §3.2).

Ordering a testing round for zones (RULES.md §5: 封控区 单采单检, 管控区 10合1, 防范区 and elsewhere
20合1). Testing sits below control, so control hands the zones over as testing understands them: each
zone's level as its kind, its community, the households of a building zone, a reference
("control_zone:<id>") and its name. The round covers an area (a district, usually) at the elsewhere
mode; a zone's mode follows its level unless the command picks 1户1管 for sealed zones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select

from lianfang.control import rules
from lianfang.control.access import DECIDE, READ, access_zone
from lianfang.control.models import ControlZone, ControlZonePlace
from lianfang.control.service import results_since, today
from lianfang.control.zones import views as zone_rounds
from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.households import service as buildings
from lianfang.people.models import Building, Person
from lianfang.testing.models import TestingRound
from lianfang.testing.rounds import service as rounds_service
from lianfang.testing.rules import ZoneArea
from lianfang.tracing.models import TracingContact
from lianfang.units.models import UnitMembership


@dataclass
class ZoneInput:
    name: str
    level: str
    source: str  # community | building | venue
    community_id: int
    started_on: date | None = None
    edition: str | None = None
    # (building | household | unit | venue, id); a building stands for its households (people.buildings)
    places: list[tuple[str, int]] = field(default_factory=list)


def _audit(ctx: Ctx, zone: ControlZone, verb: str, **detail: object) -> None:
    audit.record(ctx, f"control.zone.{verb}", "control_zone", zone.id, zone.jurisdiction_path, **detail)


def create_zone(
    ctx: Ctx, data: ZoneInput, case_id: int | None = None, proposal_id: int | None = None
) -> ControlZone:
    ctx.actor.require(DECIDE)
    community = access_jurisdiction(ctx.session, ctx.actor, data.community_id)
    edition = data.edition or ctx.settings.control_edition or rules.edition_on(data.started_on or today(ctx))
    scheme = rules.zone_scheme(edition)
    problems: list[Problem] = []
    if not data.name.strip():
        problems.append(Problem("name", "请填写区域名称", "name the zone"))
    if data.level not in rules.ZONE_LEVELS[scheme]:
        problems.append(Problem("level", "该方案下无此区域等级", "no such level under the rule set in force"))
    if data.source not in rules.ZONE_SOURCES:
        problems.append(Problem("source", "区域来源无效", "unknown zone source"))
    if data.source != "community" and not data.places:
        problems.append(Problem("places", "请选择楼栋住户、单位或场所", "choose households, units or venues"))
    if any(t not in ("building", "household", "unit", "venue") for t, _ in data.places):
        problems.append(Problem("places", "地点类型无效", "unknown place type"))
    places = _expand_buildings(ctx, data.places, community.id, problems)
    if problems:
        raise Invalid(problems)
    zone = ControlZone(
        name=data.name.strip()[:200],
        edition=edition,
        scheme=scheme,
        level=data.level,
        source=data.source,
        community_id=community.id,
        jurisdiction_path=community.path,
        started_on=data.started_on or today(ctx),
        case_id=case_id,
        proposal_id=proposal_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(zone)
    ctx.session.flush()
    for kind, pid in sorted(set(places)):
        ctx.session.add(ControlZonePlace(zone_id=zone.id, place_type=kind, place_id=pid))
    ctx.session.flush()
    _audit(ctx, zone, "create", level=zone.level, edition=edition, places=len(data.places))
    return zone


def _expand_buildings(
    ctx: Ctx, places: list[tuple[str, int]], community_id: int, problems: list[Problem]
) -> list[tuple[str, int]]:
    """A building place is kept (for display) and adds its households, which is what the zone covers."""
    out = list(places)
    for kind, pid in places:
        if kind != "building":
            continue
        building = ctx.session.get(Building, pid)
        if building is None or building.community_id != community_id:
            problems.append(
                Problem("places", "楼栋不在该社区", "the building is not in the zone's community")
            )
            continue
        out += [("household", h) for h in buildings.households_of(ctx.session, building.id)]
    return out


def zones_of_person(ctx: Ctx, person: Person) -> list[ControlZone]:
    """Active zones containing the person: their community, their household's building, their units."""
    units = select(UnitMembership.unit_id).where(UnitMembership.person_id == person.id)
    in_places = select(ControlZonePlace.zone_id).where(
        or_(
            (ControlZonePlace.place_type == "household")
            & (ControlZonePlace.place_id == (person.household_id or -1)),
            (ControlZonePlace.place_type == "unit") & ControlZonePlace.place_id.in_(units),
        )
    )
    query = select(ControlZone).where(
        ControlZone.status == "active",
        or_(
            (ControlZone.source == "community") & (ControlZone.community_id == person.community_id),
            ControlZone.id.in_(in_places),
        ),
    )
    return list(ctx.session.scalars(query.order_by(ControlZone.id)))


def record_positive(ctx: Ctx, person_id: int, on: date) -> list[ControlZone]:
    """A new infection inside zones: restart their counters; a controlled zone turns sealed."""
    person = ctx.session.get(Person, person_id)
    if person is None:
        return []
    zones = zones_of_person(ctx, person)
    for zone in zones:
        before = zone.level
        zone.level = rules.level_after_positive(zone.scheme, zone.level)
        zone.last_case_on = max(on, zone.last_case_on or on)
        if zone.level != before:
            zone.downgraded_on = None
        zone.updated_at = ctx.now
        _audit(ctx, zone, "positive", before=before, after=zone.level, on=on.isoformat())
    return zones


def refresh_facts(ctx: Ctx, zone: ControlZone) -> None:
    """The last close contact of the zone's case and whether they tested negative since their exposure."""
    if zone.case_id is None:
        return
    row = ctx.session.execute(
        select(TracingContact.person_id, TracingContact.last_contact_at)
        .where(
            TracingContact.case_id == zone.case_id,
            TracingContact.category == "close",
            TracingContact.status == "confirmed",
            TracingContact.last_contact_at.is_not(None),
        )
        .order_by(TracingContact.last_contact_at.desc())
        .limit(1)
    ).first()
    if row is None or row[1] is None:
        return
    exposure = local_date(row[1])
    zone.last_contact_exposure_on = exposure
    results = results_since(ctx, row[0], exposure) if row[0] else []
    zone.last_contact_negative = "negative" in results and "positive" not in results


def round_on(zone: ControlZone, readings: list[zone_rounds.RoundReading]) -> date | None:
    """The later of the all-negative round read from testing and the one entered by hand (fallback)."""
    read = zone_rounds.latest_negative(readings)
    days = [d for d in (zone.round_negative_on, read.completed_on if read else None) if d is not None]
    return max(days) if days else None


def facts_of(
    ctx: Ctx, zone: ControlZone, readings: list[zone_rounds.RoundReading] | None = None
) -> rules.ZoneFacts:
    if readings is None:
        readings = zone_rounds.read_rounds(ctx, zone)
    others = 0
    if zone.level == "prevention":
        district = "/".join(zone.jurisdiction_path.split("/")[:3]) + "/"
        others = (
            ctx.session.scalar(
                select(func.count(ControlZone.id)).where(
                    ControlZone.jurisdiction_path.startswith(district),
                    ControlZone.status == "active",
                    ControlZone.level.in_(("sealed", "controlled")),
                )
            )
            or 0
        )
    return rules.ZoneFacts(
        zone.level,
        zone.started_on,
        zone.last_case_on,
        zone.last_contact_exposure_on,
        zone.last_contact_negative,
        round_on(zone, readings),
        zone.downgraded_on,
        others,
    )


def check(
    ctx: Ctx, zone: ControlZone, readings: list[zone_rounds.RoundReading] | None = None
) -> rules.LiftCheck:
    refresh_facts(ctx, zone)
    return rules.lift_check(zone.scheme, facts_of(ctx, zone, readings), today(ctx))


def record_round(ctx: Ctx, zone_id: int, on: date, note: str = "") -> ControlZone:
    """The fallback when no round can be read from testing (a venue zone, residents tested elsewhere):
    record by hand that everyone in the zone completed a round with all results negative on `on`."""
    ctx.actor.require(DECIDE)
    zone = access_zone(ctx.session, ctx.actor, zone_id)
    if on > today(ctx) or on < zone.started_on:
        raise Invalid(
            [
                Problem(
                    "on", "筛查日期应在封控期间且不晚于今天", "the round must fall inside the zone's period"
                )
            ]
        )
    zone.round_negative_on, zone.updated_at = on, ctx.now
    _audit(ctx, zone, "round", on=on.isoformat(), source="manual", note=note.strip()[:500])
    return zone


def lift(ctx: Ctx, zone_id: int, override_reason: str = "") -> ControlZone:
    """Apply the lifting rule: 9th-ed. high becomes medium, otherwise the zone is lifted. Refused while the
    rule is unmet, unless an override reason is given (audited with the unmet conditions)."""
    ctx.actor.require(DECIDE)
    zone = access_zone(ctx.session, ctx.actor, zone_id)
    if zone.status != "active":
        raise Invalid([Problem("status", "区域已解除", "the zone is already lifted")])
    readings = zone_rounds.read_rounds(ctx, zone)
    result = check(ctx, zone, readings)
    read = zone_rounds.latest_negative(readings)
    reason = override_reason.strip()
    if not result.met and not reason:
        raise Invalid([Problem("rule", zh, en) for zh, en in result.unmet])
    before = zone.level
    if result.next_level is not None:
        zone.level, zone.downgraded_on = result.next_level, today(ctx)
    else:
        zone.status, zone.lifted_on = "lifted", today(ctx)
    if not result.met:
        zone.lifted_by_override, zone.override_reason = True, reason[:500]
    zone.updated_at = ctx.now
    _audit(
        ctx,
        zone,
        "override" if not result.met else "lift",
        before=before,
        after=zone.level if zone.status == "active" else "lifted",
        reason=reason,
        unmet=[en for _, en in result.unmet],
        citation=result.citation,
        round_id=read.round_id if read else None,
        round_on=(read.completed_on.isoformat() if read and read.completed_on else None),
        round_by_hand=zone.round_negative_on.isoformat() if zone.round_negative_on else None,
    )
    return zone


def require_read(ctx: Ctx) -> None:
    ctx.actor.require(READ)


def community_of(ctx: Ctx, community_id: int) -> Jurisdiction:
    return access_jurisdiction(ctx.session, ctx.actor, community_id)


def zone_areas(ctx: Ctx, zones: list[ControlZone], sealed_mode: str | None = None) -> list[ZoneArea]:
    """Zones as round areas. A building zone covers its households; a venue or unit zone has no
    residents of its own and is left to the area's mode (its people are sampled where they live)."""
    ids = [z.id for z in zones]
    places = ctx.session.execute(
        select(ControlZonePlace.zone_id, ControlZonePlace.place_id).where(
            ControlZonePlace.zone_id.in_(ids), ControlZonePlace.place_type == "household"
        )
    ).all()
    households: dict[int, list[int]] = {}
    for zone_id, place_id in places:
        households.setdefault(zone_id, []).append(place_id)
    areas = []
    for zone in zones:
        if zone.source not in ("community", "building"):
            continue
        homes = tuple(sorted(households.get(zone.id, []))) if zone.source == "building" else ()
        if zone.source == "building" and not homes:
            continue  # a workplace (unit) zone drawn by a proposal: no households, not a community zone
        mode = sealed_mode if sealed_mode and zone.level in ("sealed", "high") else None
        areas.append(
            ZoneArea(zone.community_id, zone.level, mode, homes, f"control_zone:{zone.id}", zone.name)
        )
    return areas


def order_round_for_zones(
    ctx: Ctx,
    name: str,
    area_jurisdiction_id: int,
    zone_ids: list[int],
    default_mode: str = "pool20",
    deadline: datetime | None = None,
    sealed_mode: str | None = None,
) -> TestingRound:
    """A round over an area with the pooling mode of each active zone (testing checks the order)."""
    ctx.actor.require(READ)
    zones = [access_zone(ctx.session, ctx.actor, zid) for zid in sorted(set(zone_ids))]
    lifted = [z.id for z in zones if z.status != "active"]
    if lifted:
        raise Invalid([Problem("zone_ids", "区域已解封，不能再按区域组织检测", "a zone has been lifted")])
    data = rounds_service.RoundInput(
        name, area_jurisdiction_id, default_mode, deadline, zones=tuple(zone_areas(ctx, zones, sealed_mode))
    )
    return rounds_service.order_round(ctx, data)
