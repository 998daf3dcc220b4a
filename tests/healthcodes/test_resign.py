"""The issuer's online check by re-signing: the same verdicts as verifying, for genuine, altered and
forged codes (Ed25519 signing is deterministic, RFC 8032)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from lianfang.healthcodes import tokens

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def _keys() -> tuple[Ed25519PrivateKey, dict[str, tokens.PublicKey], dict[str, bytes]]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = tokens.PublicKey(
        "k1", raw, NOW - timedelta(days=1), NOW + timedelta(days=6), NOW + timedelta(days=7)
    )
    return private, {"k1": public}, {"k1": tokens.secret_key(seed)}


@given(st.sampled_from(["green", "yellow", "red"]), st.sets(st.sampled_from(tokens.POPUPS)))
def test_both_checks_accept_a_genuine_code(colour: str, popups: set[str]) -> None:
    private, public, secret = _keys()
    token = tokens.issue(private, "k1", "pseudo1", colour, sorted(popups), NOW)
    by_signing = tokens.verify(token, public, NOW, secret_keys=secret)
    assert by_signing == tokens.verify(token, public, NOW)
    assert (by_signing.colour, by_signing.popups) == (colour, tuple(sorted(popups)))


def test_both_checks_refuse_altered_and_forged_codes() -> None:
    private, public, secret = _keys()
    token = tokens.issue(private, "k1", "pseudo1", "red", (), NOW)
    green = tokens.issue(private, "k1", "pseudo1", "green", (), NOW)
    altered = ".".join([*token.split(".")[:2], green.split(".")[2], token.split(".")[3]])
    forged = tokens.issue(Ed25519PrivateKey.generate(), "k1", "pseudo1", "green", (), NOW)
    for bad in (altered, forged):
        for secrets in (None, secret):
            with pytest.raises(tokens.TokenRejected) as refused:
                tokens.verify(bad, public, NOW, secret_keys=secrets)
            assert refused.value.reason == "bad_signature"
