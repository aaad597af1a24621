"""Files found by fuzzing the reader and the CLI: each is read as the user meant
or refused with a clear message, never read silently as something else."""

import io

import pandas as pd
import pytest

from convlstm import DataError, to_panel, to_series
from convlstm.cli import main
from convlstm.data import read_csv


def _monthly(n=36):
    return list(pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m-%d"))


def _csv(header, rows):
    return header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"


# ------------------------------------------------------ a saved index column
def test_a_pandas_index_column_is_dropped_from_one_series():
    text = _csv(",date,value", [(i, d, 100 + i) for i, d in enumerate(_monthly())])
    df = read_csv(text)
    assert list(df.columns) == ["date", "value"]
    assert any("row numbers 0, 1, 2" in n for n in df.attrs["notes"])
    y = to_series(df)
    assert len(y) == 36 and y.iloc[0] == 100


def test_an_r_row_names_column_is_dropped():
    rows = [(f'"{i + 1}"', f'"{d}"', 100 + i) for i, d in enumerate(_monthly())]
    df = read_csv(_csv('"","date","value"', rows))
    assert list(df.columns) == ["date", "value"]


def test_an_index_column_on_a_sorted_long_panel_is_not_the_value():
    # the frame was sorted by date before saving: the index is shuffled
    rows = [
        (k * 36 + i, s, d, 10 * k + i)
        for k, s in enumerate("ABC")
        for i, d in enumerate(_monthly())
    ]
    rows.sort(key=lambda r: r[2])
    panel = to_panel(read_csv(_csv(",store,date,sales", rows)))
    assert sorted(panel["series"].unique()) == ["A", "B", "C"]
    first = panel.groupby("series")["value"].first().to_dict()
    assert first == {"A": 0, "B": 10, "C": 20}


def test_an_unnamed_column_that_is_not_row_numbers_is_kept():
    # values 0..n-1 in an unnamed second column are values, not an index
    df = read_csv(_csv(",", [(d, i) for i, d in enumerate(_monthly())]))
    assert df.shape[1] == 2
    # unnamed years in the first column are the time
    df = read_csv(_csv(",a,b", [(1990 + i, i, 2 * i) for i in range(30)]))
    assert df.shape[1] == 3


def test_cli_forecast_of_a_file_with_an_index_column(tmp_path):
    path = tmp_path / "indexed.csv"
    rows = [(i, d, 100 + i) for i, d in enumerate(_monthly())]
    path.write_text(_csv(",date,value", rows))
    out, err = io.StringIO(), io.StringIO()
    argv = ["forecast", "--csv", str(path), "--model", "Naive", "--horizon", "2"]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[0] == "timestamp,model,forecast"  # one series, not two
    assert lines[1].startswith("2003-01-01") and lines[1].endswith(",135.0")


# ------------------------------------------------------------ unusual ids
def test_whole_number_ids_with_an_empty_cell_are_ids_not_a_series():
    # pandas writes int ids as 1.0, 2.0 once one is missing: the column is float
    ids = ["1.0", "2.0", ""]
    rows = [(s, d, 100 + i) for s in ids for i, d in enumerate(_monthly())]
    panel = to_panel(read_csv(_csv("store,date,sales", rows)))
    assert sorted(panel["series"].unique()) == ["(empty)", "1", "2"]
    assert panel.attrs["id_cols"] == ["store"]
    assert (panel.groupby("series")["value"].first() == 100).all()


def test_ids_that_look_like_dates_name_series():
    # cohorts named by their start month; averaging them would be one wrong series
    rows = [
        (cohort, d, k * 1000 + i)
        for k, cohort in enumerate(["2020-01", "2020-02", "2020-03"])
        for i, d in enumerate(_monthly())
    ]
    panel = to_panel(read_csv(_csv("cohort,date,users", rows)))
    assert panel.attrs["id_cols"] == ["cohort"]
    first = panel.groupby("series")["value"].first().to_dict()
    assert first == {"2020-01": 0, "2020-02": 1000, "2020-03": 2000}


def test_a_second_date_named_like_time_is_still_not_an_id():
    # a ship date beside the order date describes rows; it does not name series
    # (rows in date order: two orders a month, averaged into one series)
    rows = [
        (d, f"2000-0{1 + k}-15", k * 1000 + i)
        for i, d in enumerate(_monthly())
        for k in range(2)
    ]
    df = read_csv(_csv("date,ship_date,amount", rows))
    panel = to_panel(df)
    assert panel["series"].nunique() == 1


# ---------------------------------------------- one timestamp per period
def test_monthly_data_stamped_on_varying_days_is_monthly():
    days = [3, 28, 9, 15, 1, 22, 30, 5, 17, 11, 26, 2] * 3
    rows = [
        (f"{2000 + i // 12}-{i % 12 + 1:02d}-{d:02d}", i) for i, d in enumerate(days)
    ]
    y = to_series(read_csv(_csv("date,value", rows)))
    assert y.index.freqstr == "MS" and len(y) == 36
    assert y.index[0] == pd.Timestamp("2000-01-01") and list(y[:3]) == [0, 1, 2]
    assert any("one timestamp in each month" in n for n in y.attrs["notes"])


def test_quarterly_data_stamped_on_varying_days_is_quarterly():
    rows = [
        (f"{2000 + i // 4}-{(i % 4) * 3 + 1 + i % 3:02d}-{7 + i % 20:02d}", i)
        for i in range(24)
    ]
    y = to_series(read_csv(_csv("date,value", rows)))
    assert y.index.freqstr.startswith("QS") and len(y) == 24


def test_irregular_dates_several_in_a_month_are_still_refused():
    rows = [
        (f"2000-{1 + i // 3:02d}-{1 + 9 * (i % 3) + i % 2:02d}", i) for i in range(30)
    ]
    with pytest.raises(DataError, match="irregular"):
        to_series(read_csv(_csv("date,value", rows)))


# -------------------------------------------------------------- messages
def test_every_column_chosen_as_an_id_says_so():
    rows = [(d, i) for i, d in enumerate(_monthly())]
    with pytest.raises(DataError, match="every column is an id column"):
        to_panel(read_csv(_csv("date,value", rows)), id_cols=["value"])


# ------------------------------------------------------------ time formats
@pytest.mark.parametrize(
    "fmt",
    [
        "{y}-W{w:02d}",
        "{y}W{w:02d}",
        "{y}-w{w:02d}-1",
        "KW {w:02d}/{y}",
        "W{w:02d} {y}",
        "Week {w}-{y}",
    ],
)
def test_iso_weeks_are_read_as_weekly(fmt):
    # 2020 has 53 ISO weeks: 2020-W53 is the week of 28 December
    cells = [fmt.format(y=2020 + i // 53, w=i % 53 + 1) for i in range(60)]
    y = to_series(read_csv(_csv("week,value", [(c, i) for i, c in enumerate(cells)])))
    assert y.index.freqstr == "W-MON" and len(y) == 60
    assert y.index[0] == pd.Timestamp("2019-12-30")  # the Monday of 2020-W01
    assert y.index[52] == pd.Timestamp("2020-12-28") and y.iloc[52] == 52
    labels = not fmt.startswith("{y}")
    assert any("as ISO weeks" in n for n in y.attrs["notes"]) == labels


@pytest.mark.parametrize(
    ("unit", "scale"), [("microseconds", 10**6), ("nanoseconds", 10**9)]
)
def test_unix_time_in_micro_and_nanoseconds(unit, scale):
    start = 1_577_836_800  # 2020-01-01 00:00 UTC
    rows = [((start + 3600 * i) * scale, i) for i in range(48)]
    y = to_series(read_csv(_csv("timestamp,value", rows)))
    assert y.index.freqstr == "h" and y.index[0] == pd.Timestamp("2020-01-01")
    assert y.index[-1] == pd.Timestamp("2020-01-02 23:00")
    assert any(f"Unix time in {unit}" in n for n in y.attrs["notes"])


def test_years_written_as_floats():
    rows = [(f"{1990 + i}.0", i) for i in range(30)]
    y = to_series(read_csv(_csv("year,value", rows)))
    assert y.index.freqstr.startswith("YS") and y.index[0] == pd.Timestamp("1990-01-01")


def test_year_and_month_written_yyyymm():
    rows = [(f"{2018 + i // 12}{i % 12 + 1:02d}", i) for i in range(36)]
    y = to_series(read_csv(_csv("period,value", rows)))
    assert y.index.freqstr == "MS" and y.index[0] == pd.Timestamp("2018-01-01")
    assert len(y) == 36 and y.iloc[-1] == 35


@pytest.mark.parametrize("names", [_monthly(12), [str(1990 + i) for i in range(12)]])
def test_a_table_with_dates_as_column_names_is_read_one_row_per_series(names):
    rows = [(s, *(10 * k + i for i in range(12))) for k, s in enumerate("ABC")]
    data = read_csv(_csv("country," + ",".join(names), rows))
    panel = to_panel(data)
    assert sorted(panel["series"].unique()) == ["A", "B", "C"]
    b = panel[panel["series"] == "B"]
    assert list(b["value"]) == list(range(10, 22))
    assert b["time"].iloc[0] == pd.Timestamp(names[0])
    assert any("one row per series" in n for n in panel.attrs["notes"])
    with pytest.raises(DataError, match="holds 3 series"):
        to_series(data)  # pick one


def test_a_table_whose_first_column_holds_numbers_is_not_read_as_rows():
    rows = [(0.5 * k, *range(12)) for k in range(3)]
    years = [str(1990 + i) for i in range(12)]
    with pytest.raises(DataError, match="column names are dates.*transpose"):
        to_series(read_csv(_csv("price," + ",".join(years), rows)))
