"""Export of the registry in the actor's scope, in the importer's columns (plus read-only extras), so a
revealed export can be imported back. Document numbers and phones are masked unless the actor holds
`identity.reveal` and asked for them explicitly; every export is audited as one row."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.tabular import write_table
from lianfang.jurisdictions.access import subtree_filter
from lianfang.people import repository
from lianfang.people.models import Person
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


def _line(row: Sequence[Any], open_: Opener | None) -> list[object]:
    (_, pseudonym, name, kind, id_masked, id_sealed, phone_masked, phone_sealed, community, household) = row[
        :10
    ]
    address, nationality, born, sex = row[10:]
    if open_ is not None:
        id_number, phone = open_(id_sealed), open_(phone_sealed) if phone_sealed else ""
    else:
        id_number, phone = id_masked, phone_masked or ""
    birth = born.isoformat() if born is not None else ""
    return [
        name,
        kind,
        id_number,
        phone,
        community,
        household or "",
        address,
        nationality,
        pseudonym,
        birth,
        sex,
    ]


def _lines(ctx: Ctx, reveal: bool, counter: list[int]) -> Iterator[list[object]]:
    open_ = vault(ctx.settings).open if reveal else None
    scope = subtree_filter(ctx.actor, Person.jurisdiction_path)
    for row in repository.export_rows(ctx.session, scope):
        counter[0] += 1
        yield _line(row, open_)


def export_people(ctx: Ctx, fmt: str, reveal: bool = False) -> bytes:
    """The file's bytes; `reveal` needs `identity.reveal` on top of `registry.export`."""
    ctx.actor.require(EXPORT)
    if reveal:
        ctx.actor.require(REVEAL)
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    counter = [0]
    lines = _lines(ctx, reveal, counter)
    body = write_table(fmt, COLUMNS, lines, "people")
    audit.record(
        ctx,
        "person.reveal_id" if reveal else "person.export",
        "person",
        None,
        ctx.actor.scope_path,
        export=True,
        format=fmt,
        rows=counter[0],
        revealed=reveal,
    )
    return body
