"""Levels of the tree and which level may sit under which (administrative hierarchy of a municipality)."""

from __future__ import annotations

LEVELS = ("city", "district", "street", "community")
LEVEL_NAMES = {
    "city": ("市", "City"),
    "district": ("区", "District"),
    "street": ("街道/乡镇", "Street / town"),
    "community": ("社区/村", "Community / village"),
}
LEVEL_ALIASES = {
    "市": "city",
    "city": "city",
    "区": "district",
    "district": "district",
    "区县": "district",
    "街道": "street",
    "乡镇": "street",
    "街乡镇": "street",
    "街道/乡镇": "street",
    "street": "street",
    "town": "street",
    "社区": "community",
    "村": "community",
    "社区/村": "community",
    "community": "community",
    "village": "community",
}


def parent_level(level: str) -> str | None:
    index = LEVELS.index(level)
    return LEVELS[index - 1] if index > 0 else None


def normalise_level(raw: str) -> str | None:
    return LEVEL_ALIASES.get(raw.strip().lower() if raw.isascii() else raw.strip())
