"""AppTest checks of uploads the reader reshapes (a time joined from two columns,
a table with one row per series and the years as columns): the series read, and
a caption that says where the time and value columns the pickers cannot show
came from."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.helpers import upload


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _built_caption(app: AppTest) -> str:
    return next((c.value for c in app.caption if "The reader built" in c.value), "")


def test_a_bls_download_reads_as_months_and_says_its_time_was_built(
    app: AppTest,
) -> None:
    rows = ["Series ID,Year,Period,Value"]
    for year in range(2019, 2024):
        rows += [f"CUUR0000SA0,{year},M{m:02d},{year + m / 100}" for m in range(1, 14)]
    upload(app, "bls.csv", ("\n".join(rows) + "\n").encode())
    assert _metrics(app)["Points"] == "60"
    assert app.selectbox(key="time_col").value is None  # no such column in the file
    assert app.selectbox(key="value_col").value == "Value"
    caption = _built_caption(app)
    assert "**Year Period**" in caption and "**Value**" not in caption


def test_a_world_bank_download_is_a_panel_of_countries(app: AppTest) -> None:
    years = range(1990, 2020)
    rows = ['"Country Name","Country Code",' + ",".join(f'"{y}"' for y in years)]
    for k, (name, code) in enumerate([("Aruba", "ABW"), ("Chad", "TCD")]):
        rows.append(f'"{name}","{code}",' + ",".join(f'"{k + i}"' for i in range(30)))
    upload(app, "wb.csv", ("\n".join(rows) + "\n").encode())
    assert _metrics(app)["Series"] == "2"
    caption = _built_caption(app)
    assert "**time** and **value**" in caption
