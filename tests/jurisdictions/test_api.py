"""Jurisdiction tree through the API: scope walls, creation rules, import and export round trip."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.jurisdictions.models import Jurisdiction
from tests.factories.accounts import bearer, make_user
from tests.factories.jurisdictions import make_city

IMPORT_CSV = (
    "code,name,level,parent_code,name_en\n"
    "110105003,三里屯街道,街道,110105,Sanlitun\n"
    "110105003001,北三里社区,社区,110105003,\n"
    "110105003002,中三里社区,community,110105003,\n"
)


def test_admin_imports_tree_and_reimport_changes_nothing(ctx, client, session):
    city = make_city(ctx)
    admin = make_user(ctx, "admin", city["110000"])
    bearer(client, admin)
    files = {"file": ("tree.csv", IMPORT_CSV.encode(), "text/csv")}
    first = client.post("/api/jurisdictions/import", files=files)
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 3 and first.json()["problems"] == []
    again = client.post("/api/jurisdictions/import", files=files).json()
    assert (again["created"], again["unchanged"]) == (0, 3)
    street = session.scalar(select(Jurisdiction).where(Jurisdiction.code == "110105003"))
    child = session.scalar(select(Jurisdiction).where(Jurisdiction.code == "110105003001"))
    assert street is not None and child is not None
    assert child.path.startswith(street.path) and street.path.startswith(city["110105"].path)
    assert session.scalar(select(AuditEntry).where(AuditEntry.verb == "jurisdiction.import")) is not None


def test_import_reports_bad_rows_and_applies_the_good_ones(ctx, client, session):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110000"]))
    body = (
        "code,name,level,parent_code\n"
        "110105009,好街道,街道,110105\n"
        "110105010,坏层级,省,110105\n"
        "110105011,,街道,110105\n"
        "110105012,无上级,街道,999999\n"
        "110105009,重复,街道,110105\n"
        "110105001009,社区挂错,社区,110105\n"
    )
    report = client.post("/api/jurisdictions/import", files={"file": ("t.csv", body.encode())}).json()
    assert report["created"] == 1
    assert report["rejected_rows"] == [3, 4, 5, 6, 7]
    fields = {(p["row"], p["field"]) for p in report["problems"]}
    assert {(3, "level"), (4, "name"), (5, "parent_code"), (6, "code"), (7, "parent_code")} <= fields
    assert session.scalar(select(Jurisdiction).where(Jurisdiction.code == "110105010")) is None


def test_dry_run_writes_nothing(ctx, client, session):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110000"]))
    files = {"file": ("tree.csv", IMPORT_CSV.encode(), "text/csv")}
    report = client.post("/api/jurisdictions/import?dry_run=true", files=files).json()
    assert report["created"] == 3 and report["dry_run"] is True
    assert session.scalar(select(Jurisdiction).where(Jurisdiction.code == "110105003")) is None


def test_malformed_file_is_rejected_with_a_message(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110000"]))
    response = client.post("/api/jurisdictions/import", files={"file": ("t.csv", b"foo,bar\n1,2\n")})
    assert response.status_code == 422
    assert "code" in response.json()["error"]["message_en"]
    response = client.post("/api/jurisdictions/import", files={"file": ("t.pdf", b"%PDF")})
    assert response.status_code == 422


def test_district_admin_cannot_reach_another_district(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110105"]))
    assert client.get(f"/api/jurisdictions/{city['110108'].id}").status_code == 404
    assert client.get(f"/api/jurisdictions/{city['110105001'].id}").status_code == 200
    codes = {j["code"] for j in client.get("/api/jurisdictions?q=").json()}
    assert "110105001001" in codes and "110108001" not in codes
    created = client.post(
        "/api/jurisdictions",
        json={"code": "110108009", "name": "越界", "level": "street", "parent_code": "110108"},
    )
    assert created.status_code == 422
    assert created.json()["error"]["problems"][0]["field"] == "parent_code"


def test_community_worker_cannot_manage_the_tree(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "community_worker", city["110105001"]))
    response = client.post(
        "/api/jurisdictions",
        json={"code": "110105001099", "name": "x", "level": "community", "parent_code": "110105001"},
    )
    assert response.status_code == 403


def test_export_round_trips_through_import(ctx, client):
    city = make_city(ctx)
    bearer(client, make_user(ctx, "admin", city["110105"]))
    exported = client.get("/api/jurisdictions/export?format=xlsx")
    assert exported.status_code == 200
    report = client.post("/api/jurisdictions/import", files={"file": ("back.xlsx", exported.content)}).json()
    # The district itself is exported too; its parent (the city) is outside this admin's scope.
    assert report["created"] == 0 and report["unchanged"] == 6
    assert report["rejected_rows"] == [2]
