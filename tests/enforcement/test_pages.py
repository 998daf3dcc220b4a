"""Enforcement pages: the inspector's desk and checklist form, an inspection with photo and the unit's
response, re-inspection, the unit record, closure orders, the event register and violations."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core.clock import local_date
from lianfang.enforcement.models import Finding, Inspection
from lianfang.enforcement.rules import CHECKLISTS
from lianfang.enforcement.violations.service import ViolationInput, record_violation
from tests.factories.accounts import csrf_of, page_login
from tests.factories.unithealth import make_unit_world

PNG = b"\x89PNG\r\n\x1a\n" + b"2" * 64


def test_inspect_respond_and_reinspect_through_pages(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=1)
    page_login(client, world.inspector)
    assert "待整改问题" in client.get("/enforcement").text
    form_url = f"/enforcement/inspect?target_type=unit&target_id={world.school.id}"
    page = client.get(form_url)
    assert page.status_code == 200 and "晨午检" in page.text
    token = csrf_of(client, form_url)
    data = {"csrf_token": token, "target_type": "unit", "target_id": str(world.school.id)}
    data |= {f"r_{code}": "pass" for code, _zh, _en in CHECKLISTS["school"]}
    failed = data | {"r_canteen": "fail", "f_canteen": "食堂未通风"}
    no_deadline = client.post("/enforcement/inspections", data=failed)
    assert no_deadline.status_code == 422 and "立行立改" in no_deadline.text
    saved = client.post("/enforcement/inspections", data=failed | {"s_canteen": "1"}, follow_redirects=False)
    assert saved.status_code == 303
    inspection = session.scalar(select(Inspection).order_by(Inspection.id.desc()))
    finding = session.scalar(select(Finding).where(Finding.inspection_id == inspection.id))
    detail = client.get(saved.headers["location"])
    assert "食堂未通风" in detail.text and "整改中" in detail.text
    photo = client.post(
        f"/enforcement/findings/{finding.id}/photos",
        data={"csrf_token": token},
        files={"file": ("p.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert photo.status_code == 303
    officer = new_client()
    page_login(officer, world.officer)
    otoken = csrf_of(officer, saved.headers["location"])
    answered = officer.post(
        f"/enforcement/findings/{finding.id}/response",
        data={"csrf_token": otoken, "response": "已通风"},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    re_url = f"/enforcement/inspections/{inspection.id}/reinspect"
    assert "已通风" in client.get(re_url).text
    redo = client.post(re_url, data=data | {f"v_{finding.id}": "rectified"}, follow_redirects=False)
    assert redo.status_code == 303
    record = officer.get(f"/enforcement/units/{world.school.id}/record")
    assert record.status_code == 200 and "“零感染”单位" in record.text


def test_closures_events_and_violations_pages(ctx, client, new_client):
    world = make_unit_world(ctx, students=1)
    page_login(client, world.district)
    token = csrf_of(client, "/enforcement/closures")
    closed = client.post(
        "/enforcement/closures",
        data={"csrf_token": token, "venue_kind": "chess_card_room", "reason": "暂停开放"},
        follow_redirects=False,
    )
    assert closed.status_code == 303 and "棋牌室" in client.get("/enforcement/closures").text
    again = client.post(
        "/enforcement/closures", data={"csrf_token": token, "venue_kind": "chess_card_room", "reason": "x"}
    )
    assert again.status_code == 409
    today = local_date(ctx.now).isoformat()
    made = client.post(
        "/enforcement/events",
        data={
            "csrf_token": token,
            "name": "科技论坛",
            "organiser": "区科委",
            "expected_size": "800",
            "planned_date": today,
        },
        follow_redirects=False,
    )
    assert made.status_code == 303 and "科技论坛" in client.get("/enforcement/events").text
    assert client.post("/enforcement/events", data={"csrf_token": token, "name": "x"}).status_code == 422
    violation = record_violation(
        ctx,
        ViolationInput(
            "person",
            world.teachers[0].id,
            "unreported_symptoms",
            "发热未报告",
            local_date(ctx.now),
            "emergency_regulation",
        ),
    )
    assert "发热未报告" not in client.get("/enforcement/violations").text
    assert "待处理" in client.get("/enforcement/violations?state=recorded").text
    vurl = f"/enforcement/violations/{violation.id}"
    assert "发热未报告" in client.get(vurl).text
    wrong = client.post(f"{vurl}/decision", data={"csrf_token": token, "disposition": "accountability"})
    assert wrong.status_code == 422
    done = client.post(
        f"{vurl}/decision", data={"csrf_token": token, "disposition": "education"}, follow_redirects=False
    )
    assert done.status_code == 303 and "批评教育" in client.get(vurl).text
    officer = new_client()
    page_login(officer, world.officer)
    assert officer.get(vurl).status_code == 403
    assert officer.get("/enforcement").status_code == 200
