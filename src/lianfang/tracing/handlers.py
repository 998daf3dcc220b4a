"""Reactions to lower modules' events, wired in `tasks.register` (called from the composition root).

- `testing.events.ResultPositive`: a positive single-tube or individual result opens a case pending
  confirmation (待核实) for the investigators of the person's district; the same sample or a person who
  already has an open case opens nothing new.
- `assignments.events.AssignmentCompleted` of a tracing request (`subject_type = tracing_contact`): the
  contact is located and controlled; that moment closes its secondary-contact window."""

from __future__ import annotations

from lianfang.assignments.events import AssignmentCompleted
from lianfang.core.context import Ctx
from lianfang.testing.events import ResultPositive
from lianfang.tracing.cases import service
from lianfang.tracing.contacts import service as contacts


def on_result_positive(ctx: Ctx, event: ResultPositive) -> None:
    service.case_from_result(ctx, event.person_id, event.sample_id, event.sampled_at, event.reported_at)


def on_assignment_completed(ctx: Ctx, event: AssignmentCompleted) -> None:
    if event.subject_type == "tracing_contact" and event.subject_id and event.subject_id.isdigit():
        contacts.mark_controlled(ctx, int(event.subject_id))
