"""Importing persons from CSV or Excel with a per-row report.

Columns: name, id_number, community_code (required); id_kind (resident_id | passport | other, default
resident_id), phone, household_code, address, nationality (optional). Every row is checked in full; a row
with any problem is reported (row number as in the file, field, message) and not applied; every other
row is applied, all in the caller's one transaction. A person already registered (same document) is
updated when inside the actor's scope; a cell left empty or a missing column keeps the stored value, so
re-running the same file changes nothing. Look-ups (communities, existing persons, households) are done
in chunks for the whole file, never one query per row."""

from __future__ import annotations

from dataclasses import dataclass, field

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.errors import Problem
from lianfang.core.phone import mask_phone
from lianfang.core.tabular import ImportReport, Row, read_table
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people import repository
from lianfang.people import rules as checks
from lianfang.people.events import PeopleImported
from lianfang.people.models import Household, Person
from lianfang.people.service import IMPORT, new_person, today

REQUIRED = ("name", "id_number", "community_code")
OPTIONAL = ("id_kind", "phone", "household_code", "address", "nationality")


@dataclass
class _Parsed:
    """One file row after the checks that need no database."""

    row: Row
    problems: list[Problem] = field(default_factory=list)
    ident: checks.Identity | None = None
    phone: checks.Phone | None = None
    name: str = ""
    address: str = ""
    nationality: str = ""
    household_code: str = ""


def _parse(ctx: Ctx, row: Row) -> _Parsed:
    parsed = _Parsed(row)
    n, problems = row.number, parsed.problems
    parsed.name = checks.name(row.get("name"), problems, n)
    parsed.ident = checks.identity(
        ctx.settings, row.get("id_kind"), row.get("id_number"), today(ctx), problems, n
    )
    parsed.phone = checks.phone(ctx.settings, row.get("phone"), problems, n)
    kind = parsed.ident.kind if parsed.ident else None
    parsed.nationality = checks.nationality(row.get("nationality"), kind, problems, n)
    parsed.address = checks.address(row.get("address"), problems, n)
    parsed.household_code = checks.household_code(row.get("household_code"), problems, n)
    return parsed


class _Households:
    """Existing households of the file's communities, plus those the import creates (once each)."""

    def __init__(self, ctx: Ctx, found: dict[tuple[int, str], Household], dry_run: bool) -> None:
        self.ctx, self.found, self.dry_run, self.created = ctx, found, dry_run, 0

    def get(self, community: Jurisdiction, code: str, address: str) -> Household:
        key = (community.id, code)
        if key not in self.found:
            self.found[key] = Household(
                code=code,
                community_id=community.id,
                jurisdiction_path=community.path,
                address=address,
                created_at=self.ctx.now,
            )
            self.created += 1
            if not self.dry_run:
                self.ctx.session.add(self.found[key])
        return self.found[key]


def _changes(person: Person, p: _Parsed, community: Jurisdiction) -> dict[str, object]:
    """Field -> new value for what the row changes (empty cells keep what is stored)."""
    wanted: dict[str, object] = {}
    if p.name and p.name != person.name:
        wanted["name"] = p.name
    if p.phone is not None and p.phone.hash != person.phone_hash:
        wanted["phone"] = p.phone
    if p.row.get("nationality") and p.nationality != person.nationality:
        wanted["nationality"] = p.nationality
    if p.address and p.address != person.address:
        wanted["address"] = p.address
    if community.id != person.community_id:
        wanted["community"] = community
    return wanted


