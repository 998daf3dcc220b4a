"""Assignment pages end to end: my work with bulk acknowledge, the issue form, one item's actions and
timeline, the board with drill-down, and the walls."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lianfang.assignments import rules
from lianfang.assignments.models import Assignment, AssignmentEvidence
from lianfang.core.audit import AuditEntry
from tests.factories.accounts import csrf_of, page_login
from tests.factories.assignments import Cast, make_assignment
from tests.factories.jurisdictions import make_city


def _state(session, item_id):
    session.expire_all()
    return session.get(Assignment, item_id).state


def test_my_work_lists_my_items_and_acknowledges_a_selection(ctx, client, session):
    cast = Cast(ctx, make_city(ctx))
    mine = [
        make_assignment(ctx, cast.community, issuer=cast.district_command, title=f"排查{i}") for i in range(2)
    ]
    other = make_assignment(ctx, cast.city["110105002001"], issuer=cast.district_command, title="别人的事")
    page_login(client, cast.worker)
    html = client.get("/work").text
    assert "排查0" in html and "排查1" in html and "别人的事" not in html
    token = csrf_of(client, "/work")
    response = client.post(
        "/work/bulk",
        data={"csrf_token": token, "action": "acknowledge", "ids": [str(a.id) for a in mine]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert [_state(session, a.id) for a in mine] == ["acknowledged", "acknowledged"]
    assert "2" in client.get(response.headers["location"]).text
    again = client.post(
        "/work/bulk", data={"csrf_token": token, "action": "acknowledge", "ids": [str(mine[0].id)]}
    )
    assert again.status_code == 422 and "problems" in again.text
    assert client.get("/work?state=acknowledged&late=1").status_code == 200
    assert client.get(f"/assignments/{other.id}").status_code == 404
    assert (
        client.post("/work/bulk", data={"action": "acknowledge", "ids": [str(mine[0].id)]}).status_code == 403
    )


def test_a_tampered_selection_is_a_problem_on_the_form_and_changes_nothing(ctx, client, session):
    cast = Cast(ctx, make_city(ctx))
    mine = make_assignment(ctx, cast.community, issuer=cast.district_command, title="排查")
    page_login(client, cast.worker)
    token = csrf_of(client, "/work")
    tampered = client.post(
        "/work/bulk", data={"csrf_token": token, "action": "acknowledge", "ids": [str(mine.id), "1; drop"]}
    )
    assert tampered.status_code == 422 and "所选记录无效" in tampered.text and "排查" in tampered.text
    twice = client.post(
        "/work/bulk",
        data={"csrf_token": token, "action": "acknowledge", "ids": [str(mine.id), f" {mine.id} "]},
        follow_redirects=False,
    )
    assert twice.status_code == 303 and "done=1" in twice.headers["location"]
    assert _state(session, mine.id) == "acknowledged"


def test_issue_form_defaults_to_the_end_of_today(ctx, client, session):
    cast = Cast(ctx, make_city(ctx))
    page_login(client, cast.district_command)
    form = client.get("/assignments/new")
    assert form.status_code == 200 and "datetime-local" in form.text and cast.community.name in form.text
    token = csrf_of(client, "/assignments/new")
    bad = client.post(
        "/assignments/new",
        data={
            "csrf_token": token,
            "title": "",
            "owner_jurisdiction_id": str(cast.community.id),
            "deadline": "x",
        },
    )
    assert bad.status_code == 422 and "problems" in bad.text
    unknown = client.post(
        "/assignments/new",
        data={
            "csrf_token": token,
            "title": "排查",
            "owner_jurisdiction_id": str(cast.community.id),
            "owner_username": "nobody",
        },
    )
    assert unknown.status_code == 422
    made = client.post(
        "/assignments/new",
        data={
            "csrf_token": token,
            "title": "当日完成核酸筛查",
            "body": "落实市里部署要求不过夜",
            "owner_jurisdiction_id": str(cast.community.id),
            "owner_username": cast.worker.username,
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    item_id = int(made.headers["location"].rsplit("/", 1)[1])
    item = session.get(Assignment, item_id)
    assert item.owner_user_id == cast.worker.id and item.deadline == rules.default_deadline(item.issued_at)
    timed = client.post(
        "/assignments/new",
        data={
            "csrf_token": token,
            "title": "限时",
            "owner_jurisdiction_id": str(cast.community.id),
            "deadline": "2099-05-01T18:30",
        },
        follow_redirects=False,
    )
    timed_item = session.get(Assignment, int(timed.headers["location"].rsplit("/", 1)[1]))
    assert timed_item.deadline.isoformat() == "2099-05-01T10:30:00+00:00"
    page_login(client, cast.worker)
    assert client.get("/assignments/new").status_code == 403


def test_item_page_actions_timeline_and_evidence(ctx, client, new_client, session):
    cast = Cast(ctx, make_city(ctx))
    item = make_assignment(
        ctx, cast.community, issuer=cast.district_command, owner_user=cast.worker, title="入户排查"
    )
    page_login(client, cast.worker)
    page = client.get(f"/assignments/{item.id}").text
    assert f'action="/assignments/{item.id}/acknowledge"' in page
    assert (
        f'action="/assignments/{item.id}/cancel"' not in page
        and f'action="/assignments/{item.id}/complete"' not in page
    )
    token = csrf_of(client, f"/assignments/{item.id}")
    assert (
        client.post(
            f"/assignments/{item.id}/acknowledge", data={"csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    noted = client.post(
        f"/assignments/{item.id}/notes",
        data={"csrf_token": token, "text": "已完成一半"},
        files={"file": ("photo.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg")},
        follow_redirects=False,
    )
    assert noted.status_code == 303
    empty = client.post(f"/assignments/{item.id}/complete", data={"csrf_token": token, "note": ""})
    assert empty.status_code == 422
    done = client.post(
        f"/assignments/{item.id}/complete",
        data={"csrf_token": token, "note": "全部完成"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and _state(session, item.id) == "done"
    page = client.get(f"/assignments/{item.id}").text
    assert "已完成一半" in page and "全部完成" in page and "photo.jpg" in page
    link = re.search(r'href="(/api/assignments/\d+/evidence/\d+)"', page)
    assert link is not None and client.get(link.group(1)).content == b"\xff\xd8\xff fake jpeg"
    assert session.scalar(select(func.count()).select_from(AssignmentEvidence)) == 1

    boss = page_login(new_client(), cast.district_command)
    page = boss.get(f"/assignments/{item.id}").text
    assert f'action="/assignments/{item.id}/return"' in page
    token = csrf_of(boss, f"/assignments/{item.id}")
    assert (
        boss.post(f"/assignments/{item.id}/return", data={"csrf_token": token, "note": ""}).status_code == 422
    )
    boss.post(f"/assignments/{item.id}/return", data={"csrf_token": token, "note": "材料不全"})
    assert _state(session, item.id) == "returned"
    moved = boss.post(
        f"/assignments/{item.id}/reassign",
        data={"csrf_token": token, "owner_user_id": str(cast.colleague.id)},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    wrong = boss.post(
        f"/assignments/{item.id}/reassign",
        data={"csrf_token": token, "owner_user_id": str(cast.other_worker.id)},
    )
    assert wrong.status_code == 422
    boss.post(f"/assignments/{item.id}/cancel", data={"csrf_token": token, "note": ""})
    assert _state(session, item.id) == "cancelled"
    english = boss.get(f"/assignments/{item.id}?lang=en").text
    assert "Cancelled" in english and "Timeline" in english
    verbs = set(session.scalars(select(AuditEntry.verb).where(AuditEntry.subject_id == str(item.id))))
    assert {"assignment.acknowledge", "assignment.note", "assignment.complete", "assignment.return"} <= verbs
    assert {"assignment.reassign", "assignment.cancel", "assignment.evidence_read"} <= verbs


def test_board_and_drill_down(ctx, client, runtime, session):
    from datetime import timedelta

    from lianfang.core.jobs import tick

    cast = Cast(ctx, make_city(ctx))
    late = make_assignment(ctx, cast.community, issuer=cast.district_command, title="甲项督办")
    make_assignment(ctx, cast.city["110105002001"], issuer=cast.district_command, title="乙项督办")
    session.commit()
    tick(runtime, {}, 0.0, now=late.deadline + timedelta(hours=5))  # street, then district watches it
    page_login(client, cast.district_command)
    board = client.get("/assignments/board")
    assert board.status_code == 200
    assert "建外街道" in board.text and "朝外街道" in board.text and "甲项督办" in board.text
    drill = client.get(f"/assignments/board?jurisdiction_id={cast.street.id}")
    assert "建外街道第1社区" in drill.text and "甲项督办" not in drill.text  # escalated past the street
    listing = client.get(f"/work?jurisdiction_id={cast.street.id}&state=all").text
    assert "甲项督办" in listing and "乙项督办" not in listing
    assert client.get(f"/assignments/board?jurisdiction_id={cast.city['110108'].id}").status_code == 404
    page_login(client, cast.auditor)
    assert client.get("/assignments/board").status_code == 403
