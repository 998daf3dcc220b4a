"""Web plumbing: the request's unit of work, templates, locale, error rendering, CSRF."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lianfang.core import audit, i18n
from lianfang.core.access import ANONYMOUS, Actor
from lianfang.core.clock import to_local, utcnow
from lianfang.core.context import Ctx
from lianfang.core.errors import DomainError, Forbidden, Invalid, Problem, Unauthenticated
from lianfang.core.jobs import Runtime
from lianfang.core.tabular import MEDIA_TYPES, file_format, write_table

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
Authenticator = Callable[[Session, Request, Runtime], Actor]
# Macros imported from _macros.html see globals but not the render context, so the form token of the
# page being rendered travels in a context variable that a template global reads.
_page_csrf: ContextVar[str] = ContextVar("page_csrf", default="")


def _localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if value is None else to_local(value).strftime(fmt)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["localtime"] = _localtime
    env.globals["pick"] = i18n.pick
    env.globals["current_locale"] = i18n.current_locale.get
    env.globals["page_csrf"] = _page_csrf.get
    return templates


class LocaleMiddleware:
    """The request's language from ?lang= or the `lang` cookie; ?lang= is remembered in the cookie.

    Plain ASGI: Starlette's BaseHTTPMiddleware costs more per request than a whole venue scan."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_query = scope.get("query_string", b"")
        asked = (parse_qs(raw_query.decode("latin-1")).get("lang") or [""])[0] if raw_query else ""
        wanted = asked
        if not wanted:
            for name, value in scope.get("headers", ()):
                if name == b"cookie":
                    cookie: SimpleCookie = SimpleCookie(value.decode("latin-1"))
                    wanted = cookie["lang"].value if "lang" in cookie else ""
        default = scope["app"].state.runtime.settings.default_locale
        locale = wanted if wanted in i18n.LOCALES else default
        token = i18n.current_locale.set(locale)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and asked in i18n.LOCALES:
                cookie_header = f"lang={locale}; Max-Age={3600 * 24 * 365}; Path=/; SameSite=lax"
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie_header.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            i18n.current_locale.reset(token)


class App(FastAPI):
    """FastAPI with hot paths: a few exact (method, path) ASGI endpoints served ahead of the middleware
    stack and the router. Reaching a route through FastAPI's stack costs ~45 µs a request here, a third
    of the venue-scan budget at a city's peak; a hot endpoint renders its own errors and needs no
    locale (its answers carry both languages)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hot_paths: dict[tuple[str, str], ASGIApp] = {}
        self.hot_patterns: list[tuple[str, re.Pattern[str], ASGIApp]] = []

    def add_hot_path(self, method: str, path: str, endpoint: ASGIApp) -> None:
        """`path` is exact, or has `{name}` segments (one path segment each, in `scope["path_params"]`)."""
        if "{" in path:
            self.hot_patterns.append((method, _segment_pattern(path), endpoint))
        else:
            self.hot_paths[(method, path)] = endpoint
        self.middleware_stack = None  # rebuilt on the next request

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        if self.hot_paths or self.hot_patterns:
            return _HotPaths(stack, self.hot_paths, self.hot_patterns)
        return stack

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Exact hot paths skip FastAPI's and Starlette's entry too (7-14 µs a request, measured).
        if scope["type"] == "http" and (hot := self.hot_paths.get((scope["method"], scope["path"]))):
            scope["app"] = self
            await hot(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _segment_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", path)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$")


class _HotPaths:
    def __init__(
        self,
        app: ASGIApp,
        endpoints: dict[tuple[str, str], ASGIApp],
        patterns: list[tuple[str, re.Pattern[str], ASGIApp]] | None = None,
    ) -> None:
        self.app, self.endpoints, self.patterns = app, endpoints, patterns or []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self.endpoints.get((scope["method"], scope["path"]))
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
            for method, pattern, hot in self.patterns:
                if method == scope["method"] and (found := pattern.match(scope["path"])) is not None:
                    scope["path_params"] = found.groupdict()
                    await hot(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_ctx(request: Request) -> Iterator[Ctx]:
    """The request's unit of work: one session, committed when the handler returns without error."""
    runtime = runtime_of(request)
    session = runtime.factory()
    try:
        authenticate: Authenticator = request.app.state.authenticate
        actor = authenticate(session, request, runtime)
        ctx = Ctx(session=session, actor=actor, settings=runtime.settings, now=utcnow(), bus=runtime.bus)
        request.state.actor = actor
        yield ctx
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def staff_ctx(ctx: Ctx = Depends(get_ctx, scope="function")) -> Ctx:
    if ctx.actor.kind == "anonymous":
        raise Unauthenticated()
    if ctx.actor.kind != "staff":
        raise Forbidden()
    return ctx


def resident_ctx(ctx: Ctx = Depends(get_ctx, scope="function")) -> Ctx:
    if ctx.actor.kind == "anonymous":
        raise Unauthenticated()
    if ctx.actor.kind != "resident":
        raise Forbidden()
    return ctx


MAX_UPLOAD = 50 * 1024 * 1024


def read_upload(upload: UploadFile) -> bytes:
    content = upload.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise DomainError("文件超过50MB，请拆分后上传", "the file is larger than 50 MB; split it", 413)
    return content


def download(body: bytes, fmt: str, basename: str) -> Response:
    """A CSV or Excel export as an attachment; exports hold personal data, so nothing caches them."""
    fmt = file_format(fmt)
    headers = {"Content-Disposition": f'attachment; filename="{basename}.{fmt}"', "Cache-Control": "no-store"}
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


