"""Violation pages (R23) and a unit's infections: recording with evidence, the law cited and the
disposition; the scoped, keyset-paged list; the unit's accountability record; the walls per role."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.enforcement.models import Attachment, UnitInfection, Violation
from lianfang.enforcement.violations.service import ViolationInput, record_violation
from tests.factories.accounts import csrf_of, page_login
from tests.factories.people import make_person, valid_id_number
from tests.factories.unithealth import make_unit_world

PNG = b"\x89PNG\r\n\x1a\n" + b"7" * 64


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _unit_form(token: str, unit_id: int, today: str, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "subject_type": "unit",
        "subject_id": str(unit_id),
        "category": "unit_duty_failure",
        "occurred_on": today,
        "facts": "食堂未落实分餐错峰",
        "law_code": "emergency_regulation",
        "law_article": "第二十一条",
    } | extra


def test_inspector_records_a_unit_violation_with_evidence_and_the_district_decides(
    ctx, client, new_client, session
):
    world = make_unit_world(ctx, students=1)
    today = local_date(ctx.now).isoformat()
    page_login(client, world.inspector)
    record_url = f"/enforcement/units/{world.school.id}/record"
    record = client.get(record_url)
    assert record.status_code == 200 and "登记违法违规行为" in record.text
    assert 'id="infection-form"' not in record.text  # infections are recorded by command staff
    form_url = f"/enforcement/violations/new?subject_type=unit&subject_id={world.school.id}"
    form = client.get(form_url)
    assert form.status_code == 200 and "法律依据" in form.text and 'name="disposition"' not in form.text
    token = csrf_of(client, form_url)

    bad = client.post(
        "/enforcement/violations", data=_unit_form(token, world.school.id, today, facts="", occurred_on="")
    )
    assert bad.status_code == 422 and "请填写发生日期" in bad.text
    wrong = client.post(
        "/enforcement/violations", data=_unit_form(token, world.school.id, today, category="hid_travel")
    )
    assert wrong.status_code == 422 and "该类型与当事方" in wrong.text
    not_a_photo = client.post(
        "/enforcement/violations",
        data=_unit_form(token, world.school.id, today),
        files={"evidence": ("note.txt", b"text", "text/plain")},
    )
    assert not_a_photo.status_code == 422 and "只接受照片" in not_a_photo.text
    assert _count(session, Violation) == 0  # a rejected file leaves no half-recorded violation

    saved = client.post(
        "/enforcement/violations",
        data=_unit_form(token, world.school.id, today),
        files={"evidence": ("canteen.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    violation = session.scalar(select(Violation))
    assert violation is not None and saved.headers["location"] == f"/enforcement/violations/{violation.id}"
    assert (violation.unit_id, violation.state, violation.law_code) == (
        world.school.id,
        "recorded",
        "emergency_regulation",
    )
    assert _count(session, Attachment, Attachment.subject_type == "violation") == 1
    detail = client.get(saved.headers["location"])
    assert (
        "canteen.png" in detail.text and "待处理" in detail.text and 'id="decision-form"' not in detail.text
    )
    more = client.post(
        f"/enforcement/violations/{violation.id}/evidence",
        data={"csrf_token": token},
        files={"file": ("receipt.png", PNG + b"2", "image/png")},
        follow_redirects=False,
    )
    assert more.status_code == 303
    empty = client.post(
        f"/enforcement/violations/{violation.id}/evidence",
        data={"csrf_token": token},
        files={"file": ("empty.png", b"", "image/png")},
    )
    assert empty.status_code == 422 and "附件为空" in empty.text
    assert _count(session, Attachment, Attachment.subject_id == violation.id) == 2

    district = new_client()
    page_login(district, world.district)
    dtoken = csrf_of(district, saved.headers["location"])
    decided = district.post(
        f"/enforcement/violations/{violation.id}/decision",
        data={"csrf_token": dtoken, "disposition": "interview", "note": "约谈校长"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    session.refresh(violation)
    assert violation.state == "decided" and violation.decided_by_user_id == world.district.id
    assert "约谈" in district.get(saved.headers["location"]).text
    closed = district.get("/enforcement/violations?state=decided")
    assert "建外第一小学" in closed.text and "未结：待处理" in closed.text
    assert "建外第一小学" not in district.get("/enforcement/violations?state=recorded").text
    assert "建外第一小学" in district.get(f"/enforcement/violations?unit_id={world.school.id}").text
    account = district.get(record_url)
    assert "约谈" in account.text and "尚未" in account.text  # not a zero-infection unit: a violation


def test_command_records_a_person_by_identity_number_and_decides_at_once(ctx, client, session):
    world = make_unit_world(ctx, students=1)
    number = valid_id_number()
    person = make_person(ctx, world.city["110105001001"], name="李四", id_number=number)
    page_login(client, world.district)
    form = client.get("/enforcement/violations/new")
    assert form.status_code == 200 and "稍后处理" in form.text
    token = csrf_of(client, "/enforcement/violations/new")
    data = {
        "csrf_token": token,
        "subject_type": "person",
        "id_number": number.lower(),
        "category": "hid_travel",
        "occurred_on": local_date(ctx.now).isoformat(),
        "facts": "隐瞒中风险地区旅居史",
        "law_code": "infectious_disease_law",
        "disposition": "warning",
        "disposition_note": "当场警告",
    }
    unknown = client.post("/enforcement/violations", data=data | {"id_number": valid_id_number()})
    assert unknown.status_code == 422 and "登记册中没有此证件号码" in unknown.text
    unfit = client.post("/enforcement/violations", data=data | {"disposition": "accountability"})
    assert unfit.status_code == 422 and _count(session, Violation) == 0
    future = (local_date(ctx.now) + timedelta(days=1)).isoformat()
    late = client.post("/enforcement/violations", data=data | {"occurred_on": future})
    assert late.status_code == 422 and "发生日期不能晚于今天" in late.text
    saved = client.post("/enforcement/violations", data=data, follow_redirects=False)
    assert saved.status_code == 303
    violation = session.scalar(select(Violation).where(Violation.person_id == person.id))
    assert violation is not None and violation.state == "decided" and violation.disposition == "warning"
    assert violation.decided_by_label and violation.decided_by_label == violation.recorded_by_label
    verbs = set(session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_id == str(violation.id))))
    assert {"enforcement.violation.recorded", "enforcement.violation.decided"} <= verbs
    assert "当场警告" in client.get(saved.headers["location"]).text


def test_the_list_is_keyset_paged_and_scoped(ctx, client, new_client, runtime, monkeypatch):
    monkeypatch.setattr(runtime.settings, "page_size", 2)
    world = make_unit_world(ctx, students=1)
    today = local_date(ctx.now)
    for teacher in world.teachers:
        data = ViolationInput(
            "person", teacher.id, "hid_contact", "隐瞒密接史", today, "emergency_regulation"
        )
        record_violation(ctx, data)
    record_violation(
        ctx,
        ViolationInput("unit", world.school.id, "unit_duty_failure", "未测温", today, "emergency_regulation"),
    )
    record_violation(
        ctx,
        ViolationInput(
            "unit", world.other_unit.id, "unit_duty_failure", "海淀", today, "emergency_regulation"
        ),
    )
    page_login(client, world.inspector)
    first = client.get("/enforcement/violations?state=recorded")
    assert first.status_code == 200 and "王老师0" in first.text and "下一页" in first.text
    assert "中关村科技公司" not in first.text
    second = client.get(first.text.split('class="pager"><a href="')[1].split('"')[0].replace("&amp;", "&"))
    assert "建外第一小学" in second.text and "王老师0" not in second.text and "下一页" not in second.text
    other = new_client()
    page_login(other, world.other_district)
    theirs = other.get("/enforcement/violations")
    assert "中关村科技公司" in theirs.text and "建外第一小学" not in theirs.text


def test_walls_and_infections_on_the_unit_record(ctx, client, new_client, session):
    world = make_unit_world(ctx, students=1)
    today = local_date(ctx.now).isoformat()
    violation = record_violation(
        ctx,
        ViolationInput(
            "unit",
            world.school.id,
            "unit_duty_failure",
            "未测温",
            local_date(ctx.now),
            "emergency_regulation",
        ),
    )
    vurl = f"/enforcement/violations/{violation.id}"
    record_url = f"/enforcement/units/{world.school.id}/record"

    other = new_client()
    page_login(other, world.other_district)
    otoken = csrf_of(other, "/enforcement/violations/new")
    assert other.get(vurl).status_code == 404
    assert other.get(record_url).status_code == 404
    assert (
        other.post("/enforcement/violations", data=_unit_form(otoken, world.school.id, today)).status_code
        == 404
    )
    outside = other.post(
        f"{vurl}/evidence", data={"csrf_token": otoken}, files={"file": ("p.png", PNG, "image/png")}
    )
    assert outside.status_code == 404
    infected = other.post(f"/enforcement/units/{world.school.id}/infections", data={"csrf_token": otoken})
    assert infected.status_code == 404
    assert _count(session, Violation) == 1 and _count(session, Attachment) == 0

    officer = new_client()
    page_login(officer, world.officer)
    assert officer.get("/enforcement/violations").status_code == 403
    assert officer.get("/enforcement/violations/new").status_code == 403
    own = officer.get(record_url)
    assert own.status_code == 200 and "未测温" not in own.text and 'id="unit-violations"' not in own.text

    inspector = new_client()
    page_login(inspector, world.inspector)
    itoken = csrf_of(inspector, record_url)
    refused = inspector.post(f"/enforcement/units/{world.school.id}/infections", data={"csrf_token": itoken})
    assert refused.status_code == 403

    page_login(client, world.district)
    token = csrf_of(client, record_url)
    assert 'id="infection-form"' in client.get(record_url).text
    future = (local_date(ctx.now) + timedelta(days=1)).isoformat()
    bad = client.post(
        f"/enforcement/units/{world.school.id}/infections", data={"csrf_token": token, "reported_on": future}
    )
    assert bad.status_code == 422 and "日期不能晚于今天" in bad.text
    done = client.post(
        f"/enforcement/units/{world.school.id}/infections",
        data={"csrf_token": token, "reported_on": today, "note": "一名教师确诊"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("#infections")
    assert _count(session, UnitInfection, UnitInfection.unit_id == world.school.id) == 1
    account = client.get(record_url)
    assert "一名教师确诊" in account.text and "有1例感染" in account.text
    assert f"/enforcement/units/{world.school.id}/record" in client.get(f"/units/{world.school.id}").text
