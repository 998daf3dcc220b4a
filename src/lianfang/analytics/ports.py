"""Dashboard panels contributed by modules that analytics may not import (its siblings, e.g. supply).

The composition root (`app.build_runtime`) installs them; analytics only knows their shape (these
protocols: any frozen dataclass with the same fields fits). A source returns None when the actor may
not see its panel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from lianfang.core.context import Ctx


class Figure(Protocol):
    @property
    def zh(self) -> str: ...
    @property
    def en(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def href(self) -> str: ...
    @property
    def alert(self) -> bool: ...


class Panel(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def zh(self) -> str: ...
    @property
    def en(self) -> str: ...
    @property
    def href(self) -> str: ...
    @property
    def figures(self) -> Sequence[Figure]: ...


PanelSource = Callable[[Ctx], Panel | None]
SOURCES: dict[str, PanelSource] = {}


def install(key: str, source: PanelSource) -> None:
    SOURCES[key] = source


def panels(ctx: Ctx) -> list[Panel]:
    found = [source(ctx) for source in SOURCES.values()]
    return [p for p in found if p is not None]


def as_dict(panel: Panel) -> dict[str, object]:
    figures = [
        {"zh": f.zh, "en": f.en, "value": f.value, "href": f.href, "alert": f.alert} for f in panel.figures
    ]
    return {"key": panel.key, "zh": panel.zh, "en": panel.en, "href": panel.href, "figures": figures}