def _update(ctx: Ctx, person: Person, wanted: dict[str, object], source: str) -> None:
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for key in ("name", "nationality", "address"):
        if key in wanted:
            before[key], after[key] = getattr(person, key), wanted[key]
            setattr(person, key, wanted[key])
    phone = wanted.get("phone")
    if isinstance(phone, checks.Phone):
        sealed = vault(ctx.settings).seal(phone.number)
        before["phone_masked"], after["phone_masked"] = person.phone_masked, mask_phone(phone.number)
        before["phone_sealed"], after["phone_sealed"] = person.phone_sealed, sealed
        person.phone_hash, person.phone_masked, person.phone_sealed = (
            phone.hash,
            mask_phone(phone.number),
            sealed,
        )
    community = wanted.get("community")
    if isinstance(community, Jurisdiction):
        before["community_id"], after["community_id"] = person.community_id, community.id
        person.community_id, person.jurisdiction_path = community.id, community.path
    if "household" in wanted:
        household = wanted["household"]
        before["household_id"] = person.household_id
        after["household_code"] = household.code if isinstance(household, Household) else None
    person.updated_at = ctx.now
    audit.record(
        ctx,
        "person.update",
        "person",
        person.id,
        person.jurisdiction_path,
        before=before,
        after=after,
        source=source,
    )


def _check_identity(ctx: Ctx, p: _Parsed, current: Person | None, seen: dict[str, int]) -> None:
    """A document twice in the file, or registered outside the actor's scope, is a row problem."""
    if p.ident is None:
        return
    n = p.row.number
    first = seen.setdefault(p.ident.hash, n)
    if first != n:
        p.problems.append(
            Problem(
                "id_number", f"证件号码与第{first}行重复", f"the same document number is on row {first}", n
            )
        )
    elif current is not None and not ctx.actor.covers(current.jurisdiction_path):
        p.problems.append(
            Problem("id_number", "此人已在其他辖区登记", "registered in another jurisdiction", n)
        )


def import_people(ctx: Ctx, filename: str, content: bytes, dry_run: bool = False) -> ImportReport:
    ctx.actor.require(IMPORT)
    rows = read_table(filename, content, REQUIRED)
    report = ImportReport(dry_run=dry_run, problems=[])
    assert report.problems is not None
    parsed = [_parse(ctx, row) for row in rows]
    communities = jurisdictions_repository.by_codes(
        ctx.session, [p.row.get("community_code") for p in parsed]
    )
    existing = repository.by_id_hashes(ctx.session, [p.ident.hash for p in parsed if p.ident])
    wanted_households = [
        (communities[p.row.get("community_code")].id, p.household_code)
        for p in parsed
        if p.household_code and p.row.get("community_code") in communities
    ]
    households = _Households(ctx, repository.households_by_codes(ctx.session, wanted_households), dry_run)
    seen: dict[str, int] = {}
    links: list[tuple[Person, Household | None]] = []
    for p in parsed:
        n, typed = p.row.number, p.row.get("community_code")
        community = checks.community(
            ctx.actor, communities.get(typed), typed, "community_code", p.problems, n
        )
        current = existing.get(p.ident.hash) if p.ident else None
        _check_identity(ctx, p, current, seen)
        if p.problems or p.ident is None or community is None:
            report.problems.extend(p.problems)
            continue
        household = households.get(community, p.household_code, p.address) if p.household_code else None
        if current is None:
            report.created += 1
            if not dry_run:
                person = new_person(ctx, p.ident, p.phone, p.name, community, p.address, p.nationality)
                ctx.session.add(person)
                links.append((person, household))
            continue
        wanted = _changes(current, p, community)
        joins = household is not None and (household.id is None or household.id != current.household_id)
        leaves = household is None and "community" in wanted and current.household_id is not None
        if joins or leaves:
            wanted["household"] = household
        if not wanted:
            report.unchanged += 1
            continue
        report.updated += 1
        if not dry_run:
            _update(ctx, current, wanted, f"import:{filename}")
            if "household" in wanted:
                links.append((current, household))
    if dry_run:
        return report
    ctx.session.flush()
    for person, household in links:
        person.household_id = household.id if household is not None else None
    ctx.session.flush()
    audit.record(
        ctx,
        "person.import",
        "person",
        None,
        ctx.actor.scope_path,
        file=filename,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        households_created=households.created,
        rejected_rows=len({p.row for p in report.problems}),
    )
    ctx.publish(PeopleImported(report.created, report.updated, ctx.actor.scope_path))
    return report
