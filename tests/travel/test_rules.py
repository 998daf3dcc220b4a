"""Pure travel rules: place-code structure, the 14-day window, overlaps, observation plans per edition."""

from __future__ import annotations

from datetime import date, timedelta

from lianfang.travel import rules


def test_place_code_structure():
    assert rules.code_problem("420106") is None
    assert rules.code_problem("42010") is not None  # 5 digits
    assert rules.code_problem("990101") is not None  # no such province part
    assert rules.code_problem("420006") is not None  # county digits under no prefecture
    assert rules.normalise_code("420106000000") == "420106"
    assert [rules.code_level(c) for c in ("420000", "420100", "420106")] == [
        "province",
        "prefecture",
        "county",
    ]
    assert rules.structural_parents("420106") == ["420100", "420000"]
    assert rules.parent_problem("420106", "430100") is not None
    assert rules.parent_problem("420100", "420000") is None


def test_window_and_expiry():
    today = date(2022, 2, 20)
    assert rules.window_start(today) == date(2022, 2, 6)
    assert rules.flag_expires_on(date(2022, 2, 6)) == date(2022, 2, 21)  # 离开满14天, cleared the next day


def test_overlap_allows_a_travel_day():
    d = date(2022, 1, 1)
    assert not rules.overlaps(d, d + timedelta(5), d + timedelta(5), d + timedelta(8))
    assert rules.overlaps(d, d + timedelta(5), d + timedelta(4), d + timedelta(8))


def test_stay_problems():
    today = date(2022, 2, 20)
    found = rules.stay_problems(True, "420106", date(2022, 2, 10), date(2022, 2, 9), today)
    assert [p.field for p in found] == ["to_on"] and "before" in found[0].en
    unknown = rules.stay_problems(False, "420199", date(2022, 2, 10), None, today)
    assert unknown[0].field == "place_code" and "unknown" in unknown[0].en


def test_inbound_14_7_7_and_popup2_until_day_21():
    plan = rules.inbound_plan(date(2021, 3, 1))
    assert plan is not None and (
        plan.edition,
        plan.centralised_days,
        plan.home_days,
        plan.monitoring_days,
    ) == (
        "BJ-2021-01-22",
        14,
        7,
        7,
    )
    when = rules.schedule(plan, date(2021, 3, 1))
    assert when.handover_on == date(2021, 3, 15)
    assert when.popup2_until == date(2021, 3, 22)  # 1日入境 → 23日凌晨解除
    assert rules.popup2_active(when.popup2_until, date(2021, 3, 22))
    assert not rules.popup2_active(when.popup2_until, date(2021, 3, 23))
    assert rules.inbound_plan(date(2022, 7, 1)).edition == "9th-2022-06-28"  # type: ignore[union-attr]
    assert rules.inbound_plan(date(2020, 6, 1)) is None


def _visit(code, start, end, klass=None):
    return rules.Visit(code, start, end, klass)


def test_returnee_editions():
    feb = rules.returnee_plan(date(2020, 2, 20), [_visit("420106", date(2020, 2, 1), date(2020, 2, 20))])
    assert feb is not None and (feb.edition, feb.home_days, feb.mode) == (
        "BJ-2020-02-14",
        14,
        "home_or_centralised",
    )
    hebei = [_visit("130602", date(2020, 4, 1), date(2020, 5, 1))]
    assert rules.returnee_plan(date(2020, 5, 1), hebei) is None  # 津冀连续驻留满14天
    assert (
        rules.returnee_plan(date(2020, 5, 1), [_visit("420106", date(2020, 4, 1), date(2020, 5, 1))])
        is not None
    )
    back = date(2022, 8, 1)
    high = rules.returnee_plan(back, [_visit("620102", date(2022, 7, 25), back, "high")])
    assert high is not None and (high.mode, high.centralised_days) == ("centralised", 7)
    low = rules.returnee_plan(back, [_visit("620102", date(2022, 7, 25), back, "low")])
    assert low is not None and low.test_days == (1, 3)
    assert rules.returnee_plan(back, [_visit("620102", date(2022, 7, 25), back, None)]) is None
    late = rules.returnee_plan(
        date(2022, 12, 1), [_visit("620102", date(2022, 11, 25), date(2022, 12, 1), "medium")]
    )
    assert late is None


def test_lift_rules():
    assert rules.earliest_lift_on("no_new_14d", date(2022, 1, 1)) == date(2022, 1, 16)
    assert rules.earliest_lift_on("medium_7", None) is None
    problems = rules.risk_area_problems("purple", "nope", None, None, "", date(2022, 1, 1))
    assert {p.field for p in problems} == {"level", "lift_rule", "starts_on", "source"}
