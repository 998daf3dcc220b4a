"""JSON API of the tracing module: cases, interview entries, proposals, contacts, requests, clusters and
the found-under-control share. Staff only; `tracing.read` to look, `tracing.write` to change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.tracing import contacts, fast, metrics, repository, service, views
from lianfang.tracing.access import READ, access_case, access_cluster
from lianfang.tracing.graph import Node, render_svg
from lianfang.tracing.models import TracingCase
from lianfang.tracing.schemas import (
    CaseCreate,
    CasePage,
    CaseRead,
    CaseTransition,
    CaseUpdate,
    ClusterCreate,
    ContactAdd,
    DecideBody,
    ExposureCreate,
)

router = APIRouter(prefix="/api/tracing", tags=["tracing"])


def case_read(ctx: Ctx, case: TracingCase) -> CaseRead:
    read = CaseRead.model_validate(case)
    read.window_start, read.window_end = service.case_window(ctx, case)
    return read


@router.get("/cases", response_model=CasePage)
def list_cases(
    status: str = "", after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)
) -> CasePage:
    """Cases in the caller's jurisdiction, newest first (keyset: pass `next_after` as `after`)."""
    ctx.actor.require(READ)
    limit = max(1, min(limit, 500))
    rows = repository.cases_page(ctx.session, ctx.actor, status or None, after, limit + 1)
    return CasePage(
        items=[case_read(ctx, c) for c in rows[:limit]],
        next_after=rows[limit - 1].id if len(rows) > limit else None,
    )


@router.post("/cases", response_model=CaseRead, status_code=201)
def create_case(body: CaseCreate, ctx: Ctx = Depends(staff_ctx)) -> CaseRead:
    return case_read(ctx, service.open_case(ctx, service.CaseInput(**body.model_dump())))


