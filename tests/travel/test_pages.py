"""Travel pages end to end: every page renders in both languages, every form posts with its token and
changes the database, errors re-render the form with 422."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core.jobs import run_due_jobs
from lianfang.travel.models import InboundArrival, RiskArea, TravelFlag, TravelRecord
from tests.factories.accounts import csrf_of, page_login
from tests.factories.people import resident_bearer, valid_id_number
from tests.factories.travel import CHENGGUAN, WUCHANG, days_ago, make_world, stay, today


def test_public_page_and_command_editor(ctx, client, new_client, session):
    world = make_world(ctx)
    assert "暂无风险地区" in client.get("/risk-areas").text
    command = page_login(new_client(), world.city_command)
    page = command.get("/travel/risk-areas")
    assert page.status_code == 200 and "新增风险地区" in page.text
    token = csrf_of(command, "/travel/risk-areas")
    form = {
        "csrf_token": token,
        "place_code": WUCHANG,
        "level": "high",
        "starts_on": str(today(ctx)),
        "source": "湖北省卫健委通报",
        "lift_rule": "high_7_then_3",
        "area_name": "某小区",
    }
    bad = command.post("/travel/risk-areas", data={**form, "place_code": "999999"})
    assert bad.status_code == 422 and "区划代码" in bad.text
    made = command.post("/travel/risk-areas", data=form, follow_redirects=False)
    assert made.status_code == 303
    area = session.scalar(select(RiskArea))
    assert area is not None and area.area_name == "某小区"
    public = client.get("/risk-areas")
    assert "湖北省武汉市武昌区" in public.text and "高风险区" in public.text
    assert "High-risk area" in client.get("/risk-areas?lang=en").text
    client.get("/risk-areas?lang=zh_CN")
    token = csrf_of(command, "/travel/risk-areas")
    assert (
        command.post(
            f"/travel/risk-areas/{area.id}/lift", data={"csrf_token": token, "reason": ""}
        ).status_code
        == 422
    )
    lifted = command.post(
        f"/travel/risk-areas/{area.id}/lift",
        data={"csrf_token": token, "reason": "连续7天无新增"},
        follow_redirects=False,
    )
    session.expire_all()
    assert lifted.status_code == 303 and session.get(RiskArea, area.id).active is False


def test_resident_declares_on_the_phone_page(ctx, client, session, runtime):
    world = make_world(ctx)
    resident = resident_bearer(client, session, ctx.settings, "13900000001")
    page = resident.get("/me/travel")
    assert page.status_code == 200 and "申报京外行程" in page.text and "无行程弹窗" in page.text
    token = csrf_of(resident, "/me/travel")
    form = {
        "csrf_token": token,
        "person_id": str(world.person.id),
        "place_code": WUCHANG,
        "from_on": str(days_ago(ctx, 5)),
        "to_on": str(days_ago(ctx, 8)),
    }
    bad = resident.post("/me/travel", data=form)
    assert bad.status_code == 422 and "返回日期早于出发日期" in bad.text
    ok = resident.post("/me/travel", data={**form, "to_on": str(days_ago(ctx, 2))}, follow_redirects=False)
    assert ok.status_code == 303
    assert (
        session.scalar(select(TravelRecord.source).where(TravelRecord.person_id == world.person.id))
        == "declaration"
    )
    assert "武昌区" in resident.get("/me/travel").text


def test_worker_flag_list_and_bulk_verify(ctx, client, new_client, session, runtime):
    world = make_world(ctx)
    stay(ctx, world.person, CHENGGUAN, 10, 3)
    from lianfang.travel import service

    service.create_risk_area(
        ctx, service.RiskAreaInput(CHENGGUAN, "county", today(ctx), "甘肃省通报", "no_new_14d")
    )
    session.commit()
    run_due_jobs(runtime)
    worker = page_login(new_client(), world.worker)
    page = worker.get("/travel/flags")
    assert page.status_code == 200 and "李四" in page.text and 'name="flag_ids"' in page.text
    flag = session.scalar(select(TravelFlag))
    token = csrf_of(worker, "/travel/flags")
    missing = worker.post(
        "/travel/flags/verify", data={"csrf_token": token, "flag_ids": [str(flag.id)], "note": ""}
    )
    assert missing.status_code == 422
    done = worker.post(
        "/travel/flags/verify", data={"csrf_token": token, "flag_ids": [str(flag.id)], "note": "已核实"}
    )
    assert done.status_code == 200 and "已核查" in done.text
    session.expire_all()
    assert session.get(TravelFlag, flag.id).state == "verified"
    assert "李四" in worker.get("/travel/flags?state=verified").text
    assert "Travel checks" in worker.get("/travel/flags?lang=en").text
    worker.get("/travel/flags?lang=zh_CN")


def test_records_import_and_arrivals_pages(ctx, client, new_client, session):
    world = make_world(ctx)
    from lianfang.people.models import Person
    from tests.factories.people import make_person

    number = valid_id_number()
    person: Person = make_person(ctx, world.community, name="赵六", id_number=number)
    command = page_login(new_client(), world.city_command)
    assert command.get("/travel/records").status_code == 200
    token = csrf_of(command, "/travel/records")
    body = (
        "id_number,place_code,from_on,to_on,ref\n"
        f"{number},{WUCHANG},{days_ago(ctx, 9)},{days_ago(ctx, 2)},CA1234-1\n"
        f"bad,{WUCHANG},{days_ago(ctx, 9)},,CA1234-2\n"
    )
    shown = command.post(
        "/travel/records/import",
        data={"csrf_token": token, "source": "carrier"},
        files={"file": ("itinerary.csv", body.encode())},
    )
    assert shown.status_code == 200 and "import-problems" in shown.text
    assert session.scalar(select(TravelRecord.carrier).where(TravelRecord.person_id == person.id)) == ""
    assert "赵六" not in shown.text  # the list shows person numbers, not names
    worker = page_login(new_client(), world.worker)
    token = csrf_of(worker, "/travel/arrivals")
    form = {
        "csrf_token": token,
        "person_id": str(world.person.id),
        "arrived_on": str(days_ago(ctx, 1)),
        "from_country": "SGP",
        "port": "首都机场",
        "source": "hotel",
        "hotel": "某酒店",
    }
    assert worker.post("/travel/arrivals", data={**form, "from_country": "x"}).status_code == 422
    assert worker.post("/travel/arrivals", data=form, follow_redirects=False).status_code == 303
    assert session.scalar(select(InboundArrival.hotel)) == "某酒店"
    page = worker.get("/travel/arrivals")
    assert "李四" in page.text and "入境" in page.text
