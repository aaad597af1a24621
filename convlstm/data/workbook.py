"""Excel workbooks in: the sheet that holds the data, as CSV text for the reader.

An ``.xlsx`` workbook (Excel 2007 and later, also what Google Sheets and Numbers
export) is a ZIP archive of XML parts. :func:`workbook_text` picks the sheet with the
most numbers (a cover or notes sheet first is common in official downloads), writes
its cell values as comma-separated text and leaves everything else (preamble rows,
header, number formats, dates) to :func:`convlstm.data.reader.read_csv`, so a
workbook is read exactly as its CSV export would be.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from typing import Any

from ..errors import DataError

#: Largest uncompressed size of a workbook's parts, in bytes: a 50 MB upload may
#: expand far beyond that (a ZIP bomb), and the XML of 20 million cells fits in it.
MAX_UNPACKED_BYTES = 2_000_000_000

#: Most cells one sheet may hold: openpyxl reads about 70,000 a second on one
#: core, so this is under a minute; a larger table reads far faster as CSV.
MAX_WORKBOOK_CELLS = 3_000_000

_SAVE_AS_CSV = "open it in Excel (or LibreOffice) and save the sheet as CSV"


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is an Excel ``.xlsx`` workbook (a ZIP archive holding
    ``xl/workbook.xml``), not any other ZIP archive."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def workbook_sheets(data: bytes) -> list[str]:
    """The names of the worksheets of ``data``, in the workbook's order; empty
    when it is no ``.xlsx`` workbook or cannot be opened (the reader says why)."""
    if not is_workbook(data):
        return []
    try:
        import openpyxl  # noqa: PLC0415  (only a workbook needs it)

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # missing or damaged: read_csv's message says so
        return []
    try:
        return [ws.title for ws in book.worksheets]
    finally:
        book.close()


def workbook_text(
    data: bytes, max_cells: int, sheet: str | None = None
) -> tuple[str, list[str], list[str]]:
    """The cells of the workbook's data sheet as CSV text, notes on what was
    read, and the names of its worksheets, the sheet read first.

    The data sheet is ``sheet``, or the one with the most numeric cells (dates
    count as numbers; ties keep the first). Formulas are read as the values
    Excel last saved with them.

    Args:
        data: the ``.xlsx`` file's bytes (see :func:`is_workbook`).
        max_cells: the most cells (empty ones included) any sheet may hold.
        sheet: the name of the sheet to read; None to choose.

    Raises:
        DataError: the workbook is damaged, too large, holds no cells, or has
            no sheet ``sheet``.
    """
    try:
        import openpyxl  # noqa: PLC0415  (only a workbook needs it)
    except ImportError:  # pragma: no cover - a runtime requirement
        raise DataError(
            "reading Excel workbooks needs the openpyxl package (pip install "
            f"openpyxl), or {_SAVE_AS_CSV}"
        ) from None
    _check_unpacked(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(
            f"this Excel workbook could not be opened ({type(exc).__name__}: it "
            f"may be damaged); {_SAVE_AS_CSV}"
        ) from None
    try:
        names = [ws.title for ws in book.worksheets]
        if not names:
            raise DataError(f"this Excel workbook has no worksheets; {_SAVE_AS_CSV}")
        if sheet is not None:
            if sheet not in names:
                raise DataError(
                    f"this Excel workbook has no sheet {sheet!r}; its sheets: "
                    + ", ".join(repr(name) for name in names)
                )
            best, rows = names.index(sheet), _sheet_rows(book[sheet], max_cells)
        else:
            read = [_sheet_rows(ws, max_cells) for ws in book.worksheets]
            counts = [_numbers_in(r) for r in read]
            best = max(range(len(read)), key=lambda i: (counts[i], -i))
            rows = read[best]
    finally:
        book.close()
    name = names[best]
    if not any(rows):
        raise DataError(
            f"sheet {name!r} of this Excel workbook is empty"
            if sheet is not None
            else "this Excel workbook's sheets are all empty"
        )
    notes = [f"read sheet {name!r} of the Excel workbook"]
    others = [title for i, title in enumerate(names) if i != best]
    if others:
        listed = ", ".join(repr(title) for title in others[:5])
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        chosen = (
            "the sheet asked for"
            if sheet is not None
            else "the sheet with the most numbers"
        )
        notes[0] += (
            f", {chosen} (also in the workbook: {listed}{more}; choose another "
            "with sheet=..., --sheet, or Sheet on the Data page)"
        )
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue(), notes, [name, *others]


def _check_unpacked(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError(f"this Excel workbook is damaged; {_SAVE_AS_CSV}") from None
    if size > MAX_UNPACKED_BYTES:
        raise DataError(
            f"this Excel workbook unpacks to {size / 1e9:.1f} GB, more than the "
            f"{MAX_UNPACKED_BYTES / 1e9:.0f} GB allowed; keep only the time column "
            "and the values you need and save it as CSV"
        )


def _sheet_rows(ws: Any, max_cells: int) -> list[list[str]]:
    """A worksheet's rows as text cells, each as wide as the widest (as Excel's
    CSV export pads them), an empty row as a blank line, without the empty
    rows at the end."""
    max_cells = min(max_cells, MAX_WORKBOOK_CELLS)
    too_many = DataError(
        f"sheet {ws.title!r} of this Excel workbook has more than {max_cells:,} "
        "cells; save it as CSV (read far faster), keep only the time column and "
        "the values you need, or aggregate to a coarser frequency, and try again"
    )
    # the size the sheet states (it may not), before reading a cell
    if (ws.max_row or 0) * (ws.max_column or 0) > max_cells:
        raise too_many
    rows: list[list[str]] = []
    cells = 0
    for values in ws.iter_rows(values_only=True):
        cells += len(values)
        if cells > max_cells:
            raise too_many
        row = [_cell_text(v) for v in values]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    # an empty row stays a blank line, which the reader passes over
    return [row + [""] * (width - len(row)) if row else row for row in rows]


def _cell_text(value: Any) -> str:
    """One cell as its CSV export writes it: dates in ISO 8601 (no time at
    midnight), whole numbers without a decimal point, other numbers exactly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(
            sep=" ", timespec="seconds" if not value.microsecond else "auto"
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _numbers_in(rows: list[list[str]]) -> int:
    """How many cells of ``rows`` hold a number or a date."""
    count = 0
    for row in rows:
        for cell in row:
            if cell and (cell[0].isdigit() or cell[0] in "+-.") and _numeric(cell):
                count += 1
    return count


def _numeric(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return cell[:4].isdigit() and cell[4:5] == "-"  # an ISO date
