"""The DCC decoder and verifier on arbitrary input: nothing but the documented refusals (decode.REASONS)
ever comes out, whatever the text, the bytes, or a well-formed envelope around random CBOR."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

import base45
import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.interop.dcc import codec as decode
from lianfang.interop.dcc import imports as trust
from lianfang.interop.dcc import rules as schema
from lianfang.interop.dcc.codec import verify
from lianfang.interop.dcc.rules import REASONS, Refused
from tests.factories import dcc

ISSUER = dcc.make_issuer()
TRUSTED = {ISSUER.kid: trust.signer_of(ISSUER.der)}
NOW = datetime.now(UTC)
cbor_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.binary(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.integers(-300, 10) | st.text(max_size=4), inner, max_size=5)
    ),
    max_leaves=30,
)


def refused_only(text: str) -> None:
    try:
        verify(text, TRUSTED, NOW)
    except Refused as refused:
        assert refused.reason in REASONS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text(text):
    refused_only(text)
    refused_only("HC1:" + text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_compressed_bytes(data):
    refused_only("HC1:" + base45.b45encode(data).decode())
    refused_only("HC1:" + base45.b45encode(zlib.compress(data)).decode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cbor_values, cbor_values)
def test_random_cbor_in_a_cose_envelope(payload, header):
    for structure in (
        payload,
        cbor2.CBORTag(18, [b"", header, cbor2.dumps(payload), b"x" * 64]),
        cbor2.CBORTag(
            18, [cbor2.dumps({1: -7, 4: ISSUER.kid}), {}, cbor2.dumps({-260: {1: payload}}), b"\0" * 64]
        ),
    ):
        try:
            encoded = cbor2.dumps(structure)
        except (ValueError, TypeError, OverflowError):
            continue
        refused_only("HC1:" + base45.b45encode(zlib.compress(encoded)).decode())


@settings(max_examples=200, deadline=None)
@given(cbor_values)
def test_random_claims_and_certificates(value):
    for data in ({-260: {1: value}, 6: 0, 4: 2**40}, value):
        try:
            payload = cbor2.dumps(data)
        except (ValueError, TypeError, OverflowError):
            continue
        try:
            claims = decode.parse_claims(payload)
            schema.check(claims.certificate)
        except Refused as refused:
            assert refused.reason in REASONS


def test_a_zlib_bomb_is_refused_before_it_is_inflated():
    bomb = zlib.compress(b"\0" * 4_000_000, 9)
    text = "HC1:" + base45.b45encode(bomb).decode()
    assert len(text) < decode.MAX_TEXT  # it passes the size check of the text itself
    try:
        decode.cose_of(text)
    except Refused as refused:
        assert refused.reason == "too_large"
    else:
        raise AssertionError("a 4 MB inflation was accepted")
