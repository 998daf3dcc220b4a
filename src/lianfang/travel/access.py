"""Who may do what in the travel module, and the local day the rules are applied to."""

from __future__ import annotations

from datetime import date

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx

READ, WRITE, VERIFY, IMPORT, MANAGE = (
    "travel.read",
    "travel.write",
    "travel.verify",
    "travel.import",
    "travel.riskareas",
)


def today_of(ctx: Ctx) -> date:
    return local_date(ctx.now)


# ---- Risk areas ---------------------------------------------------------------------------------------
