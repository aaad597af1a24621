"""The shared UI helpers on their own: throttled progress, the dataset picker, the
model list and the training panel."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from streamlit.testing.v1 import AppTest

import ui
from ui import progress


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_says_yes_once_per_interval(monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    due = ui.Throttle(0.2)
    assert due()  # the first call always draws
    assert not due()
    assert due(force=True)
    clock.now += 0.19
    assert not due()
    clock.now += 0.02
    assert due()


def test_progress_bar_clips_throttles_and_forces(monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    drawn: list[tuple[float, str]] = []
    fake = SimpleNamespace(progress=lambda value, text: drawn.append((value, text)))
    bar = ui.ProgressBar.__new__(ui.ProgressBar)
    bar.bar, bar._due = fake, ui.Throttle(0.2)
    bar.update(1.7, "a")
    bar.update(0.5, "skipped")
    callback = ui.epoch_callback(bar, "fit")
    callback(3, 3, 0.1)  # the last epoch always shows
    assert drawn == [(1.0, "a"), (1.0, "fit: epoch 3/3")]


def test_event_text() -> None:
    event = SimpleNamespace(model="ConvLSTM", stage="fold 1/3", epoch=4, epochs=100)
    assert ui.event_text(event) == "ConvLSTM · fold 1/3 · epoch 4/100"
    event.epoch = None
    assert ui.event_text(event) == "ConvLSTM · fold 1/3"
    # the default ConvLSTM's fits in a row: the epoch within the fit it names,
    # not the count across them (which the fraction uses)
    from convlstm.models.neural import FitEpoch

    event.epoch, event.epochs = (
        FitEpoch(248, "checking the pretrained start", 48, 200),
        800,
    )
    text = ui.event_text(event)
    assert text == "ConvLSTM · fold 1/3 · checking the pretrained start · epoch 48/200"


def _picker_app() -> None:
    import streamlit as st

    import ui

    st.session_state["picked"] = ui.dataset_picker(
        key="some_dataset", default=st.session_state.get("start"), help="pick"
    )


def test_dataset_picker_shows_titles_and_starts_on_the_default() -> None:
    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.run()
    box = at.selectbox(key="some_dataset")
    assert box.label == "Dataset"
    assert box.value == ui.DEFAULT_DATASET
    assert ui.dataset_info("co2").title in box.options
    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.session_state["start"] = "co2"
    at.run()
    assert at.session_state["picked"] == "co2"
    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.session_state["start"] = "no such dataset"
    at.run()
    assert at.session_state["picked"] == at.selectbox(key="some_dataset").value


def _panel_app() -> None:
    from types import SimpleNamespace

    import ui

    events = [
        SimpleNamespace(
            model="ConvLSTM",
            stage="final",
            fraction=epoch / 3,
            epoch=epoch,
            epochs=3,
            train_loss=1.0 / epoch,
            val_loss=None,
        )
        for epoch in (1, 2, 3)
    ]
    job = SimpleNamespace(events=events, fraction=events[-1].fraction, seconds=4.0)
    ui.JobPanel("cpu", "Electricity demand").show(job, position=0, wait=12.0)


def test_training_panel_draws_bar_stop_button_and_loss_chart() -> None:
    at = AppTest.from_function(_panel_app, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert at.button(key="stop_training").label == "Stop training"
    assert at.get("plotly_chart")  # the live loss chart, once two epochs are in
    bars = at.get("progress")
    # the data it trains on is named: the user may have chosen other data since
    assert bars and "Electricity demand: ConvLSTM · final" in bars[0].proto.text
    assert "about 12 s left" in at.caption[0].value


def test_wait_text_says_the_queue_place() -> None:
    assert ui.progress.wait_text(3, 120.0) == (
        "Waiting: 2 runs ahead of yours · about 2 min until it starts"
    )
    assert ui.progress.wait_text(1, None) == "Waiting: yours starts next"
    assert ui.progress.wait_text(0, None) == "Training"
    # no estimate (a heavy net near 0%): how long it has run, as a sign of life
    assert ui.progress.wait_text(0, None, 100.0) == "Training · 2 min so far"
    assert ui.progress.wait_text(0, 30.0, 100.0) == (
        "Training · at most about 30 s left (a network that stops early ends sooner)"
    )
    # statistical models alone stop at no epoch: no bound, no network named
    assert ui.progress.wait_text(0, 2.0, 1.0, networks=False) == (
        "Training · about 2 s left"
    )


def test_large_scores_are_whole_numbers_not_exponents() -> None:
    # electricity's MAE of 18,350 showed as 1.835e+04 (hover, table and widths)
    from ui.text import dash_missing, score_format

    assert score_format([18350.2, 27100.5]) == "%.0f"
    assert score_format([0.42, 0.36]) == "%.4g"
    assert score_format([12000.0, 0.5]) == "%.4g"  # small values keep their digits
    table = dash_missing(pd.DataFrame({"w": [18350.2, 0.4208, None]}), {"w": ".4g"})
    assert table["w"].tolist() == ["18,350", "0.4208", "—"]


def test_library_messages_name_only_the_apps_place_to_choose() -> None:
    from ui.text import app_words

    text = "choose one (value_col=..., --value-col, or Value column on the Data page)"
    assert app_words(text) == "choose one (Value column on the Data page)"
    assert (
        app_words("drop it (series=..., --series) to read it") == "drop it to read it"
    )


def test_a_column_change_sent_for_replaced_data_is_ignored() -> None:
    # a new upload while a run trains: the browser may still send the old file's
    # column widgets (forgotten since), which must neither fail nor land on it
    import streamlit as st

    from ui import state

    def upload(digest: str) -> None:
        st.session_state[ui.SOURCE] = ui.Source(
            kind="upload", file_name=f"{digest}.csv", data=b"", digest=digest,
            time_col=None, value_col=None,
        )  # fmt: skip

    upload("old")
    state.mark_column_widgets()
    upload("new")
    state.choose_column("time_col")  # its widget was forgotten: no KeyError
    st.session_state["value_col"] = "units"  # the old file's column
    state.choose_value_column()
    assert st.session_state[ui.SOURCE]["value_col"] is None
    state.mark_column_widgets()  # drawn for the new file: changes count again
    state.choose_value_column()
    assert st.session_state[ui.SOURCE]["value_col"] == "units"


def test_a_metric_tile_shows_a_time_at_its_series_resolution():
    at = pd.Timestamp("1956-04-01")
    assert ui.short_time(at, "YS") == "1956"
    assert ui.short_time(at, "QS-OCT") == "1956 Q2"
    assert ui.short_time(at, "MS") == "1956-04"
    assert ui.short_time(at, "W-SUN") == "1956-04-01"
    assert ui.short_time(at + pd.Timedelta("23h30min"), "30min") == "1956-04-01"
    assert ui.short_time(at, None) == "1956-04-01"


def test_tables_and_spans_show_times_as_the_tiles_do():
    # a quarterly series read "1956 Q1" in its tiles and "1956-01-01" in its
    # tables, its sidebar and the Train & compare header
    times = pd.date_range("1956-01-01", periods=8, freq="QS")
    assert ui.time_format(times, "QS-JAN") == "YYYY [Q]Q"
    assert ui.time_format(times, "YS") == "YYYY"
    assert ui.time_format(times, "ME") == "YYYY-MM"
    assert ui.time_format(times, "D") == "YYYY-MM-DD"
    assert ui.time_format(times + pd.Timedelta("1h"), None) == "YYYY-MM-DD HH:mm"
    assert ui.span_text(times[0], times[-1], "QS-JAN") == "1956 Q1 to 1957 Q4"
    assert ui.span_text(times[0], times[-1], None) == "1956-01-01 to 1957-10-01"
    # one time among many (a slider's): the time of day where there is one
    assert ui.time_label(times[1], "QS-JAN") == "1956 Q2"
    assert ui.time_label(times[1] + pd.Timedelta("14h30min"), "30min") == (
        "1956-04-01 14:30"
    )
    assert ui.time_label(times[1], "D") == "1956-04-01"


def test_the_live_loss_curve_follows_the_fit_now_training() -> None:
    # the default ConvLSTM checks both starts, then fits, in one stage: the
    # epochs count on across the fits (for the bar), and one curve over them
    # jumped from the end of one fit to the start of the next
    from convlstm.models.neural import FitEpoch

    def event(count, fit, within, loss, stage="fold 1/2"):
        epoch = FitEpoch(count, fit, within, 200)
        return SimpleNamespace(
            model="ConvLSTM", stage=stage, epoch=epoch, epochs=600,
            train_loss=loss, val_loss=loss * 1.1,
        )  # fmt: skip

    events = [
        event(1, "checking the scratch start", 1, 5.0),
        event(2, "checking the scratch start", 2, 4.0),
        event(201, "checking the pretrained start", 1, 3.0),
        event(401, "training the start kept", 1, 2.0),
        event(402, "training the start kept", 2, 1.5),
        event(403, "training the start kept", 3, 1.2),
    ]
    fit, curve = progress.current_curve(events)
    assert fit == "ConvLSTM · fold 1/2 · training the start kept"
    assert [p["epoch"] for p in curve] == [1, 2, 3]
    assert [p["train_loss"] for p in curve] == [2.0, 1.5, 1.2]
    # a plain fit (an int epoch) is one curve per model and stage, as before
    plain = [
        SimpleNamespace(model="LSTM", stage="final", epoch=e, epochs=9,
                        train_loss=1.0 / e, val_loss=None)
        for e in (1, 2, 3)
    ]  # fmt: skip
    fit, curve = progress.current_curve(plain)
    assert fit == "LSTM · final" and [p["epoch"] for p in curve] == [1, 2, 3]
