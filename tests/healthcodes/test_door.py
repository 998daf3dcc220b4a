"""At the venue door: a scan answers with the visitor's real code (colour, pop-ups, the alert), and a
registrar whose own code turns abnormal has their registers suspended."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lianfang.checkins.codes import service as codes
from lianfang.checkins.models import VenueCode
from lianfang.control import service as orders
from lianfang.control.service import OrderInput
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime
from tests.factories.accounts import bearer
from tests.factories.checkins import make_place, scan_body, visitor
from tests.factories.healthcodes import medicine_duty
from tests.factories.jurisdictions import make_city
from tests.factories.travel import days_ago


def test_a_scan_shows_the_order_colour_and_a_popup_as_an_alert(ctx: Ctx, client: TestClient) -> None:
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    quarantined = visitor(ctx, city["110105001001"], name="钱隔离")
    order = orders.issue_order(ctx, OrderInput(quarantined.id, "close", days_ago(ctx, 1), edition="bj2020"))
    flagged = visitor(ctx, city["110105001001"], name="孙弹窗")
    medicine_duty(ctx, flagged, hours_ago=1)
    device = bearer(client, place.operator)
    answer = device.post("/api/scans", json=scan_body(place.code.token, quarantined)).json()["status"]
    assert answer["colour"] == ("red" if order.kind == "centralised" else "yellow")
    assert answer["alert"] is True and answer["known"] is True
    popup = device.post("/api/scans", json=scan_body(place.code.token, flagged)).json()["status"]
    assert (popup["colour"], popup["popups"], popup["alert"]) == ("green", "4", True)
    assert "④" in popup["label_zh"]


def test_a_registrar_turning_abnormal_loses_the_register(ctx: Ctx, runtime: Runtime) -> None:
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    order = orders.issue_order(
        ctx, OrderInput(place.registrar.id, "close", days_ago(ctx, 1), edition="bj2020")
    )
    ctx.session.expire_all()
    code = ctx.session.get(VenueCode, place.code.id)
    assert code is not None and code.status == "suspended"  # at once, through the status change
    assert codes.check_registrars(ctx) == 0  # the periodic safety net finds nothing left to do
    orders.end_order(ctx, order, "released")
    ctx.session.expire_all()
    code = ctx.session.get(VenueCode, place.code.id)
    assert code is not None and code.status == "active"
