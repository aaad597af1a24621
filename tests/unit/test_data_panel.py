"""to_panel: long, wide and unique_id/ds/y files; repairs per series; to_series
refusing a file of several series."""

import time

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, to_panel, to_series
from convlstm.data import MIN_PANEL_POINTS, read_csv, wide_columns


def _long(stores=("a", "b", "c"), n=30, freq="D", start="2020-01-01"):
    rng = np.random.default_rng(0)
    rows = [
        (s, d.strftime("%Y-%m-%d"), int(rng.integers(50, 150)))
        for s in stores
        for d in pd.date_range(start, periods=n, freq=freq)
    ]
    return pd.DataFrame(rows, columns=["store", "date", "sales"])


def _csv(tmp_path, df, name="panel.csv"):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return read_csv(path)


def test_long_file_detects_the_id_column(tmp_path):
    panel = to_panel(_csv(tmp_path, _long()))
    assert list(panel.columns) == ["series", "time", "value"]
    assert panel["series"].unique().tolist() == ["a", "b", "c"]
    assert panel.attrs["freq"] == "D"
    assert panel.attrs["id_cols"] == ["store"]
    assert any("id column 'store'" in n for n in panel.attrs["notes"])
    assert panel.groupby("series")["time"].is_monotonic_increasing.all()
    assert panel["value"].dtype == float


def test_wide_file_is_one_series_per_numeric_column(tmp_path):
    df = pd.DataFrame(
        {
            "month": pd.date_range("2020", periods=24, freq="MS").strftime("%Y-%m"),
            "north": np.arange(24.0),
            "south": np.arange(24.0) * 2,
        }
    )
    panel = to_panel(_csv(tmp_path, df))
    assert panel["series"].unique().tolist() == ["north", "south"]
    assert panel.attrs["freq"] == "MS"
    assert any("wide table" in n and "'south'" in n for n in panel.attrs["notes"])
    assert wide_columns(_csv(tmp_path, df)) == ["north", "south"]


def test_wide_columns_are_none_for_one_value_column_or_the_chosen_time(tmp_path):
    df = pd.DataFrame(
        {
            "month": pd.date_range("2020", periods=24, freq="MS").strftime("%Y-%m"),
            "step": np.arange(24),
            "sales": np.arange(24.0),
            "open": [True] * 24,
        }
    )
    table = _csv(tmp_path, df)
    assert wide_columns(table) == ["step", "sales"]  # booleans are no series
    assert wide_columns(table, time_col="step") == []  # one value column left
    assert wide_columns(table[["month", "sales"]]) == []
    with pytest.raises(DataError, match="no column 'day'"):
        wide_columns(table, time_col="day")


def test_nixtla_columns(tmp_path):
    df = _long().rename(columns={"store": "unique_id", "date": "ds", "sales": "y"})
    panel = to_panel(_csv(tmp_path, df))
    assert panel["series"].nunique() == 3
    assert any("unique_id, ds, y" in n for n in panel.attrs["notes"])


def test_several_id_columns_are_joined(tmp_path):
    df = pd.concat(
        [_long().assign(region=r) for r in ("north", "south")], ignore_index=True
    )
    df = df[["region", "store", "date", "sales"]]
    panel = to_panel(_csv(tmp_path, df))
    assert panel.attrs["id_cols"] == ["region", "store"]
    assert "north / a" in set(panel["series"])
    assert panel["series"].nunique() == 6


def test_a_column_left_out_of_the_ids_that_splits_rows_is_named(tmp_path):
    # two products under each store: with only 'store' as the id, each store's
    # rows at one time hold both products, and the note says how to get their
    # total or each product apart
    df = pd.concat(
        [
            _long(n=10).assign(product=p, sales=v)
            for p, v in (("apples", 100), ("pears", 10))
        ]
    )
    df = read_csv(df.to_csv(index=False))
    panel = to_panel(df, id_cols=["store"])
    assert set(panel["value"]) == {55.0}
    said = [n for n in panel.attrs["notes"] if "differ in 'product'" in n]
    assert said and "('apples', 'pears'), which is not an id column" in said[0]
    assert "averaged; for their total, combine them by sum" in said[0]
    summed = to_panel(df, id_cols=["store"], agg="sum")
    assert set(summed["value"]) == {110.0}
    said = [n for n in summed.attrs["notes"] if "differ in 'product'" in n]
    assert said and "were summed;" in said[0] and "by sum" not in said[0]
    # with both ids nothing is combined, so nothing is said
    both = to_panel(df, id_cols=["store", "product"])
    assert not any("differ in" in n for n in both.attrs["notes"])


