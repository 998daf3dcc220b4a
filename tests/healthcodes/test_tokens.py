"""Signed QR tokens, pure: round trip, every way a token is refused (with its reason and both languages),
the action at the gate, the key-set format, and properties over arbitrary pseudonyms and pop-ups."""

from __future__ import annotations

import base64
import hmac
import struct
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr.rules import PublicKey, TokenRejected

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
KID = "k1"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def public(
    private: Ed25519PrivateKey = KEY,
    kid: str = KID,
    signs: tuple[timedelta, timedelta] = (timedelta(days=-1), timedelta(days=6)),
    verifiable: timedelta = timedelta(days=6, hours=1),
    revoked: bool = False,
) -> dict[str, PublicKey]:
    raw = tokens.public_key_raw(private)
    key = PublicKey(kid, raw, NOW + signs[0], NOW + signs[1], NOW + verifiable, revoked)
    return {kid: key}


def token(colour: str = "green", popups: tuple[str, ...] = (), pseudonym: str = "p" * 22, **kw) -> str:
    return tokens.issue(kw.get("key", KEY), kw.get("kid", KID), pseudonym, colour, popups, NOW, 120)


def rejected(text: str, keys: dict[str, PublicKey] | None = None, at: datetime = NOW) -> TokenRejected:
    with pytest.raises(TokenRejected) as caught:
        tokens.verify(text, public() if keys is None else keys, at, 30)
    assert caught.value.zh and caught.value.en and caught.value.zh != caught.value.en
    return caught.value


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed(payload: bytes, kid: str = KID) -> str:
    """A token with an arbitrary payload, correctly signed and tagged (what only a key holder can make)."""
    head = f"LF2.{kid}.{b64(payload)}"
    tagged = f"{head}.{b64(KEY.sign(head.encode()))}"
    seed = KEY.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return f"{tagged}.{b64(hmac.digest(tokens.tag_key(seed), tagged.encode(), 'sha256')[:12])}"


def test_round_trip_carries_pseudonym_colour_popups_and_times():
    text = token("yellow", ("3", "1"), "AbC_-9")
    assert text.startswith("LF2.k1.") and len(text) < 190 and text.isascii()
    code = tokens.verify(text, public(), NOW + timedelta(seconds=5), 30)
    assert (code.kid, code.pseudonym, code.colour, code.popups) == ("k1", "AbC_-9", "yellow", ("1", "3"))
    assert code.issued_at == NOW and code.expires_at == NOW + timedelta(seconds=120)
    assert (code.status_zh, code.status_en) == ("居家观察", "Home observation")
    answer = code.as_dict()
    assert answer["valid"] is True and answer["popups"] == ["1", "3"] and answer["action"] == "restrict"
    assert answer["issued_at"] == "2026-12-01T08:00:00+00:00"


def test_the_longest_token_fits_the_limit():
    text = tokens.issue(KEY, "K" * 16, "x" * 32, "red", tokens.POPUPS, NOW, 3600)
    assert len(text) <= tokens.MAX_LENGTH


def test_an_altered_payload_fails_the_signature():
    text = token("red")
    head, kid, payload, signature, tag = text.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=="))
    raw[0] = ord("g")  # red → green, re-encoded canonically: what a forger would do
    assert rejected(".".join([head, kid, b64(bytes(raw)), signature, tag])).reason == "bad_signature"
    raw = bytearray(base64.urlsafe_b64decode(payload + "=="))
    raw[6:10] = struct.pack(">I", int((NOW + timedelta(minutes=50)).timestamp()))  # a later expiry
    assert rejected(".".join([head, kid, b64(bytes(raw)), signature, tag])).reason == "bad_signature"
    raw[6:10] = struct.pack(">I", int((NOW + timedelta(days=1)).timestamp()))  # longer than any code lives
    assert rejected(".".join([head, kid, b64(bytes(raw)), signature, tag])).reason == "malformed"
    other = tokens.issue(KEY, KID, "q" * 22, "green", (), NOW, 120).split(".")[3]
    assert rejected(".".join([head, kid, payload, other, tag])).reason == "bad_signature"  # another signature


def test_forged_with_another_key():
    assert rejected(token(key=OTHER)).reason == "bad_signature"  # the real key id, the wrong key
    found = rejected(token(key=OTHER, kid="forged"))
    assert found.reason == "unknown_key" and "forged" in found.en
    two = public() | public(OTHER, "k2")
    moved = token(key=OTHER, kid="k2").replace("LF2.k2.", "LF2.k1.")  # the key id is signed too
    assert rejected(moved, two).reason == "bad_signature"


def test_replay_after_expiry_fails_and_the_leeway_is_exact():
    text = token()
    assert tokens.verify(text, public(), NOW + timedelta(seconds=150), 30).colour == "green"
    late = rejected(text, at=NOW + timedelta(seconds=151))
    assert late.reason == "expired" and "截图" in late.zh and "screenshot" in late.en
    assert rejected(text, at=NOW + timedelta(hours=5)).reason == "expired"


