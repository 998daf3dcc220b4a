"""Export of the registry list: the search page's filters and its one scoped keyset query (so an export
holds exactly the rows the page would list), in the importer's columns (plus read-only extras), so a
revealed export can be imported back. Document numbers and phones are masked unless the actor holds
`identity.reveal` and asked for them explicitly; every export is audited as one row with its filters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.phone import mask_phone
from lianfang.core.web import export_download, keyset_batches
from lianfang.people import repository, service
from lianfang.people.models import Household, Person
from lianfang.people.rules import mask_id, normalise_id_number
from lianfang.people.service import EXPORT, REVEAL

COLUMNS = (
    "name",
    "id_kind",
    "id_number",
    "phone",
    "community_code",
    "household_code",
    "address",
    "nationality",
    "pseudonym",
    "birth_date",
    "sex",
)
Opener = Callable[[str], str]


def _line(p: Person, community: str, household: Household | None, open_: Opener | None) -> list[object]:
    if open_ is not None:
        id_number, phone = open_(p.id_sealed), open_(p.phone_sealed) if p.phone_sealed else ""
    else:
        id_number, phone = p.id_masked, p.phone_masked or ""
    birth = p.birth_date.isoformat() if p.birth_date is not None else ""
    household_code = household.code if household is not None else ""
    return [
        p.name,
        p.id_kind,
        id_number,
        phone,
        community,
        household_code,
        p.address,
        p.nationality,
        p.pseudonym,
        birth,
        p.sex,
    ]


def _audited_filters(
    q: str, id_number: str, phone: str, community_id: int | None, community_code: str
) -> dict[str, Any]:
    """The filters for the audit row; a document number or phone is recorded masked, as the page shows it."""
    found: dict[str, Any] = {
        "q": q.strip(),
        "id_number": mask_id(normalise_id_number(id_number)) if id_number.strip() else "",
        "phone": mask_phone(phone.strip()) if phone.strip() else "",
        "community_id": community_id,
        "community_code": community_code.strip(),
    }
    return {k: v for k, v in found.items() if v not in (None, "")}


def export_people(
    ctx: Ctx,
    fmt: str,
    reveal: bool = False,
    q: str = "",
    id_number: str = "",
    phone: str = "",
    community_id: int | None = None,
    community_code: str = "",
) -> Response:
    """The list with these filters as a download; `reveal` needs `identity.reveal` on top of
    `registry.export`."""
    ctx.actor.require(EXPORT)
    if reveal:
        ctx.actor.require(REVEAL)
    wanted = service.person_filter(ctx, q, id_number, phone, community_id, community_code)
    open_ = vault(ctx.settings).open if reveal else None
    batches = keyset_batches(lambda after, n: service.people_rows(ctx, wanted, after, n), lambda p: p.id)

    def lines() -> Iterator[list[object]]:
        for batch in batches:
            places = repository.jurisdictions_by_ids(ctx.session, [p.community_id for p in batch])
            household_ids = [p.household_id for p in batch if p.household_id]
            homes = repository.households_by_ids(ctx.session, household_ids)
            for p in batch:
                place = places.get(p.community_id)
                home = homes.get(p.household_id) if p.household_id else None
                yield _line(p, place.code if place is not None else "", home, open_)

    return export_download(
        ctx,
        fmt,
        "people",
        COLUMNS,
        lines(),
        "person.reveal_id" if reveal else "person.export",
        "person",
        revealed=reveal,
        **_audited_filters(q, id_number, phone, community_id, community_code),
    )
