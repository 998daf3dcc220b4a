"""`lianfang dcc verify QR_OR_FILE --trust FILE [--json]` and `lianfang dcc testdata DIR [--json]`: offline,
no database (a border device's check, and the public test suite).

Running the EU gateway project's DCC test data (`dgc-testdata`): every `*.json` case under a folder
laid out like it (`AT/2DCode/raw/1.json`, any member state), each `EXPECTED*` flag it carries checked
the way that project's README defines it, with lianfang's decoder and verifier.

A flag this module has no check for (a misspelt one, say) is reported with `got` None. The signer of a
case is its `TESTCTX.CERTIFICATE`, trusted under the kid computed from it, so a case whose headers
name another kid fails verification as it should."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import cbor2
import typer

from lianfang.core.clock import local_date, utcnow
from lianfang.interop.dcc import codec as decode
from lianfang.interop.dcc import imports as trust
from lianfang.interop.dcc import rules
from lianfang.interop.dcc import rules as schema
from lianfang.interop.dcc import views as facts
from lianfang.interop.dcc.codec import MAX_TEXT, Signer, signer_of, verify
from lianfang.interop.dcc.imports import PictureError, read_qr
from lianfang.interop.dcc.rules import Refused

IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")


def qr_text(arg: str) -> str:
    """The QR text itself, or read from a file (an image of the QR code, or a text file)."""
    path = Path(arg)
    if len(arg) < 4096 and not arg.startswith("HC1:") and path.is_file():
        if path.suffix.lower() in IMAGES:
            return read_qr(path.read_bytes())
        return path.read_bytes()[: MAX_TEXT + 1].decode("utf-8", errors="replace")
    return arg


def check(text: str, trusted: dict[bytes, Signer]) -> dict[str, Any]:
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
        cases = run_folder(folder)
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


@dataclass
class Case:
    file: str
    data: dict[str, Any]
    checks: dict[str, dict[str, bool | None]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "checks": self.checks}


class Skip(Exception):
    pass


def _hex(data: dict[str, Any], key: str) -> bytes:
    value = data.get(key)
    if not isinstance(value, str):
        raise Skip(f"no {key}")
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise Refused("cose", f"{key} is not hex") from exc


def _clock(data: dict[str, Any]) -> datetime:
    raw = str((data.get("TESTCTX") or {}).get("VALIDATIONCLOCK", ""))
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _signer(data: dict[str, Any]) -> Signer:
    raw = str((data.get("TESTCTX") or {}).get("CERTIFICATE", ""))
    try:
        return signer_of(base64.b64decode(raw))
    except (binascii.Error, ValueError) as exc:
        raise Skip(f"no usable TESTCTX.CERTIFICATE ({exc})") from None


def _cose(data: dict[str, Any]) -> decode.Cose:
    if "COSE" in data:
        return decode.parse_cose(_hex(data, "COSE"))
    return decode.cose_of(str(data.get("PREFIX", "")))


def _instant(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _normal(value: Any) -> Any:
    """Values as JSON carries them: dates and times compared as UTC instants, numbers as numbers."""
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, datetime):
        value = value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        return _instant(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _json(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("JSON")
    if not isinstance(value, dict):
        raise Skip("no JSON")
    return value


def _same_as_json(data: dict[str, Any], certificate: object) -> bool:
    return bool(_normal(certificate) == _normal(_json(data)))


def check_valid_object(data: dict[str, Any]) -> bool:
    schema.check(_json(data))
    return True


def check_schema(data: dict[str, Any]) -> bool:
    certificate = (
        decode.parse_claims(_cose(data).payload).certificate
        if "COSE" in data or "PREFIX" in data
        else cbor2.loads(_hex(data, "CBOR"))
    )
    schema.check(certificate)
    return True


def check_encode(data: dict[str, Any]) -> bool:
    return cbor2.dumps(_json(data)) == _hex(data, "CBOR")


def check_decode(data: dict[str, Any]) -> bool:
    try:
        certificate = cbor2.loads(_hex(data, "CBOR")) if "CBOR" in data else None
    except Exception as exc:  # the library's failure on the case's bytes is the check failing
        raise Refused("cwt", str(exc)) from None
    if isinstance(certificate, Mapping) and decode.CLAIM_HCERT in certificate:  # the whole CWT
        certificate = decode.parse_claims(_hex(data, "CBOR")).certificate
    if certificate is None:
        certificate = decode.parse_claims(_cose(data).payload).certificate
    return _same_as_json(data, certificate) if "JSON" in data else isinstance(certificate, Mapping)


def check_verify(data: dict[str, Any]) -> bool:
    signer = _signer(data)
    cose = _cose(data)
    decode.check_signature(cose, decode.signer_for(cose, {signer.kid: signer}))
    decode.parse_claims(cose.payload)
    return True


def check_unprefix(data: dict[str, Any]) -> bool:
    text = decode.unprefix(str(data.get("PREFIX", "")))
    return text == data["BASE45"] if "BASE45" in data else True


def check_valid_json(data: dict[str, Any]) -> bool:
    claims = decode.parse_claims(decode.cose_of(str(data.get("PREFIX", ""))).payload)
    return _same_as_json(data, claims.certificate)


def check_compression(data: dict[str, Any]) -> bool:
    return decode.inflate(_hex(data, "COMPRESSED")) == _hex(data, "COSE")


def check_base45(data: dict[str, Any]) -> bool:
    decoded = decode.base45_decode(str(data.get("BASE45", "")))
    return decoded == _hex(data, "COMPRESSED") if "COMPRESSED" in data else True


def check_picture(data: dict[str, Any]) -> bool:
    if "2DCODE" not in data:
        raise Skip("no 2DCODE")
    try:
        text = read_qr(base64.b64decode(str(data.get("2DCODE", ""))))
    except (PictureError, binascii.Error):
        return False
    return bool(text == data.get("PREFIX", text))


def check_expiration(data: dict[str, Any]) -> bool:
    decode.check_times(decode.parse_claims(_cose(data).payload), _clock(data))
    return True


def check_key_usage(data: dict[str, Any]) -> bool:
    signer = _signer(data)
    certificate = schema.check(decode.parse_claims(_cose(data).payload).certificate)
    decode.check_key_usage(signer, certificate.kind)
    return True


CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "EXPECTEDVALIDOBJECT": check_valid_object,
    "EXPECTEDSCHEMAVALIDATION": check_schema,
    "EXPECTEDENCODE": check_encode,
    "EXPECTEDDECODE": check_decode,
    "EXPECTEDVERIFY": check_verify,
    "EXPECTEDUNPREFIX": check_unprefix,
    "EXPECTEDVALIDJSON": check_valid_json,
    "EXPECTEDCOMPRESSION": check_compression,
    "EXPECTEDB45DECODE": check_base45,
    "EXPECTEDPICTUREDECODE": check_picture,
    "EXPECTEDEXPIRATIONCHECK": check_expiration,
    "EXPECTEDKEYUSAGE": check_key_usage,
}


def run_case(file: str, data: dict[str, Any]) -> Case:
    case = Case(file, data)
    expected = data.get("EXPECTEDRESULTS") or {}
    for flag, wanted in expected.items():
        check = CHECKS.get(flag)
        got: bool | None = None
        if check is None:
            case.notes[flag] = "no such check in the test data's README"
        else:
            try:
                got = check(data)
            except Skip as exc:
                case.notes[flag] = f"skipped: {exc}"
            except (Refused, zlib.error, ValueError) as exc:
                got = False
                case.notes[flag] = f"{type(exc).__name__}: {exc}"
        case.checks[flag] = {"expected": wanted if isinstance(wanted, bool) else None, "got": got}
    return case


def run_folder(folder: Path) -> list[Case]:
    """Every case file under `folder`, in path order; a file that is not a JSON object is a case with
    no checks and a note."""
    cases = []
    for path in sorted(folder.rglob("*.json")):
        name = path.relative_to(folder).as_posix()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            cases.append(Case(name, {}, notes={"file": f"not JSON: {exc}"}))
            continue
        if not isinstance(data, dict):
            cases.append(Case(name, {}, notes={"file": "not a JSON object"}))
            continue
        cases.append(run_case(name, data))
    return cases


def mismatches(cases: list[Case]) -> dict[str, dict[str, dict[str, bool | None]]]:
    """Case → flag → {expected, got} for every check whose result is not the expected one."""
    out: dict[str, dict[str, dict[str, bool | None]]] = {}
    for case in cases:
        for flag, result in case.checks.items():
            if result["got"] != result["expected"]:
                out.setdefault(case.file, {})[flag] = result
    return out
