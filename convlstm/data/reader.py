"""CSV text to a table (:func:`read_csv`): delimiter and header detection, size
limits, parsing every cell as text, then the columns that hold numbers.
"""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from .cells import has_time_word, is_time_name, plural, quote
from .encoding import decode, read_bytes
from .numbers import to_numeric_columns
from .structured import JSON_START, is_parquet, json_text, parquet_text
from .workbook import is_workbook, workbook_text

logger = logging.getLogger(__name__)

#: Most data rows ``read_csv`` accepts.
MAX_ROWS = 2_000_000
#: Most columns ``read_csv`` accepts.
MAX_COLUMNS = 500
#: Most cells (rows x columns) ``read_csv`` accepts; bounds memory for wide files.
MAX_CELLS = 20_000_000
#: Longest single cell ``read_csv`` accepts, in characters.
MAX_CELL_CHARS = 10_000

_EMPTY_FILE = "the file is empty; it needs a header row and at least one data row"
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
_DELIMITER_ONE = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe (|)"}
_QUOTED = re.compile(r'"[^"]*"')
_NUMBER_LIKE = re.compile(r"^[+-]?[\d.,]+([eE][+-]?\d+)?$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?\b")


def read_csv(
    source: str | os.PathLike | bytes | Any, sheet: str | None = None
) -> pd.DataFrame:
    """Read a CSV file robustly, detecting its encoding, delimiter and number format.

    A Parquet file, and the records of a JSON document (an API's answer), are
    read as their table's CSV text (:mod:`convlstm.data.structured`). A workbook
    (Excel ``.xlsx`` or ``.xls``, OpenDocument ``.ods``) is read as its data
    sheet's CSV export would be
    (``sheet``, or the one with the most numbers; a note names it and the others,
    and ``df.attrs["sheets"]`` lists them all, the one read first:
    :mod:`convlstm.data.workbook`).

    Encodings: UTF-8 (with or without a byte-order mark), UTF-16/32 with a
    byte-order mark, UTF-16 without one, and Windows-1252 / Latin-1 (also line by
    line inside an otherwise UTF-8 file). Delimiters: comma, semicolon, tab, pipe
    (or an Excel ``sep=;`` first line). Numbers: decimal comma ("1,5") and
    thousands separators ("1,234.5", "1.234,5", "1 234"), a currency sign or code
    or a percent sign carried by at least 80% of a column's non-empty cells
    ("$1,234.50", "€ 12,5", "100 EUR", "12.5%" read as 12.5) and accounting
    negatives ("(1,234)" read as -1234). A first column without a name that
    holds the row numbers (0, 1, 2... or 1, 2, 3..., in any order: the index
    pandas' ``to_csv`` or R's ``write.csv`` writes) is dropped. Every cell is
    read as a string first; a column becomes numeric (int64 when all values are
    whole, else float64) only when every non-empty cell is a number or a missing
    marker ("n/a", "-", "NaN", ...). Columns named like time ("date", "year", ...)
    stay strings so that dates are never mangled.

    Args:
        source: a path (``str`` or ``Path``), CSV text (a ``str`` holding a
            newline), ``bytes`` (of any of the files above), or a binary or
            text file object (e.g. a Streamlit ``UploadedFile``).
        sheet: the sheet of a workbook to read (None: the one with the most
            numbers); only for a workbook.

    Returns:
        The table. ``df.attrs["notes"]`` lists what was detected or repaired
        (encoding, delimiter, number format) in plain language; it is empty for
        a plain UTF-8 comma-separated file.

    Raises:
        DataError: the file is missing, too large (``MAX_BYTES``, ``MAX_ROWS``,
            ``MAX_COLUMNS``, ``MAX_CELLS``, ``MAX_CELL_CHARS``; a workbook's sheet
            ``workbook.MAX_WORKBOOK_CELLS``), empty, has no data rows, is binary
            (an image, archive, PDF, NUL bytes, a locked or damaged workbook)
            or cannot be parsed as CSV.
    """
    text, notes, sheets = _read_text(source, sheet)
    if not text.isascii():
        # one spelling per name: "Île" typed as I + a combining circumflex (as
        # macOS may write it) and as the one character are the same series
        text = unicodedata.normalize("NFC", text)
    sep, text = _excel_sep_line(text)
    lines = [line for line in text.split("\n", 60)[:60] if line.strip()]
    if not lines:
        raise DataError(_EMPTY_FILE)
    if sep is None and (spaced := _space_separated(text, lines)) is not None:
        text, lines = spaced
        sep = "\t"
        notes.append("columns are separated by spaces")
    text, lines = _skip_preamble(text, lines, sep, notes)
    if sep is None:
        sep = _sniff_delimiter(lines[:50])
    text, lines = _trailing_delimiters(text, lines, sep, notes)
    text, lines = _row_names(text, lines, sep)
    text = _long_notes_under(text, lines[0], sep)
    text = _summary_under(text, lines[0], sep, notes)
    if sep != "," and "columns are separated by spaces" not in notes:
        notes.append(f"columns are separated by {_DELIMITER_NAMES.get(sep, repr(sep))}")
    n_columns = _check_size(text, lines[0], sep)
    df = _parse(text, lines, sep, n_columns, notes)
    df = _clean_cells(df, notes)
    df = _drop_repeated_headers(df, notes)
    df = _drop_row_numbers(df, notes)
    notes.extend(to_numeric_columns(df, comma_hint=sep != ",", semicolons=sep == ";"))
    df.attrs["notes"] = notes
    if sheets is not None:
        df.attrs["sheets"] = sheets
    logger.debug("read_csv: %d rows x %d columns; %s", *df.shape, notes)
    return df


