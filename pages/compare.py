"""Train & compare page: training form, live progress and the comparison results."""

import time
from datetime import datetime

import pandas as pd
import streamlit as st

import ui
from convlstm import MODEL_NAMES, ConvLSTMError, compare, plots

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
        min_value=16,
        max_value=512,
        value=d["hidden_size"],
        step=16,
        key="hidden_size",
        help="Channels (ConvLSTM) or units (LSTM) per layer: 16 to 512.",
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
            f" With {len(y):,} points expect minutes per fold; fewer folds or "
            "epochs are faster."
            if slow
            else ""
        )
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
            help="Stacked ConvLSTM / LSTM layers.",
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
    params = {
        k: values[k]
        for k in ui.PARAM_KEYS
        if k not in ("models", "horizon", "folds", "lookback")
    }
    params["lookback"] = values["lookback"] or None  # 0 means automatic
    params["device"] = "auto"  # GPU when present, else CPU

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


def show_results(res: dict) -> None:
    """Render the stored comparison: chart, metrics, future forecast, downloads."""
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

    fig = plots.forecast_figure(y_res, cmp)
    st.plotly_chart(fig, key="forecast_chart")

    summary = cmp.summary
    best = [m for m in summary.index if bool(summary.loc[m, "best"])]
    table = pd.DataFrame(
        {
            "Model": [("★ " if m in best else "") + str(m) for m in summary.index],
            "MAE": summary["mae"].to_numpy(),
            "RMSE": summary["rmse"].to_numpy(),
            "MASE": summary["mase"].to_numpy(),
            "Fit seconds": summary["fit_seconds"].to_numpy(),
        }
    )
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Backtest scores")
        st.dataframe(
            table,
            hide_index=True,
            key="metrics_table",
            column_config={
                "MAE": st.column_config.NumberColumn(
                    format="%.4g", help="Mean absolute error (lower is better)"
                ),
                "RMSE": st.column_config.NumberColumn(
                    format="%.4g", help="Root mean squared error"
                ),
                "MASE": st.column_config.NumberColumn(
                    format="%.3f",
                    help="MAE relative to the in-sample seasonal naive error; "
                    "below 1 beats it",
                ),
                "Fit seconds": st.column_config.NumberColumn(
                    format="%.2f", help="Mean seconds per fit"
                ),
            },
        )
        st.caption("★ marks the best model (lowest MAE over all folds).")
    with right:
        st.subheader("Forecast beyond the data")
        models = list(cmp.future["model"].unique())
        default = best[0] if best and best[0] in models else models[0]
        chosen = st.selectbox(
            "Model",
            models,
            index=models.index(default),
            key="future_model",
            help="Each model was refit on the whole series; pick whose forecast "
            "to show and download.",
        )
        future = cmp.future[cmp.future["model"] == chosen]
        st.dataframe(
            future[["timestamp", "forecast"]],
            hide_index=True,
            height=250,
            key="future_table",
            column_config={
                "timestamp": st.column_config.DatetimeColumn(
                    "Time", format=ui.time_format(future["timestamp"])
                ),
                "forecast": st.column_config.NumberColumn(
                    "Forecast", format="localized"
                ),
            },
        )

    st.plotly_chart(plots.forecast_figure(y_res, (None, future)), key="future_chart")

    d1, d2, d3 = st.columns(3)
    stem = ui.slug(res["label"])
    d1.download_button(
        "Forecasts (CSV)",
        data=lambda: ui.safe_csv(ui.forecast_table(cmp)),
        file_name=f"forecasts_{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_csv",
        on_click="ignore",
        help="Backtest forecasts with actuals, and every model's future forecast.",
    )
    d2.download_button(
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
    with st.expander("Settings of this run", icon=":material/receipt_long:"):
        st.json({**p, "device": res["device"]})


result = st.session_state.get(ui.RESULT)
if result:
    show_results(result)
elif not run_now:
    st.info(
        "Set the controls and press **Train and compare**; nothing trains before.",
        icon=":material/info:",
    )
