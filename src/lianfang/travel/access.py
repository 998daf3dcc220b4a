"""Who may do what in the travel module, and the local day the rules are applied to."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from lianfang.core.access import Actor, access_scoped
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.travel.models import TravelRecord

READ, WRITE, VERIFY, IMPORT, MANAGE = (
    "travel.read",
    "travel.write",
    "travel.verify",
    "travel.import",
    "travel.riskareas",
)


def today_of(ctx: Ctx) -> date:
    return local_date(ctx.now)


def access_record(session: Session, actor: Actor, record_id: int) -> TravelRecord:
    return access_scoped(session, actor, TravelRecord, record_id, "行程记录", "travel record")


# ---- Risk areas ---------------------------------------------------------------------------------------
