"""Pages of clusters: the list, one cluster with its chain graph, and the suggestions to confirm."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import check_csrf, staff_ctx
from lianfang.tracing import repository, rules
from lianfang.tracing.access import READ, access_cluster
from lianfang.tracing.cases import service
from lianfang.tracing.cases.pages import render_tracing
from lianfang.tracing.clusters import service as clustering
from lianfang.tracing.clusters.api import cluster_svg

router = APIRouter(include_in_schema=False)


@router.get("/tracing/clusters")
def cluster_list(request: Request, after: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    size = ctx.settings.page_size
    rows = repository.clusters_page(ctx.session, ctx.actor, int(after) if after.isdigit() else None, size + 1)
    items = rows[:size]
    by_setting: dict[str, int] = {}
    sizes = repository.cluster_sizes(ctx.session, [c.id for c in items])
    for c in items:
        by_setting[c.setting] = by_setting.get(c.setting, 0) + 1
    next_url = f"/tracing/clusters?after={items[-1].id}" if len(rows) > size else None
    return render_tracing(
        request,
        "tracing/clusters.html",
        items=items,
        sizes=sizes,
        by_setting=by_setting,
        next_url=next_url,
        problems=[],
    )


@router.post("/tracing/clusters", dependencies=[Depends(check_csrf)])
def cluster_new(
    request: Request,
    name: str = Form(""),
    setting: str = Form("other"),
    case_codes: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    ids = repository.case_ids_by_codes(
        ctx.session, [c.strip() for c in case_codes.replace("，", ",").split(",") if c.strip()]
    )
    try:
        cluster = service.create_cluster(ctx, name, setting, ids)
    except Invalid as exc:
        ctx.session.rollback()
        return render_tracing(
            request,
            "tracing/clusters.html",
            422,
            items=[],
            sizes={},
            by_setting={},
            next_url=None,
            problems=list(exc.problems),
        )
    return RedirectResponse(f"/tracing/clusters/{cluster.id}", status_code=303)


@router.get("/tracing/clusters/{cluster_id}")
def cluster_page(request: Request, cluster_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    cluster = access_cluster(ctx.session, ctx.actor, cluster_id)
    cases = repository.cluster_cases(ctx.session, cluster.id)
    svg = Markup(cluster_svg(ctx, cluster_id))  # noqa: S704 (every text in it is escaped by graph.render_svg)
    return render_tracing(request, "tracing/cluster.html", cluster=cluster, cases=cases, svg=svg)


def _suggestion_page(
    request: Request, ctx: Ctx, days: int, problems: list[Problem] | None = None, code: int = 200
) -> Response:
    found = clustering.suggestions(ctx, days)
    return render_tracing(
        request,
        "tracing/suggestions.html",
        code,
        items=found,
        days=days,
        links=rules.LINKS,
        edition=rules.CLUSTER_EDITION,
        minimum=rules.CLUSTER_MIN_CASES,
        problems=problems or [],
    )


@router.get("/tracing/cluster-suggestions")
def suggestion_page(
    request: Request, days: int = rules.CLUSTER_DAYS, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _suggestion_page(request, ctx, max(1, min(days, 60)))


@router.post("/tracing/cluster-suggestions/merge", dependencies=[Depends(check_csrf)])
def suggestion_merge(
    request: Request,
    case_ids: list[str] = Form([]),
    name: str = Form(""),
    setting: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        ids = [int(i) for i in case_ids if i.strip().isdigit()]
        cluster = clustering.merge(ctx, ids, name[:120], setting)
    except Invalid as exc:
        ctx.session.rollback()
        return _suggestion_page(request, ctx, rules.CLUSTER_DAYS, list(exc.problems), 422)
    return RedirectResponse(f"/tracing/clusters/{cluster.id}", status_code=303)
