"""Use cases over the registry of persons and households: the only writer. Permission first, then scope,
then every input is validated before anything is written; each change leaves an audit row (edits with
before/after), and reading a full identity number is audited too. Flushes, never commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.errors import DomainError, Invalid, Problem
from lianfang.core.phone import mask_phone
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.access import subtree_filter
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people import repository
from lianfang.people import rules as checks
from lianfang.people.access import access_person
from lianfang.people.events import PersonRegistered, PersonUpdated
from lianfang.people.models import Household, Person
from lianfang.people.repository import PersonFilter
from lianfang.people.rules import ID_KINDS, id_hash, mask_id, normalise_id_number

READ = "registry.read"
WRITE = "registry.write"
IMPORT = "registry.import"
EXPORT = "registry.export"
REVEAL = "identity.reveal"
MAX_PAGE = 500
T = TypeVar("T")


@dataclass(frozen=True)
class PersonInput:
    """A new registration as typed; the community is given by id (API) or by code (forms, files)."""

    name: str
    id_number: str
    id_kind: str = "resident_id"
    phone: str = ""
    community_id: int | None = None
    community_code: str = ""
    household_code: str = ""
    address: str = ""
    nationality: str = ""


@dataclass(frozen=True)
class PersonChanges:
    """A correction: None leaves a field as it is; phone "" removes the phone."""

    name: str | None = None
    id_kind: str | None = None
    id_number: str | None = None
    phone: str | None = None
    community_id: int | None = None
    community_code: str | None = None
    address: str | None = None
    nationality: str | None = None


@dataclass(frozen=True)
class Revealed:
    id_number: str
    phone: str | None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: int | None


def today(ctx: Ctx) -> date:
    return local_date(ctx.now)


def resolve_community(ctx: Ctx, community_id: int | None, code: str) -> tuple[Jurisdiction | None, str, str]:
    """(found, what was typed, which field) for a community given by id or by code."""
    if community_id is not None:
        return ctx.session.get(Jurisdiction, community_id), str(community_id), "community_id"
    code = code.strip()
    found = jurisdictions_repository.by_code(ctx.session, code) if code else None
    return found, code, "community_code"


def duplicate_error(ctx: Ctx, existing: Person, row: int | None = None) -> DomainError:
    if ctx.actor.covers(existing.jurisdiction_path):
        problem = Problem(
            "id_number",
            f"该证件号码已登记（人员编号{existing.id}）",
            f"this document number is already registered (person {existing.id})",
            row,
        )
    else:
        problem = Problem(
            "id_number",
            "该证件号码已在其他辖区登记",
            "this document number is registered in another jurisdiction",
            row,
        )
    return DomainError(problem.zh, problem.en, 409, [problem])


def new_person(
    ctx: Ctx,
    ident: checks.Identity,
    phone: checks.Phone | None,
    name: str,
    community: Jurisdiction,
    address: str,
    nationality: str,
) -> Person:
    """A Person row with sealed, hashed and masked identity fields (not yet added to the session)."""
    keys = vault(ctx.settings)
    return Person(
        pseudonym=secrets.token_urlsafe(16),
        name=name,
        id_kind=ident.kind,
        id_hash=ident.hash,
        id_sealed=keys.seal(ident.number),
        id_masked=mask_id(ident.number),
        nationality=nationality,
        birth_date=ident.birth_date,
        sex=ident.sex,
        phone_hash=phone.hash if phone else None,
        phone_sealed=keys.seal(phone.number) if phone else None,
        phone_masked=mask_phone(phone.number) if phone else None,
        community_id=community.id,
        jurisdiction_path=community.path,
        household_id=None,
        address=address,
        created_at=ctx.now,
        updated_at=ctx.now,
    )


def create_person(ctx: Ctx, data: PersonInput) -> Person:
    ctx.actor.require(WRITE)
    problems: list[Problem] = []
    name = checks.name(data.name, problems, None)
    ident = checks.identity(ctx.settings, data.id_kind, data.id_number, today(ctx), problems, None)
    phone = checks.phone(ctx.settings, data.phone, problems, None)
    nationality = checks.nationality(data.nationality, ident.kind if ident else None, problems, None)
    address = checks.address(data.address, problems, None)
    household_code = checks.household_code(data.household_code, problems, None)
    found, typed, field = resolve_community(ctx, data.community_id, data.community_code)
    community = checks.community(ctx.actor, found, typed, field, problems, None)
    if problems or ident is None or community is None:
        raise Invalid(problems)
    existing = repository.by_id_hash(ctx.session, ident.hash)
    if existing is not None:
        raise duplicate_error(ctx, existing)
    person = new_person(ctx, ident, phone, name, community, address, nationality)
    ctx.session.add(person)
    ctx.session.flush()
    if household_code:
        person.household_id = household_in(ctx, community, household_code, address).id
    audit.record(
        ctx,
        "person.create",
        "person",
        person.id,
        person.jurisdiction_path,
        id_kind=person.id_kind,
        id_masked=person.id_masked,
        community_id=community.id,
    )
    ctx.publish(PersonRegistered(person.id, person.jurisdiction_path))
    return person


class Diff:
    """Before/after of the fields a correction changes, as they may appear in the audit trail."""

    def __init__(self) -> None:
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}

    def note(self, field: str, old: Any, new: Any) -> None:
        if old != new:
            self.before[field], self.after[field] = old, new


def _new_identity(
    ctx: Ctx, person: Person, changes: PersonChanges, problems: list[Problem]
) -> checks.Identity | None:
    """The corrected identity, or None when the document stays as it is."""
    if changes.id_number is None:
        if changes.id_kind is not None and changes.id_kind != person.id_kind:
            problems.append(
                Problem("id_number", "更改证件类型时须填写证件号码", "give the number when changing the kind")
            )
        return None
    kind = changes.id_kind if changes.id_kind is not None else person.id_kind
    ident = checks.identity(ctx.settings, kind, changes.id_number, today(ctx), problems, None)
    return None if ident is None or ident.hash == person.id_hash else ident


def _apply_identity(ctx: Ctx, person: Person, ident: checks.Identity, diff: Diff) -> None:
    existing = repository.by_id_hash(ctx.session, ident.hash)
    if existing is not None:
        raise duplicate_error(ctx, existing)
    sealed = vault(ctx.settings).seal(ident.number)
    diff.note("id_kind", person.id_kind, ident.kind)
    diff.note("id_masked", person.id_masked, mask_id(ident.number))
    # The old number stays recoverable (sealed) so a correction never loses what was registered.
    diff.note("id_sealed", person.id_sealed, sealed)
    person.id_kind, person.id_hash, person.id_sealed = ident.kind, ident.hash, sealed
    person.id_masked, person.birth_date, person.sex = mask_id(ident.number), ident.birth_date, ident.sex


def _apply_phone(ctx: Ctx, person: Person, phone: checks.Phone | None, diff: Diff) -> None:
    if (phone.hash if phone else None) == person.phone_hash:
        return
    sealed = vault(ctx.settings).seal(phone.number) if phone else None
    masked = mask_phone(phone.number) if phone else None
    diff.note("phone_masked", person.phone_masked, masked)
    diff.note("phone_sealed", person.phone_sealed, sealed)
    person.phone_hash, person.phone_sealed, person.phone_masked = (
        phone.hash if phone else None,
        sealed,
        masked,
    )


def update_person(ctx: Ctx, person_id: int, changes: PersonChanges) -> Person:
    """Correct a registration; every field is checked before any is changed. History is kept in the
    audit row's before/after."""
    ctx.actor.require(WRITE)
    person = access_person(ctx.session, ctx.actor, person_id)
    problems: list[Problem] = []
    ident = _new_identity(ctx, person, changes, problems)
    phone = checks.phone(ctx.settings, changes.phone or "", problems, None)
    diff = Diff()
    if changes.name is not None:
        diff.note("name", person.name, checks.name(changes.name, problems, None))
    if changes.address is not None:
        diff.note("address", person.address, checks.address(changes.address, problems, None))
    if changes.nationality is not None:
        kind = ident.kind if ident else person.id_kind
        diff.note(
            "nationality", person.nationality, checks.nationality(changes.nationality, kind, problems, None)
        )
    community: Jurisdiction | None = None
    if changes.community_id is not None or changes.community_code is not None:
        found, typed, field = resolve_community(ctx, changes.community_id, changes.community_code or "")
        community = checks.community(ctx.actor, found, typed, field, problems, None)
    if problems:
        raise Invalid(problems)
    if ident is not None:
        _apply_identity(ctx, person, ident, diff)
    if changes.phone is not None:
        _apply_phone(ctx, person, phone, diff)
    person.name = diff.after.get("name", person.name)
    person.address = diff.after.get("address", person.address)
    person.nationality = diff.after.get("nationality", person.nationality)
    if community is not None and community.id != person.community_id:
        diff.note("community_id", person.community_id, community.id)
        # A household belongs to one community: moving away leaves it.
        diff.note("household_id", person.household_id, None)
        person.community_id, person.jurisdiction_path = community.id, community.path
        person.household_id = None
    record_update(ctx, person, diff)
    return person


