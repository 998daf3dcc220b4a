"""Browsing the audit trail (auditors and administrators), scoped to the actor's jurisdiction."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.errors import invalid
from lianfang.core.web import render, staff_ctx
from lianfang.jurisdictions.repository import in_subtree

router = APIRouter()


def _day(raw: str, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.combine(date.fromisoformat(raw), time(0), tzinfo=SHANGHAI)
    except ValueError:
        raise invalid(field, "日期格式应为 YYYY-MM-DD", "dates are written YYYY-MM-DD") from None


def query_audit(
    ctx: Ctx,
    verb: str,
    subject_type: str,
    subject_id: str,
    actor: str,
    since: str,
    until: str,
    before_id: int | None,
    limit: int,
) -> list[AuditEntry]:
    ctx.actor.require("audit.read")
    assert ctx.actor.scope_path is not None
    query = select(AuditEntry)
    if ctx.actor.scope_path.count("/") > 2:
        # Below city level an auditor sees only entries about its own subtree.
        query = query.where(in_subtree(AuditEntry.jurisdiction_path, ctx.actor.scope_path))
    filters: dict[str, Any] = {
        "verb": verb,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "actor_label": actor,
    }
    for column, value in filters.items():
        if value:
            query = query.where(getattr(AuditEntry, column) == value.strip())
    start, end = _day(since, "since"), _day(until, "until")
    if start:
        query = query.where(AuditEntry.at >= start)
    if end:
        query = query.where(AuditEntry.at < end + timedelta(days=1))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(ctx.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request,
    verb: str = "",
    subject_type: str = "",
    subject_id: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    before: int | None = None,
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    size = ctx.settings.page_size
    rows = query_audit(ctx, verb, subject_type, subject_id, actor, since, until, before, size + 1)
    params = request.query_params.multi_items()
    keep = "&".join(f"{k}={v}" for k, v in params if k != "before")
    next_url = f"/audit?{keep}&before={rows[size - 1].id}" if len(rows) > size else None
    return render(
        request,
        "audit.html",
        rows=rows[:size],
        next_url=next_url,
        f={
            "verb": verb,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "actor": actor,
            "since": since,
            "until": until,
        },
    )
