"""AppTest checks of every page: renders, data choice, upload, training, results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from tests.app.helpers import train, upload, upload_and_train

TRAIN_TIMEOUT = 240
TINY = {
    "hidden_size": 16,
    "epochs": 2,
    "lookback": 12,
    "folds": 1,
    "batch_size": 32,
    "num_layers": 1,
}


def future_picker(at: AppTest):
    """The "Forecast beyond the data" model picker (a widget of its own per run)."""
    return at.selectbox(key=at.session_state["future_model_key"])


def plotly_charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def metrics_table(at: AppTest):
    """The results' metrics table (the dataframe with an MAE column), or None."""
    for frame in at.dataframe:
        if "MAE" in frame.value.columns:
            return frame.value
    return None


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_home_renders(app: AppTest) -> None:
    assert app.title[0].value.endswith("ConvLSTM forecast")
    assert app.button(key="quick_run").label == "Run forecast"
    assert "No data chosen yet." in texts(app)
    assert "back to the defaults" not in (app.button(key="quick_run").help or "")
    # settings chosen on Train & compare: the button says it resets them
    app.session_state[ui.PARAMS] = {"hidden_size": 64}
    open_page(app, "pages/home.py")
    assert "back to the defaults" in app.button(key="quick_run").help


@pytest.mark.parametrize(
    "page",
    ["pages/home.py", "pages/data.py", "pages/compare.py", "pages/how_it_works.py"],
)
def test_every_page_renders(app: AppTest, page: str) -> None:
    open_page(app, page)
    assert app.title
    # a page's heading is its name alone: a screen reader read an icon in it by
    # its name ("table_chart icon Data")
    assert ":material/" not in app.title[0].value
    # One sidebar summary, whichever way Streamlit ran the page.
    assert [c.value for c in app.sidebar.caption].count("CURRENT DATA") == 1


def test_compare_without_data_points_to_data_page(app: AppTest) -> None:
    open_page(app, "pages/compare.py")
    assert "Choose a dataset" in app.info[0].value
    assert not app.get("form")


def test_bundled_dataset_shows_info_chart_and_notes(app: AppTest) -> None:
    open_page(app, "pages/data.py")
    # the source shown is the one chosen, on a first visit and after its rerun
    assert app.segmented_control(key="data_kind").value == "bundled"
    app.run()
    assert app.segmented_control(key="data_kind").value == "bundled"
    app.selectbox(key="dataset").set_value("co2").run()
    assert not app.exception
    assert app.session_state[ui.SOURCE] == {"kind": "bundled", "name": "co2"}
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Frequency"] == "monthly"
    assert metrics["Points"] == "526"
    # at the series' resolution, so a tile at 1280 px shows the whole date
    assert (metrics["Start"], metrics["End"]) == ("1958-03", "2001-12")
    assert plotly_charts(app)
    assert "What the reader did" in texts(app)
    # The sidebar follows the choice.
    assert any("526 points" in c.value for c in app.sidebar.caption)


