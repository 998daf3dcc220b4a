"""Reading an uploaded batch of scans (JSON array, NDJSON, CSV) into lines of six text fields, and
writing the per-line report. No database here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lianfang.core.errors import DomainError, Problem

FIELDS = ("code", "idempotency_key", "scanned_at", "left_at", "person_pseudonym", "id_number")


@dataclass(slots=True)
class Outcome:
    row: int
    result: str = "rejected"  # created | duplicate | rejected
    scan_id: int | None = None
    problems: list[Problem] = field(default_factory=list)


def _csv_lines(content: bytes) -> Iterator[tuple[int, list[str] | None]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    header = [h.strip() for h in next(reader, [])]
    if header == list(FIELDS):  # the documented layout: no re-ordering
        for number, record in enumerate(reader, start=2):
            if len(record) == len(FIELDS):
                yield number, list(map(str.strip, record))
            elif record:
                yield number, (record + [""] * len(FIELDS))[: len(FIELDS)]
        return
    where = [header.index(f) if f in header else None for f in FIELDS]
    for number, record in enumerate(reader, start=2):
        if record:
            yield number, [record[i].strip() if i is not None and i < len(record) else "" for i in where]


def _values(item: Any) -> list[str] | None:
    if not isinstance(item, dict):
        return None
    return ["" if item.get(f) is None else str(item.get(f)).strip() for f in FIELDS]


def parse(content: bytes, kind: str) -> Iterator[tuple[int, list[str] | None]]:
    """(row, the six fields as text) per line; None for a line that is not a record. Rows are 1-based
    file lines (CSV: the header is line 1), or 1-based positions in a JSON array."""
    if kind == "csv":
        yield from _csv_lines(content)
        return
    text = content.decode("utf-8-sig", errors="replace")
    if kind == "ndjson":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield number, _values(json.loads(line))
                except ValueError:
                    yield number, None
    else:
        try:
            data = json.loads(text)
        except ValueError:
            raise DomainError("JSON格式有误", "the body is not valid JSON", 422) from None
        if not isinstance(data, list):
            raise DomainError("应为JSON数组", "expected a JSON array of scans", 422)
        for number, item in enumerate(data, start=1):
            yield number, _values(item)


def read_time(raw: str, name: str, row: int, problems: list[Problem]) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(name, "时间格式有误（ISO 8601）", f"{name} is not an ISO 8601 time", row))
        return None
    if value.tzinfo is None:
        problems.append(Problem(name, "时间须带时区", f"{name} needs a time zone (e.g. +08:00)", row))
        return None
    return value


def report_json(outcomes: list[Outcome]) -> bytes:
    """The per-line report, built as text (a created or duplicate line without problems is the same
    small object every time), encoded a group of lines at a time and joined once."""
    counts = [sum(1 for o in outcomes if o.result == k) for k in ("created", "duplicate", "rejected")]
    head = f'{{"created":{counts[0]},"duplicates":{counts[1]},"rejected":{counts[2]},"items":['
    parts = [head.encode()]
    for start in range(0, len(outcomes), _GROUP):
        if start:
            parts.append(b",")
        parts.append(",".join(map(_item, outcomes[start : start + _GROUP])).encode())
    parts.append(b"]}")
    return b"".join(parts)


_GROUP = 2000


def _item(o: Outcome) -> str:
    if o.result != "rejected" and o.scan_id is not None and not o.problems:
        return f'{{"row":{o.row},"result":"{o.result}","scan_id":{o.scan_id},"problems":[]}}'
    item = {
        "row": o.row,
        "result": o.result,
        "scan_id": o.scan_id,
        "problems": [p.as_dict() for p in o.problems],
    }
    return json.dumps(item, ensure_ascii=False)
