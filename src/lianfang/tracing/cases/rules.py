"""Validation of case facts and interview entries (pure; the vocabularies live in `rules`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from lianfang.core.errors import Problem
from lianfang.tracing.rules import CLASSIFICATIONS, FOUND_BY, SOURCES, TRANSPORT_MODES


def case_problems(
    classification: str,
    found_by: str,
    source: str,
    onset_at: datetime | None,
    sampled_at: datetime | None,
    isolated_at: datetime | None,
    now: datetime,
) -> list[Problem]:
    problems: list[Problem] = []
    if classification not in CLASSIFICATIONS:
        problems.append(Problem("classification", "病例分类无效", "classification: confirmed | asymptomatic"))
    if found_by not in FOUND_BY:
        problems.append(Problem("found_by", "发现途径无效", "found_by: " + " | ".join(FOUND_BY)))
    if source not in SOURCES:
        problems.append(Problem("source", "来源无效", "source: local | imported | unknown"))
    if onset_at is None and sampled_at is None:
        problems.append(
            Problem(
                "onset_at",
                "请填写发病时间或首次阳性采样时间",
                "give the onset or the first positive sampling time",
            )
        )
    if classification == "asymptomatic" and sampled_at is None:
        problems.append(
            Problem(
                "sampled_at", "无症状感染者须填写阳性采样时间", "an asymptomatic case needs its sampling time"
            )
        )
    for name, value in (("onset_at", onset_at), ("sampled_at", sampled_at), ("isolated_at", isolated_at)):
        if value is not None and value.tzinfo is None:
            problems.append(Problem(name, "时间须带时区", "times need a time zone"))
        elif value is not None and value > now + timedelta(minutes=10):
            problems.append(Problem(name, "时间晚于当前时间", "the time is in the future"))
    return problems


def exposure_problems(
    kind: str,
    started_at: datetime,
    ended_at: datetime,
    place: str,
    venue_id: int | None,
    mode: str | None,
    number: str | None,
    window_start: datetime,
) -> list[Problem]:
    problems: list[Problem] = []
    if kind not in ("place", "transport"):
        problems.append(Problem("kind", "类型须为地点或交通", "kind: place | transport"))
    if started_at.tzinfo is None or ended_at.tzinfo is None:
        return [*problems, Problem("started_at", "时间须带时区", "times need a time zone")]
    if ended_at <= started_at:
        problems.append(Problem("ended_at", "结束时间须晚于开始时间", "the end must be after the start"))
    if ended_at - started_at > timedelta(hours=48):
        problems.append(Problem("ended_at", "一条记录最长48小时", "one entry lasts at most 48 hours"))
    if ended_at <= window_start:
        problems.append(Problem("started_at", "记录早于追溯期", "the entry ends before the look-back window"))
    if kind == "place" and venue_id is None and not place.strip():
        problems.append(Problem("place", "请选择场所或填写地点", "choose a venue or name the place"))
    if kind == "transport":
        if mode not in TRANSPORT_MODES:
            problems.append(
                Problem("transport_mode", "交通方式无效", "transport_mode: " + " | ".join(TRANSPORT_MODES))
            )
        if not (number or "").strip():
            problems.append(Problem("transport_number", "请填写航班/车次", "give the flight or train number"))
    if len(place) > 200:
        problems.append(Problem("place", "地点最多200字", "the place has at most 200 characters"))
    return problems
