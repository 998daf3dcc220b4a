"""The code-check page at gates, venues and police checkpoints: each colour shown big with its action
(「红码禁止、黄码限制、绿码通行」), a pop-up never shown as a plain green, the holder's masked identity,
refusals with their reason, bad input, the walls, and an audit row per check."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys
from tests.factories.accounts import csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person

PAGE = "/healthcodes/check"


def issue(ctx, pseudonym, colour="green", popups=(), at=None):
    keys.ensure_current(replace(ctx, now=ctx.now - timedelta(hours=1)))
    kid, private = keys.current_signer(ctx.session, ctx.settings, ctx.now)
    return tokens.issue(private, kid, pseudonym, colour, popups, at or ctx.now, 120)


@pytest.fixture
def city(ctx):
    return make_city(ctx)


@pytest.fixture
def officer(ctx, client, city):
    user = make_user(ctx, "checkpoint", city["110105"], username="jianchazhan1")
    return page_login(client, user)


def check(client, code):
    return client.post(PAGE, data={"code": code, "csrf_token": csrf_of(client, PAGE)})


def result_of(html):
    found = re.search(r'<section id="check-result"[^>]*>(.*?)</section>', html, re.S)
    assert found, "no result on the page"
    return found.group(0)


def test_the_page_shows_the_principle_and_a_scan_field(officer):
    page = officer.get(PAGE)
    assert page.status_code == 200
    assert (
        "红码禁止、黄码限制、绿码通行" in page.text
        and 'name="code"' in page.text
        and "autofocus" in page.text
    )
    assert "check-result" not in page.text
    english = officer.get(PAGE + "?lang=en").text
    assert "Check a health code" in english and "red: refused" in english


@pytest.mark.parametrize(
    ("colour", "action", "label"),
    [("green", "绿码通行", "未见异常"), ("yellow", "黄码限制", "居家观察"), ("red", "红码禁止", "集中观察")],
)
def test_each_colour_is_shown_with_its_action_and_the_masked_holder(
    ctx, city, officer, colour, action, label
):
    person = make_person(ctx, city["110108001001"], name="李建国")
    shown = check(officer, issue(ctx, person.pseudonym, colour))
    assert shown.status_code == 200, shown.text
    block = result_of(shown.text)
    assert f'status-{colour}"' in block or f"status-{colour} " in block
    assert f'data-colour="{colour}"' in block and 'data-valid="true"' in block
    assert action in block and label in block
    assert "李**" in block and person.id_masked in block and "李建国" not in shown.text
    assert (" alert" in block) == (colour == "red")


def test_a_pop_up_is_not_shown_as_a_plain_green(ctx, city, officer):
    person = make_person(ctx, city["110105001001"])
    block = result_of(check(officer, issue(ctx, person.pseudonym, "green", ("1", "3"))).text)
    assert "check-popup" in block and 'data-action="restrict"' in block
    assert "绿码通行" not in block and "不得按绿码放行" in block
    assert "①" in block and "③" in block and "到访过有本土感染者的县" in block


def test_refusals_show_the_reason(ctx, city, officer):
    person = make_person(ctx, city["110105001001"])
    old = issue(ctx, person.pseudonym, at=ctx.now - timedelta(minutes=10))
    forged = tokens.issue(Ed25519PrivateKey.generate(), "zz1", person.pseudonym, "green", (), ctx.now, 120)
    for text, reason, words in [
        (old, "expired", "健康码已过期"),
        (forged, "unknown_key", "签名密钥未知"),
        ("hello", "malformed", "不是有效的健康码"),
    ]:
        shown = check(officer, text)
        assert shown.status_code == 200
        block = result_of(shown.text)
        assert f'data-reason="{reason}"' in block and words in block and "码无效" in block
        assert "status-refused" in block and person.id_masked not in block


def test_scanned_text_around_the_token_and_english(ctx, city, officer):
    person = make_person(ctx, city["110105001001"], name="王芳")
    wrapped = f"  https://jk.example.gov.cn/c?t={issue(ctx, person.pseudonym, 'yellow')}\r\n"
    officer.cookies.set("lang", "en")
    block = result_of(check(officer, wrapped).text)
    assert "Yellow code: restricted" in block and "Home observation" in block and "王*" in block


def test_a_genuine_code_of_an_unregistered_pseudonym(ctx, officer):
    block = result_of(check(officer, issue(ctx, "nobodyHasThis")).text)
    assert "no registered person" in block or "登记库中没有对应人员" in block


def test_bad_input(officer):
    empty = check(officer, "   ")
    assert empty.status_code == 422 and "请扫描或粘贴健康码" in empty.text
    long = check(officer, "x" * 2001)
    assert long.status_code == 422 and "2000" in long.text
    forged_form = officer.post(PAGE, data={"code": "abc", "csrf_token": "wrong"})
    assert forged_form.status_code == 403


def test_the_walls(ctx, client, new_client, city):
    anonymous = client.get(PAGE, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    lab = page_login(new_client(), make_user(ctx, "lab", city["110105"]))
    assert lab.get(PAGE).status_code == 403
    for role in ("venue_operator", "community_worker", "district_command", "city_command", "admin"):
        assert page_login(new_client(), make_user(ctx, role, city["110105"])).get(PAGE).status_code == 200


def test_each_check_is_audited(ctx, city, officer, session):
    person = make_person(ctx, city["110108001001"])
    check(officer, issue(ctx, person.pseudonym, "red", ("2",)))
    check(officer, tokens.issue(Ed25519PrivateKey.generate(), "zz1", "claimed", "green", (), ctx.now, 120))
    session.expire_all()
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.verb == "healthcodes.code.check").order_by(AuditEntry.id)
    ).all()
    assert len(entries) == 2
    valid, refused = entries
    assert valid.actor_label == "jianchazhan1" and valid.actor_kind == "staff"
    assert (valid.subject_type, valid.subject_id) == ("person", str(person.id))
    assert valid.jurisdiction_path == person.jurisdiction_path
    assert valid.detail["pseudonym"] == person.pseudonym and valid.detail["valid"] is True
    assert (valid.detail["colour"], valid.detail["popups"], valid.detail["action"]) == (
        "red",
        ["2"],
        "refuse",
    )
    assert refused.detail == {"valid": False, "reason": "unknown_key", "claimed_pseudonym": "claimed"}
    assert refused.subject_type == "health_code" and refused.actor_label == "jianchazhan1"
