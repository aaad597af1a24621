"""Workbooks (Excel .xlsx and .xls, OpenDocument .ods): read from their data sheet
as its CSV export would be, and a clear message for one that cannot be read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from convlstm import read_csv, to_panel, to_series
from convlstm.data import workbook
from convlstm.errors import DataError


def _bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _monthly(n: int = 48) -> pd.Series:
    index = pd.date_range("2016-01-01", periods=n, freq="MS")
    values = 100 + np.arange(n) + 10 * np.sin(np.arange(n) / 12 * 2 * np.pi)
    return pd.Series(np.round(values, 3), index=index)


def test_the_sheet_with_the_numbers_is_read_under_its_title_and_above_its_total():
    y = _monthly()
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "About"
    cover.append(["Retail sales report"])
    cover.append(["Source: internal, 2024"])
    data = book.create_sheet("Monthly")
    data.append(["Sales in thousands"])
    data.append([])
    data.append(["Month", "Sales"])
    for t, v in y.items():
        data.append([t.to_pydatetime(), v])
    data.append([])
    data.append(["Total", float(y.sum())])
    book.create_sheet("Empty")

    frame = read_csv(_bytes(book))
    notes = frame.attrs["notes"]
    assert "read sheet 'Monthly' of the Excel workbook" in notes[0]
    assert "'About', 'Empty'" in notes[0]
    got = to_series(frame)
    assert got.index.freqstr == "MS"
    pd.testing.assert_index_equal(got.index, y.index, check_names=False)
    np.testing.assert_allclose(got.to_numpy(), y.to_numpy())


def test_the_sheet_of_dates_is_read_before_a_larger_summary_table():
    # a summary matrix of more numbers in front of the data sheet
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Region", *(f"Q{q}" for q in range(1, 11))])
    for r in range(40):
        summary.append([f"Region {r}", *range(r, r + 10)])
    data = book.create_sheet("Data")
    data.append(["date", "sales"])
    for t, v in _monthly().items():
        data.append([t.to_pydatetime(), v])
    frame = read_csv(_bytes(book))
    assert frame.attrs["sheets"] == ["Data", "Summary"]
    assert "the sheet with dates and the most numbers" in frame.attrs["notes"][0]
    assert to_series(frame).index.freqstr == "MS"


def test_a_workbook_reads_as_the_same_table_written_as_csv(tmp_path):
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-01", periods=200, freq="h")
    frame = pd.DataFrame(
        {
            "time": index,
            "load": np.round(rng.normal(50, 5, 200), 4),
            "price": rng.integers(10, 99, 200),
        }
    )
    path = tmp_path / "readings.xlsx"
    frame.to_excel(path, index=False)
    from_book = to_series(read_csv(path), value_col="load")
    from_csv = to_series(read_csv(frame.to_csv(index=False)), value_col="load")
    pd.testing.assert_series_equal(from_book, from_csv, check_names=False)
    assert from_book.index.freqstr == "h"


def test_a_pandas_workbook_of_one_column_per_series_is_a_panel():
    frame = pd.DataFrame(
        np.arange(120, dtype=float).reshape(40, 3),
        index=pd.date_range("2010-01-01", periods=40, freq="QS"),
        columns=["north", "south", "east"],
    )
    out = io.BytesIO()
    frame.to_excel(out)  # the dates as the first column, without a name
    panel = to_panel(read_csv(out.getvalue()))
    assert sorted(panel["series"].unique()) == ["east", "north", "south"]
    assert len(panel) == 120


@pytest.mark.parametrize("split", [False, True])
def test_dates_as_excel_cells_serial_numbers_or_date_and_time_columns(split):
    times = pd.date_range("2024-03-01", periods=96, freq="30min")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Time", "kWh"] if split else ["Timestamp", "kWh"])
    for i, t in enumerate(times):
        value = float(i % 48) + 0.5
        if split:
            sheet.append([t.date(), t.time(), value])
        else:
            sheet.append([t.to_pydatetime(), value])
    y = to_series(read_csv(_bytes(book)))
    assert y.index.freqstr == "30min"
    assert y.index[0] == times[0] and len(y) == len(times)


def test_cells_are_written_as_a_csv_export_writes_them():
    assert workbook._cell_text(3.0) == "3"
    assert workbook._cell_text(0.1) == "0.1"
    assert workbook._cell_text(True) == "TRUE"
    assert workbook._cell_text(None) == ""
    assert workbook._cell_text(float("nan")) == ""
    assert workbook._cell_text(dt.datetime(2024, 1, 2)) == "2024-01-02"
    assert workbook._cell_text(dt.datetime(2024, 1, 2, 13, 30)) == "2024-01-02 13:30:00"
    assert workbook._cell_text(dt.time(8, 15)) == "08:15:00"


def test_an_empty_workbook_says_so():
    with pytest.raises(DataError, match="sheets are all empty"):
        read_csv(_bytes(openpyxl.Workbook()))


def test_a_sheet_over_the_cell_limit_is_refused_before_and_while_reading(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_WORKBOOK_CELLS", 50)
    book = openpyxl.Workbook()
    for i in range(40):
        book.active.append([f"2020-01-{i % 28 + 1:02d}", i])
    with pytest.raises(DataError, match="more than 50 cells.*save it as CSV"):
        read_csv(_bytes(book))  # the sheet states its size: refused unread
    streamed = openpyxl.Workbook(write_only=True)
    sheet = streamed.create_sheet()
    for i in range(40):
        sheet.append([f"2020-01-{i % 28 + 1:02d}", i])
    data = _bytes(streamed)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    )
    with pytest.raises(DataError, match="more than 50 cells"):
        read_csv(data)  # no size stated: refused as the cells pass the limit


def test_damaged_workbooks_and_other_archives_get_a_clear_message():
    book = openpyxl.Workbook()
    book.active.append(["date", "value"])
    whole = _bytes(book)
    with pytest.raises(DataError, match="ZIP archive.*Excel .xlsx workbook"):
        read_csv(whole[: len(whole) // 2])  # cut off in the middle
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not a workbook")
    with pytest.raises(DataError, match="could not be opened.*save the sheet as CSV"):
        read_csv(out.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "date,value\n2020-01-01,1\n")
    with pytest.raises(DataError, match="ZIP archive.*\\.ods"):
        read_csv(out.getvalue())


def test_an_office_file_that_is_no_readable_xls_is_asked_for_as_xlsx():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(
        DataError, match="protected by a password.*save it as an Excel .xlsx"
    ):
        read_csv(ole)


def test_a_table_placed_away_from_the_corner_and_merged_group_names_read():
    months = pd.date_range("2019-01-01", periods=36, freq="MS")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"] = "Month", "Sales"  # a table at B3, as people lay them
    for i, t in enumerate(months):
        sheet.cell(row=4 + i, column=2, value=t.to_pydatetime())
        sheet.cell(row=4 + i, column=3, value=100 + i)
    frame = read_csv(_bytes(book))
    assert list(frame.columns) == ["Month", "Sales"]
    assert not any("above the header" in note for note in frame.attrs["notes"])
    assert len(to_series(frame)) == 36

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([None, "Sales", None, "Returns", None])
    sheet.append(["Month", "North", "South", "North", "South"])
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:E1")
    for i, t in enumerate(months):
        sheet.append([t.to_pydatetime(), 100 + i, 50 + i, i % 5, i % 3])
    frame = read_csv(_bytes(book))
    assert list(frame.columns)[1:] == [
        "Sales North",
        "Sales South",
        "Returns North",
        "Returns South",
    ]


def test_a_report_title_and_source_above_a_table_placed_away_from_the_corner():
    # a business report: title and source in A1 and A2, the table from B4,
    # three columns wide with its notes column mostly empty, a total under it
    y = _monthly(36)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["A2"] = "Monthly sales report", "Source: finance team"
    sheet["B4"], sheet["C4"], sheet["D4"] = "Month", "Sales", "Notes"
    for i, (t, v) in enumerate(y.items()):
        sheet.cell(row=5 + i, column=2, value=t.to_pydatetime())
        sheet.cell(row=5 + i, column=3, value=v)
    sheet.cell(row=7, column=4, value="promotion")
    sheet.cell(row=6 + len(y), column=2, value="Total")
    sheet.cell(row=6 + len(y), column=3, value=float(y.sum()))
    frame = read_csv(_bytes(book))
    assert (
        "skipped 2 lines above the header ('Monthly sales report' ...)"
        in (frame.attrs["notes"][1])
    )
    got = to_series(frame)
    np.testing.assert_allclose(got.to_numpy(), y.to_numpy())
    # its CSV export, every row padded to the table's width, reads the same
    export = "Monthly sales report,,,\nSource: finance team,,,\n,,,\n"
    export += ",Month,Sales,Notes\n" + "".join(
        f",{t:%Y-%m-%d},{v},\n" for t, v in y.items()
    )
    again = to_series(read_csv(io.StringIO(export)))
    np.testing.assert_allclose(again.to_numpy(), y.to_numpy())


def _two_sheets() -> bytes:
    book = openpyxl.Workbook()
    monthly = book.active
    monthly.title = "Monthly"
    monthly.append(["Month", "Sales"])
    for i, t in enumerate(pd.date_range("2019-01-01", periods=36, freq="MS")):
        monthly.append([t.to_pydatetime(), 100 + i])
    daily = book.create_sheet("Daily")
    daily.append(["Day", "Visits"])
    for i, t in enumerate(pd.date_range("2021-01-01", periods=90, freq="D")):
        daily.append([t.to_pydatetime(), i % 7])
    return _bytes(book)


def test_a_sheet_is_read_when_asked_for_and_the_sheets_are_listed():
    data = _two_sheets()
    assert workbook.workbook_sheets(data) == ["Monthly", "Daily"]
    assert workbook.workbook_sheets(b"date,value\n") == []
    picked = read_csv(data)
    assert picked.attrs["sheets"] == ["Daily", "Monthly"]  # the most numbers
    assert to_series(picked).index.freqstr == "D"
    asked = read_csv(data, sheet="Monthly")
    assert asked.attrs["sheets"] == ["Monthly", "Daily"]
    assert "the sheet asked for" in asked.attrs["notes"][0]
    assert to_series(asked).index.freqstr == "MS"
    assert "sheets" not in read_csv("date,value\n2020-01-01,1\n").attrs
    with pytest.raises(DataError, match="no sheet 'Weekly'; its sheets: 'Monthly'"):
        read_csv(data, sheet="Weekly")
    with pytest.raises(DataError, match="not a workbook"):
        read_csv(b"date,value\n2020-01-01,1\n", sheet="Monthly")


def test_the_cli_reads_the_sheet_asked_for(tmp_path, capsys):
    from convlstm.cli import main

    path = tmp_path / "two.xlsx"
    path.write_bytes(_two_sheets())
    args = ["compare", "--csv", str(path), "--models", "seasonal-naive", "--quiet"]
    assert main([*args, "--sheet", "Monthly", "--json"]) == 0
    assert '"points": 36,' in capsys.readouterr().out  # Monthly's, not Daily's 90
    assert main([*args, "--sheet", "Monthly"]) == 0
    assert f"{path} (sheet Monthly): 36 points" in capsys.readouterr().out
    assert main([*args, "--sheet", "Weekly"]) != 0
    assert "no sheet 'Weekly'" in capsys.readouterr().err


def _xls(n: int = 36) -> bytes:
    """An Excel 97-2003 workbook: a cover sheet, then months and sales."""
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("About").write(0, 0, "Monthly report")
    sheet = book.add_sheet("Data")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(0, 0, "Month")
    sheet.write(0, 1, "Sales")
    for i, t in enumerate(pd.date_range("2018-01-01", periods=n, freq="MS")):
        sheet.write(i + 1, 0, t.to_pydatetime(), dates)
        sheet.write(i + 1, 1, 100 + i)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xls_workbook_reads_its_data_sheet():
    data = _xls()
    assert workbook.workbook_kind(data) == "xls"
    assert workbook.workbook_sheets(data) == ["About", "Data"]
    frame = read_csv(data)
    assert "read sheet 'Data' of the Excel 97-2003 workbook" in frame.attrs["notes"][0]
    y = to_series(frame)
    assert y.index.freqstr == "MS" and len(y) == 36
    assert y.index[0] == pd.Timestamp("2018-01-01") and y.iloc[-1] == 135
    with pytest.raises(DataError, match="'Monthly report'.* no data rows"):
        read_csv(data, sheet="About")


_ODS_NS = (
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_cell(value) -> str:
    if value is None:  # LibreOffice writes a run of empty cells as one
        return '<table:table-cell table:number-columns-repeated="3"/>'
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y}'
            "</text:p></table:table-cell>"
        )
    if isinstance(value, float | int):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value:,}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string"><text:p>'
        f"{value}</text:p><office:annotation><text:p>a comment</text:p>"
        "</office:annotation></table:table-cell>"
    )


def _ods(tables: dict[str, list[list]], content: str | None = None) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice writes one: each row padded
    with one empty cell repeated to the sheet's last column, and the unused rows
    as one empty row repeated a million times."""
    xml = [f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>']
    xml.append("<office:body><office:spreadsheet>")
    for name, rows in tables.items():
        xml.append(f'<table:table table:name="{name}">')
        for row in rows:
            cells = "".join(_ods_cell(v) for v in row)
            xml.append(
                f"<table:table-row>{cells}"
                '<table:table-cell table:number-columns-repeated="16000"/>'
                "</table:table-row>"
            )
        xml.append(
            '<table:table-row table:number-rows-repeated="1048000">'
            '<table:table-cell table:number-columns-repeated="16384"/>'
            "</table:table-row></table:table>"
        )
    xml.append("</office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        mime = "application/vnd.oasis.opendocument.spreadsheet"
        archive.writestr(zipfile.ZipInfo("mimetype"), mime)
        archive.writestr(
            "content.xml", content or "".join(xml), compress_type=zipfile.ZIP_DEFLATED
        )
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def test_an_ods_spreadsheet_reads_its_data_sheet_under_its_title():
    months = pd.date_range("2019-01-01", periods=24, freq="MS")
    rows = [["Sales report"], [], ["Month", None, "Sales"]]
    rows += [[t.date(), None, 50.5 + i] for i, t in enumerate(months)]
    data = _ods({"Notes": [["read me"]], "Data": rows})
    assert workbook.workbook_kind(data) == "ods"
    assert workbook.workbook_sheets(data) == ["Notes", "Data"]
    frame = read_csv(data)
    assert (
        "read sheet 'Data' of the OpenDocument spreadsheet" in frame.attrs["notes"][0]
    )
    y = to_series(frame)
    assert y.index.freqstr == "MS" and len(y) == 24
    assert y.iloc[0] == 50.5 and y.index[-1] == pd.Timestamp("2020-12-01")
    with pytest.raises(DataError, match="'read me'.* no data rows"):
        read_csv(data, sheet="Notes")  # its text, not the comment on it


def test_a_damaged_or_odd_ods_gets_a_clear_message(monkeypatch):
    cut = _ods({"Data": [["a", 1]]}, content="<office:document-content")
    with pytest.raises(DataError, match="OpenDocument spreadsheet could not be read"):
        read_csv(cut)
    entities = _ods(
        {}, content='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    )
    with pytest.raises(DataError, match="declares its own XML entities"):
        read_csv(entities)
    monkeypatch.setattr(workbook, "MAX_WORKBOOK_CELLS", 40)
    rows = [
        [t.date(), float(i)]
        for i, t in enumerate(pd.date_range("2019-01-01", periods=30, freq="MS"))
    ]
    with pytest.raises(
        DataError, match="sheet 'Big' of this OpenDocument spreadsheet has more than 40"
    ):
        read_csv(_ods({"Big": rows}))


def test_formulas_saved_without_values_are_said_not_read_as_gaps():
    # openpyxl (and pandas through it) write formulas without calculating them
    y = _monthly(24)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Month", "Sales", "Sales incl. tax"])
    for r, (t, v) in enumerate(y.items(), start=2):
        sheet.append([t.to_pydatetime(), v, f"=B{r}*1.2"])
    sheet.append(["Total", f"=SUM(B2:B{len(y) + 1})"])
    frame = read_csv(_bytes(book))
    note = next(n for n in frame.attrs["notes"] if "formula cells" in n)
    assert note.startswith("25 formula cells of sheet 'Sheet' hold no value")
    assert "save it, to store them" in note
    np.testing.assert_allclose(to_series(frame).to_numpy(), y.to_numpy())
    # the values to forecast are all such formulas: refused, with the fix
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Month", "Sales"])
    for r, t in enumerate(y.index, start=2):
        sheet.append([t.to_pydatetime(), f"=ROW()*{r}"])
    with pytest.raises(
        DataError, match="24 formula cells .* open the workbook in Excel"
    ):
        read_csv(_bytes(book))
