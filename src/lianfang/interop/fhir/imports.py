"""Lab results in as FHIR: a Bundle of DiagnosticReport / Observation (SARS-CoV-2 RNA, `codes.SARS_COV_2_RNA`)
with the tube barcode on the Specimen (`accessionIdentifier` or `identifier`) or as the Observation's
`specimen.identifier`, recorded by the testing module's own result service (`testing.results.record_results`),
so idempotency, per-entry errors, pool recalls and temporary controls are exactly those of a lab's file.

Two stages: the Bundle is read whole first, and anything wrong in it (not a Bundle, an entry without a
barcode, a code system or code lianfang does not know, two answers for one tube) refuses the whole
Bundle with every problem by entry number, nothing stored. Then the results go to the testing service,
which records every tube it can and reports the others (unknown tube, not shipped, already reported
otherwise) by entry, as it does for a file."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem
from lianfang.core.tabular import ImportReport
from lianfang.interop.fhir import rules as codes
from lianfang.testing.access import RESULTS
from lianfang.testing.results.service import ResultRow, parse_time, record_results

MAX_ENTRIES = 20_000
BUNDLE_TYPES = ("transaction", "batch", "collection", "message", "document")


def _problem(entry: int | None, field: str, zh: str, en: str) -> Problem:
    return Problem(field, zh, en, entry)


def _keys(entry: Mapping[str, Any]) -> list[str]:
    resource = entry.get("resource") or {}
    keys = []
    if isinstance(entry.get("fullUrl"), str):
        keys.append(entry["fullUrl"])
    if isinstance(resource, Mapping) and resource.get("id"):
        keys.append(f"{resource.get('resourceType')}/{resource['id']}")
    return keys


def _barcode_of_specimen(specimen: Mapping[str, Any]) -> str:
    accession = specimen.get("accessionIdentifier")
    if isinstance(accession, Mapping) and isinstance(accession.get("value"), str):
        return str(accession["value"]).strip()
    for identifier in specimen.get("identifier") or []:
        if isinstance(identifier, Mapping) and isinstance(identifier.get("value"), str):
            return str(identifier["value"]).strip()
    return ""


def _result_of(observation: Mapping[str, Any]) -> tuple[str | None, str]:
    """(lianfang result, what was wrong) from valueCodeableConcept or interpretation."""
    concepts = [observation.get("valueCodeableConcept"), *(observation.get("interpretation") or [])]
    seen = []
    for concept in concepts:
        for coding in (concept or {}).get("coding") or [] if isinstance(concept, Mapping) else []:
            if not isinstance(coding, Mapping):
                continue
            system, code = str(coding.get("system", "")), str(coding.get("code", ""))
            if (system, code) in codes.VALUES:
                return codes.VALUES[(system, code)], ""
            seen.append((system, code))
    if not seen:
        return None, "no result value (valueCodeableConcept)"
    system, code = seen[0]
    if system not in codes.KNOWN_SYSTEMS:
        return None, f"unknown code system {system or '(none)'}"
    return None, f"unknown result code {code} in {system}"


def _loinc(resource: Mapping[str, Any]) -> tuple[bool, str]:
    codings = (
        (resource.get("code") or {}).get("coding") or [] if isinstance(resource.get("code"), Mapping) else []
    )
    found = []
    for coding in codings:
        if isinstance(coding, Mapping):
            system, code = str(coding.get("system", "")), str(coding.get("code", ""))
            if system == codes.LOINC and code in codes.SARS_COV_2_RNA:
                return True, ""
            found.append((system, code))
    if not found:
        return False, "no test code"
    system, code = found[0]
    if system != codes.LOINC:
        return False, f"unknown code system {system or '(none)'}"
    return False, f"LOINC {code} is not a SARS-CoV-2 nucleic-acid test lianfang reads"


def _time(value: object, fallback: datetime | None) -> datetime | None:
    return parse_time(value) if isinstance(value, str) else fallback


def _index(
    entries: list[Any], problems: list[Problem]
) -> tuple[dict[str, tuple[int, Mapping[str, Any]]], dict[str, Mapping[str, Any]]]:
    """Resources by fullUrl and Type/id, and each referenced Observation's DiagnosticReport."""
    index: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            problems.append(_problem(number, "resource", "条目缺少资源", "the entry has no resource"))
            continue
        for key in _keys(entry):
            index[key] = (number, resource)
    reports: dict[str, Mapping[str, Any]] = {}
    for _number, resource in index.values():
        if resource.get("resourceType") == "DiagnosticReport":
            for item in resource.get("result") or []:
                if isinstance(item, Mapping) and isinstance(item.get("reference"), str):
                    reports[item["reference"]] = resource
    return index, reports


