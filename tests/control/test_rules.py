"""The plans and lifting rules, edition by edition, against the numbers of ../shared/domain/RULES.md §2
and §3 (pure functions: no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lianfang.control import rules
from lianfang.control.rules import ZoneFacts, lift_check, plan_for

D = date(2022, 7, 1)


@pytest.mark.parametrize(
    ("day", "edition"),
    [
        (date(2020, 3, 1), "bj2020"),
        (date(2021, 5, 11), "8th"),
        (date(2022, 6, 27), "8th"),
        (date(2022, 6, 28), "9th"),
        (date(2022, 11, 11), "twenty"),
    ],
)
def test_edition_in_force(day, edition):
    assert rules.edition_on(day) == edition


@pytest.mark.parametrize(
    ("edition", "cls", "kind", "c", "h", "m", "tests", "swab", "dbl"),
    [
        # §2 8th: 14天集中 + 7天居家健康监测, tests 1、4、7、14 (鼻咽), 双采双检
        ("8th", "close", "centralised", 14, 0, 7, (1, 4, 7, 14), "nasopharyngeal", True),
        ("8th", "secondary", "centralised", 7, 0, 0, (1, 7), "nasopharyngeal", False),
        ("8th", "inbound", "centralised", 14, 0, 7, (1, 4, 7, 14), "nasopharyngeal", True),
        # §3.2 封控区 居家隔离14天+健康监测7天, tests 1、4、7、10、14
        ("8th", "zone_resident", "home_quarantine", 0, 14, 7, (1, 4, 7, 10, 14), "nasopharyngeal", False),
        # §2 9th "7+3": 集中 1、2、3、5、7 + 居家第3天 (day 10), 口咽, no 双采双检
        ("9th", "close", "centralised", 7, 0, 3, (1, 2, 3, 5, 7, 10), "oropharyngeal", False),
        ("9th", "secondary", "home_quarantine", 0, 7, 0, (1, 4, 7), "oropharyngeal", False),
        ("9th", "inbound", "centralised", 7, 0, 3, (1, 2, 3, 5, 7, 10), "oropharyngeal", False),
        ("9th", "high_risk_travel", "centralised", 7, 0, 0, (1, 4, 7), "oropharyngeal", False),
        ("9th", "medium_risk_travel", "home_quarantine", 0, 7, 0, (1, 4, 7), "oropharyngeal", False),
        ("9th", "discharged", "home_monitoring", 0, 0, 7, (), "oropharyngeal", False),
        # §2 二十条 "5+3": 集中 1、2、3、5 + 居家第1、3天 (days 6, 8)
        ("twenty", "close", "centralised", 5, 3, 0, (1, 2, 3, 5, 6, 8), "oropharyngeal", False),
        ("twenty", "high_risk_travel", "home_quarantine", 0, 7, 0, (1, 3, 5, 7), "oropharyngeal", False),
        # R7 returnees 14 days, R11 discharged 14 days at home (2020)
        ("bj2020", "returnee", "home_quarantine", 0, 14, 0, (), "nasopharyngeal", False),
        ("bj2020", "discharged", "home_monitoring", 0, 0, 14, (), "nasopharyngeal", False),
    ],
)
def test_plans_match_the_rules_file(edition, cls, kind, c, h, m, tests, swab, dbl):
    plan = plan_for(edition, cls)
    assert plan is not None and plan.citation.startswith(("RULES", "MISSION"))
    assert (plan.kind, plan.centralised_days, plan.home_days, plan.monitoring_days) == (kind, c, h, m)
    assert (plan.test_days, plan.swab, plan.double_test) == (tests, swab, dbl)


def test_twenty_measures_judge_no_secondary_contacts():
    assert plan_for("twenty", "secondary") is None


def test_the_clock_starts_at_the_last_exposure_and_phases_follow():
    plan = plan_for("9th", "close")
    assert plan is not None
    assert rules.phase_on(plan, D, D + timedelta(days=7)) == "centralised"
    assert rules.phase_on(plan, D, D + timedelta(days=8)) == "home_monitoring"
    assert rules.phase_on(plan, D, D + timedelta(days=11)) == "done"
    assert rules.tests_due(plan.test_days, D, D + timedelta(days=5))
    assert not rules.tests_due(plan.test_days, D, D + timedelta(days=4))


def test_secondary_contact_escalation_9th():
    assert rules.secondary_outcome(["negative", "positive"]) == "escalate"
    assert rules.secondary_outcome(["positive"]) == "escalate"
    assert rules.secondary_outcome(["negative", "negative", "positive"]) == "clear"
    assert rules.secondary_outcome(["negative"]) == "wait"


def test_release_needs_completion_and_negative_tests():
    end = D + timedelta(days=10)
    assert rules.release_problems(end, end, ["negative"], (1,), False) == []
    assert rules.release_problems(end, end - timedelta(days=1), ["negative"], (1,), False)
    assert rules.release_problems(end, end, ["negative", "positive"], (1,), False)
    assert len(rules.release_problems(end, end, ["negative"], (1,), True)) == 1  # 双采双检


def _facts(level, **kw):
    base = {
        "level": level,
        "started_on": D,
        "last_case_on": None,
        "last_contact_exposure_on": None,
        "last_contact_negative": False,
        "round_negative_on": None,
        "downgraded_on": None,
        "other_active_in_district": 0,
    }
    return ZoneFacts(**(base | kw))


def test_fgf_lifting_needs_14_quiet_days_the_last_contact_and_a_round_in_2_days():
    today = D + timedelta(days=16)
    ok = _facts(
        "sealed",
        last_contact_exposure_on=D + timedelta(days=1),
        last_contact_negative=True,
        round_negative_on=today - timedelta(days=1),
    )
    assert lift_check("fgf", ok, today).met and lift_check("fgf", ok, today).next_level is None
    assert not lift_check("fgf", ok, D + timedelta(days=13)).met
    stale_round = _facts("sealed", round_negative_on=today - timedelta(days=3))
    assert not lift_check("fgf", stale_round, today).met
    recent_case = _facts("controlled", last_case_on=D + timedelta(days=5), round_negative_on=today)
    assert not lift_check("fgf", recent_case, today).met  # a new case restarts the 14 days
    assert not lift_check("fgf", _facts("prevention", other_active_in_district=1), today).met
    assert lift_check("fgf", _facts("prevention"), today).met


def test_ninth_high_goes_to_medium_after_7_days_and_a_day_7_round_then_low_after_3():
    today = D + timedelta(days=7)
    high = _facts("high", round_negative_on=today)
    result = lift_check("9th", high, today)
    assert result.met and result.next_level == "medium"
    assert not lift_check("9th", _facts("high", round_negative_on=today - timedelta(days=1)), today).met
    assert not lift_check("9th", _facts("high", round_negative_on=today), today - timedelta(days=1)).met
    medium_from_high = _facts("medium", downgraded_on=today)
    assert not lift_check("9th", medium_from_high, today + timedelta(days=2)).met
    low = lift_check("9th", medium_from_high, today + timedelta(days=3))
    assert low.met and low.next_level is None
    assert lift_check("9th", _facts("medium", round_negative_on=today), today).met


def test_twenty_high_lifts_after_5_days_and_a_day_5_round():
    today = D + timedelta(days=5)
    assert lift_check("twenty", _facts("high", round_negative_on=today), today).met
    assert not lift_check("twenty", _facts("high", round_negative_on=today), today - timedelta(days=1)).met


def test_a_positive_turns_a_controlled_zone_sealed():
    assert rules.level_after_positive("fgf", "controlled") == "sealed"
    assert rules.level_after_positive("9th", "medium") == "high"
    assert rules.level_after_positive("fgf", "prevention") == "prevention"


def test_fever_threshold_and_temperature_range():
    assert rules.is_fever(37.3) and not rules.is_fever(37.2) and not rules.is_fever(None)
    assert rules.temperature_problem(33.0) and rules.temperature_problem(36.5) is None