@router.get("/cases/{case_id}", response_model=CaseRead)
def get_case(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> CaseRead:
    ctx.actor.require(READ)
    return case_read(ctx, access_case(ctx.session, ctx.actor, case_id))


@router.patch("/cases/{case_id}", response_model=CaseRead)
def edit_case(case_id: int, body: CaseUpdate, ctx: Ctx = Depends(staff_ctx)) -> CaseRead:
    return case_read(ctx, service.update_case(ctx, case_id, body.model_dump(exclude_unset=True)))


@router.post("/cases/{case_id}/actions/{verb}", response_model=CaseRead)
def move_case(
    case_id: int, verb: str, body: CaseTransition | None = None, ctx: Ctx = Depends(staff_ctx)
) -> CaseRead:
    """confirm | close | reopen | discard (with `note`)."""
    body = body or CaseTransition()
    return case_read(ctx, service.transition(ctx, case_id, verb, body.note, body.classification))


@router.post("/cases/{case_id}/exposures", status_code=201)
def add_exposure(case_id: int, body: ExposureCreate, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    entry = service.add_exposure(ctx, case_id, service.ExposureInput(**body.model_dump()))
    return {"id": entry.id, "kind": entry.kind, "started_at": entry.started_at, "ended_at": entry.ended_at}


@router.get("/cases/{case_id}/timeline")
def case_timeline(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> list[dict[str, Any]]:
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    return [item.__dict__ for item in views.timeline(ctx, case)]


@router.get("/cases/{case_id}/proposals")
def case_proposals(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    """The contacts the rules propose now (household, groups, venue overlaps, transport), not stored:
    `{case_id, rule_edition, items: [{person_id, name, id_masked, jurisdiction_path, category, reason,
    detail, rule, venue_id, first_contact_at, last_contact_at, overlap_minutes}]}`. (Served by
    `fast.endpoint`, a hot path of the app ahead of the router; this route documents it and answers
    the same if it is ever reached.)"""
    return Response(fast.proposals_body(ctx, case_id), media_type="application/json")


@router.post("/cases/{case_id}/propose")
def store_proposals(case_id: int, ctx: Ctx = Depends(staff_ctx)) -> dict[str, int]:
    result = contacts.propose(ctx, case_id)
    return {"proposed": result.proposed, "updated": result.updated, "secondary": result.secondary}


@router.get("/cases/{case_id}/contacts")
def case_contacts(
    case_id: int,
    category: str = "",
    status: str = "",
    after: int | None = None,
    limit: int = 500,
    ctx: Ctx = Depends(staff_ctx),
) -> dict[str, Any]:
    """The stored contacts, by id, one keyset page at a time (pass `next_after` as `after`)."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    limit = max(1, min(limit, 2000))
    rows = views.contacts(ctx, case, category or None, status or None, after, limit + 1)
    audit.record(
        ctx, "tracing.case.contacts", "tracing_case", case.id, case.jurisdiction_path, count=len(rows)
    )
    more = len(rows) > limit
    return {"items": rows[:limit], "next_after": rows[limit - 1]["id"] if more else None}


@router.post("/cases/{case_id}/contacts", status_code=201)
def add_contact(case_id: int, body: ContactAdd, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    contact = contacts.add_contact(ctx, case_id, contacts.ManualContact(**body.model_dump()))
    return {"id": contact.id, "status": contact.status, "category": contact.category}


@router.post("/contacts/decide")
def decide(body: DecideBody, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """Bulk: confirm (and send) | dismiss | close | general | secondary (change the category)."""
    done = contacts.decide(ctx, body.ids, body.action, body.note)
    return {
        "done": len(done),
        "items": [{"id": c.id, "status": c.status, "category": c.category} for c in done],
    }


@router.get("/cases/{case_id}/requests")
def case_requests(
    case_id: int, after: int | None = None, limit: int = 500, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """Where each confirmed contact was sent, and the state of its request (the assignment's), by id,
    one keyset page at a time (pass `next_after` as `after`); `tallies`: the count in each state and
    how many are late, over all of the case's requests."""
    ctx.actor.require(READ)
    case = access_case(ctx.session, ctx.actor, case_id)
    limit = max(1, min(limit, 2000))
    rows = repository.requests_page(ctx.session, case.id, after, limit + 1)
    more = len(rows) > limit
    return {
        "items": views.requests(ctx, rows[:limit]),
        "next_after": rows[limit - 1].id if more else None,
        "tallies": views.request_tallies(ctx, case),
    }


@router.post("/clusters", status_code=201)
def create_cluster(body: ClusterCreate, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    cluster = service.create_cluster(ctx, body.name, body.setting, body.case_ids)
    return {"id": cluster.id, "name": cluster.name, "setting": cluster.setting}


def cluster_svg(ctx: Ctx, cluster_id: int) -> str:
    cluster = access_cluster(ctx.session, ctx.actor, cluster_id)
    cases = repository.cluster_cases(ctx.session, cluster.id)
    people = repository.persons_by_ids(ctx.session, [c.person_id for c in cases])
    nodes = [
        Node(
            c.id,
            c.code,
            f"{views.person_label(people.get(c.person_id))['name']} · {c.classification[:4]}",
            c.classification,
            c.infector_case_id,
            f"/tracing/cases/{c.id}",
        )
        for c in cases
    ]
    return render_svg(nodes, cluster.name)


@router.get("/clusters/{cluster_id}/graph.svg")
def cluster_graph(cluster_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    return Response(
        cluster_svg(ctx, cluster_id), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


@router.get("/metrics/under-control")
def under_control(days: int = 14, ctx: Ctx = Depends(staff_ctx)) -> list[dict[str, Any]]:
    """管控内发现率 per local day and district (district "*": the caller's whole scope)."""
    ctx.actor.require(READ)
    days = max(1, min(days, 90))
    rows = repository.found_by_counts(
        ctx.session, ctx.actor, ctx.now - timedelta(days=days), ctx.now + timedelta(seconds=1)
    )
    return [
        {
            "day": r.day,
            "district_path": r.district_path,
            "cases": r.cases,
            "under_control": r.under_control,
            "share": r.share,
        }
        for r in metrics.under_control_share(rows)
    ]