def test_upload_good_csv_shows_preview_columns_and_repairs(
    app: AppTest, good_csv: bytes
) -> None:
    open_page(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("sales.csv", good_csv, "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.selectbox(key="time_col").value == "Datum"
    assert app.selectbox(key="value_col").value == "Umsatz (EUR)"
    assert {m.label: m.value for m in app.metric}["Points"] == "60"
    assert len(app.dataframe) == 2  # series and file preview
    assert plotly_charts(app)
    assert app.session_state[ui.SOURCE]["file_name"] == "sales.csv"
    # The reader's repairs are listed (the missing month was filled).
    assert "missing" in texts(app).lower() or "fill" in texts(app).lower()


def test_changing_the_value_column(app: AppTest) -> None:
    csv = "day,low,high\n" + "".join(
        f"2024-03-{d:02d},{d},{100 + d}\n" for d in range(1, 31)
    )
    open_page(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("two.csv", csv.encode(), "text/csv"))
    app.run()
    assert app.selectbox(key="value_col").value == "low"
    app.selectbox(key="value_col").set_value("high").run()
    assert not app.exception, app.exception
    assert app.session_state[ui.SOURCE]["value_col"] == "high"
    assert "high" in texts(app)


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\xff\xfe garbage \x00",
        b"",
        b"date,value\nnot a date,abc\nstill not,def\n",
    ],
    ids=["binary", "empty", "no-dates"],
)
def test_upload_broken_file_shows_error_not_exception(
    app: AppTest, content: bytes
) -> None:
    open_page(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("broken.csv", content, "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert app.error and app.error[0].value


def test_a_file_the_reader_cannot_place_gets_its_columns_picked(app: AppTest) -> None:
    # Unix times in a column not named like time: the reader names them, and
    # the column choice stays on the page so the user can pick it
    csv = "k,sales\n" + "".join(
        f"{1_700_000_000 + 3600 * i},{i % 24}\n" for i in range(72)
    )
    open_page(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("k.csv", csv.encode(), "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert "'k' looks like Unix time" in app.error[0].value
    assert app.selectbox(key="time_col").value is None
    app.selectbox(key="time_col").set_value("k").run()
    app.selectbox(key="value_col").set_value("sales").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.session_state[ui.SOURCE]["time_col"] == "k"
    assert "72" in [m.value for m in app.metric]
    assert "as Unix time in seconds" in texts(app)


def test_a_refused_file_after_a_good_one_shows_its_own_columns(
    app: AppTest, good_csv: bytes
) -> None:
    # the pickers showed the good file's value column, which the new file lacks
    bad = "date,v\n" + "".join(f"2024-01-{d:02d},{d}\n" for d in range(1, 30))
    bad = bad.replace(",9\n", ",inf\n")
    open_page(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("sales.csv", good_csv, "text/csv"))
    app.run()
    assert app.selectbox(key="value_col").value == "Umsatz (EUR)"
    app.file_uploader(key="upload").set_value(("v.csv", bad.encode(), "text/csv"))
    app.run()
    assert not app.exception, app.exception
    assert "infinite" in app.error[0].value
    assert app.selectbox(key="time_col").value == "date"
    assert app.selectbox(key="value_col").value == "v"


def test_an_unreadable_file_after_a_good_one_is_not_trained_as_the_good_one(
    app: AppTest, good_csv: bytes
) -> None:
    # the sidebar and Train & compare went on with the good file, silently
    upload(app, "sales.csv", good_csv)
    upload(app, "blob.csv", bytes(range(256)) * 8, check=False)
    assert not app.exception, app.exception
    assert app.error and app.error[0].value
    assert app.session_state[ui.SOURCE]["file_name"] == "blob.csv"
    sidebar = " ".join(c.value for c in app.sidebar.caption)
    assert "The file needs attention on the Data page." in sidebar
    app.switch_page("pages/compare.py").run()
    assert not app.exception, app.exception
    assert app.error and not app.form_submit_button


def test_results_of_an_earlier_upload_of_the_same_name_say_so(
    app: AppTest, wait_for_training
) -> None:
    rows = "".join(f"2024-01-{d:02d},{d}\n" for d in range(1, 29))
    upload_and_train(app, wait_for_training, "day,v\n" + rows, ["Naive"])
    upload(app, "up.csv", ("day,v\n" + rows.replace(",1\n", ",100\n")).encode())
    open_page(app, "pages/compare.py")
    assert any("an earlier reading of **up\\.csv**" in i.value for i in app.info)


def test_user_text_is_escaped(app: AppTest) -> None:
    nasty = "[click](http://evil.example) <b>x</b>"
    csv = f"when,{nasty}\n" + "".join(
        f"2020-01-{d:02d},{d * 1.5}\n" for d in range(1, 29)
    )
    open_page(app, "pages/data.py")
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value(
        ("<i>evil</i>.csv", csv.encode(), "text/csv")
    )
    app.run()
    assert not app.exception, app.exception
    for block in [*app.markdown, *app.caption]:
        assert "[click](http" not in block.value
        assert "<b>" not in block.value and "<i>" not in block.value


def _compare_on(app: AppTest, dataset: str) -> None:
    """Choose a bundled dataset on the Data page and open Train & compare."""
    open_page(app, "pages/data.py")
    app.selectbox(key="dataset").set_value(dataset).run()
    open_page(app, "pages/compare.py")


def _train_tiny(at: AppTest, models: list[str], wait) -> AppTest:
    return train(at, wait, models, **TINY)


ALL_MODELS = ["ConvLSTM", "LSTM", "ARIMA", "Seasonal naive"]


@pytest.mark.parametrize("models", [ALL_MODELS], ids=["all"])
def test_train_tiny_shows_chart_and_metrics(
    app: AppTest, models: list[str], wait_for_training
) -> None:
    _compare_on(app, "air_passengers")
    assert app.number_input(key="horizon").value == 12  # from datasets.info
    _train_tiny(app, models, wait_for_training)

    assert not app.error, [e.value for e in app.error]
    result = app.session_state[ui.RESULT]
    assert result["params"]["ConvLSTM"]["epochs"] == 2
    assert result["params"]["seed"] == app.number_input(key="seed").value
    charts = plotly_charts(app)
    assert len(charts) >= 2  # backtest chart and future chart
    table = metrics_table(app)
    assert list(table.columns[:4]) == ["Model", "MAE", "RMSE", "MASE"]
    assert "p-value" not in table.columns  # the verdict says it
    assert table.columns[4] == "vs baseline"  # in the first view on a phone
    assert len(table) == len(models)
    assert table["Model"].str.startswith("★ ").sum() == 1
    described = any(c.value.startswith("**Ensemble**") for c in app.caption)
    assert described == ("Ensemble" in models)
    assert future_picker(app).value in models
    assert {b.label for b in app.get("download_button")} >= {
        "Forecasts (CSV)",
        "Chart (HTML)",
    }
    # The CSV download holds backtest and future forecasts.
    csv = ui.safe_csv(result["comparison"].forecast_table()).decode()
    assert csv.startswith("section,model,")
    assert "backtest," in csv and "future," in csv
    # the future with its intervals and steps, as the page shows them; whole
    # numbers for folds and steps
    header = csv.splitlines()[0].split(",")
    assert "lower_80" in header and "upper_80" in header
    future = [r.split(",") for r in csv.splitlines() if r.startswith("future,")]
    assert future[0][header.index("step")] == "1"
    assert csv.splitlines()[1].split(",")[header.index("fold")] == "1"
    # the backtest rows carry the bounds coverage was measured with: none on the
    # first fold (nothing earlier to calibrate on), some on later ones
    backtest = [r.split(",") for r in csv.splitlines() if r.startswith("backtest,")]
    low = header.index("lower_80")
    assert all(r[low] == "" for r in backtest if r[header.index("fold")] == "1")
    later = [r for r in backtest if r[header.index("fold")] != "1"]
    assert not later or any(r[low] != "" for r in later)
    # The committed benchmark of this bundled dataset is shown beside the run.
    assert "Published benchmark for this dataset" in [e.label for e in app.expander]
    published = [d.value for d in app.dataframe if "source" in d.value.columns]
    assert published and "ConvLSTM" in set(published[0]["model"])
    # Below the loss curves: which epoch each neural fit kept.
    kept = ("ConvLSTM: the final fit kept", "ConvLSTM: the network trained on")
    assert any(c.value.startswith(kept) for c in app.caption)
    # Results survive a page switch.
    open_page(app, "pages/data.py")
    open_page(app, "pages/compare.py")
    assert metrics_table(app) is not None
    assert any("Best:" in m.value for m in app.sidebar.markdown)


def test_a_short_upload_runs_the_models_it_can_and_says_which_it_left_out(
    app: AppTest, wait_for_training
) -> None:
    # 20 months: too few for the LSTM at any horizon; the others still run
    csv = "month,sales\n" + "".join(
        f"{2020 + i // 12}-{i % 12 + 1:02d}-01,{100 + i + 5 * (i % 12 > 5)}\n"
        for i in range(20)
    )
    models = ["LSTM", "Seasonal naive", "Naive"]
    upload_and_train(app, wait_for_training, csv, models, horizon=1, epochs=2)
    ran = {m.removeprefix("★ ") for m in metrics_table(app)["Model"]}
    assert ran == {"Seasonal naive", "Naive"}
    said = "LSTM left out: needs at least 21 points"
    assert any(w.value.startswith(said) for w in app.warning)
    # the Ensemble is described under the picker only while it is chosen
    assert not any(c.value.startswith("**Ensemble**") for c in app.caption)


def test_a_tiny_upload_gets_a_forecast_only_unscored(
    app: AppTest, wait_for_training
) -> None:
    # 6 months: too short for any backtest; the form defaults to 0 folds and the
    # models that can fit on 6 points forecast, with no scores and no verdict
    csv = "month,sales\n" + "".join(
        f"2021-{i + 1:02d}-01,{100 + 3 * i}\n" for i in range(6)
    )
    models = ["ETS", "Naive", "ARIMA", "Seasonal naive"]
    upload_and_train(app, wait_for_training, csv, models)
    assert app.number_input(key="folds").value == 0
    assert metrics_table(app) is None  # nothing scored, so no scores table
    assert any(i.value.startswith("**A forecast only") for i in app.info)
    assert any("has 6 points; scoring the models needs" in i.value for i in app.info)
    assert any(w.value.startswith("Seasonal naive left out") for w in app.warning)
    assert set(future_picker(app).options) == {"ETS", "Naive", "ARIMA"}
    table = next(d.value for d in app.dataframe if "forecast" in d.value.columns)
    assert len(table) == app.number_input(key="horizon").value
    assert not any(c.startswith(("lower_", "upper_")) for c in table.columns)


def test_ets_future_table_shows_model_intervals_beside_conformal(
    app: AppTest, wait_for_training
) -> None:
    _compare_on(app, "air_passengers")
    _train_tiny(app, ["ETS", "Seasonal naive"], wait_for_training)
    future_picker(app).set_value("ETS").run()
    table = next(d.value for d in app.dataframe if "model_upper_95" in d.value.columns)
    assert {"lower_95", "upper_95", "model_lower_95", "model_upper_95"} <= set(
        table.columns
    )
    assert "has intervals of its own" in texts(app)
    # the forecast shows as many digits as its bounds (not 3 decimals)
    future = app.session_state["result"]["comparison"].future
    first = float(future.loc[future["model"] == "ETS", "forecast"].iloc[0])
    assert table["forecast"].iloc[0] == ui.text._formatted(first, ".6g")
    future_picker(app).set_value("Seasonal naive").run()
    assert not any("model_upper_95" in d.value.columns for d in app.dataframe)


def test_a_new_run_shows_its_own_best_forecast_not_the_model_picked_before(
    app: AppTest, wait_for_training
) -> None:
    _compare_on(app, "air_passengers")
    _train_tiny(app, ["Naive", "Seasonal naive"], wait_for_training)
    future_picker(app).set_value("Seasonal naive").run()
    _train_tiny(app, ["Theta", "Seasonal naive", "Naive"], wait_for_training)
    best = app.session_state["result"]["comparison"].best
    assert best != "Seasonal naive"  # else the test shows nothing
    assert future_picker(app).value == best


def test_library_error_is_shown_not_raised(app: AppTest, wait_for_training) -> None:
    open_page(app, "pages/data.py")
    open_page(app, "pages/compare.py")
    # 20 folds of 12 steps cannot fit into 144 points.
    app.number_input(key="folds").set_value(20)
    app.number_input(key="horizon").set_value(12)
    app.multiselect(key="models").set_value(["Seasonal naive"])
    app.form_submit_button[0].click().run()
    wait_for_training(app)
    assert not app.exception, app.exception
    assert app.error
    assert ui.RUNNING not in app.session_state


def test_interrupted_training_says_so(app: AppTest) -> None:
    open_page(app, "pages/data.py")
    app.session_state[ui.RUNNING] = True
    open_page(app, "pages/compare.py")
    assert "stopped" in app.warning[0].value


def test_no_models_chosen(app: AppTest) -> None:
    open_page(app, "pages/data.py")
    open_page(app, "pages/compare.py")
    app.multiselect(key="models").set_value([])
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert "at least one model" in app.error[0].value


def test_safe_csv_neutralises_formulas() -> None:
    import pandas as pd

    frame = pd.DataFrame({"=cmd": ["=1+1", "+x", "-y", "@z", "ok"], "n": [-1.0] * 5})
    text = ui.safe_csv(frame).decode()
    assert text.splitlines()[0] == "'=cmd,n"
    assert "'=1+1" in text and "'+x" in text and "'-y" in text and "'@z" in text
    assert ",-1.0" in text  # numbers are untouched


def test_landing_page_runs_a_forecast_in_two_clicks(
    app: AppTest, wait_for_training
) -> None:
    app.selectbox(key="quick_dataset").set_value("air_passengers")
    app.button(key="quick_run").click().run(timeout=TRAIN_TIMEOUT)
    wait_for_training(app)
    assert not app.exception, app.exception
    assert app.title[0].value.endswith("Train & compare")
    assert metrics_table(app) is not None
    assert app.session_state[ui.SOURCE] == {"kind": "bundled", "name": "air_passengers"}
    assert len(plotly_charts(app)) >= 2


def test_the_landing_page_forecasts_an_upload_without_replacing_it(
    app: AppTest, wait_for_training
) -> None:
    # the user uploaded on Data, then came home: the two clicks are for their file
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    csv = "date,sales\n" + "".join(
        f"{d:%Y-%m-%d},{100 + 10 * (d.day_of_week >= 5) + i % 3}\n"
        for i, d in enumerate(days)
    )
    upload(app, "shop.csv", csv.encode())
    upload_source = dict(app.session_state[ui.SOURCE])
    open_page(app, "pages/home.py")
    assert "Your data: **shop\\.csv**" in texts(app)
    assert "replaces your upload" in app.button(key="quick_run").help
    app.button(key="quick_run_mine").click().run(timeout=TRAIN_TIMEOUT)
    assert app.title[0].value.endswith("Train & compare")
    open_page(app, "pages/compare.py")  # where AppTest's reruns go from now on
    wait_for_training(app)
    assert not app.exception, app.exception
    assert app.session_state[ui.SOURCE] == upload_source
    assert app.session_state[ui.RESULT]["label"].startswith("shop.csv")
    assert metrics_table(app) is not None


def test_missing_numbers_show_as_a_dash() -> None:
    frame = pd.DataFrame({"Coverage 80%": [0.75, float("nan")], "Model": ["a", "b"]})
    shown = ui.dash_missing(frame, {"Coverage 80%": ".0%", "absent": ".2f"})
    assert shown["Coverage 80%"].tolist() == ["75%", "—"]
    assert shown["Model"].tolist() == ["a", "b"]


def _fading_counts_csv(low: int = 0) -> str:
    rng = np.random.default_rng(1)
    values = np.maximum(0, 8 - np.arange(60) * 0.15 + rng.normal(0, 1.5, 60)).round()
    months = pd.date_range("2020-01-01", periods=60, freq="MS")
    return "month,units\n" + "".join(
        f"{m:%Y-%m},{int(v) + low}\n" for m, v in zip(months, values, strict=True)
    )


def test_never_below_zero_raises_the_forecasts_and_says_so(
    app: AppTest, wait_for_training
) -> None:
    upload(app, "counts.csv", _fading_counts_csv().encode())
    app.switch_page("pages/compare.py").run()
    box = app.checkbox(key=ui.FLOOR)
    assert not box.disabled and not box.value
    box.check()
    app.multiselect(key="models").set_value(["Theta", "Naive"])
    app.form_submit_button[0].click()
    app.run(timeout=240)
    wait_for_training(app)
    assert not app.exception and not app.error
    cmp = app.session_state[ui.RESULT]["comparison"]
    assert cmp.floor == 0.0 and cmp.future["forecast"].min() == 0.0
    captions = [c.value for c in app.caption]
    assert any("is raised to 0" in c for c in captions), captions
    # remembered for the next run, and not offered for data below zero
    assert app.checkbox(key=ui.FLOOR).value
    upload(app, "below.csv", _fading_counts_csv(low=-3).encode())
    app.switch_page("pages/compare.py").run()
    box = app.checkbox(key=ui.FLOOR)
    assert box.disabled and not box.value
    assert "they go below zero (lowest -3)" in box.help


@pytest.mark.parametrize(
    ("dataset", "shown"), [("electricity", "48 and 336"), ("air_passengers", "12")]
)
def test_the_data_page_names_every_cycle_the_models_use(
    app: AppTest, dataset: str, shown: str
) -> None:
    open_page(app, "pages/data.py")
    app.selectbox(key="dataset").set_value(dataset).run()
    tile = next(m for m in app.metric if m.label == "Season length")
    assert tile.value == shown
    assert ("decompose them (MSTL)" in tile.help) == (" and " in shown)


def test_an_intermittent_upload_offers_tsb_by_default(app: AppTest) -> None:
    weeks = pd.date_range("2023-01-01", periods=60, freq="W")
    units = [0, 3, 0, 0, 2, 0, 0, 4, 0, 1] * 6
    csv = "week,units\n" + "".join(
        f"{w:%Y-%m-%d},{u}\n" for w, u in zip(weeks, units, strict=True)
    )
    upload(app, "parts.csv", csv.encode())
    open_page(app, "pages/compare.py")
    chosen = app.multiselect(key="models").value
    assert "TSB" in chosen and chosen[-1] == "Ensemble"


def test_results_on_intermittent_data_say_what_mae_hides(
    app: AppTest, wait_for_training
) -> None:
    weeks = pd.date_range("2023-01-01", periods=60, freq="W")
    units = [0, 3, 0, 0, 2, 0, 0, 4, 0, 1] * 6
    csv = "week,units\n" + "".join(
        f"{w:%Y-%m-%d},{u}\n" for w, u in zip(weeks, units, strict=True)
    )
    upload_and_train(app, wait_for_training, csv, ["TSB", "Naive"], horizon=4, folds=2)
    assert any("60% of the steps are 0" in c.value for c in app.caption)


def test_fill_spikes_reads_a_sensors_glitches_as_missing(app: AppTest) -> None:
    hours = pd.date_range("2024-01-01", periods=240, freq="h")
    temps = 10 + 5 * np.sin(2 * np.pi * np.arange(240) / 24)
    temps[[60, 61, 150]] = 812.5  # a glitch (999.9 reads as a missing marker)
    csv = "time,temp\n" + "".join(
        f"{h:%Y-%m-%d %H:%M},{t:.3f}\n" for h, t in zip(hours, temps, strict=True)
    )
    upload(app, "sensor.csv", csv.encode())
    notes = "\n".join(m.value for m in app.markdown)
    assert "stands" in notes and "Fill spikes" in notes
    kept_key = ui.source_key(app.session_state[ui.SOURCE])
    app.checkbox(key="spikes").check().run()
    assert not app.exception, app.exception
    notes = "\n".join(m.value for m in app.markdown)
    assert "filled 3 spikes" in notes and "stands" not in notes
    assert app.session_state[ui.SOURCE]["spikes"] == "fill"
    sidebar = [m.value for m in app.sidebar.markdown]
    assert any("spikes filled" in m for m in sidebar), sidebar
    # a result of the kept spikes is not one of these data
    assert ui.source_key(app.session_state[ui.SOURCE]) != kept_key
    # the choice survives another page
    app.switch_page("pages/compare.py").run()
    app.switch_page("pages/data.py").run()
    assert app.checkbox(key="spikes").value is True
