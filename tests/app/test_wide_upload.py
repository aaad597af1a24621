"""AppTest checks of a wide upload (a time column and one numeric column per series)
on the Data page: one series by default, every column a series on request (as the
CLI reads it), kept across pages, a clear message for a bad combination, and a run
over all of its series on Train & compare."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

import ui
from tests.app.helpers import train, upload

STORES = ("store_a", "store_b", "store_c")
TINY = {"hidden_size": 8, "epochs": 2, "folds": 1, "num_layers": 1}


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _wide_csv() -> bytes:
    rows = ["date," + ",".join(STORES)]
    for i in range(60):  # five years of months, a season per store
        year, month = 2019 + i // 12, i % 12 + 1
        cells = [f"{100 * (k + 1) + 10 * (month % 6) + i:d}" for k in range(3)]
        rows.append(f"{year}-{month:02d}-01," + ",".join(cells))
    return ("\n".join(rows) + "\n").encode()


def _upload_wide(app: AppTest) -> AppTest:
    return upload(app, "wide.csv", _wide_csv())


def _every_column(app: AppTest) -> AppTest:
    app.selectbox(key="value_col").set_value(ui.EVERY_COLUMN).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_wide_upload_is_one_series_until_every_column_is_chosen(app: AppTest) -> None:
    _upload_wide(app)
    picker = app.selectbox(key="value_col")
    assert picker.value == "store_a"  # the reader's single pick stays the default
    assert picker.options[0] == "All 3 numeric columns, one series each"
    assert "Series" not in _metrics(app) and _metrics(app)["Points"] == "60"
    assert any("All 3 numeric columns" in c.value for c in app.caption)
    _every_column(app)
    assert app.session_state[ui.SOURCE]["wide"] is True
    assert _metrics(app)["Series"] == "3"
    table = next(f.value for f in app.dataframe if "points" in f.value.columns)
    assert sorted(table["series"]) == list(STORES)
    assert app.session_state[ui.SOURCE]["series"] == "store_a"
    notes = "\n".join(m.value for m in app.markdown)
    assert "read a wide table" in notes
    app.selectbox(key="series").set_value("store_b").run()
    assert not app.exception, app.exception
    assert "**Series store\\_b**" in [m.value for m in app.markdown]
    # The choice survives another page and the way back.
    _open(app, "pages/compare.py")
    assert app.radio(key=ui.panel_results.SCOPE).options[0].startswith("All 3 series")
    _open(app, "pages/data.py")
    assert app.selectbox(key="value_col").value == ui.EVERY_COLUMN
    assert _metrics(app)["Series"] == "3"
    assert app.session_state[ui.SOURCE]["series"] == "store_b"
    # One column again: one series, and no series of a panel left chosen.
    app.selectbox(key="value_col").set_value("store_c").run()
    assert not app.exception, app.exception
    assert "Series" not in _metrics(app) and _metrics(app)["Points"] == "60"
    assert app.session_state[ui.SOURCE]["series"] is None
    sidebar = [m.value for m in app.sidebar.markdown]
    assert any(m.startswith("**wide") for m in sidebar), sidebar
    # the column read is named, not the series picked before
    assert "**wide\\.csv · store\\_c**" in sidebar, sidebar
    assert not any("store\\_b" in m for m in sidebar), sidebar


def test_every_column_with_an_id_column_says_what_to_change(app: AppTest) -> None:
    _every_column(_upload_wide(app))
    app.multiselect(key="id_cols").set_value(["store_a"]).run()
    assert not app.exception, app.exception
    assert any("clear the series id columns" in e.value for e in app.error)
    assert app.selectbox(key="value_col").value == ui.EVERY_COLUMN  # still mendable
    app.multiselect(key="id_cols").set_value([]).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert _metrics(app)["Series"] == "3"


def test_a_long_file_with_ids_is_not_offered_every_column(app: AppTest) -> None:
    csv = "store,date,sales,price\n" + "".join(
        f"{s},2020-{m:02d}-01,{10 * m + k},{k + 1}\n"
        for k, s in enumerate(("north", "south"))
        for m in range(1, 13)
    )
    _open(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("long.csv", csv.encode(), "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert app.multiselect(key="id_cols").value == ["store"]
    assert ui.EVERY_COLUMN not in app.selectbox(key="value_col").options
    # Clearing the id columns reads one series of the picked column, not a panel
    # of sales and price.
    app.multiselect(key="id_cols").set_value([]).run()
    assert not app.exception, app.exception
    assert _metrics(app)["Series"] == "1"
    assert app.session_state[ui.SOURCE]["series"] == "sales"


def test_train_over_every_column_of_a_wide_upload(
    app: AppTest, wait_for_training
) -> None:
    _every_column(_upload_wide(app))
    _open(app, "pages/compare.py")
    assert app.radio(key=ui.panel_results.SCOPE).value == "all"
    train(app, wait_for_training, ["ConvLSTM", "Seasonal naive"], **TINY)
    result = app.session_state[ui.RESULT]
    assert result["kind"] == "panel"
    comparison = result["comparison"]
    assert sorted(comparison.series) == list(STORES)
    assert comparison.failed.get("ConvLSTM", {}) == {}
    table = app.dataframe(key="panel_series_table").value
    assert sorted(table["Series"]) == list(STORES)
    labels = {b.label for b in app.get("download_button")}
    assert {"Forecasts, all series (CSV)", "Model bundle (ZIP)"} <= labels
    from convlstm.models.persistence import bundle_model, load_model

    again = load_model(bundle_model(comparison.fitted["ConvLSTM"])).predict()
    assert sorted(set(again["series"])) == list(STORES)


def test_the_total_of_a_panel_is_offered_and_trained_as_one_series(
    app: AppTest, wait_for_training
) -> None:
    _every_column(_upload_wide(app))
    picker = app.selectbox(key="series")
    assert picker.options[-1] == "Total of all series"
    picker.set_value("Total of all series").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert "**Total of all series**" in [m.value for m in app.markdown]
    assert _metrics(app)["Points"] == "60"
    notes = "\n".join(m.value for m in app.markdown)
    assert "the total of 3 series" in notes
    _open(app, "pages/compare.py")
    app.radio(key=ui.panel_results.SCOPE).set_value("one").run()
    train(app, wait_for_training, ["Naive"], folds=1)
    result = app.session_state[ui.RESULT]
    assert result.get("kind") != "panel"
    expected = sum(
        100 * (k + 1) + 10 * (12 % 6) + 59 for k in range(3)
    )  # the last month's three values
    future = result["comparison"].future
    assert future["forecast"].iloc[0] == expected


def test_switching_the_scope_shows_each_scopes_own_horizon_and_folds(
    app: AppTest,
) -> None:
    _every_column(_upload_wide(app))
    _open(app, "pages/compare.py")
    scope = app.radio(key=ui.panel_results.SCOPE)
    assert scope.value == "all"
    # five years of months: three folds for one global net over the panel, two
    # for one series (the plain LSTM needs its window of training points more)
    assert app.number_input(key="folds").value == 3
    scope.set_value("one").run()
    assert not app.exception, app.exception
    assert app.number_input(key="folds").value == 2
    assert app.number_input(key="horizon").value == 12
    app.radio(key=ui.panel_results.SCOPE).set_value("all").run()
    assert app.number_input(key="folds").value == 3


def test_every_column_starts_on_the_files_first_column_and_time_is_no_value(
    app: AppTest,
) -> None:
    """A demo rehearsal: the series picker opened on "Store City Centre" (first in
    sort order, last in the file), and the value picker offered "Month"."""
    stores = ("Store North", "Store South", "Store City Centre")
    rows = ["Month," + ",".join(stores)]
    for i in range(36):
        rows.append(f"{2021 + i // 12}-{i % 12 + 1:02d}-01,{100 + i},{200 + i},{i}")
    upload(app, "stores.csv", ("\n".join(rows) + "\n").encode())
    picker = app.selectbox(key="value_col")
    assert "Month" not in picker.options
    assert picker.options[1:] == list(stores)
    _every_column(app)
    assert app.session_state[ui.SOURCE]["series"] == "Store North"
    assert app.selectbox(key="series").value == "Store North"
