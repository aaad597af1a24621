"""Spreadsheets in: the sheet that holds the data, as CSV text for the reader.

Three kinds of workbook are read:

- ``.xlsx`` (Excel 2007 and later, also what Google Sheets and Numbers export): a
  ZIP archive of XML parts, read with openpyxl;
- ``.xls`` (Excel 97-2003, still common in official downloads): an OLE2 compound
  file, read with xlrd;
- ``.ods`` (LibreOffice, OpenOffice): a ZIP archive whose ``content.xml`` is read
  here, one row at a time (:class:`_OdsBook`).

:func:`workbook_text` picks the sheet with the most numbers (a cover or notes
sheet first is common in official downloads), writes its cell values as
comma-separated text and leaves everything else (preamble rows, header, number
formats, dates) to :func:`convlstm.data.reader.read_csv`, so a workbook is read
exactly as its CSV export would be.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import DataError

#: Largest uncompressed size of a workbook's parts, in bytes: a 50 MB upload may
#: expand far beyond that (a ZIP bomb), and the XML of 20 million cells fits in it.
MAX_UNPACKED_BYTES = 2_000_000_000

#: Most cells one sheet may hold: openpyxl reads about 70,000 a second on one
#: core, so this is under a minute; a larger table reads far faster as CSV.
MAX_WORKBOOK_CELLS = 3_000_000

_SAVE_AS_CSV = "open it in Excel (or LibreOffice) and save the sheet as CSV"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
#: What each kind of workbook is called in messages and notes.
_NAMES = {
    "xlsx": "Excel workbook",
    "xls": "Excel 97-2003 workbook",
    "ods": "OpenDocument spreadsheet",
}


def workbook_kind(data: bytes) -> str | None:
    """ "xlsx", "xls" or "ods" for a workbook of that kind (an ``.xls`` is any
    OLE2 compound file: the reader tells an Excel workbook from a locked one or
    a Word file), else None: not any other ZIP archive."""
    if data.startswith(_OLE2):
        return "xls"
    if not data.startswith(b"PK\x03\x04"):
        return None
    if data[30:38] == b"mimetype" and data[38 : 38 + len(_ODS_MIME)] == _ODS_MIME:
        return "ods"  # the first part of an ODF package, stored uncompressed
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "content.xml" in names and "mimetype" in names:
                with archive.open("mimetype") as part:
                    if part.read(100).strip() == _ODS_MIME:
                        return "ods"
    except Exception:  # a damaged archive (zipfile raises many types): not read
        return None
    return None


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is a workbook :func:`workbook_text` reads (or explains)."""
    return workbook_kind(data) is not None


def workbook_sheets(data: bytes) -> list[str]:
    """The names of the worksheets of ``data``, in the workbook's order; empty
    when it is no workbook or cannot be opened (the reader says why)."""
    kind = workbook_kind(data)
    if kind is None:
        return []
    try:
        book = _open(data, kind, MAX_WORKBOOK_CELLS)
    except Exception:  # missing or damaged: read_csv's message says so
        return []
    try:
        return list(book.names)
    finally:
        book.close()


def workbook_text(
    data: bytes, max_cells: int, sheet: str | None = None
) -> tuple[str, list[str], list[str]]:
    """The cells of the workbook's data sheet as CSV text, notes on what was
    read, and the names of its worksheets, the sheet read first.

    The data sheet is ``sheet``, or the one with the most numeric cells (dates
    count as numbers; ties keep the first). Formulas are read as the values
    the spreadsheet last saved with them.

    Args:
        data: the workbook's bytes (see :func:`is_workbook`).
        max_cells: the most cells (empty ones included) any sheet may hold.
        sheet: the name of the sheet to read; None to choose.

    Raises:
        DataError: the workbook is damaged, locked, too large, holds no cells,
            or has no sheet ``sheet``.
    """
    kind = workbook_kind(data)
    if kind is None:  # pragma: no cover - the reader asks is_workbook first
        raise DataError("this file is no workbook")
    what = _NAMES[kind]
    max_cells = min(max_cells, MAX_WORKBOOK_CELLS)
    try:
        book = _open(data, kind, max_cells)
    except DataError:
        raise
    except Exception as exc:  # a damaged part found while opening (zlib, XML...)
        raise _damaged(what, exc) from None
    try:
        rows, names, best, extra, dated = _read_sheets(book, sheet, max_cells, what)
    except DataError:
        raise
    except Exception as exc:  # a damaged part found while reading (xlrd...)
        raise _damaged(what, exc) from None
    finally:
        book.close()
    name = names[best]
    if not any(rows):
        raise DataError(
            f"sheet {name!r} of this {what} is empty"
            if sheet is not None
            else f"this {what}'s sheets are all empty"
        )
    notes = [f"read sheet {name!r} of the {what}", *extra]
    others = [title for i, title in enumerate(names) if i != best]
    if others:
        listed = ", ".join(repr(title) for title in others[:5])
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        chosen = (
            "the sheet asked for"
            if sheet is not None
            else "the sheet with dates and the most numbers"
            if dated
            else "the sheet with the most numbers"
        )
        notes[0] += (
            f", {chosen} (also in the workbook: {listed}{more}; choose another "
            "with sheet=..., --sheet, or Sheet on the Data page)"
        )
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue(), notes, [name, *others]


