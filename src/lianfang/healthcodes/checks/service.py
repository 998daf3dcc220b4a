"""Checking a presented QR code at a gate, a venue or a police checkpoint (查验健康码): verify it with the
cached key ring, show the holder's masked name and ID (so the officer can compare them with the person
and their ID card: a screenshot of someone else's code fails there too), and audit who checked which
pseudonym with what result. Masked forms only, as the door screen of a venue scan shows them
(RULES.md §4.2, §4.4); the person is looked up by pseudonym from any jurisdiction, because the holder
presents the code to be checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys
from lianfang.people.models import Person
from lianfang.people.rules import mask_name

MAX_INPUT = 2000  # what a scanner or a paste may bring, a URL around the token included


@dataclass(frozen=True)
class CodeCheck:
    """The outcome shown on the checking page."""

    verified: tokens.Verified | None
    rejected: tokens.TokenRejected | None
    name_masked: str = ""
    id_masked: str = ""
    popups: list[tuple[str, str, str]] = field(default_factory=list)  # (mark ①, zh, en)

    @property
    def valid(self) -> bool:
        return self.verified is not None

    @property
    def answer(self) -> dict[str, Any]:
        """The API's answer for the same code (valid or not, reason, action, status, times)."""
        if self.verified is not None:
            return self.verified.as_dict()
        assert self.rejected is not None
        return self.rejected.as_dict()

    @property
    def issued_at(self) -> datetime | None:
        return self.verified.issued_at if self.verified else None

    @property
    def expires_at(self) -> datetime | None:
        return self.verified.expires_at if self.verified else None


def _marks(popups: tuple[str, ...]) -> list[tuple[str, str, str]]:
    return [(chr(0x2460 + int(n) - 1), *tokens.POPUP_LABELS[n]) for n in popups]


def check_code(ctx: Ctx, text: str) -> CodeCheck:
    """Verify what was scanned or pasted (a token, or text around one) and audit the check."""
    ctx.actor.require("healthcodes.check")
    token = tokens.extract(text[:MAX_INPUT])
    ring = keys.ring(ctx.session, ctx.now)
    leeway = ctx.settings.healthcode_verify_leeway_seconds
    try:
        verified = tokens.verify(token, ring.public, ctx.now, leeway, ring.tag_keys(ctx.settings))
    except tokens.TokenRejected as rejected:
        audit.record(
            ctx,
            "healthcodes.code.check",
            "health_code",
            None,
            None,
            valid=False,
            reason=rejected.reason,
            claimed_pseudonym=tokens.claimed_pseudonym(token),
        )
        return CodeCheck(None, rejected)
    person = ctx.session.execute(
        select(Person.id, Person.name, Person.id_masked, Person.jurisdiction_path).where(
            Person.pseudonym == verified.pseudonym
        )
    ).first()
    audit.record(
        ctx,
        "healthcodes.code.check",
        "person" if person else "health_code",
        person.id if person else None,
        person.jurisdiction_path if person else None,
        valid=True,
        pseudonym=verified.pseudonym,
        colour=verified.colour,
        popups=list(verified.popups),
        action=verified.action.code,
        kid=verified.kid,
        registered=person is not None,
    )
    return CodeCheck(
        verified,
        None,
        mask_name(person.name) if person else "",
        person.id_masked if person else "",
        _marks(verified.popups),
    )