def _read_text(
    source: Any, sheet: str | None = None
) -> tuple[str, list[str], list[str] | None]:
    """The decoded text with "\\n" line ends, notes on its encoding, and a
    workbook's sheets (None for a text file)."""
    data = read_bytes(source)
    if not data.strip():
        raise DataError(_EMPTY_FILE)
    sheets = None
    if is_workbook(data):
        text, notes, sheets = workbook_text(data, MAX_CELLS, sheet)
    elif sheet is not None:
        raise DataError(
            f"sheet {sheet!r} was asked for, but this file is not a workbook "
            "(Excel .xlsx or .xls, OpenDocument .ods); leave the sheet out"
        )
    elif is_parquet(data):
        text, notes = parquet_text(data, MAX_CELLS)
    else:
        text, notes = decode(data)
        if JSON_START.match(text[:2000].lstrip("\ufeff \t\r\n")):
            text, read = json_text(text, MAX_CELLS)
            notes += read
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, notes, sheets


def _excel_sep_line(text: str) -> tuple[str | None, str]:
    """The delimiter an Excel ``sep=;`` first line names (None) and the rest."""
    first_nl = text.find("\n")
    first_line = text[: first_nl if first_nl >= 0 else len(text)].strip()
    match = re.fullmatch(r'"?sep=(.)"?', first_line, flags=re.IGNORECASE)
    if not match:
        return None, text
    return match.group(1), text[first_nl + 1 :] if first_nl >= 0 else ""


#: Most lines of notes above the header that :func:`read_csv` skips (FRED's text
#: downloads write 11 or more: title, series id, source, units, notes...).
_MAX_PREAMBLE = 30


def _skip_preamble(
    text: str, lines: list[str], sep: str | None, notes: list[str]
) -> tuple[str, list[str]]:
    """The text from its header on, when lines of notes stand above it ("Sales
    report 2024", "Source: ERP", "# exported ..."): lines that start with "#", or
    that have another number of delimiters than the header and the rows under it,
    which agree (at least 90% of the first lines) and name columns (no number or
    date among the header's cells). ``lines`` are the first non-blank lines."""
    skip = 0
    while skip < min(_MAX_PREAMBLE, len(lines) - 2) and lines[skip].lstrip().startswith(
        "#"
    ):
        skip += 1
    if skip and _has_data_cells(lines[skip], sep):
        skip = 0  # "#,date,value" or "#date,value" over the data: the header
    header = _header_line(lines[skip:], sep)
    skip += header
    if skip == 0:
        return text, lines
    # without a padded row's empty cells
    first = lines[0].strip().rstrip("".join(_DELIMITERS))
    skipped = (
        f"skipped {plural(skip, 'line')} above the header ({quote(first, 60)}"
        f"{' ...' if skip > 1 else ''}); row numbers in messages count the header "
        "as row 1"
    )
    notes.append(skipped)
    rest = text.split("\n")
    seen = 0
    for i, line in enumerate(rest):
        if line.strip():
            if seen == skip:
                grouped = _grouped_header(lines[skip - 1], lines[skip], sep, notes)
                if grouped is not None:
                    if skip == 1:  # the line skipped is the group names: said so
                        notes.remove(skipped)
                    rest[i] = grouped
                    return "\n".join(rest[i:]), [grouped, *lines[skip + 1 :]]
                return "\n".join(rest[i:]), lines[skip:]
            seen += 1
    return "", []