def _damaged(what: str, exc: Exception) -> DataError:
    return DataError(
        f"this {what} could not be read ({type(exc).__name__}: it may be "
        f"damaged); {_SAVE_AS_CSV}"
    )


def _read_sheets(
    book: Any, sheet: str | None, max_cells: int, what: str
) -> tuple[list[list[str]], list[str], int, list[str], bool]:
    """The rows of the data sheet (``sheet``, or the one with the most
    numbers), the sheets' names, the data sheet's position among them, notes
    on it (formulas saved without their values), and whether it was chosen as
    a sheet of dates (False for ``sheet``).

    Raises:
        DataError: no sheet, no sheet ``sheet``, or the data sheet's numbers
            are mostly formulas saved without their values.
    """
    names = list(book.names)
    if not names:
        raise DataError(f"this {what} has no worksheets; {_SAVE_AS_CSV}")
    if sheet is not None:
        if sheet not in names:
            raise DataError(
                f"this {what} has no sheet {sheet!r}; its sheets: "
                + ", ".join(repr(name) for name in names)
            )
        best = names.index(sheet)
        rows = _sheet_rows(book, best, max_cells, what)
        dated_best = False
    else:
        read = [_sheet_rows(book, i, max_cells, what) for i in range(len(names))]
        counts = [_numbers_in(r) for r in read]
        # a sheet of dates before one of more numbers without any (a summary
        # table in front of the data)
        dated = [_dates_in(r) >= _DATED_SHEET for r in read]
        best = max(range(len(read)), key=lambda i: (dated[i], counts[i], -i))
        rows, dated_best = read[best], dated[best]
    unsaved = getattr(book, "unsaved_formulas", lambda i: 0)(best)
    if unsaved:
        words = (
            f"{unsaved:,} formula cell{'s' if unsaved > 1 else ''} of sheet "
            f"{names[best]!r} hold{'s' if unsaved == 1 else ''} no value: the "
            "workbook was written by a program that does not calculate formulas "
            "(openpyxl or pandas, say) and never saved by a spreadsheet, so "
            "they read as empty"
        )
        fix = "open the workbook in Excel or LibreOffice and save it, to store them"
        if unsaved >= _numbers_in(rows):  # most of the numbers are missing
            raise DataError(f"{words}; {fix}")
        return rows, names, best, [f"{words} ({fix})"], dated_best
    return rows, names, best, [], dated_best


# ---------------------------------------------------------------- the books


def _open(data: bytes, kind: str, max_cells: int) -> Any:
    """An open book of ``kind``: ``names``, ``size(i)`` (the cells sheet ``i``
    states it holds, or None), ``values(i)`` (its rows of cell values) and
    ``close()``.

    Raises:
        DataError: the workbook cannot be opened (damaged, locked, too large
            unpacked, or an Office file that is no workbook).
    """
    if kind == "xls":
        return _XlsBook(data)
    _check_unpacked(data, _NAMES[kind])
    if kind == "ods":
        return _OdsBook(data, max_cells)
    return _XlsxBook(data)


def _need(package: str, what: str) -> Any:
    """The reader of a kind of workbook (imported only when one is read).

    Raises:
        DataError: it is not installed.
    """
    try:
        return importlib.import_module(package)
    except ImportError:  # pragma: no cover - a runtime requirement
        raise DataError(
            f"reading {what} needs the {package} package (pip install {package}), "
            f"or {_SAVE_AS_CSV}"
        ) from None


