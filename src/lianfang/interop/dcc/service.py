"""Checking a DCC at entry and recording the result on the traveller's inbound arrival (R8).

`check` verifies what was scanned or pasted against the configured trust list at `ctx.now` and returns
the facts and the entry verdict (audited: who checked which signer's certificate, with what outcome).
`record` does the same and keeps the outcome on an arrival in the actor's scope: the certificate's date
of birth must be the registered person's, the same QR text recorded twice on an arrival is one row, and
the inbound plan changes only where the edition in force says so (`rules.plan_effect`: nowhere yet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import select

from lianfang.config import Settings
from lianfang.core import audit
from lianfang.core.access import access_scoped
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.interop.dcc import imports as trust
from lianfang.interop.dcc import rules
from lianfang.interop.dcc import views as facts
from lianfang.interop.dcc.codec import MAX_TEXT, Signer, Verified, verify
from lianfang.interop.dcc.models import DccCheck
from lianfang.interop.dcc.rules import Refused
from lianfang.people.models import Person
from lianfang.travel.models import InboundArrival

PERMISSION = "interop.dcc"
_CACHE: dict[str, tuple[float, dict[bytes, Signer]]] = {}
_LOCK = Lock()


def trusted(settings: Settings) -> dict[bytes, Signer]:
    """The configured trust list, read again when the file changes; empty when none is configured. A
    broken file is an error for the operator, not an empty list."""
    if not settings.dcc_trust_list:
        return {}
    path = Path(settings.dcc_trust_list)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise DomainError(
            "未找到信任列表文件，请联系管理员", "the trust list file is missing; tell the administrator", 503
        ) from None
    with _LOCK:
        cached = _CACHE.get(str(path))
        if cached is None or cached[0] != mtime:
            try:
                cached = (mtime, trust.load(path.read_bytes()))
            except trust.TrustListError as exc:
                raise DomainError(
                    "信任列表文件无效，请联系管理员", f"the trust list is not valid: {exc}", 503
                ) from None
            _CACHE[str(path)] = cached
    return cached[1]


@dataclass(frozen=True)
class Checked:
    text: str
    verified: Verified | None
    refused: Refused | None
    verdict: rules.Verdict | None

    def as_dict(self) -> dict[str, Any]:
        if self.verified is None or self.verdict is None:
            assert self.refused is not None
            return facts.refusal_facts(self.refused)
        return {
            "valid": True,
            "certificate": facts.certificate_facts(self.verified),
            "verdict": facts.verdict_facts(self.verdict),
        }


def _text_problem(text: str) -> Problem | None:
    if not text.strip():
        return Problem("qr", "请扫描或粘贴证书二维码内容", "scan or paste the certificate's QR code")
    if len(text) > MAX_TEXT:
        return Problem("qr", f"内容过长（最多{MAX_TEXT}个字符）", f"too long (at most {MAX_TEXT} characters)")
    return None


def _verify(ctx: Ctx, text: str) -> Checked:
    problem = _text_problem(text)
    if problem:
        raise Invalid([problem])
    try:
        verified = verify(text, trusted(ctx.settings), ctx.now)
    except Refused as refused:
        return Checked(text, None, refused, None)
    return Checked(
        text, verified, None, rules.entry_verdict(verified.certificate, ctx.now, local_date(ctx.now))
    )


def check(ctx: Ctx, text: str) -> Checked:
    """Verify a certificate now and give its facts and entry verdict; audited without the holder's name."""
    ctx.actor.require(PERMISSION)
    checked = _verify(ctx, text.strip())
    audit.record(ctx, "interop.dcc.check", "dcc", None, None, **_summary(checked))
    return checked


def _summary(checked: Checked) -> dict[str, Any]:
    if checked.verified is None or checked.verdict is None:
        return {"valid": False, "reason": checked.refused.reason if checked.refused else ""}
    return {
        "valid": True,
        "kind": checked.verified.certificate.kind,
        "signer_kid": checked.verified.kid_hex,
        "verdict": checked.verdict.code,
    }


def _dob_matches(dob: str, born: date | None) -> bool:
    """A DCC may give only a year or a year and month (schema 1.3); those parts must agree."""
    return born is None or not dob or born.isoformat().startswith(dob[:10])


def record(ctx: Ctx, arrival_id: int, text: str) -> tuple[DccCheck, Checked, bool]:
    """Check a certificate and record the outcome on the arrival; (row, check, created)."""
    ctx.actor.require(PERMISSION)
    arrival = access_scoped(ctx.session, ctx.actor, InboundArrival, arrival_id, "入境登记", "arrival")
    text = text.strip()
    checked = _verify(ctx, text)
    keys = vault(ctx.settings)
    qr_hash = keys.lookup_hash("dcc_qr", text)
    existing = ctx.session.scalar(
        select(DccCheck).where(DccCheck.arrival_id == arrival.id, DccCheck.qr_hash == qr_hash)
    )
    if existing is not None:
        return existing, checked, False
    person = ctx.session.get(Person, arrival.person_id)
    assert person is not None
    row = DccCheck(
        arrival_id=arrival.id,
        person_id=arrival.person_id,
        jurisdiction_path=arrival.jurisdiction_path,
        qr_hash=qr_hash,
        valid=checked.verified is not None,
        reason=checked.refused.reason if checked.refused else "",
        checked_by=ctx.actor.label,
        checked_at=ctx.now,
    )
    if checked.verified is not None and checked.verdict is not None:
        cert = checked.verified.certificate
        if not _dob_matches(cert.dob, person.birth_date):
            raise Invalid(
                [
                    Problem(
                        "qr",
                        "证书上的出生日期与该入境人员登记的不一致，请核对证件",
                        "the certificate's date of birth is not this traveller's; check the documents",
                    )
                ]
            )
        effect = rules.plan_effect(arrival.arrived_on, checked.verdict)
        shown = facts.certificate_facts(checked.verified)
        row.uvci_hash = keys.lookup_hash("dcc_uvci", cert.uvci)
        row.kind = cert.kind
        row.facts = shown["entry"]
        row.signer_kid = checked.verified.kid_hex
        row.signer_country = checked.verified.signer.country
        row.expires_at = checked.verified.claims.expires_at
        row.valid_for_entry = checked.verdict.valid_for_entry
        row.verdict = checked.verdict.code
        row.rule_edition = checked.verdict.edition
        row.inbound_edition = effect.inbound_edition
        row.plan_shortened_days = effect.shorten_days
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "interop.dcc.record",
        "travel_arrival",
        arrival.id,
        arrival.jurisdiction_path,
        check_id=row.id,
        person_id=arrival.person_id,
        plan_shortened_days=row.plan_shortened_days,
        inbound_edition=row.inbound_edition,
        **_summary(checked),
    )
    return row, checked, True


def checks_of(ctx: Ctx, arrival_id: int) -> list[DccCheck]:
    ctx.actor.require(PERMISSION)
    arrival = access_scoped(ctx.session, ctx.actor, InboundArrival, arrival_id, "入境登记", "arrival")
    return list(
        ctx.session.scalars(select(DccCheck).where(DccCheck.arrival_id == arrival.id).order_by(DccCheck.id))
    )
