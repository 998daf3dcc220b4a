"""Venue codes through the operator's pages: registrar declaration, create, posters, relabel, suspend,
reactivate, revoke; suspension when the venue closes or is sealed and reactivation when it reopens; the
registrar rule; and the walls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lianfang.checkins.codes import service as codes
from lianfang.checkins.models import Registrar, VenueCode
from lianfang.checkins.rules import Status
from lianfang.checkins.scans import ports as status
from lianfang.core.audit import AuditEntry
from lianfang.core.errors import Invalid
from lianfang.core.jobs import tick
from lianfang.venues import service as venues_service
from tests.factories.accounts import bearer, csrf_of, make_user, page_login
from tests.factories.checkins import make_place, scan_body, visitor
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number
from tests.factories.venues import make_venue


def _verbs(session, verb):
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.verb == verb)))


def test_operator_declares_creates_prints_and_manages_codes(ctx, client, session):
    city = make_city(ctx)
    community = city["110105001001"]
    venue = make_venue(ctx, community, name="华联超市")
    operator = make_user(ctx, "venue_operator", community)
    venues_service.assign_operator(ctx, venue.id, operator.id)
    number = valid_id_number()
    me = make_person(ctx, community, name="周登记", id_number=number)
    page_login(client, operator)
    hub = client.get("/checkins")
    assert hub.status_code == 200 and "华联超市" in hub.text
    page = f"/venues/{venue.id}/codes"
    assert "本人身份证号" in client.get(page).text
    token = csrf_of(client, page)

    no_registrar = client.post(page, data={"csrf_token": token, "label": "东门"})
    assert no_registrar.status_code == 422 and "登记员" in no_registrar.text
    bad = client.post(f"/venues/{venue.id}/registrar", data={"csrf_token": token, "id_number": "123"})
    assert bad.status_code == 422
    unknown = client.post(
        f"/venues/{venue.id}/registrar", data={"csrf_token": token, "id_number": valid_id_number()}
    )
    assert unknown.status_code == 422 and "查无此人" in unknown.text
    ok = client.post(
        f"/venues/{venue.id}/registrar",
        data={"csrf_token": token, "id_number": number},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert session.get(Registrar, operator.id).person_id == me.id
    assert "周*" in client.get(page).text and "未见异常" in client.get(page).text

    made = client.post(page, data={"csrf_token": token, "label": "东门"}, follow_redirects=False)
    assert made.status_code == 303
    client.post(page, data={"csrf_token": token, "label": "西门", "expires_at": "2099-01-01T08:00"})
    rows = list(
        session.scalars(select(VenueCode).where(VenueCode.venue_id == venue.id).order_by(VenueCode.id))
    )
    assert [c.label for c in rows] == ["东门", "西门"] and rows[0].registrar_person_id == me.id
    assert len(rows[0].token) >= 32 and rows[1].expires_at is not None
    assert len(_verbs(session, "venue_code.create")) == 2
    listing = client.get(page).text
    assert f"/s/{rows[0].token}" in listing and "东门" in listing

    pdf = client.get(f"/codes/{rows[0].id}/poster.pdf")
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and pdf.headers["content-type"] == "application/pdf"
    )
    png = client.get(f"/codes/{rows[0].id}/poster.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get(f"/codes/{rows[0].id}/poster.gif").status_code == 404

    code_id = rows[0].id
    client.post(f"/codes/{code_id}/label", data={"csrf_token": token, "value": "东门一号"})
    client.post(f"/codes/{code_id}/suspend", data={"csrf_token": token, "value": "门口施工"})
    session.expire_all()
    code = session.get(VenueCode, code_id)
    assert (code.label, code.status, code.suspended_reason, code.suspended_note) == (
        "东门一号",
        "suspended",
        "manual",
        "门口施工",
    )
    again = client.post(f"/codes/{code_id}/suspend", data={"csrf_token": token, "value": ""})
    assert again.status_code == 422
    client.post(f"/codes/{code_id}/reactivate", data={"csrf_token": token})
    client.post(f"/codes/{code_id}/revoke", data={"csrf_token": token})
    session.expire_all()
    assert session.get(VenueCode, code_id).status == "revoked"
    assert client.post(f"/codes/{code_id}/explode", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/codes/{code_id}/revoke", data={}).status_code == 403  # no form token
    for verb in ("venue_code.update", "venue_code.suspend", "venue_code.reactivate", "venue_code.revoke"):
        assert _verbs(session, verb), verb


def test_closing_or_sealing_suspends_codes_and_reopening_restores_them(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    manual = codes.create_code(place.as_operator(ctx, city["110105001001"]), place.venue.id, "后门")
    codes.suspend(place.as_operator(ctx, city["110105001001"]), manual.id, "坏了")
    person = visitor(ctx, city["110105001001"])
    bearer(client, place.operator)
    assert client.post("/api/scans", json=scan_body(place.code.token, person)).status_code == 201

    venues_service.change_status(ctx, place.venue.id, "sealed", "密接到访")
    session.expire_all()
    code = session.get(VenueCode, place.code.id)
    assert (code.status, code.suspended_reason) == ("suspended", "venue") and code.suspended_at is not None
    refused = client.post("/api/scans", json=scan_body(place.code.token, person))
    assert refused.status_code == 422
    by_short = client.post("/api/scans", json=scan_body(place.venue.code, person))
    assert by_short.status_code == 422  # the short code follows the venue's own status
    with pytest.raises(Invalid, match="not open"):
        codes.create_code(place.as_operator(ctx, city["110105001001"]), place.venue.id, "新门")

    venues_service.change_status(ctx, place.venue.id, "open", "")
    session.expire_all()
    assert session.get(VenueCode, place.code.id).status == "active"
    assert session.get(VenueCode, manual.id).status == "suspended"  # a manual suspension stays
    assert client.post("/api/scans", json=scan_body(place.code.token, person)).status_code == 201
    audits = _verbs(session, "venue_code.suspend") + _verbs(session, "venue_code.reactivate")
    assert {a.detail.get("cause") for a in audits} >= {"sealed", "open"}

    venues_service.change_status(ctx, place.venue.id, "closed", "装修")
    session.expire_all()
    assert session.get(VenueCode, place.code.id).suspended_reason == "venue"


class _Red:
    needs_session = True

    def __init__(self, red: set[int]) -> None:
        self.red = red

    def status_for_person(self, session, person_id, now):
        if person_id in self.red:
            return Status("red", "集中观察", "central observation")
        return Status("green", "未见异常", "no abnormality")


def test_a_registrar_turning_abnormal_suspends_their_codes(ctx, runtime, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    assert codes.check_registrars(ctx) == 0  # the neutral provider: nobody is abnormal
    provider = _Red({place.registrar.id})
    status.install(runtime, provider)
    session.commit()
    tick(runtime, {}, 1000.0, now=ctx.now + timedelta(minutes=1))  # the periodic check runs
    session.expire_all()
    code = session.get(VenueCode, place.code.id)
    assert (code.status, code.suspended_reason) == ("suspended", "registrar")
    as_operator = place.as_operator(ctx, city["110105001001"])
    with pytest.raises(Invalid) as refused:
        codes.create_code(as_operator, place.venue.id, "西门")
    assert "集中观察" in refused.value.problems[0].zh
    provider.red.clear()
    assert codes.check_registrars(ctx) == 1
    session.expire_all()
    assert session.get(VenueCode, place.code.id).status == "active"
    assert "registrar" in runtime.periodic["checkins.registrars"][1].__name__


def test_walls_between_venues_and_roles(ctx, client, new_client, session):
    city = make_city(ctx)
    mine = make_place(ctx, city["110105001001"])
    theirs = make_place(ctx, city["110108001001"])
    page_login(client, mine.operator)
    for path in (
        f"/venues/{theirs.venue.id}/codes",
        f"/venues/{theirs.venue.id}/scans",
        f"/codes/{theirs.code.id}/poster.pdf",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_of(client, f"/venues/{mine.venue.id}/codes")
    assert client.post(f"/codes/{theirs.code.id}/suspend", data={"csrf_token": token}).status_code == 404
    assert (
        client.post(f"/venues/{theirs.venue.id}/codes", data={"csrf_token": token, "label": "x"}).status_code
        == 404
    )
    worker = page_login(new_client(), make_user(ctx, "community_worker", city["110105001001"]))
    assert worker.get(f"/venues/{mine.venue.id}/codes").status_code == 200
    assert worker.get(f"/venues/{theirs.venue.id}/codes").status_code == 404
    wtoken = csrf_of(worker, f"/venues/{mine.venue.id}/codes")
    assert (
        worker.post(f"/venues/{mine.venue.id}/codes", data={"csrf_token": wtoken, "label": "x"}).status_code
        == 403
    )
    suspended = worker.post(
        f"/codes/{mine.code.id}/suspend", data={"csrf_token": wtoken, "value": "检查"}, follow_redirects=False
    )
    assert suspended.status_code == 303  # registry staff over the venue may suspend its codes
    auditor = page_login(new_client(), make_user(ctx, "auditor", city["110105001001"]))
    assert auditor.get(f"/venues/{mine.venue.id}/codes").status_code == 403
    assert auditor.get("/checkins").status_code == 403


def test_todays_scans_page(ctx, client, session):
    city = make_city(ctx)
    place = make_place(ctx, city["110105001001"])
    people = [visitor(ctx, city["110105001001"], name=f"吴{i}") for i in range(3)]
    api = bearer(client, place.operator)
    for person in people:
        assert api.post("/api/scans", json=scan_body(place.code.token, person)).status_code == 201
    del client.headers["Authorization"]
    page_login(client, place.operator)
    html = client.get(f"/venues/{place.venue.id}/scans").text
    assert html.count("吴*") == 3
    assert "当天没有扫码记录" in client.get(f"/venues/{place.venue.id}/scans?day=2020-01-01").text
    assert client.get(f"/venues/{place.venue.id}/scans?day=garbage").status_code == 200
