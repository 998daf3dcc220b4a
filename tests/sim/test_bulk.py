"""The bulk helpers the loader rests on: Fernet tokens built in bulk open with Fernet (and the app's
vault), look-up hashes are the identity module's, binary COPY rows are what PostgreSQL expects, and venue
codes are the registry's hand-typed codes."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import numpy as np
import pytest
from cryptography.fernet import Fernet

from lianfang.config import Settings
from lianfang.core.crypto import vault
from lianfang.people.rules import id_hash, phone_hash
from lianfang.sim.bulk import Col, encode_binary
from lianfang.sim.registry_rows import pseudonyms, venue_codes
from lianfang.sim.sealing import lookup_hashes, seal_many
from lianfang.venues.rules import is_code


@pytest.mark.parametrize(
    "values",
    [
        ["110105199001011234", "11010519900101123X"],
        ["13912345678"],
        ["", "a", "x" * 15, "y" * 16, "z" * 33, "张三", "长度不同的中文字符串"],
    ],
)
def test_bulk_tokens_open_with_fernet(values: list[str]) -> None:
    key = Fernet.generate_key().decode()
    tokens = seal_many(key, values)
    assert len(tokens) == len(values)
    assert [Fernet(key.encode()).decrypt(str(t).encode()).decode() for t in tokens] == values
    assert len(set(seal_many(key, values[:1] * 3).tolist())) == 3  # a random IV per token


def test_bulk_tokens_and_hashes_are_the_apps(settings: Settings) -> None:
    numbers = ["110105199001011234", "110108200512300021"]
    tokens = seal_many(settings.data_key, numbers)
    assert [vault(settings).open(str(t)) for t in tokens] == numbers
    ids = lookup_hashes(settings.lookup_key, "id", [f"resident_id:{n}" for n in numbers])
    assert ids == [id_hash(settings, "resident_id", n) for n in numbers]
    assert lookup_hashes(settings.lookup_key, "phone", ["13912345678"]) == [
        phone_hash(settings, "13912345678")
    ]


def _read_rows(payload: bytes, columns: int) -> list[list[bytes | None]]:
    rows, at = [], 0
    while at < len(payload):
        (count,) = struct.unpack_from(">h", payload, at)
        assert count == columns
        at += 2
        row: list[bytes | None] = []
        for _ in range(count):
            (length,) = struct.unpack_from(">i", payload, at)
            at += 4
            row.append(None if length == -1 else payload[at : at + length])
            at += max(length, 0)
        rows.append(row)
    return rows


def test_binary_copy_rows() -> None:
    moment = datetime(2021, 10, 16, 1, 2, 3, 456_000, tzinfo=UTC)
    cols = [
        Col("a", "int2", np.array([1, -2])),
        Col("b", "int8", np.array([2**40, 0])),
        Col("c", "bool", np.array([True, False])),
        Col("d", "date", np.array(["2000-01-02", "1999-12-31"], dtype="datetime64[D]")),
        Col("e", "ts", np.array([moment.replace(tzinfo=None)], dtype="datetime64[us]").repeat(2)),
        Col("f", "text", np.array(["张三", "ab"]), null=np.array([False, True])),
    ]
    rows = _read_rows(encode_binary(cols), len(cols))
    since_2000 = int((moment - datetime(2000, 1, 1, tzinfo=UTC)).total_seconds() * 1_000_000)
    assert rows[0] == [
        struct.pack(">h", 1),
        struct.pack(">q", 2**40),
        b"\x01",
        struct.pack(">i", 1),
        struct.pack(">q", since_2000),
        "张三".encode(),
    ]
    assert rows[1][:4] == [struct.pack(">h", -2), struct.pack(">q", 0), b"\x00", struct.pack(">i", -1)]
    assert rows[1][5] is None
    # The fixed-layout fast path (no NULLs, text of one length) gives the same bytes as the general one.
    fixed = [Col("x", "int4", np.arange(3)), Col("s", "text", np.array(["sim", "sim", "sim"]))]
    assert _read_rows(encode_binary(fixed), 2)[2] == [struct.pack(">i", 2), b"sim"]


def test_venue_codes_and_pseudonyms() -> None:
    codes = venue_codes(50_000, seed=3)
    assert len(set(codes.tolist())) == 50_000 and all(is_code(str(c)) for c in codes[:2_000])
    assert venue_codes(10, seed=3).tolist() == codes[:10].tolist()
    names = pseudonyms(7, 1_000)
    assert len(set(names.tolist())) == 1_000 and all(len(str(p)) == 20 for p in names)
