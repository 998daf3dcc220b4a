"""The resident's code page and API, family checks, appeals from the page, the API and the 12345 hotline,
the community's decision, and the walls around staff reads."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from lianfang.assignments.models import Assignment
from lianfang.control import service as orders
from lianfang.control.service import OrderInput
from lianfang.core.audit import AuditEntry
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime
from lianfang.healthcodes.models import Appeal
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys
from lianfang.people.models import Person
from tests.factories.accounts import bearer, csrf_of, make_user, page_login
from tests.factories.healthcodes import pool_positive
from tests.factories.people import make_person, resident_bearer, valid_id_number
from tests.factories.travel import days_ago, make_world


def _pool_positive(ctx: Ctx, person_id: int) -> None:
    person = ctx.session.get(Person, person_id)
    assert person is not None
    pool_positive(ctx, person)


def test_resident_sees_code_with_reasons_and_a_verifiable_token(ctx: Ctx, client: TestClient) -> None:
    world = make_world(ctx)
    orders.issue_order(ctx, OrderInput(world.person.id, "close", days_ago(ctx, 1), edition="bj2020"))
    resident = resident_bearer(client, ctx.session, ctx.settings, "13900000001")
    body = resident.get("/api/me/healthcode").json()
    mine = body["own"][0]
    assert mine["colour"] in ("red", "yellow")
    assert mine["name_masked"] == "李*"
    assert mine["reasons"][0]["source"].startswith("control_order:")
    assert mine["valid_until"].endswith("+00:00")
    ring = {k.kid: k for k in keys.public_keys(ctx.session, ctx.now)}
    verified = tokens.verify(mine["token"], ring, ctx.now)
    assert verified.colour == mine["colour"]
    page = resident.get("/me/healthcode")
    assert page.status_code == 200
    assert "居家" in page.text or "集中" in page.text
    assert "/static/healthcodes/rotate.js" in page.text
    qr = resident.get(f"/me/healthcode/{world.person.id}/qr.svg")
    assert (
        qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml") and "<svg" in qr.text
    )
    assert resident.get(f"/me/healthcode/{world.other.id}/qr.svg").status_code == 404


def test_appeal_from_the_page_goes_to_the_community_and_the_decision_clears_it(
    ctx: Ctx,
    client: TestClient,
    new_client,
    runtime: Runtime,  # type: ignore[no-untyped-def]
) -> None:
    world = make_world(ctx)
    _pool_positive(ctx, world.person.id)
    resident = resident_bearer(client, ctx.session, ctx.settings, "13900000001")
    assert resident.get("/api/me/healthcode").json()["own"][0]["popups"] == ["3"]
    token = csrf_of(resident, "/me/healthcode")
    empty = resident.post(
        f"/me/healthcode/{world.person.id}/appeal", data={"popup": "3", "statement": " ", "csrf_token": token}
    )
    assert empty.status_code == 422 and "申诉理由" in empty.text
    sent = resident.post(
        f"/me/healthcode/{world.person.id}/appeal",
        data={"popup": "3", "statement": "复核已阴性", "csrf_token": token},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    appeal = ctx.session.scalars(select(Appeal)).one()
    assert (appeal.channel, appeal.state) == ("self", "open")
    item = ctx.session.get(Assignment, appeal.assignment_id)
    assert (
        item is not None
        and item.owner_jurisdiction_id == world.community.id
        and item.kind == "healthcodes.appeal"
    )
    again = resident.post(
        "/api/healthcodes/appeals", json={"person_id": world.person.id, "popup": "3", "statement": "再次"}
    )
    assert again.status_code == 409
    # Another community's worker cannot see it; the person's own community decides it.
    other = bearer(new_client(), world.other_worker)
    assert (
        other.post(
            f"/api/healthcodes/appeals/{appeal.id}/decision", json={"outcome": "clear", "reason": "x"}
        ).status_code
        == 404
    )
    worker = page_login(new_client(), world.worker)
    listing = worker.get("/healthcodes/appeals")
    assert listing.status_code == 200 and "复核已阴性" in listing.text
    assert worker.get(f"/healthcodes/appeals/{appeal.id}").status_code == 200
    decided = worker.post(
        f"/healthcodes/appeals/{appeal.id}/decide",
        data={
            "outcome": "clear",
            "reason": "社区核实无风险",
            "csrf_token": csrf_of(worker, f"/healthcodes/appeals/{appeal.id}"),
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303
    ctx.session.expire_all()
    assert ctx.session.get(Appeal, appeal.id).state == "cleared"  # type: ignore[union-attr]
    assert ctx.session.get(Assignment, appeal.assignment_id).state == "done"  # type: ignore[union-attr]
    assert resident.get("/api/me/healthcode").json()["own"][0]["popups"] == []
    mine = resident.get("/me/healthcode").text
    assert "社区核实无风险" in mine
    verbs = set(ctx.session.scalars(select(AuditEntry.verb)))
    assert {"healthcodes.appeal.file", "healthcodes.appeal.clear"} <= verbs


def test_family_members_are_found_by_name_and_id_and_capped_at_four(ctx: Ctx, client: TestClient) -> None:
    world = make_world(ctx)
    resident = resident_bearer(client, ctx.session, ctx.settings, "13900000001")
    token = csrf_of(resident, "/me/healthcode")
    bad = resident.post(
        "/me/healthcode/family", data={"name": "王五", "id_number": "110105199001011234", "csrf_token": token}
    )
    assert (bad.status_code == 422 and "校验位" in bad.text) or "身份证" in bad.text
    numbers = [valid_id_number() for _ in range(5)]
    for i, number in enumerate(numbers):
        make_person(ctx, world.community, name=f"家人{i}", id_number=number)
    wrong_name = resident.post(
        "/me/healthcode/family", data={"name": "别人", "id_number": numbers[0], "csrf_token": token}
    )
    assert wrong_name.status_code == 422 and "不匹配" in wrong_name.text
    for i in range(4):
        ok = resident.post(
            "/me/healthcode/family",
            data={"name": f"家人{i}", "id_number": numbers[i], "csrf_token": token},
            follow_redirects=False,
        )
        assert ok.status_code == 303
    fifth = resident.post(
        "/me/healthcode/family", data={"name": "家人4", "id_number": numbers[4], "csrf_token": token}
    )
    assert fifth.status_code == 422 and "最多" in fifth.text
    assert len(resident.get("/api/me/healthcode").json()["family"]) == 4


def test_hotline_operator_files_for_a_caller_and_staff_reads_are_walled(
    ctx: Ctx,
    client: TestClient,
    new_client,  # type: ignore[no-untyped-def]
) -> None:
    world = make_world(ctx)
    number = valid_id_number()
    caller = make_person(ctx, world.community, name="赵六", id_number=number)
    _pool_positive(ctx, caller.id)
    command = page_login(client, world.city_command)
    form = command.get("/healthcodes/hotline")
    assert form.status_code == 200
    filed = command.post(
        "/healthcodes/hotline",
        data={
            "name": "赵六",
            "id_number": number,
            "popup": "3",
            "statement": "来电称已复核",
            "csrf_token": csrf_of(command, "/healthcodes/hotline"),
        },
        follow_redirects=False,
    )
    assert filed.status_code == 303
    appeal = ctx.session.scalars(select(Appeal).where(Appeal.person_id == caller.id)).one()
    assert appeal.channel == "hotline"
    staff = bearer(new_client(), world.worker)
    body = staff.get(f"/api/healthcodes/people/{caller.id}").json()
    assert body["popups"] == ["3"] and body["reasons"][0]["kind"] == "pool_positive"
    assert (
        bearer(new_client(), world.other_worker).get(f"/api/healthcodes/people/{caller.id}").status_code
        == 404
    )
    venue_operator = make_user(ctx, "venue_operator", world.community)
    assert bearer(new_client(), venue_operator).get(f"/api/healthcodes/people/{caller.id}").status_code == 403
    page = page_login(new_client(), world.worker).get(f"/healthcodes/people/{caller.id}")
    assert page.status_code == 200 and "pool" in page.text
    reads = ctx.session.scalars(select(AuditEntry).where(AuditEntry.verb == "healthcodes.view")).all()
    assert len(reads) >= 2


def test_bulk_decision_reports_each_problem(ctx: Ctx, client: TestClient) -> None:
    world = make_world(ctx)
    _pool_positive(ctx, world.person.id)
    worker = page_login(client, world.worker)
    from lianfang.healthcodes.appeals import service as appeal_service

    appeal = appeal_service.file_appeal(ctx, world.person, "3", "请核实", "hotline")
    token = csrf_of(worker, "/healthcodes/appeals")
    missing = worker.post(
        "/healthcodes/appeals/decide",
        data={"ids": [str(appeal.id)], "outcome": "keep", "reason": "", "csrf_token": token},
    )
    assert missing.status_code == 422 and "理由" in missing.text
    done = worker.post(
        "/healthcodes/appeals/decide",
        data={"ids": [str(appeal.id)], "outcome": "keep", "reason": "仍需排查", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    ctx.session.expire_all()
    kept = ctx.session.get(Appeal, appeal.id)
    assert kept is not None and kept.state == "kept"
    assert worker.get("/api/healthcodes/rules").json()["editions"][0]["edition"] == "bj2022-02"