def test_a_code_from_the_future_is_not_yet_valid():
    text = token()
    assert tokens.verify(text, public(), NOW - timedelta(seconds=30), 30).colour == "green"
    assert rejected(text, at=NOW - timedelta(seconds=31)).reason == "not_yet_valid"


def test_retired_and_revoked_keys():
    text = token()
    assert rejected(text, public(revoked=True)).reason == "key_retired"
    past = public(signs=(timedelta(days=-8), timedelta(days=-1)), verifiable=timedelta(seconds=-31))
    assert "verification period" in rejected(text, past).en
    ended = public(signs=(timedelta(days=-8), timedelta(seconds=-31)), verifiable=timedelta(hours=1))
    found = rejected(text, ended)  # a code dated after its key stopped signing: a stolen retired key
    assert found.reason == "key_retired" and "not signing" in found.en
    upcoming = public(signs=(timedelta(hours=1), timedelta(days=7)), verifiable=timedelta(days=8))
    assert rejected(text, upcoming).reason == "key_retired"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "LF2.k1.x",
        "LF1" + token()[3:],  # the first format
        token().rsplit(".", 1)[0],  # no tag
        token() + ".x",
        token().replace("LF2.k1.", "LF2.k 1."),
        token()[:-1] + ("B" if token()[-1] == "A" else "A") * 2,  # tag one character too long
        token().rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAA",  # tag 15 bytes long
        token() + "=",  # padding is not allowed
        token() + "\u00e9",
        "LF2." + "k" * 300,
    ],
)
def test_malformed_text(text):
    assert rejected(text).reason == "malformed"


def test_a_non_canonical_spelling_is_malformed():
    parts = token().split(".")
    # The signature is 64 bytes: its last base64 character carries 2 bits and 4 unused ones.
    index = ALPHABET.index(parts[3][-1])
    assert index % 16 == 0
    parts[3] = parts[3][:-1] + ALPHABET[index + 1]
    assert rejected(".".join(parts)).reason == "malformed"


def test_signed_but_impossible_payloads_are_malformed():
    issued = int(NOW.timestamp())
    good = struct.pack(">ccII", b"g", b"\x00", issued, issued + 120) + b"abc"
    assert tokens.verify(signed(good), public(), NOW, 30).pseudonym == "abc"
    bad = [
        struct.pack(">ccII", b"b", b"\x00", issued, issued + 120) + b"abc",  # no such colour
        struct.pack(">ccII", b"g", b"\x20", issued, issued + 120) + b"abc",  # a sixth pop-up
        struct.pack(">ccII", b"g", b"\x00", issued, issued) + b"abc",  # expires when issued
        struct.pack(">ccII", b"g", b"\x00", issued, issued + 7200) + b"abc",  # lives two hours
        struct.pack(">ccII", b"g", b"\x00", issued, issued + 120),  # no pseudonym
        struct.pack(">ccII", b"g", b"\x00", issued, issued + 120) + b"a b",
        struct.pack(">ccII", b"g", b"\x00", issued, issued + 120) + b"x" * 33,
    ]
    for payload in bad:
        assert rejected(signed(payload)).reason == "malformed", payload


def test_claimed_pseudonym_is_read_without_trust():
    assert tokens.claimed_pseudonym(token(pseudonym="who")) == "who"
    assert tokens.claimed_pseudonym(token(key=OTHER, pseudonym="who")) == "who"
    assert tokens.claimed_pseudonym("rubbish") is None


def test_the_action_at_the_gate():
    red, yellow, green = (tokens.action_for(c) for c in ("red", "yellow", "green"))
    assert (red.code, yellow.code, green.code) == ("refuse", "restrict", "pass")
    assert red.zh.startswith("红码禁止") and yellow.zh.startswith("黄码限制") and green.zh == "绿码通行"
    assert "refused" in red.en and "restricted" in yellow.en and "pass" in green.en
    popup = tokens.action_for("green", ["4", "1"])
    assert popup.code == "restrict" and "绿码通行" not in popup.zh
    assert "①④" in popup.zh and "不得按绿码放行" in popup.zh and "not a plain green" in popup.en
    assert tokens.action_for("red", ["3"]).code == "refuse" and "③" in tokens.action_for("red", ["3"]).zh
    assert (popup.headline_zh, popup.headline_en) == ("弹窗限制：限制通行", "Pop-up: restricted")
    assert popup.zh == f"{popup.headline_zh}（{popup.note_zh}）" and popup.note_en in popup.en
    assert green.note_zh == "" and green.zh == green.headline_zh
    assert tokens.PRINCIPLE[0] == "红码禁止、黄码限制、绿码通行"
    refused = rejected(token(key=OTHER)).as_dict()
    assert refused["valid"] is False and refused["action"] == "refuse" and "不予通行" in refused["action_zh"]


