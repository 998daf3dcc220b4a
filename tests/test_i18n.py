"""Every msgid used in a template has a Chinese translation (zh-CN is the default language)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from lianfang.core import i18n

TEMPLATES = Path(i18n.__file__).resolve().parent.parent / "templates"


def template_msgids() -> dict[str, str]:
    found: dict[str, str] = {}
    method_map = [("**.html", "jinja2.ext:babel_extract")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(TEMPLATES), method_map, options_map=options
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, filename)
    return found


def test_every_template_message_has_a_chinese_translation():
    catalog = i18n.translations("zh_CN")
    missing = {m: f for m, f in template_msgids().items() if catalog.gettext(m) == m}
    assert not missing, "untranslated msgids (add them to a zh_CN .po file): " + repr(missing)


def test_templates_use_some_messages():
    assert len(template_msgids()) > 50


def test_a_msgid_means_the_same_in_every_catalog():
    """Catalogs are merged into one; a msgid translated two ways would show one of them at random."""
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue
                first = seen.setdefault(str(message.id), (path.name, str(message.string)))
                if first[1] != message.string:
                    clashes.append((message.id, first, (path.name, message.string)))
    assert not clashes, f"use one translation per msgid (or a more specific msgid): {clashes}"
