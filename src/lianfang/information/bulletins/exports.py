"""A bulletin's figures as CSV or Excel (one audit row per export)."""

from __future__ import annotations

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.tabular import write_table
from lianfang.information.bulletins import service as bulletins
from lianfang.information.bulletins import views as figures

FIGURE_COLUMNS = ("key", "label_zh", "label_en", "value")


def export_figures(ctx: Ctx, bulletin_id: int, fmt: str) -> tuple[bytes, str]:
    item = bulletins.access_bulletin(ctx, bulletin_id)
    body = write_table(fmt, FIGURE_COLUMNS, [list(r) for r in figures.rows(item.figures)], "figures")
    audit.record(
        ctx, "information.bulletin.export", "information_bulletin", item.id, item.jurisdiction_path, fmt=fmt
    )
    return body, f"bulletin-{item.day.isoformat()}-v{item.version}"
