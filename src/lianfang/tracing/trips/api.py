"""JSON API of carriers' manifests: import with a per-row report, the trips imported, a case's trips."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, UploadFile

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.web import read_upload, staff_ctx
from lianfang.tracing import rules
from lianfang.tracing.access import READ, access_case
from lianfang.tracing.cases import service
from lianfang.tracing.models import TracingTrip
from lianfang.tracing.trips import imports as manifests
from lianfang.tracing.trips import views as trips

router = APIRouter(prefix="/api/tracing", tags=["tracing"])


def trip_dict(t: TracingTrip, counts: dict[int, tuple[int, int]]) -> dict[str, Any]:
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


@router.post("/manifests")
def import_manifest(
    file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> dict[str, object]:
    """A carrier's passenger manifest (CSV or Excel): a per-row report; re-running creates nothing new."""
    return manifests.import_manifest(
        ctx, file.filename or "manifest.csv", read_upload(file), dry_run
    ).as_dict()


@router.get("/manifests")
def list_trips(after: int | None = None, limit: int = 50, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """Trips imported in the caller's jurisdiction, newest first (keyset: pass `next_after` as `after`)."""
    ctx.actor.require(READ)
    limit = max(1, min(limit, 500))
    rows = trips.trips_page(ctx.session, ctx.actor, after, limit + 1)
    counts = trips.passenger_counts(ctx.session, [t.id for t in rows[:limit]])
    return {
        "items": [trip_dict(t, counts) for t in rows[:limit]],
        "next_after": rows[limit - 1].id if len(rows) > limit else None,
    }


@router.get("/cases/{case_id}/trips")
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
                **trip_dict(ct.trip, {}),
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
