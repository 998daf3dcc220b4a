"""Reading a photographed or uploaded QR code (the checkpoint page's photo, the test suite's PNGs) with
zxing-cpp; the text is then decoded as any pasted text is."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, UnidentifiedImageError

MAX_IMAGE = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 12-megapixel phone photo is well inside; decompression bombs are not


class PictureError(ValueError):
    """No QR code could be read; the message says why (English; the page shows its own text)."""


def read_qr(content: bytes) -> str:
    """The text of the first QR code in an image (PNG, JPEG, ...)."""
    if len(content) > MAX_IMAGE:
        raise PictureError("the image is larger than 8 MB")
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PictureError("the image has too many pixels")
            image.load()
            found = zxingcpp.read_barcodes(
                image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, PictureError):
            raise
        raise PictureError(f"not a readable image ({type(exc).__name__})") from None
    texts = [b.text for b in found if b.valid and b.text]
    if not texts:
        raise PictureError("no QR code found in the image")
    return texts[0]
