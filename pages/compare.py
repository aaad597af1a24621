"""Train & compare page: training form, live progress and the comparison results,
with prediction intervals, significance, the reproducibility record, the report and
portable model bundles."""

import time
from datetime import datetime

import streamlit as st

import ui
from convlstm import MODEL_NAMES, ConvLSTMError, compare, datasets, plots
from convlstm.compare import (
    DEFAULT_LEVELS,
    NEURAL_MODELS,
    metrics_table,
    rerun,
    rerun_matches,
    with_intervals,
)
from convlstm.models.persistence import bundle_data_check, bundle_model, load_bundle
from convlstm.record import record_to_json
from convlstm.report import build_report

ui.ensure_navigation()
st.title(":material/model_training: Train & compare")

autorun = st.session_state.pop(ui.AUTORUN, False)  # "Run forecast" on the home page
src = ui.source()
if not src:
    st.info("Choose a dataset or upload a CSV first.", icon=":material/info:")
    st.page_link("pages/data.py", label="Go to Data", icon=":material/table_chart:")
    st.stop()
with ui.guard():
    y = ui.current_series()
label = ui.source_label(src)
st.caption(
    f"Data: **{ui.escape_md(label)}** · {len(y):,} points · {y.index.freqstr} "
    f"· {y.index[0]:%Y-%m-%d} to {y.index[-1]:%Y-%m-%d}"
)

if st.session_state.pop(ui.RUNNING, False):
    st.warning(
        "Training was stopped before it finished, so it left no new results. "
        "Change the settings if you like and train again.",
        icon=":material/stop_circle:",
    )

device = ui.device_name()
d = ui.form_defaults(y, src)

