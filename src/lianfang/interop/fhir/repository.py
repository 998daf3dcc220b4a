"""What a FHIR export reads, set-based: for a batch of cases, their people, contacts, test results,
vaccination doses, control orders and communities, each in one query per chunk of ids (a 10,000-case
export is a few dozen statements, not a few per case). The district list walks the cases'
`(jurisdiction_path, reported_at)` index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.control.models import ControlOrder
from lianfang.core.db import among
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree
from lianfang.people.models import Person
from lianfang.testing.models import Sample, Tube, TubeResult
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.vaccination.models import VaccinationDose

CHUNK = 1000


@dataclass
class Batch:
    """Everything the resources of a batch of cases are built from, keyed for look-up."""

    cases: list[TracingCase]
    people: dict[int, Person] = field(default_factory=dict)
    contacts: dict[int, list[TracingContact]] = field(default_factory=lambda: defaultdict(list))
    results: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    doses: dict[int, list[VaccinationDose]] = field(default_factory=lambda: defaultdict(list))
    orders: dict[int, list[ControlOrder]] = field(default_factory=lambda: defaultdict(list))
    places: dict[int, Jurisdiction] = field(default_factory=dict)


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    unique = sorted(set(ids))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]


def district_cases(
    session: Session, path: str, start: datetime, end: datetime, after: int, limit: int
) -> list[TracingCase]:
    """Cases reported in [start, end) under `path`, by id after `after` (keyset), not discarded."""
    return list(
        session.scalars(
            select(TracingCase)
            .where(
                in_subtree(TracingCase.jurisdiction_path, path),
                TracingCase.reported_at >= start,
                TracingCase.reported_at < end,
                TracingCase.status != "discarded",
                TracingCase.id > after,
            )
            .order_by(TracingCase.id)
            .limit(limit)
        )
    )


def load(session: Session, cases: list[TracingCase]) -> Batch:
    batch = Batch(cases)
    case_people = [c.person_id for c in cases]
    for chunk in _chunks([c.id for c in cases]):
        for contact in session.scalars(
            select(TracingContact)
            .where(among(session, TracingContact.case_id, chunk), TracingContact.status == "confirmed")
            .order_by(TracingContact.id)
        ):
            batch.contacts[contact.case_id].append(contact)
    contact_people = [c.person_id for cs in batch.contacts.values() for c in cs if c.person_id is not None]
    for chunk in _chunks(case_people + contact_people):
        batch.people.update(
            (p.id, p) for p in session.scalars(select(Person).where(among(session, Person.id, chunk)))
        )
    for chunk in _chunks(case_people):
        rows = session.execute(
            select(
                Sample.person_id,
                Sample.id,
                Sample.sampled_at,
                Tube.barcode,
                Tube.kind,
                Tube.capacity,
                TubeResult.result,
                TubeResult.reported_at,
            )
            .join(Tube, Tube.id == Sample.tube_id)
            .join(TubeResult, TubeResult.tube_id == Tube.id)
            .where(among(session, Sample.person_id, chunk))
            .order_by(Sample.person_id, Sample.sampled_at)
        )
        for row in rows:
            batch.results[row.person_id].append(row)
        for dose in session.scalars(
            select(VaccinationDose)
            .where(among(session, VaccinationDose.person_id, chunk))
            .order_by(VaccinationDose.person_id, VaccinationDose.dose_number)
        ):
            batch.doses[dose.person_id].append(dose)
        for order in session.scalars(
            select(ControlOrder)
            .where(among(session, ControlOrder.person_id, chunk))
            .order_by(ControlOrder.id)
        ):
            batch.orders[order.person_id].append(order)
    wanted = set(case_people)
    communities = [p.community_id for p in batch.people.values() if p.id in wanted]
    for chunk in _chunks(communities):
        batch.places.update(
            (j.id, j)
            for j in session.scalars(select(Jurisdiction).where(among(session, Jurisdiction.id, chunk)))
        )
    return batch
