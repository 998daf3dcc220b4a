"""Order documents (管控告知书): bilingual text from the editable template
`templates/control/order_letter.txt`, printed as PDF (reportlab, already a project dependency for venue
posters; its built-in CID font STSong-Light renders Chinese without shipping a font), one order per page,
one at a time or in bulk for a selection."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

from lianfang.control import rules
from lianfang.control.access import READ, access_order
from lianfang.control.models import ControlOrder
from lianfang.control.service import person_of
from lianfang.core import audit
from lianfang.core.context import Ctx
from lianfang.core.errors import Invalid, Problem

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PDF_FONT = "STSong-Light"
_WRAP = 46  # characters per printed line (CJK width)


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, autoescape=False)  # noqa: S701


def letter_lines(ctx: Ctx, order: ControlOrder) -> list[str]:
    person = person_of(ctx, order)
    kind = rules.ORDER_KINDS[order.kind]
    cls = rules.PERSON_CLASSES.get(order.person_class, (order.person_class, order.person_class))
    edition = rules.EDITION_NAMES.get(order.edition, (order.edition, order.edition))
    swab = rules.SWABS.get(order.swab, (order.swab, order.swab))
    given = rules.GIVEN_HOW.get(order.given_how, (order.given_how, order.given_how))
    text = (
        _env()
        .get_template("control/order_letter.txt")
        .render(
            order=order,
            person=person,
            kind_zh=kind[0],
            kind_en=kind[1].lower(),
            class_zh=cls[0],
            class_en=cls[1],
            edition_zh=edition[0],
            edition_en=edition[1],
            swab_zh=swab[0],
            swab_en=swab[1],
            given_zh=given[0],
            given_en=given[1],
        )
    )
    return [line for line in text.splitlines() if line.strip()]


def _wrap(line: str) -> list[str]:
    return [line[i : i + _WRAP] for i in range(0, len(line), _WRAP)] or [""]


def orders_pdf(ctx: Ctx, order_ids: list[int]) -> bytes:
    """One page per order; every order must be in the actor's scope (else NotFound, nothing printed)."""
    ctx.actor.require(READ)
    if not order_ids or len(order_ids) > 500:
        raise Invalid([Problem("ids", "请选择1至500条", "select 1 to 500 orders")])
    orders = [access_order(ctx.session, ctx.actor, i) for i in order_ids]
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("管控告知书 control orders")
    for order in orders:
        y = height - 70
        for line in letter_lines(ctx, order):
            heading = line.startswith("# ")
            size = 18 if heading else 11
            for part in _wrap(line[2:] if heading else line):
                pdf.setFont(PDF_FONT, size)
                if heading:
                    pdf.drawCentredString(width / 2, y, part)
                else:
                    pdf.drawString(50, y, part)
                y -= size + 10
        pdf.showPage()
        audit.record(ctx, "control.order.document", "control_order", order.id, order.jurisdiction_path)
    pdf.save()
    return buffer.getvalue()