def test_issue_refuses_bad_arguments():
    for args in [
        ("k1", "has space", "green", ()),
        ("k1", "x" * 33, "green", ()),
        ("k1", "", "green", ()),
        ("k 1", "abc", "green", ()),
        ("k1", "abc", "blue", ()),
        ("k1", "abc", "green", ("6",)),
    ]:
        with pytest.raises(ValueError):
            tokens.issue(KEY, *args, NOW, 120)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        tokens.issue(KEY, "k1", "abc", "green", (), NOW, 0)
    with pytest.raises(ValueError):
        tokens.issue(KEY, "k1", "abc", "green", (), datetime(2026, 12, 1), 120)  # noqa: DTZ001 - naive on purpose


def test_extract_finds_the_token_in_what_was_scanned():
    text = token()
    assert tokens.extract(f"  {text}\r\n") == text
    assert tokens.extract(f"https://jk.example.gov.cn/c?t={text}") == text
    assert tokens.extract("no token here ") == "no token here"


def test_key_set_round_trip_and_refusals():
    keys = public() | public(OTHER, "k2")
    data = {"keys": [tokens.key_set_entry(k) for k in keys.values()]}
    parsed = tokens.parse_key_set(data)
    assert set(parsed) == {"k1", "k2"}
    assert tokens.verify(token(key=OTHER, kid="k2"), parsed, NOW, 30).kid == "k2"
    entry = data["keys"][0]
    assert len(base64.urlsafe_b64decode(entry["public_key"] + "=")) == 32 and entry["algorithm"] == "Ed25519"
    for broken in [
        [],
        {"keys": "x"},
        {"keys": [entry | {"algorithm": "RS256"}]},
        {"keys": [entry | {"public_key": "abc"}]},
        {"keys": [entry | {"kid": "has space"}]},
        {"keys": [entry | {"active_from": "2026-12-01T08:00:00"}]},  # no time zone
        {"keys": [entry | {"verifiable_until": 5}]},
    ]:
        with pytest.raises(ValueError):
            tokens.parse_key_set(broken)


def test_a_public_key_is_32_raw_bytes():
    with pytest.raises(ValueError):
        PublicKey("k1", b"short", NOW, NOW, NOW)
    assert public()["k1"].window == (
        int((NOW - timedelta(days=1)).timestamp()),
        int((NOW + timedelta(days=6)).timestamp()),
        int((NOW + timedelta(days=6, hours=1)).timestamp()),
    )


def test_the_policy_keeps_its_numbers_consistent():
    policy = tokens.DEFAULT_POLICY
    assert (policy.refresh_seconds, policy.ttl_seconds, policy.rotation_days) == (60, 120, 7)
    with pytest.raises(ValueError):
        tokens.TokenPolicy(refresh_seconds=120, ttl_seconds=120)
    with pytest.raises(ValueError):
        tokens.TokenPolicy(ttl_seconds=3000, overlap=timedelta(minutes=10))


pseudonyms = st.text(ALPHABET, min_size=1, max_size=32)
popup_sets = st.sets(st.sampled_from(tokens.POPUPS))
colours = st.sampled_from(sorted(tokens.COLOURS))
kids = st.text(ALPHABET, min_size=1, max_size=16)


@settings(max_examples=150, deadline=None)
@given(pseudonyms, colours, popup_sets, kids, st.integers(1, tokens.MAX_LIFETIME_SECONDS))
def test_any_pseudonym_and_popups_round_trip(pseudonym, colour, popups, kid, ttl):
    text = tokens.issue(KEY, kid, pseudonym, colour, popups, NOW, ttl)
    assert len(text) <= tokens.MAX_LENGTH
    code = tokens.verify(text, public(kid=kid), NOW + timedelta(seconds=ttl), 0)
    assert (code.pseudonym, code.colour, code.popups) == (pseudonym, colour, tuple(sorted(popups)))
    assert code.expires_at - code.issued_at == timedelta(seconds=ttl)
    action = code.action
    assert action.code == (
        "refuse" if colour == "red" else "pass" if colour == "green" and not popups else "restrict"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pseudonyms, colours, popup_sets, st.data())
def test_any_one_character_change_is_refused(pseudonym, colour, popups, data):
    """Online (with the tag keys) every change is refused; offline every change but one to the tag,
    which devices cannot check and which changes nothing the code says."""
    text = tokens.issue(KEY, KID, pseudonym, colour, popups, NOW, 120)
    index = data.draw(st.integers(0, len(text) - 1))
    char = data.draw(st.sampled_from(ALPHABET + ".=").filter(lambda c: c != text[index]))
    changed = text[:index] + char + text[index + 1 :]
    seed = KEY.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    with pytest.raises(TokenRejected) as caught:
        tokens.verify(changed, public(), NOW, 30, {KID: tokens.tag_key(seed)})
    assert caught.value.reason in {"malformed", "bad_signature", "unknown_key"}
    if index < text.rindex(".") or char in ".=":
        with pytest.raises(TokenRejected) as caught:
            tokens.verify(changed, public(), NOW, 30)
        assert caught.value.reason in {"malformed", "bad_signature", "unknown_key"}
