"""FHIR R4 export through the API and the command line, validated against the R4B models of fhir.resources
(the maintained package ships no 4.0.1 models; R4B's versions of these resources are R4's, see
docs/interop.md), then the audit rows and the walls of scope and of the reveal permission."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from lianfang.control import service as orders
from lianfang.core.audit import AuditEntry
from lianfang.core.clock import local_date
from lianfang.interop.fhir import rules as codes
from lianfang.tracing.cases import service
from lianfang.tracing.contacts import service as contacts
from tests.factories.accounts import bearer, make_user
from tests.factories.control import result
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person
from tests.factories.vaccination import give


@pytest.fixture
def scene(ctx):
    city = make_city(ctx)
    community = city["110105001001"]
    patient = make_person(ctx, community, "赵六", id_number="110105198505170018")
    neighbour = make_person(ctx, community, "钱七")
    result(ctx, patient, "positive", ctx.now - timedelta(days=1))
    give(ctx, patient, (1, "sinovac", local_date(ctx.now) - timedelta(days=200)))
    case = service.open_case(
        ctx, service.CaseInput(person_id=patient.id, onset_at=ctx.now - timedelta(days=2))
    )
    contact = contacts.add_contact(ctx, case.id, contacts.ManualContact(person_id=neighbour.id))
    order = orders.issue_order(
        ctx,
        orders.OrderInput(person_id=neighbour.id, person_class="close", last_exposure_on=local_date(ctx.now)),
    )
    own = orders.issue_order(
        ctx,
        orders.OrderInput(person_id=patient.id, person_class="close", last_exposure_on=local_date(ctx.now)),
    )
    return {"city": city, "patient": patient, "case": case, "contact": contact, "orders": (order, own)}


def _by_type(bundle):
    out = {}
    for entry in bundle["entry"]:
        out.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return out


def test_a_case_exports_as_a_valid_r4_bundle(client, new_client, ctx, scene):
    reader = bearer(new_client(), make_user(ctx, "district_command", scene["city"]["110105"]))
    answer = reader.get(f"/api/interop/fhir/cases/{scene['case'].id}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/fhir+json")
    bundle = answer.json()
    Bundle.model_validate(bundle)
    kinds = _by_type(bundle)
    assert {k: len(v) for k, v in kinds.items()} == {
        "Patient": 1,
        "Location": 1,
        "Condition": 1,
        "Observation": 1,
        "DiagnosticReport": 1,
        "Immunization": 1,
        "Encounter": 1,
        "RelatedPerson": 1,
    }
    patient = kinds["Patient"][0]
    assert [i["system"] for i in patient["identifier"]] == [codes.PSEUDONYM]  # no identity number
    observation = kinds["Observation"][0]
    assert observation["code"]["coding"][0]["code"] == "94500-6"
    assert observation["valueCodeableConcept"]["coding"][0]["code"] == "260373001"
    related = kinds["RelatedPerson"][0]
    assert related["patient"]["reference"] == next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert kinds["Encounter"][0]["subject"]["reference"] == related["patient"]["reference"]
    audit = ctx.session.scalar(select(AuditEntry).where(AuditEntry.verb == "interop.fhir.export"))
    assert audit is not None and audit.detail["revealed"] == []


def test_identifiers_need_the_reveal_permission_and_are_audited(client, new_client, ctx, scene):
    url = f"/api/interop/fhir/cases/{scene['case'].id}?reveal=true"
    investigator = bearer(new_client(), make_user(ctx, "investigator", scene["city"]["110105"]))
    reader = bearer(new_client(), make_user(ctx, "lab", scene["city"]["110105"]))
    assert reader.get(url).status_code == 403
    bundle = investigator.get(url).json()
    Bundle.model_validate(bundle)
    patient = _by_type(bundle)["Patient"][0]
    assert {"system": codes.CN_RESIDENT_ID, "value": "110105198505170018"} in patient["identifier"]
    audit = ctx.session.scalars(select(AuditEntry).where(AuditEntry.verb == "interop.fhir.export")).all()
    assert [a.detail["revealed"] for a in audit] == [[scene["patient"].id]]


def test_a_case_outside_the_scope_is_not_found(client, new_client, ctx, scene):
    far = bearer(new_client(), make_user(ctx, "district_command", scene["city"]["110108"]))
    assert far.get(f"/api/interop/fhir/cases/{scene['case'].id}").status_code == 404


def test_a_district_exports_its_cases_for_a_date_range(client, new_client, ctx, scene):
    reader = bearer(new_client(), make_user(ctx, "city_command", scene["city"]["110000"]))
    today = local_date(ctx.now)
    district = scene["city"]["110105"].id
    url = f"/api/interop/fhir/jurisdictions/{district}/cases?start={today - timedelta(days=3)}&end={today}"
    bundle = reader.get(url).json()
    Bundle.model_validate(bundle)
    assert len(_by_type(bundle)["Condition"]) == 1
    first, last = today - timedelta(days=30), today - timedelta(days=3)
    earlier = reader.get(f"/api/interop/fhir/jurisdictions/{district}/cases?start={first}&end={last}").json()
    assert "entry" not in earlier
    Bundle.model_validate(earlier)
    wrong = reader.get(
        f"/api/interop/fhir/jurisdictions/{district}/cases?start={today}&end={today - timedelta(days=1)}"
    )
    assert wrong.status_code == 422
    far = bearer(new_client(), make_user(ctx, "district_command", scene["city"]["110108"]))
    assert far.get(url).status_code == 404


def test_the_command_line_writes_the_bundle(ctx, scene, settings, runtime, monkeypatch, tmp_path, lianfang):
    from lianfang.interop.fhir import cli as fhir_cli

    monkeypatch.setattr(fhir_cli, "_settings", lambda: settings)
    monkeypatch.setattr(fhir_cli, "make_session_factory", lambda _engine: runtime.factory)
    monkeypatch.setattr(fhir_cli, "make_engine", lambda _settings: None)
    ctx.session.commit()
    out = tmp_path / "case.json"
    answer = lianfang("fhir", "export", scene["case"].code, "--out", out)
    assert answer.exit_code == 0, answer.output
    bundle = json.loads(out.read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    assert len(bundle["entry"]) == 8 and f"wrote 8 resources to {out}" in answer.output
    assert lianfang("fhir", "export", "LD-NO-SUCH", "--out", out).exit_code != 0


def test_resource_ids_are_the_name_based_uuids_of_their_records():
    import uuid

    from lianfang.interop.fhir import render as resources

    for kind, key in [("Patient", 1), ("Observation", 123456789), ("Bundle", "district/3/2022-05-01")]:
        assert resources.ref(kind, key) == f"urn:uuid:{uuid.uuid5(resources.NAMESPACE, f'{kind}/{key}')}"
