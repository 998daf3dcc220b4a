"""The locale middleware as plain ASGI: what `core.web.LocaleMiddleware` does (choose the request's
language from ?lang= or the `lang` cookie, remember ?lang= in a cookie) without BaseHTTPMiddleware,
whose per-request task and stream machinery costs more than the whole scan. Proposed for core.web;
the scan benchmark measures the app with it too (`--asgi-locale`), clearly labelled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from lianfang.core import i18n

Message = MutableMapping[str, Any]
ASGI = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


class AsgiLocaleMiddleware:
    def __init__(self, app: ASGI) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = (
            parse_qs(scope.get("query_string", b"").decode("latin-1")) if scope.get("query_string") else {}
        )
        asked = (query.get("lang") or [""])[0]
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
                cookie = f"lang={locale}; Max-Age={3600 * 24 * 365}; Path=/; SameSite=lax"
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            i18n.current_locale.reset(token)


def create_app():  # type: ignore[no-untyped-def]
    """`lianfang.app.create_app()` with the ASGI locale middleware in place of the BaseHTTPMiddleware one."""
    from starlette.middleware import Middleware

    from lianfang.app import create_app as real
    from lianfang.core.web import LocaleMiddleware

    app = real()
    app.user_middleware = [
        Middleware(AsgiLocaleMiddleware) if m.cls is LocaleMiddleware else m  # type: ignore[arg-type]
        for m in app.user_middleware
    ]
    return app
