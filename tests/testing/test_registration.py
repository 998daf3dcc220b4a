"""Sample registration through the hot paths: requests share commits, each is checked on its own (ID
check character, health-code shape, zone pooling mode, one household per tube, capacity, round state)
with a bilingual error and nothing half-written; the batch upload keeps the valid tubes and reports the
others; retries add nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from lianfang.people.models import Household
from lianfang.testing import repository
from lianfang.testing.models import Sample, Tube
from lianfang.testing.rounds import service as rounds_service
from lianfang.testing.rules import ZoneArea
from lianfang.testing.samples import hot as fast
from tests.factories.accounts import bearer
from tests.factories.jurisdictions import make_city
from tests.factories.people import make_person, valid_id_number
from tests.factories.testing import TestingWorld, barcode


def _open(api, world, mode=None):
    code = barcode()
    body = {"barcode": code, "site_id": world.site.id, "round_id": world.round.id}
    answer = api.post("/api/testing/tubes", json=body | ({"mode": mode} if mode else {}))
    assert answer.status_code == 201, answer.text
    return code


def _count(session, code):
    session.expire_all()
    tube = session.scalar(select(Tube).where(Tube.barcode == code))
    return session.scalar(select(func.count()).where(Sample.tube_id == tube.id)), tube


def test_codes_are_checked_before_the_database(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx))
    api = bearer(client, world.sampler)
    code = _open(api, world)
    number = valid_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    bad = api.post(f"/api/testing/tubes/{code}/samples", json={"people": [world.people[0].pseudonym, wrong]})
    assert bad.status_code == 422
    problem = bad.json()["error"]["problems"][0]
    assert (
        problem["row"] == 2 and "校验位" in problem["message"] and "check character" in problem["message_en"]
    )
    odd = api.post(f"/api/testing/tubes/{code}/samples", json={"people": ["not a code!"]})
    assert odd.status_code == 422 and odd.json()["error"]["problems"][0]["message_en"].startswith("not a")
    assert api.post("/api/testing/tubes/x/samples", json={"people": ["abc"]}).status_code == 422
    assert _count(session, code)[0] == 0  # nothing half-written


def test_all_or_nothing_and_an_id_number_finds_the_person(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx))
    number = valid_id_number()
    person = make_person(ctx, world.community, "赵六", id_number=number)
    api = bearer(client, world.sampler)
    code = _open(api, world)
    mixed = [world.people[0].pseudonym, valid_id_number()]  # the second is not registered
    assert api.post(f"/api/testing/tubes/{code}/samples", json={"people": mixed}).status_code == 422
    assert _count(session, code)[0] == 0
    ok = api.post(f"/api/testing/tubes/{code}/samples", json={"people": [number.lower()]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["samples"][0]["person_id"] == person.id and ok.json()["sample_count"] == 1


def test_sealed_zone_and_household_tubes(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx))
    homes = [
        Household(code=f"H{i}", community_id=world.community.id, jurisdiction_path=world.community.path)
        for i in range(2)
    ]
    for home in homes:
        home.created_at = ctx.now
        ctx.session.add(home)
    ctx.session.flush()
    a, b, c = world.people[:3]
    a.household_id = b.household_id = homes[0].id
    c.household_id = homes[1].id
    ctx.session.flush()
    boss = bearer(client, world.command)
    zone = {"community_id": world.neighbour.id, "kind": "sealed", "ref": "control_zone:1", "name": "封控区1"}
    building = {"community_id": world.community.id, "kind": "controlled", "mode": "household"}
    answer = boss.post(
        f"/api/testing/rounds/{world.round.id}/zones",
        json={"zones": [zone, building | {"households": [homes[0].id], "ref": "control_zone:2"}]},
    )
    assert answer.status_code == 200, answer.text
    assert [z["mode"] for z in answer.json()] == ["single", "household"]
    areas = boss.get(f"/api/testing/rounds/{world.round.id}/areas").json()
    assert {a["zone_ref"] for a in areas} == {"control_zone:1", "control_zone:2"}
    outside = boss.post(
        f"/api/testing/rounds/{world.round.id}/zones",
        json={"zones": [{"community_id": world.far.id, "kind": "sealed"}]},
    )
    assert outside.status_code == 422

    api = bearer(client, world.sampler)
    pooled = _open(api, world)  # the site's community has no community-wide zone: 10-in-1
    sealed = world.neighbours[0].pseudonym
    refused = api.post(f"/api/testing/tubes/{pooled}/samples", json={"people": [sealed]})
    assert refused.status_code == 422 and "单采单检" in refused.json()["error"]["problems"][0]["message"]
    in_building = api.post(f"/api/testing/tubes/{pooled}/samples", json={"people": [a.pseudonym]})
    assert in_building.status_code == 422  # household zone: 1户1管, not 10-in-1
    single = _open(api, world, "single")
    assert api.post(f"/api/testing/tubes/{single}/samples", json={"people": [sealed]}).status_code == 200

    home = _open(api, world, "household")
    mixed = api.post(f"/api/testing/tubes/{home}/samples", json={"people": [a.pseudonym, c.pseudonym]})
    assert mixed.status_code == 422 and "household" in mixed.json()["error"]["problems"][0]["message_en"]
    same = api.post(f"/api/testing/tubes/{home}/samples", json={"people": [a.pseudonym, b.pseudonym]})
    assert same.status_code == 200, same.text
    later = api.post(f"/api/testing/tubes/{home}/samples", json={"people": [c.pseudonym]})
    assert later.status_code == 422
    assert _count(session, home)[1].household_id == homes[0].id


def test_batch_upload_keeps_valid_tubes_and_reports_the_rest(ctx, client, session):
    world = TestingWorld(ctx, make_city(ctx), people_per_community=12)
    api = bearer(client, world.sampler)
    first, second, small = _open(api, world), _open(api, world), _open(api, world, "pool5")
    people = [p.pseudonym for p in world.people]
    body = {
        "tubes": [
            {"barcode": first, "people": people[:10]},
            {"barcode": second, "people": people[10:12]},
            {"barcode": small, "people": people[:6]},  # 6 > 5: refused whole
            {"barcode": "NOPE0001", "people": people[:1]},
            {"barcode": second, "people": []},
        ]
    }
    answer = api.post("/api/testing/samples/batch", json=body)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["tubes_accepted"], report["tubes_refused"], report["samples_added"]) == (2, 3, 12)
    rows = {t["row"]: t for t in report["tubes"]}
    assert rows[1]["full"] and rows[2]["sample_count"] == 2
    assert rows[3]["error"]["status"] == 422 and rows[4]["error"]["status"] == 404
    assert rows[5]["error"]["problems"][0]["row"] == 5
    assert _count(session, small)[0] == 0
    again = api.post("/api/testing/samples/batch", json=body).json()
    assert again["samples_added"] == 0 and again["samples_duplicate"] == 12
    assert _count(session, first)[0] == 10
    auditor = bearer(client, world.auditor)
    assert auditor.post("/api/testing/samples/batch", json=body).status_code == 403


def test_closed_round_refuses_new_samples(ctx, client):
    world = TestingWorld(ctx, make_city(ctx))
    api = bearer(client, world.sampler)
    code = _open(api, world)
    rounds_service.close_round(ctx, world.round.id)
    ctx.session.flush()
    answer = api.post(f"/api/testing/tubes/{code}/samples", json={"people": [world.people[0].pseudonym]})
    assert answer.status_code == 409 and answer.json()["error"]["message_en"] == "the round is closed"


def test_concurrent_requests_share_commits(ctx, client, runtime, session):
    world = TestingWorld(ctx, make_city(ctx), people_per_community=40)
    session.commit()
    api = bearer(client, world.sampler)
    codes = [_open(api, world) for _ in range(4)]

    def post(i: int) -> tuple[int, str]:
        person = world.people[i].pseudonym
        answer = api.post(f"/api/testing/tubes/{codes[i % 4]}/samples", json={"people": [person]})
        return answer.status_code, answer.text

    with ThreadPoolExecutor(max_workers=16) as pool:  # the requests meet in the app's event loop
        answers = list(pool.map(post, range(40)))
    assert all(status == 200 for status, _ in answers), answers
    writer = fast.state_for(runtime).writer
    assert writer.commits < writer.rows  # requests that arrived together shared commits
    assert sum(_count(session, code)[0] for code in codes) == 40


def test_zone_area_mode_defaults_by_kind(ctx):
    world = TestingWorld(ctx, make_city(ctx))
    data = rounds_service.RoundInput(
        "第2轮",
        world.district.id,
        "pool20",
        zones=(ZoneArea(world.community.id, "medium"), ZoneArea(world.neighbour.id, "high")),
    )
    item = rounds_service.order_round(ctx, data)
    modes = {a.jurisdiction_id: a.mode for a in repository.round_area_list(ctx.session, item.id)}
    assert modes == {world.community.id: "pool10", world.neighbour.id: "single"}
