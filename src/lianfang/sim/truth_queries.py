"""Reading the ground truth of simulated runs, for tests and benchmarks (tracing recall, Rt checks).

Nothing here checks permissions: these functions are not reachable from any page or API route and must
not be — ordinary users never see the truth (ANALYTICS.md §3.5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lianfang.sim._arrays import F64, I64
from lianfang.sim.models import SimInfection, SimPersonTruth, SimRun, SimTravel, SimUnscannedVisit


def latest_run(session: Session) -> SimRun | None:
    return session.scalar(select(SimRun).order_by(SimRun.id.desc()).limit(1))


def infections(session: Session, run_id: int) -> Sequence[SimInfection]:
    query = select(SimInfection).where(SimInfection.run_id == run_id).order_by(SimInfection.id)
    return session.scalars(query).all()


@dataclass(frozen=True)
class Incidence:
    """Infections per simulation day from `first_day` (may be negative: seeded before the start) to the
    run's last day; local ones have an infector in the city, imported ones do not."""

    first_day: int
    local: I64
    imported: I64

    @property
    def days(self) -> I64:
        return np.arange(self.first_day, self.first_day + self.local.shape[0], dtype=np.int64)


def daily_incidence(session: Session, run_id: int) -> Incidence:
    run = session.get(SimRun, run_id)
    if run is None:
        msg = f"no simulation run {run_id}"
        raise LookupError(msg)
    rows = session.execute(
        select(SimInfection.day, SimInfection.infector_id.is_(None), func.count())
        .where(SimInfection.run_id == run_id)
        .group_by(SimInfection.day, SimInfection.infector_id.is_(None))
    ).all()
    first = min([0, *(int(day) for day, _imported, _n in rows)])
    local = np.zeros(run.days - first, dtype=np.int64)
    imported = np.zeros(run.days - first, dtype=np.int64)
    for day, is_imported, n in rows:
        if int(day) < run.days:
            (imported if is_imported else local)[int(day) - first] += int(n)
    return Incidence(first, local, imported)


def case_reproduction(session: Session, run_id: int) -> tuple[I64, F64, I64]:
    """(infection day, mean number infected by the people infected that day, how many were infected):
    the realised reproduction number of each day's cohort (right-censored near the end of a run)."""
    cohort = dict(
        session.execute(
            select(SimInfection.day, func.count())
            .where(SimInfection.run_id == run_id)
            .group_by(SimInfection.day)
        ).all()
    )
    infectee = SimInfection.__table__.alias("infectee")
    offspring: dict[int, int] = dict(
        session.execute(
            select(infectee.c.day, func.count())
            .select_from(SimInfection)
            .join(
                infectee, (infectee.c.infectee_id == SimInfection.infector_id) & (infectee.c.run_id == run_id)
            )
            .where(SimInfection.run_id == run_id)
            .group_by(infectee.c.day)
        ).all()
    )
    days = np.array(sorted(int(d) for d in cohort), dtype=np.int64)
    sizes = np.array([cohort[d] for d in days.tolist()], dtype=np.int64)
    children = np.array([offspring.get(d, 0) for d in days.tolist()], dtype=np.float64)
    return days, np.asarray(children / np.maximum(sizes, 1), dtype=np.float64), sizes


def people_truth(session: Session, run_id: int, person_ids: Sequence[int]) -> Sequence[SimPersonTruth]:
    query = select(SimPersonTruth).where(
        SimPersonTruth.run_id == run_id, SimPersonTruth.person_id.in_(list(person_ids))
    )
    return session.scalars(query.order_by(SimPersonTruth.person_id)).all()


def never_scanned(session: Session, run_id: int) -> list[int]:
    """People who made visits and scanned none of them."""
    query = select(SimPersonTruth.person_id).where(
        SimPersonTruth.run_id == run_id, SimPersonTruth.never_scanned.is_(True)
    )
    return [int(i) for i in session.scalars(query.order_by(SimPersonTruth.person_id))]


def unscanned_visits(session: Session, run_id: int, venue_id: int, day: int) -> Sequence[SimUnscannedVisit]:
    query = select(SimUnscannedVisit).where(
        SimUnscannedVisit.run_id == run_id,
        SimUnscannedVisit.venue_id == venue_id,
        SimUnscannedVisit.day == day,
    )
    return session.scalars(query.order_by(SimUnscannedVisit.id)).all()


def trips(session: Session, run_id: int, person_id: int) -> Sequence[SimTravel]:
    query = select(SimTravel).where(SimTravel.run_id == run_id, SimTravel.person_id == person_id)
    return session.scalars(query.order_by(SimTravel.depart_date)).all()