def _grouped_header(
    upper: str, header: str, sep: str | None, notes: list[str]
) -> str | None:
    """The header with the names of the line above it joined on, when that line
    names groups of its columns as a spreadsheet's merged cells export them
    (",Sales,,Returns" over "Date,North,South,North": "Sales North", "Sales
    South", "Returns North"); None when it does not (another count of cells, a
    name over the first column, a number or a date among them)."""
    if sep is None:
        sep = max(_DELIMITERS, key=lambda d: _count_outside_quotes(header, d))
    count = _count_outside_quotes(header, sep)
    if count == 0 or _count_outside_quotes(upper.rstrip(), sep) != count:
        return None
    groups, names = _cells(upper.rstrip(), sep), _cells(header.rstrip(), sep)
    if len(groups) != len(names) or groups[0] or not any(groups):
        return None
    if _has_data_cells(upper, sep) or _has_data_cells(header, sep):
        return None
    group, joined = "", []
    for above, name in zip(groups, names, strict=True):
        group = above or group  # a merged cell names the columns after it too
        joined.append(f"{group} {name}".strip() if name else group)
    if len(set(joined)) < len(joined):
        return None
    notes.append(
        f"read the line above the header ({quote(upper.strip(), 40)}) as names of "
        f"groups of columns: {', '.join(quote(n) for n in joined[1:4])}"
        + (" ..." if len(joined) > 4 else "")
    )
    return sep.join(
        '"' + n.replace('"', '""') + '"' if sep in n or '"' in n else n for n in joined
    )


def _header_line(lines: list[str], sep: str | None) -> int:
    """How many lines stand above the header: 0 unless, for some delimiter, the
    lines before a later line (within ``_MAX_PREAMBLE``) have other counts of it
    than that line, whose count at least 90% of the lines from it on share."""
    if len(lines) < 3:
        return 0
    best = 0
    for delimiter in (sep,) if sep is not None else _DELIMITERS:
        # a delimiter ending the rows, as some exports write, does not count...
        counts = [
            _count_outside_quotes(line.rstrip().rstrip(delimiter), delimiter)
            for line in lines
        ]
        found = _header_at(lines, counts, delimiter)
        if found == 0:
            return 0  # this delimiter reads the file from its first line
        if found is None:
            # ...unless it stands for a last column left empty in every row
            # ("Period,Sales,Notes" over "01/2021,9532,")
            raw = [_count_outside_quotes(line, delimiter) for line in lines]
            found = _header_at(lines, raw, delimiter) if raw != counts else None
        if found:
            best = found if best == 0 else min(best, found)
    return best


def _header_at(lines: list[str], counts: list[int], delimiter: str) -> int | None:
    """:func:`_header_line` for one delimiter whose count on each line is
    ``counts``: the header's line, 0 when the file reads from its first line, None
    when no line qualifies."""
    for k in range(min(_MAX_PREAMBLE, len(lines) - 2) + 1):
        c = counts[k]
        rest = counts[k:]
        if not (c and sum(x == c for x in rest) >= 0.9 * len(rest)):
            continue
        if k == 0:
            if counts[1] != c and not _has_data_cells(lines[0], delimiter):
                # a title with a comma over a line of another shape
                # ("Consumer Price Index, monthly" over "Source: BLS")
                continue
            return _titles_over_header(lines, counts, delimiter)
        # a header names columns: a row holding a number or a date under a header
        # short of a name (R's row names, an extra cell) is data, not the header
        # under notes
        named = not _has_data_cells(lines[k], delimiter) or _names_then_years(
            lines[k], delimiter
        )
        apart = all(x != c for x in counts[:k]) or counts[k - 1] != c
        # ...over a row of data (not a footnote block under the table)
        under = counts[k + 1] == c and _has_data_cells(lines[k + 1], delimiter)
        if named and apart and under:
            return k
        titles = _titles_over_header(lines[k:], counts[k:], delimiter)
        if named and apart and titles:
            # a note of the header's shape above it ("Exported on 05/12/2026,,"
            # over "Period,Sales,Notes")
            return k + titles
        return None
    return None


