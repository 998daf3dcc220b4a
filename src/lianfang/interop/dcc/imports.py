"""The trust list: the document signer certificates (DSC) whose signatures are accepted, by key id.

The file is the DSC list the national gateways publish (docs/interop.md, "Trust list"):

- the EU DCC Gateway's `GET /trustList/DSC` answer: a JSON array of items
  `{"kid", "country", "certificateType": "DSC", "rawData", "thumbprint", "timestamp", "signature"}`;
- the same items under `{"certificates": [...]}`, as national verifier back ends serve them, optionally
  preceded by one line holding the back end's signature over the JSON (that signature is not checked:
  the file is trusted as the operator installed it).

`rawData` is the base64 DER certificate; `kid` (base64) must be the first 8 bytes of the SHA-256 of
that DER, `thumbprint` (hex, optional) all 32 of them. A wrong entry makes the whole file refused, with
the entry's number, so a half-loaded list never verifies anything.

Reading a photographed or uploaded QR code (the checkpoint page's photo, the test suite's PNGs) with
zxing-cpp; the text is then decoded as any pasted text is."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from typing import Any

import zxingcpp
from PIL import Image, UnidentifiedImageError

from lianfang.interop.dcc.codec import Signer, kid_of, signer_of

MAX_FILE = 20 * 1024 * 1024  # the EU list of 2022 held about 1,000 certificates in ~2 MB


class TrustListError(ValueError):
    """The file is not a DSC list; the message says what and where."""


def entry_for(der: bytes, country: str) -> dict[str, str]:
    """A trust-list item for a DER certificate, as the gateway writes it (tests, benchmarks, docs)."""
    return {
        "kid": base64.b64encode(kid_of(der)).decode(),
        "country": country,
        "certificateType": "DSC",
        "rawData": base64.b64encode(der).decode(),
        "thumbprint": hashlib.sha256(der).hexdigest(),
    }


def _items(content: bytes) -> list[Any]:
    if len(content) > MAX_FILE:
        msg = f"the file is larger than {MAX_FILE // (1024 * 1024)} MB"
        raise TrustListError(msg)
    try:
        text = content.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise TrustListError("the file is not UTF-8 text") from None
    if text and text[0] not in "[{":
        text = text.partition("\n")[2].strip()  # a signed list: the signature line, then the JSON
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"the file is not JSON ({exc.msg}, line {exc.lineno})"
        raise TrustListError(msg) from None
    if isinstance(data, dict):
        data = data.get("certificates")
    if not isinstance(data, list):
        msg = 'a DSC list is a JSON array of certificates, or {"certificates": [...]}'
        raise TrustListError(msg)
    return data


def _entry(number: int, item: object) -> Signer:
    def bad(what: str) -> TrustListError:
        return TrustListError(f"certificate {number} of the trust list: {what}")

    if not isinstance(item, dict):
        raise bad("not a JSON object")
    if item.get("certificateType", "DSC") != "DSC":
        raise bad("certificateType is not DSC")
    try:
        der = base64.b64decode(str(item.get("rawData", "")), validate=True)
        signer = signer_of(der, str(item.get("country", ""))[:2].upper())
    except (binascii.Error, ValueError) as exc:
        raise bad(f"rawData is not a usable base64 DER certificate ({exc})") from None
    kid = item.get("kid")
    if kid is not None:
        try:
            claimed = base64.b64decode(str(kid), validate=True)
        except binascii.Error:
            raise bad("kid is not base64") from None
        if claimed != signer.kid:
            raise bad("kid is not the first 8 bytes of the certificate's SHA-256")
    thumbprint = item.get("thumbprint")
    if thumbprint is not None and str(thumbprint).lower() != hashlib.sha256(der).hexdigest():
        raise bad("thumbprint is not the certificate's SHA-256")
    return signer


def load(content: bytes) -> dict[bytes, Signer]:
    """The signers of a DSC list file, by kid; TrustListError naming the first thing wrong."""
    return {s.kid: s for s in (_entry(n, item) for n, item in enumerate(_items(content), start=1))}


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
