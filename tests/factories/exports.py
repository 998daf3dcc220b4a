"""Reading a CSV export answer in tests: the rows as dicts, after checking it is a successful download."""

from __future__ import annotations

import csv
import io
from typing import Any


def csv_rows(response: Any, *, no_store: bool = False) -> list[dict[str, str]]:
    """The rows of a CSV export (UTF-8 with BOM); `no_store`: also check that nothing may cache it."""
    assert response.status_code == 200, response.text
    if no_store:
        assert response.headers["cache-control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
