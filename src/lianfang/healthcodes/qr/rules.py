"""Signed short-lived QR tokens (健康码二维码): issue and verify, pure (no I/O, no clock: `now` is given).

A token is five dot-separated ASCII fields, small enough for a scannable QR (≈ 160 characters, QR
version 9 at level M in byte mode):

    LF2.<kid>.<payload, base64url>.<signature, base64url>.<tag, base64url>

- `LF2`: the format (version 2); anything else is `malformed`.
- `kid`: the id of the Ed25519 key that signed it (1-16 of `A-Z a-z 0-9 _ -`); devices pick the public
  key by it from the key set they downloaded (`GET /api/healthcodes/keys`).
- payload (10-42 bytes, big-endian): colour letter (`g` green, `y` yellow, `r` red), pop-up bit mask
  (bit n-1 = pop-up n, n = 1..5, RULES.md §4.3), issued-at and expiry as unsigned 32-bit unix seconds,
  then the person's pseudonym (`people.pseudonym`, 1-32 of `A-Z a-z 0-9 _ -`). No name, no ID number.
- signature: Ed25519 over the exact ASCII bytes `LF2.<kid>.<payload>` (format and key id are signed).
- tag: the issuer's own check, 12 bytes of HMAC-SHA256 over `LF2.<kid>.<payload>.<signature>` with a
  key derived from the signing key's seed (`tag_key`). Devices cannot check it and need not; the
  issuer's online verification checks it instead of the signature: a tenth of the cost
  (docs/benchmarks.md), and stricter, since it covers the signature too.

Base64url is unpadded and must be canonical (the only encoding of its bytes), so one token has one
spelling. `verify` returns a `Verified` code or raises `TokenRejected` with a machine reason
(`malformed`, `unknown_key`, `bad_signature`, `expired`, `not_yet_valid`, `key_retired`) and a message
in Chinese and English. The venue principle 「红码禁止、黄码限制、绿码通行」 (RULES.md §4.1) is
`action_for(colour, popups)`; a pop-up means the holder is not treated as a plain green.

Lifetimes are a versioned policy (`TokenPolicy`, its numbers set by the `healthcode_*` settings): the
resident's page shows a new token every `refresh_seconds`; a token lives `ttl_seconds`, so a screenshot
fails soon after; `leeway_seconds` absorbs the clock difference of an offline gate."""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lianfang.healthcodes.rules import COLOURS as STATUS_LABELS  # 北京健康宝 (RULES.md §4.2)

FORMAT = "LF2"
ALGORITHM = "Ed25519"
MAX_LENGTH = 256  # longer text is not a token (the longest well-formed one is 181 characters)
MAX_LIFETIME_SECONDS = 3600  # no token of ours lives longer (the ttl setting's upper bound)
COLOURS: dict[str, str] = {"green": "g", "yellow": "y", "red": "r"}
LETTERS: dict[str, str] = {letter: colour for colour, letter in COLOURS.items()}
POPUPS = ("1", "2", "3", "4", "5")
Reason = Literal["malformed", "unknown_key", "bad_signature", "expired", "not_yet_valid", "key_retired"]

_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")
_KID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_B64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64 = re.compile(r"[A-Za-z0-9_-]+")
_FOUND = re.compile(r"LF2\.[A-Za-z0-9_.-]+")
_HEAD = struct.Struct(">ccII")  # colour letter, pop-up mask, issued-at, expiry
_SIGNATURE_BYTES = 64
_TAG_BYTES = 12  # 96 bits of HMAC-SHA256 (NIST SP 800-107 allows truncation to 64 and more)
_TAG_LABEL = b"lianfang healthcode online tag v1"
_PUBLIC_KEY_BYTES = 32
_MASKS = tuple(tuple(n for n in POPUPS if mask & (1 << (int(n) - 1))) for mask in range(1 << len(POPUPS)))


