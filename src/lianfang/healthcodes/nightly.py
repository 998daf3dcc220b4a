"""The 24:00 pass (RULES.md §4.3: 弹窗状态每日24时更新; §4.2: the result is valid until 24:00): every stored
status whose facts change by date on or before today is derived again. A state scan, not a timer: it runs
every minute, finds nothing until midnight, and after downtime catches up on the first run."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.healthcodes import service
from lianfang.healthcodes.models import HealthStatus

CHUNK = 20_000


def run_pass(ctx: Ctx) -> int:
    """Re-derive everyone due today; returns how many people were processed."""
    today = local_date(ctx.now)
    done = 0
    after = 0
    while True:
        ids = list(
            ctx.session.scalars(
                select(HealthStatus.person_id)
                .where(HealthStatus.next_change_on <= today, HealthStatus.person_id > after)
                .order_by(HealthStatus.person_id)
                .limit(CHUNK)
            )
        )
        if not ids:
            return done
        service.refresh(ctx, ids, "nightly pass 24:00")
        done += len(ids)
        after = ids[-1]
