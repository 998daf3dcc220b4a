"""The DCC check at entry through its interfaces: the command line, the API and the checkpoint page, then
the stored check on the arrival and its audit rows. Certificates are issued by tests/factories/dcc."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import segno
from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.interop.dcc.models import DccCheck
from lianfang.travel.models import ObservationRequirement
from lianfang.travel.observations import service as observations
from tests.factories import dcc
from tests.factories.accounts import bearer, csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person


@pytest.fixture
def issuer():
    return dcc.make_issuer()


@pytest.fixture
def trusted(issuer, tmp_path, settings, monkeypatch):
    path = issuer.trust_list(tmp_path / "dsc.json")
    monkeypatch.setattr(settings, "dcc_trust_list", str(path))
    return path


@pytest.fixture
def world(ctx):
    city = make_city(ctx)
    community = city["110105001001"]
    person = make_person(ctx, community, "王五")
    arrival, obs = observations.register_arrival(
        ctx, person, observations.ArrivalInput(local_date(ctx.now), "DEU", "首都机场T3")
    )
    return {"city": city, "person": person, "arrival": arrival, "observation": obs}


def test_cli_verifies_a_certificate_and_gives_the_entry_verdict(lianfang, issuer, trusted):
    qr = dcc.sign(issuer, dcc.vaccination(dt="2021-06-01"))
    out = json.loads(lianfang("dcc", "verify", qr, "--trust", trusted, "--json").output)
    assert out["valid"] is True
    assert out["certificate"]["kind"] == "v" and out["certificate"]["entry"]["dn"] == "2"
    assert out["certificate"]["signer_kid"] == issuer.kid.hex()
    assert out["verdict"]["code"] == "vaccination_complete" and out["verdict"]["edition"] == "EU-2021-07-01"
    text = lianfang("dcc", "verify", qr, "--trust", trusted)
    assert text.exit_code == 0 and "entry:" in text.output


def test_cli_reads_a_photo_of_the_qr_code(lianfang, issuer, trusted, tmp_path):
    qr = dcc.sign(issuer, dcc.vaccination())
    picture = tmp_path / "qr.png"
    segno.make(qr, error="q").save(str(picture), scale=4)
    result = lianfang("dcc", "verify", picture, "--trust", trusted, "--json")
    assert result.exit_code == 0 and json.loads(result.output)["valid"] is True


def test_rsa_signers_verify_too(lianfang, tmp_path):
    rsa_issuer = dcc.make_issuer(rsa_key=True)
    trust_file = rsa_issuer.trust_list(tmp_path / "rsa.json")
    qr = dcc.sign(rsa_issuer, dcc.vaccination())
    assert json.loads(lianfang("dcc", "verify", qr, "--trust", trust_file, "--json").output)["valid"]


def _truncated(qr: str) -> str:
    """A QR cut short by whole Base45 groups (three characters), so that Base45 still decodes and the
    compressed data is what breaks."""
    whole = len(qr) - (len(qr) - 4) % 3
    return qr[: whole - 30]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda i: dcc.sign(dcc.make_issuer(), dcc.vaccination(), kid=i.kid), "bad_signature"),
        (lambda _i: dcc.sign(dcc.make_issuer(), dcc.vaccination()), "unknown_kid"),
        (lambda i: dcc.sign(i, dcc.vaccination())[:-6] + "abcdef", "base45"),
        (lambda i: _truncated(dcc.sign(i, dcc.vaccination())), "zlib"),
        (lambda i: dcc.sign(i, dcc.vaccination(), expires=datetime.now(UTC) - timedelta(days=1)), "expired"),
        (
            lambda i: dcc.sign(i, dcc.vaccination(), issued=datetime.now(UTC) + timedelta(days=1)),
            "not_yet_valid",
        ),
        (lambda i: "HC2:" + dcc.sign(i, dcc.vaccination())[4:], "prefix"),
        (lambda _i: "HC1:" + "A" * 10_000_000, "too_large"),
    ],
)
def test_bad_certificates_are_refused_with_their_reason(lianfang, issuer, trusted, tmp_path, make, reason):
    qr = make(issuer)
    source = tmp_path / "qr.txt"
    source.write_text(qr, encoding="utf-8")  # a 10 MB payload comes as a file
    result = lianfang("dcc", "verify", source, "--trust", trusted, "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)["reason"] == reason


def test_an_expired_signer_certificate_is_refused(lianfang, tmp_path):
    old = dcc.make_issuer(
        not_before=datetime.now(UTC) - timedelta(days=400), not_after=datetime.now(UTC) - timedelta(days=2)
    )
    trust_file = old.trust_list(tmp_path / "old.json")
    out = json.loads(
        lianfang("dcc", "verify", dcc.sign(old, dcc.vaccination()), "--trust", trust_file, "--json").output
    )
    assert out["reason"] == "dsc_expired"


def test_a_signer_may_sign_only_its_key_usage(lianfang, tmp_path):
    tests_only = dcc.make_issuer(usages=("1.3.6.1.4.1.1847.2021.1.1",))
    trust_file = tests_only.trust_list(tmp_path / "t.json")
    vaccination = json.loads(
        lianfang(
            "dcc", "verify", dcc.sign(tests_only, dcc.vaccination()), "--trust", trust_file, "--json"
        ).output
    )
    assert vaccination["reason"] == "key_usage"
    sampled = datetime.now(UTC) - timedelta(hours=5)
    test = json.loads(
        lianfang(
            "dcc",
            "verify",
            dcc.sign(tests_only, dcc.test_certificate(sampled)),
            "--trust",
            trust_file,
            "--json",
        ).output
    )
    assert test["valid"] and test["verdict"]["code"] == "test_negative"


def test_a_broken_trust_list_is_an_error_not_an_empty_list(lianfang, issuer, tmp_path):
    bad = tmp_path / "bad.json"
    entry = json.loads(issuer.trust_list(tmp_path / "ok.json").read_text())[0]
    entry["kid"] = "AAAAAAAAAAA="
    bad.write_text(json.dumps({"certificates": [entry]}))
    result = lianfang("dcc", "verify", dcc.sign(issuer, dcc.vaccination()), "--trust", bad)
    assert result.exit_code == 2 and "certificate 1 of the trust list: kid" in result.output


def test_api_verifies_for_checkpoint_staff_only(client, new_client, ctx, world, issuer, trusted):
    checkpoint = bearer(new_client(), make_user(ctx, "checkpoint", world["city"]["110105"]))
    lab = bearer(new_client(), make_user(ctx, "lab", world["city"]["110105"]))
    sampled = datetime.now(UTC) - timedelta(hours=80)
    qr = dcc.sign(issuer, dcc.test_certificate(sampled))
    answer = checkpoint.post("/api/interop/dcc/verify", json={"qr": qr})
    assert answer.status_code == 200
    assert answer.json()["verdict"]["code"] == "test_too_old"
    assert answer.json()["verdict"]["valid_for_entry"] is False
    assert lab.post("/api/interop/dcc/verify", json={"qr": qr}).status_code == 403
    audit = ctx.session.scalar(select(AuditEntry).where(AuditEntry.verb == "interop.dcc.check"))
    assert audit is not None and audit.detail["verdict"] == "test_too_old"
    assert "Mustermann" not in json.dumps(audit.detail)


def test_api_refuses_a_ten_megabyte_body_and_a_body_without_qr(client, new_client, ctx, world, trusted):
    checkpoint = bearer(new_client(), make_user(ctx, "checkpoint", world["city"]["110105"]))
    huge = checkpoint.post("/api/interop/dcc/verify", content=b'{"qr": "' + b"A" * 10_000_000 + b'"}')
    assert huge.status_code == 413
    assert checkpoint.post("/api/interop/dcc/verify", json={"code": "x"}).status_code == 422
    assert checkpoint.post("/api/interop/dcc/verify", content=b"not json").status_code == 422


def test_recording_on_the_arrival_is_idempotent_and_leaves_the_plan(
    client, new_client, ctx, world, issuer, trusted
):
    command = bearer(new_client(), make_user(ctx, "district_command", world["city"]["110105"]))
    arrival, before = world["arrival"], world["observation"]
    qr = dcc.sign(issuer, dcc.vaccination())
    first = command.post(f"/api/interop/dcc/arrivals/{arrival.id}/checks", json={"qr": qr})
    assert first.status_code == 201, first.text
    check = first.json()["check"]
    assert check["valid_for_entry"] is True and check["plan_shortened_days"] == 0
    assert check["inbound_edition"] == before.edition
    again = command.post(f"/api/interop/dcc/arrivals/{arrival.id}/checks", json={"qr": qr})
    assert again.status_code == 200 and again.json()["check"]["id"] == check["id"]
    rows = ctx.session.scalars(select(DccCheck).where(DccCheck.arrival_id == arrival.id)).all()
    assert len(rows) == 1 and "fn" not in rows[0].facts and rows[0].uvci_hash
    obs = ctx.session.get(ObservationRequirement, before.id)
    assert obs is not None and obs.isolation_ends_on == before.isolation_ends_on
    audit = ctx.session.scalars(select(AuditEntry).where(AuditEntry.verb == "interop.dcc.record")).all()
    assert len(audit) == 1 and audit[0].subject_id == str(arrival.id)
    listed = command.get(f"/api/interop/dcc/arrivals/{arrival.id}/checks").json()
    assert [c["id"] for c in listed] == [check["id"]]


def test_a_refused_certificate_is_recorded_too(client, new_client, ctx, world, issuer, trusted):
    command = bearer(new_client(), make_user(ctx, "district_command", world["city"]["110105"]))
    forged = dcc.sign(dcc.make_issuer(), dcc.vaccination(), kid=issuer.kid)
    answer = command.post(f"/api/interop/dcc/arrivals/{world['arrival'].id}/checks", json={"qr": forged})
    assert answer.status_code == 201
    assert answer.json()["check"]["valid"] is False and answer.json()["check"]["reason"] == "bad_signature"


def test_recording_refuses_another_persons_certificate_and_arrivals_out_of_scope(
    client, new_client, ctx, world, issuer, trusted
):
    world["person"].birth_date = datetime(1990, 1, 1, tzinfo=UTC).date()
    ctx.session.flush()
    command = bearer(new_client(), make_user(ctx, "district_command", world["city"]["110105"]))
    far = bearer(new_client(), make_user(ctx, "district_command", world["city"]["110108"]))
    qr = dcc.sign(issuer, dcc.vaccination())  # born 1964-08-12
    url = f"/api/interop/dcc/arrivals/{world['arrival'].id}/checks"
    wrong = command.post(url, json={"qr": qr})
    assert wrong.status_code == 422 and "出生日期" in wrong.json()["error"]["message"]
    assert far.post(url, json={"qr": qr}).status_code == 404
    count = ctx.session.scalar(select(func.count()).select_from(DccCheck))
    assert count == 0


def test_the_checkpoint_page_checks_a_photo_and_records_on_the_arrival(client, ctx, world, issuer, trusted):
    page_login(client, make_user(ctx, "district_command", world["city"]["110105"]))
    page = client.get("/interop/dcc")
    assert page.status_code == 200 and "查验欧盟数字新冠证书" in page.text
    token = csrf_of(client, "/interop/dcc")
    qr = dcc.sign(issuer, dcc.vaccination())
    picture = io.BytesIO()
    segno.make(qr, error="q").save(picture, kind="png", scale=4)
    checked = client.post(
        "/interop/dcc",
        data={"csrf_token": token, "action": "check"},
        files={"photo": ("qr.png", picture.getvalue(), "image/png")},
    )
    assert checked.status_code == 200 and 'data-verdict="vaccination_complete"' in checked.text
    assert "Mustermann Erika" in checked.text
    recorded = client.post(
        "/interop/dcc",
        data={"csrf_token": token, "qr": qr, "action": "record", "arrival_id": str(world["arrival"].id)},
    )
    assert recorded.status_code == 200 and 'id="dcc-recorded"' in recorded.text
    assert "入境隔离安排不变" in recorded.text
    assert ctx.session.scalar(select(func.count()).select_from(DccCheck)) == 1
    refused = client.post("/interop/dcc", data={"csrf_token": token, "qr": "HC1:???", "action": "check"})
    assert 'data-reason="base45"' in refused.text
    english = client.get("/interop/dcc?lang=en")
    assert "Check an EU Digital COVID Certificate" in english.text
    missing = client.post(
        "/interop/dcc", data={"csrf_token": token, "qr": qr, "action": "record", "arrival_id": "999999"}
    )
    assert missing.status_code == 404
