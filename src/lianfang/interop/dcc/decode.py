"""Decoding an EU Digital COVID Certificate's QR text, step by step (eHealth Network, "Electronic Health
Certificate Container Format" v1.0.x): the `HC1:` context prefix, Base45 (RFC 9285, the `base45`
package), zlib, a COSE_Sign1 structure (RFC 8152 §4.2, read with `cbor2`) and the CWT claims inside it
(RFC 8392: issuer, issued at, expiry, and the certificate under claim -260/1).

Pure and bounded: every input is capped before work is done on it, and every failure is `Refused` with
one of the documented reasons (`REASONS`); no other exception leaves this module for any input (the
hypothesis fuzz in tests/interop checks it). Nothing here is trusted before `verify` checks the
signature."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import base45
import cbor2

PREFIX = "HC1:"
MAX_TEXT = 8192  # a version-40 QR code holds 4,296 alphanumeric characters
MAX_INFLATED = 65_536  # a certificate is a few hundred bytes; nothing legitimate comes near this
COSE_SIGN1_TAG = 18
CWT_TAG = 61
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_HCERT = 1, 4, 6, -260
HEADER_ALG, HEADER_KID = 1, 4

# reason → (zh, en). The API, the page and the command line show these; the fuzz test allows no other.
REASONS: dict[str, tuple[str, str]] = {
    "too_large": (
        "内容过长，不是欧盟数字新冠证书",
        "the input is too long to be an EU Digital COVID Certificate",
    ),
    "prefix": (
        "缺少或不支持的前缀（应为HC1:）",
        "the context prefix is missing or not supported (HC1: expected)",
    ),
    "base45": ("Base45编码无效", "the Base45 text is not valid"),
    "zlib": ("压缩数据损坏或未压缩", "the zlib data is broken, truncated or not compressed"),
    "cose": ("签名结构（COSE_Sign1）无效", "the COSE_Sign1 structure is not valid"),
    "cwt": ("证书内容（CWT）结构无效", "the CWT claims are not valid"),
    "algorithm": ("签名算法不受支持", "the signature algorithm is not supported"),
    "kid": ("签名密钥标识（kid）缺失或无效", "the key identifier (kid) is missing or not valid"),
    "unknown_kid": ("信任列表中没有该签名证书", "the signing certificate is not in the trust list"),
    "bad_signature": ("签名验证失败", "the signature does not verify"),
    "dsc_expired": (
        "签名证书（DSC）不在有效期内",
        "the document signer certificate (DSC) is not valid at this time",
    ),
    "not_yet_valid": ("证书签发时间晚于当前时间", "the certificate was issued after the time of the check"),
    "expired": ("证书已过期", "the certificate has expired"),
    "schema": ("证书内容不符合欧盟数字新冠证书格式", "the certificate does not follow the DCC schema"),
    "key_usage": (
        "签名证书无权签发此类证书",
        "the signing certificate may not sign this type of certificate",
    ),
}


class Refused(Exception):
    """A certificate refused for `reason` (a key of REASONS); `detail` is for logs and test reports."""

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in REASONS
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    @property
    def zh(self) -> str:
        return REASONS[self.reason][0]

    @property
    def en(self) -> str:
        return REASONS[self.reason][1]


@dataclass(frozen=True)
class Cose:
    """A COSE_Sign1 message as read (nothing verified): the raw protected header bytes are kept because
    the signature covers them as they were sent."""

    protected_raw: bytes
    protected: Mapping[Any, Any]
    unprotected: Mapping[Any, Any]
    payload: bytes
    signature: bytes

    @property
    def alg(self) -> object:
        return self.protected.get(HEADER_ALG, self.unprotected.get(HEADER_ALG))

    @property
    def kid(self) -> bytes | None:
        """The protected header's kid when there is one, else the unprotected one (a wrong unprotected
        kid beside a right protected one must not matter, and the reverse must fail)."""
        kid = (
            self.protected.get(HEADER_KID)
            if HEADER_KID in self.protected
            else self.unprotected.get(HEADER_KID)
        )
        return kid if isinstance(kid, bytes) else None

    def to_be_signed(self) -> bytes:
        return cbor2.dumps(["Signature1", self.protected_raw, b"", self.payload])


@dataclass(frozen=True)
class Claims:
    issuer: str | None
    issued_at: datetime
    expires_at: datetime
    certificate: Mapping[Any, Any]


def unprefix(text: str) -> str:
    """The Base45 text after the `HC1:` prefix (whitespace around the text is dropped)."""
    if len(text) > MAX_TEXT:
        raise Refused("too_large", f"{len(text)} characters")
    text = text.strip()
    if not text.startswith(PREFIX):
        raise Refused("prefix", text[:4])
    return text[len(PREFIX) :]


def base45_decode(text: str) -> bytes:
    if len(text) > MAX_TEXT:
        raise Refused("too_large", f"{len(text)} characters")
    try:
        return bytes(base45.b45decode(text))
    except (ValueError, TypeError, UnicodeError) as exc:
        raise Refused("base45", str(exc)) from None


def inflate(data: bytes) -> bytes:
    """zlib data, decompressed to at most MAX_INFLATED bytes; an uncompressed COSE message is refused."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_INFLATED + 1)
    except zlib.error as exc:
        raise Refused("zlib", str(exc)) from None
    if len(out) > MAX_INFLATED or inflater.unconsumed_tail:
        raise Refused("too_large", "inflates past the limit")
    if not inflater.eof:
        raise Refused("zlib", "truncated")
    return out


