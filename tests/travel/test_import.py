"""Imports: GB/T 2260 places (structure checked, idempotent) and carrier / hub travel files (per-row
errors, idempotent re-runs, a changed row supersedes the stored record, Excel)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.travel.models import Place, TravelFlag, TravelRecord
from tests.factories.accounts import bearer
from tests.factories.people import make_person, valid_id_number
from tests.factories.travel import PLACES_CSV, WUCHANG, days_ago, make_world


def _post(client, url, body, name="f.csv", **form):
    content = body.encode() if isinstance(body, str) else body
    response = client.post(url, files={"file": (name, content)}, data=form)
    assert response.status_code == 200, response.text
    return response.json()


def test_places_import_checks_structure_and_reruns(ctx, client, new_client, session):
    world = make_world(ctx)  # already loaded PLACES_CSV once
    command = bearer(new_client(), world.city_command)
    again = _post(command, "/api/travel/places/import", PLACES_CSV)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 12)
    bad = "code,name,parent\n4201,短码,\n990101,无省,\n420107,青山区,430100\n420111000000,洪山区,\n,空,\n"
    report = _post(command, "/api/travel/places/import", bad)
    assert report["rejected_rows"] == [2, 3, 4, 6] and report["created"] == 1
    assert session.get(Place, "420111").parent_code == "420100"  # 12-digit form, parent from structure
    renamed = _post(command, "/api/travel/places/import", "code,name\n420106,武昌区（新）\n")
    assert renamed["updated"] == 1 and session.get(Place, "420106").name == "武昌区（新）"


def test_carrier_import_rows_idempotent_and_corrections(ctx, client, new_client, session, runtime):
    world = make_world(ctx)
    number = valid_id_number()
    person = make_person(ctx, world.community, name="钱七", id_number=number)
    command = bearer(new_client(), world.city_command)
    body = (
        "id_number,place_code,from_on,to_on,ref,carrier\n"
        f"{number},{WUCHANG},{days_ago(ctx, 9)},{days_ago(ctx, 6)},MU5101-0001,东方航空\n"
        f"{valid_id_number()},{WUCHANG},{days_ago(ctx, 9)},,MU5101-0002,东方航空\n"
        f"{number},420199,{days_ago(ctx, 5)},{days_ago(ctx, 4)},MU5101-0003,东方航空\n"
        f"{number},{WUCHANG},{days_ago(ctx, 3)},{days_ago(ctx, 5)},MU5101-0004,东方航空\n"
        f"{number},{WUCHANG},2022-13-01,,MU5101-0005,东方航空\n"
        f"{number},{WUCHANG},{days_ago(ctx, 2)},{days_ago(ctx, 1)},MU5101-0001,东方航空\n"
    )
    dry = _post(command, "/api/travel/records/import", body, dry_run="true")
    assert (
        dry["dry_run"]
        and dry["created"] == 1
        and session.scalar(select(func.count()).select_from(TravelRecord)) == 0
    )
    first = _post(command, "/api/travel/records/import", body)
    assert first["created"] == 1 and first["rejected_rows"] == [3, 4, 5, 6, 7]
    fields = {(p["row"], p["field"]) for p in first["problems"]}
    assert {(3, "id_number"), (4, "place_code"), (5, "to_on"), (6, "from_on"), (7, "ref")} <= fields
    record = session.scalar(select(TravelRecord).where(TravelRecord.person_id == person.id))
    assert (record.source, record.source_ref, record.carrier) == ("carrier", "MU5101-0001", "东方航空")
    good = body.splitlines()[0] + "\n" + body.splitlines()[1] + "\n"
    rerun = _post(command, "/api/travel/records/import", good)
    assert (rerun["created"], rerun["updated"], rerun["unchanged"]) == (0, 0, 1)
    moved = good.replace(str(days_ago(ctx, 6)), str(days_ago(ctx, 5)))
    changed = _post(command, "/api/travel/records/import", moved)
    assert changed["updated"] == 1
    session.expire_all()
    rows = list(
        session.scalars(
            select(TravelRecord).where(TravelRecord.person_id == person.id).order_by(TravelRecord.id)
        )
    )
    assert [r.state for r in rows] == ["superseded", "active"] and rows[0].superseded_by_id == rows[1].id
    assert session.scalar(select(func.count()).where(AuditEntry.verb == "travel.import")) == 3


def test_hub_excel_import_flags_at_once(ctx, client, new_client, session):
    world = make_world(ctx)
    number = valid_id_number()
    person = make_person(ctx, world.community, name="孙八", id_number=number)
    from lianfang.travel import service
    from tests.factories.travel import today

    service.create_risk_area(ctx, service.RiskAreaInput(WUCHANG, "county", today(ctx), "通报", "no_new_14d"))
    book = Workbook()
    sheet = book.active
    sheet.append(["id_number", "place_code", "from_on", "to_on", "ref"])
    sheet.append([number, int(WUCHANG), str(days_ago(ctx, 8)), str(days_ago(ctx, 2)), "G81-1"])
    buffer = io.BytesIO()
    book.save(buffer)
    command = bearer(new_client(), world.city_command)
    report = _post(command, "/api/travel/records/import", buffer.getvalue(), name="hub.xlsx", source="hub")
    assert report["created"] == 1, report
    flag = session.scalar(select(TravelFlag).where(TravelFlag.person_id == person.id))
    assert flag is not None and flag.state == "open" and flag.in_city and flag.assignment_id is not None
    bad_source = command.post(
        "/api/travel/records/import", files={"file": ("f.csv", b"x")}, data={"source": "bus"}
    )
    assert bad_source.status_code == 422
