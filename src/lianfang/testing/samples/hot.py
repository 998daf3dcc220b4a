"""Sample registration at a city's scale: async hot paths (`core.web.App.add_hot_path`) whose requests
share commits through the group-commit writer (`core.group_commit`), each answered only after its
samples are committed.

- `POST /api/testing/tubes/{barcode}/samples`: one tube's scans (a device posts each scan, or the tube
  when its last swab is in).
- `POST /api/testing/samples/batch`: a team's device uploads many tubes at once (after a dead zone in the
  network, or as its normal rhythm); every tube is checked on its own: the valid ones are kept, each
  refused one is reported with its row and its bilingual reason, and a re-sent batch adds nothing.

A request is authenticated from a short-lived cache (`core.hot.Actors`, 15 s), its body is validated
and its codes turned into person look-up keys here (permission, barcode, ID-number check character,
time); the writer checks the rest against the database for the whole batch (`register`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from lianfang.core.clock import utcnow
from lianfang.core.errors import DomainError, Invalid
from lianfang.core.events import EventBus
from lianfang.core.group_commit import GroupCommitWriter
from lianfang.core.hot import Actors, HotEndpoint, validation_problems
from lianfang.core.jobs import Runtime
from lianfang.testing.samples import writer as register
from lianfang.testing.samples.writer import Registered, SampleRequest
from lianfang.testing.schemas import SamplesBatchIn, SamplesIn

MAX_BATCH = 2000  # requests per commit


class SampleWriter(GroupCommitWriter[SampleRequest, Registered]):
    name = "sample-writer"

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime.factory, max_batch=MAX_BATCH)
        self._runtime = runtime

    def write_batch(self, session: Session, items: list[SampleRequest]) -> list[Registered | DomainError]:
        return register.register(session, self._runtime.settings, self._runtime.bus, items)


@dataclass
class TubeState:
    """Per runtime: the writer and the actor cache of the registration paths."""

    runtime: Runtime
    writer: SampleWriter
    actors: Actors = field(default_factory=Actors)


_STATES: WeakKeyDictionary[EventBus, TubeState] = WeakKeyDictionary()
_LOCK = threading.Lock()


def state_for(runtime: Runtime) -> TubeState:
    state = _STATES.get(runtime.bus)
    if state is not None:
        return state
    with _LOCK:
        state = _STATES.get(runtime.bus)
        if state is None:
            state = TubeState(runtime, SampleWriter(runtime))
            _STATES[runtime.bus] = state
        return state


def registered_dict(done: Registered) -> dict[str, Any]:
    """The answer's shape (`schemas.SamplesOut`)."""
    return {
        "barcode": done.barcode,
        "sample_count": done.sample_count,
        "capacity": done.capacity,
        "full": done.full,
        "samples": [
            {
                "person_id": a.person.person_id,
                "sample_id": a.sample_id,
                "name_masked": a.person.name_masked,
                "id_masked": a.person.id_masked,
                "duplicate": a.duplicate,
            }
            for a in done.samples
        ],
    }


def _dumps(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


async def post_samples(request: Request, state: TubeState) -> tuple[int, bytes]:
    """One tube's scans: validate, write (awaiting the commit), describe the tube."""
    runtime = state.runtime
    actor = await state.actors.staff(request, runtime)
    try:
        data = SamplesIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise Invalid(validation_problems(exc)) from None
    barcode = str(request.path_params.get("barcode", ""))
    item = register.build_request(actor, runtime.settings, barcode, data.people, data.sampled_at, utcnow())
    done = await state.writer.write(item)
    return 200, _dumps(registered_dict(done))


def _error_dict(exc: DomainError) -> dict[str, Any]:
    return {
        "message_zh": exc.zh,
        "message_en": exc.en,
        "status": exc.status,
        "problems": [p.as_dict() for p in exc.problems],
    }


def batch_report(
    entries: Sequence[tuple[int, str]], outcomes: Sequence[Registered | BaseException]
) -> dict[str, Any]:
    """Per tube (row, barcode): its samples, or why it was refused; with totals."""
    tubes: list[dict[str, Any]] = []
    added = duplicates = refused = 0
    for (row, barcode), outcome in zip(entries, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            refused += 1
            tubes.append({"row": row, "barcode": barcode, "ok": False, "error": _error_dict(outcome)})
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            new = sum(1 for a in outcome.samples if not a.duplicate)
            added += new
            duplicates += len(outcome.samples) - new
            tubes.append({"row": row, "ok": True, **registered_dict(outcome)})
    return {
        "tubes_accepted": len(tubes) - refused,
        "tubes_refused": refused,
        "samples_added": added,
        "samples_duplicate": duplicates,
        "tubes": tubes,
    }


async def post_batch(request: Request, state: TubeState) -> tuple[int, bytes]:
    """Many tubes' scans from one device: each tube checked and answered on its own."""
    runtime = state.runtime
    actor = await state.actors.staff(request, runtime)
    try:
        data = SamplesBatchIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise Invalid(validation_problems(exc)) from None
    now = utcnow()
    entries = [(row, t.barcode) for row, t in enumerate(data.tubes, start=1)]
    outcomes: list[Registered | BaseException | None] = []
    items: list[SampleRequest] = []
    for row, tube in enumerate(data.tubes, start=1):
        try:
            item = register.build_request(
                actor, runtime.settings, tube.barcode, tube.people, tube.sampled_at, now, row
            )
        except DomainError as exc:
            if exc.status in (401, 403):
                raise
            outcomes.append(exc)
            continue
        items.append(item)
        outcomes.append(None)
    written = iter(await state.writer.write_many(items) if items else [])
    filled = [next(written) if o is None else o for o in outcomes]
    return 200, _dumps(batch_report(entries, filled))


def endpoints() -> list[tuple[str, str, HotEndpoint]]:
    """The hot paths to add to the app: (method, path, endpoint)."""

    async def one(request: Request) -> tuple[int, bytes]:
        return await post_samples(request, state_for(request.app.state.runtime))

    async def many(request: Request) -> tuple[int, bytes]:
        return await post_batch(request, state_for(request.app.state.runtime))

    return [
        ("POST", "/api/testing/tubes/{barcode}/samples", HotEndpoint(one, "POST tube samples")),
        ("POST", "/api/testing/samples/batch", HotEndpoint(many, "POST samples batch")),
    ]
