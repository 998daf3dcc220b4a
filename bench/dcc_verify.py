"""DCC verification in process: `interop.dcc.verify.verify` (prefix, Base45, zlib, COSE, trust-list look-up,
signature, signer dates, CWT times, schema, key usage) per certificate, beside a bare COSE verify of the
same certificate in the same run (only the signature check of its precomputed Sig_structure with the
signer's key, as `cryptography` does it: the floor any verifier pays).

Run: `.venv/bin/python -m bench.dcc_verify` (a few seconds). Certificates: the vendored test suite's
ES256 (common/CO3) and PS256 RSA-2048 (common/CO1) cases, verified at their validation clock.
Target: under 2 ms per certificate."""

from __future__ import annotations

import base64
import json
import statistics
import time
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from lianfang.interop.dcc import codec as decode
from lianfang.interop.dcc.codec import signer_of, verify

DATA = (
    Path(__file__).resolve().parents[1] / "tests" / "interop" / "dcc_testdata" / "common" / "2DCode" / "raw"
)
RUNS, ROUNDS = 2000, 7


def per_call_us(fn, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        rounds.append((time.perf_counter() - start) / runs * 1e6)
    return statistics.median(rounds)


def case(name: str) -> None:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    signer = signer_of(base64.b64decode(data["TESTCTX"]["CERTIFICATE"]))
    trusted = {signer.kid: signer}
    at = datetime.fromisoformat(data["TESTCTX"]["VALIDATIONCLOCK"].replace("Z", "+00:00"))
    text = data["PREFIX"]
    verify(text, trusted, at)  # it verifies (raises otherwise)
    cose = decode.cose_of(text)
    to_be_signed = cose.to_be_signed()
    key = signer.public_key
    if isinstance(key, ec.EllipticCurvePublicKey):
        sig = cose.signature
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))

        def bare() -> None:
            key.verify(der, to_be_signed, ec.ECDSA(hashes.SHA256()))  # type: ignore[union-attr]

        alg = "ES256 (P-256)"
    else:
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)

        def bare() -> None:
            key.verify(cose.signature, to_be_signed, pss, hashes.SHA256())  # type: ignore[call-arg,arg-type]

        alg = f"PS256 (RSA-{key.key_size})"
    full = per_call_us(lambda: verify(text, trusted, at))
    floor = per_call_us(bare)
    print(f"| {name} {alg} | {full:,.0f} µs | {floor:,.0f} µs | {full / floor:.2f} | {len(text)} chars |")


def main() -> None:
    print("| Certificate | verify (whole chain) | bare COSE signature check | ratio | QR text |")
    print("|---|---|---|---|---|")
    for name in ("CO3.json", "CO1.json"):
        case(name)


if __name__ == "__main__":
    main()