def test_integer_ids_and_a_weekday_column(tmp_path):
    df = _long().assign(store_id=lambda d: d["store"].map({"a": 1, "b": 2, "c": 3}))
    df["weekday"] = pd.to_datetime(df["date"]).dt.day_name()
    df = df.drop(columns="store")
    panel = to_panel(_csv(tmp_path, df))
    assert panel.attrs["id_cols"] == ["store_id"]
    assert sorted(panel["series"].unique()) == ["1", "2", "3"]


def test_series_of_different_lengths_and_starts(tmp_path):
    df = pd.concat(
        [_long(("a",), n=40), _long(("b",), n=12, start="2020-02-01")],
        ignore_index=True,
    )
    panel = to_panel(_csv(tmp_path, df))
    sizes = panel.groupby("series").size().to_dict()
    assert sizes == {"a": 40, "b": 12}


def test_each_series_is_repaired_and_named(tmp_path):
    df = _long()
    df = df.drop(index=[5, 6]).reset_index(drop=True)  # a gap in 'a'
    df.loc[40, "sales"] = np.nan  # a missing value in 'b'
    df = pd.concat([df, df.iloc[[70]]], ignore_index=True)  # duplicate in 'c'
    panel = to_panel(_csv(tmp_path, df))
    assert panel.groupby("series").size().tolist() == [30, 30, 30]
    notes = " | ".join(panel.attrs["notes"])
    assert "series 'a': " in notes and "filled 2 missing timestamps" in notes
    assert "series 'b': " in notes and "interpolated 1 missing values" in notes
    assert "'c' (2 rows)" in notes
    assert set(panel.attrs["repairs"]) == {"a", "b"}
    assert np.isfinite(panel["value"]).all()


def test_mixed_frequencies_are_refused_naming_the_series(tmp_path):
    weekly = _long(("w",), n=10, freq="W-SUN")
    df = pd.concat([_long(), weekly], ignore_index=True)
    with pytest.raises(DataError, match="do not share one frequency.*'w' \\(W-SUN\\)"):
        to_panel(_csv(tmp_path, df))


def test_a_series_with_one_point_is_dropped_with_a_note(tmp_path):
    df = pd.concat(
        [_long(), pd.DataFrame([("z", "2020-01-05", 7)], columns=_long().columns)],
        ignore_index=True,
    )
    panel = to_panel(_csv(tmp_path, df))
    assert "z" not in set(panel["series"])
    assert panel.attrs["dropped"] == ["z"]
    assert any(
        f"dropped 1 series with fewer than {MIN_PANEL_POINTS} points" in n
        and "'z'" in n
        for n in panel.attrs["notes"]
    )


def test_no_series_long_enough_is_a_data_error():
    df = pd.DataFrame(
        {
            "id": ["a", "b"] * 2,
            "date": ["2020-01-01"] * 2 + ["2020-01-02"] * 2,
            "v": [1.0, 2.0, 3.0, 4.0],
        }
    )
    with pytest.raises(DataError, match="no series has at least"):
        to_panel(df)


def test_unknown_id_column_is_a_data_error():
    with pytest.raises(DataError, match="id column 'shop' is not a column"):
        to_panel(_long(), id_cols=["shop"])


def test_ten_thousand_tiny_series_complete():
    n = 10_000
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "id": np.repeat([f"s{i}" for i in range(n)], 5),
            "date": np.tile(
                pd.date_range("2020", periods=5, freq="MS").strftime("%Y-%m-%d"), n
            ),
            "value": rng.normal(size=5 * n),
        }
    )
    df.loc[7, "value"] = np.nan  # one series goes through the repair path
    start = time.perf_counter()
    panel = to_panel(df)
    assert time.perf_counter() - start < 120  # generous: it must complete
    assert panel["series"].nunique() == n
    assert len(panel) == 5 * n
    assert panel.attrs["freq"] == "MS"


def test_to_series_refuses_several_series(tmp_path):
    df = _csv(tmp_path, _long())
    with pytest.raises(DataError, match="3 series.*'store'.*to_panel"):
        to_series(df)


def test_to_series_reads_one_series_by_name(tmp_path):
    y = to_series(_csv(tmp_path, _long()), series="b")
    assert len(y) == 30
    assert any("read series 'b'" in n for n in y.attrs["notes"])
    with pytest.raises(DataError, match="no series 'x'"):
        to_series(_csv(tmp_path, _long()), series="x")


