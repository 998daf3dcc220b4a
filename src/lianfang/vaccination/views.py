"""Coverage as pages and the API show it: one jurisdiction in the actor's scope (their home by default)
and its children, by age group, read from the pre-aggregated table only (a few dozen rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.access import access_jurisdiction
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.vaccination import access, refresh, repository, rules
from lianfang.vaccination.models import VaccinationCoverage

COUNTS = refresh.COUNTS


@dataclass
class Line:
    place: Jurisdiction
    groups: dict[str, list[int]] = field(default_factory=dict)

    def total(self) -> list[int]:
        sums = [0] * len(COUNTS)
        for numbers in self.groups.values():
            sums = [a + b for a, b in zip(sums, numbers, strict=True)]
        return sums


@dataclass(frozen=True)
class View:
    home: Jurisdiction
    lines: list[Line]  # the home first, then its children
    as_of: date | None


def _numbers(row: VaccinationCoverage) -> list[int]:
    return [int(getattr(row, name)) for name in COUNTS]


def coverage_view(ctx: Ctx, jurisdiction_id: int | None = None) -> View:
    ctx.actor.require(access.READ)
    target = jurisdiction_id if jurisdiction_id is not None else ctx.actor.jurisdiction_id
    if target is None:
        roots = jurisdictions_repository.roots(ctx.session)
        if not roots:
            raise NotFound("辖区", "jurisdiction")
        target = roots[0].id
    home = access_jurisdiction(ctx.session, ctx.actor, target)
    places = [home, *jurisdictions_repository.children(ctx.session, home.id)]
    lines = {p.id: Line(p) for p in places}
    rows = repository.coverage_rows(ctx.session, list(lines))
    for row in rows:
        lines[row.jurisdiction_id].groups[row.age_group] = _numbers(row)
    as_of = min((r.as_of for r in rows), default=None)
    return View(home, [lines[p.id] for p in places], as_of)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


AGE_GROUPS = rules.AGE_GROUP_CODES
