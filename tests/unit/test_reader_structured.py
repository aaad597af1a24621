"""Parquet files and JSON documents: their table read as its CSV text would be, and
a clear message for one that holds no table."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from convlstm import read_csv, to_panel, to_series
from convlstm.data import structured
from convlstm.errors import DataError

MONTHS = pd.date_range("2015-01-01", periods=48, freq="MS")


def _parquet(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out)
    return out.getvalue()


def test_a_parquet_file_reads_as_the_same_table_written_as_csv():
    frame = pd.DataFrame(
        {"time": pd.date_range("2024-01-01", periods=200, freq="h"), "load": 0.5}
    )
    frame["load"] += np.arange(200) % 24
    from_parquet = read_csv(_parquet(frame))
    assert (
        from_parquet.attrs["notes"][0] == "read the Parquet file (200 rows, 2 columns)"
    )
    got = to_series(from_parquet)
    pd.testing.assert_series_equal(
        got, to_series(read_csv(frame.to_csv(index=False))), check_names=False
    )
    # a pandas index (a DatetimeIndex, say) is a column like any other
    indexed = to_series(read_csv(_parquet(frame.set_index("time"))))
    pd.testing.assert_series_equal(indexed, got, check_names=False)


def test_a_parquet_panel_and_time_zones_read():
    panel = pd.DataFrame(
        {
            "store": np.repeat(["north", "south"], 60),
            "day": np.tile(pd.date_range("2024-01-01", periods=60), 2),
            "sales": np.arange(120.0),
        }
    )
    read = to_panel(read_csv(_parquet(panel)))
    assert sorted(read["series"].unique()) == ["north", "south"]
    zoned = pd.DataFrame(
        {
            "t": pd.date_range("2024-03-30", periods=72, freq="h", tz="Europe/Berlin"),
            "v": np.arange(72.0),
        }
    )
    assert len(to_series(read_csv(_parquet(zoned)))) == 72


def test_a_damaged_or_huge_parquet_file_is_a_message(monkeypatch):
    data = _parquet(pd.DataFrame({"date": MONTHS, "value": 1.0}))
    with pytest.raises(DataError, match="Parquet file could not be read"):
        read_csv(data[:60] + b"PAR1")
    with pytest.raises(DataError, match="Parquet file could not be read"):
        read_csv(data[:60])  # cut off: no closing magic either
    monkeypatch.setattr("convlstm.data.reader.MAX_CELLS", 50)
    with pytest.raises(DataError, match="48 rows x 2 columns, more than 50 cells"):
        read_csv(data)


def _fred() -> dict:
    """FRED's API answer: metadata, then the observations ("." is missing)."""
    return {
        "realtime_start": "2024-01-01",
        "count": len(MONTHS),
        "observations": [
            {
                "realtime_start": "2024-01-01",
                "realtime_end": "2024-01-01",
                "date": f"{t:%Y-%m-%d}",
                "value": "." if i == 7 else f"{100 + i:.1f}",
            }
            for i, t in enumerate(MONTHS)
        ],
    }


def test_records_under_a_key_of_an_api_answer_are_found_and_said():
    table = read_csv(json.dumps(_fred()).encode())
    assert table.attrs["notes"][0] == (
        "read the JSON document's table of 48 rows under 'observations'"
    )
    y = to_series(table)
    assert y.index.freqstr == "MS" and len(y) == 48
    assert y.iloc[6] == 106.0 and y.iloc[8] == 108.0  # "." was missing, filled


def test_world_bank_records_beside_their_page_are_read_flat():
    answer = [
        {"page": 1, "pages": 1, "per_page": 50, "total": 30},
        [
            {
                "indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP (current US$)"},
                "country": {"id": "CL", "value": "Chile"},
                "date": str(2023 - i),
                "value": 2e11 + i * 1e9,
            }
            for i in range(30)
        ],
    ]
    table = read_csv(json.dumps(answer).encode())
    assert "country.value" in table.columns
    assert "under 'item 2'" in table.attrs["notes"][0]
    y = to_series(table)
    assert y.index[0].year == 1994 and len(y) == 30


@pytest.mark.parametrize(
    "shape",
    [
        "records",
        "columns",
        "lines",
        "pandas",
        "split",
        "sheets",
        "pandas-default",
        "pandas-index",
        "pandas-series",
    ],
)
def test_the_common_json_table_shapes_read(shape):
    dates = [f"{t:%Y-%m-%d}" for t in MONTHS]
    values = list(range(48))
    if shape == "records":
        text = json.dumps(
            [{"date": d, "sales": v} for d, v in zip(dates, values, strict=True)]
        )
    elif shape == "columns":
        text = json.dumps({"date": dates, "sales": values})
    elif shape == "lines":
        text = "\n".join(
            json.dumps({"date": d, "sales": v})
            for d, v in zip(dates, values, strict=True)
        )
    elif shape == "split":  # pandas' orient="split": columns, index, data rows
        text = json.dumps(
            {"columns": ["sales"], "index": dates, "data": [[v] for v in values]}
        )
    elif shape == "pandas-default":  # DataFrame.to_json(): {"column": {time: v}}
        stamps = [str(int(t.value // 1_000_000)) for t in MONTHS]
        text = json.dumps({"sales": dict(zip(stamps, values, strict=True))})
    elif shape == "pandas-index":  # orient="index": {time: {"column": v}}
        text = json.dumps({d: {"sales": v} for d, v in zip(dates, values, strict=True)})
    elif shape == "pandas-series":  # Series.to_json(): {time: v}
        text = json.dumps(dict(zip(dates, values, strict=True)))
    elif shape == "sheets":  # Google Sheets' API: rows under a row of names
        rows = [[d, str(v)] for d, v in zip(dates, values, strict=True)]
        text = json.dumps({"range": "A1:B49", "values": [["date", "sales"], *rows]})
    else:  # as pandas writes records: times as epoch milliseconds
        stamps = [int(t.value // 1_000_000) for t in MONTHS]
        text = json.dumps(
            [{"date": d, "sales": v} for d, v in zip(stamps, values, strict=True)]
        )
    y = to_series(read_csv(text.encode()))
    assert y.index.freqstr == "MS" and y.tolist() == values


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ('{"data": [1, 2, 3]}\n', "no list of records"),
        ('{"count": 3, "page": 1, "offset": 0}\n', "no list of records"),
        ('[{"date": "2023-01-01", "value": 1},\n', "not valid JSON"),
        ("[]", "no list of records"),
    ],
    ids=["numbers", "cut-off", "empty", "metadata"],
)
def test_json_without_a_table_says_so(content, why):
    with pytest.raises(DataError, match=f"JSON document holds no table.*{why}"):
        read_csv(content.encode())


def test_a_csv_with_bracketed_names_is_no_json():
    # SQL Server writes [date],[value]
    text = "[date],[value]\n" + "".join(f"2020-01-{d:02d},{d}\n" for d in range(1, 29))
    assert not structured.JSON_START.match(text)
    assert len(to_series(read_csv(text.encode()))) == 28
