"""The all-negative round of a zone, read from the testing rounds (control sits above testing and reads
its tables). RULES §3.2 解封 (3): 解封前2天区域内所有人员完成一轮核酸筛查，均为阴性; §3.3: 第7天 (9th ed.)
/ 第5天 (二十条) 风险区域内所有人员完成一轮核酸筛查均为阴性. The lifting rule (`rules.lift_check`) compares
the day read here with the day it requires; the date entered by hand (`zones.record_round`, audited)
stays as the fallback, and the later of the two counts.

Where RULES is silent, lianfang assumes (`judge` is pure; the constants are the policy):
- A round covers the zone when its area contains the zone's community (a district round, or a round
  ordered over the zone, whose `RoundArea.zone_ref` is "control_zone:<id>"); the latest
  `ROUNDS_READ` covering rounds are read.
- The zone's people are its registered residents: the community's people for a community zone, the
  people of its households for a building zone, the members of its units for a unit zone. A venue zone
  has no residents, so no round can be read (enter the round by hand). Not counted: the people who are
  tracing cases (not discarded) and those under an active centralised-isolation order — they are not
  in the zone to be sampled.
- "所有人员完成" is read as every registered resident sampled (`COVERAGE` = 1.0); a resident away
  from home is a case for the audited manual entry, not a silent tolerance.
- Only samples taken on or after the day the zone was drawn count. A person's outcome is that of their
  tubes in the round: positive if any is positive, negative if one is negative and none positive;
  otherwise (no result yet, or invalid without a negative re-sample) pending.
- The round is completed for the zone on the local day the last of its residents' results came back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Select, case, func, or_, select

from lianfang.control.models import ControlOrder, ControlZone, ControlZonePlace
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.context import Ctx
from lianfang.people.models import Person
from lianfang.testing.models import Sample, TestingRound, TubeResult
from lianfang.tracing.models import TracingCase
from lianfang.units.models import UnitMembership

POLICY = "control-rounds-2026.12"
COVERAGE = 1.0  # share of the registered residents to be sampled (RULES §3.2/§3.3 所有人员)
ROUNDS_READ = 10
CITATION = "RULES §3.2 解封 (3); §3.3"


@dataclass(frozen=True)
class RoundReading:
    round_id: int
    round_name: str
    residents: int
    sampled: int
    negative: int
    positive: int
    pending: int
    all_negative: bool
    completed_on: date | None  # the day the last result came back, when all negative


def judge(
    residents: int, outcomes: list[tuple[bool, bool]], last_result: datetime | None
) -> tuple[bool, int, int, int]:
    """(all negative, negatives, positives, pending) from each sampled resident's (any positive, any
    negative) in the round."""
    positive = sum(1 for pos, _ in outcomes if pos)
    negative = sum(1 for pos, neg in outcomes if neg and not pos)
    pending = len(outcomes) - positive - negative
    covered = residents > 0 and negative >= COVERAGE * residents
    return covered and positive == 0 and pending == 0 and last_result is not None, negative, positive, pending


def residents_query(ctx: Ctx, zone: ControlZone) -> Select[tuple[int]] | Select[int] | None:
    """The zone's registered residents as a subquery of person ids; None for a zone without any."""
    away = select(TracingCase.person_id).where(TracingCase.status != "discarded")
    isolated = select(ControlOrder.person_id).where(
        ControlOrder.status == "active", ControlOrder.kind == "centralised"
    )
    present = Person.id.not_in(away) & Person.id.not_in(isolated)
    if zone.source == "community":
        return select(Person.id).where(Person.community_id == zone.community_id, present)
    places = ctx.session.execute(
        select(ControlZonePlace.place_type, ControlZonePlace.place_id).where(
            ControlZonePlace.zone_id == zone.id
        )
    ).all()
    homes = [pid for kind, pid in places if kind == "household"]
    units = [pid for kind, pid in places if kind == "unit"]
    if not homes and not units:
        return None
    members = select(UnitMembership.person_id).where(UnitMembership.unit_id.in_(units))
    return select(Person.id).where(or_(Person.household_id.in_(homes), Person.id.in_(members)), present)


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def read_rounds(ctx: Ctx, zone: ControlZone) -> list[RoundReading]:
    """The covering rounds' outcomes for the zone, newest round first."""
    people = residents_query(ctx, zone)
    if people is None:
        return []
    rounds = ctx.session.execute(
        select(TestingRound.id, TestingRound.name)
        .where(TestingRound.area_path.in_(_prefixes(zone.jurisdiction_path)))
        .order_by(TestingRound.id.desc())
        .limit(ROUNDS_READ)
    ).all()
    if not rounds:
        return []
    residents = ctx.session.scalar(select(func.count()).select_from(people.subquery())) or 0
    since = datetime.combine(zone.started_on, time(0), tzinfo=SHANGHAI)
    rows = ctx.session.execute(
        select(
            Sample.round_id,
            Sample.person_id,
            func.max(case((TubeResult.result == "positive", 1), else_=0)),
            func.max(case((TubeResult.result == "negative", 1), else_=0)),
            func.max(TubeResult.reported_at),
        )
        .outerjoin(TubeResult, TubeResult.tube_id == Sample.tube_id)
        .where(
            Sample.round_id.in_([r for r, _ in rounds]),
            Sample.person_id.in_(people),
            Sample.sampled_at >= since,
        )
        .group_by(Sample.round_id, Sample.person_id)
    ).all()
    per: dict[int, list[tuple[bool, bool]]] = {}
    last: dict[int, datetime] = {}
    for round_id, _person, pos, neg, reported in rows:
        per.setdefault(round_id, []).append((bool(pos), bool(neg)))
        if reported is not None:
            last[round_id] = max(reported, last.get(round_id, reported))
    out = []
    for round_id, name in rounds:
        outcomes = per.get(round_id, [])
        ok, negative, positive, pending = judge(residents, outcomes, last.get(round_id))
        done = local_date(last[round_id]) if ok else None
        out.append(
            RoundReading(round_id, name, residents, len(outcomes), negative, positive, pending, ok, done)
        )
    return out


def latest_negative(readings: list[RoundReading]) -> RoundReading | None:
    done = [r for r in readings if r.completed_on is not None]
    return max(done, key=lambda r: (r.completed_on, r.round_id)) if done else None