def record_update(ctx: Ctx, person: Person, diff: Diff, **detail: Any) -> None:
    if not diff.after:
        return
    person.updated_at = ctx.now
    audit.record(
        ctx,
        "person.update",
        "person",
        person.id,
        person.jurisdiction_path,
        before=diff.before,
        after=diff.after,
        **detail,
    )
    ctx.publish(PersonUpdated(person.id, person.jurisdiction_path, tuple(sorted(diff.after))))


def reveal_identity(ctx: Ctx, person_id: int) -> Revealed:
    """The full document number and phone, for someone allowed to see them; the read is audited."""
    ctx.actor.require(REVEAL)
    person = access_person(ctx.session, ctx.actor, person_id)
    keys = vault(ctx.settings)
    revealed = Revealed(
        keys.open(person.id_sealed), keys.open(person.phone_sealed) if person.phone_sealed else None
    )
    audit.record(
        ctx, "person.reveal_id", "person", person.id, person.jurisdiction_path, fields=["id_number", "phone"]
    )
    return revealed


def _home_community_path(ctx: Ctx) -> str:
    """A worker whose home is a community sees one path: an equality walks the (path, id) index in id
    order, where the subtree range would have to sort. (The home row is in the session from sign-in.)"""
    if ctx.actor.jurisdiction_id is None:
        return ""
    home = ctx.session.get(Jurisdiction, ctx.actor.jurisdiction_id)
    return (
        home.path
        if home is not None and home.level == "community" and home.path == ctx.actor.scope_path
        else ""
    )


