"""The entry verdict of a verified DCC and what it changes in the inbound plan. Pure: every function is
handed the time of the check.

Neither RULES.md nor any stored Beijing source says how an EU certificate counts at entry: every
inbound arrival is quarantined by the plan in force (RULES.md §2 入境人员: 14+7 / Beijing 14+7+7 from
2021-01-22, 9th ed. 7+3, 二十条 5+3), with no exemption for a vaccination, test or recovery
certificate. So, as documented, versioned assumptions:

- `ENTRY_EDITIONS`: what makes a certificate "valid for entry" uses the values of the EU's own
  acceptance rules (Council Recommendation (EU) 2020/1475 as amended by (EU) 2021/961, applied with the
  DCC Regulation (EU) 2021/953 from 2021-07-01): a complete vaccination series at least 14 days old; a
  NAAT (PCR) test sampled at most 72 hours, or a rapid antigen test at most 48 hours, before the check
  and "not detected"; a recovery certificate inside its own validity (df..du). The verdict is shown and
  recorded; it is not a Beijing rule.
- `PLAN_EFFECTS`: for every inbound edition the certificate shortens the plan by 0 days (RULES.md §2
  gives no certificate-based reduction). A future edition that does is one more row here.

The shape of the certificate inside a DCC (eHealth Network "DCC JSON schema" 1.0–1.3, written here
from the published field list, not copied): the holder (`nam`, `dob`), the schema version (`ver`) and
exactly one of vaccination (`v`), test (`t`) or recovery (`r`) with exactly one entry. A certificate
that breaks it is `Refused("schema")` naming the field.

Required fields per group (schema 1.3.0): v — tg vp mp ma dn sd dt co is ci; t — tg tt sc tr co is ci;
r — tg fr co is df du ci. Dates are ISO 8601 text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lianfang.travel import rules as travel_rules

NAAT, RAT = "LP6464-4", "LP217198-3"
NOT_DETECTED, DETECTED = "260415000", "260373001"
REASONS: dict[str, tuple[str, str]] = {
    "too_large": (
        "内容过长，不是欧盟数字新冠证书",
        "the input is too long to be an EU Digital COVID Certificate",
    ),
    "prefix": (
        "缺少或不支持的前缀（应为HC1:）",
        "the context prefix is missing or not supported (HC1: expected)",
    ),
    "base45": ("Base45编码无效", "the Base45 text is not valid"),
    "zlib": ("压缩数据损坏或未压缩", "the zlib data is broken, truncated or not compressed"),
    "cose": ("签名结构（COSE_Sign1）无效", "the COSE_Sign1 structure is not valid"),
    "cwt": ("证书内容（CWT）结构无效", "the CWT claims are not valid"),
    "algorithm": ("签名算法不受支持", "the signature algorithm is not supported"),
    "kid": ("签名密钥标识（kid）缺失或无效", "the key identifier (kid) is missing or not valid"),
    "unknown_kid": ("信任列表中没有该签名证书", "the signing certificate is not in the trust list"),
    "bad_signature": ("签名验证失败", "the signature does not verify"),
    "dsc_expired": (
        "签名证书（DSC）不在有效期内",
        "the document signer certificate (DSC) is not valid at this time",
    ),
    "not_yet_valid": ("证书签发时间晚于当前时间", "the certificate was issued after the time of the check"),
    "expired": ("证书已过期", "the certificate has expired"),
    "schema": ("证书内容不符合欧盟数字新冠证书格式", "the certificate does not follow the DCC schema"),
    "key_usage": (
        "签名证书无权签发此类证书",
        "the signing certificate may not sign this type of certificate",
    ),
}


class Refused(Exception):
    """A certificate refused for `reason` (a key of REASONS); `detail` is for logs and test reports."""

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in REASONS
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    @property
    def zh(self) -> str:
        return REASONS[self.reason][0]

    @property
    def en(self) -> str:
        return REASONS[self.reason][1]


COVID = "840539006"


@dataclass(frozen=True)
class EntryRules:
    edition: str
    vaccination_wait_days: int
    naat_hours: int
    rat_hours: int
    cite: str


ENTRY_EDITIONS: tuple[tuple[date, EntryRules], ...] = (
    (
        date(2021, 7, 1),
        EntryRules(
            "EU-2021-07-01", 14, 72, 48, "assumption: Council Rec. (EU) 2021/961 values; not in RULES.md"
        ),
    ),
)


@dataclass(frozen=True)
class Verdict:
    valid_for_entry: bool
    code: str  # vaccination_complete | test_negative | recovered | and the refusals below
    zh: str
    en: str
    edition: str
    cite: str


_MESSAGES = {
    "vaccination_complete": ("已完成全程疫苗接种（满14天）", "vaccination series complete (14 days or more)"),
    "vaccination_recent": ("全程接种未满14天", "the series was completed less than 14 days ago"),
    "vaccination_incomplete": ("未完成全程接种", "the vaccination series is not complete"),
    "test_negative": ("核酸/抗原检测阴性且在有效时间内", "negative test within its validity"),
    "test_positive": ("检测结果为阳性", "the test result is positive (detected)"),
    "test_future": ("采样时间晚于查验时间", "the sample was taken after the time of the check"),
    "test_too_old": ("检测已超过有效时间", "the test is older than its validity"),
    "test_unknown_type": ("检测类型不明", "unknown type of test"),
    "recovered": ("康复证明在有效期内", "recovery certificate within its validity"),
    "recovery_outside": ("康复证明不在有效期内", "the recovery certificate is outside its validity"),
    "other_disease": ("证书不是新冠病毒相关证书", "the certificate is not about COVID-19"),
    "no_rules": ("查验日没有生效的入境证书规则", "no entry rules for certificates were in force that day"),
}


def entry_rules(on: date) -> EntryRules | None:
    found = None
    for effective, rules in ENTRY_EDITIONS:
        if effective <= on:
            found = rules
    return found


def _verdict(code: str, rules: EntryRules) -> Verdict:
    zh, en = _MESSAGES[code]
    ok = code in ("vaccination_complete", "test_negative", "recovered")
    return Verdict(ok, code, zh, en, rules.edition, rules.cite)


def _vaccination(entry: Mapping[str, Any], today: date, rules: EntryRules) -> Verdict:
    if int(entry["dn"]) < int(entry["sd"]):
        return _verdict("vaccination_incomplete", rules)
    done = parse_date(entry["dt"], "v.dt")
    recent = today < done + timedelta(days=rules.vaccination_wait_days)
    return _verdict("vaccination_recent" if recent else "vaccination_complete", rules)


def _test(entry: Mapping[str, Any], now: datetime, rules: EntryRules) -> Verdict:
    if entry["tr"] != NOT_DETECTED:
        return _verdict("test_positive", rules)
    hours = {NAAT: rules.naat_hours, RAT: rules.rat_hours}.get(str(entry["tt"]))
    if hours is None:
        return _verdict("test_unknown_type", rules)
    sampled = parse_moment(entry["sc"], "t.sc")
    if sampled > now:
        return _verdict("test_future", rules)
    return _verdict("test_too_old" if now - sampled > timedelta(hours=hours) else "test_negative", rules)


def entry_verdict(certificate: Certificate, now: datetime, today: date) -> Verdict:
    """Whether a verified certificate satisfies the entry rules in force on `today` (local day)."""
    rules = entry_rules(today)
    if rules is None:
        zh, en = _MESSAGES["no_rules"]
        return Verdict(False, "no_rules", zh, en, "", "")
    entry = certificate.entry
    if entry.get("tg") != COVID:
        return _verdict("other_disease", rules)
    if certificate.kind == "v":
        return _vaccination(entry, today, rules)
    if certificate.kind == "t":
        return _test(entry, now, rules)
    valid_from = parse_date(entry["df"], "r.df")
    valid_until = parse_date(entry["du"], "r.du")
    return _verdict("recovered" if valid_from <= today <= valid_until else "recovery_outside", rules)


@dataclass(frozen=True)
class PlanEffect:
    inbound_edition: str
    shorten_days: int
    zh: str
    en: str
    cite: str


# inbound edition (travel.rules.INBOUND_EDITIONS) → days a valid certificate takes off the plan.
PLAN_EFFECTS: dict[str, tuple[int, str]] = {
    "BJ-2021-01-22": (0, "RULES.md §2 入境人员 (Beijing 14+7+7): no certificate exemption"),
    "9th-2022-06-28": (0, "RULES.md §2 入境人员 (9th ed. 7+3): no certificate exemption"),
    "20-2022-11-11": (0, "RULES.md §2 入境人员 (二十条 5+3): no certificate exemption"),
}


def plan_effect(arrived_on: date, verdict: Verdict) -> PlanEffect:
    """What the certificate changes in the inbound plan in force on the arrival day: nothing, under every
    edition so far (a certificate not valid for entry never changes it)."""
    plan = travel_rules.inbound_plan(arrived_on)
    edition = plan.edition if plan else ""
    days, cite = PLAN_EFFECTS.get(edition, (0, "no inbound edition in force"))
    days = days if verdict.valid_for_entry else 0
    if days:
        return PlanEffect(
            edition, days, f"入境隔离缩短{days}天", f"the plan is shortened by {days} days", cite
        )
    return PlanEffect(edition, 0, "不改变入境隔离安排", "the inbound plan is unchanged", cite)


KINDS = {"v": "vaccination", "t": "test", "r": "recovery"}
REQUIRED = {
    "v": ("tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"),
    "t": ("tg", "tt", "sc", "tr", "co", "is", "ci"),
    "r": ("tg", "fr", "co", "is", "df", "du", "ci"),
}
DATES = {"v": ("dt",), "t": (), "r": ("fr", "df", "du")}
_VERSION = re.compile(r"\d+\.\d+\.\d+")
_DOB = re.compile(r"((19|20)\d\d(-\d\d){0,2})?")  # 1.3.0 allows "", a year or a year and month


@dataclass(frozen=True)
class Certificate:
    """A certificate that passed the schema: which group, its one entry, the holder."""

    kind: str  # v | t | r
    entry: Mapping[str, Any]
    family_name: str
    given_name: str
    dob: str
    version: str

    @property
    def uvci(self) -> str:
        return str(self.entry["ci"])


def _bad(field: str, what: str) -> Refused:
    return Refused("schema", f"{field}: {what}")


def parse_date(value: object, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _bad(field, "not a date")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise _bad(field, "not a date") from None


def parse_moment(value: object, field: str) -> datetime:
    """A date and time with an offset (test sample times); naive text is refused."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(field, "not a date and time") from None
    else:
        raise _bad(field, "not a date and time")
    if moment.tzinfo is None:
        raise _bad(field, "no time zone")
    return moment.astimezone(UTC)


