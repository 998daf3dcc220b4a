"""CSV/Excel export of the supply overview: the goods table and the day's alerts, with the page's day and
the actor's scope, audited once per export, refused without `supply.read`."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from tests.factories.accounts import bearer, make_user, page_login
from tests.factories.exports import csv_rows
from tests.factories.jurisdictions import make_city
from tests.factories.venues import make_venue


def _report(api, venue, day, **goods):
    items = [{"good": g, "stock": s, "sold": d, "price": p} for g, (s, d, p) in goods.items()]
    answer = api.post(
        "/api/supply/reports", json={"venue_id": venue.id, "day": day.isoformat(), "items": items}
    )
    assert answer.status_code in (200, 201), answer.text


def test_supply_overview_export(ctx, client, new_client, session):
    city = make_city(ctx)
    shop = make_venue(ctx, city["110105001001"], "保供超市")
    far = make_venue(ctx, city["110108001001"], "海淀市场", kind="market")
    today = local_date(ctx.now)
    office = bearer(new_client(), make_user(ctx, "city_command", city["110000"]))
    _report(office, shop, today, rice=(1000, 100, 5.2), pork=(150, 100, 26))
    _report(office, far, today, rice=(10, 100, 6.0))  # Haidian: low on rice, outside Chaoyang

    web = page_login(client, make_user(ctx, "district_command", city["110105"]))
    page = web.get(f"/supply?day={today.isoformat()}").text
    assert f"/supply/export?day={today.isoformat()}&amp;table=alerts&amp;format=csv" in page

    goods = {r["good"]: r for r in csv_rows(web.get("/supply/export?format=csv"))}
    assert goods["rice"]["outlets"] == "1" and float(goods["rice"]["stock"]) == 1000  # Haidian's 10 absent
    assert goods["rice"]["mean_price_yuan"] == "5.2" and goods["pork"]["name"] == "猪肉"
    assert goods["milk"]["outlets"] == "0" and goods["milk"]["mean_price_yuan"] == ""

    alerts = csv_rows(web.get("/supply/export?format=csv&table=alerts"))
    assert [(r["outlet"], r["good"], r["kind"]) for r in alerts] == [("保供超市", "pork", "low_stock")]
    assert "海淀市场" not in {r["outlet"] for r in alerts}
    yesterday = (today - timedelta(days=1)).isoformat()
    assert csv_rows(web.get(f"/supply/export?format=csv&table=alerts&day={yesterday}")) == []

    book = load_workbook(
        io.BytesIO(web.get("/supply/export?format=xlsx&table=alerts").content), read_only=True
    )
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert table[0][3] == "outlet" and len(table) == 2 and table[1][3] == "保供超市"

    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "supply.alerts.export")))
    assert len(entries) == 3 and entries[0].detail["rows"] == 1 and entries[0].detail["table"] == "alerts"
    assert session.scalar(select(AuditEntry).where(AuditEntry.verb == "supply.goods.export")) is not None

    operator = page_login(new_client(), make_user(ctx, "venue_operator", city["110105001001"]))
    assert operator.get("/supply/export?format=csv").status_code == 403  # reports, but does not read
    auditor = page_login(new_client(), make_user(ctx, "auditor", city["110000"]))
    assert auditor.get("/supply/export?format=csv&table=alerts").status_code == 403
