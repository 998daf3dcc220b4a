"""Export of a subtree in the same columns the importer reads, so a file can round-trip."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lianfang.core.tabular import write_table
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.jurisdictions.repository import in_subtree

COLUMNS = ("code", "name", "level", "parent_code", "name_en", "active")


def export_subtree(session: Session, prefix: str, fmt: str) -> bytes:
    parent = aliased(Jurisdiction)
    rows = session.execute(
        select(
            Jurisdiction.code,
            Jurisdiction.name,
            Jurisdiction.level,
            parent.code,
            Jurisdiction.name_en,
            Jurisdiction.active,
        )
        .outerjoin(parent, parent.id == Jurisdiction.parent_id)
        .where(in_subtree(Jurisdiction.path, prefix))
        .order_by(Jurisdiction.path)
    )
    data = ([c, n, lvl, p or "", en, "1" if a else "0"] for c, n, lvl, p, en, a in rows)
    return write_table(fmt, COLUMNS, data, "jurisdictions")
