"""Dashboard panels contributed by modules that analytics may not import (its siblings, e.g. supply).

The composition root (`app.build_runtime`) installs them; analytics only knows this shape. A panel
returns None when the actor may not see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lianfang.core.context import Ctx


@dataclass(frozen=True)
class Figure:
    zh: str
    en: str
    value: str
    href: str
    alert: bool = False


@dataclass(frozen=True)
class Panel:
    key: str
    zh: str
    en: str
    href: str
    figures: tuple[Figure, ...]


PanelSource = Callable[[Ctx], Panel | None]
SOURCES: dict[str, PanelSource] = {}


def install(key: str, source: PanelSource) -> None:
    SOURCES[key] = source


def panels(ctx: Ctx) -> list[Panel]:
    found = [source(ctx) for source in SOURCES.values()]
    return [p for p in found if p is not None]
