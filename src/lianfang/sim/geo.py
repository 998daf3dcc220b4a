"""Beijing's 16 districts (real names, GB/T 2260 codes, 2020 census population and land area) and synthetic,
non-overlapping rectangular boundaries: a hand-made tiling of a bounding box around Beijing puts every
district roughly where it is; districts are then tiled into streets and streets into communities.
Boundaries are GeoJSON polygons (closed rings, lon/lat, counter-clockwise)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from lianfang.sim._arrays import F64, Rng

BBOX = (115.4, 39.4, 117.5, 41.1)  # lon_min, lat_min, lon_max, lat_max
CITY_CODE = "110000"
CITY_NAME = ("北京市", "Beijing")


@dataclass(frozen=True)
class DistrictInfo:
    code: str
    name: str
    name_en: str
    population_10k: float  # 2020 census (第七次全国人口普查), 10,000 persons
    area_km2: float  # real land area (for reference; the synthetic boxes are only roughly proportional)
    box: tuple[float, float, float, float]  # synthetic boundary: lon_min, lat_min, lon_max, lat_max
    urban_share: float  # share of streets that are 街道 (with 社区) rather than 乡镇 (with 村)
    job_attraction: float  # jobs per resident relative to the city average (commuting destination weight)
    has_metro: bool


# The boxes tile BBOX exactly, each district roughly where it is on a real map (core districts in the
# middle, 延庆/怀柔/密云 along the north, 房山/大兴 in the south, 通州/平谷 to the east).
DISTRICTS: tuple[DistrictInfo, ...] = (
    DistrictInfo("110101", "东城区", "Dongcheng", 70.9, 41.8, (116.34, 39.86, 116.46, 39.93), 1.0, 2.2, True),
    DistrictInfo("110102", "西城区", "Xicheng", 110.6, 50.5, (116.20, 39.86, 116.34, 39.93), 1.0, 2.4, True),
    DistrictInfo(
        "110105", "朝阳区", "Chaoyang", 345.2, 470.8, (116.46, 39.75, 116.75, 40.05), 0.9, 1.4, True
    ),
    DistrictInfo("110106", "丰台区", "Fengtai", 201.9, 305.8, (115.95, 39.75, 116.46, 39.86), 0.8, 0.9, True),
    DistrictInfo(
        "110107", "石景山区", "Shijingshan", 56.8, 84.3, (115.95, 39.86, 116.20, 40.05), 1.0, 0.9, True
    ),
    DistrictInfo("110108", "海淀区", "Haidian", 313.3, 430.8, (116.20, 39.93, 116.46, 40.05), 0.8, 1.5, True),
    DistrictInfo(
        "110109", "门头沟区", "Mentougou", 39.3, 1447.9, (115.40, 39.75, 115.95, 40.35), 0.3, 0.6, True
    ),
    DistrictInfo(
        "110111", "房山区", "Fangshan", 131.3, 1989.5, (115.40, 39.40, 116.15, 39.75), 0.3, 0.6, True
    ),
    DistrictInfo(
        "110112", "通州区", "Tongzhou", 184.0, 906.3, (116.75, 39.40, 117.50, 40.05), 0.4, 0.8, True
    ),
    DistrictInfo("110113", "顺义区", "Shunyi", 132.4, 1019.9, (116.50, 40.05, 117.00, 40.35), 0.3, 0.9, True),
    DistrictInfo(
        "110114", "昌平区", "Changping", 226.9, 1343.5, (115.95, 40.05, 116.50, 40.35), 0.4, 0.7, True
    ),
    DistrictInfo("110115", "大兴区", "Daxing", 199.4, 1036.3, (116.15, 39.40, 116.75, 39.75), 0.4, 0.8, True),
    DistrictInfo(
        "110116", "怀柔区", "Huairou", 44.1, 2122.6, (116.20, 40.35, 116.80, 41.10), 0.2, 0.6, False
    ),
    DistrictInfo("110117", "平谷区", "Pinggu", 45.7, 950.1, (117.00, 40.05, 117.50, 40.35), 0.2, 0.6, False),
    DistrictInfo("110118", "密云区", "Miyun", 52.8, 2229.5, (116.80, 40.35, 117.50, 41.10), 0.2, 0.6, False),
    DistrictInfo(
        "110119", "延庆区", "Yanqing", 34.6, 1994.9, (115.40, 40.35, 116.20, 41.10), 0.2, 0.6, False
    ),
)


def population_shares() -> F64:
    pop = np.array([d.population_10k for d in DISTRICTS], dtype=np.float64)
    return np.asarray(pop / pop.sum(), dtype=np.float64)


def district_boxes() -> F64:
    """(16, 4) lon_min, lat_min, lon_max, lat_max; a partition of BBOX."""
    return np.array([d.box for d in DISTRICTS], dtype=np.float64)


def tile(box: F64, n: int, rng: Rng) -> F64:
    """Partition one rectangle into n rectangles: ceil(sqrt(n)) columns of near-equal cell counts, cut at
    slightly jittered positions so the map does not look like graph paper."""
    x0, y0, x1, y1 = (float(v) for v in box)
    cols = int(np.ceil(np.sqrt(n)))
    per_col = np.full(cols, n // cols)
    per_col[: n % cols] += 1
    per_col = per_col[per_col > 0]
    col_w = per_col / per_col.sum() * rng.uniform(0.8, 1.2, per_col.shape[0])
    xs = x0 + (x1 - x0) * np.concatenate([[0.0], np.cumsum(col_w) / col_w.sum()])
    rects: list[tuple[float, float, float, float]] = []
    for c, rows in enumerate(per_col):
        row_h = rng.uniform(0.8, 1.2, int(rows))
        ys = y0 + (y1 - y0) * np.concatenate([[0.0], np.cumsum(row_h) / row_h.sum()])
        rects.extend(
            (float(xs[c]), float(ys[r]), float(xs[c + 1]), float(ys[r + 1])) for r in range(int(rows))
        )
    return np.array(rects, dtype=np.float64).reshape(-1, 4)


def polygon(box: F64 | tuple[float, float, float, float]) -> dict[str, Any]:
    """GeoJSON Polygon of a rectangle (exterior ring counter-clockwise, first point repeated)."""
    x0, y0, x1, y1 = (round(float(v), 6) for v in box)
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def polygon_json(box: F64 | tuple[float, float, float, float]) -> str:
    return json.dumps(polygon(box), separators=(",", ":"))


def feature_collection(boxes: F64, properties: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": polygon(box), "properties": props}
            for box, props in zip(boxes, properties, strict=True)
        ],
    }
