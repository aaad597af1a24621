"""Reader: files of the kinds a bug hunt over a hundred odd CSVs found mishandled:
names alike once stripped, steps far below a second, dots between thousands,
fiscal years, a date beside an hour number, clock times without dates, and
jittered readings snapped onto the grid at the first reading's seconds."""

import io

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, to_panel, to_series
from convlstm.cli import main
from convlstm.data import find_id_columns, read_csv, wide_columns


def _monthly(n=24):
    return pd.date_range("2021-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")


GERMAN_MONTHS = [
    "Jan",
    "Feb",
    "Mär",
    "Apr",
    "Mai",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Okt",
    "Nov",
    "Dez",
]


def _csv(header, rows, sep=","):
    return header + "\n" + "\n".join(sep.join(map(str, r)) for r in rows) + "\n"


# ------------------------------------------------------------ column names
@pytest.mark.parametrize(
    "header", ["date,sales,sales ", "date,sales, sales", "date,sales,sales"]
)
def test_names_alike_once_stripped_are_told_apart_with_a_note(header):
    df = read_csv(_csv(header, [(d, i, 2 * i) for i, d in enumerate(_monthly())]))
    assert list(df.columns) == ["date", "sales", "sales.1"]
    assert any("same name" in n and "'sales.1'" in n for n in df.attrs["notes"])
    assert to_series(df).name == "sales"


def test_a_name_written_with_a_number_is_not_said_to_repeat():
    df = read_csv(_csv("date,v.1,w", [(d, i, i) for i, d in enumerate(_monthly())]))
    assert list(df.columns) == ["date", "v.1", "w"]
    assert not any("same name" in n for n in df.attrs["notes"])


# ------------------------------------------------------------ steps
@pytest.mark.parametrize("step", ["1ns", "1us", "1ms", "1s"])
def test_a_step_far_below_the_span_is_refused_before_any_work(step):
    df = read_csv(_csv("date,value", [(d, i) for i, d in enumerate(_monthly())]))
    for read in (to_series, to_panel):
        with pytest.raises(DataError, match="choose a longer step"):
            read(df, step=step)


# ------------------------------------------------------------ numbers
def test_dots_between_thousands_in_a_semicolon_file():
    cells = ["950", "1.234", "2.500", "1.234.567", "800", "7.000"] * 2
    rows = [(d, c) for d, c in zip(_monthly(12), cells, strict=True)]
    y = to_series(read_csv(_csv("Monat;Wert", rows, sep=";")))
    expected = [950, 1234, 2500, 1234567, 800, 7000] * 2
    np.testing.assert_array_equal(y.to_numpy(), expected)
    assert any("dots between thousands" in n for n in y.attrs["notes"])
    # every value dotted ("1.234", "2.500"): thousands or three decimals, the
    # file cannot tell; read as written, with a note
    rows = [(d, c) for d, c in zip(_monthly(6), ["1.234", "2.500"] * 3, strict=True)]
    y = to_series(read_csv(_csv("Monat;Wert", rows, ";")))
    assert y.tolist()[:2] == [1.234, 2.5]
    assert any("may group thousands" in n for n in y.attrs["notes"])
    # a decimal comma in another column says the dots group thousands
    rows = [(d, "1.234", "2,5") for d in _monthly(6)]
    df = read_csv(_csv("Monat;Umsatz;Preis", rows, ";"))
    assert df["Umsatz"].tolist() == [1234] * 6 and df["Preis"].tolist() == [2.5] * 6


def test_three_decimals_in_semicolon_or_tab_files_stay_decimals():
    # prices with three decimals (a %.3f export), beside a plain dotted decimal
    rows = [(d, f"{100 + i * 0.125:.3f}", "7.8") for i, d in enumerate(_monthly(8))]
    df = read_csv(_csv("date;close;temp", rows, ";"))
    assert df["close"].tolist()[:2] == [100.0, 100.125]
    rows = [(d, f"{70 + i * 0.25:.3f}") for i, d in enumerate(_monthly(8))]
    for sep in ("\t", "|"):
        df = read_csv(_csv(f"date{sep}weight", rows, sep))
        assert df["weight"].tolist()[:2] == [70.0, 70.25]


@pytest.mark.parametrize("sep", [",", ";"])
def test_decimals_are_not_read_as_thousands(sep):
    cells = ["1.5", "2.250", "3.125", "0.500"] * 3
    rows = [(d, c) for d, c in zip(_monthly(12), cells, strict=True)]
    y = to_series(read_csv(_csv("date" + sep + "v", rows, sep)))
    np.testing.assert_allclose(y.to_numpy(), [1.5, 2.25, 3.125, 0.5] * 3)
    # three decimals each, in a comma file: decimals, as before
    rows = [(d, "1.250") for d in _monthly(6)]
    assert (to_series(read_csv(_csv("date,v", rows))) == 1.25).all()


# ------------------------------------------------------------ times
@pytest.mark.parametrize(
    ("cells", "first"),
    [
        ([f"{2000 + i}-{(2001 + i) % 100:02d}" for i in range(15)], "2000-01-01"),
        ([f"FY{1995 + i}/{1996 + i}" for i in range(6)], "1995-01-01"),
        ([f"{2010 + i}-{2011 + i}" for i in range(6)], "2010-01-01"),
        ([f"FY{2010 + i}" for i in range(6)], "2010-01-01"),
        ([f"FY{(98 + i) % 100:02d}" for i in range(6)], "1998-01-01"),
    ],
)
def test_fiscal_years_are_read_as_years(cells, first):
    rows = [(c, i) for i, c in enumerate(cells)]
    y = to_series(read_csv(_csv("year,value", rows)))
    assert y.index.freqstr in ("YS-JAN", "YS") and len(y) == len(cells)
    assert y.index[0] == pd.Timestamp(first)
    assert any("fiscal years" in n for n in y.attrs["notes"])


@pytest.mark.parametrize(
    "fmt", ["FY{y} Q{q}", "FY{yy}-Q{q}", "Q{q} FY{y}", "fy{y}q{q}", "{y} Q{q}"]
)
def test_fiscal_quarters_are_read_as_quarters(fmt):
    cells = [
        fmt.format(y=2019 + i // 4, yy=(19 + i // 4) % 100, q=i % 4 + 1)
        for i in range(12)
    ]
    y = to_series(read_csv(_csv("period,value", [(c, i) for i, c in enumerate(cells)])))
    assert y.index.freqstr == "QS-JAN" and len(y) == 12
    assert y.index[0] == pd.Timestamp("2019-01-01")
    assert y.index[-1] == pd.Timestamp("2021-10-01")
    fiscal = any("fiscal quarters" in n for n in y.attrs["notes"])
    assert fiscal == ("FY" in fmt.upper())


def test_months_are_still_months():
    y = to_series(
        read_csv(_csv("month,v", [("2011-12", 1), ("2012-01", 2), ("2012-02", 3)]))
    )
    assert y.index.freqstr == "MS" and y.index[0] == pd.Timestamp("2011-12-01")


@pytest.mark.parametrize(("name", "shift"), [("hour", 0), ("HE", 1)])
def test_a_date_beside_an_hour_number_is_one_hourly_series(name, shift):
    hours = pd.date_range("2024-01-01", periods=96, freq="h")
    rows = [(f"{t:%Y-%m-%d}", t.hour + shift, i) for i, t in enumerate(hours)]
    y = to_series(read_csv(_csv(f"date,{name},load", rows)))
    assert y.index.freqstr == "h" and len(y) == 96
    assert y.index[0] == hours[0]
    np.testing.assert_array_equal(y.to_numpy(), np.arange(96))
    if shift:
        assert any("hours ending" in n for n in y.attrs["notes"])
    # in a panel of stores too
    rows = [(s, *r) for s in ("A", "B") for r in rows]
    panel = to_panel(read_csv(_csv(f"store,date,{name},load", rows)))
    assert panel["series"].nunique() == 2 and panel.attrs["freq"] == "h"


def _settlement_rows(days, periods_on):
    rows = []
    for day in pd.date_range("2023-10-27", periods=days, freq="D"):
        for p in range(1, periods_on.get(f"{day:%Y-%m-%d}", 48) + 1):
            rows.append((f"{day:%d-%b-%Y}".upper(), p, 1000 + len(rows), 7.5 + p / 4))
    return rows


def test_settlement_periods_are_the_half_hours_of_one_series():
    # National Grid's demand files: SETTLEMENT_DATE, SETTLEMENT_PERIOD 1-48 (50 on
    # the day the clocks go back), several value columns
    rows = _settlement_rows(5, {"2023-10-29": 50})
    header = "SETTLEMENT_DATE,SETTLEMENT_PERIOD,ND,WIND"
    y = to_series(read_csv(_csv(header, rows)), value_col="ND")
    assert y.index.freqstr == "30min" and len(y) == 5 * 48
    assert y.index[0] == pd.Timestamp("2023-10-27 00:00")
    assert y.index[-1] == pd.Timestamp("2023-10-31 23:30")
    assert y[pd.Timestamp("2023-10-27 00:30")] == 1001
    # Sunday 29 October: the clocks went back at 02:00 to 01:00, so periods 5 and
    # 6 repeat 01:00 and 01:30 (averaged with periods 3 and 4) and period 50 is
    # 23:30, not the next day
    first = 1000 + 2 * 48  # that day's period 1
    assert y[pd.Timestamp("2023-10-29 01:00")] == first + 3
    assert y[pd.Timestamp("2023-10-29 02:00")] == first + 6
    assert y[pd.Timestamp("2023-10-29 23:30")] == first + 49
    assert y[pd.Timestamp("2023-10-30 00:00")] == first + 50
    notes = " ".join(y.attrs["notes"])
    assert "half hours" in notes and "on 1 day the clocks changed" in notes
    panel = to_panel(read_csv(_csv(header, rows)))
    assert sorted(panel["series"].unique()) == ["ND", "WIND"]


@pytest.mark.parametrize(("top", "step"), [(96, "15min"), (24, "h")])
def test_quarter_hours_and_hours_numbered_by_period(top, step):
    rows = [
        (f"2024-01-0{d}", p, d * 1000 + p)
        for d in range(1, 4)
        for p in range(1, top + 1)
    ]
    y = to_series(read_csv(_csv("date,period,load", rows)))
    assert y.index.freqstr == step and len(y) == 3 * top
    assert y.iloc[1] == 1002 and y.index[0] == pd.Timestamp("2024-01-01")


def test_settlement_periods_on_the_short_day_of_spring():
    rows = []
    for day in pd.date_range("2023-03-25", periods=3, freq="D"):
        for p in range(1, (46 if day.day_of_week == 6 else 48) + 1):
            rows.append((f"{day:%Y-%m-%d}", p, len(rows)))
    y = to_series(read_csv(_csv("SETTLEMENT_DATE,SETTLEMENT_PERIOD,ND", rows)))
    # period 3 of Sunday 26 March is 02:00 (the clocks went forward at 01:00)
    assert y[pd.Timestamp("2023-03-26 02:00")] == 48 + 2
    assert y[pd.Timestamp("2023-03-26 23:30")] == 48 + 45
    assert y[pd.Timestamp("2023-03-27 00:00")] == 48 + 46
    assert len(y) == 3 * 48  # 01:00 and 01:30 filled


def test_a_period_column_that_numbers_no_day_is_left_alone():
    # periods 1-12 of each year are no clock times
    rows = [(f"{2000 + y}", p, y * 12 + p) for y in range(3) for p in range(1, 13)]
    df = read_csv(_csv("year,period,v", rows))
    assert "period" in find_id_columns(df) or not any(
        "half hours" in n for n in to_series(df, value_col="v").attrs["notes"]
    )


def test_times_of_day_without_dates_are_refused_in_plain_words():
    rows = [(f"{h:02d}:00", 100 + h) for h in range(24)]
    with pytest.raises(DataError, match="times of day .* but no dates"):
        to_series(read_csv(_csv("time,value", rows)))


def test_jittered_readings_snap_onto_the_clock_not_onto_the_first_reading():
    jitter = [4] + [(k * 7) % 41 - 20 for k in range(1, 96)]
    times = pd.date_range("2024-01-01", periods=96, freq="15min")
    y = to_series(pd.DataFrame({"time": times + pd.to_timedelta(jitter, "s"), "v": 1}))
    assert y.index[0] == pd.Timestamp("2024-01-01 00:00") and y.index.freqstr == "15min"
    # readings at :05, :20, :35... keep their minutes
    times = pd.date_range("2024-01-01 00:05", periods=96, freq="15min")
    y = to_series(pd.DataFrame({"time": times + pd.to_timedelta(jitter, "s"), "v": 1}))
    assert y.index[0] == pd.Timestamp("2024-01-01 00:05")
    # hourly readings at :07 stay at :07: the 5-minute clock unit would move them
    # by two minutes, far more than their own jitter of 20 s
    times = pd.date_range("2024-01-01 00:07", periods=96, freq="h")
    y = to_series(pd.DataFrame({"time": times + pd.to_timedelta(jitter, "s"), "v": 1}))
    assert y.index[0] == pd.Timestamp("2024-01-01 00:07") and y.index.freqstr == "h"
    # one extra report at 05:14 does not pull hourly readings at :51 to :50
    times = pd.date_range("2024-01-01 00:51", periods=12, freq="h").tolist()
    times[5] = pd.Timestamp("2024-01-01 05:14")
    y = to_series(pd.DataFrame({"time": times, "v": np.arange(12.0)}))
    assert y.index[-1] == pd.Timestamp("2024-01-01 11:51")
    # readings spread over minutes still snap onto the round clock
    spread = pd.to_timedelta([(k * 37) % 161 - 80 for k in range(96)], "s")
    times = pd.date_range("2024-01-01 00:05", periods=96, freq="h")
    y = to_series(pd.DataFrame({"time": times + spread, "v": 1}))
    assert y.index[0] == pd.Timestamp("2024-01-01 00:05")


def test_the_cli_reads_a_date_and_hour_file(tmp_path):
    hours = pd.date_range("2024-01-01", periods=72, freq="h")
    path = tmp_path / "meter.csv"
    path.write_text(
        _csv("date,hour,kwh", [(f"{t:%Y-%m-%d}", t.hour, 1) for t in hours])
    )
    out, err = io.StringIO(), io.StringIO()
    argv = ["forecast", "--csv", str(path), "--model", "naive", "--horizon", "2"]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    df = pd.read_csv(io.StringIO(out.getvalue()))
    assert df["timestamp"].tolist() == ["2024-01-04 00:00:00", "2024-01-04 01:00:00"]


# ------------------------------------------------------------ layout
_ROWS = "".join(f"2021-{m:02d}-01,{m}\n" for m in range(1, 13))


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        ("Sales report 2024\nSource: ERP\n\ndate,value\n" + _ROWS, 2),
        ("# exported by tool, v2\n# units: kg\ndate,value\n" + _ROWS, 2),
        ("Report\ndate;value\n" + _ROWS.replace(",", ";"), 1),
        ("Sales report, Q1 2024, all stores\ndate,value\n" + _ROWS, 1),
    ],
)
def test_lines_of_notes_above_the_header_are_skipped(text, skipped):
    df = read_csv(text)
    assert list(df.columns) == ["date", "value"] and len(df) == 12
    assert any(f"skipped {skipped} line" in n for n in df.attrs["notes"])


