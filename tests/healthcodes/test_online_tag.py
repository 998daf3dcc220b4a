"""The issuer's online check by the tag: it accepts a genuine code exactly as the signature check does,
and refuses every altered or forged one, the signature and the tag included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from lianfang.healthcodes.qr import rules as tokens

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def _keys() -> tuple[Ed25519PrivateKey, dict[str, tokens.PublicKey], dict[str, bytes]]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = tokens.PublicKey(
        "k1", raw, NOW - timedelta(days=1), NOW + timedelta(days=6), NOW + timedelta(days=7)
    )
    return private, {"k1": public}, {"k1": tokens.tag_key(seed)}


def _refused(token: str, public: dict[str, tokens.PublicKey], tags: dict[str, bytes] | None) -> str:
    with pytest.raises(tokens.TokenRejected) as refused:
        tokens.verify(token, public, NOW, tag_keys=tags)
    return refused.value.reason


@given(st.sampled_from(["green", "yellow", "red"]), st.sets(st.sampled_from(tokens.POPUPS)))
def test_both_checks_accept_a_genuine_code(colour: str, popups: set[str]) -> None:
    private, public, tags = _keys()
    token = tokens.issue(private, "k1", "pseudo1", colour, sorted(popups), NOW)
    by_tag = tokens.verify(token, public, NOW, tag_keys=tags)
    assert by_tag == tokens.verify(token, public, NOW)
    assert (by_tag.colour, by_tag.popups) == (colour, tuple(sorted(popups)))


def test_both_checks_refuse_altered_and_forged_codes() -> None:
    private, public, tags = _keys()
    red = tokens.issue(private, "k1", "pseudo1", "red", (), NOW).split(".")
    green = tokens.issue(private, "k1", "pseudo1", "green", (), NOW).split(".")
    altered = ".".join([*red[:2], green[2], *red[3:]])  # green's payload under red's signature and tag
    retagged = ".".join([*red[:2], green[2], red[3], green[4]])
    forged = tokens.issue(Ed25519PrivateKey.generate(), "k1", "pseudo1", "green", (), NOW)
    for bad in (altered, retagged, forged):
        for tag_keys in (None, tags):
            assert _refused(bad, public, tag_keys) == "bad_signature"


def test_only_the_issuer_refuses_a_changed_tag_or_signature() -> None:
    private, public, tags = _keys()
    first = tokens.issue(private, "k1", "pseudo1", "green", (), NOW).split(".")
    other = tokens.issue(private, "k1", "pseudo2", "green", (), NOW).split(".")
    swapped_tag = ".".join([*first[:4], other[4]])
    assert tokens.verify(swapped_tag, public, NOW).pseudonym == "pseudo1"  # devices cannot check a tag
    assert _refused(swapped_tag, public, tags) == "bad_signature"
    swapped_signature = ".".join([*first[:3], other[3], first[4]])
    assert _refused(swapped_signature, public, None) == "bad_signature"
    assert _refused(swapped_signature, public, tags) == "bad_signature"


def test_tags_of_another_key_are_refused() -> None:
    private, public, _tags = _keys()
    token = tokens.issue(private, "k1", "pseudo1", "green", (), NOW)
    strangers = {"k1": tokens.tag_key(b"\x07" * 32)}
    assert _refused(token, public, strangers) == "bad_signature"
    assert tokens.verify(token, public, NOW, tag_keys={"k2": strangers["k1"]}).colour == "green"
