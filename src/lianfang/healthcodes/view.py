"""What a person's code page shows, assembled once for the resident page, the staff page and the API:
the derived status with plain-language reasons, the masked identity, the latest test and its age, and
vaccination doses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.healthcodes import rules, service
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