@dataclass(frozen=True)
class TokenPolicy:
    """How long codes live. Not from a regulation (RULES.md §4 gives none for QR lifetimes): engineering
    choices, versioned like rules so a change is dated. The settings `healthcode_token_ttl_seconds`,
    `healthcode_token_refresh_seconds`, `healthcode_verify_leeway_seconds` and
    `healthcode_key_rotation_days` give the numbers (`keys.policy(settings)`)."""

    edition: str = "lf-2026-12"
    effective_from: date = date(2026, 12, 1)
    refresh_seconds: int = 60  # the page shows a new code every minute
    ttl_seconds: int = 120  # a code stays valid two refreshes: a slow network never shows a dead code
    leeway_seconds: int = 30  # clock difference of an offline gate
    rotation_days: int = 7  # a new signing key takes over this often
    publish_ahead: timedelta = timedelta(hours=24)  # the next key is published this long before it signs
    overlap: timedelta = timedelta(hours=1)  # a key stays verifiable this long after it stops signing

    def __post_init__(self) -> None:
        if not 0 < self.refresh_seconds < self.ttl_seconds <= MAX_LIFETIME_SECONDS:
            msg = "a token must outlive its refresh and live at most an hour"
            raise ValueError(msg)
        if self.overlap < timedelta(seconds=self.ttl_seconds + self.leeway_seconds):
            msg = "a key must stay verifiable until the last token it signed has expired"
            raise ValueError(msg)


DEFAULT_POLICY = TokenPolicy()


@dataclass(frozen=True)
class PublicKey:
    """A verification key as a device holds it: the raw 32-byte Ed25519 public key and its service
    window."""

    kid: str
    key: bytes
    active_from: datetime  # signs from
    signs_until: datetime  # signs until (tokens issued later were not signed by us)
    verifiable_until: datetime  # tokens signed by it are accepted until
    revoked: bool = False

    # The window in unix seconds, computed once (verification compares integers).
    window: tuple[int, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.key) != _PUBLIC_KEY_BYTES:
            msg = "an Ed25519 public key is 32 bytes"
            raise ValueError(msg)
        window = (_seconds(self.active_from), _seconds(self.signs_until), _seconds(self.verifiable_until))
        object.__setattr__(self, "window", window)


@dataclass(frozen=True)
class Action:
    """What the gate does: `pass`, `restrict` or `refuse`, with a short headline and, for a pop-up, a
    note; `zh` and `en` are the whole text (headline and note)."""

    code: Literal["pass", "restrict", "refuse"]
    headline_zh: str
    headline_en: str
    note_zh: str = ""
    note_en: str = ""

    @property
    def zh(self) -> str:
        return self.headline_zh + (f"（{self.note_zh}）" if self.note_zh else "")

    @property
    def en(self) -> str:
        return self.headline_en + (f" ({self.note_en})" if self.note_en else "")


POPUP_LABELS: dict[str, tuple[str, str]] = {  # the five numbered pop-ups (RULES.md §4.3), short forms
    "1": ("到访过有本土感染者的县（市、区）", "visited a county with local infections"),
    "2": ("入境隔离期未满", "within the entry quarantine period"),
    "3": ("与风险地区、点位或人员有时空关联", "linked in time and place to a risk area, spot or person"),
    "4": ("进返京后未按要求核酸检测等", "nucleic-acid test required (arrival, medicines, symptoms)"),
    "5": ("到访过陆路边境口岸所在县", "visited a county with a land border crossing"),
}
_ACTIONS: dict[str, Action] = {
    "red": Action("refuse", "红码禁止：禁止通行", "Red code: entry refused"),
    "yellow": Action(
        "restrict", "黄码限制：限制通行，按规定查验处置", "Yellow code: restricted, follow the rules"
    ),
    "green": Action("pass", "绿码通行", "Green code: pass"),
}
REJECTED_ACTION = Action(
    "refuse", "码无效：不予通行，请出示实时健康码", "Code not valid: no entry; ask for the live health code"
)
PRINCIPLE = ("红码禁止、黄码限制、绿码通行", "red: refused · yellow: restricted · green: pass")


def action_for(colour: str, popups: Iterable[str] = ()) -> Action:
    """「红码禁止、黄码限制、绿码通行」; with a pop-up the holder is not a plain green: restricted until the
    pop-up is dealt with (报告社区、核酸检测), and the words say so for every colour."""
    base = _ACTIONS[colour]
    shown = "".join(sorted(set(popups)))
    if not shown:
        return base
    circled = "".join(chr(0x2460 + int(n) - 1) for n in shown)
    note_zh = f"有弹窗{circled}，不得按绿码放行，请持码人按弹窗提示处理"
    note_en = f"pop-up {', '.join(shown)}: not a plain green; the holder must act on the pop-up first"
    if colour == "green":
        return Action("restrict", "弹窗限制：限制通行", "Pop-up: restricted", note_zh, note_en)
    return Action(base.code, base.headline_zh, base.headline_en, note_zh, note_en)


