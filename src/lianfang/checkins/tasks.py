"""The check-ins module's worker side and wiring: the partition and retention task (hourly), the
registrar status check (every five minutes), the reaction to venues closing, being sealed or reopening,
and the neutral status provider (the composition root may install another after this)."""

from __future__ import annotations

import logging

from lianfang.checkins.codes import service as codes
from lianfang.checkins.partitions.repository import drop_expired, ensure_scan_partitions
from lianfang.checkins.rules import oldest_day, partition_days
from lianfang.checkins.scans import ports as status
from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.jobs import Runtime
from lianfang.venues.events import VenueStatusChanged

log = logging.getLogger("lianfang.checkins")
PARTITION_SECONDS = 3600.0
REGISTRAR_SECONDS = 300.0


def maintain_partitions(ctx: Ctx) -> int:
    """Keep day partitions ready (yesterday … a week ahead) and delete the days past retention, logging
    and auditing each deleted day with its row count. Returns partitions created plus days deleted."""
    today = local_date(ctx.now)
    first, last = partition_days(today)
    days = ctx.settings.scan_retention_days
    keep = oldest_day(today, days)
    created = ensure_scan_partitions(ctx.session, max(first, keep), last)
    gone = drop_expired(ctx.session, keep)
    for expired in gone:
        log.info(
            "scans of %s deleted (%s rows, %s): retention %s days",
            expired.day,
            expired.rows,
            expired.method,
            days,
        )
        audit.record(
            ctx,
            "scans.retention",
            "scan_day",
            expired.day.isoformat(),
            None,
            day=expired.day.isoformat(),
            rows=expired.rows,
            method=expired.method,
            retention_days=days,
        )
    return len(created) + len(gone)


def register(runtime: Runtime) -> None:
    status.install(runtime, status.NEUTRAL)
    runtime.periodic["checkins.partitions"] = (PARTITION_SECONDS, maintain_partitions)
    runtime.periodic["checkins.registrars"] = (REGISTRAR_SECONDS, codes.check_registrars)
    runtime.bus.subscribe(VenueStatusChanged, codes.on_venue_status_changed)
