"""Lab results: upload by file and API, idempotency, per-row problems, positive pools, single tubes,
individual results and the recheck that lifts a control."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.core.clock import utcnow
from lianfang.core.tabular import write_xlsx
from lianfang.testing.events import PoolPositive, ResultPositive
from lianfang.testing.models import TemporaryControl, Tube, TubeResult
from lianfang.testing.samples import service as tubes
from tests.factories.accounts import bearer
from tests.factories.assignments import as_user
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person
from tests.factories.testing import TestingWorld, barcode


def _shipped_tube(ctx, world, people, mode=None):
    acting = as_user(ctx, world.sampler)
    code = barcode()
    tubes.open_tube(acting, code, world.site.id, world.round.id, None, mode)
    tubes.add_samples(acting, code, [p.pseudonym for p in people], utcnow())
    tubes.close_tube(acting, code)
    tubes.ship(acting, world.site.id, [code])
    return code


def _events(runtime):
    seen: list[object] = []
    runtime.bus.subscribe(ResultPositive, lambda _ctx, e: seen.append(e))
    runtime.bus.subscribe(PoolPositive, lambda _ctx, e: seen.append(e))
    return seen


def test_csv_upload_positive_pool_controls_and_recall(ctx, client, session, runtime):
    world = TestingWorld(ctx, make_city(ctx))
    members = world.people[:3] + world.neighbours[:2]
    positive = _shipped_tube(ctx, world, members)
    negative = _shipped_tube(ctx, world, world.people[3:5])
    seen = _events(runtime)
    lab = bearer(client, world.lab_user)
    csv = f"barcode,result\n{positive},阳性\n{negative},negative\nNOPE1234,negative\n{negative},阴性\n,x\n"
    sent = lab.post("/api/testing/results", files={"file": ("results.csv", csv.encode(), "text/csv")})
    assert sent.status_code == 200, sent.text
    report = sent.json()
    assert report["created"] == 2 and report["rejected_rows"] == [4, 5, 6]
    controls = list(session.scalars(select(TemporaryControl).where(TemporaryControl.lifted_at.is_(None))))
    assert sorted(c.person_id for c in controls) == sorted(p.id for p in members)
    assert all(c.assignment_id is not None for c in controls)
    recalls = list(session.scalars(select(Assignment).where(Assignment.kind == "testing.recall")))
    assert sorted(a.owner_jurisdiction_id for a in recalls) == sorted(
        [world.community.id, world.neighbour.id]
    )
    pools = [e for e in seen if isinstance(e, PoolPositive)]
    assert len(pools) == 1 and set(pools[0].person_ids) == {p.id for p in members}

    again = lab.post("/api/testing/results", files={"file": ("results.csv", csv.encode(), "text/csv")})
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 2
    assert len(list(session.scalars(select(TemporaryControl)))) == len(members)
    flipped = lab.post(
        "/api/testing/results", json={"results": [{"barcode": negative, "result": "positive"}]}
    )
    assert flipped.json()["created"] == 0 and flipped.json()["problems"][0]["field"] == "result"


def test_single_tube_recheck_resolves_positive_and_lifts_controls(ctx, client, session, runtime):
    world = TestingWorld(ctx, make_city(ctx))
    a, b = world.people[:2]
    pool = _shipped_tube(ctx, world, [a, b])
    seen = _events(runtime)
    lab = bearer(client, world.lab_user)
    assert (
        lab.post("/api/testing/results", json={"results": [{"barcode": pool, "result": "positive"}]}).json()[
            "created"
        ]
        == 1
    )
    single_a = _shipped_tube(ctx, world, [a], mode="single")
    single_b = _shipped_tube(ctx, world, [b], mode="single")
    xlsx = write_xlsx(["管码", "结果"], [[single_a, "阳性"], [single_b, "阴性"]])
    sent = lab.post("/api/testing/results", files={"file": ("r.xlsx", xlsx, "application/octet-stream")})
    assert sent.json()["created"] == 2, sent.text
    found = [e for e in seen if isinstance(e, ResultPositive)]
    assert [e.person_id for e in found] == [a.id]
    assert found[0].jurisdiction_path == world.community.path
    open_ = {
        c.person_id
        for c in session.scalars(select(TemporaryControl).where(TemporaryControl.lifted_at.is_(None)))
    }
    assert open_ == {a.id}


def test_individual_results_and_validity(ctx, client, new_client, session, runtime):
    world = TestingWorld(ctx, make_city(ctx))
    seen = _events(runtime)
    lab = bearer(client, world.lab_user)
    now = utcnow()
    body = {
        "person": world.people[0].pseudonym,
        "barcode": "CLINIC-0001",
        "result": "negative",
        "sampled_at": (now - timedelta(hours=5)).isoformat(),
        "reported_at": (now - timedelta(hours=1)).isoformat(),
        "source": "hospital",
        "facility": "朝阳医院",
    }
    made = lab.post("/api/testing/results/individual", json=body)
    assert made.status_code == 201, made.text
    assert lab.post("/api/testing/results/individual", json=body).status_code == 200
    assert lab.post("/api/testing/results/individual", json={**body, "result": "positive"}).status_code == 409
    boss = bearer(new_client(), world.command)
    results = boss.get(f"/api/testing/people/{world.people[0].id}/results").json()
    assert results["results"][0]["valid_48h"] and results["results"][0]["valid_72h"]
    positive = {**body, "barcode": "CLINIC-0002", "result": "阳性", "person": world.people[1].pseudonym}
    assert lab.post("/api/testing/results/individual", json=positive).status_code == 201
    assert [e.person_id for e in seen if isinstance(e, ResultPositive)] == [world.people[1].id]
    tube = session.scalar(select(Tube).where(Tube.barcode == "CLINIC-0002"))
    assert tube.kind == "individual" and session.get(TubeResult, tube.id).result == "positive"
    future = {**body, "barcode": "CLINIC-0003", "reported_at": (now + timedelta(days=1)).isoformat()}
    assert lab.post("/api/testing/results/individual", json=future).status_code == 422


def test_lab_walls(ctx, client, new_client):
    world = TestingWorld(ctx, make_city(ctx))
    code = _shipped_tube(ctx, world, world.people[:2])
    far = bearer(new_client(), world.far_sampler)
    report = far.post(
        "/api/testing/results", json={"results": [{"barcode": code, "result": "negative"}]}
    ).json()
    assert report["created"] == 0 and report["rejected_rows"] == [1]
    stranger = make_person(ctx, world.far, "远方")
    worker = bearer(new_client(), world.worker)
    assert worker.get(f"/api/testing/people/{stranger.id}/results").status_code == 404
    assert worker.get(f"/api/testing/people/{world.people[0].id}/results").status_code == 200
