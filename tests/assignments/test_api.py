"""Assignments through the JSON API: the full journey, return, cancel, bulk, lists, board and the walls."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from lianfang.accounts.access import staff_actor
from lianfang.assignments import rules, service
from lianfang.assignments.models import Assignment
from lianfang.assignments.repository import my_work_counts
from lianfang.core.audit import AuditEntry
from tests.factories.accounts import bearer
from tests.factories.assignments import Cast, as_user, make_assignment
from tests.factories.jurisdictions import make_city


def _verbs(session, assignment_id):
    rows = session.scalars(
        select(AuditEntry.verb)
        .where(AuditEntry.subject_type == "assignment", AuditEntry.subject_id == str(assignment_id))
        .order_by(AuditEntry.id)
    )
    return list(rows)


def test_issue_acknowledge_note_with_evidence_complete(ctx, client, new_client, session):
    cast = Cast(ctx, make_city(ctx))
    boss = bearer(client, cast.district_command)
    made = boss.post(
        "/api/assignments",
        json={
            "title": "今日完成辖区重点人员排查",
            "body": "不过夜",
            "owner_jurisdiction_id": cast.community.id,
            "owner_user_id": cast.worker.id,
        },
    )
    assert made.status_code == 201, made.text
    item = made.json()
    assert item["state"] == "issued" and item["escalation_level"] == 0
    assert item["watch_path"] == cast.community.path
    stored = session.get(Assignment, item["id"])
    assert stored is not None and stored.deadline == rules.default_deadline(stored.issued_at)
    assert stored.remind_at == rules.remind_time(stored.deadline, stored.issued_at, 2)

    worker = bearer(new_client(), cast.worker)
    acknowledged = worker.post(f"/api/assignments/{item['id']}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == "acknowledged"
    content = b"%PDF-1.4 door-to-door list"
    note = worker.post(
        f"/api/assignments/{item['id']}/notes",
        data={"text": "已排查120户"},
        files={"file": ("排查表.pdf", content, "application/pdf")},
    )
    assert note.status_code == 201, note.text
    evidence = note.json()["evidence"][0]
    assert evidence["sha256"] == hashlib.sha256(content).hexdigest() and evidence["size"] == len(content)
    assert worker.post(f"/api/assignments/{item['id']}/complete", json={"note": ""}).status_code == 422
    done = worker.post(f"/api/assignments/{item['id']}/complete", json={"note": "全部完成"})
    assert done.status_code == 200 and done.json()["state"] == "done" and done.json()["done_at"]

    detail = boss.get(f"/api/assignments/{item['id']}").json()
    assert [n["kind"] for n in detail["notes"]] == ["state", "state", "note", "state"]
    assert [n["state_to"] for n in detail["notes"] if n["kind"] == "state"] == [
        "issued",
        "acknowledged",
        "done",
    ]
    assert detail["actions"] == ["return", "note"]
    downloaded = boss.get(evidence["url"])
    assert downloaded.status_code == 200 and downloaded.content == content
    assert "attachment" in downloaded.headers["content-disposition"]
    assert _verbs(session, item["id"]) == [
        "assignment.issue",
        "assignment.acknowledge",
        "assignment.note",
        "assignment.complete",
        "assignment.evidence_read",
    ]


def test_return_then_resume_and_cancel(ctx, client, new_client, session):
    cast = Cast(ctx, make_city(ctx))
    item = make_assignment(ctx, cast.community, issuer=cast.district_command, owner_user=cast.worker)
    other = make_assignment(ctx, cast.community, issuer=cast.district_command)
    boss = bearer(client, cast.district_command)
    worker = bearer(new_client(), cast.worker)
    worker.post(f"/api/assignments/{item.id}/acknowledge")
    worker.post(f"/api/assignments/{item.id}/complete", json={"note": "好了"})
    assert worker.post(f"/api/assignments/{item.id}/return", json={"note": "x"}).status_code == 403
    assert boss.post(f"/api/assignments/{item.id}/return", json={"note": " "}).status_code == 422
    returned = boss.post(f"/api/assignments/{item.id}/return", json={"note": "缺少台账"})
    assert returned.json()["state"] == "returned" and returned.json()["done_at"] is None
    assert worker.post(f"/api/assignments/{item.id}/start").json()["state"] == "in_progress"
    assert (
        worker.post(f"/api/assignments/{item.id}/complete", json={"note": "已补台账"}).json()["state"]
        == "done"
    )

    assert worker.post(f"/api/assignments/{other.id}/cancel").status_code == 403
    assert (
        boss.post(f"/api/assignments/{other.id}/cancel", json={"note": "重复下发"}).json()["state"]
        == "cancelled"
    )
    conflict = worker.post(f"/api/assignments/{other.id}/acknowledge")
    assert conflict.status_code == 409 and conflict.json()["error"]["message_zh"]
    open_count, _ = my_work_counts(session, staff_actor(session, cast.worker, None), ctx.now)
    assert open_count == 0
    assert "assignment.return" in _verbs(session, item.id) and "assignment.cancel" in _verbs(
        session, other.id
    )


def test_walls(ctx, client, new_client):
    cast = Cast(ctx, make_city(ctx))
    item = make_assignment(ctx, cast.community, issuer=cast.district_command, owner_user=cast.worker)
    url = f"/api/assignments/{item.id}"
    stranger = bearer(client, cast.other_worker)
    assert stranger.get(url).status_code == 404
    assert stranger.post(f"{url}/acknowledge").status_code == 404
    assert bearer(new_client(), cast.other_district).get(url).status_code == 404
    colleague = bearer(new_client(), cast.colleague)
    assert colleague.get(url).status_code == 200
    assert colleague.post(f"{url}/acknowledge").status_code == 403
    street = bearer(new_client(), cast.street_worker)
    assert street.get(url).status_code == 200  # a supervisor up the tree sees it
    assert street.post(f"{url}/acknowledge").status_code == 403
    assert bearer(new_client(), cast.auditor).get("/api/assignments").status_code == 403
    owner = bearer(new_client(), cast.worker)
    assert owner.post(f"{url}/acknowledge").status_code == 200
    assert owner.post(f"{url}/approve").status_code == 404


def test_issue_validation_and_scope(ctx, client, new_client):
    cast = Cast(ctx, make_city(ctx))
    boss = bearer(client, cast.district_command)
    haidian = cast.city["110108001001"]
    outside = boss.post("/api/assignments", json={"title": "越界", "owner_jurisdiction_id": haidian.id})
    assert outside.status_code == 422
    assert outside.json()["error"]["problems"][0]["field"] == "owner_jurisdiction_id"
    bad = boss.post(
        "/api/assignments",
        json={
            "title": "",
            "owner_jurisdiction_id": cast.community.id,
            "owner_user_id": cast.other_worker.id,
            "deadline": "2020-01-01T10:00:00+08:00",
        },
    ).json()
    assert {p["field"] for p in bad["error"]["problems"]} == {"title", "deadline", "owner_user_id"}
    naive = boss.post(
        "/api/assignments",
        json={
            "title": "本地时间",
            "owner_jurisdiction_id": cast.community.id,
            "deadline": "2099-01-01T18:00:00",
        },
    )
    assert naive.status_code == 201 and naive.json()["deadline"].startswith("2099-01-01T10:00:00")
    worker = bearer(new_client(), cast.worker)
    assert (
        worker.post(
            "/api/assignments", json={"title": "x", "owner_jurisdiction_id": cast.community.id}
        ).status_code
        == 403
    )


def test_bulk_is_all_or_nothing(ctx, client, new_client, session):
    cast = Cast(ctx, make_city(ctx))
    items = [make_assignment(ctx, cast.community, issuer=cast.district_command) for _ in range(3)]
    ids = [a.id for a in items]
    worker = bearer(client, cast.worker)
    worker.post(f"/api/assignments/{ids[0]}/acknowledge")
    refused = worker.post("/api/assignments/bulk", json={"action": "acknowledge", "ids": ids})
    assert refused.status_code == 422
    assert [p["field"] for p in refused.json()["error"]["problems"]] == ["ids"]
    session.expire_all()
    assert [session.get(Assignment, i).state for i in ids] == ["acknowledged", "issued", "issued"]
    done = worker.post("/api/assignments/bulk", json={"action": "acknowledge", "ids": ids[1:]})
    assert done.json()["updated"] == ids[1:]
    boss = bearer(new_client(), cast.district_command)
    wrong = boss.post(
        "/api/assignments/bulk",
        json={"action": "reassign", "ids": ids, "owner_user_id": cast.other_worker.id},
    )
    assert wrong.status_code == 422
    moved = boss.post(
        "/api/assignments/bulk", json={"action": "reassign", "ids": ids, "owner_user_id": cast.colleague.id}
    )
    assert moved.status_code == 200 and moved.json()["updated"] == ids
    session.expire_all()
    assert {session.get(Assignment, i).owner_user_id for i in ids} == {cast.colleague.id}
    hidden = make_assignment(ctx, cast.city["110108001001"])
    stranger = worker.post("/api/assignments/bulk", json={"action": "acknowledge", "ids": [hidden.id]})
    assert stranger.status_code == 422 and "not found" in stranger.json()["error"]["message_en"]
    assert _verbs(session, ids[2]).count("assignment.reassign") == 1


def test_list_filters_and_keyset_pages(ctx, client, new_client):
    cast = Cast(ctx, make_city(ctx))
    mine = [make_assignment(ctx, cast.community, issuer=cast.district_command) for _ in range(3)]
    make_assignment(ctx, cast.city["110105002001"], issuer=cast.district_command)
    make_assignment(ctx, cast.city["110108001001"])
    worker = bearer(client, cast.worker)
    first = worker.get("/api/assignments?mine=true&limit=2").json()
    assert [a["id"] for a in first["items"]] == [mine[0].id, mine[1].id] and first["next_after"] == mine[1].id
    rest = worker.get(f"/api/assignments?mine=true&limit=2&after={first['next_after']}").json()
    assert [a["id"] for a in rest["items"]] == [mine[2].id] and rest["next_after"] is None
    boss = bearer(new_client(), cast.district_command)
    assert len(boss.get("/api/assignments").json()["items"]) == 4
    street = boss.get(f"/api/assignments?owner_jurisdiction_id={cast.street.id}").json()
    assert {a["id"] for a in street["items"]} == {a.id for a in mine}
    assert boss.get(f"/api/assignments?owner_jurisdiction_id={cast.city['110108'].id}").status_code == 404
    assert boss.get("/api/assignments?state=done").json()["items"] == []
    assert boss.get("/api/assignments?late=true").json()["items"] == []


def test_board_counts(ctx, client):
    cast = Cast(ctx, make_city(ctx))
    a = make_assignment(ctx, cast.community, issuer=cast.district_command)
    make_assignment(ctx, cast.city["110105002001"], issuer=cast.district_command)
    make_assignment(ctx, cast.district, issuer=cast.city_command)
    boss = bearer(client, cast.district_command)
    as_worker = as_user(ctx, cast.worker)
    service.transition(as_worker, a.id, "acknowledge")
    service.transition(as_worker, a.id, "complete", "完成")
    board = boss.get("/api/assignments/board").json()
    rows = {r["name"]: r for r in board["rows"]}
    assert board["rows"][0]["own"] is True and board["rows"][0]["open"] == 1
    assert rows["建外街道"]["done"] == 1 and rows["建外街道"]["open"] == 0
    assert rows["朝外街道"]["open"] == 1
    assert board["rows"][-1]["open"] == 2 and board["rows"][-1]["done"] == 1
    drill = boss.get(f"/api/assignments/board?jurisdiction_id={cast.street.id}").json()
    assert [r["name"] for r in drill["rows"]][1:3] == ["建外街道第1社区", "建外街道第2社区"]
    assert boss.get(f"/api/assignments/board?jurisdiction_id={cast.city['110108'].id}").status_code == 404


def test_the_api_is_documented(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/assignments", "/api/assignments/bulk", "/api/assignments/board"} <= set(paths)
    assert "/api/assignments/{assignment_id}/evidence/{evidence_id}" in paths
