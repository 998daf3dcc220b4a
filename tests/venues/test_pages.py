"""Venue pages end to end: every page renders, every form posts (with CSRF) and changes the database."""

from __future__ import annotations

import re

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.venues import service
from lianfang.venues.models import Venue
from tests.factories.accounts import csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.venues import make_venue


def _signed_in(ctx, client, role="community_worker", home="110105001"):
    city = make_city(ctx)
    user = make_user(ctx, role, city[home])
    page_login(client, user)
    return city, user


def test_list_filters_and_pager(ctx, client, runtime, monkeypatch):
    city, _ = _signed_in(ctx, client)
    monkeypatch.setattr(runtime.settings, "page_size", 2)
    for i in range(3):
        make_venue(ctx, city["110105001001"], name=f"建外店{i}", kind="restaurant")
    page = client.get("/venues?kind=restaurant")
    assert page.status_code == 200 and "建外店1" in page.text and "建外店2" not in page.text
    assert 'name="venue_ids"' in page.text and "关闭所选场所" in page.text
    link = re.search(r'href="(/venues\?[^"]*after=\d+)"', page.text)
    assert link is not None and "community_id" not in link.group(1)
    assert "建外店2" in client.get(link.group(1).replace("&amp;", "&")).text
    assert "Close the selected venues" in client.get("/venues?lang=en").text
    client.get("/venues?lang=zh_CN")


def test_register_edit_and_view(ctx, client, session):
    city, _ = _signed_in(ctx, client)
    token = csrf_of(client, "/venues/new")
    community = city["110105001002"]
    form = {
        "csrf_token": token,
        "name": "光华里网吧",
        "kind": "internet_cafe",
        "community_id": str(community.id),
    }
    made = client.post(
        "/venues/new", data=form | {"address": "光华路1号", "capacity": "40"}, follow_redirects=False
    )
    assert made.status_code == 303
    venue = session.scalar(select(Venue).where(Venue.name == "光华里网吧"))
    assert venue is not None and venue.capacity == 40
    view = client.get(f"/venues/{venue.id}")
    assert venue.code in view.text and "小型密闭场所" in view.text and "150" in view.text
    bad = client.post("/venues/new", data=form | {"capacity": "lots"})
    assert bad.status_code == 422 and "应为整数" in bad.text
    twin = client.post("/venues/new", data=form | {"address": "光华路1号"})
    assert twin.status_code == 422 and venue.code in twin.text
    edit = {
        "csrf_token": token,
        "name": "光华里网咖",
        "kind": "internet_cafe",
        "community_id": str(community.id),
    }
    assert client.post(f"/venues/{venue.id}", data=edit, follow_redirects=False).status_code == 303
    assert client.post(f"/venues/{venue.id}", data=edit | {"unit_id": "987654"}).status_code == 422
    session.expire_all()
    assert session.get(Venue, venue.id).name == "光华里网咖"


def test_status_and_operator_forms(ctx, client, session, new_client):
    city, _ = _signed_in(ctx, client)
    venue = make_venue(ctx, city["110105001001"], kind="ktv", name="欢唱KTV")
    token = csrf_of(client, f"/venues/{venue.id}")
    missing = client.post(f"/venues/{venue.id}/status", data={"csrf_token": token, "status": "sealed"})
    assert missing.status_code == 422 and "请填写原因" in missing.text
    sealed = client.post(
        f"/venues/{venue.id}/status",
        data={"csrf_token": token, "status": "sealed", "reason": "密接到访"},
        follow_redirects=False,
    )
    assert sealed.status_code == 303
    view = client.get(f"/venues/{venue.id}")
    assert "封闭管控" in view.text and "密接到访" in view.text and "由属地设置" in view.text
    operator = make_user(ctx, "venue_operator", city["110105001001"], username="ktv-op")
    assign = {"csrf_token": token, "username": "ktv-op"}
    assigned = client.post(f"/venues/{venue.id}/operator", data=assign, follow_redirects=False)
    assert assigned.status_code == 303
    unknown = client.post(f"/venues/{venue.id}/operator", data={"csrf_token": token, "username": "ghost"})
    assert unknown.status_code == 422 and "找不到该账号" in unknown.text
    op = page_login(new_client(), operator)
    own = op.get(f"/venues/{venue.id}")
    assert own.status_code == 200 and "只有属地工作人员可以更改" in own.text
    assert "欢唱KTV" in op.get("/venues").text and 'name="venue_ids"' not in op.get("/venues").text
    op_token = csrf_of(op, f"/venues/{venue.id}")
    refused = op.post(f"/venues/{venue.id}/status", data={"csrf_token": op_token, "status": "open"})
    assert refused.status_code == 422
    assert op.get("/venues/new").status_code == 403
    clear = {"csrf_token": token, "username": ""}
    assert client.post(f"/venues/{venue.id}/operator", data=clear, follow_redirects=False).status_code == 303
    session.expire_all()
    assert session.get(Venue, venue.id).operator_user_id is None