def test_a_header_short_of_a_name_is_still_refused_not_skipped():
    with pytest.raises(DataError, match="more cells than the header"):
        read_csv("date,value\n" + _ROWS.replace("\n", ",5\n"))


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_delimiter_ending_every_row_is_ignored(sep):
    text = "date,value\n" + _ROWS.replace("\n", ",\n")
    df = read_csv(text.replace(",", sep))
    assert list(df.columns) == ["date", "value"]
    assert df["value"].tolist() == list(range(1, 13))
    assert any("that ends each row" in n for n in df.attrs["notes"])
    # with a line of notes above the header too
    df = read_csv("Report\n" + text)
    assert list(df.columns) == ["date", "value"] and len(df) == 12


@pytest.mark.parametrize(
    "tail",
    [
        "Total,78\n",
        "Summe,78\nDurchschnitt,6.5\n",
        "Grand total,78\n",
        "合计,78\n",
        # footnotes: a source, a sentence without a digit
        "Source: national surveillance system,\nData are provisional and subject to "
        "change.,\n",
    ],
)
def test_total_rows_under_the_data_are_left_out(tail):
    y = to_series(read_csv("date,value\n" + _ROWS + tail))
    assert len(y) == 12 and y.iloc[-1] == 12
    assert any("totals, averages or notes, not times" in n for n in y.attrs["notes"])


def test_a_word_among_the_times_is_still_an_error():
    with pytest.raises(DataError, match="not dates"):
        to_series(read_csv("date,value\n" + _ROWS + "soon,1\n"))
    # a total above the times is a summary row too
    assert len(to_series(read_csv("date,value\nTotal,1\n" + _ROWS))) == 12


def test_sums_in_steps_say_how_many_steps_were_empty():
    # a log with sales on 3 days of 10: the 7 days without a sale are 0, and said
    times = ["2024-01-01 09:00", "2024-01-01 15:00", "2024-01-05 10:00"]
    times += ["2024-01-10 11:00"]
    y = to_series(
        pd.DataFrame({"t": times, "v": [1.0, 2.0, 3.0, 4.0]}), step="daily", agg="sum"
    )
    assert y.tolist() == [3, 0, 0, 0, 3, 0, 0, 0, 0, 4]
    assert any(
        "10 steps" in n and "7 of them empty (0 each)" in n for n in y.attrs["notes"]
    )
    # monthly totals in days: refused, not 0 on 29 days of 30
    months = pd.DataFrame({"t": _monthly(12), "v": 1.0})
    with pytest.raises(DataError, match="already in monthly steps"):
        to_series(months, step="daily", agg="sum")


# ------------------------------------------------------------ Chinese files
def test_a_gbk_file_from_a_chinese_excel_reads_its_names():
    rows = "".join(f"2021-{m:02d}-01,春节促销,{m * 10}\n" for m in range(1, 13))
    df = read_csv(("日期,备注,销售额\n" + rows).encode("gbk"))
    assert list(df.columns) == ["日期", "备注", "销售额"]
    assert "read the file as Chinese GBK / GB18030 text" in df.attrs["notes"]
    assert to_series(df).name == "销售额"


@pytest.mark.parametrize("word", ["Größe", "année,été", "Mär,Straße"])
def test_windows_1252_text_is_not_taken_for_chinese(word):
    df = read_csv(f"date,{word}\n2021-01-01,1\n".encode("cp1252"))
    assert word.split(",")[0] in df.columns
    assert not any("GBK" in n for n in df.attrs["notes"])


