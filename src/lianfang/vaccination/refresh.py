"""Derived data: each vaccinated person's status row and the coverage table.

Statuses are recomputed for the people whose doses changed (in chunks, one insert for the new rows).
Coverage is refreshed set-based: two GROUP BY statements per chunk of communities (the registry by age
group for the population, the status table for the vaccinated) write the community rows, and every
ancestor's rows are summed from its communities' rows. Imports and staff entries refresh their own
communities; the periodic scan moves `upcoming` to `due` as days pass, follows people who moved and
refreshes the whole city once per local day (age groups shift with birthdays)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, case, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree
from lianfang.people.models import Person
from lianfang.vaccination import repository, rules
from lianfang.vaccination.models import VaccinationCoverage, VaccinationStatus

COUNTS = ("population", "one_dose", "primary_complete", "boosted", "due")
Counts = dict[tuple[int, str], list[int]]


def recompute_statuses(ctx: Ctx, person_ids: Iterable[int]) -> int:
    """Write each person's status under the rule set in force; returns how many rows changed state."""
    today = local_date(ctx.now)
    ids = list(dict.fromkeys(person_ids))
    changed = 0
    for start in range(0, len(ids), repository.CHUNK):
        chunk = ids[start : start + repository.CHUNK]
        people = repository.people_by_ids(ctx.session, chunk)
        doses = repository.doses_of_people(ctx.session, chunk)
        current = repository.statuses_of(ctx.session, chunk)
        new_rows: list[dict[str, Any]] = []
        for person_id in chunk:
            person = people.get(person_id)
            own = doses.get(person_id, [])
            row = current.get(person_id)
            if person is None or not own:
                if row is not None:
                    ctx.session.delete(row)
                    changed += 1
                continue
            status = rules.status_of(repository.as_rule_doses(own), person.birth_date, today)
            values = _values(ctx, person, status)
            if row is None:
                new_rows.append(values | {"person_id": person_id})
                changed += 1
                continue
            changed += row.state != status.state
            for key, value in values.items():
                setattr(row, key, value)
        if new_rows:
            ctx.session.execute(insert(VaccinationStatus), new_rows)
        ctx.session.flush()
    return changed


def _values(ctx: Ctx, person: Person, status: rules.Status) -> dict[str, Any]:
    s = status.summary
    return {
        "community_id": person.community_id,
        "jurisdiction_path": person.jurisdiction_path,
        "birth_date": person.birth_date,
        "doses": s.doses,
        "last_dose_on": s.last_dose_on,
        "primary_complete": s.primary_complete,
        "primary_completed_on": status.primary_completed_on,
        "booster_received": s.booster_received,
        "booster_due_on": s.booster_due_on,
        "state": status.state,
        "edition": rules.EDITION,
        "updated_at": ctx.now,
    }


def flip_due(ctx: Ctx) -> int:
    today = local_date(ctx.now)
    statement = (
        update(VaccinationStatus)
        .where(VaccinationStatus.state == "upcoming", VaccinationStatus.booster_due_on <= today)
        .values(state="due", updated_at=ctx.now)
    )
    return int(ctx.session.execute(statement).rowcount)  # type: ignore[attr-defined]


def follow_moves(ctx: Ctx) -> int:
    """Status rows of people who moved community (or whose birth date was corrected) are recomputed."""
    moved = select(VaccinationStatus.person_id).join(Person, Person.id == VaccinationStatus.person_id)
    moved = moved.where(
        (Person.community_id != VaccinationStatus.community_id)
        | Person.birth_date.is_distinct_from(VaccinationStatus.birth_date)
    )
    ids = list(ctx.session.scalars(moved))
    if ids:
        recompute_statuses(ctx, ids)
    return len(ids)


def _age_case(column: Any, today: date) -> ColumnElement[str]:
    whens: list[tuple[ColumnElement[bool], str]] = [(column.is_(None), rules.UNKNOWN_AGE)]
    for code, low, _high in reversed(rules.AGE_GROUPS[1:]):
        whens.append((column <= literal(rules.years_before(today, low), Date), code))
    return case(*whens, else_=rules.AGE_GROUPS[0][0])


