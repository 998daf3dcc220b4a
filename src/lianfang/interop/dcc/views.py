"""What a checked certificate shows a person (page, API, command line): its kind and dates, the signer,
the verdict for entry. Holder names are shown to the worker holding the traveller's passport, never
stored (service.record keeps no name)."""

from __future__ import annotations

from typing import Any

from lianfang.interop.dcc import rules
from lianfang.interop.dcc.codec import Verified
from lianfang.interop.dcc.rules import Refused

KIND_LABELS = {"v": ("疫苗接种证明", "vaccination"), "t": ("检测证明", "test"), "r": ("康复证明", "recovery")}
ENTRY_FIELDS = {
    "v": ("tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is"),
    "t": ("tg", "tt", "nm", "ma", "sc", "tr", "tc", "co", "is"),
    "r": ("tg", "fr", "df", "du", "co", "is"),
}


def certificate_facts(verified: Verified) -> dict[str, Any]:
    cert = verified.certificate
    entry = cert.entry
    return {
        "kind": cert.kind,
        "kind_zh": KIND_LABELS[cert.kind][0],
        "kind_en": KIND_LABELS[cert.kind][1],
        "holder": f"{cert.family_name} {cert.given_name}".strip(),
        "dob": cert.dob,
        "schema_version": cert.version,
        "entry": {k: str(entry[k]) for k in ENTRY_FIELDS[cert.kind] if k in entry},
        "issuer": verified.claims.issuer,
        "issued_at": verified.claims.issued_at.isoformat(),
        "expires_at": verified.claims.expires_at.isoformat(),
        "signer_kid": verified.kid_hex,
        "signer_country": verified.signer.country,
    }


def verdict_facts(verdict: rules.Verdict) -> dict[str, Any]:
    return {
        "valid_for_entry": verdict.valid_for_entry,
        "code": verdict.code,
        "message_zh": verdict.zh,
        "message_en": verdict.en,
        "edition": verdict.edition,
        "cite": verdict.cite,
    }


def refusal_facts(refused: Refused) -> dict[str, Any]:
    return {"valid": False, "reason": refused.reason, "message_zh": refused.zh, "message_en": refused.en}
