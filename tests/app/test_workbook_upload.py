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
