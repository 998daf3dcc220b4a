"""JSON API for the registry: persons, import/export, and a resident's own records."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from lianfang.core.context import Ctx
from lianfang.core.web import read_upload, resident_ctx, staff_ctx
from lianfang.people import repository, service
from lianfang.people.access import access_person, own_records
from lianfang.people.exports import export_people
from lianfang.people.imports import import_people
from lianfang.people.schemas import (
    MyRecord,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonSearch,
    PersonUpdate,
    RevealRead,
)

router = APIRouter(prefix="/api", tags=["people"])


@router.get("/people", response_model=PersonPage)
def list_people(
    q: str = Query("", description="name prefix"),
    id_number: str = Query("", description="exact document number, any kind"),
    phone: str = Query("", description="exact mobile number"),
    community_id: int | None = None,
    community_code: str = "",
    after: int | None = Query(None, description="the last id of the previous page"),
    limit: int = 50,
    ctx: Ctx = Depends(staff_ctx),
) -> PersonPage:
    """A keyset page (ordered by id) of persons in the caller's jurisdiction; filters combine."""
    page = service.find_people(ctx, q, id_number, phone, community_id, community_code, after, limit)
    return PersonPage(items=[PersonRead.model_validate(p) for p in page.items], next_after=page.next_after)


@router.post("/people/search", response_model=PersonPage)
def search_people(body: PersonSearch, ctx: Ctx = Depends(staff_ctx)) -> PersonPage:
    """The same search with the filters in the body, so document numbers and phones stay out of URLs
    (and so out of proxy and server access logs). Prefer it over GET for those two filters."""
    page = service.find_people(
        ctx,
        body.q,
        body.id_number,
        body.phone,
        body.community_id,
        body.community_code,
        body.after,
        body.limit,
    )
    return PersonPage(items=[PersonRead.model_validate(p) for p in page.items], next_after=page.next_after)


@router.post("/people", response_model=PersonRead, status_code=201)
def create_person(body: PersonCreate, ctx: Ctx = Depends(staff_ctx)) -> PersonRead:
    data = service.PersonInput(**body.model_dump())
    return PersonRead.model_validate(service.create_person(ctx, data))


@router.get("/people/export")
def export(
    format: str = "csv",
    reveal: bool = False,
    q: str = Query("", description="name prefix"),
    id_number: str = Query("", description="exact document number, any kind"),
    phone: str = Query("", description="exact mobile number"),
    community_id: int | None = None,
    community_code: str = "",
    ctx: Ctx = Depends(staff_ctx),
) -> Response:
    """CSV or XLSX of the list with the same filters as `GET /api/people`, in the caller's jurisdiction;
    `reveal=true` (with identity.reveal) gives full numbers. One audit row with the filters."""
    return export_people(ctx, format, reveal, q, id_number, phone, community_id, community_code)


@router.post("/people/import")
def import_file(
    file: UploadFile = File(...), dry_run: bool = False, ctx: Ctx = Depends(staff_ctx)
) -> dict[str, Any]:
    """CSV or XLSX with columns name, id_number, community_code[, id_kind, phone, household_code,
    address, nationality]; answers a per-row report. `dry_run=true` checks without saving."""
    return import_people(ctx, file.filename or "upload.csv", read_upload(file), dry_run).as_dict()


@router.get("/people/{person_id}", response_model=PersonRead)
def get_person(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> PersonRead:
    ctx.actor.require(service.READ)
    return PersonRead.model_validate(access_person(ctx.session, ctx.actor, person_id))


@router.patch("/people/{person_id}", response_model=PersonRead)
def update_person(person_id: int, body: PersonUpdate, ctx: Ctx = Depends(staff_ctx)) -> PersonRead:
    changes = service.PersonChanges(**body.model_dump())
    return PersonRead.model_validate(service.update_person(ctx, person_id, changes))


@router.post("/people/{person_id}/reveal", response_model=RevealRead)
def reveal(person_id: int, ctx: Ctx = Depends(staff_ctx)) -> RevealRead:
    """The full document number and phone (needs identity.reveal); every call leaves an audit row."""
    revealed = service.reveal_identity(ctx, person_id)
    return RevealRead(id_number=revealed.id_number, phone=revealed.phone)


@router.get("/me/people", response_model=list[MyRecord])
def my_records(ctx: Ctx = Depends(resident_ctx)) -> list[MyRecord]:
    """A signed-in resident's own registrations (those under their verified phone), masked."""
    people = own_records(ctx.session, ctx.actor)
    names = repository.jurisdictions_by_ids(ctx.session, [p.community_id for p in people])
    return [MyRecord.of(p, names[p.community_id].name if p.community_id in names else "") for p in people]
