"""Batch upload of scans (gate devices that were offline, venue systems): a JSON array, NDJSON or CSV.

Every line is checked on its own and gets its own result (created, duplicate with the original scan's
id, or rejected with its problems); the valid lines are kept. Re-sending a batch creates nothing new.

Built for 100,000-line uploads. A first quick pass collects the persons the lines name, resolved in one
query. The second pass turns lines into table rows with per-batch caches (a code is looked up and
judged once, a day's default stay computed once; a line that is not plainly valid goes through the full
checks of `service`, which say what is wrong) and, on PostgreSQL, streams them straight into `scans`
with COPY while it goes, so the database stores rows while Python checks the next ones (ids are drawn
from the sequence beforehand). Before that COPY, the first chunk's keys are looked up (one query on
the unique key): when some are stored (a retried upload), every chunk's stored keys are looked up
first, their lines reported as duplicates of the original scans, and only the chunk's new rows copied.
A COPY that meets a stored key all the same (one further in the batch, or another upload's at the
same moment) is undone and the batch goes again chunk by chunk; a chunk whose COPY meets a key stored
meanwhile goes through the group statement instead (`pgwrite.BATCH`: ON CONFLICT DO NOTHING, original
scans reported). On SQLite, row inserts (`writer.write_rows`), in chunks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import chain, islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.checkins import rules
from lianfang.checkins.ingest.imports import CopySink, Outcome, Row, parse, read_time, stored_keys
from lianfang.checkins.scans.service import ScanInput, input_problems, may_post_for, scan_problems
from lianfang.checkins.scans.views import CodeInfo, IdHasher, code_infos
from lianfang.checkins.scans.writer import ScanRow, Written, write_rows
from lianfang.core import audit
from lianfang.core.clock import SHANGHAI, local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Problem
from lianfang.people.models import Person

CHUNK, FALLBACK_CHUNK, CHECK_CHUNK = 500, 5000, 2000


class _Checker:
    """Per-batch state: the codes seen, the window of acceptable times, default stays per day."""

    def __init__(self, ctx: Ctx, hasher: IdHasher) -> None:
        self.ctx, self.hasher = ctx, hasher
        self.retention = ctx.settings.scan_retention_days
        self.latest = ctx.now + rules.MAX_FUTURE
        self.earliest = rules.earliest_accepted(local_date(ctx.now), self.retention)
        self.codes: dict[str, tuple[CodeInfo | None, bool]] = {}  # raw -> (code, accepts any time)
        self.stays: dict[tuple[date, str], timedelta] = {}
        self.hashes: dict[str, str] = {}

    def person_key(self, pseudonym: str, id_number: str) -> str | None:
        if pseudonym:
            return f"p:{pseudonym}"
        if not id_number:
            return None
        digest = self.hashes.get(id_number)
        if digest is None:
            digest = self.hashes[id_number] = self.hasher(id_number)
        return f"h:{digest}"

    def load_codes(self, raws: set[str]) -> None:
        """Look up every code the batch names (before the COPY holds the connection)."""
        for raw, info in code_infos(self.ctx.session, raws).items():
            plain = info is not None and may_post_for(self.ctx.actor, info)
            plain = (
                plain and info is not None and info.status in {"active", "open"} and info.expires_at is None
            )
            self.codes[raw] = (info, plain)

    def code(self, raw: str) -> tuple[CodeInfo | None, bool]:
        return self.codes.get(raw, (None, False))

    def row(self, number: int, fields: list[str] | None, outcome: Outcome) -> Row | None:
        """The table row (with the person's look-up key in place of its id) or None, with problems."""
        if fields is None:
            outcome.problems.append(
                Problem("", "该行不是有效的记录", "this line is not a valid record", number)
            )
            return None
        raw_code, key, raw_at, raw_left, pseudonym, id_number = fields
        at = read_time(raw_at, "scanned_at", number, outcome.problems)
        code, plain = self.code(raw_code)
        if (
            plain
            and at is not None
            and self.earliest <= at <= self.latest
            and not raw_left
            and pseudonym
            and not id_number
            and rules.KEY.fullmatch(key)
        ):
            assert code is not None
            return self._table_row(code, at, None, key, f"p:{pseudonym}")
        return self._checked(number, fields, at, code, outcome)

    def _checked(
        self, number: int, fields: list[str], at: datetime | None, code: CodeInfo | None, outcome: Outcome
    ) -> Row | None:
        """The full checks, which name every problem of the line."""
        raw_code, key, raw_at, raw_left, pseudonym, id_number = fields
        left = read_time(raw_left, "left_at", number, outcome.problems)
        if not raw_at:
            outcome.problems.append(
                Problem("scanned_at", "缺少扫码时间", "scanned_at is required in a batch", number)
            )
        item = ScanInput(raw_code, key, at, left, pseudonym or None, id_number or None)
        outcome.problems += input_problems(item, self.ctx.now, number)
        if at is not None:
            outcome.problems += scan_problems(
                self.ctx.actor, item, code, self.ctx.now, self.retention, number
            )
        person = self.person_key(pseudonym, id_number)
        if outcome.problems or code is None or at is None or person is None:
            return None
        return self._table_row(code, at, left, key, person)

    def _table_row(self, code: CodeInfo, at: datetime, left: datetime | None, key: str, person: str) -> Row:
        day = at.astimezone(SHANGHAI).date()
        if left is None:
            stay = self.stays.get((day, code.venue_kind))
            if stay is None:
                stay = self.stays[(day, code.venue_kind)] = rules.default_stay(day, code.venue_kind)
            until = at + stay
        else:
            until = rules.stay_until(at, left, code.venue_kind)
        return (
            day,
            code.venue_id,
            person,
            None,
            at,
            until,
            left is not None,
            "batch",
            code.code_id,
            key,
            self.ctx.now,
        )


def _persons(session: Session, keys: set[str]) -> dict[str, int]:
    """Person ids by look-up key (`p:` pseudonym, `h:` ID-number hash): on PostgreSQL one query per kind
    with the values as one JSON parameter, elsewhere IN lists."""
    found: dict[str, int] = {}
    if session.get_bind().dialect.name == "postgresql":
        driver = session.connection().connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            for prefix, name in (("p", "pseudonym"), ("h", "id_hash")):
                values = [k[2:] for k in keys if k.startswith(prefix + ":")]
                if values:
                    cursor.execute(
                        f"SELECT id, {name} FROM people "  # noqa: S608 (a constant column name)
                        f"WHERE {name} IN (SELECT json_array_elements_text(%s::json))",
                        [json.dumps(values)],
                    )
                    found.update({f"{prefix}:{value}": person_id for person_id, value in cursor.fetchall()})
        return found
    for prefix, column in (("p", Person.pseudonym), ("h", Person.id_hash)):
        ordered = sorted(k[2:] for k in keys if k.startswith(prefix + ":"))
        for start in range(0, len(ordered), CHUNK):
            stmt = select(Person.id, column).where(column.in_(ordered[start : start + CHUNK]))
            found.update({f"{prefix}:{value}": person_id for person_id, value in session.execute(stmt)})
    return found


Line = tuple[int, list[str] | None]  # (row number, the six fields) as `ingest_parse.parse` yields


def _first_pass(checker: _Checker, content: bytes, kind: str) -> tuple[list[Line], set[str]]:
    """The lines, parsed once and kept for the second pass, the persons they name, and the codes they
    name (looked up here). A code's or a pseudonym's text is kept once for all the lines that name it."""
    lines: list[Line] = []
    keys: set[str] = set()
    raws: dict[str, str] = {}
    texts: dict[str, str] = {}
    for line in parse(content, kind):
        lines.append(line)
        if len(lines) > rules.MAX_BATCH:
            raise DomainError(
                f"每批最多{rules.MAX_BATCH}条", f"a batch holds at most {rules.MAX_BATCH} scans", 413
            )
        fields = line[1]
        if fields is not None:
            fields[0] = raws.setdefault(fields[0], fields[0])
            fields[4] = texts.setdefault(fields[4], fields[4])
            key = checker.person_key(fields[4], fields[5])
            if key is not None:
                keys.add(key)
    checker.load_codes(set(raws))
    return lines, keys


def _drain(lines: list[Line]) -> Iterator[Line]:
    """The lines in order, each let go once it has been read (the list is emptied)."""
    lines.reverse()
    while lines:
        yield lines.pop()


class _Pass:
    """One second pass over the lines: the outcomes, the lines repeating an earlier line's key (with
    that line), the venues written to, and the new valid rows (`rows`, lazily)."""

    def __init__(self, checker: _Checker, persons: dict[str, int], lines: Iterable[Line]) -> None:
        self.outcomes: list[Outcome] = []
        self.repeats: list[tuple[Outcome, Outcome]] = []
        self.venues: set[int] = set()
        self.rows = self._rows(checker, persons, lines)

    def _rows(
        self, checker: _Checker, persons: dict[str, int], lines: Iterable[Line]
    ) -> Iterator[tuple[Outcome, Row]]:
        first: dict[tuple[int, date], dict[str, Outcome]] = {}  # by venue and day, then key
        for number, fields in lines:
            outcome = Outcome(number)
            self.outcomes.append(outcome)
            row = checker.row(number, fields, outcome)
            if row is None:
                continue
            person_id = persons.get(row[2])
            if person_id is None:
                outcome.problems.append(rules.unknown_person(row[2], number))
                continue
            keys = first.get((row[1], row[0]))
            if keys is None:
                keys = first[(row[1], row[0])] = {}
            earlier = keys.get(row[9])
            if earlier is not None:
                self.repeats.append((outcome, earlier))  # the same key twice in one batch
                continue
            keys[row[9]] = outcome
            self.venues.add(row[1])
            yield outcome, (row[0], row[1], person_id, *row[3:])

    def chunk(self, size: int) -> list[tuple[Outcome, Row]]:
        return list(islice(self.rows, size))

    def finish(self) -> list[Outcome]:
        for outcome, original in self.repeats:
            outcome.result, outcome.scan_id = "duplicate", original.scan_id
        return self.outcomes


def ingest(ctx: Ctx, hasher: IdHasher, content: bytes, kind: str) -> list[Outcome]:
    """Check every line, write the valid ones, and return one outcome per line."""
    checker = _Checker(ctx, hasher)
    lines, keys = _first_pass(checker, content, kind)
    persons = _persons(ctx.session, keys)
    if ctx.session.get_bind().dialect.name == "postgresql":
        total = len(lines)
        done = _copy(ctx.session, _Pass(checker, persons, _drain(lines)), total)
        if done is None:  # nothing was copied: again (the file parsed anew), chunk by chunk
            done = _Pass(checker, persons, parse(content, kind))
            _copy_checked(ctx.session, done, done.chunk(CHECK_CHUNK))
    else:
        done = _Pass(checker, persons, _drain(lines))
        while pending := done.chunk(FALLBACK_CHUNK):
            _insert(ctx.session, pending)
    outcomes = done.finish()
    _audit(ctx, outcomes, done.venues)
    return outcomes


def _copy(session: Session, done: _Pass, lines: int) -> _Pass | None:
    """PostgreSQL: when none of the first chunk's keys is stored, one COPY streamed while the lines are
    checked (None when it met a stored key all the same, and was undone); otherwise (a retried upload)
    chunk by chunk."""
    head = done.chunk(CHECK_CHUNK)
    if not head:
        return done
    stored = stored_keys(session, head)
    if stored:
        _copy_new(session, head, stored)
        _copy_checked(session, done, done.chunk(CHECK_CHUNK))
        return done
    sink = CopySink(session, lines)
    with sink.streaming():
        for outcome, row in chain(head, done.rows):
            sink.add(outcome, row)
    return None if sink.conflict else done


def _copy_checked(session: Session, done: _Pass, head: list[tuple[Outcome, Row]]) -> None:
    """Each chunk's stored keys looked up first, and only its new rows copied."""
    while head:
        _copy_new(session, head, stored_keys(session, head))
        head = done.chunk(CHECK_CHUNK)


def _copy_new(session: Session, chunk: list[tuple[Outcome, Row]], stored: dict[int, int]) -> None:
    """Report the chunk's stored keys with their original scans and COPY the other rows; a key stored
    meanwhile by another upload (the COPY is undone) sends them through the ON CONFLICT insert."""
    new = []
    for n, item in enumerate(chunk):
        original = stored.get(n)
        if original is None:
            new.append(item)
        else:
            item[0].result, item[0].scan_id = "duplicate", original
    if not new:
        return
    sink = CopySink(session, len(new))
    with sink.streaming():
        for outcome, row in new:
            sink.add(outcome, row)
    if sink.conflict:
        _insert(session, new)


def _insert(session: Session, kept: list[tuple[Outcome, Row]]) -> None:
    """Insert skipping stored keys, reporting originals (SQLite, or a retried upload)."""
    if not kept:
        return
    for (outcome, _), result in zip(kept, write_rows(session, [ScanRow(*r) for _, r in kept]), strict=True):
        assert isinstance(result, Written)  # persons were resolved before: rows carry no key
        outcome.result = "duplicate" if result.duplicate else "created"
        outcome.scan_id = result.scan_id


def _audit(ctx: Ctx, outcomes: list[Outcome], venue_ids: set[int]) -> None:
    venues = sorted(venue_ids)
    counts = {k: sum(1 for o in outcomes if o.result == k) for k in ("created", "duplicate", "rejected")}
    audit.record(
        ctx, "scans.batch", "scan_batch", None, None, lines=len(outcomes), venues=venues[:100], **counts
    )