with st.form("train_form", border=True):
    st.multiselect(
        "Models",
        list(MODEL_NAMES),
        default=d["models"],
        key="models",
        help="Every chosen model is scored on the same rolling-origin folds.",
    )
    c1, c2, c3 = st.columns(3)
    c1.selectbox(
        "Kernel size",
        ui.KERNEL_SIZES,
        index=ui.KERNEL_SIZES.index(d["kernel_size"]),
        key="kernel_size",
        help="Width of the ConvLSTM's convolution over each frame (odd sizes only).",
    )
    c2.number_input(
        "Hidden size",
        min_value=8,
        max_value=512,
        value=d["hidden_size"],
        step=8,
        key="hidden_size",
        help="Hidden channels per ConvLSTM layer: 8 to 512. The LSTM baseline keeps "
        "its own defaults.",
    )
    c3.select_slider(
        "Learning rate",
        ui.LEARNING_RATES,
        value=d["learning_rate"],
        format_func=lambda v: f"{v:g}",
        key="learning_rate",
        help="Adam step size, on a log scale from 0.0001 to 0.01. Lower it if the "
        "loss jumps or becomes NaN.",
    )
    c1.number_input(
        "Horizon",
        min_value=1,
        max_value=max(1, len(y) // 2),
        value=min(d["horizon"], max(1, len(y) // 2)),
        step=1,
        key="horizon",
        help="How many steps ahead to forecast. Each fold holds out this many points.",
    )
    c2.number_input(
        "Backtest folds",
        min_value=1,
        max_value=20,
        value=d["folds"],
        step=1,
        key="folds",
        help="Rolling-origin folds: the last folds x horizon points are the test set.",
    )
    slow = device == "cpu" and len(y) > ui.LONG_SERIES
    c3.caption(
        f"Neural models train on **{device.upper()}**"
        + (" (no GPU found)." if device == "cpu" else ".")
        + (
            f" With {len(y):,} points expect a minute or more; fewer folds are faster."
            if slow
            else ""
        )
        + " Kernel, hidden size, learning rate and the network settings below "
        "shape the ConvLSTM; the LSTM baseline keeps its own defaults."
    )
    with st.expander("Advanced", icon=":material/tune:"):
        a1, a2, a3 = st.columns(3)
        a1.number_input(
            "Layers",
            min_value=1,
            max_value=4,
            value=d["num_layers"],
            step=1,
            key="num_layers",
            help="Stacked ConvLSTM layers (the LSTM baseline keeps its own).",
        )
        a2.number_input(
            "Lookback",
            min_value=0,
            max_value=max(0, len(y) - 1),
            value=d["lookback"],
            step=1,
            key="lookback",
            help="Past steps each forecast sees. 0 = automatic (from the season).",
        )
        a3.selectbox(
            "Activation",
            ui.activations(),
            index=ui.activations().index(d["activation"]),
            key="activation",
            help="Non-linearity of the network's output head.",
        )
        a1.number_input(
            "Epochs",
            min_value=1,
            max_value=2000,
            value=d["epochs"],
            step=1,
            key="epochs",
            help="Most passes over the training windows; early stopping may end "
            "sooner and keeps the best weights.",
        )
        a2.number_input(
            "Batch size",
            min_value=1,
            max_value=4096,
            value=d["batch_size"],
            step=1,
            key="batch_size",
            help="Training windows per gradient step.",
        )
        a3.number_input(
            "Seed",
            min_value=0,
            max_value=2**31 - 1,
            value=d["seed"],
            step=1,
            key="seed",
            help="Same data, settings and seed give the same forecast on CPU.",
        )
    submitted = st.form_submit_button(
        "Train and compare", type="primary", icon=":material/play_arrow:"
    )

run_now = autorun or submitted
if run_now:
    values = {k: st.session_state[k] for k in ui.PARAM_KEYS}
    if not values["models"]:
        st.error("Choose at least one model.", icon=":material/error:")
        st.stop()
    st.session_state[ui.PARAMS] = {**values, "data_key": ui.source_key(src)}
    params = ui.compare_params(values)

    with st.container(border=True):
        top, stop_col = st.columns([5, 1], vertical_alignment="center")
        bar = top.progress(0.0, text=f"Starting on {device.upper()}...")
        stop_col.button(
            "Stop training",
            icon=":material/stop:",
            key="stop_training",
            help="Stop training now; results of this run are discarded.",
            width="stretch",
        )
        loss_slot = st.empty()

    curve: list[dict] = []  # the current fit's losses, for the live chart
    shown = {"bar": 0.0, "chart": 0.0, "fit": ""}

    def report(event) -> None:  # event: convlstm.training.ProgressEvent
        """Progress callback: update the bar and the live loss chart, throttled."""
        fit = f"{event.model} · {event.stage}"
        if fit != shown["fit"]:
            curve.clear()
            shown["fit"] = fit
        if event.epoch is not None and event.train_loss is not None:
            curve.append(
                {
                    "epoch": event.epoch,
                    "train_loss": event.train_loss,
                    "val_loss": event.val_loss,
                }
            )
        now = time.monotonic()
        if now - shown["bar"] >= 0.2:
            step = f" · epoch {event.epoch}/{event.epochs}" if event.epoch else ""
            bar.progress(min(max(event.fraction, 0.0), 1.0), text=f"{fit}{step}")
            shown["bar"] = now
        if len(curve) > 1 and now - shown["chart"] >= 1.0:
            loss_slot.plotly_chart(plots.loss_figure({fit: list(curve)}))
            shown["chart"] = now

    st.session_state[ui.RUNNING] = True
    try:
        result = compare(
            y,
            models=tuple(values["models"]),
            horizon=int(values["horizon"]),
            folds=int(values["folds"]),
            params=params,
            progress=report,
            levels=st.session_state.get(ui.LEVELS) or DEFAULT_LEVELS,
            extra={"data": label},
        )
    except ConvLSTMError as exc:
        st.session_state.pop(ui.RUNNING, None)
        ui.show_error(exc)
        st.stop()
    st.session_state.pop(ui.RUNNING, None)
    st.session_state[ui.RESULT] = {
        "comparison": result,
        "y": y,
        "label": label,
        "data_key": ui.source_key(src),
        "params": {**params, "horizon": values["horizon"], "folds": values["folds"]},
        "device": str(result.device),
        "finished": datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    st.rerun()  # redraw sidebar and results from session state


def show_published(name: str) -> None:
    """The committed benchmark of a bundled dataset, beside the user's own run."""
    table = datasets.published_benchmark(name)
    if table is None:
        return
    title = "Published benchmark for this dataset"
    with st.expander(title, icon=":material/leaderboard:"):
        st.caption(
            f"From bench/RESULTS.md (measured {table.attrs.get('measured') or '?'}): "
            f"default settings, horizon {table['horizon'].iloc[0]}, "
            f"{table['folds'].iloc[0]} folds; neural models are the mean over seeds "
            "0-2. Your run differs when your settings, horizon or folds do."
        )
        st.dataframe(
            table.drop(columns=["horizon", "folds"]),
            hide_index=True,
            key="published_benchmark",
            column_config={
                "mae": st.column_config.NumberColumn("MAE", format="%.4g"),
                "rmse": st.column_config.NumberColumn("RMSE", format="%.4g"),
                "mase": st.column_config.NumberColumn("MASE", format="%.3f"),
                "fit_seconds": st.column_config.NumberColumn(
                    "Fit seconds", format="%.2f"
                ),
            },
        )


def show_results(res: dict) -> None:
    """Render the stored comparison: chart with bands, metrics with coverage and
    verdicts, future forecast, downloads, record and re-run, model bundles."""
    cmp = res["comparison"]
    y_res = res["y"]
    p = res["params"]
    st.header("Results", divider="gray")
    if res["data_key"] != ui.source_key(src):
        st.info(
            f"These results are for **{ui.escape_md(res['label'])}**, not the data "
            "chosen now. Train again to compare on the current data.",
            icon=":material/info:",
        )
    st.caption(
        f"{ui.escape_md(res['label'])} · horizon {p['horizon']} · {p['folds']} "
        f"fold(s) · trained on **{res['device'].upper()}** with seed {p['seed']} "
        f"in {cmp.seconds:.1f} s · {res['finished']}"
    )

    levels = st.multiselect(
        "Prediction intervals",
        ui.LEVEL_OPTIONS,
        default=[lv for lv in cmp.levels if lv in ui.LEVEL_OPTIONS] or DEFAULT_LEVELS,
        format_func=lambda v: f"{v:.0%}",
        key=ui.LEVELS,
        help="Split-conformal bands from each model's backtest errors at every "
        "horizon step. Changing them needs no retraining.",
    )
    if levels and tuple(sorted(levels)) != tuple(cmp.levels):
        with ui.guard():
            cmp = with_intervals(cmp, levels)
        res["comparison"] = cmp

    best = [m for m in cmp.summary.index if bool(cmp.summary.loc[m, "best"])]
    fig = plots.forecast_figure(
        y_res, cmp, intervals=cmp.intervals, highlight=best[0] if best else None
    )
    st.plotly_chart(fig, key="forecast_chart")

    table = metrics_table(cmp)
    table["Model"] = [("★ " if m in best else "") + m for m in table["Model"]]
    config = {
        "MAE": st.column_config.NumberColumn(
            format="%.4g", help="Mean absolute error (lower is better)"
        ),
        "RMSE": st.column_config.NumberColumn(
            format="%.4g", help="Root mean squared error"
        ),
        "MASE": st.column_config.NumberColumn(
            format="%.3f",
            help="MAE relative to the in-sample seasonal naive error; below 1 beats it",
        ),
        "vs baseline": st.column_config.TextColumn(
            help="Diebold-Mariano test (HLN correction) of the backtest errors "
            "against the best baseline, at the 5% level",
            width="large",
        ),
        "p-value": st.column_config.TextColumn(),
        "Fit seconds": st.column_config.NumberColumn(
            format="%.2f", help="Mean seconds per fit"
        ),
    }
    formats = {"p-value": ".3g"}
    for level in cmp.levels:
        pct = f"{100 * level:g}%"
        config[f"Coverage {pct}"] = st.column_config.TextColumn(
            help=f"Share of held-out backtest actuals inside the {pct} interval "
            f"built from earlier folds' errors; close to {pct} is honest",
        )
        config[f"Width {pct}"] = st.column_config.TextColumn(
            help=f"Mean width of the {pct} interval"
        )
        formats[f"Coverage {pct}"] = ".0%"
        formats[f"Width {pct}"] = ".4g"
    table = ui.dash_missing(table, formats)  # "—" where too few folds to measure
    st.subheader("Backtest scores")
    st.dataframe(table, hide_index=True, key="metrics_table", column_config=config)
    st.caption(
        "★ marks the best model (lowest MAE over all folds). Coverage is measured "
        "on folds the interval did not learn from: compare it with the nominal "
        "level in the header. — means too few folds to measure it."
    )
    if src and src.get("kind") == "bundled" and res["data_key"] == ui.source_key(src):
        show_published(src["name"])
    notes = [
        *(cmp.intervals.attrs.get("notes", []) if cmp.intervals is not None else []),
        *(cmp.coverage.attrs.get("notes", []) if cmp.coverage is not None else []),
    ]
    if notes:
        with st.expander("Notes on the intervals", icon=":material/info:"):
            for note in dict.fromkeys(notes):
                st.markdown(f"- {ui.escape_md(note)}")

    st.subheader("Forecast beyond the data")
    models = list(cmp.future["model"].unique())
    default = best[0] if best and best[0] in models else models[0]
    chosen = st.selectbox(
        "Model",
        models,
        index=models.index(default),
        key="future_model",
        help="Each model was refit on the whole series; pick whose forecast to "
        "show and download.",
    )
    frame = cmp.intervals if cmp.intervals is not None else cmp.future
    future = frame[frame["model"] == chosen]
    left, right = st.columns([2, 3])
    shown = ["timestamp", "forecast"] + [
        c for c in future.columns if c.startswith(("lower_", "upper_"))
    ]
    bounds = [c for c in shown if c.startswith(("lower_", "upper_"))]
    left.dataframe(
        ui.dash_missing(future[shown], dict.fromkeys(bounds, ",.6g")),
        hide_index=True,
        height=300,
        key="future_table",
        column_config={
            "timestamp": st.column_config.DatetimeColumn(
                "Time", format=ui.time_format(future["timestamp"])
            ),
            "forecast": st.column_config.NumberColumn("Forecast", format="localized"),
            **{
                f"{side}_{pct}": st.column_config.TextColumn(
                    f"{pct}% {'low' if side == 'lower' else 'high'}"
                )
                for level in cmp.levels
                for pct in [f"{100 * level:g}"]
                for side in ("lower", "upper")
            },
        },
    )
    with right:
        st.plotly_chart(
            plots.forecast_figure(
                y_res, (None, future), intervals=future, highlight=chosen
            ),
            key="future_chart",
        )

    d1, d2, d3 = st.columns(3)
    stem = ui.slug(res["label"])
    d1.download_button(
        "Report (HTML)",
        data=lambda: build_report(
            y_res, cmp, record=cmp.record, title=f"Forecast report: {res['label']}"
        ),
        file_name=f"report_{stem}.html",
        mime="text/html",
        icon=":material/summarize:",
        key="download_report",
        on_click="ignore",
        type="primary",
        help="One self-contained HTML file that works offline: summary, data, "
        "chart with intervals, metrics with coverage and significance, the record.",
    )
    d2.download_button(
        "Forecasts (CSV)",
        data=lambda: ui.safe_csv(ui.forecast_table(cmp)),
        file_name=f"forecasts_{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_csv",
        on_click="ignore",
        help="Backtest forecasts with actuals, and every model's future forecast.",
    )
    d3.download_button(
        "Chart (HTML)",
        data=lambda: fig.to_html(include_plotlyjs=True, full_html=True),
        file_name=f"forecast_chart_{stem}.html",
        mime="text/html",
        icon=":material/download:",
        key="download_html",
        on_click="ignore",
        help="The interactive chart above as a standalone HTML page.",
    )

    if cmp.histories:
        with st.expander("Loss curves of the final fits", icon=":material/show_chart:"):
            st.plotly_chart(plots.loss_figure(cmp.histories), key="loss_chart")

    show_record(res)
    show_bundles(cmp)


def show_record(res: dict) -> None:
    """The reproducibility record, and a re-run that checks the numbers match."""
    cmp = res["comparison"]
    st.subheader("Reproducibility")
    with st.expander("Reproducibility record", icon=":material/receipt_long:"):
        st.caption(
            "Data fingerprint (with the repairs made while loading), models, all "
            "parameters, seed, device, library versions and time of the run."
        )
        st.json(cmp.record, expanded=1)
        st.download_button(
            "Record (JSON)",
            data=record_to_json(cmp.record),
            file_name=f"record_{ui.slug(res['label'])}.json",
            mime="application/json",
            icon=":material/download:",
            key="download_record",
            on_click="ignore",
        )
    if st.button(
        "Re-run from the record",
        icon=":material/replay:",
        key="rerun",
        help="Train again with the same data and settings and check that every "
        "number comes out the same.",
    ):
        with st.spinner("Re-running with the recorded settings..."), ui.guard():
            again = rerun(res["y"], cmp.record)
        match, diffs = rerun_matches(cmp, again)
        res["rerun"] = {"match": match, "diffs": diffs, "seconds": again.seconds}
    check = res.get("rerun")
    if check is None:
        return
    if check["match"]:
        st.success(
            f"Re-run reproduced every metric and forecast ({check['seconds']:.1f} s).",
            icon=":material/check_circle:",
        )
    else:
        st.warning(
            f"Re-run gave different numbers in {len(check['diffs'])} place(s):",
            icon=":material/difference:",
        )
        st.dataframe(check["diffs"], hide_index=True, key="rerun_diffs")


def show_bundles(cmp) -> None:
    """Download a trained neural model as a bundle; upload one to forecast again."""
    st.subheader("Portable model")
    neural = [m for m in cmp.fitted if m in NEURAL_MODELS]
    st.caption(
        "A bundle holds a neural model's weights, its settings and the fingerprint "
        "of the data it was trained on. ARIMA and the naive baselines need no "
        "bundle: they refit from the data in seconds."
    )
    left, right = st.columns(2)
    with left:
        if neural:
            name = st.selectbox("Neural model", neural, key="bundle_model")
            left.download_button(
                "Model bundle (ZIP)",
                data=lambda: bundle_model(cmp.fitted[name], cmp.record),
                file_name=f"{ui.slug(name)}_model.zip",
                mime="application/zip",
                icon=":material/deployed_code:",
                key="download_bundle",
                on_click="ignore",
            )
        else:
            st.info(
                "Train a ConvLSTM or LSTM to download a model bundle.",
                icon=":material/info:",
            )
    upload = right.file_uploader(
        "Forecast with a saved bundle",
        type=["zip"],
        key="bundle_upload",
        help="A bundle downloaded here earlier: forecasts at once, no retraining.",
    )
    if upload is not None:
        show_uploaded_bundle(upload.getvalue(), upload.name)


def show_uploaded_bundle(data: bytes, file_name: str) -> None:
    """Forecast with an uploaded bundle and check it against the current data."""
    try:
        model, record = load_bundle(data)
        forecast = model.predict()
    except ConvLSTMError as exc:
        ui.show_error(exc)
        return
    same, message = bundle_data_check(model, record, y)
    fingerprint = (record or {}).get("data", {}).get("sha256") or getattr(
        model, "data_fingerprint_", "none"
    )
    st.markdown(
        f"**{ui.escape_md(file_name)}**: {ui.escape_md(model.display_name)} "
        f"· data fingerprint `{fingerprint[:16]}`"
    )
    if same:
        st.success(ui.escape_md(message), icon=":material/check_circle:")
    else:
        st.warning(ui.escape_md(message), icon=":material/warning:")
    table = forecast.rename("forecast").rename_axis("timestamp").reset_index()
    table.insert(0, "model", model.display_name)
    b1, b2 = st.columns([2, 3])
    b1.dataframe(
        table,
        hide_index=True,
        key="bundle_forecast",
        height=300,
        column_config={
            "timestamp": st.column_config.DatetimeColumn(
                "Time", format=ui.time_format(table["timestamp"])
            ),
            "forecast": st.column_config.NumberColumn("Forecast", format="localized"),
        },
    )
    with b2:
        st.plotly_chart(
            plots.forecast_figure(y, (None, table), show_backtest=False),
            key="bundle_chart",
        )


result = st.session_state.get(ui.RESULT)
if result:
    show_results(result)
elif not run_now:
    st.info(
        "Set the controls and press **Train and compare**; nothing trains before.",
        icon=":material/info:",
    )