class _XlsxBook:
    """An Excel ``.xlsx`` workbook, read with openpyxl (read-only, the values
    saved with formulas)."""

    def __init__(self, data: bytes) -> None:
        openpyxl = _need("openpyxl", "Excel workbooks")
        try:
            self.book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True
            )
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise DataError(
                f"this Excel workbook could not be opened ({type(exc).__name__}: "
                f"it may be damaged); {_SAVE_AS_CSV}"
            ) from None
        self.names = [ws.title for ws in self.book.worksheets]
        self.data = data

    def size(self, i: int) -> int | None:
        ws = self.book.worksheets[i]
        return (ws.max_row or 0) * (ws.max_column or 0) or None

    def values(self, i: int) -> Iterator[Sequence[Any]]:
        return self.book.worksheets[i].iter_rows(values_only=True)

    def unsaved_formulas(self, i: int) -> int:
        """How many formula cells of sheet ``i`` hold no value: a workbook
        written by a program that does not calculate (openpyxl, pandas) and
        never saved by a spreadsheet; 0 where the sheet's part is not found."""
        path = getattr(self.book.worksheets[i], "_worksheet_path", None)
        if not path:
            return 0
        count, tail = 0, ""
        with (
            zipfile.ZipFile(io.BytesIO(self.data)) as archive,
            archive.open(path) as part,
        ):
            while chunk := part.read(1 << 22):
                text = tail + chunk.decode("utf-8", "replace")
                cut = text.rfind("</c>") + 4  # whole cells only; the rest next time
                count += len(_UNSAVED.findall(text, 0, max(cut, 0)))
                tail = text[max(cut, 0) :][-(1 << 20) :]
        return count

    def close(self) -> None:
        self.book.close()


class _XlsBook:
    """An Excel 97-2003 ``.xls`` workbook, read with xlrd (dates by the
    workbook's own date system, 1900 or 1904)."""

    def __init__(self, data: bytes) -> None:
        self.xlrd = xlrd = _need("xlrd", "Excel 97-2003 workbooks")
        try:
            self.book = xlrd.open_workbook(
                file_contents=data, on_demand=True, logfile=io.StringIO()
            )
        except Exception as exc:  # xlrd raises many types for other files
            if "encrypt" in str(exc).lower():
                why = "is an Excel workbook protected by a password"
            else:  # a damaged file, an encrypted .xlsx, a Word file...
                why = (
                    "is an Office file that could not be read as an Excel 97-2003 "
                    f"workbook ({type(exc).__name__}: it may be damaged, protected "
                    "by a password, or a Word or PowerPoint file)"
                )
            raise DataError(
                f"this file {why}; save it as an Excel .xlsx workbook (without a "
                "password) or as CSV"
            ) from None
        self.names = list(self.book.sheet_names())

    def size(self, i: int) -> int | None:
        sheet = self.book.sheet_by_index(i)
        return sheet.nrows * sheet.ncols or None

    def values(self, i: int) -> Iterator[Sequence[Any]]:
        xlrd = self.xlrd
        sheet = self.book.sheet_by_index(i)
        for r in range(sheet.nrows):
            row = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(self._date(cell.value))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT):
                    row.append(cell.value)
                else:  # empty, blank, or an error such as #N/A
                    row.append(None)
            yield row

    def _date(self, value: float) -> Any:
        """A date cell as a datetime (a time of day alone as a time)."""
        try:
            when = self.xlrd.xldate.xldate_as_datetime(value, self.book.datemode)
        except Exception:  # a number out of the dates' range: keep it
            return value
        return when.time() if 0 <= value < 1 else when

    def close(self) -> None:
        self.book.release_resources()