def _text(value: object, field: str, limit: int = 80) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _bad(field, f"not text of at most {limit} characters")
    return value


def _positive(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise _bad(field, "not a dose number from 1 to 9")
    return value


def _entry(kind: str, entry: object) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping):
        raise _bad(kind, "the entry is not an object")
    for key in REQUIRED[kind]:
        if key not in entry:
            raise _bad(f"{kind}.{key}", "missing")
    for key in REQUIRED[kind]:
        if key not in ("dn", "sd", "sc"):
            _text(entry[key], f"{kind}.{key}")
    for key in DATES[kind]:
        parse_date(entry[key], f"{kind}.{key}")
    if kind == "v":
        _positive(entry["dn"], "v.dn")
        _positive(entry["sd"], "v.sd")
    if kind == "t":
        parse_moment(entry["sc"], "t.sc")
    return entry


def check(certificate: Mapping[Any, Any]) -> Certificate:
    """The certificate when it follows the schema; Refused("schema") otherwise."""
    version = certificate.get("ver")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise _bad("ver", "not a schema version")
    names = certificate.get("nam")
    if not isinstance(names, Mapping) or not isinstance(names.get("fnt"), str):
        raise _bad("nam.fnt", "missing")
    family = _text(names.get("fn", names["fnt"]), "nam.fn")
    given = _text(names.get("gn", names.get("gnt", "")), "nam.gn")
    dob = certificate.get("dob")
    if not isinstance(dob, str) or not (_DOB.fullmatch(dob) or _iso_date(dob)):
        raise _bad("dob", "not a date of birth")
    groups = [k for k in KINDS if certificate.get(k) is not None]  # schema 1.0 writers put nulls
    if len(groups) != 1:
        raise _bad("v/t/r", "exactly one of vaccination, test or recovery is allowed")
    kind = groups[0]
    entries = certificate[kind]
    if not isinstance(entries, list | tuple) or len(entries) != 1:
        raise _bad(kind, "exactly one entry is allowed")
    return Certificate(kind, _entry(kind, entries[0]), family, given, dob, version)


def _iso_date(text: str) -> bool:
    """Schema 1.0 wrote dob as a full date, some issuers with a time; accepted as read."""
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True
