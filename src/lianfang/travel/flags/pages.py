"""The community worker's flag list with bulk verification and its export."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.web import (
    apply_selection,
    check_csrf,
    export_download,
    keyset_batches,
    render,
    staff_ctx,
)
from lianfang.people.rules import mask_name
from lianfang.travel import access, repository
from lianfang.travel.flags import service as flags
from lianfang.travel.pages import page_link

router = APIRouter(include_in_schema=False)


# ---- Staff ---------------------------------------------------------------------------------------------
def _flags(
    request: Request,
    ctx: Ctx,
    state: str,
    after: int | None,
    problems: list[Problem] | None = None,
    status: int = 200,
    verified: int = 0,
) -> Response:
    ctx.actor.require(access.READ)
    size = ctx.settings.page_size
    rows = repository.flags_page(
        ctx.session, ctx.actor, repository.ListFilter(state=state or None), after, size + 1
    )
    shown = rows[:size]
    people = {p.id: p for p in repository.persons_by_ids(ctx.session, [f.person_id for f in shown])}
    return render(
        request,
        "travel/flags.html",
        status_code=status,
        rows=shown,
        people=people,
        names=repository.place_names(ctx.session, [f.place_code for f in shown]),
        state=state,
        next_url=page_link("/travel/flags", list(rows), size, state=state),
        problems=problems or [],
        verified=verified,
    )


@router.get("/travel/flags")
def flags_page(
    request: Request, state: str = "open", after: int | None = None, ctx: Ctx = Depends(staff_ctx)
) -> Response:
    """Pop-up ① in the worker's jurisdiction: who to contact, verify and test."""
    return _flags(request, ctx, state, after)


FLAG_COLUMNS = (
    "id",
    "name",
    "id_masked",
    "phone_masked",
    "place_code",
    "place",
    "last_day",
    "in_city",
    "expires_on",
    "state",
)


@router.get("/travel/flags/export")
def flags_export(format: str = "csv", state: str = "open", ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Pop-up ① as the list shows it (state filter, the actor's scope), names and numbers masked."""
    ctx.actor.require(access.READ)
    where = repository.ListFilter(state=state or None)
    batches = keyset_batches(
        lambda after, n: repository.flags_page(ctx.session, ctx.actor, where, after, n), lambda f: f.id
    )

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            people = {p.id: p for p in repository.persons_by_ids(ctx.session, [f.person_id for f in batch])}
            names = repository.place_names(ctx.session, [f.place_code for f in batch])
            for f in batch:
                p = people.get(f.person_id)
                who = [mask_name(p.name), p.id_masked, p.phone_masked or ""] if p else ["", "", ""]
                last = f.last_day.isoformat() if f.last_day.year < 9999 else ""
                where_ = [f.place_code, names.get(f.place_code, f.place_code), last, int(f.in_city)]
                yield [f.id, *who, *where_, f.expires_on.isoformat() if f.expires_on else "", f.state]

    return export_download(
        ctx, format, "travel-flags", FLAG_COLUMNS, lines(), "travel.flag.export", "travel_flag", state=state
    )


@router.post("/travel/flags/verify", dependencies=[Depends(check_csrf)])
def flags_verify(
    request: Request,
    flag_ids: list[str] = Form(default=[]),
    note: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    return apply_selection(
        ctx,
        flag_ids,
        lambda chosen: flags.verify_flags(ctx, chosen, note),
        again=lambda problems: _flags(request, ctx, "open", None, problems, 422),
        done=lambda verified: _flags(request, ctx, "open", None, verified=len(verified)),
        field="flag_ids",
    )
