"""Queries of the vaccination module. `doses_for` and `summary_for` are the read interface other modules
(the health-code module) use; keep their signatures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import Session

from lianfang.people.models import Person
from lianfang.vaccination import rules
from lianfang.vaccination.models import VaccinationCoverage, VaccinationDose, VaccinationStatus
from lianfang.vaccination.rules import DoseSummary

CHUNK = 900  # ids per IN list (SQLite's default limit on bound parameters is 999)

__all__ = ["CHUNK", "DoseSummary", "doses_for", "summary_for"]


def doses_for(session: Session, person_id: int) -> list[VaccinationDose]:
    query = select(VaccinationDose).where(VaccinationDose.person_id == person_id)
    return list(session.scalars(query.order_by(VaccinationDose.dose_number)))


def as_rule_doses(doses: Iterable[VaccinationDose]) -> list[rules.Dose]:
    return [rules.Dose(d.dose_number, d.product, d.dosed_on) for d in doses]


def summary_for(session: Session, person_id: int, today: date) -> DoseSummary:
    """The person's doses judged by the rule set in force on `today` (computed from the doses, not read
    from the status table, so it is exact even between refreshes)."""
    birth = session.scalar(select(Person.birth_date).where(Person.id == person_id))
    return rules.status_of(as_rule_doses(doses_for(session, person_id)), birth, today).summary


def doses_of_people(session: Session, person_ids: Iterable[int]) -> dict[int, list[VaccinationDose]]:
    found: dict[int, list[VaccinationDose]] = {}
    unique = list(dict.fromkeys(person_ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        query = select(VaccinationDose).where(VaccinationDose.person_id.in_(chunk))
        for dose in session.scalars(query.order_by(VaccinationDose.person_id, VaccinationDose.dose_number)):
            found.setdefault(dose.person_id, []).append(dose)
    return found


def doses_by_keys(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], VaccinationDose]:
    found: dict[tuple[str, str], VaccinationDose] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), CHUNK // 2):
        chunk = unique[start : start + CHUNK // 2]
        query = select(VaccinationDose).where(
            tuple_(VaccinationDose.site_code, VaccinationDose.record_key).in_(chunk)
        )
        for dose in session.scalars(query):
            found[(dose.site_code, dose.record_key or "")] = dose
    return found


def statuses_of(session: Session, person_ids: Iterable[int]) -> dict[int, VaccinationStatus]:
    found: dict[int, VaccinationStatus] = {}
    unique = list(dict.fromkeys(person_ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        for row in session.scalars(select(VaccinationStatus).where(VaccinationStatus.person_id.in_(chunk))):
            found[row.person_id] = row
    return found


def people_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    found: dict[int, Person] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        for person in session.scalars(select(Person).where(Person.id.in_(chunk))):
            found[person.id] = person
    return found


def due_page(
    session: Session,
    scope: ColumnElement[bool],
    state: str,
    after: VaccinationStatus | None,
    limit: int,
) -> list[VaccinationStatus]:
    """People in `state` within the scope, in (jurisdiction_path, person_id) order: one range of the
    index `ix_vaccination_status_jurisdiction_path_state_person_id` per page."""
    query = select(VaccinationStatus).where(scope, VaccinationStatus.state == state)
    if after is not None:
        query = query.where(
            tuple_(VaccinationStatus.jurisdiction_path, VaccinationStatus.person_id)
            > tuple_(after.jurisdiction_path, after.person_id)
        )
    order = (VaccinationStatus.jurisdiction_path, VaccinationStatus.person_id)
    return list(session.scalars(query.order_by(*order).limit(limit)))


def coverage_rows(session: Session, jurisdiction_ids: Sequence[int]) -> list[VaccinationCoverage]:
    if not jurisdiction_ids:
        return []
    query = select(VaccinationCoverage).where(VaccinationCoverage.jurisdiction_id.in_(jurisdiction_ids))
    return list(
        session.scalars(query.order_by(VaccinationCoverage.jurisdiction_path, VaccinationCoverage.id))
    )


def coverage_as_of(session: Session) -> date | None:
    query = select(VaccinationCoverage.as_of).order_by(VaccinationCoverage.as_of).limit(1)
    return session.scalar(query)
