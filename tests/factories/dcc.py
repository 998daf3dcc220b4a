"""Issuing test DCCs: a document signer (EC P-256 or RSA, self-signed) and certificates signed by it, as
an issuer would write them (CWT in COSE_Sign1, zlib, Base45, HC1:)."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import base45
import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from lianfang.interop.dcc import imports as trust


@dataclass
class Issuer:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def kid(self) -> bytes:
        return trust.kid_of(self.der)

    def trust_list(self, path: Path, country: str = "DE") -> Path:
        path.write_text(json.dumps([trust.entry_for(self.der, country)]), encoding="utf-8")
        return path


def make_issuer(
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    rsa_key: bool = False,
    usages: tuple[str, ...] = (),
) -> Issuer:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(65537, 2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
    )
    now = datetime.now(UTC)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"), x509.NameAttribute(NameOID.COMMON_NAME, "DSC")]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=30))
        .not_valid_after(not_after or now + timedelta(days=365))
    )
    if usages:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.ObjectIdentifier(u) for u in usages]), critical=False
        )
    return Issuer(key, builder.sign(key, hashes.SHA256()))


def vaccination(dt: str = "2021-06-01", dn: int = 2, sd: int = 2) -> dict[str, Any]:
    return {
        "ver": "1.3.0",
        "nam": {"fn": "Mustermann", "fnt": "MUSTERMANN", "gn": "Erika", "gnt": "ERIKA"},
        "dob": "1964-08-12",
        "v": [
            {
                "tg": "840539006",
                "vp": "1119349007",
                "mp": "EU/1/20/1528",
                "ma": "ORG-100030215",
                "dn": dn,
                "sd": sd,
                "dt": dt,
                "co": "DE",
                "is": "Robert Koch-Institut",
                "ci": "URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#W",
            }
        ],
    }


def test_certificate(sampled: datetime, result: str = "260415000", kind: str = "LP6464-4") -> dict[str, Any]:
    cert = vaccination()
    del cert["v"]
    cert["t"] = [
        {
            "tg": "840539006",
            "tt": kind,
            "sc": sampled.isoformat().replace("+00:00", "Z"),
            "tr": result,
            "tc": "Testzentrum",
            "co": "DE",
            "is": "Robert Koch-Institut",
            "ci": "URN:UVCI:01DE/TEST/1#X",
        }
    ]
    return cert


def sign(
    issuer: Issuer,
    certificate: dict[str, Any],
    issued: datetime | None = None,
    expires: datetime | None = None,
    kid: bytes | None = None,
) -> str:
    """The QR text of `certificate` signed by `issuer`."""
    now = datetime.now(UTC)
    claims = {
        1: "DE",
        6: int((issued or now - timedelta(days=1)).timestamp()),
        4: int((expires or now + timedelta(days=300)).timestamp()),
        -260: {1: certificate},
    }
    rsa_key = isinstance(issuer.key, rsa.RSAPrivateKey)
    protected = cbor2.dumps({1: -37 if rsa_key else -7, 4: kid if kid is not None else issuer.kid})
    payload = cbor2.dumps(claims)
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    if isinstance(issuer.key, rsa.RSAPrivateKey):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        signature = issuer.key.sign(to_sign, pss, hashes.SHA256())
    else:
        r, s = decode_dss_signature(issuer.key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    cose = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature]))
    return "HC1:" + base45.b45encode(zlib.compress(cose, 9)).decode()
