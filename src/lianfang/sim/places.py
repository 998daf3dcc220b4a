"""The jurisdiction tree of a synthetic city: 北京市 → 16 districts → streets → communities, merged by code
into what the database holds. Codes are hierarchical (a community code starts with its street's), so an
existing code keeps its id and path — staff accounts and work items attached to it stay valid — and only
its names and boundary are refreshed; new codes get ids in bulk and their materialised paths
(`/root/district/street/community/`) computed without a read-back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import bindparam, select

from lianfang.jurisdictions.models import Jurisdiction
from lianfang.sim import geo
from lianfang.sim._arrays import F64, I64, U
from lianfang.sim.bulk import BulkWriter, Col, table_of
from lianfang.sim.tables import City


class TreeConflict(Exception):
    """The database's tree disagrees with the generated one (another root, a code under another parent)."""


@dataclass(frozen=True)
class Placed:
    community_id: I64
    community_path: U
    created: int
    refreshed: int


@dataclass
class _Level:
    level: str
    code: list[str]
    name: list[str]
    name_en: list[str]
    parent: list[int]  # index into the level above (0 for districts: the root)
    boxes: list[tuple[float, float, float, float]]


def _levels(city: City) -> list[_Level]:
    d, s, c = city.districts, city.streets, city.communities

    def boxes(b: F64) -> list[tuple[float, float, float, float]]:
        return [(float(r[0]), float(r[1]), float(r[2]), float(r[3])) for r in b.tolist()]

    return [
        _Level("city", [geo.CITY_CODE], [geo.CITY_NAME[0]], [geo.CITY_NAME[1]], [-1], [geo.BBOX]),
        _Level("district", d.code.tolist(), d.name.tolist(), d.name_en.tolist(), [0] * len(d), boxes(d.box)),
        _Level("street", s.code.tolist(), s.name.tolist(), [""] * len(s), s.district.tolist(), boxes(s.box)),
        _Level("community", c.code.tolist(), c.name.tolist(), [""] * len(c), c.street.tolist(), boxes(c.box)),
    ]


def place_city(writer: BulkWriter, city: City) -> Placed:
    session = writer.session
    rows = session.execute(
        select(Jurisdiction.id, Jurisdiction.code, Jurisdiction.path, Jurisdiction.parent_id)
    )
    existing = {code: (int(i), str(path), pid) for i, code, path, pid in rows}
    roots = [code for code, (_i, _p, pid) in existing.items() if pid is None]
    if roots and geo.CITY_CODE not in roots:
        msg = f"the tree's root is {roots[0]}, not 北京市 {geo.CITY_CODE}: load into another database"
        raise TreeConflict(msg)
    next_id = writer.next_id("jurisdictions")
    new: dict[str, list[object]] = {
        k: [] for k in ("id", "code", "name", "name_en", "level", "parent", "path")
    }
    new["geometry"] = []
    refresh: list[dict[str, object]] = []
    above_ids: list[int] = []
    above_paths: list[str] = []
    for lv in _levels(city):
        ids, paths = [], []
        for code, name, name_en, parent, box in zip(
            lv.code, lv.name, lv.name_en, lv.parent, lv.boxes, strict=True
        ):
            parent_id = above_ids[parent] if parent >= 0 else None
            shape = geo.polygon_json(box)
            if code in existing:
                jid, path, pid = existing[code]
                if pid != parent_id:
                    msg = f"jurisdiction {code} exists under another parent (id {pid}, expected {parent_id})"
                    raise TreeConflict(msg)
                refresh.append({"jid": jid, "n": name, "e": name_en, "g": shape})
            else:
                jid, next_id = next_id, next_id + 1
                path = f"{above_paths[parent] if parent >= 0 else '/'}{jid}/"
                for key, value in zip(
                    ("id", "code", "name", "name_en", "level", "parent", "path", "geometry"),
                    (jid, code, name, name_en, lv.level, parent_id or 0, path, shape),
                    strict=True,
                ):
                    new[key].append(value)
            ids.append(jid)
            paths.append(path)
        above_ids, above_paths = ids, paths
    count = len(new["id"])
    parent_ids = np.array(new["parent"], dtype=np.int64)
    table = table_of(Jurisdiction)
    writer.write(
        table,
        [
            Col("id", "int4", np.array(new["id"], dtype=np.int64)),
            Col("code", "text", np.array(new["code"], dtype=np.str_)),
            Col("name", "text", np.array(new["name"], dtype=np.str_)),
            Col("name_en", "text", np.array(new["name_en"], dtype=np.str_)),
            Col("level", "text", np.array(new["level"], dtype=np.str_)),
            Col("parent_id", "int4", parent_ids, null=parent_ids == 0),
            Col("path", "text", np.array(new["path"], dtype=np.str_)),
            Col("active", "bool", np.ones(count, dtype=bool)),
            Col("geometry", "text", np.array(new["geometry"], dtype=np.str_)),
        ],
    )
    if refresh:
        session.execute(
            table.update()
            .where(table.c.id == bindparam("jid"))
            .values(name=bindparam("n"), name_en=bindparam("e"), geometry=bindparam("g")),
            refresh,
        )
    writer.sync_sequence("jurisdictions")
    return Placed(
        np.array(above_ids, dtype=np.int64), np.array(above_paths, dtype=np.str_), count, len(refresh)
    )
