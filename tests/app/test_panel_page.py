"""AppTest checks of a panel (many series) on the Data page: the bundled panel and an
uploaded long file show their series, and the series picked is what compare uses."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

import ui


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _panel_csv() -> bytes:
    rows = ["store,date,sales"]
    for k, store in enumerate(("north", "south", "east")):
        for month in range(1, 37):
            year, m = 2020 + (month - 1) // 12, (month - 1) % 12 + 1
            if store == "south" and month == 7:
                continue  # a gap the reader fills for this series only
            rows.append(f"{store},{year}-{m:02d}-01,{100 + 10 * k + month % 12}")
    rows.append("tiny,2020-01-01,5")  # one point: dropped with a note
    return ("\n".join(rows) + "\n").encode()


def test_bundled_panel_shows_series_and_the_pick_is_kept(app: AppTest) -> None:
    _open(app, "pages/data.py")
    app.selectbox(key="dataset").set_value("us_macro").run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Series"] == "5"
    assert metrics["Points per series"] == "203"
    table = next(f.value for f in app.dataframe if "points" in f.value.columns)
    assert len(table) == 5
    assert list(app.get("plotly_chart"))
    assert app.session_state[ui.SOURCE]["series"] == "GDP"
    app.selectbox(key="series").set_value("investment").run()
    assert not app.exception, app.exception
    assert app.session_state[ui.SOURCE]["series"] == "investment"
    assert {m.label: m.value for m in app.metric}["Points"] == "203"
    # The compare page trains on the picked series.
    _open(app, "pages/compare.py")
    assert any("investment" in m.value for m in app.sidebar.markdown)
    assert not app.error, [e.value for e in app.error]


def test_uploaded_panel_detects_ids_and_drops_a_short_series(app: AppTest) -> None:
    _open(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("stores.csv", _panel_csv(), "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.multiselect(key="id_cols").value == ["store"]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Series"] == "3"
    assert metrics["Frequency"] == "monthly"
    notes = "\n".join(m.value for m in app.markdown)
    assert "'tiny'" in notes  # the dropped series is named
    assert "picked id column" in notes and "as chosen" not in notes  # detected
    # south's gap is said beside the chosen north: south trains too
    others = app.expander[
        [e.label for e in app.expander].index("Repairs of the other series (1 series)")
    ]
    said = others.markdown[0].value
    assert said.startswith("- series south:") and "filled 1 missing timestamp" in said
    app.selectbox(key="series").set_value("south").run()
    assert not app.exception, app.exception
    assert app.session_state[ui.SOURCE]["series"] == "south"
    notes = "\n".join(m.value for m in app.markdown)
    assert "series 'south'" in notes and "filled 1 missing timestamp by" in notes
    # Clearing the id columns reads the file as one (averaged) series.
    app.multiselect(key="id_cols").set_value([]).run()
    assert not app.exception, app.exception
    assert {m.label: m.value for m in app.metric}["Series"] == "1"


def test_a_second_upload_shows_its_own_columns_not_the_first_ones(app: AppTest) -> None:
    _open(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("stores.csv", _panel_csv(), "text/csv"))
    app.run()
    assert app.multiselect(key="id_cols").value == ["store"]
    other = _panel_csv().replace(b"store,date,sales", b"region,day,units")
    app.file_uploader(key="upload").set_value(("regions.csv", other, "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.multiselect(key="id_cols").value == ["region"]
    assert app.selectbox(key="time_col").value == "day"
    assert app.selectbox(key="value_col").value == "units"


def _upload_stores_and_items(at: AppTest, items: tuple) -> None:
    """Upload two stores x ``items`` of two years of monthly sales (the item's
    number times the month where the items are numbers); the reader picks store
    and item as the ids."""
    rows = ["store,item,date,sales"]
    for store in ("n", "s"):
        for item in items:
            for month in range(1, 25):
                year, m = 2020 + (month - 1) // 12, (month - 1) % 12 + 1
                sales = month * item if isinstance(item, int) else month
                rows.append(f"{store},{item},{year}-{m:02d}-01,{sales}")
    _open(at, "pages/data.py")
    at.segmented_control(key="data_kind").set_value("upload").run()
    data = ("\n".join(rows) + "\n").encode()
    at.file_uploader(key="upload").set_value(("si.csv", data, "text/csv")).run()
    assert at.multiselect(key="id_cols").value == ["store", "item"]


def test_chosen_id_columns_are_shown_again_after_another_page(app: AppTest) -> None:
    _upload_stores_and_items(app, ("a", "b"))
    app.multiselect(key="id_cols").set_value(["store"]).run()
    _open(app, "pages/how_it_works.py")
    _open(app, "pages/data.py")
    assert app.multiselect(key="id_cols").value == ["store"]
    assert {m.label: m.value for m in app.metric}["Series"] == "2"


def test_small_multiples_say_how_many_of_the_series_they_draw(app: AppTest) -> None:
    # nine stores: six drawn, which only the picker's tooltip said
    rows = ["store,date,sales"]
    for store in range(1, 10):
        rows += [f"S{store},2020-{m:02d}-01,{store * m}" for m in range(1, 13)]
    _open(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    data = ("\n".join(rows) + "\n").encode()
    app.file_uploader(key="upload").set_value(("nine.csv", data, "text/csv")).run()
    assert not app.exception, app.exception
    drawn = [c.value for c in app.caption if "series drawn" in c.value]
    assert drawn == [
        "6 of the 9 series drawn, the one picked among them; the table beside "
        "lists them all, and the picker draws any."
    ]


def test_the_id_picker_offers_no_time_or_chosen_value_column(app: AppTest) -> None:
    _upload_stores_and_items(app, (1, 2))
    assert "date" not in app.multiselect(key="id_cols").options
    # the id "item" chosen as the value: it leaves the ids, and is no longer offered
    app.selectbox(key="value_col").set_value("item").run()
    assert not app.exception, app.exception
    ids = app.multiselect(key="id_cols")
    assert ids.value == ["store"] and "item" not in ids.options
    assert not app.error, [e.value for e in app.error]
    assert {m.label: m.value for m in app.metric}["Series"] == "2"
    # chosen ids: the time column picked is taken out of them
    app.multiselect(key="id_cols").set_value(["store", "sales"]).run()
    app.selectbox(key="time_col").set_value("sales").run()
    assert not app.exception, app.exception
    assert app.session_state[ui.SOURCE]["id_cols"] == ["store"]
    assert app.multiselect(key="id_cols").value == ["store"]


def test_a_series_too_short_to_score_says_so_on_the_data_page(app: AppTest) -> None:
    rows = _panel_csv().decode().splitlines()
    rows += [f"three,2022-{m:02d}-01,{m}" for m in (10, 11, 12)]
    _open(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    data = ("\n".join(rows) + "\n").encode()
    app.file_uploader(key="upload").set_value(("p.csv", data, "text/csv")).run()
    assert not any("too few to score" in i.value for i in app.info)
    # the panel says which series a run over them all will not score
    panel_note = [i.value for i in app.info if "last backtest fold" in i.value]
    assert panel_note and panel_note[0].startswith("1 of the 4 series ('three')")
    app.selectbox(key="series").set_value("three").run()
    assert not app.exception, app.exception
    said = [i.value for i in app.info if "too few to score" in i.value]
    assert said and said[0].startswith("3 points") and "all series" in said[0]
