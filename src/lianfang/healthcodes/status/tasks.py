"""The 24:00 pass (RULES.md §4.3: 弹窗状态每日24时更新; §4.2: the result is valid until 24:00): every stored
status whose facts change by date on or before today is derived again. A state scan, not a timer: it runs
every minute, finds nothing until midnight, and after downtime catches up on the first run.

Rows whose every fact is over by today (`clears_on`) are cleared set-based first, without deriving. The
rest are derived from the facts stored on the row (the facts in force or pending when the person was last
derived from the sources); every change to a source fact re-derives the person from the sources at once,
so nothing but the date can have changed since."""

from __future__ import annotations

from sqlalchemy import select

from lianfang.checkins.codes import service as codes
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.healthcodes.models import HealthStatus
from lianfang.healthcodes.status import repository, service

CHUNK = 5_000
CAUSE = "nightly pass 24:00"


def run_pass(ctx: Ctx) -> int:
    """Re-derive everyone due today from their stored facts; returns how many people were processed."""
    today = local_date(ctx.now)
    h = HealthStatus
    done, holders = repository.clear_ended(ctx.session, today, ctx.now, CAUSE, ctx.actor.label[:120])
    for pid in holders:
        codes.set_registrar_state(ctx, pid, allowed=True)
    after = 0
    while True:
        rows = ctx.session.execute(
            select(h.person_id, h.jurisdiction_path, h.colour, h.popups, h.changed_at, h.facts)
            .where(h.next_change_on <= today, h.person_id > after)
            .order_by(h.person_id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return done
        writes = service.Writes()
        for pid, path, colour, popups, changed_at, stored in rows:
            found = service.facts_from_json(stored)
            service.apply(
                ctx, writes, pid, path, service.Current(colour, popups, changed_at), found, (), CAUSE
            )
        writes.flush(ctx.session)
        done += len(rows)
        after = rows[-1][0]
