"""Printable venue-code posters (场所码): PDF and PNG, bilingual, with the venue's name, the entrance
label, the QR code (it encodes `{base}/s/{token}`) and the short code for manual entry.

PDF: reportlab's built-in CID font STSong-Light renders Chinese with no font file shipped; the QR is
drawn as vector squares. PNG: Chinese needs a CJK font on the machine (Noto Sans CJK from Debian's
fonts-noto-cjk, or WenQuanYi); without one the PNG keeps the QR and the short code and prints the text
in English only (the PDF is always bilingual)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
PDF_FONT = "STSong-Light"


@dataclass(frozen=True)
class PosterText:
    venue_name: str
    label: str
    url: str
    short_code: str
    manual_url: str


def qr_png(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    return buffer.getvalue()


def poster_pdf(text: PosterText) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{text.venue_name} 场所码")

    def centred(y: float, size: float, line: str) -> None:
        pdf.setFont(PDF_FONT, size)
        pdf.drawCentredString(width / 2, y, line)

    centred(height - 70, 30, "场所码 · 扫码登记")
    centred(height - 98, 15, "Venue check-in code")
    centred(height - 150, 24, text.venue_name[:30])
    if text.label:
        centred(height - 178, 15, text.label[:40])
    qr = segno.make(text.url, error="m")
    modules = qr.matrix
    side = 330.0
    cell = side / len(modules)
    left, top = (width - side) / 2, height - 210
    for r, line in enumerate(modules):
        for c, dark in enumerate(line):
            if dark:
                pdf.rect(left + c * cell, top - (r + 1) * cell, cell, cell, stroke=0, fill=1)
    base = top - side - 40
    centred(base, 18, "请用手机扫码登记 · Scan with your phone to check in")
    centred(base - 40, 15, f"手工登记编码 Manual entry code: {text.short_code}")
    centred(base - 62, 11, text.manual_url)
    centred(base - 100, 11, "扫码即登记到访并显示本人健康状态，请向工作人员出示")
    centred(base - 116, 11, "Scanning registers your visit and shows your health status: show it at the door")
    centred(40, 9, "lianfang 联防 · 登记信息仅用于疫情防控溯源 / used only for outbreak tracing")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@cache
def cjk_font_path() -> Path | None:
    return next((p for p in CJK_FONTS if p.exists()), None)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path is None:
        return ImageFont.load_default(size)
    for index in range(8):  # a .ttc holds several faces; prefer Simplified Chinese
        try:
            face = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            break
        if "SC" in " ".join(n or "" for n in face.getname()):
            return face
    return ImageFont.truetype(str(path), size)


def poster_png(text: PosterText) -> bytes:
    """A 1240x1754 image (A4 at 150 dpi)."""
    width, height = 1240, 1754
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    chinese = cjk_font_path() is not None

    def centred(y: int, size: int, line: str) -> None:
        font = _font(size)
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((width - (box[2] - box[0])) / 2, y), line, fill="black", font=font)

    centred(90, 64, "场所码 · Venue check-in code" if chinese else "Venue check-in code")
    name = text.venue_name if chinese else text.venue_name.encode("ascii", "replace").decode()
    centred(210, 52, name[:24])
    if text.label:
        centred(290, 36, text.label[:36] if chinese else text.label.encode("ascii", "replace").decode())
    qr = (
        Image.open(io.BytesIO(qr_png(text.url, scale=20)))
        .convert("RGB")
        .resize((760, 760), Image.Resampling.NEAREST)
    )
    image.paste(qr, ((width - 760) // 2, 360))
    centred(
        1150, 36, "请用手机扫码登记 · Scan to check in" if chinese else "Scan with your phone to check in"
    )
    centred(1240, 40, f"{'手工登记编码 ' if chinese else ''}Manual entry code: {text.short_code}")
    centred(1310, 26, text.manual_url)
    if not chinese:
        centred(1380, 22, "(no CJK font on this server: Chinese text is in the PDF poster)")
    centred(1660, 22, "lianfang 联防" if chinese else "lianfang")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