def test_bulk_close_and_reopen(ctx, client, session):
    city, _ = _signed_in(ctx, client)
    venues = [make_venue(ctx, city["110105001001"], kind="chess_card_room") for _ in range(3)]
    outside = make_venue(ctx, city["110108001001"])
    token = csrf_of(client, "/venues")
    ids = [str(v.id) for v in venues[:2]]
    form = {"csrf_token": token, "venue_ids": ids, "status": "closed", "reason": "棋牌室暂停营业"}
    done = client.post("/venues/bulk-status", data=form, follow_redirects=False)
    assert done.status_code == 303 and "changed=2" in done.headers["location"]
    notice = client.get(done.headers["location"])
    assert "已更改状态" in notice.text
    session.expire_all()
    assert [session.get(Venue, v.id).status for v in venues] == ["closed", "closed", "open"]
    no_reason = client.post("/venues/bulk-status", data=form | {"reason": ""})
    assert no_reason.status_code == 422 and "请填写原因" in no_reason.text
    nothing = client.post(
        "/venues/bulk-status", data={"csrf_token": token, "status": "closed", "reason": "r"}
    )
    assert nothing.status_code == 422 and "至少选择" in nothing.text
    mixed = form | {"venue_ids": [str(venues[2].id), str(outside.id)]}
    assert client.post("/venues/bulk-status", data=mixed).status_code == 404
    session.expire_all()
    assert session.get(Venue, venues[2].id).status == "open"
    reopen = form | {"status": "open", "reason": ""}
    assert client.post("/venues/bulk-status", data=reopen, follow_redirects=False).status_code == 303
    session.expire_all()
    assert {session.get(Venue, v.id).status for v in venues} == {"open"}
    assert len(list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "venue.bulk_status")))) == 2


def test_import_page(ctx, client, session):
    _signed_in(ctx, client)
    page = client.get("/venues/import")
    assert page.status_code == 200 and "导入场所" in page.text
    token = csrf_of(client, "/venues/import")
    rows = ["页面超市,supermarket,110105001001,一号", "坏,castle,110105001001,二号"]
    body = "name,kind,community_code,address\n" + "\n".join(rows) + "\n"
    files = {"file": ("v.csv", body.encode())}
    dry = client.post("/venues/import", data={"csrf_token": token, "dry_run": "true"}, files=files)
    assert dry.status_code == 200 and "检查结果" in dry.text and session.scalar(select(Venue)) is None
    done = client.post("/venues/import", data={"csrf_token": token}, files=files)
    assert done.status_code == 200 and "第3行" in done.text and "castle" in done.text
    assert session.scalar(select(Venue).where(Venue.name == "页面超市")) is not None
    broken = client.post("/venues/import", data={"csrf_token": token}, files={"file": ("v.doc", b"x")})
    assert broken.status_code == 422


def test_operator_without_venues_sees_an_empty_list(ctx, client):
    city, operator = _signed_in(ctx, client, "venue_operator", "110105001001")
    make_venue(ctx, city["110105001001"], name="别人的店")
    page = client.get("/venues")
    assert page.status_code == 200 and "别人的店" not in page.text and "未找到场所" in page.text
    service.assign_operator(ctx, make_venue(ctx, city["110105001001"], name="自己的店").id, operator.id)
    ctx.session.flush()
    assert "自己的店" in client.get("/venues").text
