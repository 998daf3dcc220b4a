"""The Ed25519 keys that sign QR tokens: creation, scheduled rotation with pre-publication, manual rotation
and revocation, and the in-process key ring that signing and verifying read.

Life of a key: created `publish_ahead` (24 h) before it signs, so gate devices that refresh their key set
daily hold it before the first token it signs; signs for `healthcode_key_rotation_days`; stays verifiable
for `overlap` (1 h) after, so codes on screens and devices' cached key sets keep working over the
hand-over. `rotate` makes a new key sign from now (the old one ends signing now and stays verifiable for
the overlap); `rotate(revoke=True)` and `revoke` end a compromised key at once.

The ring (every key not long retired, public keys loaded, private keys opened on first use) is cached per
database binding for `RING_SECONDS`: the resident page signs every minute per person and gates verify
without a query. Changes in this process drop the cache at once (and again when their transaction
commits); another process sees them within `RING_SECONDS`."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from lianfang.config import Settings
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.db import transaction
from lianfang.core.errors import DomainError, NotFound
from lianfang.core.hot import Flights
from lianfang.healthcodes.models import HealthCodeKey
from lianfang.healthcodes.qr import rules as tokens

RING_SECONDS = 15.0
RETIRED_KEPT = timedelta(days=7)  # retired keys stay in the ring this long: their codes say key_retired
SUBJECT = "health_code_key"


def policy(settings: Settings) -> tokens.TokenPolicy:
    """The token policy with the numbers of the `healthcode_*` settings."""
    return tokens.TokenPolicy(
        refresh_seconds=settings.healthcode_token_refresh_seconds,
        ttl_seconds=settings.healthcode_token_ttl_seconds,
        leeway_seconds=settings.healthcode_verify_leeway_seconds,
        rotation_days=settings.healthcode_key_rotation_days,
    )


class Signer(NamedTuple):
    """The key that signs now: `kid, private_key = keys.current_signer(...)`."""

    kid: str
    private_key: Ed25519PrivateKey

    def issue(self, pseudonym: str, colour: str, popups: Iterable[str], now: datetime, ttl: int) -> str:
        return tokens.issue(self.private_key, self.kid, pseudonym, colour, popups, now, ttl)


class NoSigningKey(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "暂无可用的健康码签名密钥，请稍后重试（管理员可运行 lianfang rotate-keys）",
            "no health-code signing key is available yet; try again shortly (or run lianfang rotate-keys)",
            503,
        )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _public_key(row: HealthCodeKey) -> tokens.PublicKey:
    return tokens.PublicKey(
        row.kid,
        base64.b64decode(row.public_key),
        row.active_from,
        row.signs_until,
        row.verifiable_until,
        row.state == "revoked",
    )


@dataclass
class KeyRing:
    """A snapshot of the keys: public keys by kid (retired ones too), sealed private keys opened lazily."""

    public: dict[str, tokens.PublicKey]
    sealed: dict[str, str]
    fresh_until: float  # time.monotonic()
    _opened: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    _tag_keys: dict[str, bytes] | None = None

    @classmethod
    def load(cls, session: Session, now: datetime) -> KeyRing:
        rows = session.scalars(
            select(HealthCodeKey)
            .where(HealthCodeKey.verifiable_until > now - RETIRED_KEPT)
            .order_by(HealthCodeKey.active_from, HealthCodeKey.kid)
        ).all()
        return cls(
            {row.kid: _public_key(row) for row in rows},
            {row.kid: row.private_key_sealed for row in rows if row.state == "active"},
            time.monotonic() + RING_SECONDS,
        )

    def published(self, now: datetime) -> list[tokens.PublicKey]:
        """Keys a device should hold now: verifiable now or later (the next key before it signs)."""
        return [k for k in self.public.values() if not k.revoked and k.verifiable_until > now]

    def signing(self, now: datetime) -> tokens.PublicKey | None:
        """The key that signs at `now`: in its signing window, not revoked; the newest if several."""
        found = [k for k in self.public.values() if not k.revoked and k.active_from <= now < k.signs_until]
        return max(found, key=lambda k: (k.active_from, k.kid)) if found else None

    def signer(self, settings: Settings, now: datetime) -> Signer | None:
        key = self.signing(now)
        if key is None or key.kid not in self.sealed:
            return None
        private = self._opened.get(key.kid)
        if private is None:
            seed = base64.b64decode(vault(settings).open(self.sealed[key.kid]))
            private = Ed25519PrivateKey.from_private_bytes(seed)
            self._opened[key.kid] = private
        return Signer(key.kid, private)

    def tag_keys(self, settings: Settings) -> dict[str, bytes]:
        """The issuer's tag keys for the online check (tokens.verify), opened once."""
        if self._tag_keys is None:
            opened = vault(settings)
            seeds = {kid: base64.b64decode(opened.open(sealed)) for kid, sealed in self.sealed.items()}
            self._tag_keys = {kid: tokens.tag_key(seed) for kid, seed in seeds.items()}
        return self._tag_keys


