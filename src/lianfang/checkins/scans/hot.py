"""The single-scan path, built for a city's gates: async, no per-request session on the hot path.

A request is authenticated from a short-lived cache of tokens (15 s: a revoked token stops working
within that), its body is validated, the code comes from a short-lived cache (a miss is one trip to a
worker thread, shared by every request waiting for the same code), and the row, naming its person by a
look-up key, goes to the group-commit writer, which resolves the persons of a whole batch in one query,
commits and reads the batch's health statuses in one more; the request answers when its row is
committed (a status the batch could not give is read by the request, in a worker thread). Errors are
raised as domain errors and rendered like every API error. Used by `POST /api/scans` and by the scan
page's form."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from lianfang.checkins.rules import Status
from lianfang.checkins.scans.ports import provider_for
from lianfang.checkins.scans.schemas import ScanIn
from lianfang.checkins.scans.service import build_row, input_problems, scan_problems, status_of
from lianfang.checkins.scans.views import CodeInfo, ScanState, person_key, state_for
from lianfang.checkins.scans.writer import Written
from lianfang.core import hot, i18n
from lianfang.core.clock import utcnow
from lianfang.core.db import transaction
from lianfang.core.errors import DomainError, Forbidden, Invalid, Unauthenticated
from lianfang.core.hot import validation_problems
from lianfang.core.web import error_json

log = logging.getLogger(__name__)


def _status_in_thread(state: ScanState, person_id: int | None, now: datetime) -> Status:
    with transaction(state.runtime.factory) as session:
        return status_of(session, state.runtime.bus, person_id, now)


async def status_for(state: ScanState, person_id: int | None, now: datetime) -> Status:
    if person_id is not None and provider_for(state.runtime.bus).needs_session:
        return await run_in_threadpool(_status_in_thread, state, person_id, now)
    return status_of(None, state.runtime.bus, person_id, now)


def status_dict(status: Status) -> dict[str, Any]:
    return {
        "colour": status.colour,
        "label": i18n.pick(status.label_zh, status.label_en),
        "label_zh": status.label_zh,
        "label_en": status.label_en,
        "alert": status.alert,
        "known": status.known,
        "popups": status.popups,
    }


def result_body(written: Written, code: CodeInfo, status: Status) -> bytes:
    person = written.person
    visitor = None
    if person is not None:
        visitor = {
            "person_id": person.person_id,
            "name_masked": person.name_masked,
            "id_masked": person.id_masked,
        }
    body = {
        "scan_id": written.scan_id,
        "duplicate": written.duplicate,
        "venue_id": code.venue_id,
        "venue_name": code.venue_name,
        "scanned_at": written.scanned_at.isoformat(),
        "stay_until": written.stay_until.isoformat(),
        "visitor": visitor,
        "status": status_dict(status),
    }
    return json.dumps(body, ensure_ascii=False).encode()


async def post_scan(request: Request, state: ScanState) -> tuple[int, bytes]:
    """Validate, write (awaiting the commit) and describe one scan posted by a device."""
    actor = await hot.cached_actor(request, state.runtime, state.actors, state.flights)
    if actor.kind == "anonymous":
        raise Unauthenticated()
    if actor.kind != "staff":
        raise Forbidden()
    try:
        data = ScanIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise Invalid(validation_problems(exc)) from None
    now = utcnow()
    item = data.to_input()
    problems = input_problems(item, now, None)
    if problems:
        raise Invalid(problems)
    code = await state.code_async(item.code)
    problems = scan_problems(actor, item, code, now, state.retention, None)
    if problems:
        raise Invalid(problems)
    assert code is not None
    key = person_key(item.person_pseudonym, item.id_number, state.hasher)
    row = build_row(
        code, None, None, item.scanned_at or now, item.left_at, "api", item.idempotency_key, now, key
    )
    written = await state.writer.write(row)  # raises Invalid when the person is not registered
    status = written.status or await status_for(state, written.person_id, now)
    return (200 if written.duplicate else 201), result_body(written, code, status)


class ScanEndpoint:
    """`POST /api/scans` as a hot path of the app (`core.web.App`): FastAPI's middleware stack, router
    and per-route machinery cost more than the whole scan. It renders its errors as every API error is
    rendered (`error_json`); an unexpected failure is logged and answered with a bilingual 500."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            status, body = await post_scan(request, state_for(scope["app"].state.runtime))
        except DomainError as exc:
            await error_json(exc)(scope, receive, send)
            return
        except Exception:
            log.exception("POST /api/scans failed")
            failure = DomainError("服务器内部错误，请稍后重试", "internal server error; try again later", 500)
            await error_json(failure)(scope, receive, send)
            return
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
