"""Site dose files: per-row problems with row and field, valid rows applied, unknown people reported and
never created, idempotent re-runs, corrections, Excel, and `lianfang import vaccinations FILE`."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from lianfang import cli, seed
from lianfang.core.audit import AuditEntry
from lianfang.people.models import Person
from lianfang.vaccination.models import VaccinationCoverage, VaccinationDose, VaccinationStatus
from tests.factories.accounts import bearer, make_user
from tests.factories.people import valid_id_number
from tests.factories.vaccination import born_years_ago, days_ago, make_world, person

HEADER = "id_number,product,dose_number,dosed_on,site_code,site_name,batch,record_key\n"


def _post(client, body, name="doses.csv", **form):
    content = body.encode() if isinstance(body, str) else body
    response = client.post("/api/vaccination/import", files={"file": (name, content)}, data=form)
    assert response.status_code == 200, response.text
    return response.json()


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_rows_problems_and_idempotent_rerun(ctx, client, session):
    w = make_world(ctx)
    adult, number = person(ctx, w.community, born_years_ago(ctx, 40))
    _other, elsewhere = person(ctx, w.other_community, born_years_ago(ctx, 30))
    bad_check = number[:-1] + ("0" if number[-1] != "0" else "1")
    d1, d2 = days_ago(ctx, 300), days_ago(ctx, 279)
    body = HEADER + (
        f"{number},sinovac,1,{d1},S01,朝阳接种点,A1,R-1\n"  # 2 ok
        f"{number},科兴,2,{d2},S01,朝阳接种点,A2,R-2\n"  # 3 ok (alias)
        f"{bad_check},sinovac,1,{d1},S01,,,R-3\n"  # 4 checksum
        f"{valid_id_number()},sinovac,1,{d1},S01,,,R-4\n"  # 5 nobody registered
        f"{number},pfizer,3,{d2},S01,,,R-5\n"  # 6 product
        f"{number},sinovac,x,{d2},S01,,,R-6\n"  # 7 dose number
        f"{number},sinovac,3,2021-02-30,S01,,,R-7\n"  # 8 date
        f"{number},sinovac,2,{d2},S01,,,R-8\n"  # 9 same dose as row 3
        f"{number},sinovac,4,{days_ago(ctx, 400)},S01,,,R-9\n"  # 10 out of order
        f"{elsewhere},sinovac,1,{d1},,,,R-10\n"  # 11 site code missing
    )
    command = bearer(client, w.chaoyang)  # 朝阳区: the 海淀 person is not theirs either
    dry = _post(command, body, dry_run="true")
    assert dry["dry_run"] and dry["created"] == 2 and _count(session, VaccinationDose) == 0
    first = _post(command, body)
    assert first["created"] == 2 and first["rejected_rows"] == [4, 5, 6, 7, 8, 9, 10, 11]
    fields = {(p["row"], p["field"]) for p in first["problems"]}
    assert {(4, "id_number"), (5, "id_number"), (6, "product"), (7, "dose_number"), (8, "dosed_on")} <= fields
    assert {(9, "dose_number"), (10, "dosed_on"), (11, "site_code"), (11, "id_number")} <= fields
    assert all(p["message"] and p["message_en"] for p in first["problems"])
    assert _count(session, Person) == 2  # nobody was registered by the import
    status = session.get(VaccinationStatus, adult.id)
    assert status.primary_complete and status.state == "due"
    assert status.primary_completed_on == d2
    good = HEADER + "".join(body.splitlines(keepends=True)[1:3])
    rerun = _post(command, good)
    assert (rerun["created"], rerun["updated"], rerun["unchanged"]) == (0, 0, 2)
    assert _count(session, VaccinationDose) == 2
    corrected = _post(command, good.replace(",A2,", ",A2-fixed,"))
    assert corrected["updated"] == 1
    dose = session.scalar(select(VaccinationDose).where(VaccinationDose.dose_number == 2))
    assert dose.batch == "A2-fixed" and dose.record_key == "R-2" and dose.source == "site"
    verbs = list(session.scalars(select(AuditEntry.verb).where(AuditEntry.verb.like("vaccination.%"))))
    assert verbs.count("vaccination.import") == 3 and "vaccination.dose.update" in verbs
    coverage = session.scalar(
        select(VaccinationCoverage).where(
            VaccinationCoverage.jurisdiction_id == w.city["110105"].id,
            VaccinationCoverage.age_group == "18-59",
        )
    )
    assert (coverage.population, coverage.one_dose, coverage.primary_complete) == (1, 1, 1)


def test_record_key_of_another_dose_is_refused_and_excel_works(ctx, client, session):
    w = make_world(ctx)
    _a, number = person(ctx, w.community, born_years_ago(ctx, 50))
    command = bearer(client, w.city_command)
    assert _post(command, HEADER + f"{number},cansino,1,{days_ago(ctx, 200)},S02,,,K-1\n")["created"] == 1
    clash = _post(command, HEADER + f"{number},sinopharm_bibp,2,{days_ago(ctx, 10)},S02,,,K-1\n")
    assert clash["rejected_rows"] == [2] and clash["problems"][0]["field"] == "record_key"
    book = Workbook()
    sheet = book.active
    sheet.append(["id_number", "product", "dose_number", "dosed_on", "site_code"])
    sheet.append([number, "sinopharm_bibp", 2, days_ago(ctx, 10).isoformat(), "S02"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = _post(command, buffer.getvalue(), name="doses.xlsx")
    assert report["created"] == 1 and not report["problems"]
    status = session.scalar(select(VaccinationStatus))
    assert status.booster_received and status.state == "boosted"


def test_import_needs_write_and_a_file_with_the_columns(ctx, client):
    w = make_world(ctx)
    response = bearer(client, w.investigator).post(
        "/api/vaccination/import", files={"file": ("d.csv", HEADER.encode())}
    )
    assert response.status_code == 403
    command = bearer(client, w.city_command)
    missing = command.post("/api/vaccination/import", files={"file": ("d.csv", b"id_number,product\n")})
    assert missing.status_code == 422 and missing.json()["error"]["problems"][0]["field"] == "file"


def test_cli_import_vaccinations(ctx, runtime, settings, session, monkeypatch, tmp_path):
    w = make_world(ctx)
    make_user(ctx, "admin", w.city["110000"], username="admin")
    _a, number = person(ctx, w.community, born_years_ago(ctx, 70))
    session.commit()
    monkeypatch.setattr(cli, "_settings", lambda: settings)
    monkeypatch.setattr(seed, "make_engine", lambda _settings: None)
    monkeypatch.setattr(seed, "make_session_factory", lambda _engine: runtime.factory)
    path = tmp_path / "doses.csv"
    path.write_text(
        HEADER
        + f"{number},sinovac,1,{days_ago(ctx, 90)},S03,,,C-1\n"
        + f"{valid_id_number()},sinovac,1,{days_ago(ctx, 90)},S03,,,C-2\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.app, ["import", "vaccinations", str(path)])
    assert result.exit_code == 1, result.output  # one bad row: reported, exit status 1
    assert "row 3: id_number" in result.output and "created 1" in result.output
    again = CliRunner().invoke(cli.app, ["import", "vaccinations", str(path)])
    assert "created 0, updated 0, unchanged 1" in again.output
    assert _count(session, VaccinationDose) == 1