_RINGS: WeakKeyDictionary[Any, KeyRing] = WeakKeyDictionary()
_LOCK = threading.Lock()
_FLIGHTS = Flights()


def _binding(session: Session) -> Any:
    return session.get_bind()


def forget(binding: Any) -> None:
    """Drop the cached ring of a database binding (an engine, or a test's connection)."""
    with _LOCK:
        _RINGS.pop(binding, None)


def _forget_on_commit(session: Session) -> None:
    binding = _binding(session)
    forget(binding)
    event.listen(session, "after_commit", lambda _s: forget(binding), once=True)


def ring(session: Session, now: datetime) -> KeyRing:
    """The cached ring of the session's database, loaded through `session` when stale."""
    binding = _binding(session)
    cached = _RINGS.get(binding)
    if cached is not None and cached.fresh_until > time.monotonic():
        return cached
    loaded = KeyRing.load(session, now)
    with _LOCK:
        _RINGS[binding] = loaded
    return loaded


def _load_in_thread(factory: sessionmaker[Session], now: datetime) -> KeyRing:
    with transaction(factory) as session:
        return ring(session, now)


def cached_ring(factory: sessionmaker[Session]) -> KeyRing | None:
    """The ring of the factory's database if it is cached and fresh (no I/O), else None."""
    binding = factory.kw.get("bind")
    cached = _RINGS.get(binding) if binding is not None else None
    return cached if cached is not None and cached.fresh_until > time.monotonic() else None


async def ring_async(factory: sessionmaker[Session], now: datetime) -> KeyRing:
    """The cached ring for an async endpoint: a stale ring is reloaded once, in a worker thread, however
    many requests wait for it."""
    cached = cached_ring(factory)
    if cached is not None:
        return cached
    binding = factory.kw.get("bind")
    return await _FLIGHTS.once(
        f"ring:{id(binding)}", lambda: run_in_threadpool(_load_in_thread, factory, now)
    )


def current_signer(session: Session, settings: Settings, now: datetime) -> Signer:
    """The key that signs at `now` (cached; a ring without one is reloaded once). NoSigningKey (503)
    when there is none: `ensure_current` or the periodic task creates it."""
    signer = ring(session, now).signer(settings, now)
    if signer is None:
        forget(_binding(session))
        signer = ring(session, now).signer(settings, now)
    if signer is None:
        raise NoSigningKey()
    return signer


def signer_for(ctx: Ctx) -> Signer:
    """The signer for a page that shows codes: the cached one, else a key is created in ctx's
    transaction (a fresh installation before the worker's first pass)."""
    try:
        return current_signer(ctx.session, ctx.settings, ctx.now)
    except NoSigningKey:
        # The cached ring loads on its own connection, which cannot see this uncommitted key yet.
        row = ensure_current(ctx)
        seed = base64.b64decode(vault(ctx.settings).open(row.private_key_sealed))
        return Signer(row.kid, Ed25519PrivateKey.from_private_bytes(seed))


def public_keys(session: Session, now: datetime) -> list[tokens.PublicKey]:
    """The keys a device should hold now (verifiable now or later), oldest first."""
    return ring(session, now).published(now)


def key_set(keys: Iterable[tokens.PublicKey], settings: Settings, now: datetime) -> dict[str, Any]:
    """What `GET /api/healthcodes/keys` answers and `lianfang verify-code --keys` reads."""
    rules = policy(settings)
    return {
        "format": tokens.FORMAT,
        "algorithm": tokens.ALGORITHM,
        "generated_at": now.isoformat(),
        "token_ttl_seconds": rules.ttl_seconds,
        "refresh_seconds": rules.refresh_seconds,
        "leeway_seconds": rules.leeway_seconds,
        "keys": [tokens.key_set_entry(k) for k in keys],
    }


def _signing_rows(session: Session, now: datetime) -> list[HealthCodeKey]:
    return list(
        session.scalars(
            select(HealthCodeKey)
            .where(
                HealthCodeKey.state == "active",
                HealthCodeKey.active_from <= now,
                HealthCodeKey.signs_until > now,
            )
            .order_by(HealthCodeKey.active_from.desc(), HealthCodeKey.kid.desc())
        )
    )


