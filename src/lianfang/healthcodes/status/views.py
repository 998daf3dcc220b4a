"""What a person's code page shows, assembled once for the resident page, the staff page and the API:
the derived status with plain-language reasons, the masked identity, the latest test and its age, and
vaccination doses.

The status a door shows at a venue scan (installed into checkins, which sits below this module): the
stored row, re-derived on the spot when its facts were due to change by date and the nightly pass has not
reached it yet. No row means no fact: green.

The scan writers read a whole batch at once: `statuses_for` (one primary-key query) in the thread
writer, and on PostgreSQL the stored rows as a relation joined into the batch's own statement
(`stored_statuses_sql`, `from_stored`). A person whose row is due to be re-derived is left out, and
the request asks for them alone (`status_for_person`, which derives)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.checkins.rules import Status
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.db import among
from lianfang.healthcodes import rules
from lianfang.healthcodes.models import HealthStatus
from lianfang.healthcodes.status import service
from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.testing import repository as testing_repository
from lianfang.testing import rules as testing_rules
from lianfang.testing.repository import PersonResult
from lianfang.vaccination import repository as vaccination_repository
from lianfang.vaccination.rules import DoseSummary

RESULTS = {"negative": ("阴性", "negative"), "positive": ("阳性", "positive"), "invalid": ("无效", "invalid")}


@dataclass(frozen=True)
class LatestTest:
    result: str | None  # negative | positive | invalid | None (pending)
    sampled_at: datetime
    reported_at: datetime | None
    days: int | None  # 0 on the result's day (RULES.md §4.4: counted by calendar day from the result time)
    valid_48h: bool


@dataclass(frozen=True)
class CodeView:
    person: Person
    name_masked: str
    id_masked: str
    derived: rules.Derived
    effects: list[tuple[rules.Reason, rules.Effect]]
    latest: LatestTest | None
    vaccination: DoseSummary
    now: datetime


def _latest(results: list[PersonResult], now: datetime) -> LatestTest | None:
    if not results:
        return None
    r = results[0]
    if r.reported_at is None or r.result is None:
        return LatestTest(None, r.sampled_at, None, None, False)
    validity = testing_rules.validity(r.reported_at, now, 48)
    return LatestTest(
        r.result, r.sampled_at, r.reported_at, validity.days, validity.valid and r.result == "negative"
    )


def code_view(ctx: Ctx, person: Person) -> CodeView:
    derived = service.status_of(ctx, person.id)
    today: date = local_date(ctx.now)
    return CodeView(
        person=person,
        name_masked=mask_name(person.name),
        id_masked=person.id_masked,  # first and last two characters only (RULES.md §4.2)
        derived=derived,
        effects=[(r, rules.KINDS[r.kind]) for r in derived.reasons],
        latest=_latest(testing_repository.person_results(ctx.session, person.id, 1), ctx.now),
        vaccination=vaccination_repository.summary_for(ctx.session, person.id, today),
        now=ctx.now,
    )


STORED = f"SELECT person_id, colour, popups, next_change_on FROM {HealthStatus.__tablename__}"  # noqa: S608


@lru_cache(maxsize=256)
def as_door_status(colour: str, popups: str) -> Status:
    zh, en = rules.COLOURS[colour]
    if popups:
        marks = "".join(rules.POPUP_MARKS[p] for p in popups.split(","))
        zh, en = f"{zh}（弹窗{marks}）", f"{en} (pop-up {marks})"
    return Status(colour, zh, en, popups=popups)


class HealthCodeProvider:
    needs_session = True
    stored_statuses_sql = STORED

    def __init__(self, edition: str = "") -> None:
        self.edition = edition

    def status_for_person(self, session: Session | None, person_id: int, now: datetime) -> Status:
        assert session is not None
        row = session.get(HealthStatus, person_id)
        if row is None:
            return as_door_status("green", "")
        if row.next_change_on is not None and row.next_change_on <= local_date(now):
            derived = service.derive_for(session, person_id, now, self.edition)
            return as_door_status(derived.colour, derived.popup_code)
        return as_door_status(row.colour, row.popups)

    def from_stored(self, stored: Sequence[Any] | None, now: datetime) -> Status | None:
        if stored is None:
            return as_door_status("green", "")
        colour, popups, next_change_on = stored
        if next_change_on is not None and next_change_on <= local_date(now):
            return None  # due to be re-derived: status_for_person
        return as_door_status(colour, popups)

    def statuses_for(
        self, session: Session | None, person_ids: Collection[int], now: datetime
    ) -> dict[int, Status]:
        assert session is not None
        h = HealthStatus
        stmt = select(h.person_id, h.colour, h.popups, h.next_change_on)
        rows = {r[0]: r[1:] for r in session.execute(stmt.where(among(session, h.person_id, person_ids)))}
        out = {}
        for pid in person_ids:
            status = self.from_stored(rows.get(pid), now)
            if status is not None:
                out[pid] = status
        return out