def test_to_series_still_averages_duplicates_without_ids():
    df = pd.DataFrame(
        {
            "date": [f"2020-01-0{d}" for d in (1, 2, 2, 3, 4, 5, 6, 7, 8, 9)],
            "value": np.arange(10.0),
        }
    )
    y = to_series(df)
    assert any("averaged 2 values" in n for n in y.attrs["notes"])


def test_helpers_split_pick_and_summarise(tmp_path):
    from convlstm import plots
    from convlstm.data import find_id_columns, panel_summary, series_of, split_panel

    table = _csv(tmp_path, _long())
    assert find_id_columns(table) == ["store"]
    assert find_id_columns(table.loc[table["store"] == "a"]) == []
    panel = to_panel(table)
    parts = split_panel(panel)
    assert [name for name, _ in parts] == ["a", "b", "c"]
    assert all(y.index.freqstr == "D" for _, y in parts)
    y = series_of(panel, "b")
    assert y.name == "b" and len(y) == 30 and y.index.freqstr == "D"
    assert y.attrs["value_col"] == "sales"
    pd.testing.assert_series_equal(y, parts[1][1], check_names=False)
    with pytest.raises(DataError, match="no series 'zz'"):
        series_of(panel, "zz")
    # a name that differs in case alone finds its series ('gdp' for 'GDP')
    assert series_of(panel, "B").name == "b"
    twins = panel.assign(series=panel["series"].replace({"a": "Ab", "b": "aB"}))
    twins.attrs = panel.attrs
    with pytest.raises(DataError, match="no series 'ab'"):
        series_of(twins, "ab")  # two differ in case alone: which is meant?
    summary = panel_summary(panel)
    assert summary.columns.tolist() == ["series", "points", "start", "end"]
    assert summary["points"].tolist() == [30, 30, 30]
    fig = plots.panel_figure(panel, highlight="b")
    assert len(fig.data) == 3
    with pytest.raises(DataError, match="columns series, time and value"):
        split_panel(pd.DataFrame({"x": [1]}))


def test_limits_on_series_and_points_are_clear_errors(monkeypatch):
    from convlstm.data import panel as panel_module

    monkeypatch.setattr(panel_module, "MAX_SERIES", 2)
    with pytest.raises(DataError, match="holds 3 series; at most 2"):
        to_panel(_long())
    monkeypatch.setattr(panel_module, "MAX_SERIES", 100)
    monkeypatch.setattr(panel_module, "MAX_PANEL_POINTS", 50)
    with pytest.raises(DataError, match="90 points once gaps are filled; at most 50"):
        to_panel(_long())


def test_series_are_shown_in_counting_order():
    # store ids 1..20 were listed 1, 10, 11, 2, 20, 3 (text order)
    from convlstm import compare_panel
    from convlstm.data import natural_order, panel_summary

    names = ["s10", "2", "s9", "10", "1", "07", "7", "b", "A"]
    assert natural_order(names) == ["1", "2", "07", "7", "10", "A", "b", "s9", "s10"]
    rows = [
        {"store": store, "date": f"{2019 + m // 12}-{m % 12 + 1:02d}-01", "sales": m}
        for store in (1, 2, 3, 10, 11, 20)
        for m in range(24)
    ]
    panel = to_panel(pd.DataFrame(rows), id_cols="store")
    expected = ["1", "2", "3", "10", "11", "20"]
    assert panel_summary(panel)["series"].astype(str).tolist() == expected
    result = compare_panel(panel, models=["Naive"], horizon=2, folds=1, n_jobs=1)
    assert result.series == expected
    assert result.per_series["series"].astype(str).tolist() == expected


def test_an_empty_column_of_a_wide_file_is_named_as_left_out():
    # store b had no numbers at all and vanished without a word
    rows = "".join(f"2023-01-{d:02d},{d},,{2 * d}\n" for d in range(1, 31))
    panel = to_panel(read_csv(("date,a,b,c\n" + rows).encode()))
    assert set(panel["series"]) == {"a", "c"}
    assert "left out 'b': no values at all, so no series" in panel.attrs["notes"]