def _counts(session: Session, today: date, communities: Collection[int] | None) -> Counts:
    counts: Counts = defaultdict(lambda: [0] * len(COUNTS))
    chunks: list[list[int] | None] = [None]
    if communities is not None:
        ordered = sorted(communities)
        chunks = [ordered[i : i + repository.CHUNK] for i in range(0, len(ordered), repository.CHUNK)]
    for chunk in chunks:
        people = select(Person.community_id.label("c"), _age_case(Person.birth_date, today).label("g"))
        if chunk is not None:
            people = people.where(Person.community_id.in_(chunk))
        inner = people.subquery()
        for community, group, number in session.execute(
            select(inner.c.c, inner.c.g, func.count()).group_by(inner.c.c, inner.c.g)
        ):
            counts[(community, group)][0] = number
        s = VaccinationStatus
        vaccinated = select(
            s.community_id.label("c"),
            _age_case(s.birth_date, today).label("g"),
            case((s.doses >= 1, 1), else_=0).label("one"),
            case((s.primary_complete, 1), else_=0).label("full"),
            case((s.booster_received, 1), else_=0).label("boost"),
            case((s.state == "due", 1), else_=0).label("due"),
        )
        if chunk is not None:
            vaccinated = vaccinated.where(s.community_id.in_(chunk))
        v = vaccinated.subquery()
        totals = select(
            v.c.c, v.c.g, func.sum(v.c.one), func.sum(v.c.full), func.sum(v.c.boost), func.sum(v.c.due)
        )
        for community, group, *numbers in session.execute(totals.group_by(v.c.c, v.c.g)):
            counts[(community, group)][1:] = [int(n or 0) for n in numbers]
    return counts


def _ancestor_ids(paths: Iterable[str]) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/")[:-1] if part}


def refresh_coverage(ctx: Ctx, communities: Collection[int] | None = None) -> int:
    """Refresh the coverage rows of `communities` (None: the whole city) and of all their ancestors."""
    session, today = ctx.session, local_date(ctx.now)
    if communities is not None and not communities:
        return 0
    counts = _counts(session, today, communities)
    query = select(Jurisdiction.id, Jurisdiction.path).where(Jurisdiction.level == "community")
    if communities is not None:
        wanted = query.where(Jurisdiction.id.in_(sorted(communities)))
        paths: dict[int, str] = {int(i): str(p) for i, p in session.execute(wanted)}
        for start in range(0, len(paths), repository.CHUNK):
            chunk = list(paths)[start : start + repository.CHUNK]
            session.execute(delete(VaccinationCoverage).where(VaccinationCoverage.jurisdiction_id.in_(chunk)))
    else:
        paths = {int(i): str(p) for i, p in session.execute(query)}
        session.execute(delete(VaccinationCoverage).where(VaccinationCoverage.level == "community"))
    rows = [
        _row(ctx, community, paths[community], "community", group, numbers, today)
        for (community, group), numbers in counts.items()
        if community in paths
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(VaccinationCoverage), rows[start : start + 5000])
    return len(rows) + _roll_up(ctx, _ancestor_ids(paths.values()), today)


def _roll_up(ctx: Ctx, ancestors: set[int], today: date) -> int:
    """Each ancestor's rows are the sum of the community rows under it (one range read of the table)."""
    session = ctx.session
    if not ancestors:
        return 0
    places = {
        j.id: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(sorted(ancestors))))
    }
    top = min((j.path for j in places.values()), key=len)
    c = VaccinationCoverage
    query = select(
        c.jurisdiction_path, c.age_group, c.population, c.one_dose, c.primary_complete, c.boosted, c.due
    )
    query = query.where(c.level == "community", in_subtree(c.jurisdiction_path, top))
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for path, group, *numbers in session.execute(query):
        for part in path.strip("/").split("/")[:-1]:
            if int(part) in places:
                total = sums[(int(part), group)]
                for i, n in enumerate(numbers):
                    total[i] += n
    session.execute(delete(c).where(c.jurisdiction_id.in_(sorted(places))))
    rows = [
        _row(ctx, place, places[place].path, places[place].level, group, numbers, today)
        for (place, group), numbers in sums.items()
    ]
    if rows:
        session.execute(insert(c), rows)
    return len(rows)


def _row(
    ctx: Ctx, place: int, path: str, level: str, group: str, numbers: list[int], today: date
) -> dict[str, Any]:
    return {
        "jurisdiction_id": place,
        "jurisdiction_path": path,
        "level": level,
        "age_group": group,
        **dict(zip(COUNTS, numbers, strict=True)),
        "as_of": today,
        "refreshed_at": ctx.now,
    }


def scan(ctx: Ctx) -> int:
    """The periodic task: due dates reached today, moved people, and once a local day the whole city."""
    done = flip_due(ctx)
    oldest = repository.coverage_as_of(ctx.session)
    daily = oldest is None or oldest < local_date(ctx.now)
    if daily:
        done += follow_moves(ctx)
    if daily or done:
        done += refresh_coverage(ctx)
    return done