@dataclass(frozen=True)
class Verified:
    """A token whose signature, key and times checked out."""

    kid: str
    pseudonym: str
    colour: str  # green | yellow | red
    popups: tuple[str, ...]  # "1".."5", sorted
    issued: int  # unix seconds, as the token carries them
    expires: int

    @property
    def issued_at(self) -> datetime:
        return datetime.fromtimestamp(self.issued, UTC)

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, UTC)

    @property
    def status_zh(self) -> str:
        return STATUS_LABELS[self.colour][0]

    @property
    def status_en(self) -> str:
        return STATUS_LABELS[self.colour][1]

    @property
    def action(self) -> Action:
        return action_for(self.colour, self.popups)

    def as_dict(self) -> dict[str, Any]:
        action = self.action
        return {
            "valid": True,
            "kid": self.kid,
            "pseudonym": self.pseudonym,
            "colour": self.colour,
            "status_zh": self.status_zh,
            "status_en": self.status_en,
            "popups": list(self.popups),
            "action": action.code,
            "action_zh": action.zh,
            "action_en": action.en,
            "issued_at": self.issued_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }


_MESSAGES: dict[str, tuple[str, str]] = {
    "malformed": ("不是有效的健康码（格式不符）", "not a valid health code (malformed)"),
    "unknown_key": (
        "签名密钥未知：可能是伪造的码，或本设备的公钥列表需要更新",
        "unknown signing key: a forged code, or this device's key list needs an update",
    ),
    "bad_signature": ("签名无效：码已被篡改或伪造", "invalid signature: the code was altered or forged"),
    "expired": (
        "健康码已过期（可能是截图），请出示实时刷新的健康码",
        "the code has expired (a screenshot?); ask for the live, refreshing code",
    ),
    "not_yet_valid": (
        "健康码的签发时间晚于当前时间，请检查设备时钟",
        "the code is not valid yet; check this device's clock",
    ),
    "key_retired": ("签名密钥已停用", "the signing key has been retired"),
}


class TokenRejected(Exception):
    """Why a token is refused: a machine `reason` and the words in both languages."""

    def __init__(self, reason: Reason, detail_zh: str = "", detail_en: str = "") -> None:
        zh, en = _MESSAGES[reason]
        self.reason: Reason = reason
        self.zh = f"{zh}（{detail_zh}）" if detail_zh else zh
        self.en = f"{en} ({detail_en})" if detail_en else en
        super().__init__(f"{reason}: {self.en}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": False,
            "reason": self.reason,
            "message_zh": self.zh,
            "message_en": self.en,
            "action": REJECTED_ACTION.code,
            "action_zh": REJECTED_ACTION.zh,
            "action_en": REJECTED_ACTION.en,
        }


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# The last character of unpadded base64 carries 4 (length % 4 == 2) or 2 (== 3) bits of padding, which
# must be zero: only these characters end the one spelling of its bytes.
_CANONICAL_LAST = {2: frozenset("AQgw"), 3: frozenset("AEIMQUYcgkosw048"), 0: frozenset(_B64_CHARS)}
_PADDING = {0: "", 2: "==", 3: "="}


def _canonical(text: str) -> bytes | None:
    """The bytes of base64url `text` (of its alphabet), or None if `text` is not their one spelling."""
    tail = len(text) % 4
    if tail == 1 or not text or text[-1] not in _CANONICAL_LAST[tail]:
        return None
    return binascii.a2b_base64(text.replace("-", "+").replace("_", "/") + _PADDING[tail])


def _b64decode(text: str) -> bytes:
    """Unpadded canonical base64url, or ValueError."""
    raw = _canonical(text) if _B64.fullmatch(text) else None
    if raw is None:
        raise ValueError(text)
    return raw


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        msg = "`now` must be an aware datetime"
        raise ValueError(msg)
    return int(moment.timestamp())


def _mask(popups: Iterable[str]) -> int:
    mask = 0
    for number in popups:
        if number not in POPUPS:
            msg = f"pop-up numbers are 1..5, not {number!r}"
            raise ValueError(msg)
        mask |= 1 << (int(number) - 1)
    return mask


