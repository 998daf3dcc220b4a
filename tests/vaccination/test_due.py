"""The due list (keyset pages, masked data, the actor's jurisdiction only), the person record and staff
entry through the API, the walls (another district → 404, no permission → 403) and the bulk actions."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.core.audit import AuditEntry
from lianfang.vaccination import repository
from lianfang.vaccination.models import VaccinationStatus
from tests.factories.accounts import bearer
from tests.factories.vaccination import born_years_ago, days_ago, give, make_world, person


def _due_people(ctx, w, n=3):
    found = []
    for i in range(n):
        who, _ = person(
            ctx,
            w.community if i % 2 == 0 else w.city["110105002001"],
            born_years_ago(ctx, 30 + i),
            f"李{i}明",
        )
        give(ctx, who, (1, "cansino", days_ago(ctx, 200 + i)))
        found.append(who)
    far, _ = person(ctx, w.other_community, born_years_ago(ctx, 45), "王五")
    give(ctx, far, (1, "cansino", days_ago(ctx, 300)))
    return found, far


def test_due_list_pages_in_scope_with_masked_names(ctx, client, new_client):
    w = make_world(ctx)
    mine, far = _due_people(ctx, w)
    command = bearer(client, w.chaoyang)
    first = command.get("/api/vaccination/due?limit=2").json()
    assert len(first["items"]) == 2 and first["next_after"] is not None
    second = command.get(f"/api/vaccination/due?limit=2&after={first['next_after']}").json()
    ids = [i["person_id"] for i in first["items"] + second["items"]]
    assert sorted(ids) == sorted(p.id for p in mine) and second["next_after"] is None
    assert far.id not in ids and all(
        "*" in i["name_masked"] and "*" in i["id_masked"] for i in first["items"]
    )
    worker = bearer(new_client(), w.worker).get("/api/vaccination/due").json()
    assert {i["person_id"] for i in worker["items"]} == {mine[0].id, mine[2].id}  # their community only
    assert bearer(new_client(), w.lab).get("/api/vaccination/due").status_code == 403


def test_person_record_walls_and_staff_entry(ctx, client, new_client, session):
    w = make_world(ctx)
    mine, far = _due_people(ctx, w, 1)
    worker = bearer(client, w.worker)
    record = worker.get(f"/api/vaccination/people/{mine[0].id}").json()
    assert record["summary"]["primary_complete"] and record["summary"]["booster_due_on"]
    assert worker.get(f"/api/vaccination/people/{far.id}").status_code == 404
    assert bearer(new_client(), w.lab).get(f"/api/vaccination/people/{mine[0].id}").status_code == 403
    body = {
        "dose_number": 2,
        "product": "sinopharm_bibp",
        "dosed_on": str(days_ago(ctx, 1)),
        "site_code": "S9",
    }
    assert worker.post(f"/api/vaccination/people/{far.id}/doses", json=body).status_code == 404
    created = worker.post(f"/api/vaccination/people/{mine[0].id}/doses", json=body)
    assert created.status_code == 201, created.text
    again = worker.post(f"/api/vaccination/people/{mine[0].id}/doses", json=body)
    assert again.status_code == 422 and again.json()["error"]["problems"][0]["field"] == "dose_number"
    early = body | {"dose_number": 3, "dosed_on": str(days_ago(ctx, 400))}
    assert (
        worker.post(f"/api/vaccination/people/{mine[0].id}/doses", json=early).json()["error"]["problems"][0][
            "field"
        ]
        == "dosed_on"
    )
    investigator = bearer(new_client(), w.investigator)
    assert investigator.post(f"/api/vaccination/people/{mine[0].id}/doses", json=body).status_code == 403
    summary = repository.summary_for(session, mine[0].id, days_ago(ctx, 0))
    assert summary.booster_received and summary.doses == 2 and summary.booster_due_on is None
    assert [d.dose_number for d in repository.doses_for(session, mine[0].id)] == [1, 2]
    assert session.get(VaccinationStatus, mine[0].id).state == "boosted"
    verbs = set(session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_id == str(mine[0].id))))
    assert "vaccination.person.read" in verbs


def test_bulk_outreach_creates_one_assignment_per_community(ctx, client, new_client, session):
    w = make_world(ctx)
    mine, far = _due_people(ctx, w)
    command = bearer(client, w.chaoyang)
    ids = [p.id for p in mine]
    made = command.post("/api/vaccination/due/outreach", json={"person_ids": ids})
    assert made.status_code == 201, made.text
    items = session.scalars(select(Assignment).where(Assignment.kind == "vaccination.outreach")).all()
    assert len(items) == 2 and {i.owner_jurisdiction_id for i in items} == {
        w.community.id,
        w.city["110105002001"].id,
    }
    assert all(i.deadline > ctx.now and "/vaccination/due" in i.body for i in items)
    assert mine[0].name not in items[0].body + items[1].body  # names are masked in the item
    session.expire_all()
    assert all(
        session.get(VaccinationStatus, p.id).outreach_assignment_id in made.json()["assignment_ids"]
        for p in mine
    )
    assert (
        command.post("/api/vaccination/due/outreach", json={"person_ids": [*ids, far.id]}).status_code == 404
    )
    assert command.post("/api/vaccination/due/outreach", json={"person_ids": []}).status_code == 422
    worker = bearer(new_client(), w.worker)  # no assignments.issue: outreach is for supervisors
    assert worker.post("/api/vaccination/due/outreach", json={"person_ids": [mine[0].id]}).status_code == 403
    marked = worker.post(
        "/api/vaccination/due/contacted", json={"person_ids": [mine[0].id], "note": "电话已通知"}
    )
    assert marked.json() == {"marked": 1}
    assert worker.post("/api/vaccination/due/contacted", json={"person_ids": [far.id]}).status_code == 404
    session.expire_all()
    row = session.get(VaccinationStatus, mine[0].id)
    assert row.contacted_at is not None and row.contact_note == "电话已通知"
