"""The assignments catalog alone translates every message its templates use."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from lianfang.core.i18n import LOCALE_DIR
from lianfang.core.web import TEMPLATE_DIR, make_templates


def test_every_assignments_template_message_is_in_the_assignments_catalog():
    env = make_templates().env
    used = {
        message
        for path in sorted(Path(TEMPLATE_DIR, "assignments").glob("*.html"))
        for _line, _function, message in env.extract_translations(path.read_text(encoding="utf-8"))
        if isinstance(message, str)
    }
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "assignments.po").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle, locale="zh_CN") if m.id}
    assert len(used) > 40
    assert sorted(m for m in used if not catalog.get(m)) == []
