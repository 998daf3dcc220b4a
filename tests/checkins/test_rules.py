"""Pure rules: what a scanner read, stay lengths, time windows, code states, the registrar rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lianfang.checkins import rules
from lianfang.checkins.rules import NOT_AVAILABLE, Status

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def test_code_reference():
    token = "A" * 32
    assert rules.code_reference(token) == ("token", token)
    assert rules.code_reference(f"https://lianfang.example/s/{token}?from=qr") == ("token", token)
    assert rules.code_reference("abcd2345") == ("venue", "ABCD2345")
    assert rules.code_reference("short") is None
    assert rules.code_reference("https://x/s/<script>") is None


def test_stay_lengths_follow_the_venue_kind_and_are_capped():
    assert rules.stay_until(NOW, None, "supermarket") - NOW == timedelta(minutes=25)
    assert rules.stay_until(NOW, None, "hotel") - NOW == timedelta(minutes=600)
    assert rules.stay_until(NOW, NOW + timedelta(minutes=7), "hotel") == NOW + timedelta(minutes=7)
    assert rules.stay_until(NOW, NOW + timedelta(days=3), "hotel") == NOW + rules.MAX_STAY


def test_scan_date_is_the_local_day():
    assert rules.scan_date(datetime(2026, 11, 22, 17, 0, tzinfo=UTC)).isoformat() == "2026-11-23"


def test_time_windows():
    ok = rules.time_problems(NOW - timedelta(days=27), None, NOW, 28, None)
    assert ok == []
    assert rules.time_problems(NOW - timedelta(days=28), None, NOW, 28, 3)[0].row == 3
    assert rules.time_problems(NOW + timedelta(minutes=9), None, NOW, 28, None) == []
    assert rules.time_problems(NOW + timedelta(minutes=11), None, NOW, 28, None)[0].field == "scanned_at"
    naive = rules.time_problems(datetime(2026, 11, 23, 10), None, NOW, 28, None)  # noqa: DTZ001
    assert naive[0].en.startswith("scanned_at needs a time zone")
    back = rules.time_problems(NOW, NOW - timedelta(minutes=1), NOW, 28, None)
    assert back[0].field == "left_at"
    assert rules.oldest_day(NOW.date(), 1) == NOW.date()


def test_code_states():
    before, after = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    assert rules.code_state_problem("active", None, None, NOW, None) is None
    assert rules.code_state_problem("suspended", NOW, None, before, None) is None
    assert rules.code_state_problem("suspended", NOW, None, after, None) is not None
    assert rules.code_state_problem("revoked", None, None, before, None).en.endswith("revoked")
    assert rules.code_state_problem("active", None, NOW, after, None).en.endswith("expired")
    assert rules.venue_state_problem("sealed", NOW, before, None) is None
    assert rules.venue_state_problem("closed", NOW, after, None) is not None


def test_keys_and_labels():
    assert rules.key_problem("gate-7:2026-11-23.0001") is None
    assert rules.key_problem("") is not None and rules.key_problem("x" * 65) is not None
    assert rules.label_problem("东门") is None and rules.label_problem("x" * 81) is not None


def test_registrar_rule_and_alert():
    green, red = Status("green", "未见异常", "normal"), Status("red", "集中观察", "observation")
    assert rules.may_register(green) and not rules.may_register(red)
    assert rules.may_register(NOT_AVAILABLE)  # the neutral placeholder does not block (documented gap)
    assert not NOT_AVAILABLE.normal and not NOT_AVAILABLE.alert  # and is never shown as green
    assert red.alert and Status("yellow", "居家观察", "home").alert and not green.alert


def test_scan_bounds_reach_back_one_longest_stay_and_its_partition_days() -> None:
    shanghai_1am = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # 30 Nov, 01:00 in Shanghai
    bounds = rules.scan_bounds(shanghai_1am, shanghai_1am + timedelta(hours=2))
    assert bounds.earliest == shanghai_1am - rules.MAX_STAY
    # earliest is 29 Nov 01:00 local: its day, with a day's margin, to the end's local day
    assert (bounds.first_day.isoformat(), bounds.last_day.isoformat()) == ("2026-11-28", "2026-11-30")
    late = rules.scan_bounds(shanghai_1am, datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert late.last_day.isoformat() == "2026-12-01"  # 00:30 on 1 Dec in Shanghai
