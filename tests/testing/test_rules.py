"""Testing rules: result validity by calendar day (RULES.md §4.4), modes, deadlines, parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lianfang.core.clock import SHANGHAI
from lianfang.testing import rules


def _bj(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2022, 5, day, hour, minute, tzinfo=SHANGHAI)


def test_48_hours_count_by_calendar_day_from_the_result_time():
    reported = _bj(10, 23, 30)  # day D, late evening
    assert rules.validity(reported, _bj(10, 23, 45)).days == 0
    assert rules.validity(reported, _bj(12, 23, 59)).valid  # D+2 still counts (more than 48 clock hours)
    late = rules.validity(reported, _bj(13, 0, 0))
    assert not late.valid and late.days == 3
    assert rules.validity(reported, _bj(10, 23, 45)).expires_at == _bj(13, 0).astimezone(UTC)


def test_72_hours_is_three_calendar_days_and_the_future_does_not_count():
    reported = _bj(10, 8)
    assert rules.validity(reported, _bj(13, 22), 72).valid
    assert not rules.validity(reported, _bj(14, 0), 72).valid
    assert not rules.validity(reported, _bj(9, 22)).valid
    with pytest.raises(ValueError, match="hours"):
        rules.validity(reported, reported, 36)


def test_days_follow_beijing_midnight_not_utc():
    reported = datetime(2022, 5, 10, 17, 0, tzinfo=UTC)  # 01:00 on the 11th in Beijing
    assert rules.validity(reported, datetime(2022, 5, 13, 15, 59, tzinfo=UTC)).valid  # 23:59 13th
    assert not rules.validity(reported, datetime(2022, 5, 13, 16, 0, tzinfo=UTC)).valid


def test_modes_and_deadline():
    assert rules.capacity_of("pool10") == 10 and rules.kind_of("single") == "single"
    assert rules.kind_of("household") == "pooled"
    areas = [("/1/2/", "pool20"), ("/1/2/3/", "single")]
    assert rules.mode_for("/1/2/3/4/", "pool10", areas) == "single"
    assert rules.mode_for("/1/2/5/", "pool10", areas) == "pool20"
    assert rules.mode_for("/1/9/", "pool10", areas) == "pool10"
    now = datetime(2022, 3, 22, 8, tzinfo=UTC)
    assert rules.default_deadline(now) == now + timedelta(hours=24)
    assert rules.round_problems(now, "", now, "pool7")[0].field == "name"
    assert len(rules.round_problems(now, "x", now, "pool7")) == 2


def test_result_words_and_barcodes():
    assert rules.parse_result("阳性") == "positive" and rules.parse_result(" Negative ") == "negative"
    assert rules.parse_result("maybe") is None
    assert rules.barcode_problem("AB12") is None and rules.barcode_problem("a b") is not None