def person_filter(
    ctx: Ctx,
    name_prefix: str = "",
    id_number: str = "",
    phone: str = "",
    community_id: int | None = None,
    community_code: str = "",
) -> PersonFilter:
    """The list's filters, checked (a bad number, phone or community is a problem on the form): by name
    prefix, exact document number (any kind), exact phone, community; they combine."""
    ctx.actor.require(READ)
    problems: list[Problem] = []
    id_hashes: tuple[str, ...] = ()
    if id_number.strip():
        number = normalise_id_number(id_number)
        id_hashes = tuple(id_hash(ctx.settings, kind, number) for kind in ID_KINDS)
    wanted_phone = checks.phone(ctx.settings, phone, problems, None)
    community_path = ""
    if community_id is not None or community_code.strip():
        found, typed, field = resolve_community(ctx, community_id, community_code)
        chosen = checks.community(ctx.actor, found, typed, field, problems, None)
        community_path = chosen.path if chosen else ""
    if problems:
        raise Invalid(problems)
    community_path = community_path or _home_community_path(ctx)
    paths: tuple[str, ...] | None = None
    if name_prefix.strip() and not community_path and ctx.actor.kind != "system":
        paths = repository.community_paths(ctx.session, subtree_filter(ctx.actor, Jurisdiction.path))
    return PersonFilter(
        name_prefix.strip(), id_hashes, wanted_phone.hash if wanted_phone else "", community_path, paths
    )


def people_rows(ctx: Ctx, wanted: PersonFilter, after: int | None, limit: int) -> list[Person]:
    """The list's one keyset query in the actor's scope: up to `limit` persons after id `after`. The
    search page, the API and the export all read through it."""
    ctx.actor.require(READ)
    scope = subtree_filter(ctx.actor, Person.jurisdiction_path)
    return repository.people_page(ctx.session, scope, wanted, after, limit)


def find_people(
    ctx: Ctx,
    name_prefix: str = "",
    id_number: str = "",
    phone: str = "",
    community_id: int | None = None,
    community_code: str = "",
    after: int | None = None,
    limit: int = 50,
) -> Page[Person]:
    """A keyset page of persons in the actor's scope matching `person_filter`."""
    wanted = person_filter(ctx, name_prefix, id_number, phone, community_id, community_code)
    limit = max(1, min(limit, MAX_PAGE))
    rows = people_rows(ctx, wanted, after, limit + 1)
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


def household_in(ctx: Ctx, community: Jurisdiction, code: str, address: str = "") -> Household:
    """The household with `code` in `community`, created (and audited) when there is none yet."""
    found = repository.household_by_code(ctx.session, community.id, code)
    if found is not None:
        return found
    household = Household(
        code=code,
        community_id=community.id,
        jurisdiction_path=community.path,
        address=address,
        created_at=ctx.now,
    )
    ctx.session.add(household)
    ctx.session.flush()
    audit.record(ctx, "household.create", "household", household.id, household.jurisdiction_path, code=code)
    return household
