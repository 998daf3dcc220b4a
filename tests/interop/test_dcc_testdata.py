"""The EU gateway project's DCC test data, vendored under dcc_testdata/ (Apache-2.0, see its LICENSE,
NOTICE and SOURCE.md), run case by case through `lianfang dcc testdata DIR --json`. Every check must
give its expected result or be listed with its reason in dcc_known_differences.json; a listed check that
now gives the expected result fails too, so the list cannot rot."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "dcc_testdata"
KNOWN = json.loads((HERE / "dcc_known_differences.json").read_text(encoding="utf-8"))


def test_every_case_matches_or_is_a_known_difference(lianfang):
    result = lianfang("dcc", "testdata", DATA, "--json")
    assert result.exit_code == 0, result.output
    cases = json.loads(result.output)["cases"]
    assert {c["file"] for c in cases} == {p.relative_to(DATA).as_posix() for p in DATA.rglob("*.json")}
    differ = {
        (c["file"], flag)
        for c in cases
        for flag, check in c["checks"].items()
        if check["got"] != check["expected"]
    }
    listed = {(file, flag) for file, flags in KNOWN.items() for flag in flags}
    assert differ - listed == set(), "checks that differ and are not in dcc_known_differences.json"
    assert listed - differ == set(), "known differences that now pass: remove them from the list"
    assert all(reason.strip() for flags in KNOWN.values() for reason in flags.values())


def test_the_suite_is_mostly_met_and_its_refusals_are_refused(lianfang):
    cases = json.loads(lianfang("dcc", "testdata", DATA, "--json").output)["cases"]
    checks = [check for c in cases for check in c["checks"].values()]
    met = sum(check["got"] == check["expected"] for check in checks)
    assert len(checks) > 1000 and met / len(checks) > 0.9
    # every case the suite marks as a refusal (a flag expected false) is refused by lianfang
    refusals = [(c["file"], f) for c in cases for f, ch in c["checks"].items() if ch["expected"] is False]
    assert len(refusals) >= 20
    by_file = {c["file"]: c["checks"] for c in cases}
    wrong = [(f, flag) for f, flag in refusals if by_file[f][flag]["got"] is not False]
    assert wrong == [("IS/2DCode/raw/3.json", "EXPECTEDKEYUSAGE")]
    assert "IS/2DCode/raw/3.json" in KNOWN


def test_the_text_report_names_each_flag(lianfang):
    result = lianfang("dcc", "testdata", DATA / "common")
    assert result.exit_code == 0
    assert "2DCode/raw/CO5.json" in result.output
    assert "EXPECTEDVERIFY: expected False, got False" in result.output
    assert "DIFF EXPECTEDPICTUREDECODE: expected True, got None" in result.output  # B1 has no picture
    assert result.output.strip().splitlines()[-1] == "38 cases, 63 checks, 1 differ"


def test_a_folder_with_a_broken_file_still_runs(lianfang, tmp_path):
    (tmp_path / "XX").mkdir()
    (tmp_path / "XX" / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "XX" / "CO5.json").write_bytes((DATA / "common/2DCode/raw/CO5.json").read_bytes())
    cases = json.loads(lianfang("dcc", "testdata", tmp_path, "--json").output)["cases"]
    assert [c["file"] for c in cases] == ["XX/CO5.json", "XX/bad.json"]
    assert cases[0]["checks"] == {"EXPECTEDVERIFY": {"expected": False, "got": False}}
    assert cases[1]["checks"] == {}
