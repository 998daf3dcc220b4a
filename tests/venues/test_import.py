"""Importing venues: per-row reports naming row and field, dry run, idempotent re-runs, Excel."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from lianfang.core.audit import AuditEntry
from lianfang.venues.models import Venue
from lianfang.venues.rules import is_code
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city

GOOD = (
    "name,kind,community_code,address,capacity\n"
    "建外超市,超市,110105001001,建国路1号,120\n"
    "建外棋牌室,chess_card_room,110105001001,建国路2号,\n"
    "光华里地铁站,metro_station,110105001002,,5000\n"
)


def _post(client, body, name="v.csv", dry_run=False):
    content = body.encode() if isinstance(body, str) else body
    url = "/api/venues/import" + ("?dry_run=true" if dry_run else "")
    response = client.post(url, files={"file": (name, content)})
    assert response.status_code == 200, response.text
    return response.json()


def _count(session):
    return session.scalar(select(func.count()).select_from(Venue))


def test_dry_run_apply_and_rerun(ctx, client, session):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    dry = _post(client, GOOD, dry_run=True)
    assert (dry["created"], dry["dry_run"], _count(session)) == (3, True, 0)
    first = _post(client, GOOD)
    assert (first["created"], first["problems"]) == (3, [])
    venues = list(session.scalars(select(Venue).order_by(Venue.id)))
    assert [v.kind for v in venues] == ["supermarket", "chess_card_room", "metro_station"]
    assert all(is_code(v.code) for v in venues) and len({v.code for v in venues}) == 3
    assert venues[0].capacity == 120 and venues[1].capacity is None
    again = _post(client, GOOD)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    changed = _post(client, GOOD.replace("建国路1号,120", "建国路1号,150"))
    assert (changed["updated"], changed["unchanged"], _count(session)) == (1, 2, 3)
    session.expire_all()
    assert session.get(Venue, venues[0].id).capacity == 150
    assert len(list(session.scalars(select(AuditEntry).where(AuditEntry.verb == "venue.import")))) == 3


def test_bad_rows_are_reported_and_good_rows_applied(ctx, client, session):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    body = (
        "name,kind,community_code,address,capacity\n"
        "好店,restaurant,110105001001,一号,10\n"  # 2
        ",restaurant,110105001001,二号,\n"  # 3: no name
        "坏类型,castle,110105001001,三号,\n"  # 4
        "越界,park,110108001001,四号,\n"  # 5: another district
        "容量,gym,110105001001,五号,many\n"  # 6
        "好店,restaurant,110105001001,一号,10\n"  # 7: same venue twice in the file
        "街道,park,110105001,六号,\n"  # 8: a street is not a community
        "负数,gym,110105001001,七号,-3\n"  # 9
    )
    report = _post(client, body)
    assert report["created"] == 1
    assert report["rejected_rows"] == [3, 4, 5, 6, 7, 8, 9]
    fields = {(p["row"], p["field"]) for p in report["problems"]}
    assert fields == {
        (3, "name"),
        (4, "kind"),
        (5, "community_code"),
        (6, "capacity"),
        (7, "name"),
        (8, "community_code"),
        (9, "capacity"),
    }
    assert _count(session) == 1


def test_excel_and_export_round_trip(ctx, client, session):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110000"]))
    book = Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    assert _post(client, buffer.getvalue(), "v.xlsx")["created"] == 3
    exported = client.get("/api/venues/export?format=xlsx").content
    back = _post(client, exported, "back.xlsx")
    assert (back["created"], back["unchanged"], _count(session)) == (0, 3, 3)


def test_import_needs_the_import_permission(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "lab", city["110000"]))
    response = client.post("/api/venues/import", files={"file": ("v.csv", GOOD.encode())})
    assert response.status_code == 403
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    response = client.post("/api/venues/import", files={"file": ("v.csv", b"name,kind\nx,park\n")})
    assert response.status_code == 422 and "community_code" in response.json()["error"]["message_en"]
