"""The status a door shows at a venue scan (installed into checkins, which sits below this module): the
stored row, re-derived on the spot when its facts were due to change by date and the nightly pass has not
reached it yet. No row means no fact: green."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from lianfang.checkins.rules import Status
from lianfang.core.clock import local_date
from lianfang.healthcodes import rules, service
from lianfang.healthcodes.models import HealthStatus


def as_door_status(colour: str, popups: str) -> Status:
    zh, en = rules.COLOURS[colour]
    if popups:
        marks = "".join(rules.POPUP_MARKS[p] for p in popups.split(","))
        zh, en = f"{zh}（弹窗{marks}）", f"{en} (pop-up {marks})"
    return Status(colour, zh, en, popups=popups)


class HealthCodeProvider:
    needs_session = True

    def __init__(self, edition: str = "") -> None:
        self.edition = edition

    def status_for_person(self, session: Session | None, person_id: int, now: datetime) -> Status:
        assert session is not None
        row = session.get(HealthStatus, person_id)
        if row is None:
            return as_door_status("green", "")
        if row.next_change_on is not None and row.next_change_on <= local_date(now):
            derived = service.derive_for(session, person_id, now, self.edition)
            return as_door_status(derived.colour, derived.popup_code)
        return as_door_status(row.colour, row.popups)
