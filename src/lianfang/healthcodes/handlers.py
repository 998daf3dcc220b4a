"""Reactions to the lower modules' events: each re-derives the people concerned at once, in the
publisher's transaction, so a status never lags its facts. Set-based changes that may touch many people
(a county added to or taken off the risk list) go to a job that the worker runs within its poll interval.

A result upload also clears the testing duties (pop-up ④, unithealth) that its results satisfy: the hook
unithealth leaves to the module above it, since testing and unithealth may not import each other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lianfang.control.events import OrderChanged
from lianfang.core.access import Actor
from lianfang.core.context import Ctx
from lianfang.core.jobs import enqueue
from lianfang.healthcodes.models import HealthStatus
from lianfang.healthcodes.status import service
from lianfang.testing.events import PoolPositive, ResultPositive, ResultsRecorded
from lianfang.testing.models import Sample, TubeResult
from lianfang.tracing.events import CaseOpened, CaseStatusChanged, ContactConfirmed
from lianfang.tracing.models import TracingCase
from lianfang.travel.events import (
    ObservationRequired,
    TravelFlagCleared,
    TravelFlagsCleared,
    TravelFlagsRaised,
)
from lianfang.travel.models import TravelFlag
from lianfang.unithealth.events import MedicineBuyerFlagged, TestingDutyCleared
from lianfang.unithealth.models import TestingDuty
from lianfang.unithealth.pharmacy import service as pharmacy

AREA_JOB = "healthcodes.refresh_area"
REFRESH = "healthcodes.refresh"  # the per-person refreshes a bulk action gathers (`Ctx.react`)


def _refresh_gathered(ctx: Ctx, items: list[tuple[int, str, Actor]]) -> None:
    """Each person once, with the cause and the actor of the first event that named them (the one whose
    refresh would have recorded the change had each event been handled at once)."""
    first: dict[int, tuple[str, Actor]] = {}
    for person_id, cause, actor in items:
        first.setdefault(person_id, (cause, actor))
    by_actor: dict[Actor, dict[int, str]] = {}
    for person_id, (cause, actor) in first.items():
        by_actor.setdefault(actor, {})[person_id] = cause
    for actor, causes in by_actor.items():
        service.refresh_causes(ctx.as_actor(actor), causes)


def _one(ctx: Ctx, person_id: int | None, cause: str) -> None:
    if person_id is not None:
        ctx.react(REFRESH, _refresh_gathered, (person_id, cause, ctx.actor))


def on_order(ctx: Ctx, e: OrderChanged) -> None:
    _one(ctx, e.person_id, f"control order {e.order_id} {e.change}")


def on_case_opened(ctx: Ctx, e: CaseOpened) -> None:
    _one(ctx, e.person_id, f"tracing case {e.case_id} {e.status}")


def on_case_status(ctx: Ctx, e: CaseStatusChanged) -> None:
    case = ctx.session.get(TracingCase, e.case_id)
    _one(ctx, case.person_id if case else None, f"tracing case {e.case_id} {e.after}")


def on_contact(ctx: Ctx, e: ContactConfirmed) -> None:
    _one(ctx, e.person_id, f"tracing contact {e.contact_id} {e.category}")


def on_pool_positive(ctx: Ctx, e: PoolPositive) -> None:
    service.refresh(ctx, e.person_ids, f"pool {e.barcode} positive")


def on_result_positive(ctx: Ctx, e: ResultPositive) -> None:
    _one(ctx, e.person_id, f"sample {e.sample_id} positive")


def on_results(ctx: Ctx, e: ResultsRecorded) -> None:
    """People with an open duty or a shown status whose sample got a result in this upload: few, found
    from the small side (open duties, non-green rows) so a 2-million-tube upload costs no more."""
    duties = ctx.session.execute(
        select(TestingDuty.id_hash, Sample.sampled_at, TestingDuty.person_id)
        .join(Sample, Sample.person_id == TestingDuty.person_id)
        .join(TubeResult, TubeResult.tube_id == Sample.tube_id)
        .where(
            TestingDuty.cleared_at.is_(None),
            Sample.sampled_at >= TestingDuty.started_at,
            TubeResult.recorded_at == e.recorded_at,
            TubeResult.result == "negative",
        )
    ).all()
    for id_hash, sampled_at, _pid in duties:
        pharmacy.clear_testing_duties(ctx, id_hash, sampled_at, "nucleic-acid result")
    shown = (
        select(HealthStatus.person_id)
        .join(Sample, Sample.person_id == HealthStatus.person_id)
        .join(TubeResult, TubeResult.tube_id == Sample.tube_id)
        .where(HealthStatus.popups != "", TubeResult.recorded_at == e.recorded_at)
        .distinct()
    )
    ids = set(ctx.session.scalars(shown)) | {pid for _h, _s, pid in duties if pid is not None}
    if ids:
        service.refresh(ctx, ids, "test results")


def on_duty(ctx: Ctx, e: MedicineBuyerFlagged | TestingDutyCleared) -> None:
    _one(ctx, e.person_id, f"testing duty {e.duty_id}")


def on_flag_cleared(ctx: Ctx, e: TravelFlagCleared) -> None:
    _one(ctx, e.person_id, f"travel flag {e.flag_id} {e.reason}")


def on_observation(ctx: Ctx, e: ObservationRequired) -> None:
    _one(ctx, e.person_id, f"{e.kind} observation {e.observation_id}")


def on_flags(ctx: Ctx, e: TravelFlagsRaised | TravelFlagsCleared) -> None:
    # Flags that expire by date are already on each status as their last day: the nightly pass has them.
    if e.count and not (isinstance(e, TravelFlagsCleared) and e.reason == "expired"):
        enqueue(ctx, AREA_JOB, {"risk_area_id": e.risk_area_id})


def refresh_area(ctx: Ctx, payload: dict[str, Any]) -> None:
    area = payload.get("risk_area_id")
    stmt = select(TravelFlag.person_id).distinct()
    if area is not None:
        stmt = stmt.where(TravelFlag.risk_area_id == int(area))
    service.refresh(ctx, list(ctx.session.scalars(stmt)), f"risk area {area or 'all'} changed")


SUBSCRIPTIONS: tuple[tuple[type, Any], ...] = (
    (OrderChanged, on_order),
    (CaseOpened, on_case_opened),
    (CaseStatusChanged, on_case_status),
    (ContactConfirmed, on_contact),
    (PoolPositive, on_pool_positive),
    (ResultPositive, on_result_positive),
    (ResultsRecorded, on_results),
    (MedicineBuyerFlagged, on_duty),
    (TestingDutyCleared, on_duty),
    (TravelFlagCleared, on_flag_cleared),
    (ObservationRequired, on_observation),
    (TravelFlagsRaised, on_flags),
    (TravelFlagsCleared, on_flags),
)
