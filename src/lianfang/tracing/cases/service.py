"""Case use cases: open a case (by hand, or pending from a positive result), move it through its
lifecycle, edit it, add interview entries, clusters. The only writer of case tables; every change
leaves an audit row (with before/after for edits); flushes, never commits. Contacts: `contacts.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lianfang.core import audit
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, NotFound, Problem
from lianfang.people.access import access_person
from lianfang.people.models import Person
from lianfang.tracing import repository, rules
from lianfang.tracing.access import WRITE, access_case, access_cluster
from lianfang.tracing.cases import rules as checks
from lianfang.tracing.events import CaseOpened, CaseStatusChanged
from lianfang.tracing.models import TracingCase, TracingCluster, TracingExposure
from lianfang.venues.models import Venue


@dataclass(frozen=True)
class CaseInput:
    person_id: int
    classification: str = "confirmed"
    origin: str = "manual"
    found_by: str = "community_screening"
    source: str = "unknown"
    onset_at: datetime | None = None
    sampled_at: datetime | None = None
    isolated_at: datetime | None = None
    note: str = ""


def _audit(ctx: Ctx, case: TracingCase, verb: str, **detail: Any) -> None:
    audit.record(ctx, f"tracing.case.{verb}", "tracing_case", case.id, case.jurisdiction_path, **detail)


def lookback_days(ctx: Ctx, ruleset: rules.RuleSet) -> int:
    return ctx.settings.tracing_lookback_days or ruleset.lookback_days


def case_window(ctx: Ctx, case: TracingCase) -> tuple[datetime, datetime]:
    return rules.window(
        case.onset_at, case.sampled_at, case.reported_at, case.isolated_at, case.lookback_days, ctx.now
    )


def _found_by(ctx: Ctx, person_id: int, asked: str) -> str:
    """Already under control when the person is a confirmed contact of an earlier case."""
    if repository.controlling_contact(ctx.session, person_id, ctx.now) is not None:
        return "under_control"
    return asked


def _new_case(
    ctx: Ctx, person: Person, data: CaseInput, status: str, sample_id: int | None, reported_at: datetime
) -> TracingCase:
    ruleset = rules.rules_for(
        local_date(rules.reference_time(data.onset_at, data.sampled_at, reported_at)),
        ctx.settings.tracing_edition,
    )
    source_contact = repository.controlling_contact(ctx.session, person.id, ctx.now)
    infector = ctx.session.get(TracingCase, source_contact.case_id) if source_contact else None
    case = TracingCase(
        code="",
        person_id=person.id,
        jurisdiction_path=person.jurisdiction_path,
        status=status,
        classification=data.classification,
        origin=data.origin,
        found_by=_found_by(ctx, person.id, data.found_by),
        source=data.source,
        onset_at=data.onset_at,
        sampled_at=data.sampled_at,
        reported_at=reported_at,
        isolated_at=data.isolated_at,
        sample_id=sample_id,
        cluster_id=infector.cluster_id if infector else None,
        infector_case_id=infector.id if infector else None,
        lookback_days=lookback_days(ctx, ruleset),
        rule_edition=ruleset.edition,
        note=data.note.strip()[: rules.NOTE_MAX],
        created_by_user_id=ctx.actor.user_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(case)
    ctx.session.flush()
    case.code = rules.case_code(reported_at, case.id)
    _audit(
        ctx,
        case,
        "open",
        status=status,
        origin=data.origin,
        sample_id=sample_id,
        infector=case.infector_case_id,
    )
    ctx.publish(CaseOpened(case.id, case.person_id, case.jurisdiction_path, case.status, case.found_by))
    return case


def open_case(ctx: Ctx, data: CaseInput) -> TracingCase:
    """An investigator opens a case for a person in scope; it is under investigation at once."""
    ctx.actor.require(WRITE)
    person = access_person(ctx.session, ctx.actor, data.person_id)
    problems = checks.case_problems(
        data.classification,
        data.found_by,
        data.source,
        data.onset_at,
        data.sampled_at,
        data.isolated_at,
        ctx.now,
    )
    if data.origin not in rules.ORIGINS:
        problems.append(Problem("origin", "来源渠道无效", "origin: lab | clinic | manual"))
    if problems:
        raise Invalid(problems)
    existing = repository.open_case_of(ctx.session, person.id)
    if existing is not None and existing.status in ("pending", "open"):
        raise Conflict(f"此人已有病例 {existing.code}", f"this person already has case {existing.code}")
    return _new_case(ctx, person, data, "open", None, ctx.now)


def case_from_result(
    ctx: Ctx, person_id: int, sample_id: int, sampled_at: datetime, reported_at: datetime
) -> TracingCase | None:
    """A positive result opens a case pending confirmation (idempotent per sample and per open case)."""
    system = ctx.as_actor(SYSTEM)
    person = system.session.get(Person, person_id)
    if person is None:
        return None
    existing = repository.open_case_of(system.session, person_id)
    if existing is not None and existing.status in ("pending", "open"):
        return existing
    data = CaseInput(person_id, "asymptomatic", "lab", "community_screening", "unknown", None, sampled_at)
    return _new_case(system, person, data, "pending", sample_id, reported_at)


def transition(
    ctx: Ctx, case_id: int, verb: str, note: str = "", classification: str | None = None
) -> TracingCase:
    """confirm (pending → open) | close | reopen | discard (a reason is required)."""
    ctx.actor.require(WRITE)
    if verb not in rules.CASE_VERBS:
        raise NotFound("操作", "action")
    case = access_case(ctx.session, ctx.actor, case_id, for_update=True)
    sources, target, names = rules.CASE_VERBS[verb]
    if case.status not in sources:
        zh_state, en_state = rules.STATUSES[case.status]
        raise Conflict(
            f"病例当前为“{zh_state}”，不能{names[0]}", f"a case that is {en_state.lower()} cannot: {names[1]}"
        )
    note = note.strip()
    if verb == "discard" and not note:
        raise Invalid([Problem("note", "请填写排除理由", "give the reason for discarding")])
    if classification is not None and classification not in rules.CLASSIFICATIONS:
        raise Invalid([Problem("classification", "病例分类无效", "classification: confirmed | asymptomatic")])
    before = {"status": case.status, "classification": case.classification}
    case.status = target
    case.classification = classification or case.classification
    case.updated_at = ctx.now
    _audit(
        ctx,
        case,
        verb,
        before=before,
        after={"status": case.status, "classification": case.classification},
        note=note[:500],
    )
    ctx.publish(CaseStatusChanged(case.id, before["status"], case.status, case.jurisdiction_path))
    return case


EDITABLE = (
    "classification",
    "found_by",
    "source",
    "onset_at",
    "sampled_at",
    "isolated_at",
    "note",
    "cluster_id",
    "infector_case_id",
)


def update_case(ctx: Ctx, case_id: int, changes: dict[str, Any]) -> TracingCase:
    """Edit the facts of a case; the look-back window follows the new onset, sampling and isolation."""
    ctx.actor.require(WRITE)
    case = access_case(ctx.session, ctx.actor, case_id, for_update=True)
    if case.status in ("closed", "discarded"):
        raise Conflict("已结案或已排除的病例不能修改", "a closed or discarded case cannot be edited")
    merged = {k: getattr(case, k) for k in EDITABLE} | {k: v for k, v in changes.items() if k in EDITABLE}
    problems = checks.case_problems(
        merged["classification"],
        merged["found_by"],
        merged["source"],
        merged["onset_at"],
        merged["sampled_at"],
        merged["isolated_at"],
        ctx.now,
    )
    if merged["cluster_id"] is not None:
        try:
            access_cluster(ctx.session, ctx.actor, merged["cluster_id"])
        except NotFound:
            problems.append(Problem("cluster_id", "聚集性疫情不存在", "no such cluster in your scope"))
    if merged["infector_case_id"] is not None and (
        merged["infector_case_id"] == case.id
        or ctx.session.get(TracingCase, merged["infector_case_id"]) is None
    ):
        problems.append(Problem("infector_case_id", "传染来源病例无效", "the source case is not valid"))
    if problems:
        raise Invalid(problems)
    before = {k: _plain(getattr(case, k)) for k in changes if k in EDITABLE and getattr(case, k) != merged[k]}
    for key in before:
        setattr(case, key, merged[key])
    if before:
        case.updated_at = ctx.now
        _audit(ctx, case, "edit", before=before, after={k: _plain(getattr(case, k)) for k in before})
    return case


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class ExposureInput:
    kind: str
    started_at: datetime
    ended_at: datetime
    venue_id: int | None = None
    place: str = ""
    transport_mode: str | None = None
    transport_number: str | None = None
    carriage: str | None = None
    seat_row: int | None = None
    seat: str | None = None
    note: str = ""


def add_exposure(ctx: Ctx, case_id: int, data: ExposureInput) -> TracingExposure:
    """An interview entry: a place without a scan, or a trip with carriage and seat."""
    ctx.actor.require(WRITE)
    case = access_case(ctx.session, ctx.actor, case_id)
    start, _end = case_window(ctx, case)
    number = (data.transport_number or "").strip().upper() or None
    problems = checks.exposure_problems(
        data.kind,
        data.started_at,
        data.ended_at,
        data.place,
        data.venue_id,
        data.transport_mode,
        number,
        start,
    )
    if data.venue_id is not None and ctx.session.get(Venue, data.venue_id) is None:
        problems.append(Problem("venue_id", "场所不存在", "no such venue"))
    if problems:
        raise Invalid(problems)
    entry = TracingExposure(
        case_id=case.id,
        kind=data.kind,
        venue_id=data.venue_id,
        place=data.place.strip(),
        started_at=data.started_at,
        ended_at=data.ended_at,
        transport_mode=data.transport_mode if data.kind == "transport" else None,
        transport_number=number if data.kind == "transport" else None,
        carriage=(data.carriage or "").strip()[:8] or None,
        seat_row=data.seat_row,
        seat=(data.seat or "").strip()[:8] or None,
        note=data.note.strip()[:500],
        created_by_user_id=ctx.actor.user_id,
        created_at=ctx.now,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    _audit(
        ctx,
        case,
        "exposure",
        exposure_id=entry.id,
        kind=entry.kind,
        venue_id=entry.venue_id,
        number=entry.transport_number,
    )
    return entry


def create_cluster(ctx: Ctx, name: str, setting: str, case_ids: list[int]) -> TracingCluster:
    """A cluster (聚集性疫情) of cases in scope; its place is the first case's district."""
    ctx.actor.require(WRITE)
    name = name.strip()
    problems = []
    if not name or len(name) > 120:
        problems.append(Problem("name", "名称不能为空，最多120字", "a name of 1-120 characters is required"))
    if setting not in rules.CLUSTER_SETTINGS:
        problems.append(Problem("setting", "场景无效", "setting: " + " | ".join(rules.CLUSTER_SETTINGS)))
    cases = [access_case(ctx.session, ctx.actor, i, for_update=True) for i in sorted(set(case_ids))]
    if not cases:
        problems.append(Problem("case_ids", "请至少选择一个病例", "choose at least one case"))
    if problems:
        raise Invalid(problems)
    cluster = TracingCluster(
        name=name,
        setting=setting,
        jurisdiction_path=rules.district_path(cases[0].jurisdiction_path),
        created_at=ctx.now,
    )
    ctx.session.add(cluster)
    ctx.session.flush()
    for case in cases:
        before = case.cluster_id
        case.cluster_id = cluster.id
        case.updated_at = ctx.now
        _audit(ctx, case, "edit", before={"cluster_id": before}, after={"cluster_id": cluster.id})
    audit.record(
        ctx,
        "tracing.cluster.create",
        "tracing_cluster",
        cluster.id,
        cluster.jurisdiction_path,
        name=name,
        setting=setting,
    )
    return cluster