#: A formula cell of a sheet's XML without a value (none, or an empty one).
_UNSAVED = re.compile(r"<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_DURATION = re.compile(r"-?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")


class _OdsBook:
    """An OpenDocument spreadsheet (``.ods``): the tables of its
    ``content.xml``, parsed one row at a time. Repeated empty rows and cells
    (a sheet's unused columns, written as one cell repeated 16,000 times) count
    only when something follows them; a table of more than ``max_cells`` cells
    is refused when read."""

    def __init__(self, data: bytes, max_cells: int) -> None:
        from xml.etree.ElementTree import ParseError, iterparse  # noqa: PLC0415

        self.names: list[str] = []
        self.tables: list[list[list[Any]]] = []
        self.too_big: set[int] = set()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                content = archive.read("content.xml")
        except (KeyError, zipfile.BadZipFile, OSError, ValueError):
            raise DataError(
                f"this OpenDocument spreadsheet is damaged; {_SAVE_AS_CSV}"
            ) from None
        if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
            raise DataError(
                "this OpenDocument spreadsheet declares its own XML entities, "
                f"which are not read; {_SAVE_AS_CSV}"
            )
        try:
            for event, element in iterparse(io.BytesIO(content), ("start", "end")):
                self._on(event, element, max_cells)
        except ParseError as exc:
            raise DataError(
                f"this OpenDocument spreadsheet could not be read (its XML is "
                f"damaged: {exc}); {_SAVE_AS_CSV}"
            ) from None

    def _on(self, event: str, element: Any, max_cells: int) -> None:
        tag = element.tag
        if tag == f"{_TABLE}table":
            if event == "start":
                self.names.append(element.get(f"{_TABLE}name") or "")
                self.tables.append([])
                self._blank_rows = self._cells = 0
            else:
                element.clear()
        elif tag == f"{_TABLE}table-row" and event == "end":
            i = len(self.tables) - 1
            if i >= 0 and i not in self.too_big:
                self._row(element, i, max_cells)
            element.clear()

    def _row(self, element: Any, i: int, max_cells: int) -> None:
        row: list[Any] = []
        blanks = 0
        for cell in element:
            if cell.tag not in _CELLS:
                continue
            value = _ods_value(cell)
            repeat = _repeat(cell.get(f"{_TABLE}number-columns-repeated"))
            if value is None:
                blanks += repeat
                continue
            row += [None] * blanks + [value] * min(repeat, 16_384)
            blanks = 0
        repeat = _repeat(element.get(f"{_TABLE}number-rows-repeated"))
        if not row:
            self._blank_rows += repeat
            return
        rows = [[]] * self._blank_rows + [row] * min(repeat, 1_048_576)
        self._cells += sum(max(len(r), 1) for r in rows)
        if self._cells > max_cells:
            self.too_big.add(i)
            self.tables[i] = []
            return
        self.tables[i] += rows
        self._blank_rows = 0

    def size(self, i: int) -> int | None:
        return None

    def values(self, i: int) -> Iterator[Sequence[Any]]:
        if i in self.too_big:
            raise _TooMany
        return iter(self.tables[i])

    def close(self) -> None:
        self.tables = []


class _TooMany(Exception):
    """A sheet holds more cells than allowed (found while it was parsed)."""


def _repeat(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


def _ods_value(cell: Any) -> Any:
    """One cell of an OpenDocument table as a Python value (None: empty)."""
    kind = cell.get(f"{_OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        try:
            return float(cell.get(f"{_OFFICE}value"))
        except (TypeError, ValueError):
            return None
    if kind == "date":
        text = cell.get(f"{_OFFICE}date-value") or ""
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text or None
    if kind == "time":
        text = cell.get(f"{_OFFICE}time-value") or ""
        match = _DURATION.fullmatch(text)
        if match is None:
            return text or None
        h, m, sec = int(match.group(1)), int(match.group(2)), float(match.group(3))
        if h < 24:
            return dt.time(h, m, int(sec))
        return f"{h}:{m:02d}:{int(sec):02d}"
    if kind == "boolean":
        return cell.get(f"{_OFFICE}boolean-value") == "true"
    if kind == "string" and (text := cell.get(f"{_OFFICE}string-value")):
        return text
    lines = ["".join(p.itertext()) for p in cell.findall(f"{_TEXT}p")]
    return "\n".join(lines) if any(lines) else None


def _check_unpacked(data: bytes, what: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError(f"this {what} is damaged; {_SAVE_AS_CSV}") from None
    if size > MAX_UNPACKED_BYTES:
        raise DataError(
            f"this {what} unpacks to {size / 1e9:.1f} GB, more than the "
            f"{MAX_UNPACKED_BYTES / 1e9:.0f} GB allowed; keep only the time column "
            "and the values you need and save it as CSV"
        )


def _sheet_rows(book: Any, i: int, max_cells: int, what: str) -> list[list[str]]:
    """Sheet ``i``'s rows as text cells, each as wide as the widest (as Excel's
    CSV export pads them), an empty row as a blank line, without the empty
    rows at the end."""
    too_many = DataError(
        f"sheet {book.names[i]!r} of this {what} has more than {max_cells:,} "
        "cells; save it as CSV (read far faster), keep only the time column and "
        "the values you need, or aggregate to a coarser frequency, and try again"
    )
    # the size the sheet states (it may not), before reading a cell
    if (book.size(i) or 0) > max_cells:
        raise too_many
    rows: list[list[str]] = []
    cells = 0
    try:
        for values in book.values(i):
            cells += len(values)
            if cells > max_cells:
                raise too_many
            row = [_cell_text(v) for v in values]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
    except _TooMany:
        raise too_many from None
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


#: Date cells that make a sheet one of dates (:func:`_read_sheets`).
_DATED_SHEET = 3


def _dates_in(rows: list[list[str]]) -> int:
    """How many cells of ``rows`` hold a date (as the workbook's own dates read)."""
    return sum(1 for row in rows for cell in row if _iso_date(cell))


def _iso_date(cell: str) -> bool:
    """Whether a cell starts as an ISO date ("2020-01-31", as dates read)."""
    return cell[:4].isdigit() and cell[4:5] == "-"


def _numeric(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return _iso_date(cell)