def _names_then_years(line: str, sep: str) -> bool:
    """Whether ``line`` is the header of a table with one row per series and the
    years as columns ("Country Name,Country Code,1960,1961,..."): names, then at
    least three years, one after another."""
    cells = _cells(line.rstrip().rstrip(sep), sep)
    k = len(cells)
    while k > 0 and re.fullmatch(r"[12]\d{3}", cells[k - 1]):
        k -= 1
    years = [int(c) for c in cells[k:]]
    return (
        k > 0
        and len(years) >= 3
        and all(b == a + 1 for a, b in zip(years, years[1:], strict=False))
        and all(c and not _is_data_cell(c) for c in cells[:k])
    )


#: Most lines of title and notes of the header's shape above it (a
#: spreadsheet's report title, source and date, padded to the table's width).
_MAX_TITLES = 6


def _titles_over_header(lines: list[str], counts: list[int], sep: str) -> int:
    """How many lines of title stand above the header with as many ``sep`` as
    it ("Sales export, generated 2025-01-03" over "date,sales"; a workbook's
    "Monthly sales report,,," and "Source: finance,,," over ",Month,Sales,"):
    no title line holds a number, a date or the name of a time column (each
    holds one cell when there are several), the header names a time column
    and holds no number or date, and a row of data of the same shape follows;
    0 when there are none."""
    for t in range(1, min(_MAX_TITLES, len(lines) - 2) + 1):
        if not counts[t - 1] == counts[t] == counts[t + 1]:
            return 0
        title = _cells(lines[t - 1], sep)
        if _has_data_cells(lines[t - 1], sep) or any(map(is_time_name, title)):
            return 0
        if t > 1 and max(_filled(lines[0], sep), _filled(lines[t - 1], sep)) > 1:
            return 0  # lines of several cells over the header: a header too
        if _has_data_cells(lines[t], sep) or not _has_data_cells(lines[t + 1], sep):
            continue
        if any(is_time_name(c) or has_time_word(c) for c in _cells(lines[t], sep)):
            return t
    return 0


def _filled(line: str, sep: str) -> int:
    """How many cells of one line hold something."""
    return sum(map(bool, _cells(line, sep)))


def _cells(line: str, sep: str) -> list[str]:
    """The cells of one line, unquoted and stripped."""
    return [cell.strip().strip('"').strip() for cell in line.split(sep)]


def _row_names(text: str, lines: list[str], sep: str) -> tuple[str, list[str]]:
    """The text with an empty first name in the header when every row starts with
    its row number and the header names the other columns only (R's
    ``write.table`` with row names): the row numbers then read as a column
    without a name, which :func:`_drop_row_numbers` drops with a note."""
    if len(lines) < 3:
        return text, lines
    head = _count_outside_quotes(lines[0], sep)
    body = lines[1:]
    if not all(_count_outside_quotes(line, sep) == head + 1 for line in body):
        return text, lines
    first = [line.split(sep, 1)[0].strip().strip('"') for line in body]
    if not all(c.isdigit() for c in first):
        return text, lines
    numbers = [int(c) for c in first]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return text, lines
    start = text.find(lines[0])
    return text[:start] + sep + text[start:], [sep + lines[0], *body]


def _has_data_cells(line: str, sep: str | None) -> bool:
    """Whether some cell of ``line`` is a number or a date (split by ``sep``, or
    by the delimiter that splits it most)."""
    if sep is None:
        sep = max(_DELIMITERS, key=lambda d: _count_outside_quotes(line, d))
    cells = [c.strip().strip('"') for c in line.rstrip().rstrip(sep).split(sep)]
    return any(c and _is_data_cell(c) for c in cells)


