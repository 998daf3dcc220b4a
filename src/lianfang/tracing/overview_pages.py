"""Tracing pages beyond one case: clusters with their chain graph, the found-under-control share,
outgoing assistance letters, and CSV/Excel exports of the case list and of a case's contacts and
requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, NotFound
from lianfang.core.web import check_csrf, export_download, keyset_batches, staff_ctx
from lianfang.tracing import metrics, repository, rules, service, views
from lianfang.tracing.access import READ, access_case, access_cluster
from lianfang.tracing.api import cluster_svg
from lianfang.tracing.models import TracingRequest
from lianfang.tracing.pages import render_tracing

router = APIRouter(include_in_schema=False)
CASE_COLUMNS = ("code", "name", "id_masked", "classification", "status", "found_by", "reported_at")
CONTACT_COLUMNS = (
    "id",
    "name",
    "id_masked",
    "place",
    "degree",
    "category",
    "reason",
    "rule",
    "first_contact_at",
    "status",
)

REQUEST_COLUMNS = (
    "id",
    "contact_id",
    "kind",
    "target",
    "state",
    "deadline",
    "late",
    "escalation_level",
    "done_at",
)


def _iso(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


@router.get("/tracing/export")
def case_export(format: str = "csv", status: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The case list as the page shows it (status filter, the actor's scope, masked names)."""
    ctx.actor.require(READ)
    wanted = status if status in rules.STATUSES else None
    batches = keyset_batches(
        lambda after, n: repository.cases_page(ctx.session, ctx.actor, wanted, after, n), lambda c: c.id
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            people = repository.persons_by_ids(ctx.session, [c.person_id for c in batch])
            for c in batch:
                p = views.person_label(people.get(c.person_id))
                row = [c.code, p["name"], p["id_masked"], c.classification, c.status, c.found_by]
                yield [*row, _iso(c.reported_at)]

    return export_download(
        ctx, format, "cases", CASE_COLUMNS, lines(), "tracing.case.export", "tracing_case", status=wanted
    )


@router.get("/tracing/cases/{case_id}/contacts/export")
def contact_export(
    case_id: int, format: str = "csv", category: str = "", status: str = "", ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """A case's contacts as the investigation page lists them (category and status filters)."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    kind = category if category in rules.CATEGORIES else None
    state = status if status in rules.CONTACT_STATUSES else None
    batches = keyset_batches(
        lambda after, n: views.contacts(ctx, case, kind, state, after, n), lambda c: c["id"]
    )
    keys = ("id", "name", "id_masked", "place", "degree", "category", "reason", "rule")
    lines = (
        [*(c[k] for k in keys), _iso(c["first_contact_at"]), c["status"]] for batch in batches for c in batch
    )
    return export_download(
        ctx,
        format,
        f"contacts-{case.id}",
        CONTACT_COLUMNS,
        lines,
        "tracing.contact.export",
        "tracing_case",
        case.id,
        case.jurisdiction_path,
        category=kind,
        status=state,
    )


@router.get("/tracing/cases/{case_id}/requests/export")
def request_export(case_id: int, format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    """All of a case's requests with their states (the case page shows the latest)."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    batches = keyset_batches(
        lambda after, n: repository.requests_page(ctx.session, case.id, after, n), lambda r: r.id
    )
    lines = (
        [
            *(r[k] for k in ("id", "contact_id", "kind", "target", "state")),
            _iso(r["deadline"]),
            "yes" if r["late"] else "",
            r["escalation_level"],
            _iso(r["done_at"]),
        ]
        for batch in batches
        for r in views.requests(ctx, batch)
    )
    return export_download(
        ctx,
        format,
        f"requests-{case.id}",
        REQUEST_COLUMNS,
        lines,
        "tracing.request.export",
        "tracing_case",
        case.id,
        case.jurisdiction_path,
    )


@router.get("/tracing/requests/{request_id}/letter")
def letter(request: Request, request_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    item = ctx.session.get(TracingRequest, request_id)
    if item is None:
        raise NotFound("协查函", "letter")
    case = access_case(ctx.session, ctx.actor, item.case_id)
    audit.record(
        ctx, "tracing.letter.view", "tracing_case", case.id, case.jurisdiction_path, request_id=item.id
    )
    return render_tracing(request, "tracing/letter.html", item=item, case=case)


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


@router.get("/tracing/metrics")
def metrics_page(request: Request, days: int = 14, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    days = max(1, min(days, 90))
    found = repository.found_by_counts(
        ctx.session, ctx.actor, ctx.now - timedelta(days=days), ctx.now + timedelta(seconds=1)
    )
    rows = metrics.under_control_share(found)
    places = repository.jurisdictions_by_paths(
        ctx.session, [r.district_path for r in rows if r.district_path != "*"]
    )
    return render_tracing(request, "tracing/metrics.html", rows=rows, places=places, days=days)