def _loads(data: bytes, reason: str) -> Any:
    try:
        return cbor2.loads(data)
    except Exception as exc:  # untrusted bytes: any failure of the CBOR library is this refusal
        raise Refused(reason, f"{type(exc).__name__}: {exc}") from None


def parse_cose(data: bytes) -> Cose:
    """A COSE_Sign1 message, tagged 18, also inside a CWT tag 61, or untagged."""
    if len(data) > MAX_INFLATED:
        raise Refused("too_large", f"{len(data)} bytes")
    item = _loads(data, "cose")
    for tag in (CWT_TAG, COSE_SIGN1_TAG):
        if isinstance(item, cbor2.CBORTag) and item.tag == tag:
            item = item.value
    if not (isinstance(item, list | tuple) and len(item) == 4):
        raise Refused("cose", "not a four-element COSE_Sign1 array")
    protected_raw, unprotected, payload, signature = item
    if not all(isinstance(x, bytes) for x in (protected_raw, payload, signature)):
        raise Refused("cose", "protected header, payload and signature must be byte strings")
    if not isinstance(unprotected, Mapping):
        raise Refused("cose", "the unprotected header is not a map")
    protected = _loads(protected_raw, "cose") if protected_raw else {}
    if not isinstance(protected, Mapping):
        raise Refused("cose", "the protected header is not a map")
    return Cose(protected_raw, protected, unprotected, payload, signature)


def _moment(value: object, name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused("cwt", f"claim {name} is not a number")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise Refused("cwt", f"claim {name} is out of range") from None


def parse_claims(payload: bytes) -> Claims:
    """The CWT claims of a COSE payload: issuer, issued at, expiry and the certificate (-260 → 1)."""
    claims = _loads(payload, "cwt")
    if not isinstance(claims, Mapping):
        raise Refused("cwt", "the payload is not a map of claims")
    hcert = claims.get(CLAIM_HCERT)
    certificate = hcert.get(1) if isinstance(hcert, Mapping) else None
    if not isinstance(certificate, Mapping):
        raise Refused("cwt", "no health certificate under claim -260")
    issuer = claims.get(CLAIM_ISS)
    if issuer is not None and not isinstance(issuer, str):
        raise Refused("cwt", "the issuer is not text")
    return Claims(
        issuer, _moment(claims.get(CLAIM_IAT), "iat"), _moment(claims.get(CLAIM_EXP), "exp"), certificate
    )


def cose_of(text: str) -> Cose:
    """The whole chain from the QR text to the COSE message: prefix, Base45, zlib, COSE_Sign1."""
    return parse_cose(inflate(base45_decode(unprefix(text))))
