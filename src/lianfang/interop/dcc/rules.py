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
  gives no certificate-based reduction). A future edition that does is one more row here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from lianfang.interop.dcc import certificate as schema
from lianfang.travel import rules as travel_rules

NAAT, RAT = "LP6464-4", "LP217198-3"
NOT_DETECTED, DETECTED = "260415000", "260373001"
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
    done = schema.parse_date(entry["dt"], "v.dt")
    recent = today < done + timedelta(days=rules.vaccination_wait_days)
    return _verdict("vaccination_recent" if recent else "vaccination_complete", rules)


def _test(entry: Mapping[str, Any], now: datetime, rules: EntryRules) -> Verdict:
    if entry["tr"] != NOT_DETECTED:
        return _verdict("test_positive", rules)
    hours = {NAAT: rules.naat_hours, RAT: rules.rat_hours}.get(str(entry["tt"]))
    if hours is None:
        return _verdict("test_unknown_type", rules)
    sampled = schema.parse_moment(entry["sc"], "t.sc")
    if sampled > now:
        return _verdict("test_future", rules)
    return _verdict("test_too_old" if now - sampled > timedelta(hours=hours) else "test_negative", rules)


def entry_verdict(certificate: schema.Certificate, now: datetime, today: date) -> Verdict:
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
    valid_from = schema.parse_date(entry["df"], "r.df")
    valid_until = schema.parse_date(entry["du"], "r.du")
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