def read_bundle(data: object, now: datetime) -> list[ResultRow]:
    """The results of a lab's Bundle, or Invalid with every problem by entry number (nothing stored)."""
    if not isinstance(data, Mapping) or data.get("resourceType") != "Bundle":
        raise Invalid(
            [_problem(None, "resourceType", "请求体不是FHIR Bundle", "the body is not a FHIR Bundle")]
        )
    entries = data.get("entry")
    if data.get("type") not in BUNDLE_TYPES or not isinstance(entries, list) or not entries:
        raise Invalid(
            [_problem(None, "entry", "Bundle类型或条目无效", "the Bundle has no entries or an unknown type")]
        )
    if len(entries) > MAX_ENTRIES:
        raise Invalid(
            [_problem(None, "entry", f"一次最多{MAX_ENTRIES}条", f"at most {MAX_ENTRIES} entries a Bundle")]
        )
    problems: list[Problem] = []
    index, reports = _index(entries, problems)
    found: dict[str, tuple[int, ResultRow]] = {}
    done: set[int] = set()
    for key, (number, resource) in index.items():
        if resource.get("resourceType") != "Observation" or number in done:
            continue
        done.add(number)
        row = _observation(number, key, resource, index, reports, now, problems)
        if row is None:
            continue
        earlier = found.get(row.barcode)
        if earlier and earlier[1].result != row.result:
            problems.append(
                _problem(
                    number,
                    "specimen",
                    f"管码{row.barcode}在第{earlier[0]}条有不同结果",
                    f"tube {row.barcode} has another result in entry {earlier[0]}",
                )
            )
        found.setdefault(row.barcode, (number, row))
    if not found and not problems:
        problems.append(
            _problem(None, "entry", "Bundle中没有检测结果（Observation）", "the Bundle holds no Observation")
        )
    if problems:
        raise Invalid(sorted(problems, key=lambda p: (p.row or 0, p.field)))
    return [row for _, row in sorted(found.values(), key=lambda item: item[0])]


def _observation(
    number: int,
    key: str,
    resource: Mapping[str, Any],
    index: Mapping[str, tuple[int, Mapping[str, Any]]],
    reports: Mapping[str, Mapping[str, Any]],
    now: datetime,
    problems: list[Problem],
) -> ResultRow | None:
    ok, why = _loinc(resource)
    if not ok:
        problems.append(_problem(number, "code", f"不支持的检测项目：{why}", why))
        return None
    result, why = _result_of(resource)
    if result is None:
        problems.append(_problem(number, "valueCodeableConcept", f"无法识别的检测结果：{why}", why))
        return None
    raw = resource.get("specimen")
    specimen: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    barcode = ""
    target = index.get(str(specimen.get("reference", "")))
    if target is not None:
        barcode = _barcode_of_specimen(target[1])
    elif isinstance(specimen.get("identifier"), Mapping):
        barcode = str(specimen["identifier"].get("value", "")).strip()
    if not barcode:
        problems.append(
            _problem(number, "specimen", "缺少采样管管码（Specimen）", "no tube barcode (Specimen)")
        )
        return None
    report = reports.get(key) or next((reports[k] for k in reports if k.endswith(key)), None)
    when = _time(resource.get("issued"), _time((report or {}).get("issued"), now))
    if when is None:
        problems.append(_problem(number, "issued", "报告时间格式错误", "issued: not a date and time"))
        return None
    if when > now + timedelta(minutes=5):
        problems.append(_problem(number, "issued", "报告时间在未来", "the report time is in the future"))
        return None
    return ResultRow(number, barcode, result, when.astimezone(UTC))


def record_bundle(ctx: Ctx, data: object, dry_run: bool = False) -> ImportReport:
    """Read the Bundle (all or nothing), then record its results as a lab's upload does."""
    ctx.actor.require(RESULTS)
    rows = read_bundle(data, ctx.now)
    return record_results(ctx, rows, (), dry_run)
