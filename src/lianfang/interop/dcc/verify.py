"""Verifying a DCC: the COSE signature with `cryptography` against the trust list, the signer's validity
and key usage, the CWT's issued-at and expiry at the time of the check, and the certificate's schema.

Algorithms (eHealth Network hcert spec §3.3.2): ES256 (COSE -7, ECDSA P-256 with SHA-256, signature as
r‖s) and PS256 (COSE -37, RSASSA-PSS with SHA-256, MGF1-SHA-256, salt of 32 bytes, RFC 8230). Key usage:
a DSC that carries the DCC extended-key-usage OIDs may sign only those kinds; one that carries none may
sign all three."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from lianfang.interop.dcc import certificate as schema
from lianfang.interop.dcc.decode import Claims, Cose, Refused, cose_of, parse_claims
from lianfang.interop.dcc.trust import Signer

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
        # names no DCC OID: the signer is as unrestricted as one without the extension.
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
