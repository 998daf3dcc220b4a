"""`verify-code`: verify a QR token offline against a downloaded key set, as a gate device does (no
database, no network); `rotate-keys`: a new signing key from now (`--revoke` for a compromised key)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session, sessionmaker

from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import to_local, utcnow
from lianfang.core.context import Ctx
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.healthcodes.qr import rules as tokens
from lianfang.healthcodes.qr import service as keys


def _settings() -> Settings:
    return Settings()


def _factory(settings: Settings) -> sessionmaker[Session]:
    return make_session_factory(make_engine(settings))


def offline_verify(token: str, key_set: object, leeway: int | None = None) -> dict[str, Any]:
    """The answer `POST /api/healthcodes/verify` would give, from a key set instead of the database;
    ValueError when the key set is not one."""
    public = tokens.parse_key_set(key_set)
    assert isinstance(key_set, dict)
    if leeway is None:
        leeway = int(key_set.get("leeway_seconds", tokens.DEFAULT_POLICY.leeway_seconds))
    now = utcnow()
    try:
        answer = tokens.verify(tokens.extract(token), public, now, leeway).as_dict()
    except tokens.TokenRejected as rejected:
        answer = rejected.as_dict()
    answer["checked_at"] = now.isoformat()
    return answer


def _local(value: str) -> str:
    from datetime import datetime

    return to_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")


def register(app: typer.Typer) -> None:
    @app.command("verify-code")
    def verify_code(
        token: Annotated[str, typer.Argument(help="the scanned QR text (LF2.…)")],
        keys_file: Annotated[
            Path,
            typer.Option(
                "--keys", exists=True, dir_okay=False, help="key set saved from /api/healthcodes/keys"
            ),
        ],
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
        leeway: Annotated[
            int | None, typer.Option(help="clock leeway in seconds (default: the key set's)")
        ] = None,
    ) -> None:
        """Verify a health-code QR token offline with a saved key set (exit 0 valid, 1 refused, 2 bad set)."""
        try:
            answer = offline_verify(token, json.loads(keys_file.read_text(encoding="utf-8")), leeway)
        except ValueError as exc:
            typer.echo(f"error: the key set cannot be read / 公钥文件无法读取: {exc}", err=True)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(json.dumps(answer, ensure_ascii=False, indent=1))
        elif answer["valid"]:
            typer.echo(f"VALID {answer['colour']} · {answer['status_zh']} / {answer['status_en']}")
            typer.echo(f"action: {answer['action_zh']} / {answer['action_en']}")
            typer.echo(f"pseudonym: {answer['pseudonym']}  pop-ups: {','.join(answer['popups']) or '-'}")
            typer.echo(
                f"issued {_local(answer['issued_at'])}, valid until {_local(answer['expires_at'])} "
                f"(Asia/Shanghai), key {answer['kid']}"
            )
        else:
            typer.echo(f"REFUSED {answer['reason']}: {answer['message_zh']} / {answer['message_en']}")
            typer.echo(f"action: {answer['action_zh']} / {answer['action_en']}")
        if not answer["valid"]:
            raise typer.Exit(1)

    @app.command("rotate-keys")
    def rotate_keys(
        revoke: Annotated[
            bool,
            typer.Option(
                "--revoke", help="compromise: the old keys stop verifying at once (codes on screens fail)"
            ),
        ] = False,
    ) -> None:
        """A new health-code signing key signs from now (audited); the old one verifies for the overlap."""
        settings = _settings()
        with transaction(_factory(settings)) as session:
            ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
            new = keys.rotate(ctx, revoke=revoke, reason="cli --revoke" if revoke else "cli")
            line = (
                f"new signing key {new.kid}: signs {new.active_from:%Y-%m-%d %H:%M} - "
                f"{new.signs_until:%Y-%m-%d %H:%M} UTC, "
                f"verifiable until {new.verifiable_until:%Y-%m-%d %H:%M} UTC"
            )
        typer.echo(line)
        if revoke:
            typer.echo("every other key is revoked; servers stop accepting them within 15 s")
