"""Venues, made through the service (system actor)."""

from __future__ import annotations

from itertools import count

from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.venues import service
from lianfang.venues.models import Venue

_serial = count(1)


def make_venue(
    ctx: Ctx,
    community: Jurisdiction,
    name: str | None = None,
    kind: str = "supermarket",
    address: str | None = None,
    capacity: int | None = None,
) -> Venue:
    n = next(_serial)
    data = service.VenueInput(
        name or f"场所{n}", kind, community.id, address=address or f"建国路{n}号", capacity=capacity
    )
    return service.create_venue(ctx, data)
