"""Tables owned by the vaccination module: doses, each person's status under the booster rule set, and
the pre-aggregated coverage figures.

`vaccination_status` is one row per vaccinated person, copying the person's community
(`community_id`, `jurisdiction_path`) and birth date, so the due list pages on an index that starts with
`jurisdiction_path` and the coverage refresh groups it without a join. `vaccination_coverage` holds one
row per jurisdiction (every level) and age group; pages read a handful of its rows, never the people."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class VaccinationDose(Base):
    """One dose given: which product, which dose of the person's schedule, when and where. A person has
    at most one dose per dose number; a site's own record key (`site_code`, `record_key`) is unique."""

    __tablename__ = "vaccination_doses"
    __table_args__ = (
        UniqueConstraint("person_id", "dose_number"),
        UniqueConstraint("site_code", "record_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    dose_number: Mapped[int] = mapped_column()
    product: Mapped[str] = mapped_column(String(32))
    dosed_on: Mapped[date] = mapped_column(Date)
    site_code: Mapped[str] = mapped_column(String(40))
    site_name: Mapped[str] = mapped_column(String(120), default="")
    batch: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(16))  # site | staff | demo
    record_key: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VaccinationStatus(Base):
    """A vaccinated person's state under `edition`: recomputed whenever their doses change; the periodic
    scan moves `upcoming` to `due` as days pass. Outreach follow-up (contact, assignment) lives here."""

    __tablename__ = "vaccination_status"
    __table_args__ = (
        # The due list: state is an equality, so rows come in (jurisdiction_path, person_id) order.
        Index(
            "ix_vaccination_status_jurisdiction_path_state_person_id",
            "jurisdiction_path",
            "state",
            "person_id",
        ),
        Index("ix_vaccination_status_state_booster_due_on", "state", "booster_due_on"),
        Index("ix_vaccination_status_community_id", "community_id"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column()
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    birth_date: Mapped[date | None] = mapped_column(Date)
    doses: Mapped[int] = mapped_column(default=0)
    last_dose_on: Mapped[date | None] = mapped_column(Date)
    primary_complete: Mapped[bool] = mapped_column(default=False)
    primary_completed_on: Mapped[date | None] = mapped_column(Date)
    booster_received: Mapped[bool] = mapped_column(default=False)
    booster_due_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12))  # none | upcoming | due | boosted
    edition: Mapped[str] = mapped_column(String(32))
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contacted_by: Mapped[str] = mapped_column(String(120), default="")
    contact_note: Mapped[str] = mapped_column(String(300), default="")
    outreach_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VaccinationCoverage(Base):
    """Counts for one jurisdiction (any level; a parent sums its communities) and age group on `as_of`."""

    __tablename__ = "vaccination_coverage"
    __table_args__ = (UniqueConstraint("jurisdiction_id", "age_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255), index=True)
    level: Mapped[str] = mapped_column(String(16))
    age_group: Mapped[str] = mapped_column(String(8))
    population: Mapped[int] = mapped_column(default=0)
    one_dose: Mapped[int] = mapped_column(default=0)
    primary_complete: Mapped[int] = mapped_column(default=0)
    boosted: Mapped[int] = mapped_column(default=0)
    due: Mapped[int] = mapped_column(default=0)
    as_of: Mapped[date] = mapped_column(Date)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime())
