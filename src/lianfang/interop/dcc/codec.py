"""Decoding an EU Digital COVID Certificate's QR text, step by step (eHealth Network, "Electronic Health
Certificate Container Format" v1.0.x): the `HC1:` context prefix, Base45 (RFC 9285, the `base45`
package), zlib, a COSE_Sign1 structure (RFC 8152 §4.2, read with `cbor2`) and the CWT claims inside it
(RFC 8392: issuer, issued at, expiry, and the certificate under claim -260/1).

Pure and bounded: every input is capped before work is done on it, and every failure is `Refused` with
one of the documented reasons (`REASONS`); no other exception leaves this module for any input (the
hypothesis fuzz in tests/interop checks it). Nothing here is trusted before `verify` checks the
signature.

Verifying a DCC: the COSE signature with `cryptography` against the trust list, the signer's validity
and key usage, the CWT's issued-at and expiry at the time of the check, and the certificate's schema.

Algorithms (eHealth Network hcert spec §3.3.2): ES256 (COSE -7, ECDSA P-256 with SHA-256, signature as
r‖s) and PS256 (COSE -37, RSASSA-PSS with SHA-256, MGF1-SHA-256, salt of 32 bytes, RFC 8230). Key usage:
a DSC that carries the DCC extended-key-usage OIDs may sign only those kinds; one that carries none may
sign all three."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import base45
import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from lianfang.interop.dcc import rules as schema
from lianfang.interop.dcc.rules import Refused

PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


@dataclass(frozen=True)
class Signer:
    kid: bytes
    country: str
    certificate: x509.Certificate
    public_key: PublicKey

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc


def kid_of(der: bytes) -> bytes:
    return hashlib.sha256(der).digest()[:8]


def signer_of(der: bytes, country: str = "") -> Signer:
    """A trusted signer from a DER certificate (ValueError if it is not one lianfang can verify with)."""
    certificate = x509.load_der_x509_certificate(der)
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        msg = "the certificate's key is neither EC nor RSA"
        raise ValueError(msg)
    return Signer(kid_of(der), country, certificate, key)


PREFIX = "HC1:"
MAX_TEXT = 8192  # a version-40 QR code holds 4,296 alphanumeric characters
MAX_INFLATED = 65_536  # a certificate is a few hundred bytes; nothing legitimate comes near this
COSE_SIGN1_TAG = 18
CWT_TAG = 61
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_HCERT = 1, 4, 6, -260
HEADER_ALG, HEADER_KID = 1, 4


# reason → (zh, en). The API, the page and the command line show these; the fuzz test allows no other.
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


ES256, PS256 = -7, -37
KID_LENGTH = 8
# DCC key-usage OIDs (hcert spec §5.1.1), both the registered arc and the one first published.
KEY_USAGE = {
    "t": {"1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"},
    "v": {"1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"},
    "r": {"1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3"},
}
_DCC_OIDS = set().union(*KEY_USAGE.values())


@dataclass(frozen=True)
class Verified:
    """A certificate whose signature, signer, times and schema passed."""

    signer: Signer
    claims: Claims
    certificate: schema.Certificate

    @property
    def kid_hex(self) -> str:
        return self.signer.kid.hex()


def check_signature(cose: Cose, signer: Signer) -> None:
    """Refused("algorithm" | "bad_signature") unless the signature verifies with the signer's key."""
    data = cose.to_be_signed()
    key = signer.public_key
    try:
        if cose.alg == ES256:
            if not isinstance(key, ec.EllipticCurvePublicKey) or len(cose.signature) != 64:
                raise Refused("bad_signature", "not an ES256 signature by an EC key")
            der = encode_dss_signature(
                int.from_bytes(cose.signature[:32], "big"), int.from_bytes(cose.signature[32:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        elif cose.alg == PS256:
            if not isinstance(key, rsa.RSAPublicKey):
                raise Refused("bad_signature", "not a PS256 signature by an RSA key")
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            key.verify(cose.signature, data, pss, hashes.SHA256())
        else:
            raise Refused("algorithm", f"alg {cose.alg!r}")
    except InvalidSignature:
        raise Refused("bad_signature") from None


def signer_for(cose: Cose, trusted: Mapping[bytes, Signer]) -> Signer:
    kid = cose.kid
    if kid is None or len(kid) != KID_LENGTH:
        raise Refused("kid", "no kid of 8 bytes in the headers")
    signer = trusted.get(kid)
    if signer is None:
        raise Refused("unknown_kid", kid.hex())
    return signer


def usages(certificate: x509.Certificate) -> set[str]:
    """The DCC key-usage OIDs of a DSC (empty: it may sign every kind)."""
    try:
        extension = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return set()
    except ValueError:
        # An extension list that does not parse (an empty EKU sequence, as in the suite's case CO15)
        # names no DCC OID: the signer is as one without the extension.
        return set()
    return {oid.dotted_string for oid in extension.value} & _DCC_OIDS


def check_key_usage(signer: Signer, kind: str) -> None:
    allowed = usages(signer.certificate)
    if allowed and not allowed & KEY_USAGE[kind]:
        raise Refused("key_usage", f"{kind} signed by a DSC for {sorted(allowed)}")


def check_times(claims: Claims, at: datetime) -> None:
    if at < claims.issued_at:
        raise Refused("not_yet_valid", claims.issued_at.isoformat())
    if at > claims.expires_at:
        raise Refused("expired", claims.expires_at.isoformat())


def check_signer_dates(signer: Signer, at: datetime) -> None:
    if not signer.not_before <= at <= signer.not_after:
        raise Refused("dsc_expired", f"{signer.not_before:%Y-%m-%d} to {signer.not_after:%Y-%m-%d}")


def verify(text: str, trusted: Mapping[bytes, Signer], at: datetime) -> Verified:
    """Decode and verify the QR text of a DCC at `at`; Refused with the first failing step's reason."""
    cose = cose_of(text)
    signer = signer_for(cose, trusted)
    check_signature(cose, signer)
    check_signer_dates(signer, at)
    claims = parse_claims(cose.payload)
    check_times(claims, at)
    certificate = schema.check(claims.certificate)
    check_key_usage(signer, certificate.kind)
    return Verified(signer, claims, certificate)
