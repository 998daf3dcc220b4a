"""Tables owned by testing: rounds, sites, teams, labs, tubes, samples, shipments, temporary controls and the
pre-aggregated round progress.

A tube (采样管) holds the samples of up to `capacity` persons (1 for single tubes and individual tests).
The lab result belongs to the tube (`TubeResult`): a person's result is their sample's tube's result, so
uploading the results of 2 million pooled tubes inserts 2 million rows, not 20 million. Samples carry the
person's community path (`jurisdiction_path`) so that round progress and the door-knocking list are
answered per community on an index. `TemporaryControl` rows are the durable record of "every member of a
positive pool is under temporary control" that the health-code module reads (open while `lifted_at` is
null).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string

BigId = BigInteger().with_variant(Integer, "sqlite")


class TestingRound(Base):
    """A testing round ordered over an area (a jurisdiction subtree) with a deadline."""

    __tablename__ = "testing_rounds"
    __table_args__ = (Index("ix_testing_rounds_area_path_id", "area_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    area_jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    area_path: Mapped[str] = mapped_column(ordered_string(255))
    default_mode: Mapped[str] = mapped_column(String(16))  # rules.MODES
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expected: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    note: Mapped[str] = mapped_column(String(500), default="")
    ordered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RoundArea(Base):
    """A pooling mode for part of a round's area (the deepest matching area wins over the default).

    A plain area is a jurisdiction (`zone_ref` empty). A zone (封控区/管控区/防范区, or 高/中/低风险区) is
    a row with the zone's kind and an opaque reference given by the caller (the control module orders
    rounds for its zones: testing sits below control and knows zones only as these rows): a community
    zone covers its community; a building zone lists its `households` and covers only their members,
    and wins over any jurisdiction area."""

    __tablename__ = "testing_round_areas"
    __table_args__ = (UniqueConstraint("round_id", "jurisdiction_id", "zone_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("testing_rounds.id"))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    mode: Mapped[str] = mapped_column(String(16))
    zone_kind: Mapped[str] = mapped_column(String(16), default="")  # rules.ZONE_KINDS, "" = plain area
    zone_ref: Mapped[str] = mapped_column(String(40), default="")  # e.g. "control_zone:12"
    zone_name: Mapped[str] = mapped_column(String(200), default="")
    households: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: the whole jurisdiction


class SamplingSite(Base):
    __tablename__ = "testing_sites"
    __table_args__ = (Index("ix_testing_sites_jurisdiction_path_id", "jurisdiction_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    address: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SamplingTeam(Base):
    __tablename__ = "testing_teams"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("testing_sites.id"))
    name: Mapped[str] = mapped_column(String(80))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Lab(Base):
    """A testing laboratory; `daily_capacity` is tubes per local day, used to assign shipments."""

    __tablename__ = "testing_labs"
    __table_args__ = (Index("ix_testing_labs_jurisdiction_path_id", "jurisdiction_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    daily_capacity: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Shipment(Base):
    """A batch of closed tubes sent from a site to a lab (转运)."""

    __tablename__ = "testing_shipments"
    __table_args__ = (
        Index("ix_testing_shipments_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_testing_shipments_lab_id_id", "lab_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("testing_sites.id"))
    lab_id: Mapped[int] = mapped_column(ForeignKey("testing_labs.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    tube_count: Mapped[int] = mapped_column()
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shipped_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Tube(Base):
    """A sampling tube; `kind` is pooled | single | individual (clinic, hospital, self-paid)."""

    __tablename__ = "testing_tubes"
    __table_args__ = (
        Index("ix_testing_tubes_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_testing_tubes_round_id_status", "round_id", "status"),
        Index("ix_testing_tubes_site_id_status", "site_id", "status"),
        Index("ix_testing_tubes_shipment_id", "shipment_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    barcode: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    mode: Mapped[str] = mapped_column(String(16))
    capacity: Mapped[int] = mapped_column()
    sample_count: Mapped[int] = mapped_column(default=0)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("testing_rounds.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("testing_sites.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("testing_teams.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|closed|shipped|received
    facility: Mapped[str] = mapped_column(String(120), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("testing_shipments.id"))
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("testing_labs.id"))
    opened_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    household_id: Mapped[int | None] = mapped_column()  # a 1户1管 tube's household (its first sample's)


class TubeResult(Base):
    """A tube's lab result, append-only (one row per tube): recording 2 million results inserts 2 million
    narrow rows with one index instead of rewriting 2 million tube rows and all their indexes. A tube
    with a result row is "resulted" whatever its `status`."""

    __tablename__ = "testing_results"

    tube_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("testing_tubes.id"), primary_key=True, autoincrement=False
    )
    result: Mapped[str] = mapped_column(String(12))  # negative | positive | invalid
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Sample(Base):
    """One person's swab in a tube. Unique per (tube, person): a retried scan adds nothing."""

    __tablename__ = "testing_samples"
    __table_args__ = (
        UniqueConstraint("tube_id", "person_id"),
        Index("ix_testing_samples_round_id_jurisdiction_path", "round_id", "jurisdiction_path"),
        Index("ix_testing_samples_person_id_sampled_at", "person_id", "sampled_at"),
        Index("ix_testing_samples_round_id_person_id", "round_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tube_id: Mapped[int] = mapped_column(ForeignKey("testing_tubes.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("testing_rounds.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    community_id: Mapped[int] = mapped_column()
    sampled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sampled_by_user_id: Mapped[int | None] = mapped_column()


class TemporaryControl(Base):
    """A person under temporary control (暂时单独隔离/原地管控) because their pool tested positive;
    lifted when their single-tube recheck comes back negative. Read by the health-code module."""

    __tablename__ = "testing_controls"
    __table_args__ = (
        UniqueConstraint("tube_id", "person_id"),
        Index("ix_testing_controls_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_testing_controls_person_id_lifted_at", "person_id", "lifted_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    tube_id: Mapped[int] = mapped_column(ForeignKey("testing_tubes.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    community_id: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(24), default="pool_positive")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_reason: Mapped[str] = mapped_column(String(24), default="")
    assignment_id: Mapped[int | None] = mapped_column()


class RoundProgress(Base):
    """Pre-aggregated progress of a round per community, refreshed set-based (tasks.refresh_progress)."""

    __tablename__ = "testing_round_progress"
    __table_args__ = (
        UniqueConstraint("round_id", "community_id"),
        Index("ix_testing_round_progress_round_id_path", "round_id", "jurisdiction_path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("testing_rounds.id"))
    community_id: Mapped[int] = mapped_column()
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    expected: Mapped[int] = mapped_column(default=0)
    sampled: Mapped[int] = mapped_column(default=0)
    tubes_open: Mapped[int] = mapped_column(default=0)
    tubes_in_transit: Mapped[int] = mapped_column(default=0)
    results_back: Mapped[int] = mapped_column(default=0)
    positive_pools: Mapped[int] = mapped_column(default=0)
    turnaround_seconds: Mapped[int] = mapped_column(BigInteger, default=0)  # sum over results back
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime())
