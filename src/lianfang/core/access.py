"""Who is acting, and over which part of the jurisdiction tree.

Jurisdictions are addressed by a materialised path such as "/1/4/17/"; an actor whose scope is "/1/4/"
covers every path that starts with it. Permissions are resolved by the accounts module at sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

from sqlalchemy.orm import Session

from lianfang.core.errors import Forbidden, NotFound

ActorKind = Literal["staff", "resident", "system", "anonymous"]


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    label: str
    user_id: int | None = None
    resident_id: int | None = None
    person_id: int | None = None
    role: str | None = None
    jurisdiction_id: int | None = None
    scope_path: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)
    ip: str | None = None

    def can(self, permission: str) -> bool:
        return self.kind == "system" or permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden()

    def covers(self, path: str | None) -> bool:
        if self.kind == "system":
            return True
        if path is None or self.scope_path is None:
            return False
        return path.startswith(self.scope_path)


SYSTEM = Actor(kind="system", label="system")
ANONYMOUS = Actor(kind="anonymous", label="anonymous")


class InJurisdiction(Protocol):
    """A row that belongs to a place: it carries the materialised path of its community."""

    @property
    def jurisdiction_path(self) -> str: ...


Row = TypeVar("Row", bound=InJurisdiction)


def access_scoped(
    session: Session,
    actor: Actor,
    model: type[Row],
    row_id: int,
    what_zh: str,
    what_en: str,
    for_update: bool = False,
) -> Row:
    """The row when the actor's scope covers its jurisdiction_path; a missing row and one outside the
    scope are the same NotFound, so existence is not revealed. `for_update` locks the row."""
    row = session.get(model, row_id, with_for_update=for_update or None)
    if row is None or not actor.covers(row.jurisdiction_path):
        raise NotFound(what_zh, what_en)
    return row
