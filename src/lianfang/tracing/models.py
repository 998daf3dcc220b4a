"""Tables owned by the tracing module (流调溯源): cases, clusters, interview entries, contacts and the
requests that hand confirmed contacts to the places where they are.

Scoped lists start with `jurisdiction_path` (the case's residence community, copied); a contact carries
its own person's path too, so the "contacts in my area" list and the metric per district are one index
walk. A contact is one row per (case, person): re-proposing updates the proposal, never duplicates it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class TracingCluster(Base):
    __tablename__ = "tracing_clusters"
    __table_args__ = (Index("ix_tracing_clusters_jurisdiction_path_id", "jurisdiction_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    setting: Mapped[str] = mapped_column(String(16))  # rules.CLUSTER_SETTINGS
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TracingCase(Base):
    __tablename__ = "tracing_cases"
    __table_args__ = (
        Index("ix_tracing_cases_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_tracing_cases_jurisdiction_path_status_id", "jurisdiction_path", "status", "id"),
        Index("ix_tracing_cases_jurisdiction_path_reported_at", "jurisdiction_path", "reported_at"),
        Index("ix_tracing_cases_person_id_id", "person_id", "id"),
        Index("ix_tracing_cases_cluster_id_id", "cluster_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    status: Mapped[str] = mapped_column(String(16))  # pending | open | closed | discarded
    classification: Mapped[str] = mapped_column(String(16))  # confirmed | asymptomatic
    origin: Mapped[str] = mapped_column(String(16))  # lab | clinic | manual
    found_by: Mapped[str] = mapped_column(String(24))  # rules.FOUND_BY
    source: Mapped[str] = mapped_column(String(16), default="unknown")  # imported | local | unknown
    onset_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sampled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    isolated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sample_id: Mapped[int | None] = mapped_column(unique=True)  # the positive sample that opened it
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("tracing_clusters.id"))
    infector_case_id: Mapped[int | None] = mapped_column(ForeignKey("tracing_cases.id"), index=True)
    lookback_days: Mapped[int] = mapped_column()
    rule_edition: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TracingExposure(Base):
    """An interview entry: a place the case was at without a scan, or a trip with its seat."""

    __tablename__ = "tracing_exposures"
    __table_args__ = (
        Index("ix_tracing_exposures_case_id_id", "case_id", "id"),
        Index("ix_tracing_exposures_transport_number_started_at", "transport_number", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("tracing_cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # place | transport
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"))
    place: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    transport_mode: Mapped[str | None] = mapped_column(String(16))  # rules.TRANSPORT_MODES
    transport_number: Mapped[str | None] = mapped_column(String(20))  # flight / train / bus line
    carriage: Mapped[str | None] = mapped_column(String(8))  # carriage, compartment or cabin
    seat_row: Mapped[int | None] = mapped_column()
    seat: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TracingContact(Base):
    __tablename__ = "tracing_contacts"
    __table_args__ = (
        UniqueConstraint("case_id", "person_id"),
        UniqueConstraint("case_id", "passenger_id"),
        Index("ix_tracing_contacts_case_id_id", "case_id", "id"),
        Index("ix_tracing_contacts_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_tracing_contacts_jurisdiction_path_decided_at", "jurisdiction_path", "decided_at"),
        Index("ix_tracing_contacts_person_id_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("tracing_cases.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # A person outside the city's registry (added by hand): named, with the city they are in.
    outside_name: Mapped[str] = mapped_column(String(120), default="")
    outside_city: Mapped[str] = mapped_column(String(60), default="")
    outside_phone: Mapped[str] = mapped_column(String(40), default="")
    # An unregistered passenger of a carrier's manifest, proposed by the transport rules.
    passenger_id: Mapped[int | None] = mapped_column(ForeignKey("tracing_passengers.id"))
    jurisdiction_path: Mapped[str | None] = mapped_column(ordered_string(255))
    degree: Mapped[int] = mapped_column(default=1)  # 1 contact of the case, 2 contact of a contact
    via_contact_id: Mapped[int | None] = mapped_column(ForeignKey("tracing_contacts.id"))
    category: Mapped[str] = mapped_column(String(16))  # close | general | secondary
    proposed_category: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # proposed | confirmed | dismissed
    reason: Mapped[str] = mapped_column(String(40))  # rules.REASONS
    detail: Mapped[str] = mapped_column(String(500), default="")
    rule: Mapped[str] = mapped_column(String(80))
    rule_edition: Mapped[str] = mapped_column(String(24))
    venue_id: Mapped[int | None] = mapped_column()
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overlap_minutes: Mapped[int] = mapped_column(default=0)
    manual: Mapped[bool] = mapped_column(default=False)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    controlled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TracingRequest(Base):
    """Where a confirmed contact was sent: its community (same district), a cross-district assistance
    request (跨区协查, an assignment of the other district), or a letter to another city."""

    __tablename__ = "tracing_requests"
    __table_args__ = (
        Index("ix_tracing_requests_case_id_id", "case_id", "id"),
        Index("ix_tracing_requests_target_path_id", "target_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("tracing_cases.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("tracing_contacts.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # community | assist | outgoing
    target_jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    target_path: Mapped[str | None] = mapped_column(ordered_string(255))
    target_city: Mapped[str] = mapped_column(String(60), default="")
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    letter: Mapped[str] = mapped_column(Text, default="")
    sent_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TracingTrip(Base):
    """One run of a vehicle: a flight, a train or a coach on its service day (carriers' manifests)."""

    __tablename__ = "tracing_trips"
    __table_args__ = (
        UniqueConstraint("number", "service_date"),
        Index("ix_tracing_trips_jurisdiction_path_id", "jurisdiction_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))  # rules.TRANSPORT_MODES
    number: Mapped[str] = mapped_column(String(20))  # flight / train / coach number, upper case
    service_date: Mapped[date] = mapped_column(Date)  # local day of departure
    carrier: Mapped[str] = mapped_column(String(120), default="")
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))  # the importer's scope
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TracingPassenger(Base):
    """A manifest row: who sat where on a trip. Registered people are matched by keyed hash; the name and
    phone are kept (phone sealed) only for passengers the registry does not know."""

    __tablename__ = "tracing_passengers"
    __table_args__ = (
        UniqueConstraint("trip_id", "id_hash"),
        Index("ix_tracing_passengers_trip_id_id", "trip_id", "id"),
        Index("ix_tracing_passengers_person_id_trip_id", "person_id", "trip_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("tracing_trips.id", ondelete="CASCADE"))
    id_hash: Mapped[str] = mapped_column(String(64))
    id_masked: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    jurisdiction_path: Mapped[str | None] = mapped_column(ordered_string(255))
    name: Mapped[str] = mapped_column(String(120), default="")  # unregistered passengers only
    phone_sealed: Mapped[str] = mapped_column(Text, default="")  # unregistered passengers only
    city: Mapped[str] = mapped_column(String(60), default="")
    carriage: Mapped[str | None] = mapped_column(String(8))
    seat_row: Mapped[int | None] = mapped_column()
    seat: Mapped[str | None] = mapped_column(String(8))  # as printed: "12C", "05车12F"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