def _trailing_delimiters(
    text: str, lines: list[str], sep: str, notes: list[str]
) -> tuple[str, list[str]]:
    """The text without a delimiter that ends every data row but not the header
    ("2024-01-31,12," under "date,value"), a common export quirk; pandas would
    read its empty cell as a column the header does not name."""
    if len(lines) < 2 or lines[0].rstrip().endswith(sep):
        return text, lines
    head = _count_outside_quotes(lines[0], sep)
    body = lines[1:]
    if not all(
        line.rstrip().endswith(sep) and _count_outside_quotes(line, sep) == head + 1
        for line in body
    ):
        return text, lines
    end = re.compile(re.escape(sep) + r"[ \t]*$", re.MULTILINE)
    header_end = text.find("\n", text.find(lines[0]))
    text = text[: header_end + 1] + end.sub("", text[header_end + 1 :])
    notes.append(
        f"ignored the {_DELIMITER_ONE.get(sep, repr(sep))} that ends each row "
        "under the header"
    )
    return text, [lines[0]] + [end.sub("", line) for line in body]


#: Most lines of notes under the data that :func:`_long_notes_under` reads as one
#: cell each.
_MAX_NOTES_UNDER = 10


def _long_notes_under(text: str, header: str, sep: str) -> str:
    """The text with each line of notes under the data quoted as one cell:
    a note with commas ("Source: Department of Health, provisional data, see
    page 3") would otherwise spill into the next columns, or hold more cells
    than the header has names and not parse at all. The reader of the time
    column then leaves it out with the other notes under the data.

    Such lines are the last lines (at most ``_MAX_NOTES_UNDER``), start with
    words, not a number or a date, and either hold more delimiters than the
    header or no number or date at all ("Total,60" is a summary row, read as
    such); they stand under at least two rows with the header's count of
    delimiters. Any other long row is left for the parser to refuse."""
    head = _count_outside_quotes(header, sep)
    # the last lines only (a long file is not split whole): rows[0] holds the
    # rest of the text when there is more
    rows = text.rstrip("\n").rsplit("\n", 3 * _MAX_NOTES_UNDER)
    lead = 1 if len(rows) > 3 * _MAX_NOTES_UNDER else 0
    quoted, end = [], len(rows)
    while end > lead + 1 and len(quoted) < _MAX_NOTES_UNDER:
        line = rows[end - 1]
        if not line.strip():
            end -= 1
            continue
        first = line.split(sep, 1)[0].strip().strip('"')
        if _is_data_cell(first) or not re.search(r"[^\W\d_]", first):
            break
        if _count_outside_quotes(line, sep) <= head and _has_data_cells(line, sep):
            break  # a row of data, or a summary row ("Total,60")
        quoted.append(end - 1)
        end -= 1
    if not quoted:
        return text
    above = [r for r in rows[lead:end] if r.strip()]
    if len(above) < 3 or any(_count_outside_quotes(r, sep) != head for r in above[-2:]):
        return text
    for i in quoted:
        rows[i] = '"' + rows[i].strip().replace('"', "") + '"'  # the words only
    return "\n".join(rows) + "\n"


#: Most lines of a summary under a blank line at the end of the file.
_MAX_SUMMARY_UNDER = 6


def _summary_under(text: str, header: str, sep: str, notes: list[str]) -> str:
    """The text without a short block of lines under a blank line at its end, each
    with fewer cells than the header ("Users" over "21,345", as Google Analytics
    exports its total under the daily rows), with a note; else ``text``. The rows
    above the blank line must have the header's count of delimiters."""
    head = _count_outside_quotes(header, sep)
    if head == 0:
        return text
    rows = text.rstrip("\n").rsplit("\n", _MAX_SUMMARY_UNDER + 3)
    blanks = [i for i, row in enumerate(rows) if not row.strip()]
    if not blanks or blanks[-1] == len(rows) - 1:
        return text
    cut = blanks[-1]
    block = [row for row in rows[cut + 1 :] if row.strip()]
    above = [row for row in rows[:cut] if row.strip()][-2:]
    if (
        len(block) > _MAX_SUMMARY_UNDER
        or len(above) < 2
        or any(_count_outside_quotes(row, sep) != head for row in above)
        or any(_count_outside_quotes(row, sep) >= head for row in block)
        or not any(_has_data_cells(row, sep) for row in block)  # notes: read as such
    ):
        return text
    notes.append(
        f"left out {plural(len(block), 'line')} under a blank line at the end of the "
        f"file ({quote(block[0].strip(), 40)}{' ...' if len(block) > 1 else ''}): a "
        "summary under the table, not rows of it"
    )
    return text[: text.rstrip("\n").rfind("\n".join(rows[cut:]))] + "\n"


