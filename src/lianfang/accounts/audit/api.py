"""The audit trail as JSON, scoped like its page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from lianfang.accounts.audit.pages import query_audit
from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx

router = APIRouter()


@router.get("/api/audit", tags=["audit"])
def audit_api(
    verb: str = "",
    subject_type: str = "",
    subject_id: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    before: int | None = None,
    limit: int = 100,
    ctx: Ctx = Depends(staff_ctx),
) -> dict[str, Any]:
    limit = max(1, min(limit, 1000))
    rows = query_audit(ctx, verb, subject_type, subject_id, actor, since, until, before, limit + 1)
    items = [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "actor": r.actor_label,
            "actor_kind": r.actor_kind,
            "verb": r.verb,
            "subject_type": r.subject_type,
            "subject_id": r.subject_id,
            "jurisdiction_path": r.jurisdiction_path,
            "detail": r.detail,
        }
        for r in rows[:limit]
    ]
    return {"items": items, "next_before": items[-1]["id"] if len(rows) > limit else None}
