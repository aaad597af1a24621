"""Tables from typed files: Parquet files and JSON records, as CSV text for the
reader.

A Parquet file (what pandas, Spark and most data tools write) holds a typed table;
an API's JSON answer (FRED, the World Bank, a dashboard's export) holds records,
often under a key or beside a page of metadata. Both are written out as the CSV
text of their table and read by :func:`convlstm.data.reader.read_csv` like any
upload, so the same checks, picks and notes apply.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pandas as pd

from ..errors import DataError
from .encoding import EXPORT_HINT

#: JSON text starts with an object or an array (of objects, arrays or strings).
JSON_START = re.compile(r"[\[{]\s*[\[{\"\]}]")
#: Fewest entries of an object of numbers read as one series ({"row": value}):
#: fewer are more likely an answer's metadata (a count, a page number).
_MIN_KEYED_VALUES = 10
#: How deep inside a JSON document records are looked for.
_MAX_DEPTH = 4


def is_parquet(data: bytes) -> bool:
    """Whether ``data`` is a Parquet file (it starts with ``PAR1``; one cut off
    is still one, and :func:`parquet_text` says it is damaged)."""
    return data[:4] == b"PAR1"


def parquet_text(data: bytes, max_cells: int) -> tuple[str, list[str]]:
    """The table of a Parquet file as CSV text, and a note.

    A named index (pandas writes one, e.g. a DatetimeIndex) becomes the first
    column.

    Raises:
        DataError: the file is damaged, or holds more than ``max_cells`` cells.
    """
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415  (only Parquet needs it)
    except ImportError:  # pragma: no cover - installed with streamlit
        raise DataError(
            f"reading a Parquet file needs the pyarrow package; {EXPORT_HINT}"
        ) from None
    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        rows, columns = parquet.metadata.num_rows, parquet.metadata.num_columns
        if rows * columns > max_cells:
            raise DataError(
                f"this Parquet file holds {rows:,} rows x {columns} columns, more "
                f"than {max_cells:,} cells; keep only the time column and the values "
                "you need, or aggregate to a coarser frequency, and try again"
            )
        frame = parquet.read().to_pandas()
    except DataError:
        raise
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise DataError(
            f"this Parquet file could not be read ({type(exc).__name__}: it may be "
            f"damaged); {EXPORT_HINT}"
        ) from None
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    note = f"read the Parquet file ({rows:,} rows, {columns} columns)"
    return _csv_text(frame), [note]


def json_text(text: str, max_cells: int) -> tuple[str, list[str]]:
    """The records of a JSON document as CSV text, and a note saying where
    they were.

    Records are a list of objects (``[{"date": ..., "value": ...}, ...]``), at the
    top or under keys (FRED's ``observations``; the World Bank's second item);
    the longest such list is read, its objects' nested objects flattened one
    level (``{"country": {"value": "Chile"}}`` becomes the column
    ``country.value``). Tables in other layouts are found the same way: rows
    under a row of names, an object of equal-length lists (``{"date": [...],
    "value": [...]}``) and what pandas' ``to_json`` writes (:func:`_as_table`).

    Raises:
        DataError: the text is no JSON, holds no records, or too many cells.
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        document = _json_lines(text)  # one object a line (NDJSON), or broken
        if document is None:
            raise _no_table(text, f"it is not valid JSON: {exc}") from None
    found = _records(document, [], 0)
    if found is None:
        raise _no_table(text, "no list of records was found in it")
    frame, where = found
    if frame.size > max_cells:
        raise DataError(
            f"this JSON holds {len(frame):,} records x {frame.shape[1]} fields, more "
            f"than {max_cells:,} cells; keep only the time and the values you need "
            "and try again"
        )
    place = f" under {' > '.join(repr(k) for k in where)}" if where else ""
    note = f"read the JSON document's table of {len(frame):,} rows{place}"
    return _csv_text(frame), [note]


def _json_lines(text: str) -> list[Any] | None:
    """The objects of JSON Lines text (one JSON object on each line), or None."""
    rows = []
    for line in text.splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError:
                return None
    return rows if len(rows) >= 2 and all(isinstance(r, dict) for r in rows) else None