def _count_outside_quotes(line: str, sep: str) -> int:
    if '"' in line:
        line = _QUOTED.sub("", line)
    return line.count(sep)


def _space_separated(text: str, lines: list[str]) -> tuple[str, list[str]] | None:
    """The text with its columns separated by tabs, where runs of spaces separate
    them (fixed-width or whitespace-separated tables, as climate archives and
    Fortran programs write them): no line but comments ("#") holds a comma,
    semicolon, tab or pipe, and at least 90% of the others split into the same
    number (two or more) of cells, perhaps under up to ``_MAX_PREAMBLE`` lines
    of notes, which stay as they are (FRED's text files). Comment lines stay as
    they are, but for one of as many names ("# Year Jan Feb ..."): the header;
    None for any other text."""
    body = [line for line in lines if not line.lstrip().startswith("#")]
    if len(body) < 3 or any(d in line for line in body for d in _DELIMITERS):
        return None
    # lines of notes may stand above the table (FRED: "Title:   Consumer ...")
    for skip in range(min(_MAX_PREAMBLE, len(body) - 3) + 1):
        counts = Counter(len(line.split()) for line in body[skip:])
        width, seen = counts.most_common(1)[0]
        if width >= 2 and seen >= 0.9 * len(body[skip:]):
            break
    else:
        return None
    # the table starts at the first of five lines in a row of that width: a note
    # above it of as many words ("Frequency:   Monthly") stays a note
    run = [len(line.split()) == width for line in body]
    start = next((i for i in range(skip, len(body)) if all(run[i : i + 5])), skip)
    notes = set(body[:start])

    def tabbed(line: str) -> str:
        cells = line.split()
        if line in notes:
            return line
        if line.lstrip().startswith("#"):
            # "# Year Jan Feb ...": the column names, written as a comment
            named = line.lstrip().lstrip("#").split()
            return "\t".join(named) if len(named) == width else line
        return "\t".join(cells) if len(cells) == width else line

    return (
        "\n".join(tabbed(line) for line in text.split("\n")),
        [tabbed(line) for line in lines],
    )


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the first lines most consistently.

    A tie between comma and semicolon ("31.01.2023;105,8": one of each per
    line) goes to the semicolon when every comma of the rows below the header
    sits between digits: a decimal comma, as the exports that separate columns
    with semicolons write it.
    """
    best, best_score = ",", None
    scores = {}
    for rank, sep in enumerate(_DELIMITERS):
        counts = [_count_outside_quotes(line, sep) for line in lines]
        if counts[0] == 0:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = (consistent, counts[0] if consistent == 1 else 0, -rank)
        scores[sep] = score[:2]
        if best_score is None or score > best_score:
            best, best_score = sep, score
    tied = "," in scores and scores.get(";") == scores[","]
    if best == "," and tied and _decimal_commas(lines[1:]):
        return ";"
    return best


def _decimal_commas(lines: list[str]) -> bool:
    """Whether the lines hold commas and each sits between two digits."""
    commas = sum(line.count(",") for line in lines)
    between = sum(len(_DIGIT_COMMA.findall(line)) for line in lines)
    return commas > 0 and commas == between


_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")


def _no_data_rows(header: str) -> DataError:
    return DataError(
        f"the file has a header ({quote(header, 60)}) but no data rows; add rows "
        "below the header"
    )


def _check_size(text: str, header: str, sep: str) -> int:
    """Refuse files beyond the column, row and cell limits; return the columns."""
    n_columns = _count_outside_quotes(header, sep) + 1
    if n_columns > MAX_COLUMNS:
        raise DataError(
            f"the file has {n_columns:,} columns; the limit is {MAX_COLUMNS:,}. Keep "
            "the time column and the values you want to forecast"
        )
    n_rows = text.count("\n", 0, len(text.rstrip("\n")))  # lines after the header
    if n_rows > MAX_ROWS:
        raise DataError(
            f"the file has about {n_rows:,} rows; the limit is {MAX_ROWS:,}. "
            "Aggregate it to a coarser frequency (e.g. hourly or daily means) or "
            "keep the most recent part"
        )
    if n_rows * n_columns > MAX_CELLS:
        raise DataError(
            f"the file has about {n_rows:,} rows x {n_columns:,} columns; the limit is "
            f"{MAX_CELLS:,} cells. Keep only the columns you need"
        )
    if n_rows == 0:
        raise _no_data_rows(header)
    return n_columns


def _long_rows_message(text: str, sep: str, n_columns: int) -> str:
    """Why rows hold more cells than the header names: the first such row, and
    where every one of them holds one cell more whose last two cells are whole
    numbers ("2018-01-01,1006,91"), decimal commas in a comma-separated file."""
    rows = text.splitlines()[1:]
    cells_of = [_count_outside_quotes(row, sep) + 1 for row in rows]
    over = [(k, n) for k, n in enumerate(cells_of) if n > n_columns]
    k, cells = over[0]
    where = (
        f"{plural(len(over), 'row')} {'has' if len(over) == 1 else 'have'} more "
        f"cells than the header has column names (first at row {k + 2}: {cells} "
        f"cells, {n_columns} names)"
    )
    decimal = sep == "," and all(
        n == n_columns + 1 and _DECIMAL_COMMA_END.search(rows[j]) for j, n in over
    )
    if decimal:
        whole, part = rows[k].rstrip().rsplit(",", 2)[1:]
        return (
            f"{where}: decimal commas in a comma-separated file? ({quote(rows[k])}) "
            f"write the numbers with a decimal point ({whole}.{part}), put them in "
            "quotes, or separate the columns with semicolons; else add the missing "
            "column names"
        )
    return f"{where}; add the missing column names or remove the extra cells"


#: A row that ends in two whole numbers, the second of 1 to 3 digits: a number
#: written with a decimal comma in a comma-separated row ("...,1006,91").
_DECIMAL_COMMA_END = re.compile(r",-?\d+,\d{1,3}\s*$")


def _looks_like_data(cells: list[str]) -> bool:
    """Whether a header line's cells are all numbers or dates (no header row)."""
    cells = [c.strip().strip('"') for c in cells]
    if not cells or any(not c for c in cells):
        return False
    return all(_is_data_cell(c) for c in cells)