def issue(
    private_key: Ed25519PrivateKey,
    kid: str,
    pseudonym: str,
    colour: str,
    popups: Iterable[str],
    now: datetime,
    ttl: int = DEFAULT_POLICY.ttl_seconds,
) -> str:
    """A token for `pseudonym` showing `colour` and `popups`, valid for `ttl` seconds from `now`.
    Bad arguments are a programming error (ValueError), not a user's input."""
    if not _KID.fullmatch(kid):
        msg = f"key ids are 1-16 of A-Z a-z 0-9 _ -, not {kid!r}"
        raise ValueError(msg)
    if not _NAME.fullmatch(pseudonym):
        msg = f"pseudonyms are 1-32 of A-Z a-z 0-9 _ -, not {pseudonym!r}"
        raise ValueError(msg)
    if colour not in COLOURS:
        msg = f"colours are green, yellow, red, not {colour!r}"
        raise ValueError(msg)
    if not 0 < ttl <= MAX_LIFETIME_SECONDS:
        msg = f"a token lives 1..{MAX_LIFETIME_SECONDS} s, not {ttl}"
        raise ValueError(msg)
    issued = _seconds(now)
    head = _HEAD.pack(COLOURS[colour].encode(), bytes([_mask(popups)]), issued, issued + ttl)
    signed = f"{FORMAT}.{kid}.{_b64encode(head + pseudonym.encode('ascii'))}"
    tagged = f"{signed}.{_b64encode(private_key.sign(signed.encode('ascii')))}"
    return f"{tagged}.{_b64encode(_tag(tag_key(_seed(private_key)), tagged.encode('ascii')))}"


