"""Helpers shared by the command pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from lianfang.assignments import rules as assignment_rules
from lianfang.command import rules
from lianfang.core.clock import SHANGHAI
from lianfang.core.errors import Invalid, Problem
from lianfang.core.web import render


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """render() with the names every command page shows."""
    names = {
        "body_kinds": rules.BODY_KINDS,
        "force_kinds": rules.FORCE_KINDS,
        "parties": rules.RESPONSIBILITY_PARTIES,
        "state_names": assignment_rules.STATE_NAMES,
    }
    return render(request, f"command/{template}", status_code, **names, **context)


def parse_local(raw: str, field: str) -> datetime | None:
    """A datetime-local form value read as Asia/Shanghai; None when empty."""
    if not raw.strip():
        return None
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise Invalid([Problem(field, "时间格式无效", "not a valid date and time")]) from None


def int_or_none(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None
