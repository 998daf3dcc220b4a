"""Tables owned by the travel module: places (GB/T 2260), the risk-area list, travel records, inbound
arrivals, pop-up ① flags and observation requirements.

Person-level rows copy the person's community (`community_id`, `jurisdiction_path`) so scoped lists page
on an index that starts with `jurisdiction_path`. The re-flag statement reads travel records by
`(place_code, last_day)` with the person in the same index, so it never touches the table's heap on
PostgreSQL when it can help it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class Place(Base):
    """A national administrative division (GB/T 2260), loaded from an import file."""

    __tablename__ = "travel_places"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    level: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RiskArea(Base):
    __tablename__ = "travel_risk_areas"
    __table_args__ = (Index("ix_travel_risk_areas_active_place_code", "active", "place_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_code: Mapped[str] = mapped_column(ForeignKey("travel_places.code"))
    area_name: Mapped[str] = mapped_column(String(200), default="")  # a zone inside the county, or ""
    level: Mapped[str] = mapped_column(String(16))
    inside_city: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date] = mapped_column(Date)
    last_case_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    lift_rule: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lift_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TravelRecord(Base):
    """One stay outside the city: where, from which day to which (last_day = OPEN_END while still there),
    from which source. A correction supersedes a record (state "superseded", `superseded_by_id`); it is
    never edited in place."""

    __tablename__ = "travel_records"
    __table_args__ = (
        Index("ix_travel_records_place_code_last_day_person_id", "place_code", "last_day", "person_id"),
        Index("ix_travel_records_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_travel_records_person_id_state", "person_id", "state"),
        UniqueConstraint("source", "source_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    place_code: Mapped[str] = mapped_column(ForeignKey("travel_places.code"))
    from_on: Mapped[date] = mapped_column(Date)
    to_on: Mapped[date | None] = mapped_column(Date)  # back in the city (None: still away)
    last_day: Mapped[date] = mapped_column(Date)  # to_on or OPEN_END
    source: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str | None] = mapped_column(String(120))  # carrier / hub record id, import key
    carrier: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(12), default="active")  # active | superseded | withdrawn
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("travel_records.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboundArrival(Base):
    __tablename__ = "travel_arrivals"
    __table_args__ = (
        Index("ix_travel_arrivals_jurisdiction_path_id", "jurisdiction_path", "id"),
        UniqueConstraint("person_id", "arrived_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    arrived_on: Mapped[date] = mapped_column(Date)
    from_country: Mapped[str] = mapped_column(String(3))
    port: Mapped[str] = mapped_column(String(120))
    hotel: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(16))  # port | hotel
    registered_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TravelFlag(Base):
    """Pop-up ① for one person and one listed area: open until the community verifies the person (in the
    city), the area is lifted, or 14 days have passed since the person left it (`expires_on`)."""

    __tablename__ = "travel_flags"
    __table_args__ = (
        # One flag per person and area; person first, so it also answers "this person's flags" (pop-ups).
        UniqueConstraint("person_id", "risk_area_id"),
        Index("ix_travel_flags_jurisdiction_path_state_id", "jurisdiction_path", "state", "id"),
        Index("ix_travel_flags_state_expires_on", "state", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign keys on the three columns the re-flag statement copies from rows that have them (risk
    # areas are never deleted, travel records reference people and communities): PostgreSQL checks a
    # foreign key with a trigger per row, which was 60% of a set-based re-flag's time.
    risk_area_id: Mapped[int] = mapped_column()
    person_id: Mapped[int] = mapped_column()
    community_id: Mapped[int] = mapped_column()
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    place_code: Mapped[str] = mapped_column(String(6))
    last_day: Mapped[date] = mapped_column(Date)  # last day of the matching stay (OPEN_END: still there)
    in_city: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(12), default="open")  # open | verified | lifted | expired
    expires_on: Mapped[date | None] = mapped_column(Date)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleared_by: Mapped[str] = mapped_column(String(120), default="")
    clear_note: Mapped[str] = mapped_column(String(300), default="")
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))


class ObservationRequirement(Base):
    """'Observation required': what the rule set in force decided for a returnee or an inbound arrival,
    for the control module to turn into an order; carries pop-up ② (`popup2_until`) for arrivals."""

    __tablename__ = "travel_observations"
    __table_args__ = (
        Index("ix_travel_observations_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_travel_observations_person_id", "person_id"),
        UniqueConstraint("kind", "origin_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    kind: Mapped[str] = mapped_column(String(12))  # returnee | inbound
    origin_id: Mapped[int] = mapped_column()  # the travel record or the arrival it comes from
    edition: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(24))
    centralised_days: Mapped[int] = mapped_column(default=0)
    home_days: Mapped[int] = mapped_column(default=0)
    monitoring_days: Mapped[int] = mapped_column(default=0)
    test_days: Mapped[str] = mapped_column(String(60), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    handover_on: Mapped[date] = mapped_column(Date)
    isolation_ends_on: Mapped[date] = mapped_column(Date)
    monitoring_ends_on: Mapped[date] = mapped_column(Date)
    popup2_until: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="required")  # required | withdrawn
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