def test_total_of_adds_the_series_up_counting_0_outside_their_spans(tmp_path):
    from convlstm.data import TOTAL_NAME, total_of

    weeks = pd.date_range("2022-01-03", periods=20, freq="W-MON")
    rows = [("a", w, 1.0) for w in weeks]  # the whole span
    rows += [("b", w, 10.0) for w in weeks[5:]]  # launched later
    rows += [("c", w, 100.0) for w in weeks[:12]]  # discontinued
    rows += [("d", weeks[0], 5.0)]  # too short: dropped
    df = pd.DataFrame(rows, columns=["sku", "week", "units"])
    df["week"] = df["week"].dt.strftime("%Y-%m-%d")
    panel = to_panel(_csv(tmp_path, df))
    y = total_of(panel)
    assert y.name == TOTAL_NAME and y.index.freqstr == "W-MON"
    assert len(y) == 20 and y.index[0] == weeks[0] and y.index[-1] == weeks[-1]
    expected = (
        1.0
        + np.where(np.arange(20) >= 5, 10.0, 0)
        + np.where(np.arange(20) < 12, 100.0, 0)
    )
    np.testing.assert_array_equal(y.to_numpy(), expected)
    notes = " | ".join(y.attrs["notes"])
    assert "the total of 3 series" in notes
    assert "1 series starts after 2022-01-03 and counts as 0 before: 'b'" in notes
    assert "1 series ends before 2022-05-16 and counts as 0 after" in notes
    assert "'c'" in notes and "1 series too short to read is not in the total" in notes
    assert y.attrs["value_col"] == "units"
    # a week no series has counts as 0, on the panel's grid
    gap = panel[panel["time"] != weeks[3]]
    gap.attrs = panel.attrs
    assert total_of(gap).loc[weeks[3]] == 0.0 and len(total_of(gap)) == 20


def _weekly_long(parts: dict, weeks: pd.DatetimeIndex, columns: list) -> pd.DataFrame:
    """A long table (id, week, value) of the series ``parts`` on ``weeks``."""
    return pd.DataFrame(
        [
            (k, w.strftime("%Y-%m-%d"), x)
            for k, v in parts.items()
            for w, x in zip(weeks, v, strict=True)
        ],
        columns=columns,
    )


def test_total_of_leaves_out_a_files_own_total_row(tmp_path):
    from convlstm.data import total_of

    weeks = pd.date_range("2023-01-02", periods=30, freq="W-MON")
    rng = np.random.default_rng(1)
    parts = {f"sku {i}": rng.integers(10, 50, 30).astype(float) for i in range(3)}
    parts["All products"] = sum(parts.values())
    df = _weekly_long(parts, weeks, ["sku", "week", "units"])
    y = total_of(to_panel(_csv(tmp_path, df)))
    np.testing.assert_array_equal(y.to_numpy(), parts["All products"])
    notes = " | ".join(y.attrs["notes"])
    assert "the total of 3 series" in notes and "left out 'All products'" in notes


def test_total_of_leaves_out_a_total_that_holds_a_little_more(tmp_path):
    # a national count: the regions' cases plus a few of no known region
    from convlstm.data import total_of

    weeks = pd.date_range("2023-01-02", periods=30, freq="W-MON")
    rng = np.random.default_rng(2)
    parts = {f"region {i}": rng.integers(40, 80, 30).astype(float) for i in range(3)}
    regions = sum(parts.values())
    parts["national"] = regions + rng.integers(1, 6, 30)
    df = _weekly_long(parts, weeks, ["area", "week", "cases"])
    y = total_of(to_panel(_csv(tmp_path, df)))
    np.testing.assert_array_equal(y.to_numpy(), regions)
    notes = " | ".join(y.attrs["notes"])
    assert "left out 'national'" in notes and "within 5%" in notes
    # three series of about the same size: none is the others' total
    alike = df[df["area"] != "national"]
    y = total_of(to_panel(_csv(tmp_path, alike)))
    np.testing.assert_array_equal(y.to_numpy(), regions)
    assert "left out" not in " | ".join(y.attrs["notes"])


