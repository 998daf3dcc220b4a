"""Units and staff, made through the services (system actor)."""

from __future__ import annotations

from itertools import count

from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.units import service
from lianfang.units.models import Unit, UnitMembership
from lianfang.units.rules import USCC_CHARSET, uscc_check_character
from lianfang.units.staff import service as staff

_serial = count(1)


def valid_uscc(serial: int | None = None, region: str = "110105") -> str:
    """A unified social credit code that passes the GB 32100-2015 check (registration 9, category 1)."""
    n = next(_serial) if serial is None else serial
    body = ""
    for _ in range(9):
        n, digit = divmod(n, 31)
        body = USCC_CHARSET[digit] + body
    first17 = f"91{region}{body}"
    return first17 + uscc_check_character(first17)


def make_unit(
    ctx: Ctx,
    community: Jurisdiction,
    name: str | None = None,
    kind: str = "employer",
    code: str | None = None,
) -> Unit:
    code = code or valid_uscc()
    data = service.UnitInput(code, name or f"单位{code[-6:]}", kind, community.id, address="建国路1号")
    return service.create_unit(ctx, data)


def add_staff(
    ctx: Ctx, unit: Unit, person: Person, role: str = "staff", via: Unit | None = None, group: str = ""
) -> UnitMembership:
    data = staff.MemberInput(role, person.id, "", group, via.id if via else None)
    return staff.add_member(ctx, unit.id, data)