T = TypeVar("T")
K = TypeVar("K")
EXPORT_MAX_ROWS = 100_000  # a list export stops here; narrow the filters for more
EXPORT_BATCH = 1_000


def keyset_batches(
    fetch: Callable[[K | None, int], Sequence[T]],
    key: Callable[[T], K],
    batch: int = EXPORT_BATCH,
    cap: int = EXPORT_MAX_ROWS,
) -> Iterator[list[T]]:
    """A list's rows for an export, batch by batch: `fetch(after, limit)` is the page's own keyset query
    (same filters, same scope) and `key(row)` its keyset value, so nothing unbounded is loaded; at most
    `cap` rows in all. A fetch that returns one row more than asked (the "next page" probe) is fine."""
    after: K | None = None
    left = cap
    while left > 0:
        want = min(batch, left)
        rows = list(fetch(after, want))[:want]
        if not rows:
            return
        yield rows
        left -= len(rows)
        if len(rows) < want:
            return
        after = key(rows[-1])


def export_download(
    ctx: Ctx,
    fmt: str,
    basename: str,
    columns: Sequence[str],
    lines: Iterable[Sequence[object]],
    verb: str,
    subject_type: str,
    subject_id: object = None,
    jurisdiction_path: str | None = None,
    **detail: Any,
) -> Response:
    """A list exported as CSV or Excel: the file is written from `lines` (already masked as the page
    shows them), the export is one audit row (format, row count, filters in `detail`), then downloaded."""
    fmt = file_format(fmt)
    counter = [0]

    def counted() -> Iterator[Sequence[object]]:
        for line in lines:
            counter[0] += 1
            yield line

    body = write_table(fmt, columns, counted(), basename)
    audit.record(
        ctx,
        verb,
        subject_type,
        subject_id,
        jurisdiction_path if jurisdiction_path is not None else ctx.actor.scope_path,
        export=True,
        format=fmt,
        rows=counter[0],
        **detail,
    )
    return download(body, fmt, basename)


def selected_ids(values: Sequence[object], field: str = "ids") -> list[int]:
    """The rows ticked on a bulk form, each once, in the order sent. A value that is not a row number
    (a stale or altered form) is a problem on the form, not the generic "request is not valid" page."""
    ids: list[int] = []
    for value in values:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            shown = text[:20]
            raise Invalid([Problem(field, f"所选记录无效：{shown}", f"not a valid selection: {shown}")])
        ids.append(int(text))
    return list(dict.fromkeys(ids))


def apply_selection(
    ctx: Ctx,
    values: Sequence[object],
    apply: Callable[[list[int]], T],
    again: Callable[[list[Problem]], Response],
    done: Callable[[T], Response],
    field: str = "ids",
) -> Response:
    """A bulk form: parse the selection, hand it to the module's bulk service (which checks every row and
    writes all of them or none), answer `done(result)`. On a bad id or the service's Invalid (one problem
    per row), the request's writes are rolled back and `again(problems)` shows the form with them.
    Other errors (not found, forbidden) propagate to the error page as they do for single rows."""
    try:
        result = apply(selected_ids(values, field))
    except Invalid as exc:
        ctx.session.rollback()
        return again(list(exc.problems))
    return done(result)


def csrf_token(request: Request) -> str:
    session_token = request.cookies.get("lianfang_session", "")
    secret = runtime_of(request).settings.secret_key.encode()
    return hmac.new(secret, f"csrf:{session_token}".encode(), hashlib.sha256).hexdigest()[:32]


async def check_csrf(request: Request) -> None:
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent, csrf_token(request)):
        raise DomainError(
            "表单已过期，请刷新后重试", "the form has expired; reload the page and try again", 403
        )


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    actor: Actor = getattr(request.state, "actor", ANONYMOUS)
    token = csrf_token(request)
    reset = _page_csrf.set(token)
    try:
        return templates.TemplateResponse(
            request,
            template,
            {"actor": actor, "csrf_token": token, "locale": i18n.current_locale.get(), **context},
            status_code=status_code,
        )
    finally:
        _page_csrf.reset(reset)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_json(exc: DomainError) -> JSONResponse:
    """The JSON error body. Returning it (instead of raising) lets the request's writes commit."""
    body = {
        "error": {
            "message": i18n.pick(exc.zh, exc.en),
            "message_zh": exc.zh,
            "message_en": exc.en,
            "problems": [p.as_dict() for p in exc.problems],
        }
    }
    return JSONResponse(body, status_code=exc.status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if wants_json(request):
            return error_json(exc)
        if exc.status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return render(request, "error.html", status_code=exc.status, error=exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        zh = {404: "页面不存在", 405: "不支持此操作"}.get(exc.status_code, "请求无法处理")
        en = {404: "page not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        error = DomainError(zh, en, exc.status_code)
        if wants_json(request):
            return error_json(error)
        return render(request, "error.html", status_code=exc.status_code, error=error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if not wants_json(request):
            found = [
                Problem(
                    ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "form")),
                    "输入不符合要求",
                    str(err.get("msg", "")),
                )
                for err in exc.errors()
            ]
            error = DomainError(
                "提交的内容有误，请检查后重试", "the request is not valid; check the fields", 422, found
            )
            return render(request, "error.html", status_code=422, error=error)
        problems = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "row": None,
                "message": "输入不符合要求：" + str(err.get("msg", "")),
                "message_en": str(err.get("msg", "")),
            }
            for err in exc.errors()
        ]
        message = i18n.pick("提交的内容有误，请检查后重试", "the request is not valid; check the fields")
        return JSONResponse({"error": {"message": message, "problems": problems}}, status_code=422)
