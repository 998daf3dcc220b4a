"""Reactions to lower modules' events, wired in `tasks.register`.

- tracing `CaseOpened` (status open) / `CaseStatusChanged` (→ open): a confirmed case gets its proposal
  (proposals.propose_for_case).
- tracing `ContactConfirmed` (close or secondary, in the city's registry): a control order from the plan
  of the rule set in force; the last contact with the case (or the linked contact) starts the clock.
- travel `ObservationRequired`: the observation becomes an order (returnee or inbound arrival).
- testing `ResultPositive`: a positive inside an active zone restarts it and turns a controlled zone
  sealed; a close contact's positive escalates their secondary contacts (9th ed.); a positive person
  under an order is referred (the order ends with reason `positive`)."""

from __future__ import annotations

from datetime import date

from lianfang.control import rules
from lianfang.control import service as orders
from lianfang.control.proposals import service as proposals
from lianfang.control.service import OrderInput
from lianfang.control.zones import service as zones
from lianfang.core.access import Actor
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.testing.events import ResultPositive
from lianfang.tracing.events import CaseOpened, CaseStatusChanged, ContactConfirmed
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.travel.events import ObservationRequired
from lianfang.travel.models import ObservationRequirement

CONTROL = Actor(kind="system", label="管控 control")
# The edition tracing judged a case by, as this module's rule set (the 7th edition kept the 14-day plans).
CASE_EDITIONS = {"7th": "bj2020", "8th": "8th", "9th": "9th", "二十条": "twenty"}


def on_case_opened(ctx: Ctx, event: CaseOpened) -> None:
    if event.status == "open":
        proposals.propose_for_case(ctx.as_actor(CONTROL), event.case_id)


def on_case_status_changed(ctx: Ctx, event: CaseStatusChanged) -> None:
    if event.after == "open" and event.before == "pending":
        proposals.propose_for_case(ctx.as_actor(CONTROL), event.case_id)


def on_contact_confirmed(ctx: Ctx, event: ContactConfirmed) -> None:
    if event.person_id is None or event.category not in ("close", "secondary"):
        return
    contact = ctx.session.get(TracingContact, event.contact_id)
    seen = (contact.last_contact_at if contact else None) or event.first_contact_at or ctx.now
    exposure = min(local_date(seen), local_date(ctx.now))
    linked = None
    if event.category == "secondary" and contact is not None and contact.via_contact_id is not None:
        via = ctx.session.get(TracingContact, contact.via_contact_id)
        linked = via.person_id if via else None
    case = ctx.session.get(TracingCase, event.case_id)
    edition = CASE_EDITIONS.get(case.rule_edition, "") if case else ""
    edition = edition or ctx.settings.control_edition or rules.edition_on(exposure)
    if rules.plan_for(edition, event.category) is None:
        return  # e.g. 二十条: secondary contacts are not judged any more
    orders.issue_order(
        ctx.as_actor(CONTROL),
        OrderInput(
            event.person_id,
            event.category,
            exposure,
            source="tracing",
            source_ref=str(event.contact_id),
            edition=edition,
            linked_person_id=linked,
        ),
    )


_TRAVEL_MODES = {
    "centralised": "centralised",
    "home": "home_quarantine",
    "home_or_centralised": "home_quarantine",
}


def travel_edition(name: str) -> str:
    """travel's edition labels (BJ-2020-02-14, 9th-2022-06-28, 20-2022-11-11) as this module's."""
    if name.startswith("9th"):
        return "9th"
    if name.startswith("20-"):
        return "twenty"
    return "bj2020" if name.startswith("BJ-2020") or name < "BJ-2021-05-11" else "8th"


def on_observation_required(ctx: Ctx, event: ObservationRequired) -> None:
    """The travel module decided the plan (days, tests) from its own rule tables: the order copies it.
    A tests-only requirement (9th ed. 三天两检) is no order: the travel module follows it up."""
    obs = ctx.session.get(ObservationRequirement, event.observation_id)
    kind = _TRAVEL_MODES.get(event.mode)
    if obs is None or kind is None:
        return
    edition = travel_edition(event.edition)
    person_class = "inbound" if event.kind == "inbound" else "returnee"
    base = rules.plan_for(edition, person_class)
    plan = rules.Plan(
        edition,
        person_class,
        kind if obs.centralised_days or kind != "centralised" else "home_quarantine",
        obs.centralised_days,
        obs.home_days,
        obs.monitoring_days,
        rules.parse_days(obs.test_days),
        base.swab if base else "oropharyngeal",
        base.double_test if base else False,
        f"travel {event.edition}",
    )
    orders.issue_order(
        ctx.as_actor(CONTROL),
        OrderInput(
            event.person_id,
            person_class,
            date.fromisoformat(event.starts_on),
            source="travel",
            source_ref=str(event.observation_id),
            edition=edition,
            plan=plan,
        ),
    )


def on_result_positive(ctx: Ctx, event: ResultPositive) -> None:
    system = ctx.as_actor(CONTROL)
    zones.record_positive(system, event.person_id, local_date(event.sampled_at))
    orders.escalate_secondaries(system, event.person_id)
    own = orders.active_order(system, event.person_id)
    if own is not None:
        orders.end_order(system, own, "positive")