def _seed(private_key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def tag_key(seed: bytes) -> bytes:
    """The key of a signing key's tags, from its 32-byte Ed25519 seed (what `verify(tag_keys=…)` takes):
    sealed, rotated and revoked with the signing key, since it is derived from it."""
    return hmac.digest(seed, _TAG_LABEL, "sha256")


def _tag(key: bytes, tagged: bytes) -> bytes:
    return hmac.digest(key, tagged, "sha256")[:_TAG_BYTES]


class _Parsed(NamedTuple):
    kid: str
    signed: bytes
    signature: str  # base64url, canonical: decoded only when it is checked (offline)
    tagged: bytes
    tag: bytes
    colour: str
    popups: tuple[str, ...]
    issued: int
    expires: int
    pseudonym: str


# The whole shape in one match: a payload of 11-42 bytes is 15-56 characters, a signature 86, a tag 16.
_SHAPE = re.compile(
    rf"{FORMAT}\.([A-Za-z0-9_-]{{1,16}})\.([A-Za-z0-9_-]{{15,56}})\.([A-Za-z0-9_-]{{86}})\.([A-Za-z0-9_-]{{16}})"
)


def _decoded(text: str) -> bytes:
    """`_b64decode` of text `_SHAPE` matched (its alphabet is checked), refusing the token otherwise."""
    raw = _canonical(text)
    if raw is None:
        raise TokenRejected("malformed")
    return raw


def _parse(token: str) -> _Parsed:
    """The token's fields, checked for shape only (nothing is trusted before the signature)."""
    shape = _SHAPE.fullmatch(token) if isinstance(token, str) else None
    if shape is None:
        raise TokenRejected("malformed")
    kid, payload_text, signature_text, tag_text = shape.groups()
    if signature_text[-1] not in _CANONICAL_LAST[2]:  # 64 bytes are 86 characters
        raise TokenRejected("malformed")
    payload, tag = _decoded(payload_text), _decoded(tag_text)
    if len(payload) <= _HEAD.size:
        raise TokenRejected("malformed")
    letter, mask_byte, issued, expires = _HEAD.unpack_from(payload)
    pseudonym = payload[_HEAD.size :].decode("ascii", errors="replace")
    mask = mask_byte[0]
    colour = LETTERS.get(letter.decode("latin-1"))
    if colour is None or mask >= 1 << len(POPUPS) or not _NAME.fullmatch(pseudonym):
        raise TokenRejected("malformed")
    if not 0 < expires - issued <= MAX_LIFETIME_SECONDS:
        raise TokenRejected("malformed")
    tagged = token[: len(token) - len(tag_text) - 1].encode("ascii")
    signed = tagged[: len(tagged) - len(signature_text) - 1]
    return _Parsed(kid, signed, signature_text, tagged, tag, colour, _MASKS[mask], issued, expires, pseudonym)


def claimed_pseudonym(token: str) -> str | None:
    """The pseudonym a token claims, unverified (for an audit row of a refused code), or None."""
    try:
        return _parse(token).pseudonym
    except TokenRejected:
        return None


def verify(
    token: str,
    public_keys: Mapping[str, PublicKey],
    now: datetime,
    leeway: int = DEFAULT_POLICY.leeway_seconds,
    tag_keys: Mapping[str, bytes] | None = None,
) -> Verified:
    """The token's contents when it is well-formed, signed by a key in `public_keys` that was in
    service when it was issued and is not retired, and `now` is within its lifetime (± `leeway`
    seconds); TokenRejected otherwise. Checks run in that order, so the reason is the first failure.

    `tag_keys` (kid → `tag_key`), for the issuer's own online check: the tag instead of the signature.
    A token passes it only as the issuer wrote it, signature included, so what it accepts the signature
    check accepts too. Devices without the keys check the signature."""
    parsed = _parse(token)
    key = public_keys.get(parsed.kid)
    if key is None:
        raise TokenRejected("unknown_key", f"密钥 {parsed.kid}", f"key {parsed.kid}")
    secret = tag_keys.get(parsed.kid) if tag_keys is not None else None
    if secret is not None:
        if not hmac.compare_digest(_tag(secret, parsed.tagged), parsed.tag):
            raise TokenRejected("bad_signature")
    else:
        try:
            Ed25519PublicKey.from_public_bytes(key.key).verify(_decoded(parsed.signature), parsed.signed)
        except InvalidSignature:
            raise TokenRejected("bad_signature") from None
    at = _seconds(now)
    active_from, signs_until, verifiable_until = key.window
    if key.revoked:
        raise TokenRejected("key_retired", "密钥已吊销", "the key was revoked")
    if at > verifiable_until + leeway:
        raise TokenRejected("key_retired", "密钥已过验证期", "past the key's verification period")
    if not active_from - leeway <= parsed.issued <= signs_until + leeway:
        raise TokenRejected(
            "key_retired", "签发时该密钥不在签名期", "the key was not signing when this code was issued"
        )
    if at > parsed.expires + leeway:
        raise TokenRejected("expired")
    if at < parsed.issued - leeway:
        raise TokenRejected("not_yet_valid")
    return Verified(parsed.kid, parsed.pseudonym, parsed.colour, parsed.popups, parsed.issued, parsed.expires)


def extract(text: str) -> str:
    """The token in what a scanner typed or a camera read: the token itself, or an address or text that
    contains it (whitespace and line ends around it dropped). Unchanged when no token is in it."""
    found = _FOUND.search(text)
    return found.group() if found else text.strip()


def public_key_raw(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key of a signing key."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_set_entry(key: PublicKey) -> dict[str, Any]:
    """One key as `GET /api/healthcodes/keys` lists it."""
    return {
        "kid": key.kid,
        "algorithm": ALGORITHM,
        "public_key": _b64encode(key.key),
        "active_from": key.active_from.isoformat(),
        "signs_until": key.signs_until.isoformat(),
        "verifiable_until": key.verifiable_until.isoformat(),
    }


def _moment(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(field)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(field)
    return moment


def parse_key_set(data: object) -> dict[str, PublicKey]:
    """The keys of a downloaded key set (the answer of `GET /api/healthcodes/keys`), by kid; ValueError
    naming the first thing wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        msg = 'a key set is a JSON object with a "keys" list'
        raise ValueError(msg)
    found: dict[str, PublicKey] = {}
    for number, entry in enumerate(data["keys"], start=1):
        try:
            if not isinstance(entry, dict) or entry.get("algorithm") != ALGORITHM:
                raise ValueError("algorithm")
            kid = entry.get("kid")
            if not isinstance(kid, str) or not _KID.fullmatch(kid):
                raise ValueError("kid")
            raw = _b64decode(str(entry.get("public_key", "")))
            found[kid] = PublicKey(
                kid,
                raw,
                _moment(entry.get("active_from"), "active_from"),
                _moment(entry.get("signs_until"), "signs_until"),
                _moment(entry.get("verifiable_until"), "verifiable_until"),
                bool(entry.get("revoked", False)),
            )
        except (ValueError, TypeError, binascii.Error) as exc:
            msg = f"key {number} of the key set is not valid ({exc})"
            raise ValueError(msg) from None
    return found
