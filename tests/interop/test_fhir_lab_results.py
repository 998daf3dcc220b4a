"""Lab results in as a FHIR Bundle: recorded by the testing module's own result service (the same report,
idempotency, pool recall and temporary controls as a lab's file), a bad Bundle refused whole."""

from __future__ import annotations

from sqlalchemy import func, select

from lianfang.assignments.models import Assignment
from lianfang.core.clock import utcnow
from lianfang.testing.models import TemporaryControl, TubeResult
from lianfang.testing.samples import service as tubes
from tests.factories.accounts import bearer
from tests.factories.assignments import as_user
from tests.factories.jurisdictions import make_city
from tests.factories.testing import TestingWorld, barcode

URL = "/api/interop/fhir/lab-results"
LOINC, SNOMED = "http://loinc.org", "http://snomed.info/sct"


def _shipped_tube(ctx, world, people):
    acting = as_user(ctx, world.sampler)
    code = barcode()
    tubes.open_tube(acting, code, world.site.id, world.round.id, None, None)
    tubes.add_samples(acting, code, [p.pseudonym for p in people], utcnow())
    tubes.close_tube(acting, code)
    tubes.ship(acting, world.site.id, [code])
    return code


def _bundle(*results, loinc="94500-6", system=SNOMED):
    """A transaction Bundle: per (barcode, SNOMED value) a Specimen, an Observation and a DiagnosticReport."""
    entries = []
    for n, (code, value) in enumerate(results, start=1):
        entries += [
            {
                "fullUrl": f"urn:uuid:s{n}",
                "resource": {"resourceType": "Specimen", "accessionIdentifier": {"value": code}},
            },
            {
                "fullUrl": f"urn:uuid:o{n}",
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": loinc}]},
                    "valueCodeableConcept": {"coding": [{"system": system, "code": value}]},
                    "specimen": {"reference": f"urn:uuid:s{n}"},
                },
            },
            {
                "fullUrl": f"urn:uuid:r{n}",
                "resource": {
                    "resourceType": "DiagnosticReport",
                    "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": loinc}]},
                    "issued": utcnow().isoformat(),
                    "result": [{"reference": f"urn:uuid:o{n}"}],
                },
            },
        ]
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def test_a_bundle_records_results_like_the_upload_and_recalls_a_positive_pool(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx))
    members = world.people[:3]
    pool = _shipped_tube(ctx, world, members)
    clean = _shipped_tube(ctx, world, world.people[3:5])
    lab = bearer(client, world.lab_user)
    body = _bundle((pool, "260373001"), (clean, "260415000"), ("NOSUCH01", "260415000"))
    first = lab.post(URL, json=body)
    assert first.status_code == 200, first.text
    report = first.json()
    assert report["created"] == 2 and report["rejected_rows"] == [8]  # the third Observation's entry
    assert session.get(TubeResult, session.scalar(select(TubeResult.tube_id).limit(1))) is not None
    controls = session.scalars(select(TemporaryControl)).all()
    assert sorted(c.person_id for c in controls) == sorted(p.id for p in members)
    assert (
        session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.kind == "testing.recall")
        )
        == 1
    )
    again = lab.post(URL, json=body).json()
    assert again["created"] == 0 and again["unchanged"] == 2
    assert session.scalar(select(func.count()).select_from(TemporaryControl)) == len(members)


def test_a_bad_bundle_is_refused_whole_with_its_reasons(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx))
    tube = _shipped_tube(ctx, world, world.people[:2])
    lab = bearer(client, world.lab_user)
    unknown_system = lab.post(URL, json=_bundle((tube, "positive"), system="http://example.org/results"))
    assert unknown_system.status_code == 422
    assert "unknown code system http://example.org/results" in unknown_system.json()["error"]["message_en"]
    unknown_test = lab.post(URL, json=_bundle((tube, "260373001"), loinc="2345-7"))
    assert unknown_test.status_code == 422
    mixed = _bundle((tube, "260373001"))
    mixed["entry"] += _bundle(("OTHER001", "260415000"), loinc="2345-7")["entry"]
    refused = lab.post(URL, json=mixed)
    assert refused.status_code == 422 and refused.json()["error"]["problems"][0]["row"] == 5
    assert lab.post(URL, json={"resourceType": "Patient"}).status_code == 422
    assert lab.post(URL, content=b"{broken").status_code == 422
    assert lab.post(URL, content=b" " * (10 * 1024 * 1024)).status_code == 413
    assert session.scalar(select(func.count()).select_from(TubeResult)) == 0  # nothing stored


def test_results_need_the_lab_permission(ctx, client, new_client):
    world = TestingWorld(ctx, make_city(ctx))
    tube = _shipped_tube(ctx, world, world.people[:1])
    worker = bearer(new_client(), world.worker)
    assert worker.post(URL, json=_bundle((tube, "260415000"))).status_code == 403