def _create(ctx: Ctx, active_from: datetime, reason: str) -> HealthCodeKey:
    rules = policy(ctx.settings)
    while True:
        private = Ed25519PrivateKey.generate()
        public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        kid = base64.urlsafe_b64encode(hashlib.sha256(public_raw).digest()[:6]).decode("ascii")
        if ctx.session.scalar(select(HealthCodeKey.id).where(HealthCodeKey.kid == kid)) is None:
            break
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    signs_until = active_from + timedelta(days=rules.rotation_days)
    row = HealthCodeKey(
        kid=kid,
        algorithm=tokens.ALGORITHM,
        public_key=_b64(public_raw),
        private_key_sealed=vault(ctx.settings).seal(_b64(seed)),
        created_at=ctx.now,
        created_by=ctx.actor.label,
        active_from=active_from,
        signs_until=signs_until,
        verifiable_until=signs_until + rules.overlap,
        state="active",
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "healthcodes.key.create",
        SUBJECT,
        kid,
        None,
        reason=reason,
        active_from=row.active_from.isoformat(),
        signs_until=row.signs_until.isoformat(),
        verifiable_until=row.verifiable_until.isoformat(),
    )
    _forget_on_commit(ctx.session)
    return row


def ensure_current(ctx: Ctx) -> HealthCodeKey:
    """The key that signs now, created (signing from now) when there is none."""
    found = _signing_rows(ctx.session, ctx.now)
    return found[0] if found else _create(ctx, ctx.now, "none signing")


def maintain(ctx: Ctx) -> int:
    """The schedule (periodic task): a key signs now, and the next one is published `publish_ahead`
    before the current one stops signing, to take over exactly then. Returns the keys created."""
    rules = policy(ctx.settings)
    created = 0
    signing = _signing_rows(ctx.session, ctx.now)
    if not signing:
        signing = [_create(ctx, ctx.now, "none signing")]
        created += 1
    current = signing[0]
    if current.signs_until - ctx.now <= rules.publish_ahead:
        successor = ctx.session.scalar(
            select(HealthCodeKey.id).where(
                HealthCodeKey.state == "active", HealthCodeKey.active_from >= current.signs_until
            )
        )
        if successor is None:
            _create(ctx, current.signs_until, "scheduled")
            created += 1
    return created


def _end(ctx: Ctx, row: HealthCodeKey, revoke: bool) -> dict[str, Any]:
    """Stop `row` signing now; revoked: stop it verifying too. The before/after for the audit row."""
    before = {
        "signs_until": row.signs_until.isoformat(),
        "verifiable_until": row.verifiable_until.isoformat(),
    }
    overlap = policy(ctx.settings).overlap
    if row.active_from > ctx.now or revoke:  # a key that never signed, or a compromised one
        row.state, row.revoked_at = "revoked", ctx.now
        row.signs_until = min(row.signs_until, max(ctx.now, row.active_from))
        row.verifiable_until = min(row.verifiable_until, ctx.now)
    else:
        row.signs_until = min(row.signs_until, ctx.now)
        row.verifiable_until = min(row.verifiable_until, ctx.now + overlap)
    after = {"signs_until": row.signs_until.isoformat(), "verifiable_until": row.verifiable_until.isoformat()}
    return {"before": before, "after": after, "state": row.state}


def rotate(ctx: Ctx, revoke: bool = False, reason: str = "manual") -> HealthCodeKey:
    """A new key signs from now. The keys signing now or waiting to sign stop; the old signing key stays
    verifiable for the overlap, unless `revoke` (compromise: every other key stops verifying at once)."""
    ended = []
    for row in ctx.session.scalars(
        select(HealthCodeKey)
        .where(HealthCodeKey.state == "active", HealthCodeKey.verifiable_until > ctx.now)
        .order_by(HealthCodeKey.id)
    ):
        if not revoke and row.signs_until <= ctx.now:
            continue  # already only verifying: unchanged
        change = _end(ctx, row, revoke)
        ended.append(row.kid)
        audit.record(
            ctx,
            "healthcodes.key.revoke" if row.state == "revoked" else "healthcodes.key.retire",
            SUBJECT,
            row.kid,
            None,
            reason=reason,
            **change,
        )
    new = _create(ctx, ctx.now, reason)
    audit.record(
        ctx, "healthcodes.key.rotate", SUBJECT, new.kid, None, reason=reason, ended=ended, revoke=revoke
    )
    return new


def revoke(ctx: Ctx, kid: str, reason: str) -> HealthCodeKey:
    """Stop one key signing and verifying at once. A new key is made to sign if none is left."""
    row = ctx.session.scalar(select(HealthCodeKey).where(HealthCodeKey.kid == kid))
    if row is None:
        raise NotFound("签名密钥", "signing key")
    if row.state != "revoked":
        change = _end(ctx, row, True)
        audit.record(ctx, "healthcodes.key.revoke", SUBJECT, kid, None, reason=reason, **change)
        _forget_on_commit(ctx.session)
    ensure_current(ctx)
    return row
