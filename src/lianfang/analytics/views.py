"""The command dashboard (态势研判): one view of the city (or a district) from pre-aggregated tables only.

Reads `analytics_daily` / `analytics_now` (this module's refresh), `testing_round_progress`,
`vaccination_coverage`, `command_board_counts` / `command_board_days` and the active risk areas (a short
list): a few thousand rows whatever the size of the city or the scans table. Rt is computed here from the
daily counts (numpy, a few milliseconds per district)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from lianfang.analytics import ports as panels
from lianfang.analytics import rules
from lianfang.analytics.models import AnalyticsDaily, AnalyticsNow, AnalyticsRefresh
from lianfang.analytics.rules import estimate_rt_parametric
from lianfang.command.models import BoardCount, BoardDay
from lianfang.command.rules import DIRECTIVE_KIND
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import NotFound
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree
from lianfang.testing.models import RoundProgress, TestingRound
from lianfang.travel.models import RiskArea
from lianfang.vaccination.models import VaccinationCoverage

READ = "analytics.read"


@dataclass(frozen=True)
class Rt:
    mean: float
    low: float
    high: float
    low_cases: bool
    trend: tuple[tuple[date, float, float, float], ...]  # (window end, mean, 2.5 %, 97.5 %)


@dataclass
class Line:
    """One district (or the whole scope: `place` is the home)."""

    place: Jurisdiction
    daily: dict[str, list[int]] = field(default_factory=dict)  # metric -> a value per day of `days`
    now: dict[str, int] = field(default_factory=dict)
    rt: Rt | None = None
    population: int = 0
    boosted: int = 0
    directives_open: int = 0
    directives_late: int = 0
    completed_today: int = 0
    due_today: int = 0

    def series(self, metric: str) -> list[int]:
        return self.daily.get(metric, [])

    def total(self, metric: str, last: int | None = None) -> int:
        values = self.series(metric)
        return sum(values[-last:] if last else values)

    def cases(self, last: int | None = None) -> int:
        return sum(self.total(m, last) for m in rules.CASE_METRICS)

    def share(self, numerator: str, denominator: int) -> float | None:
        return self.total(numerator) / denominator if denominator else None


@dataclass(frozen=True)
class RoundLine:
    id: int
    name: str
    expected: int
    sampled: int
    results_back: int
    positive_pools: int


@dataclass
class Dashboard:
    home: Jurisdiction
    days: list[date]
    shown: int  # the charts show the last `shown` days
    total: Line
    districts: list[Line]
    rounds: list[RoundLine]
    risk_areas: dict[str, int]
    refreshed_at: datetime | None
    panels: list[panels.Panel]


def _home(ctx: Ctx) -> Jurisdiction:
    ctx.actor.require(READ)
    home = ctx.session.get(Jurisdiction, ctx.actor.jurisdiction_id) if ctx.actor.jurisdiction_id else None
    if home is None:
        home = ctx.session.scalar(select(Jurisdiction).where(Jurisdiction.parent_id.is_(None)).limit(1))
    if home is None:
        raise NotFound("辖区", "jurisdiction")
    return home


def _rt(local: list[int], imported: list[int], days: list[date]) -> Rt | None:
    """The last window's posterior and the trend; windows that end before the first case are dropped
    (their posterior is only the prior)."""
    first = next((i for i, (a, b) in enumerate(zip(local, imported, strict=True)) if a or b), None)
    if first is None:
        return None
    start = max(0, min(first, len(days) - rules.WINDOW - 1))
    result = estimate_rt_parametric(local[start:], imported[start:], rules.SI_MEAN, rules.SI_SD, rules.WINDOW)
    windows = [w for w in result.windows if start + w.t_end - 1 > first]
    if not windows:
        return None
    trend = tuple(
        (days[start + w.t_end - 1], w.mean, w.quantiles[0.025], w.quantiles[0.975]) for w in windows
    )
    last = windows[-1]
    return Rt(last.mean, last.quantiles[0.025], last.quantiles[0.975], result.low_case_warning, trend)


def _fill_daily(ctx: Ctx, lines: dict[str, Line], total: Line, days: list[date], scope: str) -> None:
    index = {d: i for i, d in enumerate(days)}
    rows = ctx.session.execute(
        select(
            AnalyticsDaily.district_path, AnalyticsDaily.day, AnalyticsDaily.metric, AnalyticsDaily.value
        ).where(in_subtree(AnalyticsDaily.district_path, scope), AnalyticsDaily.day >= days[0])
    )
    for path, day, metric, value in rows:
        i = index.get(day)
        if i is None:
            continue
        for line in (lines.get(path), total):
            if line is not None:
                line.daily.setdefault(metric, [0] * len(days))[i] += value
    for line in (*lines.values(), total):
        for metric in rules.ALL_DAILY:
            line.daily.setdefault(metric, [0] * len(days))
        local = [a + b for a, b in zip(line.series(rules.LOCAL[0]), line.series(rules.LOCAL[1]), strict=True)]
        imported = [
            a + b for a, b in zip(line.series(rules.IMPORTED[0]), line.series(rules.IMPORTED[1]), strict=True)
        ]
        line.rt = _rt(local, imported, days)


def _fill_now(ctx: Ctx, lines: dict[str, Line], total: Line, scope: str) -> None:
    rows = ctx.session.execute(
        select(AnalyticsNow.district_path, AnalyticsNow.metric, AnalyticsNow.value).where(
            in_subtree(AnalyticsNow.district_path, scope)
        )
    )
    for path, metric, value in rows:
        for line in (lines.get(path), total):
            if line is not None:
                line.now[metric] = line.now.get(metric, 0) + value


def _fill_others(ctx: Ctx, lines: dict[str, Line], total: Line, today: date) -> None:
    s = ctx.session
    ids = {line.place.id: line for line in (*lines.values(), total)}
    coverage = select(VaccinationCoverage).where(VaccinationCoverage.jurisdiction_id.in_(list(ids)))
    for row in s.scalars(coverage):
        line = ids[row.jurisdiction_id]
        line.population += row.population
        line.boosted += row.boosted
    keys = {line.place.path: line for line in (*lines.values(), total)}
    counts = select(BoardCount).where(
        BoardCount.key_type == "district", BoardCount.key.in_(list(keys)), BoardCount.kind == DIRECTIVE_KIND
    )
    for count in s.scalars(counts):
        for line in {id(x): x for x in (keys[count.key], total)}.values():
            line.directives_open += count.open
            line.directives_late += count.late
    board_days = select(BoardDay).where(
        BoardDay.key_type == "district", BoardDay.key.in_(list(keys)), BoardDay.day == today
    )
    for day in s.scalars(board_days):
        for line in {id(x): x for x in (keys[day.key], total)}.values():
            line.due_today += day.due
            line.completed_today += day.completed


def _rounds(ctx: Ctx, scope: str) -> list[RoundLine]:
    p = RoundProgress
    query = (
        select(TestingRound.id, TestingRound.name, func.sum(p.expected), func.sum(p.sampled))
        .add_columns(func.sum(p.results_back), func.sum(p.positive_pools))
        .join(p, p.round_id == TestingRound.id)
        .where(TestingRound.status == "open", in_subtree(p.jurisdiction_path, scope))
        .group_by(TestingRound.id, TestingRound.name)
        .order_by(TestingRound.id.desc())
        .limit(rules.ROUNDS_SHOWN)
    )
    return [RoundLine(row[0], row[1], *(int(v or 0) for v in row[2:])) for row in ctx.session.execute(query)]


def _risk_areas(ctx: Ctx) -> dict[str, int]:
    query = (
        select(RiskArea.level, func.count())
        .where(RiskArea.active.is_(True), RiskArea.inside_city.is_(True))
        .group_by(RiskArea.level)
    )
    return {level: int(n) for level, n in ctx.session.execute(query)}


def dashboard(ctx: Ctx, days: int = rules.SHOWN_DAYS) -> Dashboard:
    home = _home(ctx)
    today = local_date(ctx.now)
    span = max(days, rules.RT_DAYS)
    day_list = [today - timedelta(days=span - 1 - n) for n in range(span)]
    query = select(Jurisdiction).where(
        Jurisdiction.level == "district", Jurisdiction.id != home.id, in_subtree(Jurisdiction.path, home.path)
    )
    lines = {d.path: Line(d) for d in ctx.session.scalars(query.order_by(Jurisdiction.code))}
    total = Line(home)
    _fill_daily(ctx, lines, total, day_list, home.path)
    _fill_now(ctx, lines, total, home.path)
    _fill_others(ctx, lines, total, today)
    mark = ctx.session.get(AnalyticsRefresh, 1)
    return Dashboard(
        home=home,
        days=day_list,
        shown=days,
        total=total,
        districts=list(lines.values()),
        rounds=_rounds(ctx, home.path),
        risk_areas=_risk_areas(ctx),
        refreshed_at=mark.at if mark else None,
        panels=panels.panels(ctx),
    )
