"""`lianfang dcc verify QR_OR_FILE --trust FILE [--json]` and `lianfang dcc testdata DIR [--json]`: offline,
no database (a border device's check, and the public test suite)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from lianfang.core.clock import local_date, utcnow
from lianfang.interop.dcc import facts, rules, testdata, trust
from lianfang.interop.dcc.decode import MAX_TEXT, Refused
from lianfang.interop.dcc.picture import PictureError, read_qr
from lianfang.interop.dcc.verify import verify

IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")


def qr_text(arg: str) -> str:
    """The QR text itself, or read from a file (an image of the QR code, or a text file)."""
    path = Path(arg)
    if len(arg) < 4096 and not arg.startswith("HC1:") and path.is_file():
        if path.suffix.lower() in IMAGES:
            return read_qr(path.read_bytes())
        return path.read_bytes()[: MAX_TEXT + 1].decode("utf-8", errors="replace")
    return arg


def check(text: str, trusted: dict[bytes, trust.Signer]) -> dict[str, Any]:
    now = utcnow()
    try:
        verified = verify(text, trusted, now)
    except Refused as refused:
        return facts.refusal_facts(refused)
    verdict = rules.entry_verdict(verified.certificate, now, local_date(now))
    return {
        "valid": True,
        "certificate": facts.certificate_facts(verified),
        "verdict": facts.verdict_facts(verdict),
    }


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="EU Digital COVID Certificates: verify one, or run the public test suite")
    app.add_typer(group, name="dcc")

    @group.command("verify")
    def verify_command(
        qr_or_file: Annotated[
            str, typer.Argument(help="the QR text (HC1:...), or a file with it or its picture")
        ],
        trust_file: Annotated[Path, typer.Option("--trust", exists=True, dir_okay=False, help="DSC list")],
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Verify a certificate against a trust list now (exit 0 valid, 1 refused with the reason)."""
        try:
            trusted = trust.load(trust_file.read_bytes())
            out = check(qr_text(qr_or_file), trusted)
        except (trust.TrustListError, PictureError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        elif out["valid"]:
            cert, verdict = out["certificate"], out["verdict"]
            typer.echo(
                f"valid: {cert['kind_en']} certificate of {cert['holder']} ({cert['dob']}), signed by "
                f"{cert['signer_country']} {cert['signer_kid']}, expires {cert['expires_at']}"
            )
            typer.echo(f"entry: {verdict['message_zh']} / {verdict['message_en']} [{verdict['edition']}]")
        else:
            typer.echo(f"refused ({out['reason']}): {out['message_zh']} / {out['message_en']}")
        if not out["valid"]:
            raise typer.Exit(1)

    @group.command("testdata")
    def testdata_command(
        folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="dgc-testdata layout")],
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Run every case file under DIR: each EXPECTED* flag it carries and what lianfang got."""
        cases = testdata.run_folder(folder)
        if as_json:
            typer.echo(json.dumps({"cases": [c.as_dict() for c in cases]}, ensure_ascii=False, indent=1))
            return
        differ = 0
        for case in cases:
            typer.echo(case.file)
            for flag, result in case.checks.items():
                same = result["expected"] == result["got"]
                differ += not same
                note = "" if same else f"  <- {case.notes.get(flag, 'differs')}"
                typer.echo(
                    f"  {'ok ' if same else 'DIFF'} {flag}: expected {result['expected']}, "
                    f"got {result['got']}{note}"
                )
        typer.echo(f"{len(cases)} cases, {sum(len(c.checks) for c in cases)} checks, {differ} differ")
