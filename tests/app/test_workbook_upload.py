"""AppTest checks of an Excel workbook upload on the Data page: its data sheet is
read, the note says which, and a damaged workbook gets a message, not a traceback."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app.helpers import upload


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["Quarterly orders, from the ERP"])
    sheet = book.create_sheet("Orders")
    sheet.append(["Quarter", "Orders"])
    for i, t in enumerate(pd.date_range("2012-01-01", periods=40, freq="QS")):
        sheet.append([t.to_pydatetime(), 200 + 5 * i + 20 * (t.quarter == 4)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_upload_reads_its_data_sheet(app: AppTest) -> None:
    upload(app, "orders.xlsx", _workbook())
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Points"] == "40"
    assert metrics["Frequency"] == "quarterly"
    shown = " ".join(str(m.value) for m in app.markdown)
    assert "read sheet 'Orders' of the Excel workbook" in shown


def test_a_damaged_workbook_upload_is_a_message(app: AppTest) -> None:
    upload(app, "orders.xlsx", _workbook()[:300], check=False)
    assert not app.exception, app.exception
    assert any("Excel .xlsx workbook" in e.value for e in app.error)


def _two_sheets(empty_second: bool = False) -> bytes:
    book = openpyxl.Workbook()
    weekly = book.active
    weekly.title = "Weekly"
    weekly.append(["Week", "Visits"])
    for i, t in enumerate(pd.date_range("2020-01-06", periods=120, freq="W-MON")):
        weekly.append([t.to_pydatetime(), 50 + i % 9])
    monthly = book.create_sheet("Monthly")
    if not empty_second:
        monthly.append(["Month", "Sales"])
        for i, t in enumerate(pd.date_range("2015-01-01", periods=48, freq="MS")):
            monthly.append([t.to_pydatetime(), 100 + i])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_sheet_picker_reads_another_sheet_and_back(app: AppTest) -> None:
    upload(app, "two.xlsx", _two_sheets())
    assert app.selectbox(key="sheet").value == "Weekly"  # the reader's pick
    assert app.selectbox(key="time_col").value == "Week"
    app.selectbox(key="sheet").set_value("Monthly").run()
    assert not app.exception and not app.error
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Points"] == "48" and metrics["Frequency"] == "monthly"
    assert app.selectbox(key="time_col").value == "Month"  # the new sheet's pick
    shown = [m.value for m in app.sidebar.markdown]  # the label reports carry too
    assert "**two\\.xlsx · sheet Monthly**" in shown
    app.switch_page("pages/compare.py").run()  # kept across pages
    app.switch_page("pages/data.py").run()
    assert app.selectbox(key="sheet").value == "Monthly"
    assert {m.label: m.value for m in app.metric}["Points"] == "48"


def test_an_empty_sheet_is_a_message_under_the_picker(app: AppTest) -> None:
    upload(app, "two.xlsx", _two_sheets(empty_second=True))
    app.selectbox(key="sheet").set_value("Monthly").run()
    assert not app.exception, app.exception
    assert any("sheet 'Monthly'" in e.value for e in app.error)
    app.selectbox(key="sheet").set_value("Weekly").run()  # back to a good one
    assert not app.exception and not app.error
    assert {m.label: m.value for m in app.metric}["Points"] == "120"


def test_xls_and_ods_uploads_read_their_data_sheet(app: AppTest) -> None:
    from tests.unit.test_reader_workbook import _ods, _xls

    upload(app, "orders.xls", _xls())
    assert app.selectbox(key="sheet").value == "Data"  # the reader's pick
    assert {m.label: m.value for m in app.metric}["Points"] == "36"
    months = pd.date_range("2019-01-01", periods=24, freq="MS")
    rows = [["Month", "Sales"], *([t.date(), 10.0 + i] for i, t in enumerate(months))]
    upload(app, "sales.ods", _ods({"Notes": [["read me"]], "Sales": rows}))
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Points"] == "24" and metrics["Frequency"] == "monthly"
    assert app.selectbox(key="sheet").value == "Sales"
