"""The command lists as the pages and their CSV / Excel exports read them: meetings, work groups,
incidents and forces. Each list is one scoped keyset query (`fetch(key, limit)`, newest first where the
page is) shared by its page and its export, so an export has exactly the page's filters and scope."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from lianfang.command import repository, rules
from lianfang.command.access import MANAGE, READ
from lianfang.command.models import Force, Incident, Meeting, Mission
from lianfang.core.clock import to_local
from lianfang.core.context import Ctx
from lianfang.core.web import export_download, keyset_batches, staff_ctx
from lianfang.jurisdictions.models import Jurisdiction

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
Fetch = Callable[[int | None, int], Sequence[T]]


def _when(moment: datetime | None) -> str:
    return to_local(moment).isoformat(timespec="minutes") if moment else ""


def meetings_list(ctx: Ctx) -> Fetch[Meeting]:
    ctx.actor.require(MANAGE)
    return lambda before, n: repository.meetings_page(ctx.session, before, n)


def missions_list(ctx: Ctx) -> Fetch[Mission]:
    ctx.actor.require(READ)
    return lambda before, n: repository.missions_page(ctx.session, ctx.actor, before, n)


def incidents_list(ctx: Ctx) -> Fetch[Incident]:
    ctx.actor.require(READ)
    return lambda before, n: repository.incidents_page(ctx.session, ctx.actor, None, before, n)


def forces_list(ctx: Ctx, kind: str) -> Fetch[Force]:
    ctx.actor.require(READ)
    return lambda after, n: repository.forces_page(ctx.session, ctx.actor, kind or None, None, after, n)


def _places(ctx: Ctx, ids: list[int]) -> dict[int, Jurisdiction]:
    return repository.jurisdictions_by_ids(ctx.session, ids)


@router.get("/command/meetings/export")
def meetings_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = meetings_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda m: m.id):
            for m in batch:
                yield [m.id, _when(m.held_at), m.title, m.number, m.chair, m.summary]

    columns = ["id", "held_at", "meeting", "number", "chair", "summary"]
    return export_download(
        ctx, format, "command-meetings", columns, lines(), "command.meeting.export", "meeting"
    )


@router.get("/command/missions/export")
def missions_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = missions_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda m: m.id):
            places = _places(ctx, [m.jurisdiction_id for m in batch])
            for m in batch:
                where = places[m.jurisdiction_id].name if m.jurisdiction_id in places else ""
                yield [
                    m.id,
                    _when(m.sent_at),
                    where,
                    m.purpose,
                    m.leader_name,
                    m.members,
                    _when(m.returned_at),
                ]

    columns = ["id", "sent_at", "district", "purpose", "leader", "members", "returned_at"]
    return export_download(
        ctx, format, "command-missions", columns, lines(), "command.mission.export", "mission"
    )


@router.get("/command/incidents/export")
def incidents_export(format: str = "csv", ctx: Ctx = Depends(staff_ctx)) -> Response:
    fetch = incidents_list(ctx)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda i: i.id):
            places = _places(ctx, [i.jurisdiction_id for i in batch])
            for i in batch:
                where = places[i.jurisdiction_id].name if i.jurisdiction_id in places else ""
                when = [_when(i.occurred_at), _when(i.reported_at)]
                yield [i.id, *when, where, i.place, i.summary, i.measures, i.state, _when(i.next_followup_at)]

    columns = ["id", "occurred_at", "reported_at", "district", "place", "summary", "measures", "state"]
    return export_download(
        ctx,
        format,
        "command-incidents",
        [*columns, "next_followup_at"],
        lines(),
        "command.incident.export",
        "incident",
    )


@router.get("/command/forces/export")
def forces_export(format: str = "csv", kind: str = "", ctx: Ctx = Depends(staff_ctx)) -> Response:
    kind = kind if kind in rules.FORCE_KINDS else ""
    fetch = forces_list(ctx, kind)

    def lines() -> Iterator[list[object]]:
        for batch in keyset_batches(fetch, lambda f: f.id):
            places = _places(ctx, [f.jurisdiction_id for f in batch])
            for f in batch:
                where = places[f.jurisdiction_id].name if f.jurisdiction_id in places else ""
                yield [f.id, f.name, f.kind, f.size, f.leader_name, where]

    columns = ["id", "team", "kind", "size", "leader", "working_in"]
    filters = {"kind": kind} if kind else {}
    return export_download(
        ctx, format, "command-forces", columns, lines(), "command.force.export", "force", **filters
    )
