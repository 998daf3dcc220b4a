"""FHIR exports: one case, or a district's cases reported in a date range, as a Bundle (collection).

Reading needs `tracing.read` and the case (or the district) in the actor's scope. Identity numbers and
phones of the case persons go into the Bundle only with `reveal`, which needs `identity.reveal`; every
export is audited as one row naming its cases, and a revealing one also names the people revealed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import orjson

from lianfang.core import audit
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.errors import Invalid, Problem
from lianfang.interop.fhir import render as resources
from lianfang.interop.fhir import repository
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.models import TracingCase

REVEAL = "identity.reveal"
MAX_DAYS = 366
PAGE = 2000


def _revealed(ctx: Ctx, batch: repository.Batch, reveal: bool) -> dict[int, tuple[str, str | None]]:
    if not reveal:
        return {}
    keys = vault(ctx.settings)
    out = {}
    for case in batch.cases:
        person = batch.people[case.person_id]
        out[person.id] = (
            keys.open(person.id_sealed),
            keys.open(person.phone_sealed) if person.phone_sealed else None,
        )
    return out


def _entries(ctx: Ctx, cases: list[TracingCase], reveal: bool, seen: set[str]) -> tuple[list[Any], list[int]]:
    batch = repository.load(ctx.session, cases)
    revealed = _revealed(ctx, batch, reveal)
    out = []
    for case in cases:
        for entry in resources.case_entries(batch, case, revealed):
            if entry["fullUrl"] not in seen:
                seen.add(entry["fullUrl"])
                out.append(entry)
    return out, sorted(revealed)


def export_case(ctx: Ctx, case_id: int, reveal: bool = False) -> dict[str, Any]:
    ctx.actor.require(READ)
    if reveal:
        ctx.actor.require(REVEAL)
    case = access_case(ctx.session, ctx.actor, case_id)
    entries, revealed = _entries(ctx, [case], reveal, set())
    audit.record(
        ctx,
        "interop.fhir.export",
        "tracing_case",
        case.id,
        case.jurisdiction_path,
        revealed=revealed,
        resources=len(entries),
    )
    return resources.bundle(
        entries, ctx.now, resources.ref("Bundle", f"case/{case.id}/{ctx.now.isoformat()}")[9:]
    )


def period_problems(start: date | None, end: date | None) -> list[Problem]:
    problems = []
    if start is None or end is None:
        problems.append(Problem("from", "请填写起止日期", "give the first and the last day"))
    elif end < start:
        problems.append(Problem("to", "结束日期早于开始日期", "the last day is before the first"))
    elif (end - start).days >= MAX_DAYS:
        problems.append(Problem("to", f"一次最多导出{MAX_DAYS}天", f"at most {MAX_DAYS} days in one export"))
    return problems


def export_district(
    ctx: Ctx, jurisdiction_id: int, start: date | None, end: date | None, reveal: bool = False
) -> bytes:
    """The cases of a jurisdiction's subtree reported on local days start..end, as Bundle JSON bytes."""
    ctx.actor.require(READ)
    if reveal:
        ctx.actor.require(REVEAL)
    place = access_jurisdiction(ctx.session, ctx.actor, jurisdiction_id)
    problems = period_problems(start, end)
    if problems:
        raise Invalid(problems)
    assert start is not None and end is not None
    low = datetime.combine(start, time(0), tzinfo=SHANGHAI)
    high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    entries: list[Any] = []
    seen: set[str] = set()
    case_ids: list[int] = []
    revealed: list[int] = []
    after = 0
    while True:
        cases = repository.district_cases(ctx.session, place.path, low, high, after, PAGE)
        if not cases:
            break
        part, shown = _entries(ctx, cases, reveal, seen)
        entries += part
        revealed += shown
        case_ids += [c.id for c in cases]
        after = cases[-1].id
    audit.record(
        ctx,
        "interop.fhir.export",
        "jurisdiction",
        place.id,
        place.path,
        cases=len(case_ids),
        first_day=start.isoformat(),
        last_day=end.isoformat(),
        revealed=revealed,
    )
    name = f"district/{place.id}/{start}/{end}/{ctx.now.isoformat()}"
    return orjson.dumps(resources.bundle(entries, ctx.now, resources.ref("Bundle", name)[9:]))
