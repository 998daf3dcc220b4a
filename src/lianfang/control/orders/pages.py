"""Pages of control orders: the per-community list with bulk actions, an order with its plan, reports,
changes and forms, and the printable order letters."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lianfang.control import repository, rules
from lianfang.control import service as orders
from lianfang.control.access import READ, access_order, orders_filter
from lianfang.control.models import ControlOrderChange, IsolationRoom, IsolationSite
from lianfang.control.monitoring import service as monitoring
from lianfang.control.orders import render as documents
from lianfang.control.pages import form_problems, people_by_id
from lianfang.control.sites import service as sites
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.core.web import check_csrf, export_download, keyset_batches, render, staff_ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.people.rules import mask_name

router = APIRouter(include_in_schema=False)


VIEWS = {
    "": ("全部", "All"),
    "release_due": ("到期待解除", "Releases due"),
    "missed": ("今日未报告", "No report today"),
}


def _list(
    request: Request, ctx: Ctx, f: repository.OrderFilter, after: int | None, **extra: object
) -> Response:
    ctx.actor.require(READ)
    size = ctx.settings.page_size
    query = repository.order_query(ctx.session, orders_filter(ctx.actor), f, orders.today(ctx))
    rows = repository.page(ctx.session, query, after, size)
    next_url = None
    if len(rows) > size:
        params = {k: v for k, v in vars(f).items() if v not in (None, "")} | {"after": rows[size - 1].id}
        next_url = "/control?" + urlencode(params)
    communities = (
        jurisdictions_repository.search(ctx.session, ctx.actor.scope_path, "", "community", 2000)
        if ctx.actor.scope_path
        else []
    )
    return render(
        request,
        "control/orders.html",
        status_code=int(str(extra.pop("status_code", 200))),
        rows=rows[:size],
        people=people_by_id(ctx, [o.person_id for o in rows[:size]]),
        f=f,
        views=VIEWS,
        kinds=rules.ORDER_KINDS,
        classes=rules.PERSON_CLASSES,
        communities=communities,
        next_url=next_url,
        problems=extra.pop("problems", []),
        done=extra.pop("done", None),
    )


@router.get("/control")
def orders_page(
    request: Request,
    community_id: int | None = None,
    status: str = "active",
    kind: str = "",
    person_class: str = "",
    team: str = "",
    view: str = "",
    after: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    f = repository.OrderFilter(community_id, status, kind, person_class, team, view)
    return _list(request, ctx, f, after)


ORDER_COLUMNS = (
    "id",
    "name",
    "id_masked",
    "person_class",
    "kind",
    "last_exposure_on",
    "ends_on",
    "team",
    "status",
)


@router.get("/control/export")
def orders_export(
    format: str = "csv",
    community_id: int | None = None,
    status: str = "active",
    kind: str = "",
    person_class: str = "",
    team: str = "",
    view: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """The order list with the page's filters, in the actor's scope; names and numbers masked."""
    ctx.actor.require(READ)
    f = repository.OrderFilter(community_id, status, kind, person_class, team, view)
    query = repository.order_query(ctx.session, orders_filter(ctx.actor), f, orders.today(ctx))
    batches = keyset_batches(lambda after, n: repository.page(ctx.session, query, after, n), lambda o: o.id)

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            people = people_by_id(ctx, [o.person_id for o in batch])
            for o in batch:
                p = people.get(o.person_id)
                who = [mask_name(p.name), p.id_masked] if p else ["", ""]
                when = [o.last_exposure_on.isoformat(), o.ends_on.isoformat()]
                yield [o.id, *who, o.person_class, o.kind, *when, o.team, o.status]

    filters = {k: v for k, v in vars(f).items() if v not in (None, "")}
    return export_download(
        ctx,
        format,
        "control-orders",
        ORDER_COLUMNS,
        lines(),
        "control.order.export",
        "control_order",
        **filters,
    )


@router.post("/control/bulk", dependencies=[Depends(check_csrf)])
def bulk_page(
    request: Request,
    ids: list[int] = Form(default=[]),
    action: str = Form(...),
    days: int = Form(0),
    reason: str = Form(""),
    team: str = Form(""),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    if action == "documents" and ids:
        query = urlencode([("ids", i) for i in ids])
        return RedirectResponse(f"/control/documents?{query}", status_code=303)
    try:
        result = orders.bulk(ctx, ids, action, days, reason, team)
    except DomainError as exc:
        ctx.session.rollback()
        return _list(
            request, ctx, repository.OrderFilter(), None, problems=form_problems(exc), status_code=422
        )
    return _list(request, ctx, repository.OrderFilter(), None, done=len(result.done))


@router.get("/control/documents")
def documents_page(request: Request, ids: list[int] = Query(...), ctx: Ctx = Depends(staff_ctx)) -> Response:
    """Print-ready letters for a selection (the same text as the PDF), one per page."""
    ctx.actor.require(READ)
    chosen = [access_order(ctx.session, ctx.actor, i) for i in ids[:500]]
    letters = [(o, documents.letter_lines(ctx, o)) for o in chosen]
    pdf_url = "/api/control/orders/documents.pdf?" + urlencode([("ids", i) for i in ids[:500]])
    return render(request, "control/documents.html", letters=letters, pdf_url=pdf_url)


def _order(
    request: Request, ctx: Ctx, order_id: int, problems: list[Problem] | None = None, status: int = 200
) -> Response:
    ctx.actor.require(READ)
    order = access_order(ctx.session, ctx.actor, order_id)
    changes = list(
        ctx.session.scalars(
            select(ControlOrderChange)
            .where(ControlOrderChange.order_id == order.id)
            .order_by(ControlOrderChange.id)
        )
    )
    room = ctx.session.get(IsolationRoom, order.room_id) if order.room_id else None
    site = ctx.session.get(IsolationSite, room.site_id) if room else None
    today = orders.today(ctx)
    plan = orders.plan_of(order)
    tests = [(d, rules.day_date(order.last_exposure_on, d)) for d in plan.test_days]
    capacity, _, _ = sites.capacity(ctx)
    return render(
        request,
        "control/order.html",
        status_code=status,
        order=order,
        person=orders.person_of(ctx, order),
        phase=rules.phase_on(plan, order.last_exposure_on, today),
        day=(today - order.last_exposure_on).days,
        tests=tests,
        today=today,
        results=orders.results_since(ctx, order.person_id, order.last_exposure_on),
        release_problems=orders.release_problems(ctx, order),
        reports=repository.reports_of(ctx.session, order.id),
        changes=changes,
        room=room,
        site=site,
        sites=[c for c in capacity if c.free > 0],
        kinds=rules.ORDER_KINDS,
        classes=rules.PERSON_CLASSES,
        given=rules.GIVEN_HOW,
        editions=rules.EDITION_NAMES,
        swabs=rules.SWABS,
        ends=rules.END_REASONS,
        problems=problems or [],
    )


@router.get("/control/orders/{order_id}")
def order_page(request: Request, order_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    return _order(request, ctx, order_id)


@router.post("/control/orders/{order_id}/{action}", dependencies=[Depends(check_csrf)])
def order_action(
    request: Request,
    order_id: int,
    action: str,
    temperature: str = Form(""),
    symptoms: str = Form(""),
    days: int = Form(0),
    reason: str = Form(""),
    given_how: str = Form("verbal"),
    delivered: bool = Form(False),
    work_prohibited: bool = Form(False),
    site_id: int | None = Form(None),
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    try:
        if action == "report":
            try:
                value = float(temperature) if temperature.strip() else None
            except ValueError:
                value = -1.0
            monitoring.record_report(ctx, order_id, value, symptoms)
        elif action == "days":
            orders.change_days(ctx, order_id, days, reason)
        elif action == "release":
            orders.release(ctx, order_id, reason)
        elif action == "delivery":
            orders.record_delivery(ctx, order_id, given_how, delivered, work_prohibited)
        elif action == "room":
            sites.assign_room(ctx, order_id, site_id=site_id)
        else:
            return Response(status_code=404)
    except DomainError as exc:
        ctx.session.rollback()
        return _order(request, ctx, order_id, form_problems(exc), 422 if exc.status == 422 else exc.status)
    return RedirectResponse(f"/control/orders/{order_id}", status_code=303)
