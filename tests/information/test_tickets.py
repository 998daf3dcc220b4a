"""Hotline tickets: keyword suggestion, logging with a sealed phone, routing as an assignment to the
chosen jurisdiction with the class's deadline, reclassification moving the theme counts, walls,
pages and exports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.core.crypto import vault
from lianfang.core.tabular import read_table
from lianfang.information import rules
from lianfang.information.models import ThemeCount, Ticket
from tests.factories.accounts import bearer, csrf_of, page_login


def test_keyword_suggestions():
    assert rules.suggest_class("网传明天要封城，是真的吗？") == "rumour"
    assert rules.suggest_class("我要投诉社区工作人员态度差") == "complaint"
    assert rules.suggest_class("健康宝弹窗了，请帮忙解决") == "appeal"
    assert rules.suggest_class("请问核酸检测点几点开门") == "question"
    assert rules.suggest_class("") == "question"
    assert rules.suggest_theme("健康宝弹窗了") == "health_code"
    assert rules.suggest_theme("居家隔离买不到菜") == "isolation"
    assert rules.suggest_theme("天气不错") == "other"
    assert rules.is_popup("健康宝弹窗了", "health_code") and not rules.is_popup("核酸", "testing")


def test_log_route_and_reclassify(ctx, world, client, session):
    api = bearer(client, world.office)
    chaoyang = world.city["110105"]
    answer = api.post(
        "/api/information/tickets",
        json={
            "channel": "hotline",
            "text": "健康宝弹窗了，我没去过风险地区，请帮忙解决",
            "jurisdiction_id": chaoyang.id,
            "caller_name": "周先生",
            "caller_phone": "138 0013 8000",
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["ticket_class"] == body["suggested_class"] == "appeal" and body["theme"] == "health_code"
    assert body["healthcode_popup"] and body["caller_phone_masked"] == "138****8000"
    ticket = session.get(Ticket, body["id"])
    assert vault(ctx.settings).open(ticket.caller_phone_sealed) == "13800138000"
    item = session.get(Assignment, body["assignment_id"])
    assert item.owner_path == chaoyang.path and item.kind == "information.ticket"
    assert item.subject_id == str(ticket.id)
    assert abs(
        item.deadline - (ticket.created_at + timedelta(hours=rules.DEADLINE_HOURS["appeal"]))
    ) < timedelta(seconds=1)
    counts = {(c.ticket_class, c.theme): c.count for c in session.scalars(select(ThemeCount))}
    assert counts == {("appeal", "health_code"): 1}
    moved = api.post(
        f"/api/information/tickets/{ticket.id}/classify",
        json={"ticket_class": "complaint", "theme": "health_code"},
    )
    assert moved.status_code == 200 and moved.json()["ticket_class"] == "complaint"
    session.expire_all()
    counts = {(c.ticket_class, c.theme): c.count for c in session.scalars(select(ThemeCount))}
    assert counts == {("appeal", "health_code"): 0, ("complaint", "health_code"): 1}
    themes = api.get("/api/information/themes").json()
    assert [(t["ticket_class"], t["count"]) for t in themes] == [("complaint", 1)]
    bad = api.post(
        f"/api/information/tickets/{ticket.id}/classify", json={"ticket_class": "x", "theme": "other"}
    )
    assert bad.status_code == 422
    # the operator's choice wins over the suggestion; bad input writes nothing
    chosen = api.post(
        "/api/information/tickets",
        json={
            "text": "听说要封城",
            "jurisdiction_id": chaoyang.id,
            "ticket_class": "question",
            "theme": "other",
        },
    ).json()
    assert chosen["suggested_class"] == "rumour" and chosen["ticket_class"] == "question"
    before = session.scalars(select(Ticket.id)).all()
    invalid = api.post(
        "/api/information/tickets",
        json={"channel": "fax", "text": "", "caller_phone": "123", "jurisdiction_id": 999999},
    )
    assert invalid.status_code == 422
    fields = {p["field"] for p in invalid.json()["error"]["problems"]}
    assert fields == {"channel", "text", "caller_phone", "jurisdiction_id"}
    assert session.scalars(select(Ticket.id)).all() == before


def test_walls(ctx, world, client, new_client):
    office = bearer(client, world.office)
    haidian = world.city["110108"]
    made = office.post(
        "/api/information/tickets", json={"text": "请问核酸点在哪", "jurisdiction_id": haidian.id}
    ).json()
    chaoyang = bearer(new_client(), world.chaoyang)
    assert chaoyang.get(f"/api/information/tickets/{made['id']}").status_code == 404
    assert chaoyang.get("/api/information/tickets").json()["items"] == []
    # a district cannot route into another district
    other = chaoyang.post("/api/information/tickets", json={"text": "请问", "jurisdiction_id": haidian.id})
    assert other.status_code == 422
    assert (
        bearer(new_client(), world.haidian).get(f"/api/information/tickets/{made['id']}").status_code == 200
    )
    worker = bearer(new_client(), world.worker)
    assert worker.get("/api/information/tickets").status_code == 403
    assert (
        worker.post("/api/information/tickets", json={"text": "x", "jurisdiction_id": haidian.id}).status_code
        == 403
    )
    assert worker.get("/api/information/themes").status_code == 403


def test_ticket_pages_and_exports(ctx, world, client, session):
    page_login(client, world.chaoyang)
    form = client.get("/information/tickets/new")
    assert form.status_code == 200 and "/healthcodes/hotline" in form.text
    token = csrf_of(client, "/information/tickets/new")
    bad = client.post("/information/tickets", data={"csrf_token": token, "text": "", "jurisdiction_id": ""})
    assert bad.status_code == 422 and "jurisdiction_id" in bad.text
    street = world.city["110105001"]
    made = client.post(
        "/information/tickets",
        data={
            "csrf_token": token,
            "channel": "hotline",
            "text": "居家隔离期间买不到蔬菜，请帮忙",
            "jurisdiction_id": str(street.id),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    detail = client.get(made.headers["location"])
    assert detail.status_code == 200 and "买不到蔬菜" in detail.text and "/assignments/" in detail.text
    ticket = session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    assert ticket.jurisdiction_path == street.path and ticket.ticket_class == "appeal"
    moved = client.post(
        f"/information/tickets/{ticket.id}/classify",
        data={"csrf_token": token, "ticket_class": "complaint", "theme": "supplies"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    listing = client.get("/information/tickets?ticket_class=complaint")
    assert listing.status_code == 200 and "买不到蔬菜" in listing.text
    themes = client.get("/information/themes")
    assert themes.status_code == 200 and "生活物资" in themes.text and "朝阳区" in themes.text
    for fmt in ("csv", "xlsx"):
        answer = client.get(f"/information/tickets/export?fmt={fmt}")
        assert answer.status_code == 200
        rows = read_table(f"t.{fmt}", answer.content, ["id", "text"])
        assert [r.get("text") for r in rows] == ["居家隔离期间买不到蔬菜，请帮忙"]
        assert rows[0].get("ticket_class") == "complaint"
    api = client.get("/api/information/tickets/export?fmt=csv")
    assert api.status_code == 200 and "买不到蔬菜" in api.content.decode("utf-8-sig")
