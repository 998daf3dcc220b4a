"""The registry's own catalog translates every message its templates use (so it stands on its own)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from lianfang.core import i18n

TEMPLATES = i18n.LOCALE_DIR.parent / "templates"
CATALOG = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "people.po"


def _msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        found = babel_extract(handle, ("_", "gettext", "ngettext"), [], {"extensions": "jinja2.ext.i18n"})
        return {message for _line, _func, message, _comments in found if isinstance(message, str)}


def test_people_po_translates_every_registry_template_message():
    used: set[str] = set()
    for path in [*sorted((TEMPLATES / "people").glob("*.html")), TEMPLATES / "me.html"]:
        used |= _msgids(path)
    with CATALOG.open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string}
    assert len(used) > 40
    assert used <= translated, sorted(used - translated)
