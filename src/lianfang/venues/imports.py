"""Importing venues. Import rows match registered venues by (community, name, address), so re-running a
file creates nothing new; every valid row is applied in the request's one transaction and every
invalid row is reported with its row number and field. New venues get a fresh code.

The operating unit is not part of the file: venues sit beside units and do not read them; it is set
per venue (unit_id) in the API and pages."""

from __future__ import annotations

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Problem
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.venues import repository
from lianfang.venues.access import IMPORT, WRITE
from lianfang.venues.events import VenuesImported
from lianfang.venues.rules import normalise_kind
from lianfang.venues.service import VenueInput, fresh_code, insert_venue, venue_problems

COLUMNS = ("name", "kind", "community_code")


def _capacity(raw: str, row: int) -> tuple[int | None, Problem | None]:
    if not raw:
        return None, None
    try:
        return int(raw), None
    except ValueError:
        return None, Problem(
            "capacity", f"容量“{raw}”不是整数", f"capacity {raw!r} is not a whole number", row
        )


def import_venues(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    """Rows (name, kind, community_code[, address, capacity]); a known venue is updated when its kind or
    capacity differ; an empty capacity keeps the registered one."""
    ctx.actor.require(IMPORT)
    ctx.actor.require(WRITE)
    rows: list[Row] = read_table(filename, content, COLUMNS)
    report = ImportReport(dry_run=dry_run, problems=[])
    problems: list[Problem] = []
    communities = jurisdictions_repository.by_codes(ctx.session, [r.get("community_code") for r in rows])
    keys = [
        (communities[r.get("community_code")].path, r.get("name"), r.get("address"))
        for r in rows
        if r.get("community_code") in communities
    ]
    existing = repository.by_places(ctx.session, keys)
    seen: dict[tuple[str, str, str], int] = {}
    taken: set[str] = set()
    for row in rows:
        capacity, capacity_problem = _capacity(row.get("capacity"), row.number)
        data = VenueInput(
            name=row.get("name"),
            kind=row.get("kind"),
            community_code=row.get("community_code"),
            address=row.get("address"),
            capacity=capacity,
        )
        community = communities.get(data.community_code)
        row_problems = venue_problems(ctx, data, community, row.number)
        row_problems += [capacity_problem] if capacity_problem else []
        if row_problems:
            problems.extend(row_problems)
            continue
        assert community is not None
        key = (community.path, data.name.strip(), data.address.strip())
        if key in seen:
            problems.append(
                Problem(
                    "name",
                    f"同一社区同名同地址的场所已在第{seen[key]}行",
                    f"the same venue (community, name, address) is already in row {seen[key]}",
                    row.number,
                )
            )
            continue
        seen[key] = row.number
        current = existing.get(key)
        kind = normalise_kind(data.kind)
        if current is None:
            report.created += 1
            if not dry_run:
                insert_venue(ctx, data, community, fresh_code(ctx, taken))
        elif (current.kind, current.capacity) != (
            kind,
            capacity if capacity is not None else current.capacity,
        ):
            report.updated += 1
            if not dry_run:
                current.kind = kind or current.kind
                current.capacity = capacity if capacity is not None else current.capacity
                current.updated_at = ctx.now
        else:
            report.unchanged += 1
    report.problems = problems
    if not dry_run:
        ctx.session.flush()
        audit.record(
            ctx,
            "venue.import",
            "venue",
            None,
            ctx.actor.scope_path,
            file=filename,
            created=report.created,
            updated=report.updated,
            rejected=len({p.row for p in problems}),
        )
        ctx.publish(VenuesImported(report.created, report.updated))
    return report
