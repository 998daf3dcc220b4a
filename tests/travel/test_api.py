"""Entry management through the API: the risk list and its public feed, declarations with their errors,
corrections with history, remote-control flags (set-based, via the reflag job) with community
verification, inbound arrivals with their observation requirement and pop-up ②."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianfang.assignments.models import Assignment
from lianfang.core.audit import AuditEntry
from lianfang.core.jobs import run_due_jobs
from lianfang.travel.events import ObservationRequired, TravelFlagsRaised
from lianfang.travel.models import ObservationRequirement, TravelFlag, TravelRecord
from tests.factories.accounts import bearer
from tests.factories.people import resident_bearer
from tests.factories.travel import CHENGGUAN, JINGXIU, WUCHANG, days_ago, make_world, stay, today


def _area(client, code=WUCHANG, **extra):
    body = {
        "place_code": code,
        "level": "county",
        "starts_on": str(extra.pop("starts_on", "2022-01-01")),
        "source": "国家卫健委 2022-01-01 通报",
        "lift_rule": "no_new_14d",
        **extra,
    }
    return client.post("/api/travel/risk-areas", json=body)


def test_risk_area_public_feed_and_validation(ctx, client, new_client, session):
    world = make_world(ctx)
    command = bearer(new_client(), world.city_command)
    bad = _area(command, code="429999", level="purple")
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["error"]["problems"]}
    assert {"place_code", "level"} <= fields
    made = _area(command, starts_on=today(ctx), last_case_on=str(days_ago(ctx, 1)))
    assert made.status_code == 201, made.text
    assert made.json()["place_name"] == "湖北省武汉市武昌区"
    feed = client.get("/api/risk-areas")  # public: no sign-in
    assert feed.status_code == 200
    item = feed.json()["items"][0]
    assert (item["level"], item["lift_rule"], item["source"]) == (
        "county",
        "no_new_14d",
        "国家卫健委 2022-01-01 通报",
    )
    assert item["earliest_lift_on"] == str(days_ago(ctx, 1) + timedelta(days=15))
    assert session.scalar(select(func.count()).where(AuditEntry.verb == "travel.riskarea.create")) == 1


def test_declaration_errors(ctx, client, session):
    world = make_world(ctx)
    resident = resident_bearer(client, session, ctx.settings, "13900000001")
    base = {"person_id": world.person.id, "from_on": str(days_ago(ctx, 10)), "to_on": str(days_ago(ctx, 5))}
    unknown = resident.post("/api/me/travel", json={**base, "place_code": "420199"})
    assert unknown.status_code == 422 and unknown.json()["error"]["problems"][0]["field"] == "place_code"
    backwards = resident.post(
        "/api/me/travel", json={**base, "place_code": WUCHANG, "to_on": str(days_ago(ctx, 12))}
    )
    assert backwards.status_code == 422 and "before" in backwards.json()["error"]["message_en"]
    ok = resident.post("/api/me/travel", json={**base, "place_code": WUCHANG})
    assert ok.status_code == 201, ok.text
    overlap = resident.post(
        "/api/me/travel",
        json={
            **base,
            "place_code": JINGXIU,
            "from_on": str(days_ago(ctx, 7)),
            "to_on": str(days_ago(ctx, 2)),
        },
    )
    assert overlap.status_code == 422 and "overlaps" in overlap.json()["error"]["message_en"]
    # Someone else's person is not reachable by a resident.
    other = resident.post("/api/me/travel", json={**base, "person_id": world.other.id, "place_code": WUCHANG})
    assert other.status_code == 404


def test_correction_keeps_history(ctx, client, session):
    world = make_world(ctx)
    resident = resident_bearer(client, session, ctx.settings, "13900000001")
    first = resident.post(
        "/api/me/travel",
        json={"person_id": world.person.id, "place_code": WUCHANG, "from_on": str(days_ago(ctx, 10))},
    ).json()
    fixed = resident.post(
        f"/api/me/travel/{first['id']}/correct",
        json={"place_code": JINGXIU, "from_on": str(days_ago(ctx, 10)), "to_on": str(days_ago(ctx, 3))},
    )
    assert fixed.status_code == 201, fixed.text
    old = session.get(TravelRecord, first["id"])
    assert (old.state, old.superseded_by_id) == ("superseded", fixed.json()["id"])
    again = resident.post(
        f"/api/me/travel/{first['id']}/correct",
        json={"place_code": JINGXIU, "from_on": str(days_ago(ctx, 9))},
    )
    assert again.status_code == 409
    assert [r["place_code"] for r in resident.get("/api/me/travel").json()] == [JINGXIU]
    audit = session.scalar(select(AuditEntry).where(AuditEntry.verb == "travel.record.correct"))
    assert audit.detail["before"]["place_code"] == WUCHANG and audit.detail["after"]["place_code"] == JINGXIU


def test_listing_a_county_flags_travellers_and_the_community_verifies(
    ctx, client, new_client, session, runtime
):
    world = make_world(ctx)
    raised: list[TravelFlagsRaised] = []
    runtime.bus.subscribe(TravelFlagsRaised, lambda _c, e: raised.append(e))
    stay(ctx, world.person, WUCHANG, 12, 4)  # back in the city
    stay(ctx, world.other, WUCHANG, 6, None)  # still there
    stay(ctx, world.other, CHENGGUAN, 30, 20)  # outside the 14-day window (earlier trip)
    session.commit()
    command = bearer(new_client(), world.city_command)
    assert _area(command).status_code == 201
    assert session.scalar(select(func.count()).select_from(TravelFlag)) == 0  # the job does it
    run_due_jobs(runtime)
    session.expire_all()
    flags = {f.person_id: f for f in session.scalars(select(TravelFlag))}
    assert set(flags) == {world.person.id, world.other.id}
    mine, away = flags[world.person.id], flags[world.other.id]
    assert (mine.in_city, mine.expires_on) == (True, days_ago(ctx, 4) + timedelta(days=15))
    assert (away.in_city, away.expires_on, away.assignment_id) == (False, None, None)
    assert raised and raised[-1].count == 2
    task = session.get(Assignment, mine.assignment_id)
    assert (task.kind, task.owner_jurisdiction_id) == ("travel.verify", world.community.id)
    assert task.deadline - task.issued_at == timedelta(hours=24)
    # The community worker sees only their own community's flag, and verifies it.
    worker = bearer(new_client(), world.worker)
    listed = worker.get("/api/travel/flags").json()["items"]
    assert [f["person_id"] for f in listed] == [world.person.id]
    status = worker.get(f"/api/travel/people/{world.person.id}/status").json()
    assert [f["id"] for f in status["popup1"]] == [mine.id]
    denied = worker.post("/api/travel/flags/verify", json={"ids": [mine.id, away.id], "note": "已核实"})
    assert denied.status_code == 422  # all or nothing: the other community's flag is not reachable
    other = bearer(new_client(), world.other_worker)
    outside = other.post("/api/travel/flags/verify", json={"ids": [away.id], "note": "已核实"})
    assert outside.status_code == 422 and "outside the city" in outside.json()["error"]["message_en"]
    done = worker.post("/api/travel/flags/verify", json={"ids": [mine.id], "note": "已电话核实，已安排核酸"})
    assert done.status_code == 200 and done.json()[0]["state"] == "verified"
    assert worker.get(f"/api/travel/people/{world.person.id}/status").json()["popup1"] == []
    session.expire_all()
    assert session.get(Assignment, mine.assignment_id).state == "done"  # nobody left to verify
    # Re-running the job changes nothing (idempotent); lifting clears the rest at once.
    run_due_jobs(runtime)
    area_id = away.risk_area_id
    lifted = command.post(f"/api/travel/risk-areas/{area_id}/lift", json={"reason": "连续14天无新增"})
    assert lifted.status_code == 200 and lifted.json()["active"] is False
    session.expire_all()
    assert session.get(TravelFlag, away.id).state == "lifted"
    assert session.get(TravelFlag, mine.id).state == "verified"
    assert command.get("/api/risk-areas").json()["items"] == []
    history = command.get("/api/travel/risk-areas?active=false").json()["items"]
    assert [(a["id"], a["lift_reason"]) for a in history] == [(area_id, "连续14天无新增")]


def test_new_declaration_is_flagged_at_once_and_expiry(ctx, client, new_client, session, runtime):
    world = make_world(ctx)
    command = bearer(new_client(), world.city_command)
    assert _area(command, code=CHENGGUAN, level="high", lift_rule="high_7_then_3").status_code == 201
    run_due_jobs(runtime)
    resident = resident_bearer(client, session, ctx.settings, "13900000001")
    made = resident.post(
        "/api/me/travel",
        json={
            "person_id": world.person.id,
            "place_code": CHENGGUAN,
            "from_on": str(days_ago(ctx, 20)),
            "to_on": str(days_ago(ctx, 14)),
        },
    )
    assert made.status_code == 201
    flag = session.scalar(select(TravelFlag).where(TravelFlag.person_id == world.person.id))
    assert flag is not None and flag.state == "open" and flag.expires_on == today(ctx) + timedelta(days=1)
    status = resident.get("/api/me/travel/status").json()
    assert status[0]["popup1"][0]["place_code"] == CHENGGUAN
    from lianfang.core.jobs import tick

    tick(runtime, {}, 0.0, now=ctx.now + timedelta(days=1))
    session.expire_all()
    assert session.get(TravelFlag, flag.id).state == "expired"


def test_inbound_arrival_observation_and_popup2(ctx, client, new_client, session, runtime):
    world = make_world(ctx)
    required: list[ObservationRequired] = []
    runtime.bus.subscribe(ObservationRequired, lambda _c, e: required.append(e))
    worker = bearer(new_client(), world.worker)
    arrived = days_ago(ctx, 3)
    body = {
        "person_id": world.person.id,
        "arrived_on": str(arrived),
        "from_country": "gbr",
        "port": "首都机场T3",
    }
    made = worker.post("/api/travel/arrivals", json=body)
    assert made.status_code == 201, made.text
    obs = made.json()["observation"]
    assert obs["kind"] == "inbound" and obs["edition"] in {"BJ-2021-01-22", "9th-2022-06-28", "20-2022-11-11"}
    assert obs["popup2_until"] == str(arrived + timedelta(days=obs["centralised_days"] + obs["home_days"]))
    assert required and required[0].person_id == world.person.id
    handover = session.scalar(select(Assignment).where(Assignment.kind == "travel.handover"))
    assert handover.owner_jurisdiction_id == world.community.id and handover.subject_id == str(obs["id"])
    assert worker.post("/api/travel/arrivals", json=body).status_code == 409
    status = worker.get(f"/api/travel/people/{world.person.id}/status").json()
    assert [o["id"] for o in status["popup2"]] == [obs["id"]]
    bad = worker.post("/api/travel/arrivals", json={**body, "from_country": "1", "arrived_on": "2019-01-01"})
    assert {p["field"] for p in bad.json()["error"]["problems"]} == {"from_country", "arrived_on"}
    assert worker.get("/api/travel/observations").json()["items"][0]["id"] == obs["id"]


def test_returnee_observation_from_declaration(ctx, client, new_client, session, runtime):
    world = make_world(ctx)
    command = bearer(new_client(), world.city_command)
    assert _area(command, code=CHENGGUAN, level="high", lift_rule="high_7_then_3").status_code == 201
    stay(ctx, world.person, CHENGGUAN, 6, 1)
    rows = list(session.scalars(select(ObservationRequirement)))
    # Whatever edition is in force today decides; the 二十条 edition asks 7 days at home after a high area.
    assert len(rows) == 1 and rows[0].kind == "returnee" and rows[0].home_days == 7