def _is_data_cell(cell: str) -> bool:
    """Whether a cell (stripped) is a number or a date, as no column name is."""
    return bool(_NUMBER_LIKE.match(cell) or _DATE_LIKE.match(cell))


def _parse(
    text: str, lines: list[str], sep: str, n_columns: int, notes: list[str]
) -> pd.DataFrame:
    """Parse the text into a table of strings (named columns when no header)."""
    no_header = len(lines) >= 2 and _looks_like_data(lines[0].split(sep))
    names = [f"column_{i + 1}" for i in range(n_columns)] if no_header else None
    try:
        with warnings.catch_warnings():
            # pandas only warns when rows are longer than the header; that loses data.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                na_filter=False,
                keep_default_na=False,
                skip_blank_lines=True,
                skipinitialspace=True,
                index_col=False,
                header=None if no_header else 0,
                names=names,
                engine="c",
            )
    except pd.errors.ParserWarning:
        raise DataError(_long_rows_message(text, sep, n_columns)) from None
    except pd.errors.EmptyDataError:
        raise DataError(
            "the file has no columns; it needs a header row and data rows"
        ) from None
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        raise DataError(
            f"the file could not be read as CSV with {_DELIMITER_NAMES.get(sep, sep)} "
            f"between columns ({quote(detail, 120)}); check that every row has the "
            "same number of columns and that quotes are closed"
        ) from None
    if names is not None:
        notes.append(
            "the first row holds data, not column names; named the columns "
            + ", ".join(quote(n) for n in names)
        )
    if len(df) == 0:
        raise _no_data_rows(lines[0])
    if len(df) > MAX_ROWS:
        raise DataError(
            f"the file has {len(df):,} rows; the limit is {MAX_ROWS:,}. Aggregate "
            "it to a coarser frequency or keep the most recent part"
        )
    return df


