"""API and pages for carriers' passenger manifests (import with a per-row report, the trips imported, a
case's trips with their fellow passengers) and for cluster suggestions (the list with the evidence of
each link, and confirming one into a cluster)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.web import check_csrf, read_upload, staff_ctx
from lianfang.tracing import clustering, manifests, rules, service, trips
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.models import TracingTrip
from lianfang.tracing.pages import render_tracing

api = APIRouter(prefix="/api/tracing", tags=["tracing"])
pages = APIRouter(include_in_schema=False)


class MergeBody(BaseModel):
    case_ids: list[int]
    name: str = Field(default="", max_length=120)
    setting: str = ""


def _trip_dict(t: TracingTrip, counts: dict[int, tuple[int, int]]) -> dict[str, Any]:
    n, registered = counts.get(t.id, (0, 0))
    return {
        "id": t.id,
        "mode": t.mode,
        "number": t.number,
        "service_date": t.service_date.isoformat(),
        "carrier": t.carrier,
        "passengers": n,
        "registered": registered,
    }


def _suggestion_dict(s: clustering.Suggestion) -> dict[str, Any]:
    return {
        "case_ids": s.case_ids,
        "codes": s.codes,
        "clusters": s.clusters,
        "setting": s.setting,
        "name": s.name,
        "meets_definition": s.meets_definition,
        "links": [{"a": x.a, "b": x.b, "kind": x.kind, "detail": x.detail} for x in s.links],
    }


@api.post("/manifests")
def import_manifest(
    file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> dict[str, object]:
    """A carrier's passenger manifest (CSV or Excel): a per-row report; re-running creates nothing new."""
    return manifests.import_manifest(
        ctx, file.filename or "manifest.csv", read_upload(file), dry_run
    ).as_dict()


@api.get("/manifests")
def list_trips(after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """Trips imported in the caller's jurisdiction, newest first (keyset: pass `next_after` as `after`)."""
    ctx.actor.require(READ)
    limit = max(1, min(limit, 500))
    rows = trips.trips_page(ctx.session, ctx.actor, after, limit + 1)
    counts = trips.passenger_counts(ctx.session, [t.id for t in rows[:limit]])
    return {
        "items": [_trip_dict(t, counts) for t in rows[:limit]],
        "next_after": rows[limit - 1].id if len(rows) > limit else None,
    }


@api.get("/cases/{case_id}/trips")
def case_trips(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> list[dict[str, Any]]:
    """The case's trips and every fellow passenger as the transport rules judge them (not stored)."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    start, end = service.case_window(ctx, case)
    found = trips.mates(ctx.session, case, start, end)
    audit.record(ctx, "tracing.case.trips", "tracing_case", case.id, case.jurisdiction_path, count=len(found))
    out = []
    for ct in trips.case_trips(ctx.session, case, start, end):
        out.append(
            {
                **_trip_dict(ct.trip, {}),
                "seat": ct.seat_text,
                "source": ct.source,
                "rule": rules.transport_rule(case.rule_edition),
                "passengers": [
                    {
                        "person_id": m.person_id,
                        "passenger_id": m.passenger_id,
                        "id_masked": m.id_masked,
                        "seat": m.seat,
                        "category": m.category,
                        "why": m.why,
                        "outside_city": m.city if m.person_id is None else None,
                    }
                    for m in found
                    if m.trip_id == ct.trip.id
                ],
            }
        )
    return out


@api.get("/cluster-suggestions")
def list_suggestions(days: int = rules.CLUSTER_DAYS, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """Groups of recent cases linked by shared exposures or infector links, not yet one cluster."""
    found = clustering.suggestions(ctx, days)
    return {"edition": rules.CLUSTER_EDITION, "items": [_suggestion_dict(s) for s in found]}


@api.post("/cluster-suggestions/merge", status_code=201)
def merge(body: MergeBody, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    cluster = clustering.merge(ctx, body.case_ids, body.name, body.setting)
    return {"id": cluster.id, "name": cluster.name, "setting": cluster.setting}


def _manifest_page(
    request: Request,
    ctx: Ctx,
    after: int | None,
    report: Any = None,
    problems: list[Problem] | None = None,
    code: int = 200,
) -> Response:
    ctx.actor.require(READ)
    size = ctx.settings.page_size
    rows = trips.trips_page(ctx.session, ctx.actor, after, size + 1)
    items = rows[:size]
    counts = trips.passenger_counts(ctx.session, [t.id for t in items])
    next_url = f"/tracing/manifests?after={items[-1].id}" if len(rows) > size else None
    return render_tracing(
        request,
        "tracing/manifests.html",
        code,
        items=[_trip_dict(t, counts) for t in items],
        next_url=next_url,
        report=report,
        problems=problems or [],
        columns=manifests.COLUMNS,
    )


@pages.get("/tracing/manifests")
def manifest_page(request: Request, after: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _manifest_page(request, ctx, int(after) if after.isdigit() else None)


@pages.post("/tracing/manifests", dependencies=[Depends(check_csrf)])
def manifest_upload(
    request: Request,
    file: UploadFile = File(...),
    dry_run: bool = Form(False),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        report = manifests.import_manifest(ctx, file.filename or "manifest.csv", read_upload(file), dry_run)
    except DomainError as exc:
        if exc.status not in (413, 422):
            raise
        ctx.session.rollback()
        found = list(exc.problems) or [Problem("file", exc.zh, exc.en)]
        return _manifest_page(request, ctx, None, None, found, exc.status)
    return _manifest_page(request, ctx, None, report, report.problems)


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


@pages.get("/tracing/cluster-suggestions")
def suggestion_page(
    request: Request, days: int = rules.CLUSTER_DAYS, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    return _suggestion_page(request, ctx, max(1, min(days, 60)))


@pages.post("/tracing/cluster-suggestions/merge", dependencies=[Depends(check_csrf)])
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
