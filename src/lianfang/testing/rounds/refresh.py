"""Round progress per community, pre-aggregated: a refresh runs three GROUP BY queries over the round's
samples and tubes (on indexes that start with round_id) and writes one row per community; pages read the
rows of a subtree and sum them per child jurisdiction, so a city-wide view reads a few thousand rows.
Refreshed every minute for open rounds (tasks.py) and on demand."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.testing import repository
from lianfang.testing.models import RoundProgress, Sample, SamplingSite, TestingRound, Tube, TubeResult

IN_TRANSIT = ("closed", "shipped", "received")


def _seconds(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def refresh(ctx: Ctx, round_id: int) -> int:
    """Recompute one round's progress rows; returns the number of communities."""
    session = ctx.session
    stats: dict[int, dict[str, Any]] = defaultdict(dict)
    sampled = session.execute(
        select(Sample.community_id, Sample.jurisdiction_path, func.count(func.distinct(Sample.person_id)))
        .where(Sample.round_id == round_id)
        .group_by(Sample.community_id, Sample.jurisdiction_path)
    )
    for cid, path, n in sampled:
        stats[cid].update(path=path, sampled=int(n))
    back = session.execute(
        select(
            Sample.community_id,
            Sample.jurisdiction_path,
            func.count(),
            func.sum(_seconds(session, TubeResult.reported_at, Sample.sampled_at)),
        )
        .join(TubeResult, TubeResult.tube_id == Sample.tube_id)
        .where(Sample.round_id == round_id)
        .group_by(Sample.community_id, Sample.jurisdiction_path)
    )
    for cid, path, n, seconds in back:
        stats[cid].update(path=path, results_back=int(n), turnaround_seconds=int(seconds or 0))
    tubes = session.execute(
        select(
            SamplingSite.jurisdiction_id,
            SamplingSite.jurisdiction_path,
            func.sum(case((Tube.status == "open", 1), else_=0)),
            func.sum(case((Tube.status.in_(IN_TRANSIT) & TubeResult.tube_id.is_(None), 1), else_=0)),
            func.sum(case(((TubeResult.result == "positive") & (Tube.kind == "pooled"), 1), else_=0)),
        )
        .join(SamplingSite, SamplingSite.id == Tube.site_id)
        .outerjoin(TubeResult, TubeResult.tube_id == Tube.id)
        .where(Tube.round_id == round_id)
        .group_by(SamplingSite.jurisdiction_id, SamplingSite.jurisdiction_path)
    )
    for cid, path, open_, transit, positive in tubes:
        stats[cid].update(
            path=path,
            tubes_open=int(open_ or 0),
            tubes_in_transit=int(transit or 0),
            positive_pools=int(positive or 0),
        )
    rows = {
        r.community_id: r
        for r in session.scalars(select(RoundProgress).where(RoundProgress.round_id == round_id))
    }
    names = (
        "sampled",
        "tubes_open",
        "tubes_in_transit",
        "results_back",
        "positive_pools",
        "turnaround_seconds",
    )
    for cid in set(rows) | set(stats):
        row = rows.get(cid)
        if row is None:
            row = RoundProgress(
                round_id=round_id, community_id=cid, jurisdiction_path=stats[cid]["path"], expected=0
            )
            session.add(row)
        for name in names:
            setattr(row, name, stats.get(cid, {}).get(name, 0))
        row.refreshed_at = ctx.now
    item = session.get(TestingRound, round_id)
    if item is not None:
        item.progress_at = ctx.now
    session.flush()
    return len(set(rows) | set(stats))


def refresh_open_rounds(ctx: Ctx) -> int:
    ids = list(ctx.session.scalars(select(TestingRound.id).where(TestingRound.status == "open")))
    for round_id in ids:
        refresh(ctx, round_id)
    return len(ids)


@dataclass
class Tally:
    jurisdiction: Jurisdiction | None
    path: str
    expected: int = 0
    sampled: int = 0
    tubes_open: int = 0
    tubes_in_transit: int = 0
    results_back: int = 0
    positive_pools: int = 0
    turnaround_seconds: int = 0
    communities: list[int] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.sampled / self.expected if self.expected else 0.0

    @property
    def turnaround_hours(self) -> float | None:
        return self.turnaround_seconds / 3600.0 / self.results_back if self.results_back else None

    def add(self, row: RoundProgress) -> None:
        for name in (
            "expected",
            "sampled",
            "tubes_open",
            "tubes_in_transit",
            "results_back",
            "positive_pools",
        ):
            setattr(self, name, getattr(self, name) + getattr(row, name))
        self.turnaround_seconds += row.turnaround_seconds
        self.communities.append(row.community_id)


def breakdown(session: Session, round_id: int, place: Jurisdiction) -> tuple[Tally, list[Tally]]:
    """The totals under `place` and one tally per child jurisdiction (or per community at the bottom)."""
    rows = repository.progress_rows(session, round_id, place.path)
    total = Tally(place, place.path)
    kids = {c.path: Tally(c, c.path) for c in repository.children(session, place.id)}
    for row in rows:
        total.add(row)
        for path, tally in kids.items():
            if row.jurisdiction_path.startswith(path):
                tally.add(row)
                break
    return total, [t for t in kids.values() if t.expected or t.sampled or t.tubes_open or t.tubes_in_transit]
