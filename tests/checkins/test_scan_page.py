"""The resident's scan page: sign in on the spot and come back, choose who is visiting, the status
screen (masked, big, with the alert for an abnormal status), refresh without a second visit, manual
entry, one's own recent scans, and the walls."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from lianfang.checkins.models import Scan
from lianfang.checkins.rules import Status
from lianfang.checkins.scans import ports as status
from lianfang.checkins.scans.views import forget_codes
from lianfang.core.crypto import vault
from lianfang.core.jobs import Job
from tests.factories.accounts import bearer, csrf_of, page_login
from tests.factories.checkins import make_place, scan_body, visitor
from tests.factories.jurisdictions import make_city


def _sms_code(session, settings):
    session.expire_all()
    job = session.scalar(select(Job).where(Job.kind == "sms.send").order_by(Job.id.desc()))
    return re.search(r"\d{6}", vault(settings).open(job.payload["text"])).group()


def _sign_in(client, session, settings, token, phone):
    sent = client.post(f"/s/{token}/signin", data={"phone": phone})
    assert sent.status_code == 200 and 'name="code"' in sent.text
    wrong = client.post(f"/s/{token}/signin", data={"phone": phone, "code": "000000"})
    assert wrong.status_code == 401
    done = client.post(
        f"/s/{token}/signin",
        data={"phone": phone, "code": _sms_code(session, settings)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/s/{token}"
    return client


def _scans(session, **where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Scan).filter_by(**where))


def test_scan_sign_in_choose_and_check_in(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    me = visitor(ctx, city["110105001001"], name="郑大勇", phone="13700001111")
    kid = visitor(ctx, city["110105001001"], name="郑小勇", phone="13700001111")
    url = f"/s/{place.code.token}"
    anonymous = client.get(url)
    assert anonymous.status_code == 200 and place.venue.name in anonymous.text and "/signin" in anonymous.text
    _sign_in(client, session, ctx.settings, place.code.token, "13700001111")
    page = client.get(url).text
    assert "郑**" in page and 'name="person_id"' in page and me.id_masked in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf_of(client, url), "person_id": str(kid.id), "key": key}
    shown = client.post(url, data=form)
    assert shown.status_code == 200, shown.text
    assert "郑**" in shown.text and place.venue.name in shown.text and "status-green" in shown.text
    assert "未见异常" in shown.text and "alert" not in re.search(r'class="status[^"]*"', shown.text).group()
    stored = session.scalar(select(Scan).where(Scan.person_id == kid.id))
    assert (stored.source, stored.venue_id, stored.code_id, stored.resident_id is not None) == (
        "page",
        place.venue.id,
        place.code.id,
        True,
    )
    refreshed = client.post(url, data=form)  # the browser re-submits the same form
    assert refreshed.status_code == 200 and "不会重复登记" in refreshed.text
    assert _scans(session, venue_id=place.venue.id) == 1
    assert (
        client.post(url, data={**form, "person_id": str(place.registrar.id), "key": "other"}).status_code
        == 404
    )
    assert client.post(url, data={"person_id": str(me.id), "key": "k2"}).status_code == 403  # no form token
    mine = client.get("/me/scans")
    assert mine.status_code == 200 and place.venue.name in mine.text and "郑*" in mine.text


def test_abnormal_status_is_shown_with_the_alert(ctx, runtime, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    person = visitor(ctx, city["110105001001"], name="冯红", phone="13700002222")

    class Red:
        needs_session = True

        def status_for_person(self, session, person_id, now):
            return Status("red", "集中观察", "central observation")

    status.install(runtime, Red())
    url = f"/s/{place.code.token}"
    _sign_in(client, session, ctx.settings, place.code.token, "13700002222")
    form = {"csrf_token": csrf_of(client, url), "person_id": str(person.id), "key": "page-red-1"}
    shown = client.post(url, data=form).text
    assert 'class="status status-red alert"' in shown and "集中观察" in shown
    assert "AudioContext" in shown and "770" in shown  # the two-tone ambulance call, no file, no CDN
    device = bearer(client, place.operator)
    answer = device.post("/api/scans", json=scan_body(place.code.token, person)).json()
    assert answer["status"] == {
        "colour": "red",
        "label": "集中观察",
        "label_zh": "集中观察",
        "label_en": "central observation",
        "alert": True,
        "known": True,
        "popups": "",
    }


def test_unavailable_codes_staff_and_people_without_records(ctx, client, new_client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    url = f"/s/{place.code.token}"
    assert client.get("/s/" + "z" * 32).status_code == 404
    staff = page_login(new_client(), place.operator)
    assert "工作人员账号不能扫码登记" in staff.get(url).text
    _sign_in(client, session, ctx.settings, place.code.token, "13700003333")  # no person under this phone
    assert "没有登记人员信息" in client.get(url).text
    place.code.status, place.code.suspended_at = "suspended", ctx.now - timedelta(minutes=1)
    ctx.session.flush()
    assert "停用" in client.get(url).text
    person = visitor(ctx, city["110105001001"], phone="13700003333")
    forget_codes(client.app.state.runtime.bus)
    refused = client.post(
        url, data={"csrf_token": csrf_of(client, url), "person_id": str(person.id), "key": "k-s"}
    )
    assert refused.status_code == 422 and "停用" in refused.text
    assert _scans(session) == 0


def test_manual_entry_of_the_venue_code(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    assert client.get("/s").status_code == 200
    found = client.post("/s", data={"code": place.venue.code.lower()}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/s/{place.code.token}"
    missing = client.post("/s", data={"code": "ZZZZZZZZ"})
    assert missing.status_code == 422 and "找不到" in missing.text
    assert client.get("/me/scans", follow_redirects=False).status_code in {303, 401}