def test_total_of_leaves_out_subtotals_of_each_group_and_the_grand_total(tmp_path):
    # state, county: a "Total" county row per state, and a national row
    from convlstm.data import total_of

    weeks = pd.date_range("2023-01-02", periods=30, freq="W-MON")
    rng = np.random.default_rng(3)
    counties = {"CA": ["Alameda", "Fresno", "Kern"], "NY": ["Albany", "Erie"]}
    rows, grand = [], np.zeros(30)
    for state, names in counties.items():
        parts = {c: rng.integers(10, 50, 30).astype(float) for c in names}
        parts["Total"] = sum(parts.values())
        grand += parts["Total"]
        rows += [
            (state, c, w, x)
            for c, v in parts.items()
            for w, x in zip(weeks, v, strict=True)
        ]
    rows += [("US", "All", w, x) for w, x in zip(weeks, grand, strict=True)]
    df = pd.DataFrame(rows, columns=["state", "county", "week", "cases"])
    df["week"] = df["week"].dt.strftime("%Y-%m-%d")
    y = total_of(to_panel(_csv(tmp_path, df), id_cols=["state", "county"]))
    np.testing.assert_array_equal(y.to_numpy(), grand)
    notes = " | ".join(y.attrs["notes"])
    assert "the total of 5 series" in notes
    assert "left out 2 subtotals ('CA / Total', 'NY / Total')" in notes
    assert "left out 'US / All'" in notes
    # without the national row, the subtotals alone are found (NY's group of 3)
    y = total_of(
        to_panel(_csv(tmp_path, df[df["state"] != "US"]), id_cols=["state", "county"])
    )
    np.testing.assert_array_equal(y.to_numpy(), grand)
    # one id column: no groups, nothing left out but a total
    flat = df[df["state"] == "CA"].drop(columns="state")
    y = total_of(to_panel(_csv(tmp_path, flat), id_cols=["county"]))
    assert "subtotal" not in " | ".join(y.attrs["notes"])


def test_one_series_that_ended_early_says_so(tmp_path):
    from convlstm.data import series_of

    weeks = pd.date_range("2022-01-03", periods=60, freq="W-MON")
    rows = [("north", w.strftime("%Y-%m-%d"), i) for i, w in enumerate(weeks)]
    rows += [("south", w.strftime("%Y-%m-%d"), i) for i, w in enumerate(weeks[:30])]
    panel = to_panel(
        _csv(tmp_path, pd.DataFrame(rows, columns=["region", "week", "n"]))
    )
    note = series_of(panel, "south").attrs["notes"][-1]
    assert note.startswith("series 'south' ends 2022-07-25, at least")
    assert not any(
        "'north' ends" in n for n in series_of(panel, "north").attrs["notes"]
    )


def test_an_id_written_in_other_capitals_is_one_series(tmp_path):
    weeks = pd.date_range("2022-01-03", periods=30, freq="W-MON")
    rows = []
    for i, w in enumerate(weeks):
        north = "NORTH" if i % 5 == 0 else "North"
        rows += [
            (north, w.strftime("%Y-%m-%d"), i),
            ("South", w.strftime("%Y-%m-%d"), i),
        ]
    panel = to_panel(
        _csv(tmp_path, pd.DataFrame(rows, columns=["region", "week", "n"]))
    )
    assert sorted(panel["series"].unique()) == ["North", "South"]
    assert any("written in other capitals" in n for n in panel.attrs["notes"])


def test_float_ids_too_large_for_integers_are_named_as_written():
    """Whole floats are read as integer ids (store 3, not 3.0) only where they fit
    one: 1e300 is "whole" too, and casting it crashed (found by a fuzzer)."""
    from convlstm.data.columns import series_names

    df = pd.DataFrame({"store": [3.0, np.nan, 4.0], "big": [1e300, np.nan, 2e300]})
    assert series_names(df, ["store"]).tolist() == ["3", "(empty)", "4"]
    assert series_names(df, ["big"]).tolist() == ["1e+300", "(empty)", "2e+300"]


def test_rows_without_an_id_are_left_out_when_too_few_for_a_series():
    # three rows pasted without their store: read before as a series "(empty)"
    # of three scattered months, picked first (it sorts first)
    rows = ["store,date,sales"]
    for store in ("001", "002", "010"):
        for i, day in enumerate(pd.date_range("2020-01-01", periods=24, freq="MS")):
            rows.append(f"{store},{day:%Y-%m-%d},{100 + i}")
    rows += [",2020-06-01,80.2", ",2021-01-01,96.7", ",2020-05-01,103.6"]
    panel = to_panel(read_csv("\n".join(rows)))
    assert sorted(panel["series"].unique()) == ["001", "002", "010"]
    (note,) = [n for n in panel.attrs["notes"] if "with no 'store'" in n]
    assert note.startswith("left out 3 rows with no 'store' (the first at time ")
    assert "write the id in those rows to keep them" in note
    # as many rows as a series has: a series of its own, "(empty)"
    rows += [
        f",{d:%Y-%m-%d},{i}"
        for i, d in enumerate(pd.date_range("2020-01-01", periods=24, freq="MS"))
        if d.month not in (5, 6) or d.year != 2020
    ]
    rows = [r for r in rows if r != ",2021-01-01,96.7"]
    panel = to_panel(read_csv("\n".join(rows)))
    assert "(empty)" in set(panel["series"])
    assert not any("with no 'store'" in n for n in panel.attrs["notes"])