def _no_table(text: str, why: str) -> DataError:
    head = text[:2000].lstrip()
    return DataError(
        f"this JSON document holds no table to read ({why}; it starts with "
        f"{head[:40].splitlines()[0]!r}), and it is not a CSV file; a download may "
        f"have saved the page instead of the file: {EXPORT_HINT}"
    )


def _records(
    node: Any, path: list[str], depth: int
) -> tuple[pd.DataFrame, list] | None:
    """The longest table of records in ``node`` and the keys that lead to it."""
    table = _as_table(node)
    if table is not None:
        return table, path
    if depth >= _MAX_DEPTH:
        return None
    if isinstance(node, dict):
        children = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        children = [(f"item {i + 1}", v) for i, v in enumerate(node[:50])]
    else:
        return None
    best = None
    for key, child in children:
        if isinstance(child, dict | list):
            found = _records(child, [*path, key], depth + 1)
            if found is not None and (best is None or len(found[0]) > len(best[0])):
                best = found
    return best


def _as_table(node: Any) -> pd.DataFrame | None:
    """``node`` as a table, else None: a list of at least two objects with a
    scalar field; rows as lists under a row of names (Google Sheets' API); an
    object of ``columns`` and ``data`` rows (pandas' "split" layout); pandas'
    default layouts (:func:`_keyed_table`, and an object of numbers: one
    series); or an object of equal-length lists of scalars."""
    if isinstance(node, list) and len(node) >= 2:
        if all(isinstance(item, dict) for item in node) and any(
            _scalar(v) for v in node[0].values()
        ):
            return pd.json_normalize(node, max_level=1)
        if len(node) >= 3 and _rows(node[1:], node[0]):
            return pd.DataFrame(node[1:], columns=node[0])
        return None
    if isinstance(node, dict) and _rows(node.get("data"), node.get("columns"), 1):
        frame = pd.DataFrame(node["data"], columns=node["columns"])
        index = node.get("index")
        if isinstance(index, list) and len(index) == len(frame):
            frame.insert(0, "index" if "index" not in frame else "row", index)
        return frame
    if (keyed := _keyed_table(node)) is not None:
        return keyed
    if (
        isinstance(node, dict)
        and len(node) >= _MIN_KEYED_VALUES
        and all(v is None or _number(v) for v in node.values())
    ):  # pandas' JSON of one series: {"row": value}
        return pd.DataFrame({"index": list(node), "value": list(node.values())})
    if isinstance(node, dict) and len(node) >= 2:
        lengths = {len(v) if isinstance(v, list) else -1 for v in node.values()}
        if (
            len(lengths) == 1
            and lengths.pop() >= 2
            and all(_scalar(x) for v in node.values() for x in v[:20])
        ):
            return pd.DataFrame(node)
    return None


def _keyed_table(node: Any) -> pd.DataFrame | None:
    """pandas' default JSON of a table (``{"column": {"row": value}}``), or its
    ``index`` layout (``{"row": {"column": value}}``), as a table whose first
    column, ``index``, holds the row labels (the longer side: the rows); else
    None."""
    if not isinstance(node, dict) or not node:
        return None
    inner = list(node.values())
    if not all(isinstance(v, dict) and v for v in inner):
        return None
    keys = list(inner[0])
    if any(list(v) != keys for v in inner) or not all(
        _scalar(x) for v in inner[:50] for x in list(v.values())[:50]
    ):
        return None
    frame = pd.DataFrame(node)  # the outer keys as columns
    if len(node) > len(keys):
        frame = frame.T  # more outer keys than inner: the outer keys are rows
    if len(frame) < 2:
        return None
    frame.index.name = "index" if "index" not in frame.columns else "row"
    return frame.reset_index()


def _rows(rows: Any, names: Any, fewest: int = 2) -> bool:
    """Whether ``rows`` are lists of scalars as long as ``names``, a list of at
    least ``fewest`` distinct strings."""
    return (
        isinstance(names, list)
        and len(names) >= fewest
        and all(isinstance(n, str) for n in names)
        and len(set(names)) == len(names)
        and isinstance(rows, list)
        and len(rows) >= 2
        and all(
            isinstance(r, list) and len(r) == len(names) and all(map(_scalar, r))
            for r in rows
        )
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _csv_text(frame: pd.DataFrame) -> str:
    frame.columns = [str(c) for c in frame.columns]
    return frame.to_csv(index=False, lineterminator="\n")
