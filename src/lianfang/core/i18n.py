"""Message catalogs (Babel .po files, compiled in memory at start) and the request's locale."""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("zh_CN", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
current_locale: ContextVar[str] = ContextVar("current_locale", default="zh_CN")


@cache
def translations(locale: str) -> NullTranslations:
    """All catalogs of a locale (one .po file per module) merged into one set of translations."""
    paths = sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))
    if not paths:
        return NullTranslations()
    catalog = Catalog(locale=locale)
    for path in paths:
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id:
                    catalog[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def pick(zh: str, en: str) -> str:
    """Choose one side of a bilingual domain message for the current locale."""
    return en if current_locale.get() == "en" else zh