@pytest.mark.parametrize(
    ("fmt", "freq", "first"),
    [
        ("{y}年{m}月", "MS", "2020-01-01"),
        ("{y}年{m:02d}月1日", "MS", "2020-01-01"),
        ("{y}년 {m}월 1일", "MS", "2020-01-01"),
        ("{y}年第{q}季度", "QS-JAN", "2020-01-01"),
        ("{y}年Q{q}", "QS-JAN", "2020-01-01"),
    ],
)
def test_dates_written_with_year_and_month_marks(fmt, freq, first):
    n = 24
    cells = [fmt.format(y=2020 + i // 12, m=i % 12 + 1, q=i % 4 + 1) for i in range(n)]
    if "q" in fmt:
        cells = [fmt.format(y=2020 + i // 4, q=i % 4 + 1) for i in range(n)]
    text = "日期,销售额\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells))
    y = to_series(read_csv(text))
    assert y.index.freqstr == freq and len(y) == n
    assert y.index[0] == pd.Timestamp(first)


# ------------------------------------------------------------ minus signs
def test_typeset_and_trailing_minus_signs_are_negatives():
    cells = ["−1234", "500", "−2.5", "7"] * 3
    rows = [(d, c) for d, c in zip(_monthly(12), cells, strict=True)]
    y = to_series(read_csv(_csv("date,value", rows)))
    assert y.tolist()[:4] == [-1234, 500, -2.5, 7]
    cells = ["1.234-", "500", "2,5-", "7"] * 3  # SAP, with a decimal comma
    rows = [(d, c) for d, c in zip(_monthly(12), cells, strict=True)]
    y = to_series(read_csv(_csv("date;value", rows, ";")))
    assert y.tolist()[:4] == [-1234, 500, -2.5, 7]
    assert any("minus after the number" in n for n in y.attrs["notes"])


# ------------------------------------------------------------ value columns
def test_a_calendar_number_is_neither_the_value_nor_a_series():
    days = pd.date_range("2021-01-01", periods=28, freq="D")
    rows = [(f"{t:%Y-%m-%d}", t.day_of_week, 2 * i + 1) for i, t in enumerate(days)]
    df = read_csv(_csv("date,weekday,sales", rows))
    y = to_series(df)
    assert y.name == "sales"
    assert any("not 'weekday': a calendar number" in n for n in y.attrs["notes"])
    assert to_panel(df)["series"].unique().tolist() == ["sales"]
    rows = [(d, dow, v, v + 1) for d, dow, v in rows]
    panel = to_panel(read_csv(_csv("date,dow,north,south", rows)))
    assert sorted(panel["series"].unique()) == ["north", "south"]
    assert any("left out 'dow'" in n for n in panel.attrs["notes"])


def test_a_constant_column_is_not_picked_before_one_that_varies():
    rows = [(d, "S1", 9.99, i) for i, d in enumerate(_monthly())]
    y = to_series(read_csv(_csv("date,store,price,qty", rows)))
    assert y.name == "qty"
    assert any("the same value in every row" in n for n in y.attrs["notes"])


@pytest.mark.parametrize(
    ("names", "fmt"),
    [
        ("Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez", "{m} {y}"),
        ("janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.", "{m} {y}"),
        ("ene feb mar abr may jun jul ago sep oct nov dic", "{m}-{y}"),
        ("gen feb mar apr mag giu lug ago set ott nov dic", "1 {m} {y}"),
    ],
)
def test_month_names_of_other_languages(names, fmt):
    months = names.split()
    cells = [fmt.format(m=months[i % 12], y=2020 + i // 12) for i in range(24)]
    text = "Datum;Wert\n" + "".join(f"{c};{i}\n" for i, c in enumerate(cells))
    y = to_series(read_csv(text))
    assert y.index.freqstr == "MS" and len(y) == 24
    assert y.index[2] == pd.Timestamp("2020-03-01")


def test_indian_digit_grouping_lakhs_and_crores():
    cells = ['"1,23,456"', '"98,765"', '"12,34,56,789.5"', '"1,000"'] * 3
    rows = [(d, c) for d, c in zip(_monthly(12), cells, strict=True)]
    y = to_series(read_csv(_csv("date,value", rows)))
    assert y.tolist()[:4] == [123456, 98765, 123456789.5, 1000]


# ------------------------------------------------------------ years by months
def _air_table():
    from convlstm import datasets

    y = datasets.load("air_passengers")
    table = y.groupby([y.index.year, y.index.month]).sum().unstack()
    return y, table


def test_a_table_of_years_by_months_is_one_monthly_series():
    y, table = _air_table()
    names = pd.date_range("2000-01-01", periods=12, freq="MS").strftime("%b").tolist()
    by_year = table.set_axis(names, axis=1).rename_axis("Year").reset_index()
    by_year["Total"] = table.sum(axis=1).to_numpy()
    for text in (
        by_year.to_csv(index=False),  # a year a row, months as columns, a total
        table.T.rename_axis("month").reset_index().to_csv(index=False),  # transposed
    ):
        got = to_series(read_csv(text))
        assert got.index.freqstr == "MS" and got.index[0] == pd.Timestamp("1949-01-01")
        np.testing.assert_array_equal(got.to_numpy(), y.to_numpy())
        assert any("table of years by months" in n for n in got.attrs["notes"])
        assert to_panel(read_csv(text))["series"].nunique() == 1


def test_series_one_a_row_by_years_are_not_taken_for_months():
    text = "store,2019,2020,2021\n" + "".join(f"{i},{i},{i},{i}\n" for i in range(1, 6))
    panel = to_panel(read_csv(text))  # five stores, three years each
    assert panel["series"].nunique() == 5 and len(panel) == 15
    assert set(panel["time"].dt.year) == {2019, 2020, 2021}
    text = "year,1,2,3\n" + "".join(f"{2000 + i},{i},{i},{i}\n" for i in range(10))
    assert to_panel(read_csv(text))["series"].nunique() == 3  # stores 1-3, yearly


# ------------------------------------------------ ordinary files kept as they are
# (a second hunt, for files the heuristics above misread)
@pytest.mark.parametrize("clock", ["18:00", "23:55"])
def test_daily_readings_at_a_time_of_day_keep_their_dates(clock):
    days = pd.date_range(f"2024-01-01 {clock}", periods=40, freq="D")
    jitter = pd.to_timedelta([(k * 7) % 21 - 10 for k in range(40)], "min")
    y = to_series(pd.DataFrame({"time": days + jitter, "v": np.arange(40.0)}))
    assert y.index[0] == pd.Timestamp("2024-01-01") and y.index.freqstr == "D"
    np.testing.assert_array_equal(y.to_numpy(), np.arange(40))


def test_open_ended_band_codes_are_not_negatives():
    rows = [
        (d, band, i) for i, d in enumerate(_monthly()) for band in ("0-", "18-", "65-")
    ]
    panel = to_panel(read_csv(_csv("date,band,people", rows)))
    assert sorted(panel["series"].unique()) == ["0-", "18-", "65-"]


def test_decimal_commas_in_a_comma_separated_file_are_named_as_the_cause():
    rows = "".join(f"2018-{m:02d}-01,10{m:02d},{m * 7}\n" for m in range(1, 13))
    with pytest.raises(DataError) as err:
        read_csv("date,value\n" + rows)
    said = str(err.value)
    assert said.startswith("12 rows have more cells than the header has column names")
    assert "(first at row 2: 3 cells, 2 names): decimal commas in a" in said
    assert (
        "('2018-01-01,1001,7') write the numbers with a decimal point (1001.7)" in said
    )
    # one text cell too many is no decimal comma
    with pytest.raises(DataError, match="names\\); add the missing column names"):
        read_csv("date,value\n" + rows.replace("\n", ",x\n", 1).replace(",7,x", ",x"))


def test_r_row_names_and_headers_short_of_a_name():
    rows = [(f'"{i + 1}"', f'"{d}"', '"A"', i) for i, d in enumerate(_monthly())]
    df = read_csv(_csv('"date","store","value"', rows))
    assert list(df.columns) == ["date", "store", "value"] and len(df) == 24
    with pytest.raises(DataError, match="more cells than the header"):
        read_csv(_csv("date,value", [(d, i, "ok") for i, d in enumerate(_monthly())]))


@pytest.mark.parametrize("header", ["#,date,value", "#date,value"])
def test_a_header_starting_with_a_hash_is_the_header(header):
    n = header.count(",") + 1
    rows = [((i,) if n == 3 else ()) + (d, i) for i, d in enumerate(_monthly())]
    df = read_csv(_csv(header, rows))
    assert list(df.columns) == header.split(",") and len(df) == 24


def test_hours_worked_are_values_not_clock_times():
    rows = [
        (d, who, 4 + (i + k) % 7)
        for i, d in enumerate(_monthly())
        for k, who in enumerate("ab")
    ]
    panel = to_panel(read_csv(_csv("date,employee,hours", rows)))
    assert (
        sorted(panel["series"].unique()) == ["a", "b"] and panel.attrs["freq"] == "MS"
    )


def test_corrections_sent_again_under_a_newest_first_file_are_no_series():
    days = pd.date_range("2024-01-01", periods=40, freq="D")[::-1]
    rows = [(f"{d:%Y-%m-%d}", i) for i, d in enumerate(days)]
    rows += [(f"{d:%Y-%m-%d}", 100 + i) for i, d in enumerate(days[5:8])]
    y = to_series(read_csv(_csv("date,value", rows)))
    assert len(y) == 40


def test_a_korean_cp949_file():
    rows = "".join(f"2024년 1월 {d}일,{d * 3}\n" for d in range(1, 29))
    df = read_csv(("날짜,매출\n" + rows).encode("cp949"))
    assert list(df.columns) == ["날짜", "매출"]
    assert "read the file as Korean EUC-KR / CP949 text" in df.attrs["notes"]
    y = to_series(df)
    assert y.index[0] == pd.Timestamp("2024-01-01") and y.index.freqstr == "D"


def test_a_shift_jis_file_from_a_japanese_excel():
    # CP932's second bytes may be ASCII ("付" is 95 74), and it ends lines with CRLF
    rows = "".join(
        f"{2020 + m // 12}年{m % 12 + 1}月,{m * 5},東京店\r\n" for m in range(24)
    )
    rows += "合計,1380,\r\n"
    df = read_csv(("年月,売上高（円）,店舗\r\n" + rows).encode("cp932"))
    assert list(df.columns) == ["年月", "売上高（円）", "店舗"]
    assert "read the file as Japanese Shift-JIS text" in df.attrs["notes"]
    y = to_series(df)
    assert len(y) == 24 and y.index[0] == pd.Timestamp("2020-01-01")
    assert y.iloc[-1] == 115


@pytest.mark.parametrize(
    "names", ["Umsatz,Änderung,Öl", "Année,Dépenses été", "año,niño", "Größe,Straße"]
)
def test_windows_1252_text_is_not_taken_for_japanese(names):
    width = names.count(",")
    rows = "".join(f"{year}" + ",1" * width + "\n" for year in (2021, 2022))
    df = read_csv(f"{names}\n{rows}".encode("cp1252"))
    assert list(df.columns) == names.split(",")
    assert not any("Shift-JIS" in n for n in df.attrs["notes"])


def test_a_name_with_a_year_after_a_dot_is_its_own_name():
    df = read_csv("date,sales,sales.2023\n2021-01-01,1,2\n2021-02-01,1,2\n")
    assert list(df.columns) == ["date", "sales", "sales.2023"]
    assert not any("same name" in n for n in df.attrs["notes"])


def test_month_names_with_clock_times():
    cells = [f"{d:02d} Jan 2000 {h:02d}:00" for d in (1, 2) for h in range(24)]
    y = to_series(
        read_csv("time,v\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells)))
    )
    assert y.index.freqstr == "h" and y.index[1] == pd.Timestamp("2000-01-01 01:00")


def test_a_header_naming_more_columns_than_the_rows_fill_is_kept():
    df = read_csv("date,value,comment\n" + _ROWS)
    assert list(df.columns) == ["date", "value", "comment"] and len(df) == 12


def test_subtotal_rows_between_the_times_are_left_out():
    rows = ""
    for year in (2020, 2021):
        rows += "".join(f"{year}-{m:02d}-01,{m}\n" for m in range(1, 13))
        rows += f"Total {year},78\n"
    rows += "Subtotal,5\n2022-01-01,1\n2022-02-01,2\n2022-03-01,3\n"
    y = to_series(read_csv("date,value\n" + rows))
    assert len(y) == 27 and y.index.freqstr == "MS" and (y <= 12).all()
    assert any("left out 3 rows among the times" in n for n in y.attrs["notes"])


@pytest.mark.parametrize(
    ("label", "after", "words", "first"),
    [
        ("{y}", (12,), "a year", 14),  # the year's sum under its December
        ("Q{q} {y}", (3, 6, 9, 12), "a quarter", 5),
        ("{y} Q{q}", (3, 6, 9, 12), "a quarter", 5),
    ],
)
def test_a_year_or_quarter_among_the_months_is_a_subtotal(label, after, words, first):
    rows, total = "", 0
    for year in (2019, 2020, 2021):
        for m in range(1, 13):
            rows += f"{year}-{m:02d},{m}\n"
            total += m
            if m in after:
                rows += label.format(y=year, q=m // 3) + f",{total}\n"
                total = 0
    rows += "YTD 2021,78\n"
    y = to_series(read_csv("date,value\n" + rows))
    assert len(y) == 36 and y.index.freqstr == "MS"
    assert (y.to_numpy() == np.tile(np.arange(1, 13), 3)).all()
    said = y.attrs["notes"]
    n = 3 * len(after)
    assert (
        f"left out {n} rows among the times from row {first} "
        f"({label.format(y=2019, q=1)!r} in column 'date'), {words} among finer "
        "times: totals, averages or notes, not times"
    ) in said
    assert any("('YTD 2021' in column 'date'): totals" in note for note in said)


def test_a_day_the_month_does_not_have_is_named_as_the_cell_to_fix():
    # month ends, one of them mistyped
    ends = pd.date_range("2018-01-31", periods=36, freq="ME").strftime("%Y-%m-%d")
    cells = [("2019-02-30" if c == "2019-02-28" else c) for c in ends]
    body = "".join(f"{c},{i}\n" for i, c in enumerate(cells))
    with pytest.raises(DataError) as err:
        to_series(read_csv("date,value\n" + body))
    assert str(err.value).endswith(
        "'2019-02-30' names a day February 2019 does not have (it has 28 days): "
        "correct that cell"
    )


def test_years_before_the_months_are_no_subtotals():
    # a long history kept yearly, then monthly: not left out as totals
    cells = [str(y) for y in range(1990, 2000)]
    cells += [f"{y}-{m:02d}" for y in (2000, 2001, 2002) for m in range(1, 13)]
    body = "".join(f"{c},{i}\n" for i, c in enumerate(cells))
    with pytest.raises(DataError, match="a regular MS grid from 1990-01-01"):
        to_series(read_csv("date,value\n" + body))


# ------------------------------------------------ many series (a third hunt)
def _promo_rows():
    rng = np.random.default_rng(16)
    rows = []
    for store in ("A", "B"):
        for t in pd.date_range("2023-01-01", periods=60, freq="D"):
            promo = int(rng.random() < 0.3)
            rows.append((store, f"{t:%Y-%m-%d}", promo, round(100 + 30 * promo, 1)))
    return rows


def test_a_promo_flag_is_neither_an_id_nor_the_value():
    df = read_csv(_csv("store,date,promo,sales", _promo_rows()))
    assert find_id_columns(df) == ["store"]
    panel = to_panel(df)
    assert sorted(panel["series"].unique()) == ["A", "B"]
    assert panel["value"].min() >= 100  # sales, not the flag
    # numbers that name stores are still ids, by name
    rows = [(s, d, p, v) for s, d, p, v in _promo_rows()]
    rows = [(1 if s == "A" else 2, d, p, v) for s, d, p, v in rows]
    assert find_id_columns(read_csv(_csv("store_nbr,date,promo,sales", rows))) == [
        "store_nbr"
    ]


def test_id_values_holding_the_separator_do_not_merge_two_series():
    rows = [("A / South", "East", d, 1) for d in _monthly(6)]
    rows += [("A", "South / East", d, 100) for d in _monthly(6)]
    rows += [("A", "North", d, 5) for d in _monthly(6)]
    rows += [("A / South", "West", d, 7) for d in _monthly(6)]
    with pytest.raises(DataError, match="would both be named 'A / South / East'"):
        to_panel(read_csv(_csv("store,region,date,sales", rows)))


def test_cli_series_reads_one_series_of_a_file_of_mixed_frequencies(tmp_path):
    rows = [
        ("daily", f"{t:%Y-%m-%d}", i)
        for i, t in enumerate(pd.date_range("2024-01-01", periods=40))
    ]
    rows += [("monthly", d, i) for i, d in enumerate(_monthly(24))]
    path = tmp_path / "mixed.csv"
    path.write_text(_csv("id,date,value", rows))
    argv = ["forecast", "--csv", str(path), "--model", "naive", "--horizon", "1"]
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--series", "monthly"], stdout=out, stderr=err) == 0, (
        err.getvalue()
    )
    assert out.getvalue().splitlines()[-1] == "2023-01-01,Naive,23.0"
    # --no-id on a file of several value columns asks which
    wide = tmp_path / "wide.csv"
    wide.write_text(_csv("date,north,south", [(d, 1, 2) for d in _monthly()]))
    out, err = io.StringIO(), io.StringIO()
    argv = ["forecast", "--csv", str(wide), "--model", "naive", "--no-id"]
    assert main(argv, stdout=out, stderr=err) == 2
    assert "choose it with --value-col" in err.getvalue()


def test_codes_written_like_exponents_stay_codes():
    rows = [
        (sku, d, i) for sku in ("12E4", "7E2", "3E1") for i, d in enumerate(_monthly(6))
    ]
    df = read_csv(_csv("sku,date,units", rows))
    assert df["sku"].tolist()[0] == "12E4"
    assert any("kept column 'sku' as text" in n for n in df.attrs["notes"])
    assert sorted(to_panel(df)["series"].unique()) == ["12E4", "3E1", "7E2"]


def test_exponents_that_are_the_only_values_are_read_as_numbers_and_said():
    # kept as text when the file is read, but the only column to forecast: read
    # as numbers, and the notes say so after the one that kept them
    rows = [(d, f"{10 + i}e3") for i, d in enumerate(_monthly())]
    y = to_series(read_csv(_csv("date,orders", rows)))
    assert y.iloc[0] == 10_000 and y.iloc[-1] == 33_000
    notes = y.attrs["notes"]
    kept = next(i for i, n in enumerate(notes) if "kept column 'orders' as text" in n)
    assert (
        notes[kept + 1 :].count(
            "read column 'orders' as numbers after all, as the value column: '10e3' "
            "as 10,000"
        )
        == 1
    )


def test_mixed_frequencies_suggest_the_longest_step():
    rows = [("d", f"{t:%Y-%m-%d}", 1) for t in pd.date_range("2024-01-01", periods=60)]
    rows += [("m", d, 1) for d in _monthly(24)]
    with pytest.raises(DataError, match="such as monthly steps"):
        to_panel(read_csv(_csv("id,date,value", rows)))


def test_daily_steps_of_sites_in_two_time_zones_are_their_local_days():
    rows = []
    for day in range(1, 7):
        for hour in ("00", "12"):
            rows.append(("NY", f"2024-03-{day:02d}T{hour}:00:00-05:00", 100 + day))
            rows.append(("TOK", f"2024-03-{day:02d}T{hour}:00:00+09:00", 200 + day))
    panel = to_panel(read_csv(_csv("site,ts,kwh", rows)), step="daily", agg="sum")
    tok = panel[panel["series"] == "TOK"]
    assert tok["value"].tolist() == [402, 404, 406, 408, 410, 412]  # no half days
    assert tok["time"].iloc[0] == pd.Timestamp("2024-03-01")
    assert any("local clock times" in n for n in panel.attrs["notes"])


def test_a_count_of_visitors_beside_the_store_is_no_id():
    rng = np.random.default_rng(3)
    rows = [
        (store, d, int(rng.integers(0, 4)), 10 + i)
        for store in ("A", "B")
        for i, d in enumerate(_monthly())
    ]
    df = read_csv(_csv("store,date,number_of_visitors,sales", rows))
    assert find_id_columns(df) == ["store"]


def test_a_series_that_ends_early_is_said():
    days = pd.date_range("2023-01-01", periods=60, freq="D")
    rows = [("open", f"{t:%Y-%m-%d}", i) for i, t in enumerate(days)]
    rows += [("closed", f"{t:%Y-%m-%d}", i) for i, t in enumerate(days[:40])]
    panel = to_panel(read_csv(_csv("store,date,sales", rows)))
    note = next(n for n in panel.attrs["notes"] if "steps before the newest" in n)
    assert note.startswith("1 series ends at least 10 steps") and "'closed'" in note
    assert "2023-02-09" in note
    # ends a few steps apart: nothing to say
    rows = [r for r in rows if r[0] == "open"] + [
        ("late", f"{t:%Y-%m-%d}", i) for i, t in enumerate(days[:55])
    ]
    panel = to_panel(read_csv(_csv("store,date,sales", rows)))
    assert not any("steps before the newest" in n for n in panel.attrs["notes"])


def test_a_lone_value_far_from_its_neighbours_is_said_in_a_note():
    days = pd.date_range("2021-01-01", periods=60, freq="D")
    values = 200 + 5 * np.sin(np.arange(60))
    values[30] = 1e9
    text = "date,sales\n" + "".join(
        f"{d:%Y-%m-%d},{v:.6g}\n" for d, v in zip(days, values, strict=True)
    )
    y = to_series(read_csv(text))
    (note,) = (n for n in y.attrs["notes"] if n.startswith("check the data"))
    assert "the value at 2021-01-31 (1e+09)" in note
    # the same store in a file of two: one note naming it
    rows = text.splitlines()[1:]
    panel_text = "store,date,sales\n" + "".join(
        f"{s},{row}\n" for s in ("A", "B") for row in rows[: 60 if s == "A" else 30]
    )
    panel = to_panel(read_csv(panel_text))
    (note,) = (n for n in panel.attrs["notes"] if n.startswith("check the data"))
    assert "1 series has a value" in note and "'A' (1e+09 at 2021-01-31)" in note
    # a trend, a season or an end of sharp steps is no spike
    for clean in (np.arange(60.0) ** 2, 100 + 50 * np.sign(np.sin(np.arange(60)))):
        plain = "date,v\n" + "".join(
            f"{d:%Y-%m-%d},{v}\n" for d, v in zip(days, clean, strict=True)
        )
        notes = to_series(read_csv(plain)).attrs["notes"]
        assert not any(n.startswith("check the data") for n in notes)


def test_a_last_period_far_below_the_ones_before_is_said():
    # a weekly export taken on a Tuesday: its last week holds two days
    weeks = pd.date_range("2024-01-07", periods=40, freq="W-SUN")
    units = [350 + (i % 5) * 4 for i in range(39)] + [42]
    text = "week,units,revenue\n" + "".join(
        f"{w:%Y-%m-%d},{u},{u * 12.5}\n" for w, u in zip(weeks, units, strict=True)
    )
    one = to_series(read_csv(text), value_col="units")
    (note,) = (n for n in one.attrs["notes"] if n.startswith("check the data"))
    assert "the last value (42 at 2024-10-06) is 12% of the typical one" in note
    panel = to_panel(read_csv(text))
    (note,) = (n for n in panel.attrs["notes"] if n.startswith("check the data"))
    assert "2 series end at a quarter or less" in note and "'units' (42" in note
    # an ordinary end says nothing
    text = text.replace("\n2024-10-06,42,525.0", "\n2024-10-06,300,3750.0")
    notes = to_series(read_csv(text), value_col="units").attrs["notes"]
    assert not any(n.startswith("check the data") for n in notes)
    # nor does a decline into a trough (sunspots end at a solar minimum)
    from convlstm.data.series import low_end_text
    from convlstm.datasets import load

    assert low_end_text(load("sunspots")) is None
    # nor an intermittent series' zero after zeros before (a slow-moving part)
    parts = pd.Series(
        [3, 0, 2, 4, 0, 3, 5, 2, 3, 0],
        index=pd.date_range("2024-01-07", periods=10, freq="W"),
    )
    assert low_end_text(parts) is None
    steady = parts.copy()
    steady.iloc[[1, 4]] = 2  # no zero before: the last one stands out
    assert low_end_text(steady) is not None


def _checks(column: str, times: pd.DatetimeIndex, values) -> list[str]:
    """The check-the-data notes of a CSV of ``times`` and ``values``."""
    text = f"{column},v\n" + "".join(
        f"{t:%Y-%m-%d},{v:g}\n" for t, v in zip(times, values, strict=True)
    )
    notes = to_series(read_csv(text)).attrs["notes"]
    return [n for n in notes if n.startswith("check the data")]


def test_a_spike_and_a_low_last_value_are_both_said_once_each():
    # a typo mid-series and an unfinished last week: two things to check
    weeks = pd.date_range("2024-01-07", periods=40, freq="W-SUN")
    units = [350.0 + (i % 5) * 4 for i in range(39)] + [42.0]
    units[20] = 350_000.0
    checks = _checks("week", weeks, units)
    assert len(checks) == 2
    assert "2024-05-26 (350000)" in checks[0] and "the last value (42" in checks[1]
    # a last value that is both a spike and low gets the low-end note alone
    steady = [350.0 + (i % 2) for i in range(39)] + [1.0]
    (check,) = _checks("week", weeks, steady)
    assert "the last value (1 at 2024-10-06)" in check


def test_a_lone_glitch_in_a_constant_series_is_said_too():
    # its typical one-step change is 0, so no ratio to it could say so
    days = pd.date_range("2023-01-01", periods=120, freq="D")
    values = np.ones(120)
    values[50] = 1000
    (note,) = _checks("date", days, values)
    assert "2023-02-20 (1000) stands 999 times the series' level (1" in note
    # intermittent counts (a level of 0) are no glitch
    values = np.zeros(120)
    values[[10, 50, 90]] = [3, 5, 2]
    text = "date,v\n" + "".join(
        f"{d:%Y-%m-%d},{v:g}\n" for d, v in zip(days, values, strict=True)
    )
    notes = to_series(read_csv(text)).attrs["notes"]
    assert not any(n.startswith("check the data") for n in notes)


@pytest.mark.parametrize(
    "text",
    [
        "Date;Time;kWh\n24.03.2023;00:00;1\n24.03.2023;12:00;2\n25.03.2023;00:00;3\n"
        "25.03.2023;12:00;4\n26.03.2023;00:00;5\n26.03.2023;12:00;6\n",
        "Buchungstag;Betrag (EUR)\n"
        + "".join(f"{d:02d}.03.2023;{d},50\n" for d in range(1, 7)),
        "Tag;Wert\n" + "".join(f"{d:02d}.01.23;{d}\n" for d in range(1, 7)),
    ],
    ids=["date-and-time-columns", "booking-day", "two-digit-year"],
)
def test_dotted_day_month_year_dates_are_dates_whatever_the_column_name(text):
    # 24.03.2023 passed for a number: the time column was split into series by
    # its clock times, or not found at all
    y = to_series(read_csv(text.encode()))
    assert len(y) == 6 and y.index[0].day in (1, 24)
    assert y.index[1] - y.index[0] in (pd.Timedelta("12h"), pd.Timedelta("1D"))


def test_an_item_column_of_mixed_codes_names_series_beside_the_store():
    # items 101, 102 and X7 are mostly numbers: the column was no id, and the
    # three items of each store were averaged into one series
    rows = ["store,item,date,sales"]
    for store in ("S01", "S02"):
        for k, item in enumerate(("101", "102", "X7")):
            for i, day in enumerate(pd.date_range("2023-01-01", periods=20)):
                rows.append(f"{store},{item},{day:%Y-%m-%d},{(k + 1) * 100 + i}")
    panel = to_panel(read_csv("\n".join(rows).encode()))
    assert panel["series"].nunique() == 6
    assert "S02 / X7" in set(panel["series"])
    one = panel[panel["series"] == "S01 / 102"]["value"].tolist()
    assert one == [200.0 + i for i in range(20)]  # not averaged with the others


def test_readings_with_flag_letters_beat_a_constant_station_number():
    # every reading cell could not be a number (21s, M), so the constant station
    # number was forecast
    text = (
        "STATION,DATE,HourlyDryBulbTemperature\n"
        "72503014732,2023-07-01T00:51:00,20\n72503014732,2023-07-01T01:51:00,21s\n"
        "72503014732,2023-07-01T02:51:00,22\n72503014732,2023-07-01T03:51:00,M\n"
        "72503014732,2023-07-01T04:51:00,23\n72503014732,2023-07-01T05:51:00,24\n"
    )
    y = to_series(read_csv(text.encode()))
    assert y.name == "HourlyDryBulbTemperature"
    assert y.iloc[0] == 20 and y.iloc[-1] == 24
    notes = " ".join(y.attrs["notes"])
    assert "not 'STATION': the same value in every row" in notes
    assert "'21s'" in notes  # the flagged cells are said, not hidden


def test_a_cell_below_a_bound_is_half_the_bound_not_its_neighbours():
    # Google Trends writes "<1" for a week of almost no searches: it was treated
    # as missing and interpolated to about 90
    weeks = pd.date_range("2023-01-01", periods=8, freq="7D")
    values = ["90", "85", "<1", "95", "88", "80", "91", "<1"]
    text = "Week,trend\n" + "".join(
        f"{w:%Y-%m-%d},{v}\n" for w, v in zip(weeks, values, strict=True)
    )
    y = to_series(read_csv(text.encode()))
    assert y.tolist() == [90, 85, 0.5, 95, 88, 80, 91, 0.5]
    assert any("'<1' read as 0.5" in n for n in y.attrs["notes"])
    # most cells below a bound: no column of numbers, as before
    many = "Week,trend\n" + "".join(f"{w:%Y-%m-%d},<5\n" for w in weeks)
    with pytest.raises(DataError):
        to_series(read_csv(many.encode()))


def test_twelve_hour_clock_times_have_a_format():
    # 1/1/2023 1:00 PM was read cell by cell with a false "mixes date formats"
    # note, and refused above 50,000 rows
    hours = pd.date_range("2023-01-01", periods=48, freq="h")
    cells = [f"{t.month}/{t.day}/{t.year} {t:%I:%M %p}" for t in hours]
    cells = [c.replace(" 0", " ") for c in cells]  # 1:00 AM, as Excel writes it
    text = "Date Time,kwh\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells))
    y = to_series(read_csv(text.encode()))
    assert len(y) == 48 and y.index.freqstr == "h"
    assert y.index[12] == pd.Timestamp("2023-01-01 12:00")  # 12:00 PM is noon
    assert y.index[0] == pd.Timestamp("2023-01-01 00:00")  # 12:00 AM, midnight
    assert not any("mixes date formats" in n for n in y.attrs["notes"])


@pytest.mark.parametrize(
    "tail",
    ["Total,60\n\nSource: ERP export\n", "Average,12\nMax,14\n", "* provisional\n"],
    ids=["total-then-source", "average-and-max", "footnote"],
)
def test_summary_and_note_rows_under_the_data_are_left_out(tail):
    # they were refused as "cells that are not dates ... write dates in one format"
    text = "Month,Sales\n" + "".join(f"2022-{m:02d},{m}\n" for m in range(1, 7))
    y = to_series(read_csv((text + tail).encode()))
    assert len(y) == 6 and y.iloc[-1] == 6


def test_a_repeated_header_row_is_dropped_with_a_note():
    text = "date,value\n2023-01-01,1\n2023-01-02,2\nDate,Value\n2023-01-03,3\n"
    table = read_csv(text.encode())
    assert len(table) == 3
    assert "dropped 1 row that repeats the header (first at row 4)" in " ".join(
        table.attrs["notes"]
    )
    assert to_series(table).tolist() == [1, 2, 3]


def test_two_pasted_exports_of_the_same_days_read_as_one_series_with_notes():
    days = "".join(f"2023-01-{d:02d},{d}\n" for d in range(1, 13))
    y = to_series(read_csv(("date,value\n" + days + "date,value\n" + days).encode()))
    assert y.tolist() == list(range(1, 13))
    notes = " ".join(y.attrs["notes"])
    assert "repeats the header (first at row 14)" in notes


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ("<!DOCTYPE html>\n<html><body>Session expired</body></html>\n", "a web page"),
        ("<html>\n<table><tr><td>1</td></tr></table>\n</html>\n", "a web page"),
    ],
    ids=["html-page", "html-table"],
)
def test_a_web_page_saved_as_csv_says_what_it_is(content, what):
    # JSON is read where it holds records (tests/unit/test_reader_structured.py)
    with pytest.raises(DataError, match=f"this is {what}.*, not a CSV file"):
        read_csv(content.encode())


def test_a_chosen_series_without_numbers_is_named_not_its_column():
    rows = "".join(
        f"North,2023-01-{d:02d},{d}\nEast,2023-01-{d:02d},\n" for d in range(1, 9)
    )
    table = read_csv(("region,date,sales\n" + rows).encode())
    with pytest.raises(
        DataError, match="series 'East' has no numbers in column 'sales'"
    ):
        to_series(table, series="East")
    assert len(to_series(table, series="North")) == 8


def test_a_price_table_forecasts_the_adjusted_close():
    # Yahoo Finance's layout: Open came first, so the opening price was forecast
    days = pd.bdate_range("2023-01-02", periods=30)
    rows = "".join(
        f"{d:%Y-%m-%d},{10 + i},{11 + i},{9 + i},{10.5 + i},{10.4 + i},{1000 + i}\n"
        for i, d in enumerate(days)
    )
    text = "Date,Open,High,Low,Close,Adj Close,Volume\n" + rows
    y = to_series(read_csv(text.encode()))
    assert y.name == "Adj Close" and y.iloc[0] == 10.4
    assert any("the closing price of a price table" in n for n in y.attrs["notes"])


def test_investing_coms_price_table_is_one_series_of_its_price():
    from convlstm.data.columns import price_table_close

    # newest first, "Price" for the close, volumes in millions, change in percent
    days = pd.bdate_range("2023-01-02", periods=30)[::-1]
    rows = "".join(
        f'"{d:%b %d, %Y}","{1000 + i:,}.5","{999 + i}","{1001 + i}","{998 + i}",'
        f'"{1 + i / 10:.1f}M","0.{i}%"\n'
        for i, d in enumerate(days)
    )
    text = '"Date","Price","Open","High","Low","Vol.","Change %"\n' + rows
    data = read_csv(text.encode())
    y = to_series(data)
    assert y.name == "Price" and len(y) == 30 and y.iloc[-1] == 1000.5
    assert price_table_close(data) == "Price"  # the CLI reads it as one series


def test_the_end_of_a_day_written_24_00_is_the_next_midnight():
    cells = [f"2023-01-0{d} {h:02d}:00" for d in (1, 2) for h in range(1, 25)]
    text = "timestamp,kwh\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells))
    y = to_series(read_csv(text.encode()))
    assert len(y) == 48 and y.index.freqstr == "h"
    assert y.index[23] == pd.Timestamp("2023-01-02 00:00") and y.iloc[23] == 23
    assert y.index[-1] == pd.Timestamp("2023-01-03 00:00")
    assert any("24:00" in n and "next day" in n for n in y.attrs["notes"])


def test_points_the_reader_fills_in_are_recorded_and_not_scored():
    # a gap's interpolated value was scored as an observed actual
    from convlstm import compare, datasets
    from convlstm.data import filled_mask

    y = datasets.load("air_passengers")
    frame = pd.DataFrame({"month": y.index, "v": y.to_numpy()})
    frame = frame[frame["month"] != pd.Timestamp("1960-07-01")]  # one gap
    frame.loc[frame["month"] == pd.Timestamp("1958-03-01"), "v"] = np.nan  # a blank
    read = to_series(frame)
    gaps = read.index[filled_mask(read)]
    assert list(gaps) == [pd.Timestamp("1958-03-01"), pd.Timestamp("1960-07-01")]
    result = compare(read, models=["Naive"], horizon=12, folds=2, levels=(0.8,))
    bt = result.backtest.forecasts
    assert bt.loc[bt["filled"], "timestamp"].tolist() == [pd.Timestamp("1960-07-01")]
    observed = bt[~bt["filled"]]
    expected = np.mean(np.abs(observed["actual"] - observed["forecast"]))
    assert result.summary.loc["Naive", "mae"] == pytest.approx(expected)
    fold2 = observed[observed["fold"] == 2]
    per_fold = result.backtest.per_fold
    assert per_fold.loc[per_fold["fold"] == 2, "mae"].item() == pytest.approx(
        np.mean(np.abs(fold2["actual"] - fold2["forecast"]))
    )
    from convlstm.narrative import filled_scoring_text

    said = filled_scoring_text(bt)
    assert said.startswith("1 of the 24 backtest points was filled in by the reader")
    from convlstm.report import build_report

    html = build_report(read, result, title="gap", record=result.record)
    assert 'id="filled"' in html and "is not scored" in html
    # a series without gaps has no such column
    plain = compare(y, models=["Naive"], horizon=12, folds=2, levels=(0.8,))
    assert "filled" not in plain.backtest.forecasts.columns
    assert filled_scoring_text(plain.backtest.forecasts) is None


def test_a_period_number_beside_full_timestamps_is_no_series():
    # AEMO's files: SETTLEMENTDATE (a timestamp), PERIODID 1-48, the values
    times = pd.date_range("2023-01-01 00:30", periods=96, freq="30min")
    rows = [
        (f"{t:%Y/%m/%d %H:%M:%S}", i % 48 + 1, 7000 + i, 50 + i % 7)
        for i, t in enumerate(times)
    ]
    df = read_csv(_csv("SETTLEMENTDATE,PERIODID,TOTALDEMAND,RRP", rows))
    panel = to_panel(df)
    assert sorted(panel["series"].unique()) == ["RRP", "TOTALDEMAND"]


@pytest.mark.parametrize("fmt", ["{b} {yy}", "{B} {yy}", "{b} '{yy}", "{B}-{yy}"])
def test_a_months_name_with_a_two_digit_year_is_that_month(fmt):
    months = pd.date_range("2021-01-01", periods=30, freq="MS")
    cells = [fmt.format(b=f"{t:%b}", B=f"{t:%B}", yy=f"{t:%y}") for t in months]
    y = to_series(
        read_csv(_csv("Month,Revenue", [(c, i) for i, c in enumerate(cells)]))
    )
    assert y.index.freqstr == "MS" and y.index[0] == months[0] and len(y) == 30


@pytest.mark.parametrize("cell", ["Feb {d:02d}", "{d:02d} Feb"])
def test_days_without_a_year_are_refused_in_plain_words(cell):
    rows = [(cell.format(d=d), d) for d in range(1, 29)]
    with pytest.raises(DataError, match="dates without a year"):
        to_series(read_csv(_csv("day,v", rows)))


@pytest.mark.parametrize(("digits", "fmt"), [(10, "%Y%m%d%H"), (12, "%Y%m%d%H%M")])
def test_dates_and_hours_written_as_one_number(digits, fmt):
    # DWD's MESS_DATUM 2023101500: not Unix seconds of 2034
    hours = pd.date_range("2023-10-15", periods=72, freq="h")
    rows = [(10382, f"{t:{fmt}}", i) for i, t in enumerate(hours)]
    y = to_series(read_csv(_csv("station;MESS_DATUM;TT_TU", rows, sep=";")))
    assert y.index.freqstr == "h" and y.index[0] == hours[0] and len(y) == 72
    notes = " ".join(y.attrs["notes"])
    assert "YYYYMMDDHH" in notes and "Unix" not in notes


def test_unix_seconds_stay_unix_seconds():
    times = pd.date_range("2023-05-01", periods=48, freq="h")
    rows = [(int(t.timestamp()), i) for i, t in enumerate(times)]
    y = to_series(read_csv(_csv("timestamp,load", rows)))
    assert y.index[0] == times[0] and "Unix time" in " ".join(y.attrs["notes"])


def test_a_station_number_in_every_row_is_no_series():
    rows = [(7, f"2020-01-{d:02d}", d, 50 + d % 3) for d in range(1, 29)]
    panel = to_panel(read_csv(_csv("station,date,temp,humidity", rows)))
    assert sorted(panel["series"].unique()) == ["humidity", "temp"]
    assert any("'station': one value in every row" in n for n in panel.attrs["notes"])


def test_a_row_number_or_running_id_beside_the_data_is_no_series():
    # "ID, Date, Sales" as spreadsheets number their rows; an order number
    months = pd.date_range("2018-01-01", periods=24, freq="MS")
    rows = [
        (k + 1, f"{t:%Y-%m-%d}", 900 + (k * 37) % 101) for k, t in enumerate(months)
    ]
    y = to_series(read_csv(_csv("ID,Date,Sales", rows)))
    assert y.name == "Sales" and len(y) == 24
    assert any("(not 'ID': it counts the rows" in n for n in y.attrs["notes"])
    orders = [(100_001 + k, t, v) for k, (_, t, v) in enumerate(rows)]
    assert to_series(read_csv(_csv("order_id,order_date,amount", orders))).name == (
        "amount"
    )
    # beside two series of a wide table: left out, with a note
    wide = [(k, t, v, 2 * v) for k, t, v in rows]
    panel = to_panel(read_csv(_csv("row,date,north,south", wide)))
    assert sorted(panel["series"].unique()) == ["north", "south"]
    assert (
        "left out 'row': row numbers or running ids (1, 2, 3...), not series"
        in (panel.attrs["notes"])
    )
    # a column of 1, 2, 3... named as a value stays a series; so does a counter
    # chosen as the value
    line = [(t, k + 1, v) for k, t, v in rows]
    panel = to_panel(read_csv(_csv("date,visitors,sales", line)))
    assert sorted(panel["series"].unique()) == ["sales", "visitors"]
    y = to_series(read_csv(_csv("ID,Date,Sales", rows)), value_col="ID")
    assert y.iloc[-1] == 24
    # a week number beside the week's date is a calendar number
    mondays = pd.date_range("2020-01-06", periods=30, freq="W-MON")
    weeks = [(f"{t:%Y-%m-%d}", k + 2, 100 + k % 7) for k, t in enumerate(mondays)]
    y = to_series(read_csv(_csv("week_start,week_no,sales", weeks)))
    assert y.name == "sales"


def test_one_series_of_numbered_stores_and_items_is_read_by_its_ids():
    # Kaggle's store-item file: store and item are numbers, sales the values
    days = pd.date_range("2020-01-01", periods=20, freq="D")
    rows = [
        (f"{t:%Y-%m-%d}", s, i, 100 * s + i + k % 3)
        for s in (1, 4)
        for i in (7, 16)
        for k, t in enumerate(days)
    ]
    df = read_csv(_csv("date,store,item,sales", rows))
    y = to_series(df, series="4 / 16")
    assert y.name == "sales" and y.iloc[0] == 416 and len(y) == 20
    with pytest.raises(DataError, match="id columns 'store', 'item'"):
        to_series(df, series="16")


def test_a_wide_tables_series_is_named_by_its_column():
    rows = [(f"2020-{m:02d}", m, 10 * m) for m in range(1, 13)]
    df = read_csv(_csv("month,A,B", rows))
    y = to_series(df, series="B")
    assert y.name == "B" and y.iloc[-1] == 120
    with pytest.raises(DataError, match="columns of numbers are 'A', 'B'"):
        to_series(df, series="C")


@pytest.mark.parametrize("label", ["{q}", "Q{q}"])
def test_year_and_quarter_columns_are_one_quarterly_time(label):
    rows = [
        (y, label.format(q=q), y * 10 + q)
        for y in range(2015, 2024)
        for q in range(1, 5)
    ]
    y = to_series(read_csv(_csv("Year,Quarter,Sales", rows)))
    assert y.index.freqstr.startswith("QS") and len(y) == 36
    assert y.index[1] == pd.Timestamp("2015-04-01") and y.iloc[1] == 20152


def test_year_and_week_columns_are_one_weekly_time():
    weeks = pd.date_range("2021-01-04", periods=120, freq="W-MON")
    rows = [
        (t.isocalendar().year, t.isocalendar().week, i) for i, t in enumerate(weeks)
    ]
    y = to_series(read_csv(_csv("Year,Week,orders", rows)))
    assert y.index.freqstr.startswith("W") and len(y) == 120
    assert y.index[0] == weeks[0] and y.iloc[-1] == 119


def test_quarter_hours_in_local_time_over_the_autumn_change_stay_one_series():
    # 02:00-02:45 twice on 29 October: a clock set back, not two series stacked
    times = list(pd.date_range("2023-10-28", "2023-10-29 02:45", freq="15min"))
    times += list(pd.date_range("2023-10-29 02:00", "2023-10-30 23:45", freq="15min"))
    rows = [(f"{t:%d.%m.%Y %H:%M}", 100 + i % 96) for i, t in enumerate(times)]
    y = to_series(read_csv(_csv("Datum von;Netzlast", rows, sep=";")))
    assert y.index.freqstr == "15min" and len(y) == 3 * 96
    assert any("averaged" in n and "share a timestamp" in n for n in y.attrs["notes"])


def test_a_column_of_interval_ends_is_no_id():
    # SMARD: Datum;Anfang;Ende, with the autumn hour twice
    rows = []
    for t in pd.date_range("2023-10-28", "2023-10-30 23:45", freq="15min"):
        end = t + pd.Timedelta(minutes=15)
        rows.append((f"{t:%d.%m.%Y}", f"{t:%H:%M}", f"{end:%H:%M}", 5 + t.hour, 1.5))
    rows += [
        ("29.10.2023", f"02:{m:02d}", f"02:{m + 15:02d}", 7, 2.5) for m in (0, 15, 30)
    ]
    panel = to_panel(read_csv(_csv("Datum;Anfang;Ende;Last;Pumpe", rows, sep=";")))
    assert sorted(panel["series"].unique()) == ["Last", "Pumpe"]


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("Monat;Umsatz", [f"01.{m:02d}.2021" for m in range(1, 13)]),
        (
            "Monat;Umsatz",
            [f"{m} 2021" for m in GERMAN_MONTHS],
        ),
    ],
)
def test_german_dates_say_a_dot_groups_thousands(header, cells):
    # every value has a dot and three digits after it: 19.346 is 19346 in a file
    # whose dates are German
    rows = [(c, f"{10 + i}.{(37 * i) % 1000:03d}") for i, c in enumerate(cells)]
    y = to_series(read_csv(_csv(header, rows, sep=";")))
    assert y.iloc[0] == 10000 and y.iloc[1] == 11037


def test_emails_and_order_numbers_name_no_series():
    rng = np.random.default_rng(1)
    rows = []
    for k in range(600):
        t = pd.Timestamp("2023-01-01") + pd.Timedelta(
            minutes=int(rng.integers(0, 90 * 1440))
        )
        status = ["Paid", "Failed", "Refunded"][k % 3]
        rows.append(
            (f"{t:%Y-%m-%d %H:%M:%S}", f"{10 + k % 7}.50", status, f"c{k % 200}@x.com")
        )
    df = read_csv(_csv("Created date (UTC),Amount,Status,Customer Email", rows))
    assert find_id_columns(df, step="daily") == ["Status"]
    # an order's line items share its time: the order number is no series
    rows = []
    for k in range(300):
        t = pd.Timestamp("2023-01-01") + pd.Timedelta(hours=7 * k)
        for item in range(1 + k % 3):
            rows.append(
                (f"#{1000 + k}", f"{t:%Y-%m-%d %H:%M}", 2, f"Product {item + k % 5}")
            )
    df = read_csv(_csv("Name,Created at,Lineitem quantity,Lineitem name", rows))
    assert "Name" not in find_id_columns(df, step="daily")


def test_intervals_written_start_to_end_are_dated_by_their_starts():
    # ENTSO-E's MTU column, with the autumn hour marked (CEST) then (CET)
    times = pd.date_range("2023-10-28", "2023-10-29 23:45", freq="15min")
    rows = []
    for i, t in enumerate(times):
        end = t + pd.Timedelta(minutes=15)
        rows.append((f"{t:%d.%m.%Y %H:%M} - {end:%d.%m.%Y %H:%M}", 30000 + i))
    rows.insert(106, ("29.10.2023 02:30 (CET) - 29.10.2023 02:45 (CET)", 1))
    y = to_series(read_csv(_csv("MTU,Actual Total Load [MW]", rows)))
    assert y.index.freqstr == "15min" and y.index[0] == times[0] and len(y) == 192
    assert any("by their starts" in n for n in y.attrs["notes"])


def test_a_german_pivot_export_reads_its_thousands_and_leaves_out_its_total():
    months = [m.replace("Mär", "Mrz") for m in GERMAN_MONTHS]
    rows = [
        (f"{m} 2021", f"{16 + i}.{(123 * i) % 1000:03d}") for i, m in enumerate(months)
    ]
    rows.append(("Gesamtergebnis", "250.000"))
    y = to_series(
        read_csv(_csv("Zeilenbeschriftungen;Summe von Umsatz", rows, sep=";"))
    )
    assert len(y) == 12 and y.index[2] == pd.Timestamp("2021-03-01")
    assert y.iloc[1] == 17123


def test_a_totals_row_is_said_once_not_also_as_a_row_without_a_time():
    days = pd.date_range("2024-01-01", periods=20, freq="D")
    body = "".join(f"{d:%d.%m.%Y};{i};{i * 2}\n" for i, d in enumerate(days))
    text = "Datum;Stück;Umsatz\n" + body + ";5;10\n" + "Summe;190;380\n"
    panel = to_panel(read_csv(text))
    notes = panel.attrs["notes"]
    assert any("'Summe'" in n for n in notes)
    # the blank time cell is still said, once, and the Summe row not with it
    assert [n for n in notes if "without a time" in n] == [
        "dropped 1 row without a time"
    ]


def test_mostly_zero_series_say_how_to_read_their_forecasts():
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    spare = [3 if i % 9 == 0 else 0 for i in range(60)]
    steady = [5 + i % 3 for i in range(60)]
    text = "date,spare,steady\n" + "".join(
        f"{d:%Y-%m-%d},{a},{b}\n" for d, a, b in zip(days, spare, steady, strict=True)
    )
    one = to_series(read_csv(text), value_col="spare")
    assert any(
        n.startswith("mostly zeros: 88% of the steps") for n in one.attrs["notes"]
    )
    steady_notes = to_series(read_csv(text), value_col="steady").attrs["notes"]
    assert not any(n.startswith("mostly zeros") for n in steady_notes)
    (note,) = (n for n in to_panel(read_csv(text)).attrs["notes"] if "mostly" in n)
    assert "1 series is 0 at half the steps or more" in note and "'spare' (88%)" in note


@pytest.mark.parametrize(
    ("stamp", "freq", "first"),
    [
        (lambda i: f"{1850 + i / 12:.4f}", "MS", "1850-01-01"),  # start of month
        (lambda i: f"{1850 + (i + 0.5) / 12:.3f}", "MS", "1850-01-01"),  # mid-month
        (
            lambda i: f"{1850 + i // 4 + (i % 4) / 4 + 0.125:.3f}",
            "QS-JAN",
            "1850-01-01",
        ),
        (lambda i: f"{1850 + i}.5", "YS-JAN", "1850-01-01"),  # mid-year
    ],
)
def test_decimal_years_are_read_as_their_steps(stamp, freq, first):
    from convlstm import read_csv, to_series

    rows = "".join(f"{stamp(i)},{(i % 12) / 10:.2f}\n" for i in range(48))
    y = to_series(read_csv(("year,anomaly\n" + rows).encode()))
    assert len(y) == 48 and y.index.freqstr == freq
    assert str(y.index[0].date()) == first
    assert any("decimal years" in n for n in y.attrs["notes"])


def test_year_and_day_of_year_columns_are_days():
    from convlstm import read_csv, to_series

    days = pd.date_range("2019-12-01", periods=90, freq="D")
    rows = "".join(f"{d.year},{d.day_of_year},{i % 7}\n" for i, d in enumerate(days))
    y = to_series(read_csv(("year,doy,tmax\n" + rows).encode()))
    assert len(y) == 90 and y.index.freqstr == "D" and y.index[0] == days[0]


def test_mmwr_year_and_week_columns_are_their_sundays():
    from convlstm import read_csv, to_series

    # MMWR 2014 has 53 weeks; week 1 of 2015 starts on 2015-01-04
    weeks = [(2014, w) for w in range(40, 54)] + [(2015, w) for w in range(1, 11)]
    rows = "".join(f"{y},{w},{10 + w % 5}\n" for y, w in weeks)
    y = to_series(read_csv(("MMWR Year,MMWR Week,Cases\n" + rows).encode()))
    assert y.attrs["value_col"] == "Cases" and y.index.freqstr == "W-SUN"
    assert y.index[0] == pd.Timestamp("2014-09-28")
    assert y.index[14] == pd.Timestamp("2015-01-04")


def test_mid_month_times_at_varying_hours_are_months():
    # climate-model output: the middle of each month, 1850-01-16 12:00 and
    # 1850-02-15 00:00 (it read as "every 732 hours")
    from convlstm import read_csv, to_series

    starts = pd.date_range("1850-01-01", periods=61, freq="MS")
    mids = starts[:-1] + (starts[1:] - starts[:-1]) / 2
    rows = "".join(f"{t:%Y-%m-%d %H:%M:%S},{i % 12}\n" for i, t in enumerate(mids))
    y = to_series(read_csv(("time,tas\n" + rows).encode()))
    assert y.index.freqstr == "MS" and len(y) == 60
    assert y.index[0] == pd.Timestamp("1850-01-01")
    assert any("one timestamp in each month" in n for n in y.attrs["notes"])


def test_a_gistemp_table_leaves_out_its_annual_and_seasonal_means():
    from convlstm import read_csv, to_series

    head = (
        "Year,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,J-D,D-N,DJF,MAM,JJA,SON"
    )
    rows = [
        ",".join([str(1990 + k)] + [f"{(k + m) % 7 / 10:.2f}" for m in range(18)])
        for k in range(6)
    ]
    y = to_series(read_csv(("\n".join([head, *rows]) + "\n").encode()))
    assert len(y) == 72 and y.index.freqstr == "MS"
    note = next(n for n in y.attrs["notes"] if "table of years by months" in n)
    assert "left out 'J-D', 'D-N', 'DJF', 'MAM', 'JJA', 'SON'" in note


def test_space_separated_columns_are_read():
    from convlstm import read_csv, to_series

    rows = "".join(
        f"{1990 + i // 12}  {i % 12 + 1:>3}   {(i % 9) / 10:.3f}\n" for i in range(48)
    )
    y = to_series(read_csv(("Year  Mon   Anom\n" + rows).encode()))
    assert len(y) == 48 and y.index.freqstr == "MS"
    assert "columns are separated by spaces" in y.attrs["notes"]
    # a table of years by months with its header written as a comment
    head = "# Year  " + "  ".join(
        [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ]
    )
    lines = [
        f"{1990 + k}  " + "  ".join(f"{m / 10:.2f}" for m in range(12))
        for k in range(4)
    ]
    y = to_series(read_csv(("\n".join([head, *lines]) + "\n").encode()))
    assert len(y) == 48 and y.index.freqstr == "MS"


def test_a_name_typed_with_a_combining_accent_is_the_same_series():
    import unicodedata

    from convlstm import read_csv, to_panel

    composed = "Île-de-France"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    rows = ["region,week,cases"]
    for i in range(30):
        name = decomposed if i % 2 else composed
        rows.append(
            f"{name},{pd.Timestamp('2023-01-02') + pd.Timedelta(weeks=i):%Y-%m-%d},{i}"
        )
        rows.append(
            f"Corse,{pd.Timestamp('2023-01-02') + pd.Timedelta(weeks=i):%Y-%m-%d},{i}"
        )
    panel = to_panel(read_csv(("\n".join(rows) + "\n").encode()))
    assert sorted(panel["series"].unique()) == ["Corse", composed]


def test_six_digit_months_and_weeks_in_columns_named_for_them():
    from convlstm import read_csv, to_series

    months = "".join(f"{2000 + i // 12}{i % 12 + 1:02d},{i}\n" for i in range(36))
    y = to_series(read_csv(("yyyymm,anomaly\n" + months).encode()))
    assert y.index.freqstr == "MS" and y.index[0] == pd.Timestamp("2000-01-01")
    weeks = pd.date_range("2019-09-30", periods=40, freq="W-MON")
    rows = "".join(
        f"{w.isocalendar()[0]}{w.isocalendar()[1]:02d},{i}\n"
        for i, w in enumerate(weeks)
    )
    y = to_series(read_csv(("yearweek,cases\n" + rows).encode()))
    assert y.index.freqstr == "W-MON" and y.index[0] == weeks[0] and len(y) == 40
    assert any("ISO weeks written YYYYWW" in n for n in y.attrs["notes"])


def test_a_lone_value_below_zero_in_counts_is_said():
    from convlstm import read_csv, to_series

    counts = [120 + (i * 7) % 15 for i in range(60)]
    counts[33] = -5
    days = pd.date_range("2023-01-01", periods=60, freq="D")
    rows = "".join(f"{d:%Y-%m-%d},{c}\n" for d, c in zip(days, counts, strict=True))
    y = to_series(read_csv(("day,admissions\n" + rows).encode()))
    note = next(n for n in y.attrs["notes"] if "below zero" in n)
    assert "1 value below zero (-5 at 2023-02-03)" in note
    # anomalies cross zero often: nothing said
    rows = "".join(f"{d:%Y-%m-%d},{(i % 9 - 4) / 10}\n" for i, d in enumerate(days))
    y = to_series(read_csv(("day,anomaly\n" + rows).encode()))
    assert not any("below zero" in n for n in y.attrs["notes"])


def test_a_week_53_of_a_year_without_one_points_at_mmwr_weeks():
    from convlstm import DataError, read_csv, to_series

    weeks = [f"2014-W{w:02d}" for w in range(40, 54)] + ["2015-W01", "2015-W02"]
    rows = "".join(f"{w},{i}\n" for i, w in enumerate(weeks))
    with pytest.raises(DataError, match="2014 has no ISO week 53.*'MMWR week'"):
        to_series(read_csv(("week,cases\n" + rows).encode()))


def test_a_date_column_beside_year_and_week_columns_is_the_time():
    from convlstm import read_csv, to_series

    ends = pd.date_range("2019-10-06", periods=30, freq="W-SUN")
    rows = "".join(
        f"{d:%Y-%m-%d},{d.isocalendar()[0]},{d.isocalendar()[1]},{80 + i % 9}\n"
        for i, d in enumerate(ends)
    )
    y = to_series(read_csv(("week_ending,year,week,cases\n" + rows).encode()))
    assert y.index.freqstr == "W-SUN" and y.index[0] == ends[0]
    assert y.attrs["value_col"] == "cases"


def test_years_before_1000_are_refused_as_such():
    from convlstm import DataError, read_csv, to_series

    rows = "".join(f"{850 + i:04d},{i % 5}\n" for i in range(40))
    with pytest.raises(DataError, match="holds years before 1000 \\(such as '0850'\\)"):
        to_series(read_csv(("year,anomaly\n" + rows).encode()))


@pytest.mark.parametrize(
    "tail",
    [
        # more cells than the header names: refused as "Expected 2 fields" before
        "\nSource: State Department of Health, provisional data, subject to change\n"
        "Note: counts below 5 are suppressed, see methods, page 3\n",
        # as many cells as the header: spilled into the value column before
        "Source: Department of Health, provisional\n",
        'Total,78\n\n"Source: ERP, ""Sales"" report", page 2, 2024\n',
    ],
    ids=["more-cells", "as-many-cells", "after-a-total"],
)
def test_notes_with_commas_under_the_data_are_left_out(tail):
    y = to_series(read_csv("date,value\n" + _ROWS + tail))
    assert len(y) == 12 and y.iloc[-1] == 12
    assert any("averages or notes, not times" in n for n in y.attrs["notes"])


def test_notes_with_commas_under_a_long_panel_are_left_out():
    rows = "".join(f"{r},2023-{m:02d}-01,{m}\n" for r in "AB" for m in range(1, 13))
    tail = "\nSource: State Department of Health, provisional data, see page 3\n"
    panel = to_panel(read_csv("region,month,cases\n" + rows + tail))
    assert sorted(panel["series"].unique()) == ["A", "B"]
    assert len(panel) == 24


def test_a_long_row_among_the_data_is_still_refused():
    with pytest.raises(DataError, match="could not be read"):
        read_csv("date,value\n" + _ROWS[:40] + "2023-01-09,5,6,7\n" + _ROWS[40:])
    # a long row of numbers at the end is data with an extra cell, not a note
    with pytest.raises(DataError, match="could not be read"):
        read_csv("date,value\n" + _ROWS + "2024-01-01,5,6\n")


def test_a_fred_text_download_reads_under_its_block_of_notes():
    # FRED's old .txt: 11 lines of notes (some of two words, as the table's
    # rows are), then a table separated by spaces
    head = (
        "Title:               Consumer Price Index for All Urban Consumers\n"
        "Series ID:           CPIAUCSL\nSource:              U.S. Bureau of Labor\n"
        "Release:             Consumer Price Index\n"
        "Seasonal Adjustment: Seasonally Adjusted\nFrequency:           Monthly\n"
        "Units:               Index 1982-1984=100\n"
        "Date Range:          2021-01-01 to 2021-12-01\n"
        "Last Updated:        2024-01-11 7:38 AM CST\n"
        "Notes:               The Consumer Price Index is a price\n"
        "                     index of a basket of goods.\n\nDATE        VALUE\n"
    )
    rows = "".join(f"2021-{m:02d}-01  {100 + m}.5\n" for m in range(1, 13))
    y = to_series(read_csv(head + rows))
    assert len(y) == 12 and y.iloc[0] == 101.5
    assert any("skipped 11 lines above the header" in n for n in y.attrs["notes"])


def test_a_title_with_a_comma_above_the_header_is_skipped():
    text = "Consumer Price Index, monthly\nSource: BLS\n\nDATE,VALUE\n" + _ROWS
    df = read_csv(text)
    assert list(df.columns) == ["DATE", "VALUE"] and len(df) == 12


@pytest.mark.parametrize(
    ("title", "header"),
    [
        ("Sales export, generated 2025-01-03", "date,sales"),
        ("Sales export, generated 2025-01-03\n", "date,sales"),  # a blank line
        ("Exported by ACME, Inc. on 2025-01-03, all stores", "store,order_date,sales"),
    ],
)
def test_a_title_with_as_many_commas_as_the_header_is_skipped(title, header):
    # the title has the header's shape, so only its words tell it apart: it names
    # no time column, the line under it does, and data follow
    cells = len(header.split(","))
    rows = "".join(
        ",".join(["A"] * (cells - 2) + [f"2021-{m:02d}-01", f"{100 + m}"]) + "\n"
        for m in range(1, 13)
    )
    df = read_csv(f"{title}\n{header}\n{rows}")
    assert list(df.columns) == header.split(",") and len(df) == 12
    assert any("skipped 1 line above the header" in n for n in df.attrs["notes"])


def test_a_header_over_a_line_of_units_keeps_its_names():
    # a second header-like line (units) under the names is not a title over them
    text = "date,temperature\n,degC\n" + "".join(
        f"2021-{m:02d}-01,{10 + m}\n" for m in range(1, 13)
    )
    df = read_csv(text)
    assert list(df.columns) == ["date", "temperature"]


def test_an_erp_export_with_notes_above_and_an_empty_last_column_is_read():
    # two lines of notes (one ending in the delimiters of the empty column), a
    # header naming an empty Notes column, rows ending in its empty cell, a total
    # and a source under the data: it read fine with either the notes or the empty
    # column, and was refused with both
    rows = "".join(f'{m:02d}/2021,"{9000 + 100 * m:,}.00",\n' for m in range(1, 13))
    text = (
        "ACME Retail - Monthly net sales report\n"
        "Exported from ERP on 05/12/2026,,\n\n"
        " Period  , Net Sales (EUR) ,Notes\n"
        + rows
        + 'Total,"117,800.00",\nSource: finance team,,\n'
    )
    y = to_series(read_csv(text))
    assert len(y) == 12 and y.iloc[0] == 9100.0 and y.iloc[-1] == 10200.0
    notes = " ".join(y.attrs["notes"])
    assert "skipped 2 lines above the header" in notes
    # the note under the table, then the total above it
    assert "left out 1 row at the end of the file from row 15 ('Source" in notes
    assert "left out 1 row at the end of the file from row 14 ('Total'" in notes


def _model_days(years, days=range(1, 31)):
    """Dates of a 360-day calendar: 30 days in every month."""
    return [f"{y}-{m:02d}-{d:02d}" for y in years for m in range(1, 13) for d in days]


def test_monthly_values_of_a_360_day_calendar_read_as_months():
    dates = _model_days(range(1990, 1996), days=[30])  # 1990-02-30 among them
    rows = "".join(f"{d},{280 + i % 12}\n" for i, d in enumerate(dates))
    y = to_series(read_csv(("time,tas\n" + rows).encode()))
    assert len(y) == 72 and y.index.freqstr == "MS"
    assert y.index[0] == pd.Timestamp("1990-01-01")
    assert list(y.iloc[:13]) == [280 + i % 12 for i in range(13)]
    note = next(n for n in y.attrs["notes"] if "360-day calendar" in n)
    assert "6 dates such as '1990-02-30'" in note
    assert "monthly steps" not in note  # one value a month: nothing lost


def test_daily_values_of_a_360_day_calendar_say_what_the_days_lose():
    dates = _model_days(range(2001, 2003))
    rows = "".join(f"{d},{i}\n" for i, d in enumerate(dates))
    data = read_csv(("time,tas\n" + rows).encode())
    y = to_series(data)
    note = next(n for n in y.attrs["notes"] if "360-day calendar" in n)
    assert "4 dates such as '2001-02-29'" in note and "monthly steps" in note
    monthly = to_series(data, step="monthly")
    assert len(monthly) == 24
    # every one of February's 30 days lands in February: its exact mean
    assert monthly.loc["2001-02-01"] == np.mean(range(30, 60))


def test_one_mistyped_30th_of_february_among_real_dates_stays_an_error():
    days = pd.date_range("2021-01-01", periods=90, freq="D").strftime("%Y-%m-%d")
    cells = [*days[:40], "2021-02-30", *days[40:]]
    rows = "".join(f"{d},{i}\n" for i, d in enumerate(cells))
    with pytest.raises(DataError, match="'2021-02-30'"):
        to_series(read_csv(("day,sales\n" + rows).encode()))


def _station_table(**columns):
    days = pd.date_range("2020-01-01", periods=60, freq="D").strftime("%Y-%m-%d")
    t = np.arange(60)
    moving = {"TMAX": 15 + t % 7 + 0.5, "TMIN": 5 + t % 5 + 0.25}
    table = pd.DataFrame({"DATE": days, **columns, **moving})
    return table.to_csv(index=False).encode()


def test_a_stations_coordinates_beside_its_readings_are_no_series():
    # NOAA's daily summaries: STATION, NAME, DATE, LATITUDE, LONGITUDE, ELEVATION,
    # then the readings
    data = _station_table(
        STATION="USW00094728", LATITUDE=40.77898, LONGITUDE=-73.96925, ELEVATION=42.7
    )
    panel = to_panel(read_csv(data))
    assert sorted(panel["series"].unique()) == ["TMAX", "TMIN"]
    assert wide_columns(read_csv(data)) == ["TMAX", "TMIN"]  # the app's offer
    note = next(n for n in panel.attrs["notes"] if "'LATITUDE'" in n)
    assert "'LONGITUDE', 'ELEVATION': the same value in every row" in note


def test_a_column_of_zeros_among_moving_ones_is_a_series_never_sold():
    data = _station_table(SHOES=0.0, HATS=3.0)
    panel = to_panel(read_csv(data))
    # the hats sell 3 every day: a code, not a series; the shoes never sold
    assert sorted(panel["series"].unique()) == ["SHOES", "TMAX", "TMIN"]
    assert wide_columns(read_csv(data)) == ["SHOES", "TMAX", "TMIN"]
    assert any("'HATS': the same value in every row" in n for n in panel.attrs["notes"])


def test_one_moving_column_beside_constants_is_the_one_series():
    days = pd.date_range("2000-01-01", periods=48, freq="MS").strftime("%Y-%m-%d")
    rows = "".join(f"{d},1,{280 + i % 12}\n" for i, d in enumerate(days))
    data = read_csv(("date,K,temp\n" + rows).encode())
    panel = to_panel(data)
    assert list(panel["series"].unique()) == ["temp"]
    assert wide_columns(data) == []  # one series: no wide reading to offer
    y = to_series(data)
    assert y.name == "temp" and len(y) == 48
    assert any("not 'K': the same value in every row" in n for n in y.attrs["notes"])


def test_a_world_bank_download_is_read_one_row_per_country():
    # notes above the header, the years as columns, a comma ending every row,
    # and years without a figure
    years = list(range(1990, 2010))
    head = ['"Country Name"', '"Country Code"', '"Indicator Name"', '"Indicator Code"']
    lines = [
        '"Data Source","World Development Indicators",',
        "",
        '"Last Updated Date","2023-12-18",',
        "",
        ",".join(head + [f'"{y}"' for y in years]) + ",",
    ]
    for k, (name, code) in enumerate([("Aruba", "ABW"), ("Germany", "DEU")]):
        cells = ['""' if i == 5 else f'"{100 * k + i}.5"' for i in range(len(years))]
        lines.append(f'"{name}","{code}","GDP","NY.GDP",' + ",".join(cells) + ",")
    panel = to_panel(read_csv("\n".join(lines).encode()))
    notes = " ".join(panel.attrs["notes"])
    assert "skipped 2 lines above the header" in notes
    assert "one row per series, with the times as columns ('1990' to '2009')" in notes
    germany = panel[panel["series"] == "Germany"].set_index("time")["value"]
    assert len(germany) == 20 and germany.index[0] == pd.Timestamp("1990-01-01")
    assert germany.loc["1991-01-01"] == 101.5
    assert germany.loc["1995-01-01"] == 105.5  # the missing year, interpolated


def _ons(blocks):
    """An ONS time series download: rows of notes, then blocks of figures."""
    lines = [
        '"Title","CPI INDEX 00: ALL ITEMS 2015=100"',
        '"CDID","D7BT"',
        '"Source dataset ID","MM23"',
        '"PreUnit",""',
        '"Release date","17-01-2024"',
        '"Important notes",""',
    ]
    months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN"]
    months += ["JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    labels = {
        "yearly": [str(y) for y in range(2000, 2010)],
        "quarterly": [f"{y} Q{q}" for y in range(2000, 2010) for q in range(1, 5)],
        "monthly": [f"{y} {m}" for y in range(2000, 2010) for m in months],
    }
    for block in blocks:
        lines += [f'"{t}","{i + 0.5}"' for i, t in enumerate(labels[block])]
    return read_csv("\n".join(lines).encode())


def test_an_ons_series_reads_its_finest_figures():
    y = to_series(_ons(["yearly", "quarterly", "monthly"]))
    assert y.index.freqstr == "MS" and len(y) == 120
    assert y.index[0] == pd.Timestamp("2000-01-01") and y.iloc[0] == 0.5
    assert y.name == "CPI INDEX 00: ALL ITEMS 2015=100"
    note = next(n for n in y.attrs["notes"] if "ONS" in n)
    assert "read the 120 monthly ones and left out the 10 yearly and 40 quart" in note
    assert "6 rows of notes above" not in note  # the title is the header
    assert "5 rows of notes above ('CDID'...)" in note
    quarterly = to_series(_ons(["yearly", "quarterly"]))
    assert quarterly.index.freqstr.startswith("QS") and len(quarterly) == 40
    yearly = to_series(_ons(["yearly"]))
    assert yearly.index.freqstr.startswith("YS") and list(yearly)[:2] == [0.5, 1.5]


def test_two_columns_of_years_and_quarters_without_notes_are_left_as_they_are():
    rows = [f"{y} Q{q},{y + q}" for y in range(2000, 2010) for q in range(1, 5)]
    y = to_series(read_csv(("period,value\n" + "\n".join(rows)).encode()))
    assert len(y) == 40 and not any("ONS" in n for n in y.attrs["notes"])


def test_an_sdmx_file_reads_its_time_period_not_its_last_update():
    # Eurostat's SDMX-CSV: the time of the extract in every row, before the times
    months = pd.period_range("2018-01", periods=24, freq="M")
    rows = [
        f"ESTAT:PRC_HICP_MIDX(1.0),12/01/24 23:00:00,M,{geo},{m},{100 + i + k},"
        for k, geo in enumerate(["DE", "FR"])
        for i, m in enumerate(months)
    ]
    header = "DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
    panel = to_panel(read_csv((header + "\n".join(rows)).encode()))
    assert sorted(panel["series"].unique()) == ["DE", "FR"]
    fr = panel[panel["series"] == "FR"]
    assert len(fr) == 24 and fr["time"].iloc[0] == pd.Timestamp("2018-01-01")
    assert "picked column 'TIME_PERIOD' as time" in panel.attrs["notes"]


def test_clock_times_with_dots_under_a_time_column_join_the_dates():
    # the UCI air-quality file: Date;Time as 10/03/2004;18.00.00, -200 for missing
    stamps = pd.date_range("2004-03-10 18:00", periods=60, freq="h")
    rows = [
        f"{t:%d/%m/%Y};{t:%H.%M.%S};{'-200' if i in (7, 30) else f'{2 + i % 5},5'}"
        for i, t in enumerate(stamps)
    ]
    y = to_series(read_csv(("Date;Time;CO(GT)\n" + "\n".join(rows)).encode()))
    assert y.index.freqstr == "h" and len(y) == 60
    assert y.index[0] == pd.Timestamp("2004-03-10 18:00")
    assert y.iloc[1] == 3.5 and y.iloc[7] == (y.iloc[6] + y.iloc[8]) / 2
    assert any("2 cells of -200 as missing" in n for n in y.attrs["notes"])


def test_one_negative_hundred_among_readings_is_a_value_not_a_marker():
    from convlstm.data.numbers import missing_markers

    values = np.array([5.0, 7, 6, 8, 9, 4, 6, 7, 5, -200])
    assert missing_markers(values)[1] is None  # once: a value (or a spike)
    values = np.array([-150.0, -120, 20, -300, -200, -80, 30, 10, -200, -60])
    assert missing_markers(values)[1] is None  # within the values' own range


def test_subtotal_rows_among_the_times_do_not_hide_a_marker():
    # "Total 2017" under each December sums its year (about 3,600): with those
    # sums among the values a -999 was not far outside them and was kept
    lines = ["month,sales"]
    for year in (2017, 2018, 2019):
        values = [100.0 + 30 * ((m * 7 + year) % 12) for m in range(12)]
        if year == 2018:
            values[5] = -999
        lines += [f"{year}-{m + 1:02d},{v:g}" for m, v in enumerate(values)]
        lines.append(f"Total {year},{sum(v for v in values if v > 0):g}")
    y = to_series(read_csv("\n".join(lines) + "\n"))
    assert len(y) == 36 and y.min() >= 100
    said = [n for n in y.attrs["notes"] if "as missing" in n]
    assert said and "1 cell of -999" in said[0] and "(first at row 20)" in said[0]


def test_bls_year_and_period_codes_are_months_without_the_annual_average():
    rows = []
    for year in (2021, 2022):
        rows += [f"CUUR0000SA0,{year},M{m:02d},{year * 10 + m}" for m in range(1, 13)]
        rows.append(f"CUUR0000SA0,{year},M13,{year * 10 + 6.5}")
    y = to_series(
        read_csv(("Series ID,Year,Period,Value\n" + "\n".join(rows)).encode())
    )
    assert y.index.freqstr == "MS" and len(y) == 24
    assert y.index[0] == pd.Timestamp("2021-01-01") and y.iloc[-1] == 20232
    assert any("2 rows of period 'M13'" in n for n in y.attrs["notes"])
    quarters = [f"{y},{y},Q0{q},{q}" for y in (2021, 2022) for q in range(1, 5)]
    y = to_series(read_csv(("id,year,period,value\n" + "\n".join(quarters)).encode()))
    assert y.index.freqstr.startswith("QS") and len(y) == 8


def test_a_summary_under_a_blank_line_at_the_end_is_left_out():
    # Google Analytics: notes above, the daily rows, then the total under them
    days = pd.date_range("2023-01-01", periods=20, freq="D")
    lines = ["# All Web Site Data", "# 20230101-20230120", "", "Day Index,Users"]
    lines += [f"{d.month}/{d.day}/{d:%y},{100 + i}" for i, d in enumerate(days)]
    lines += ["", "Users", '"2,190"']
    y = to_series(read_csv("\n".join(lines).encode()))
    assert len(y) == 20 and y.iloc[-1] == 119
    assert any("left out 2 lines under a blank line" in n for n in y.attrs["notes"])
    # rows of the header's shape after a blank line are data, kept
    more = ["date,value", "2023-01-01,1", "2023-01-02,2", "", "2023-01-03,3"]
    assert len(to_series(read_csv("\n".join(more).encode()))) == 3


def test_group_names_above_the_header_join_its_names():
    # a spreadsheet's merged cells: the group named over its first column only
    lines = [",Sales,,Returns", "Date,North,South,North"]
    lines += [f"2020-{m:02d}-01,{m},{m + 1},{m + 2}" for m in range(1, 13)]
    panel = to_panel(read_csv("\n".join(lines).encode()))
    names = ["Returns North", "Sales North", "Sales South"]
    assert sorted(panel["series"].unique()) == names
    assert panel[panel["series"] == "Sales South"]["value"].iloc[0] == 2
    notes = panel.attrs["notes"]
    assert any("names of groups of columns" in n for n in notes)
    assert not any("skipped 1 line" in n for n in notes)
    # a title over the header stays a title
    titled = ["Sales report", "Date,North,South"]
    titled += [f"2020-{m:02d}-01,{m},{m + 1}" for m in range(1, 13)]
    panel = to_panel(read_csv("\n".join(titled).encode()))
    assert sorted(panel["series"].unique()) == ["North", "South"]


def test_numbered_day_columns_ask_for_their_dates_and_dates_then_read():
    # the M5 competition's sales file: one row per item, days "d_1", "d_2", ...
    def table(names):
        head = "id,item_id,store_id," + ",".join(names)
        cells = [",".join(str(k + i) for i in range(40)) for k in range(3)]
        rows = [f"FOODS_{k}_CA_1,FOODS_{k},CA_1,{c}" for k, c in enumerate(cells)]
        return read_csv((head + "\n" + "\n".join(rows)).encode())

    with pytest.raises(DataError, match="'d_1' to 'd_40' number the steps.*no date"):
        to_panel(table([f"d_{i}" for i in range(1, 41)]))
    days = pd.date_range("2011-01-29", periods=40, freq="D").strftime("%Y-%m-%d")
    panel = to_panel(table(list(days)))
    assert panel["series"].nunique() == 3 and len(panel) == 120
    assert panel.attrs["freq"] == "D"


def test_a_destatis_table_joins_german_months_above_its_footer():
    # GENESIS: notes above, Jahr;Monat with German month names, "..." for no
    # figure, then a rule, the copyright and the time of the extract
    months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli"]
    months += ["August", "September", "Oktober", "November", "Dezember"]
    lines = ["GENESIS-Tabelle: 61111-0002", "Verbraucherpreisindex: Deutschland", ""]
    lines += ["Jahr;Monat;Index;Veränderung"]
    for year in (2021, 2022, 2023):
        for i, month in enumerate(months):
            change = "..." if year == 2021 else f"{i},5"
            lines.append(f"{year};{month};{100 + i},{year - 2021};{change}")
    lines += ["__________", "(C)opyright Statistisches Bundesamt, 2024"]
    lines += ["Stand: 10.01.2024 / 11:07:03"]
    y = to_series(read_csv("\n".join(lines).encode("latin-1")), value_col="Index")
    assert y.index.freqstr == "MS" and len(y) == 36
    assert y.index[2] == pd.Timestamp("2021-03-01") and y.iloc[2] == 102.0
    assert y.iloc[-1] == 111.2
    notes = " ".join(y.attrs["notes"])
    assert "combined the columns 'Jahr', 'Monat'" in notes
    assert "left out 3 rows at the end of the file from row" in notes


@pytest.mark.parametrize(
    "months",
    [
        "Januar Februar März April Mai Juni Juli August September Oktober "
        "November Dezember",
        "janvier février mars avril mai juin juillet août septembre octobre "
        "novembre décembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre "
        "noviembre diciembre",
    ],
)
def test_month_names_of_other_languages_read_in_one_format(months):
    # German "April", "August", "September", "November" are English names too:
    # read alike, not as a column that mixes formats
    rows = [f"{m} {2020 + i // 12},{i}" for i, m in enumerate(months.split() * 3)]
    y = to_series(read_csv(("Monat,Wert\n" + "\n".join(rows)).encode()))
    assert y.index.equals(pd.date_range("2020-01-01", periods=36, freq="MS"))
    assert not any("mixes date formats" in n for n in y.attrs["notes"])


@pytest.mark.parametrize("fmt", ["%Y-M%m", "%b%y", "%b%Y", "%B%Y", "%m/%y", "%b/%y"])
def test_months_written_without_a_space_read_as_months(fmt):
    # "2018-M01" (statistics offices), Excel's "mmmyy" ("Jan18"), "Jan2018"
    months = pd.date_range("2018-01-01", periods=36, freq="MS")
    rows = "".join(f"{m.strftime(fmt)},{i}\n" for i, m in enumerate(months))
    y = to_series(read_csv(("period,value\n" + rows).encode()))
    assert y.index.freqstr == "MS" and len(y) == 36
    assert y.index[0] == pd.Timestamp("2018-01-01") and y.iloc[-1] == 35


def test_days_written_after_a_months_name_without_a_year_are_refused():
    # "Jan01", "Jan02", ... over several months: days, not the years 2001, 2002
    days = pd.date_range("2023-01-01", periods=80, freq="D")
    rows = "".join(f"{d:%b%d},{i}\n" for i, d in enumerate(days))
    with pytest.raises(DataError, match="dates without a year .*'Jan01'"):
        to_series(read_csv(("day,value\n" + rows).encode()))
    rows = "".join(f"{d:%m/%d},{i}\n" for i, d in enumerate(days))  # not 01/2001
    with pytest.raises(DataError, match="dates without a year .*'01/01'"):
        to_series(read_csv(("day,value\n" + rows).encode()))


_QUARTER_LABELS = {
    "1Q19": lambda q, y: f"{q}Q{y % 100:02d}",
    "1Q 2019": lambda q, y: f"{q}Q {y}",
    "2019 1Q": lambda q, y: f"{y} {q}Q",
    "Q1'19": lambda q, y: f"Q{q}'{y % 100:02d}",
    "Q1-19": lambda q, y: f"Q{q}-{y % 100:02d}",
    "Q1 19": lambda q, y: f"Q{q} {y % 100:02d}",
    "2019:Q1": lambda q, y: f"{y}:Q{q}",
    "1st quarter 2019": lambda q, y: (
        f"{q}{['st', 'nd', 'rd', 'th'][q - 1]} quarter {y}"
    ),
    "Quarter 1, 2019": lambda q, y: f"Quarter {q}, {y}",
    "Qtr 1 2019": lambda q, y: f"Qtr {q} {y}",
    "2019 Qtr1": lambda q, y: f"{y} Qtr{q}",
    "First Quarter of 2019": lambda q, y: (
        f"{['First', 'Second', 'Third', 'Fourth'][q - 1]} Quarter of {y}"
    ),
    "first quarter, 2019": lambda q, y: (
        f"{['first', 'second', 'third', 'fourth'][q - 1]} quarter, {y}"
    ),
    "Q1 of 2019": lambda q, y: f"Q{q} of {y}",
}


@pytest.mark.parametrize("label", list(_QUARTER_LABELS))
def test_quarters_as_finance_and_databases_write_them(label):
    # "1Q19" and "Q1'19" in results decks, "2019:Q1" in FRED and Haver exports
    quarters = pd.date_range("2019-01-01", periods=12, freq="QS")
    cells = [_QUARTER_LABELS[label](q.quarter, q.year) for q in quarters]
    rows = "".join(f'"{c}",{i}\n' for i, c in enumerate(cells))
    y = to_series(read_csv(("quarter,value\n" + rows).encode()))
    assert y.index.freqstr.startswith("QS") and len(y) == 12
    assert y.index[0] == pd.Timestamp("2019-01-01")
    assert y.index[-1] == pd.Timestamp("2021-10-01") and y.iloc[-1] == 11


def test_quarters_written_year_dot_quarter():
    # "2019.1" .. "2019.4": quarters once the years turn over (as months they
    # would be January to April only), or in a column named for quarters
    rows = "".join(f"{2019 + i // 4}.{i % 4 + 1},{i}\n" for i in range(10))
    y = to_series(read_csv(("period,value\n" + rows).encode()))
    assert y.index.freqstr.startswith("QS") and len(y) == 10
    assert y.index[-1] == pd.Timestamp("2021-04-01") and y.iloc[-1] == 9
    assert any("year.quarter" in n for n in y.attrs["notes"])
    y = to_series(read_csv(b"Quarter,value\n2019.1,1\n2019.2,2\n2019.3,3\n"))
    assert y.index[-1] == pd.Timestamp("2019-07-01")
    # not quarters: months of one year, and a yearly series stamped in its Q1
    y = to_series(read_csv(b"date,value\n2019.1,1\n2019.2,2\n2019.3,3\n"))
    assert y.index[-1] == pd.Timestamp("2019-03-01")
    y = to_series(read_csv(b"date,value\n2019.1,1\n2020.1,2\n2021.1,3\n2022.1,4\n"))
    assert y.index.freqstr.startswith("YS") and len(y) == 4


@pytest.mark.parametrize("fmt", ["%Y-%j", "%Y%j"])
def test_days_written_as_year_and_day_of_the_year(fmt):
    # ISO 8601's ordinal dates ("2019-354") and satellite products' YYYYDDD
    days = pd.date_range("2019-12-20", periods=40, freq="D")
    rows = "".join(f"{d.strftime(fmt)},{i}\n" for i, d in enumerate(days))
    y = to_series(read_csv(("date,value\n" + rows).encode()))
    assert y.index.freqstr == "D" and len(y) == 40
    assert y.index[0] == days[0] and y.index[-1] == days[-1] and y.iloc[-1] == 39
    assert any("day of the year" in n for n in y.attrs["notes"])


@pytest.mark.parametrize(("fmt", "freq"), [("%Y_%m", "MS"), ("%Y_%m_%d", "D")])
def test_dates_written_with_underscores(fmt, freq):
    # "2019_01" and "2019_01_15", as file names and exported keys write them
    times = pd.date_range("2019-01-01", periods=30, freq=freq)
    rows = "".join(f"{t.strftime(fmt)},{i}\n" for i, t in enumerate(times))
    y = to_series(read_csv(("date,value\n" + rows).encode()))
    assert y.index.freqstr == freq and y.index[-1] == times[-1] and y.iloc[-1] == 29


@pytest.mark.parametrize("order", ["by series", "by month"])
def test_us_dates_of_a_monthly_panel_read_month_first(order):
    # 01/01/2021, 02/01/2021...: either order parses; only month/day is regular,
    # though every date repeats once per store
    months = pd.date_range("2021-01-01", periods=30, freq="MS")
    rows = [(s, f"{m:%m/%d/%Y}", i) for s in "ABC" for i, m in enumerate(months)]
    if order == "by month":
        rows.sort(key=lambda r: (r[1][6:], r[1]))
    panel = to_panel(read_csv(_csv("store,date,sales", rows)))
    assert panel.attrs["freq"] == "MS" and len(panel) == 90
    assert "read the dates in column 'date' as month/day/year" in panel.attrs["notes"]
    # the same months as the columns of one row per store
    wide = "store," + ",".join(f"{m:%m/%d/%Y}" for m in months) + "\n"
    wide += "".join(f"{s}," + ",".join(map(str, range(30))) + "\n" for s in "ABC")
    panel = to_panel(read_csv(wide))
    assert panel.attrs["freq"] == "MS" and panel["time"].max() == months[-1]


def test_event_logs_of_stores_one_after_another_name_their_stores():
    # two stores' sales at their seconds over the same days, one store's rows
    # after the other's; a second with two sales in one store is the only
    # repeated time, so no time is shared by two stores
    times = pd.date_range("2024-01-01 10:00", periods=40, freq="37min")
    a = [(t, "a") for t in times.insert(5, times[5])]  # two sales at once
    b = [(t + pd.Timedelta(seconds=11), "b") for t in times]
    rows = [(f"{t:%Y-%m-%d %H:%M:%S}", s, 2) for t, s in a + b]
    assert find_id_columns(read_csv(_csv("time,store,amount", rows))) == ["store"]
    # a label one block after the other in time describes the rows of one
    # series (its duplicate time averaged), it names none
    hours = pd.date_range("2024-01-01", periods=60, freq="h")
    rows = [(f"{t:%Y-%m-%d %H:%M}", "final" if i < 40 else "estimate", i) for i, t in
            enumerate(hours.insert(10, hours[10]))]  # fmt: skip
    assert find_id_columns(read_csv(_csv("time,status,load", rows))) == []


# ------------------------------------- times split over columns (hunt of 2026-12-08)


def _hours(n=72):
    return pd.date_range("2022-01-01", periods=n, freq="h")


def _series_of(text, **kwargs):
    return to_series(read_csv(io.BytesIO(text.encode())), **kwargs)


@pytest.mark.parametrize(
    ("names", "freq"),
    [
        ("YEAR,MO,DY", "D"),  # NASA POWER
        ("yyyy,mm,dd", "D"),
        ("yr,mo,dy", "D"),
        ("year,month,dom", "D"),
        ("YEAR,MO,DY,HR", "h"),
        ("year,month,day,hour", "h"),  # the Beijing PM2.5 file
    ],
)
def test_year_month_day_columns_with_short_names(names, freq):
    # short names of the days were not known: the days became ids, or the
    # rows were averaged into 12 months; an hour column was dropped the same way
    idx = pd.date_range("2022-01-01", periods=60, freq=freq)
    parts = [idx.year, idx.month, idx.day, idx.hour][: names.count(",") + 1]
    rows = [[*(int(p[i]) for p in parts), 10 + i % 7] for i in range(60)]
    y = _series_of(_csv(names + ",T2M", rows))
    assert len(y) == 60 and y.index.freqstr == freq
    assert y.index[0] == idx[0] and y.iloc[3] == 13
    assert f"combined the columns {', '.join(repr(n) for n in names.split(','))}" in (
        " ".join(y.attrs["notes"])
    )


@pytest.mark.parametrize(
    ("header", "clock"),
    [
        ("dteday,hr", lambda t: t.hour),  # UCI bike sharing: a date not named so
        ("ts_local,hour_ending", lambda t: t.hour + 1),
        ("Date,Time", lambda t: f"{t.hour:02d}00"),  # HHMM as text
        ("Date,HrMn", lambda t: t.hour * 100),  # HHMM as numbers (NOAA)
        ("day,hour", lambda t: f"{t.hour:02d}:00-{(t.hour + 1) % 24:02d}:00"),
    ],
)
def test_a_date_column_and_a_time_of_day_column_make_hours(header, clock):
    # each was read as 24 daily series (the time of day as their id) or as
    # daily means
    idx = _hours()
    compact = header.startswith("Date")
    day = idx.strftime("%Y%m%d" if compact else "%Y-%m-%d")
    rows = [[day[i], clock(t), 100 + i % 24] for i, t in enumerate(idx)]
    y = _series_of(_csv(header + ",load", rows))
    assert len(y) == 72 and y.index.freqstr == "h"
    assert (y.index == idx).all() and y.iloc[5] == 105


def test_a_column_of_years_named_by_a_word_inside_does_not_outrank_dates():
    # "Candidates" (1000-2999) holds "date" and was taken as years
    dates = pd.date_range("2021-01-04", periods=30, freq="W-MON").strftime("%Y-%m-%d")
    rows = [[1500 + 7 * i, d] for i, d in enumerate(dates)]
    y = _series_of(_csv("Candidates,Last update", rows))
    assert y.name == "Candidates" and len(y) == 30
    assert y.attrs["time_col"] == "Last update"


def test_the_bike_sharing_record_index_is_not_a_series():
    idx = _hours(48)
    rows = [
        [i + 1, t.strftime("%Y-%m-%d"), t.month, t.hour, 50 + i % 24]
        for i, t in enumerate(idx)
    ]
    y = _series_of(_csv("instant,dteday,mnth,hr,cnt", rows))
    assert y.name == "cnt" and len(y) == 48
    notes = " ".join(y.attrs["notes"])
    assert "left out 'instant'" in notes or "not 'instant'" in notes


def test_accounting_negatives_with_the_sign_outside_the_parentheses():
    # "$(29.71)" was refused ("96 of 96 cells are not numbers"); "($29.71)" read
    cells = ["$(29.71)", '"$4,224.16"', '"$(1,200.00)"', "$15.00"] * 6
    rows = [[d, c] for d, c in zip(_monthly(), cells, strict=True)]
    y = _series_of(_csv("Month,Net income", rows))
    assert list(y.iloc[:4]) == [-29.71, 4224.16, -1200.0, 15.0]
    assert "e.g. '$(29.71)' as -29.71" in " ".join(y.attrs["notes"])


def test_closed_sundays_beside_saturdays_open_now_and_then_are_counted_apart():
    # the note said all 106 filled days "recur nearly every week (Sundays)";
    # 48 of them were Saturdays, open now and then, filled and forecast
    days = pd.date_range("2022-01-03", periods=60 * 7, freq="D")
    saturday = days.day_of_week == 5
    keep = (days.day_of_week < 5) | (saturday & ((days.day_of_year // 7) % 3 == 0))
    days = days[keep]
    rows = [[d.strftime("%Y-%m-%d"), 100 + i % 5] for i, d in enumerate(days)]
    y = _series_of(_csv("date,visits", rows))
    note = next(n for n in y.attrs["notes"] if n.startswith("filled"))
    sundays = 59  # the last Sunday is past the end
    assert f"; {sundays} of them recur nearly every week (Sundays)" in note
    assert "all on weekend days it opens now and then" in note
    assert "business-day steps" in note


def test_a_file_without_a_header_of_years_and_months():
    # "1749,1,80.5" and SILSO's "1749;01;1749.042;96.7;..." got a message about
    # the M5 competition's files (the reader's own names column_1... read as steps)
    rows = [[1749 + i // 12, i % 12 + 1, 50 + i % 9] for i in range(48)]
    y = _series_of("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    assert len(y) == 48 and y.index.freqstr == "MS" and y.iloc[2] == 52
    assert y.index[0] == pd.Timestamp("1749-01-01")
    assert (
        "the file has no header: read its first columns as year and month"
        in (y.attrs["notes"])
    )
    silso = [
        f"{1749 + i // 12};{i % 12 + 1:02d};{1749 + (i + 0.5) / 12:.3f};"
        f"{80 + i % 7:6.1f}; -1.0;  -1;1"
        for i in range(48)
    ]
    y = _series_of("\n".join(silso) + "\n")
    assert len(y) == 48 and y.name == "column_4" and y.iloc[3] == 83.0


def test_the_johns_hopkins_layout_one_row_per_place_dates_as_columns():
    # "Province/State, Country/Region, Lat, Long, 1/22/20, ...": refused after
    # 18 s with a message that called 'Lat' and 'Long' dates
    dates = pd.date_range("2020-01-22", periods=150, freq="D")
    header = "Province/State,Country/Region,Lat,Long," + ",".join(
        f"{d.month}/{d.day}/{d.year % 100}" for d in dates
    )
    rows = [
        ["", "Italy", 41.9, 12.6, *(10 * i for i in range(150))],
        ["Hubei", "China", 30.9, 112.3, *(5 * i + 1 for i in range(150))],
        ["", "Peru", -9.2, -75.0, *(i for i in range(150))],
    ]
    panel = to_panel(read_csv(_csv(header, rows).encode()))
    assert panel["series"].nunique() == 3
    notes = " ".join(panel.attrs["notes"])
    assert "left out 'Lat', 'Long': where each series is" in notes
    italy = panel[panel["series"].str.contains("Italy")]
    assert len(italy) == 150 and italy["value"].iloc[3] == 30
