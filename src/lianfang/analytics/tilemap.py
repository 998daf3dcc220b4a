"""A schematic map of Beijing's 16 districts for the wall screen: one tile per district at its rough place
(north up), shaded by the new infections of the last 7 days. No map tiles or geometry are fetched or
shipped; a district whose code is not on the grid is still in the table below the map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lianfang.analytics.dashboard import Line

# GB/T 2260 county code → (column, row) on a 6 × 4 grid.
GRID: dict[str, tuple[int, int]] = {
    "110119": (1, 0),  # 延庆
    "110116": (3, 0),  # 怀柔
    "110118": (4, 0),  # 密云
    "110114": (2, 1),  # 昌平
    "110113": (4, 1),  # 顺义
    "110117": (5, 1),  # 平谷
    "110109": (0, 2),  # 门头沟
    "110108": (1, 2),  # 海淀
    "110102": (2, 2),  # 西城
    "110101": (3, 2),  # 东城
    "110105": (4, 2),  # 朝阳
    "110112": (5, 2),  # 通州
    "110111": (0, 3),  # 房山
    "110107": (1, 3),  # 石景山
    "110106": (2, 3),  # 丰台
    "110115": (3, 3),  # 大兴
}
TILE, GAP = 92, 6


@dataclass(frozen=True)
class Tile:
    place_id: int
    name: str
    count: int
    x: int
    y: int
    shade: float  # 0 (none) .. 1 (the most in the city)


def tiles(districts: Sequence[Line], last: int) -> list[Tile]:
    placed = [(d, GRID[d.place.code]) for d in districts if d.place.code in GRID]
    counts = {d.place.id: d.cases(last) for d, _cell in placed}
    top = max(counts.values(), default=0)
    return [
        Tile(
            d.place.id,
            d.place.name,
            counts[d.place.id],
            col * (TILE + GAP),
            row * (TILE + GAP),
            counts[d.place.id] / top if top else 0.0,
        )
        for d, (col, row) in placed
    ]


def size() -> tuple[int, int]:
    cols = max(c for c, _r in GRID.values()) + 1
    rows = max(r for _c, r in GRID.values()) + 1
    return cols * (TILE + GAP), rows * (TILE + GAP)
