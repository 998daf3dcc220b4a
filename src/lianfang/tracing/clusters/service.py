"""Cluster suggestions (聚集性疫情研判): the recent cases of the caller's jurisdiction, linked by shared
exposures or infector links (`links`), grouped into connected sets; a set not yet wholly in one cluster
is a suggestion, shown with the evidence of every link. Nothing is merged until an investigator confirms
a suggestion (`merge`): one action puts its cases into one cluster (the earliest existing cluster among
them, else a new one), after checking that they are still linked. Audited; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.jurisdictions.access import subtree_filter
from lianfang.tracing import rules
from lianfang.tracing.access import READ, WRITE, access_case, access_cluster
from lianfang.tracing.cases import service
from lianfang.tracing.clusters import repository as links
from lianfang.tracing.models import TracingCase, TracingCluster

MAX_CASES = 2000  # recent cases considered per request (newest first)


@dataclass(frozen=True)
class Suggestion:
    case_ids: list[int]
    codes: list[str]
    links: list[rules.Link]
    clusters: list[int]  # existing clusters among the cases
    setting: str
    name: str
    meets_definition: bool


def recent_cases(ctx: Ctx, days: int) -> list[TracingCase]:
    """Non-discarded cases reported in the last `days`, in scope, over (jurisdiction_path, reported_at)."""
    stmt = (
        select(TracingCase)
        .where(
            subtree_filter(ctx.actor, TracingCase.jurisdiction_path),
            TracingCase.reported_at >= ctx.now - timedelta(days=days),
            TracingCase.status != "discarded",
        )
        .order_by(TracingCase.reported_at.desc())
        .limit(MAX_CASES)
    )
    return list(ctx.session.scalars(stmt))


def _suggest(ctx: Ctx, cases: list[TracingCase]) -> list[Suggestion]:
    windows = {c.id: service.case_window(ctx, c) for c in cases}
    found = links.find(ctx.session, cases, windows)
    by_id = {c.id: c for c in cases}
    out: list[Suggestion] = []
    for group in rules.components(found):
        members = [by_id[i] for i in group]
        clusters = sorted({c.cluster_id for c in members if c.cluster_id is not None})
        if len(clusters) == 1 and all(c.cluster_id == clusters[0] for c in members):
            continue  # already one cluster
        inside = set(group)
        evidence = [x for x in found if x.a in inside]
        setting = rules.suggested_setting([x.kind for x in evidence])
        out.append(
            Suggestion(
                group,
                [c.code for c in members],
                evidence,
                clusters,
                setting,
                f"{rules.CLUSTER_SETTINGS[setting][0]}聚集 {members[0].code}",
                rules.meets_definition(len(group)),
            )
        )
    return out


def suggestions(ctx: Ctx, days: int = rules.CLUSTER_DAYS) -> list[Suggestion]:
    ctx.actor.require(READ)
    return _suggest(ctx, recent_cases(ctx, max(1, min(days, 60))))


def merge(ctx: Ctx, case_ids: list[int], name: str = "", setting: str = "") -> TracingCluster:
    """Confirm a suggestion: its cases (still linked) into one cluster, each move audited."""
    ctx.actor.require(WRITE)
    wanted = sorted(set(case_ids))
    if len(wanted) < 2:
        raise Invalid([Problem("case_ids", "请至少选择两个病例", "choose at least two cases")])
    cases = [access_case(ctx.session, ctx.actor, i, for_update=True) for i in wanted]
    found = _suggest(ctx, cases)
    if len(found) != 1 or found[0].case_ids != wanted:
        already = all(c.cluster_id is not None and c.cluster_id == cases[0].cluster_id for c in cases)
        zh, en = (
            ("这些病例已在同一聚集性疫情中", "these cases are already one cluster")
            if already
            else (
                "这些病例之间已无关联，请刷新建议",
                "these cases are no longer linked; refresh the suggestions",
            )
        )
        raise Invalid([Problem("case_ids", zh, en)])
    suggestion = found[0]
    setting = setting or suggestion.setting
    if suggestion.clusters:
        cluster = access_cluster(ctx.session, ctx.actor, suggestion.clusters[0])
        for case in cases:
            if case.cluster_id != cluster.id:
                before = case.cluster_id
                case.cluster_id, case.updated_at = cluster.id, ctx.now
                audit.record(
                    ctx,
                    "tracing.case.edit",
                    "tracing_case",
                    case.id,
                    case.jurisdiction_path,
                    before={"cluster_id": before},
                    after={"cluster_id": cluster.id},
                )
    else:
        cluster = service.create_cluster(ctx, name.strip() or suggestion.name, setting, wanted)
    audit.record(
        ctx,
        "tracing.cluster.merge",
        "tracing_cluster",
        cluster.id,
        cluster.jurisdiction_path,
        cases=wanted,
        links=[f"{x.a}-{x.b}:{x.kind}" for x in suggestion.links][:200],
        edition=rules.CLUSTER_EDITION,
    )
    return cluster