def _clean_cells(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Strip names and cells, refuse huge cells, drop empty unnamed columns."""
    df.columns = _unique_names([str(c).strip() for c in df.columns], notes)
    dropped = []
    for col in list(df.columns):
        s = df[col].str.strip()
        longest = s.str.len().max()
        if longest is not None and longest == longest and longest > MAX_CELL_CHARS:
            pos = int(s.str.len().to_numpy().argmax())
            raise DataError(
                f"column {quote(col)}: a cell at row {pos + 2} has {int(longest):,} "
                f"characters; the limit is {MAX_CELL_CHARS:,}. Is this really a "
                "table of numbers?"
            )
        if col.startswith("Unnamed: ") and (s == "").all():
            dropped.append(col)
            continue
        df[col] = s
    if dropped:
        df = df.drop(columns=dropped)
        notes.append(f"dropped {plural(len(dropped), 'empty column')} without a name")
    if df.shape[1] == 0:
        raise DataError("the file has no data: every column is empty")
    return df


def _drop_repeated_headers(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Drop the rows that repeat the header (two exports pasted together): each
    non-empty cell is its column's name, and two cells at least (one in a
    one-column file)."""
    same = pd.DataFrame(
        {c: df[c].str.casefold() == str(c).casefold() for c in df.columns}
    )
    empty = pd.DataFrame({c: df[c] == "" for c in df.columns})
    repeats = (same | empty).all(axis=1) & (same.sum(axis=1) >= min(2, df.shape[1]))
    if not repeats.any():
        return df
    first = int(np.flatnonzero(repeats.to_numpy())[0]) + 2
    n = int(repeats.sum())
    notes.append(
        f"dropped {plural(n, 'row')} that {'repeats' if n == 1 else 'repeat'} the "
        f"header (first at row {first}): were two files pasted together?"
    )
    return df.loc[~repeats].reset_index(drop=True)


_MANGLED = re.compile(r"^(.*)\.(\d+)$")


def _unique_names(names: list[str], notes: list[str]) -> list[str]:
    """The column names made unique as pandas makes a repeated name unique
    ("sales", "sales.1"), with a note: names that differ only by spaces around
    them ("sales" and "sales ") are one name once stripped, and a name pandas
    renamed already is said too."""
    out: list[str] = []
    renamed: list[str] = []
    for name in names:
        new, k = name, 1
        while new in out:
            new, k = f"{name}.{k}", k + 1
        match = _MANGLED.match(new)
        mangled = match and match.group(1) in names and int(match.group(2)) < len(names)
        if new != name or mangled:
            renamed.append(new)
        out.append(new)
    if renamed:
        listed = ", ".join(quote(n) for n in renamed[:5])
        notes.append(
            "some columns have the same name; read "
            f"{'them' if len(renamed) > 1 else 'the second'} as {listed} (rename "
            "the columns in the file to tell them apart)"
        )
    return out


_ROW_NUMBER = re.compile(r"^\d{1,9}$")


def _drop_row_numbers(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Drop a first column without a name holding the row numbers (a saved index).

    pandas' ``to_csv`` and R's ``write.csv`` write the index as a first column with
    an empty name; read as data it becomes a series of its own or, in a long
    table, the value column. Only the first column, and only when its cells are
    0..n-1 or 1..n (in any order, as after sorting the frame before saving).
    """
    first = df.columns[0]
    if df.shape[1] < 3 or not first.startswith("Unnamed: "):
        return df
    cells = df[first]
    if not cells.str.fullmatch(_ROW_NUMBER).all():
        return df
    numbers = np.sort(cells.to_numpy(dtype=np.int64))
    start = int(numbers[0])
    if start not in (0, 1) or not (numbers == np.arange(start, start + len(df))).all():
        return df
    notes.append(
        f"dropped the first column: it has no name and holds the row numbers "
        f"{start}, {start + 1}, {start + 2}... (an index saved with the data)"
    )
    return df.drop(columns=[first])
