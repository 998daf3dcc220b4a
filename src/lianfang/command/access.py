"""Who sees what in the command module. The organisation and the directives belong to the city
office (command.manage, scope covering the directive's issuer); incidents, forces, missions and
responsibility rows belong to a place and are visible to staff whose scope covers that place."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lianfang.command.models import Directive, Force, Incident, Meeting, Mission
from lianfang.core.access import Actor, access_scoped
from lianfang.core.errors import NotFound
from lianfang.jurisdictions.models import Jurisdiction

READ, MANAGE, REPORT = "command.read", "command.manage", "command.report"


def access_meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    actor.require(MANAGE)
    found = session.get(Meeting, meeting_id)
    if found is None:
        raise NotFound("会议", "meeting")
    return found


def access_directive(session: Session, actor: Actor, directive_id: int) -> Directive:
    actor.require(READ)
    found = session.get(Directive, directive_id)
    if found is None or not actor.covers(found.issuer_path):
        raise NotFound("指令", "directive")
    return found


def access_mission(session: Session, actor: Actor, mission_id: int) -> Mission:
    actor.require(READ)
    return access_scoped(session, actor, Mission, mission_id, "工作组", "work group")


def access_incident(session: Session, actor: Actor, incident_id: int, for_update: bool = False) -> Incident:
    actor.require(READ)
    return access_scoped(session, actor, Incident, incident_id, "突发情况", "incident", for_update)


def access_force(session: Session, actor: Actor, force_id: int, for_update: bool = False) -> Force:
    actor.require(READ)
    return access_scoped(session, actor, Force, force_id, "力量", "team", for_update)


def district_in_scope(session: Session, actor: Actor, jurisdiction_id: int | None) -> Jurisdiction | None:
    """An active jurisdiction in the actor's scope, or None (the caller reports the problem)."""
    found = session.get(Jurisdiction, jurisdiction_id) if jurisdiction_id else None
    if found is None or not found.active or not actor.covers(found.path):
        return None
    return found
