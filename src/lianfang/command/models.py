"""Tables owned by the command module (指挥调度、督办): the organisation of the mechanism, the city leader
linked to each district, four-party responsibility, meetings and their directives, work groups sent to
districts, incident reports, forces, and the supervision board's pre-aggregated counts.

Lists that are scoped by place start their index with `jurisdiction_path`; the board reads only the
pre-aggregated `command_board_*` rows (one per district or group), never the assignments table."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string


class CommandBody(Base):
    """One body of the mechanism: the leadership group, its office, a working group or a member unit,
    with its written duty (明确各成员单位职责分工, R1). `code` is what assignments carry as owner_group."""

    __tablename__ = "command_bodies"
    __table_args__ = (Index("ix_command_bodies_kind_sort", "kind", "sort"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # leadership | office | group | member
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    duties: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("command_bodies.id"), index=True)
    lead_name: Mapped[str] = mapped_column(String(120), default="")
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    sort: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DistrictLeader(Base):
    """The city leader linked to a district (所联系的市领导, R3)."""

    __tablename__ = "command_district_leaders"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), unique=True)
    leader_name: Mapped[str] = mapped_column(String(120))
    leader_title: Mapped[str] = mapped_column(String(120), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Responsibility(Base):
    """Four-party responsibility (四方责任: 属地、部门、单位、个人, R4) of a unit or a venue."""

    __tablename__ = "command_responsibilities"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id"),
        Index("ix_command_responsibilities_jurisdiction_path_id", "jurisdiction_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))  # unit | venue
    subject_id: Mapped[int] = mapped_column()
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    territorial: Mapped[str] = mapped_column(String(200), default="")  # 属地
    department: Mapped[str] = mapped_column(String(200), default="")  # 部门
    unit_party: Mapped[str] = mapped_column(String(200), default="")  # 单位
    individual: Mapped[str] = mapped_column(String(200), default="")  # 个人
    updated_by_label: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Meeting(Base):
    __tablename__ = "command_meetings"
    __table_args__ = (Index("ix_command_meetings_held_at_id", "held_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(40), default="")  # e.g. 第一百二十九次
    held_at: Mapped[datetime] = mapped_column(UTCDateTime())
    chair: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Mission(Base):
    """A work group sent to a district (市里立即向昌平区派出工作组, R3) with a purpose and members."""

    __tablename__ = "command_missions"
    __table_args__ = (Index("ix_command_missions_jurisdiction_path_id", "jurisdiction_path", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    purpose: Mapped[str] = mapped_column(Text)
    leader_name: Mapped[str] = mapped_column(String(120))
    members: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_label: Mapped[str] = mapped_column(String(120))


class Directive(Base):
    """A decision of a meeting or a finding of a work group, carried out through one assignment per
    target (`DirectiveTarget`)."""

    __tablename__ = "command_directives"
    __table_args__ = (
        Index("ix_command_directives_meeting_id_id", "meeting_id", "id"),
        Index("ix_command_directives_mission_id_id", "mission_id", "id"),
        Index("ix_command_directives_issuer_path_id", "issuer_path", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("command_meetings.id"))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("command_missions.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    issuer_path: Mapped[str] = mapped_column(ordered_string(255))
    issued_by_label: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DirectiveTarget(Base):
    __tablename__ = "command_directive_targets"
    __table_args__ = (Index("ix_command_directive_targets_directive_id_id", "directive_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("command_directives.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(16))  # district | body
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("command_bodies.id"))
    label: Mapped[str] = mapped_column(String(120))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)


class Incident(Base):
    """An emergency a district reports at once (突发情况第一时间处置并报告, R5), followed up at fixed
    intervals; each follow-up due is an assignment the worker reminds and escalates."""

    __tablename__ = "command_incidents"
    __table_args__ = (
        Index("ix_command_incidents_jurisdiction_path_id", "jurisdiction_path", "id"),
        Index("ix_command_incidents_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text, default="")
    interval_hours: Mapped[float] = mapped_column(default=4.0)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by_label: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    followup_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    next_followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followups: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IncidentFollowup(Base):
    __tablename__ = "command_incident_followups"
    __table_args__ = (Index("ix_command_incident_followups_incident_id_id", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("command_incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    author_label: Mapped[str] = mapped_column(String(120))
    final: Mapped[bool] = mapped_column(default=False)


class Force(Base):
    """A team (流调、采样、封控、转运) with its size, home district and where it works now (R18)."""

    __tablename__ = "command_forces"
    __table_args__ = (
        Index("ix_command_forces_jurisdiction_path_kind_id", "jurisdiction_path", "kind", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # investigation | sampling | sealing | transfer
    name: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column()
    leader_name: Mapped[str] = mapped_column(String(120), default="")
    home_jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ForceMove(Base):
    __tablename__ = "command_force_moves"
    __table_args__ = (Index("ix_command_force_moves_force_id_id", "force_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("command_forces.id", ondelete="CASCADE"))
    from_jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    to_jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_label: Mapped[str] = mapped_column(String(120))


class BoardCount(Base):
    """Open and late assignments now, per board key (a district's path, the city's own level, or a
    working group's code) and assignment kind; rewritten by the worker's refresh."""

    __tablename__ = "command_board_counts"
    __table_args__ = (Index("ix_command_board_counts_key_type_key", "key_type", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_type: Mapped[str] = mapped_column(String(16))  # district | group
    key: Mapped[str] = mapped_column(ordered_string(255))
    kind: Mapped[str] = mapped_column(String(40))
    open: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)


class BoardDay(Base):
    """Per local day and key: items due that day (not cancelled), completed, completed on time."""

    __tablename__ = "command_board_days"
    __table_args__ = (
        UniqueConstraint("day", "key_type", "key"),
        Index("ix_command_board_days_key_type_key_day", "key_type", "key", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    key_type: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(ordered_string(255))
    due: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)


class BoardRefresh(Base):
    """When the board was last refreshed (one row)."""

    __tablename__ = "command_board_refresh"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
