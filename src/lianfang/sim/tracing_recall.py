"""Tracing a simulated outbreak as a diligent investigator would, and measuring it against the truth
(ANALYTICS.md §3.5). Lives in `sim` because only the simulation layer may read the ground truth.

`trace_run` walks the run's detected infections in the order they were found; each becomes a case at its
detection time (onset or sampling from the truth), its contacts are proposed by the rules and every close
and secondary proposal is confirmed and sent. A person who was already a confirmed contact when found is
"found under control". `recall` then compares what was flagged with who the cases truly infected, next to
the baselines §3.5 names (household-only, random selection of as many people, oracle)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import SHANGHAI
from lianfang.core.context import Ctx
from lianfang.core.events import EventBus
from lianfang.people.models import Person
from lianfang.sim.models import SimInfection, SimPersonTruth, SimRun
from lianfang.tracing import rules
from lianfang.tracing.cases import service
from lianfang.tracing.contacts import service as contacts
from lianfang.tracing.metrics import rules as metrics
from lianfang.tracing.models import TracingCase, TracingContact

INFECTIOUS_AFTER = timedelta(days=2)  # an undetected asymptomatic infection: managed "in time" before this
FOUND_BY = {"care": "clinic", "pharmacy": "clinic", "screening": "community_screening"}


def _at(run: SimRun, day: int, hour: int) -> datetime:
    return datetime.combine(run.start_date + timedelta(days=day), clock_time(hour), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class TraceSummary:
    cases: int
    contacts: int
    seconds: float


def trace_run(
    session: Session,
    settings: Settings,
    run: SimRun,
    edition: str = "9th",
    limit: int | None = None,
    progress: Callable[[str], object] | None = None,
    confirm_reasons: frozenset[str] | None = None,
) -> TraceSummary:
    """Open, propose and confirm the cases of a run in detection order (one transaction: the caller's)."""
    pinned = settings.model_copy(update={"tracing_edition": edition})
    bus = EventBus()
    rows = session.execute(
        select(SimPersonTruth)
        .where(SimPersonTruth.run_id == run.id, SimPersonTruth.detected_day.is_not(None))
        .order_by(SimPersonTruth.detected_day, SimPersonTruth.person_id)
    ).scalars()
    started, cases, confirmed = time.perf_counter(), 0, 0
    for truth in rows:
        if limit is not None and cases >= limit:
            break
        assert truth.detected_day is not None
        found = _at(run, truth.detected_day, 14)
        ctx = Ctx(session=session, actor=SYSTEM, settings=pinned, now=found, bus=bus)
        onset = (
            _at(run, truth.onset_day, 9)
            if truth.onset_day is not None and truth.onset_day <= truth.detected_day
            else None
        )
        data = service.CaseInput(
            truth.person_id,
            "asymptomatic" if onset is None else "confirmed",
            "lab",
            FOUND_BY.get(truth.detection_route or "", "community_screening"),
            "unknown",
            onset,
            _at(run, truth.detected_day, 8),
            found,
        )
        case = service.open_case(ctx, data)
        contacts.propose(ctx, case.id)
        wanted = [
            c.id
            for c in session.scalars(select(TracingContact).where(TracingContact.case_id == case.id))
            if c.status == "proposed"
            and c.category in ("close", "secondary")
            and (confirm_reasons is None or c.reason in confirm_reasons)
        ]
        for start in range(0, len(wanted), contacts.BULK_MAX):
            confirmed += len(contacts.decide(ctx, wanted[start : start + contacts.BULK_MAX], "confirm"))
        cases += 1
        if progress and cases % 10 == 0:
            progress(f"{cases} cases traced, {confirmed} contacts confirmed")
    return TraceSummary(cases, confirmed, time.perf_counter() - started)


def demo_cases(session: Session, settings: Settings, run: SimRun) -> str:
    """The demo: every detected case opened and proposed; household contacts confirmed and sent (the rest
    wait on the investigation page); each case linked to its source case as an investigation would find
    it, and the linked cases gathered in one cluster with its chain graph."""
    summary = trace_run(session, settings, run, confirm_reasons=frozenset({"household"}))
    cases = {c.person_id: c for c in session.scalars(select(TracingCase))}
    if not cases:
        return "no detected cases to trace"
    ctx = Ctx(
        session=session,
        actor=SYSTEM,
        settings=settings,
        now=max(c.reported_at for c in cases.values()),
        bus=EventBus(),
    )
    linked: set[int] = set()
    for inf in session.scalars(select(SimInfection).where(SimInfection.run_id == run.id)):
        case, source = cases.get(inf.infectee_id), cases.get(inf.infector_id or -1)
        if case is not None and source is not None and case.infector_case_id is None:
            service.update_case(ctx, case.id, {"infector_case_id": source.id})
            linked |= {case.id, source.id}
    if linked:
        service.create_cluster(ctx, f"{run.scenario} 聚集性疫情", "community", sorted(linked))
    return f"{summary.cases} cases traced, {summary.contacts} household contacts sent"


def recall(session: Session, run: SimRun) -> metrics.Recall:
    """Tracing recall of the cases traced on this run's people (ANALYTICS.md §3.5)."""
    cases = list(session.scalars(select(TracingCase).where(TracingCase.status != "discarded")))
    case_people = {c.person_id: c for c in cases}
    infections = list(session.scalars(select(SimInfection).where(SimInfection.run_id == run.id)))
    truth = {
        t.person_id: t for t in session.scalars(select(SimPersonTruth).where(SimPersonTruth.run_id == run.id))
    }
    flagged_rows = session.execute(
        select(TracingContact.person_id, TracingContact.decided_at).where(
            TracingContact.status == "confirmed", TracingContact.category.in_(("close", "secondary"))
        )
    ).all()
    managed: dict[int, datetime] = {}
    for person_id, decided in flagged_rows:
        if person_id is not None and decided is not None:
            managed[person_id] = min(decided, managed.get(person_id, decided))
    targets: set[int] = set()
    for inf in infections:
        source = case_people.get(inf.infector_id or -1)
        if source is None:
            continue
        start = rules.lookback_start(
            rules.reference_time(source.onset_at, source.sampled_at, source.reported_at), source.lookback_days
        )
        if start <= inf.infected_at < (source.isolated_at or source.reported_at):
            targets.add(inf.infectee_id)  # infected in the window the tracing of the source looks at
    households = {
        p.household_id
        for p in session.scalars(select(Person).where(Person.id.in_(list(case_people))))
        if p.household_id
    }
    household_flagged = (
        set(session.scalars(select(Person.id).where(Person.household_id.in_(list(households)))))
        if households
        else set()
    )
    detected = cases
    in_time = 0
    for inf in infections:
        t = truth.get(inf.infectee_id)
        if t is None:
            continue
        deadline = _at(run, t.onset_day, 0) if t.onset_day is not None else inf.infected_at + INFECTIOUS_AFTER
        if inf.infectee_id in managed and managed[inf.infectee_id] < deadline:
            in_time += 1
    population = int(session.scalar(select(func.count()).select_from(Person)) or 0)
    return metrics.tracing_recall(
        targets,
        set(managed),
        household_flagged,
        population,
        (sum(c.found_by == "under_control" for c in detected), len(detected)),
        (in_time, len(infections)),
    )


def register(app: typer.Typer) -> None:
    @app.command("trace-recall")
    def trace_recall(
        run_id: int = typer.Option(0, "--run", help="simulation run (default: the latest)"),
        trace: bool = typer.Option(True, "--trace/--no-trace", help="first trace the run's detected cases"),
        edition: str = typer.Option("9th", help="防控方案 edition to judge by"),
        as_json: bool = typer.Option(False, "--json", help="print JSON"),
    ) -> None:
        """Trace a simulated run's detected cases and print the tracing recall against its ground truth."""
        import json

        from lianfang.core.db import make_engine, make_session_factory, transaction
        from lianfang.sim.truth_queries import latest_run

        settings = Settings()
        factory = make_session_factory(make_engine(settings))
        with transaction(factory) as session:
            run = session.get(SimRun, run_id) if run_id else latest_run(session)
            if run is None:
                raise typer.BadParameter("no simulation run")
            summary = trace_run(session, settings, run, edition, progress=typer.echo) if trace else None
            result = metrics.recall_as_dict(recall(session, run))
        out = {"run": run.id, "traced": summary.__dict__ if summary else None, **result}
        if as_json:
            typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        else:
            for key, value in out.items():
                typer.echo(f"{key:>22}: {value}")
