"""A positive result opens a case pending confirmation; a contact already confirmed is found under
control, linked to the case it was a contact of; the same result or person opens nothing new."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.testing.events import ResultPositive
from lianfang.tracing.cases import service
from lianfang.tracing.contacts import service as contacts
from lianfang.tracing.models import TracingCase
from tests.factories.tracing import make_scene


def _positive(ctx, person, sample_id):
    sampled = ctx.now - timedelta(hours=6)
    ctx.publish(ResultPositive(person.id, sample_id, sampled, ctx.now, person.jurisdiction_path))
    return ctx.session.scalar(select(TracingCase).where(TracingCase.person_id == person.id))


def test_positive_result_opens_a_pending_case_once(ctx):
    scene = make_scene(ctx)
    case = _positive(ctx, scene.case_person, 501)
    assert case is not None and case.status == "pending" and case.origin == "lab"
    assert case.classification == "asymptomatic" and case.sample_id == 501
    assert case.found_by == "community_screening" and case.infector_case_id is None
    _positive(ctx, scene.case_person, 502)
    assert len(list(ctx.session.scalars(select(TracingCase)))) == 1
    opened = service.transition(ctx, case.id, "confirm", classification="confirmed")
    assert opened.status == "open" and opened.classification == "confirmed"


def test_a_confirmed_contact_is_found_under_control(ctx):
    scene = make_scene(ctx)
    first = service.open_case(ctx, service.CaseInput(scene.case_person.id, onset_at=scene.onset))
    contacts.propose(ctx, first.id)
    housemate = next(c for c in first_contacts(ctx, first.id) if c.person_id == scene.housemate.id)
    contacts.decide(ctx, [housemate.id], "confirm")
    later = ctx.__class__(ctx.session, ctx.actor, ctx.settings, ctx.now + timedelta(minutes=5), ctx.bus)
    second = _positive(later, scene.housemate, 601)
    assert second.found_by == "under_control" and second.infector_case_id == first.id


def first_contacts(ctx, case_id):
    from lianfang.tracing.repository import contacts_of

    return contacts_of(ctx.session, case_id)
