"""Tables owned by the health-code module: the last derived status per person (with the date it next
changes by date alone, which drives the nightly pass), the history of changes with their cause,
appeals, clearances decided on appeal or by community verification, family members a resident checks
for (他人代查), and the Ed25519 signing keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianfang.core.db import Base
from lianfang.core.types import UTCDateTime, ordered_string

BigId = BigInteger().with_variant(Integer, "sqlite")


class HealthStatus(Base):
    """The status last derived for one person. Derivation is the truth (rules.derive over the facts);
    this row is what gates, lists and the nightly pass read without re-deriving."""

    __tablename__ = "health_statuses"
    __table_args__ = (
        Index(
            "ix_health_statuses_jurisdiction_path_colour_person_id",
            "jurisdiction_path",
            "colour",
            "person_id",
        ),
        Index("ix_health_statuses_next_change_on", "next_change_on"),
        Index("ix_health_statuses_clears_on", "clears_on"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True, autoincrement=False)
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    colour: Mapped[str] = mapped_column(String(8))  # green | yellow | red
    popups: Mapped[str] = mapped_column(String(16), default="")  # "1,3": pop-up numbers, sorted
    edition: Mapped[str] = mapped_column(String(16))
    # The facts in force or pending (rules.still_live), so the nightly pass derives from this row alone.
    facts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    next_change_on: Mapped[date | None] = mapped_column(Date)
    clears_on: Mapped[date | None] = mapped_column(Date)  # every fact over from this day (rules.clears_on)
    derived_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HealthStatusChange(Base):
    """Every change of colour or pop-ups, with who or what caused it."""

    __tablename__ = "health_status_changes"
    __table_args__ = (Index("ix_health_status_changes_person_id_id", "person_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    before_colour: Mapped[str] = mapped_column(String(8), default="")
    before_popups: Mapped[str] = mapped_column(String(16), default="")
    after_colour: Mapped[str] = mapped_column(String(8))
    after_popups: Mapped[str] = mapped_column(String(16), default="")
    cause: Mapped[str] = mapped_column(String(120))
    actor: Mapped[str] = mapped_column(String(120))


class Appeal(Base):
    """申诉: a person (or a 12345 hotline operator for them) disputes a pop-up; their community verifies it
    as an assignment and clears or keeps it with a reason."""

    __tablename__ = "health_appeals"
    __table_args__ = (
        Index("ix_health_appeals_jurisdiction_path_state_id", "jurisdiction_path", "state", "id"),
        Index("ix_health_appeals_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    jurisdiction_path: Mapped[str] = mapped_column(ordered_string(255))
    popup: Mapped[str] = mapped_column(String(2))  # "1".."5", or "c" for the colour
    channel: Mapped[str] = mapped_column(String(12))  # self | family | hotline
    statement: Mapped[str] = mapped_column(Text)
    contact_phone_masked: Mapped[str] = mapped_column(String(20), default="")
    filed_by: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(12), default="open")  # open | cleared | kept
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Clearance(Base):
    """A pop-up cleared by a person's decision (appeal upheld, community risk screening): facts of that
    pop-up raised at or before `cleared_at` no longer show it; a newer fact raises it again."""

    __tablename__ = "health_clearances"
    __table_args__ = (Index("ix_health_clearances_person_id_popup", "person_id", "popup"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    popup: Mapped[str] = mapped_column(String(2))
    cleared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500))
    cleared_by: Mapped[str] = mapped_column(String(120))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("health_appeals.id"))


class FamilyMember(Base):
    """他人代查: a resident account checks the code of up to four other people (RULES.md §4.2, 2.0)."""

    __tablename__ = "health_family_members"
    __table_args__ = (UniqueConstraint("account_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    relation: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HealthCodeKey(Base):
    """An Ed25519 key that signs health-code QR tokens (healthcodes.tokens, healthcodes.keys). The public
    key is published (`GET /api/healthcodes/keys`); the private key is sealed with the data key, as
    identity numbers are. A key signs in [active_from, signs_until) and tokens it signed verify until
    verifiable_until; `revoked` ends both at once (a compromised key)."""

    __tablename__ = "health_code_keys"
    __table_args__ = (Index("ix_health_code_keys_verifiable_until", "verifiable_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(16), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16), default="Ed25519")
    public_key: Mapped[str] = mapped_column(String(64))  # the raw 32 bytes, base64
    private_key_sealed: Mapped[str] = mapped_column(Text)  # the raw 32-byte seed, base64, sealed (Fernet)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(120))
    active_from: Mapped[datetime] = mapped_column(UTCDateTime())
    signs_until: Mapped[datetime] = mapped_column(UTCDateTime())
    verifiable_until: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(12), default="active")  # active | revoked
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
