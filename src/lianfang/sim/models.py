"""Ground-truth tables of simulated runs, kept apart from the operational data (ANALYTICS.md §3.5).

Only a simulation knows who infected whom, where and when, who was never scanned and which visits left no
scan; benchmarks and tests read these tables through `lianfang.sim.truth_queries`. No page or ordinary API
shows them. Person and venue ids refer to the operational tables of the same database, but there are no
foreign keys: the truth is bulk-loaded with COPY (a per-row foreign-key check would dominate) and must
survive edits of the registry. Days are simulation days (0 = the run's `start_date`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime

_BIG = BigInteger().with_variant(Integer, "sqlite")  # SQLite assigns ids only to INTEGER PRIMARY KEY


class SimRun(Base):
    __tablename__ = "sim_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    scenario: Mapped[str] = mapped_column(String(40))
    persons: Mapped[int] = mapped_column()
    days: Mapped[int] = mapped_column()
    start_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SimInfection(Base):
    """One infection: `infector_id` is null for infections brought in from outside (seeded, travel)."""

    __tablename__ = "sim_infections"
    __table_args__ = (Index("ix_sim_infections_run_id_day", "run_id", "day"),)

    id: Mapped[int] = mapped_column(_BIG, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sim_runs.id", ondelete="CASCADE"))
    infectee_id: Mapped[int] = mapped_column()
    infector_id: Mapped[int | None] = mapped_column()
    day: Mapped[int] = mapped_column(SmallInteger)  # negative: infected before the run started
    infected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    setting: Mapped[str] = mapped_column(String(16))  # household | work | school | venue | imported
    venue_id: Mapped[int | None] = mapped_column()


class SimPersonTruth(Base):
    """Each resident's course in a run; day columns are null when it did not happen within the run."""

    __tablename__ = "sim_people_truth"

    run_id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True)
    infected_day: Mapped[int | None] = mapped_column(SmallInteger)
    onset_day: Mapped[int | None] = mapped_column(SmallInteger)
    detected_day: Mapped[int | None] = mapped_column(SmallInteger)
    detection_route: Mapped[str | None] = mapped_column(String(16))  # care | pharmacy | screening
    asymptomatic: Mapped[bool] = mapped_column()
    visits_total: Mapped[int] = mapped_column()
    visits_scanned: Mapped[int] = mapped_column()
    never_scanned: Mapped[bool] = mapped_column()  # made visits, scanned none of them


class SimUnscannedVisit(Base):
    """A visit that left no scan (扫码登记 skipped): invisible to venue-based tracing."""

    __tablename__ = "sim_unscanned_visits"
    __table_args__ = (Index("ix_sim_unscanned_visits_run_id_venue_id_day", "run_id", "venue_id", "day"),)

    id: Mapped[int] = mapped_column(_BIG, primary_key=True)
    run_id: Mapped[int] = mapped_column()
    person_id: Mapped[int] = mapped_column()
    venue_id: Mapped[int] = mapped_column()
    day: Mapped[int] = mapped_column(SmallInteger)
    start_minute: Mapped[int] = mapped_column(SmallInteger)
    stay_minutes: Mapped[int] = mapped_column(SmallInteger)


class SimTravel(Base):
    """A resident's trip out of Beijing and back (GB/T 2260 city codes). Kept here until a travel module
    owns travel records."""

    __tablename__ = "sim_travel"
    __table_args__ = (Index("ix_sim_travel_run_id_person_id", "run_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sim_runs.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column()
    origin: Mapped[str] = mapped_column(String(6))
    destination: Mapped[str] = mapped_column(String(6))
    destination_name: Mapped[str] = mapped_column(String(40))
    depart_date: Mapped[date] = mapped_column(Date)
    return_date: Mapped[date] = mapped_column(Date)
