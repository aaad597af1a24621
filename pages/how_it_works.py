"""How it works: the ConvLSTM made visible on the current data (teaching page).

Thin: collects settings, calls ``convlstm.explain`` / ``convlstm.moving_blob`` and
renders what they return; results are kept per user in ``st.session_state``.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

import ui
from convlstm import ConvLSTMError, datasets, explain, moving_blob, plots

ui.ensure_navigation()

STORE = "hiw_store"  # this page's results: {"subject": (key, Subject), ...}
TABS = (
    "Series to frames",
    "The ConvLSTM cell",
    "Inside a trained model",
    "Kernel sizes & ablation",
    "Moving blob",
)
SETTING_KEYS = ("kernel_size", "hidden_size", "num_layers", "frontend", "residual")


def store() -> dict[str, Any]:
    return st.session_state.setdefault(STORE, {})


def remembered(name: str, key: tuple) -> Any:
    """The stored result ``name`` if it was made for ``key``, else None."""
    entry = store().get(name)
    return entry[1] if entry and entry[0] == key else None


def remember(name: str, key: tuple, value: Any) -> Any:
    store()[name] = (key, value)
    return value


def progress_reporter(bar: Any, what: str):
    """A per-epoch callback that moves ``bar`` at most 5 times a second."""
    shown = {"t": 0.0}

    def report(epoch: int, epochs: int, train_loss: float, val_loss=None) -> None:
        now = time.monotonic()
        if now - shown["t"] >= 0.2 or epoch == epochs:
            bar.progress(min(epoch / max(epochs, 1), 1.0), f"{what}: epoch {epoch}")
            shown["t"] = now

    return report


# ---------------------------------------------------------------- data and settings

st.title(":material/school: How it works")
st.markdown(
    "What the ConvLSTM forecaster does with your series, drawn from the **real** "
    "model: its frames, tensor shapes, gates and what it looks at. Nothing here is "
    "a sketch: every number comes from running the network."
)

src = ui.source()
if src:
    with ui.guard():
        y = ui.current_series()
    label = ui.source_label(src)
    data_key = ui.source_key(src)
else:
    names = datasets.names()
    name = st.selectbox(
        "Dataset",
        names,
        index=names.index(ui.DEFAULT_DATASET) if ui.DEFAULT_DATASET in names else 0,
        format_func=lambda n: ui.dataset_info(n).title,
        key="hiw_dataset",
        help="No data is chosen on the Data page yet, so pick a bundled dataset.",
    )
    src = ui.Source(kind="bundled", name=name)
    y = ui.load_bundled(name)
    label = ui.dataset_info(name).title
    data_key = ui.source_key(src)

defaults = ui.form_defaults(y, src)
horizon, default_folds = ui.default_horizon_folds(y, src)
long_series = len(y) > ui.LONG_SERIES
st.caption(
    f"Data: **{ui.escape_md(label)}** · {len(y):,} points · {y.index.freqstr} · "
    f"forecast horizon {horizon} steps"
)

with st.expander("Model settings (shared by every section)", icon=":material/tune:"):
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox(
        "Kernel size",
        ui.KERNEL_SIZES,
        index=ui.KERNEL_SIZES.index(defaults["kernel_size"]),
        key="hiw_kernel_size",
        help="Width and height of every convolution over a frame.",
    )
    c2.number_input(
        "Hidden size",
        min_value=4,
        max_value=128,
        value=min(int(defaults["hidden_size"]), 128),
        step=4,
        key="hiw_hidden_size",
        help="Channels of each ConvLSTM layer.",
    )
    c3.number_input(
        "Layers",
        min_value=1,
        max_value=4,
        value=min(int(defaults["num_layers"]), 4),
        key="hiw_num_layers",
        help="Stacked ConvLSTM layers.",
    )
    with c4:
        st.toggle("Front-end", value=True, key="hiw_frontend")
        st.toggle("Residual paths", value=True, key="hiw_residual")
    st.caption(
        "Starts from the settings of your last run on *Train & compare* (or the "
        "library's defaults)."
    )

settings = {k: st.session_state[f"hiw_{k}"] for k in SETTING_KEYS}
settings["hidden_size"] = int(settings["hidden_size"])
settings["num_layers"] = int(settings["num_layers"])
params = {
    "horizon": horizon,
    "lookback": int(defaults.get("lookback") or 0) or None,
    "activation": defaults["activation"],
    "learning_rate": float(defaults["learning_rate"]),
    "batch_size": int(defaults["batch_size"]),
    "seed": int(defaults["seed"]),
    **settings,
}
settings_key = (data_key, tuple(sorted((k, str(v)) for k, v in params.items())))

subject = remembered("fresh", settings_key)
if subject is None:
    with ui.guard():
        subject = remember(
            "fresh", settings_key, explain.subject_from_params(y, **params)
        )

tabs = st.tabs(TABS, key="hiw_tab", on_change="rerun")


# ---------------------------------------------------------------- 1 series to frames

with tabs[0]:
    if tabs[0].open:
        net = subject.net
        window = explain.make_window(subject)
        st.subheader("From a 1-D series to a film of 2-D frames")
        st.markdown(
            f"The model reads the last **{subject.lookback}** values (the *lookback "
            f"window*, blue) and forecasts the next **{horizon}** (red) in one go."
        )
        st.plotly_chart(explain.window_figure(y, window), key="hiw_window_chart")
        st.markdown(
            f"The window is normalised (minus the mean of its last season, divided by "
            f"its typical one-step change) and cut into **rows of {net.width} steps**"
            + (" - one season per row" if subject.width > 1 else "")
            + f". Stacked, the rows form an image of {net.rows} x {net.width}: along a "
            "row you move in time, down a column you see the *same phase* in "
            f"successive seasons. A frame is **{net.frame_rows} consecutive rows**; "
            f"sliding one row at a time gives **{net.n_frames} frames** that the "
            "ConvLSTM reads like a short film (hover to see each cell's date)."
        )
        st.plotly_chart(explain.frames_figure(window), key="hiw_frames_chart")

        st.subheader("The pipeline, measured on this window")
        table = explain.pipeline_table(subject, window)
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.graphviz_chart(explain.pipeline_dot(table), width="stretch")
        with right:
            st.markdown(
                "Shapes are read off a real forward pass of this window through a "
                "model built with your settings, with hooks on every part (**B** "
                "batch, **T** frames, **C** channels, **R** rows, **W** columns). "
                "Dashed arrows are the skip paths that bypass the ConvLSTM."
            )
            st.table(
                table.rename(
                    columns={
                        "stage": "Stage",
                        "shape": "Output shape",
                        "params": "Parameters",
                        "what": "What it does",
                    }
                ),
                hide_index=True,
            )


# ---------------------------------------------------------------- 2 the cell

with tabs[1]:
    if tabs[1].open:
        st.subheader("One ConvLSTM step (Shi et al., 2015)")
        eq, words = st.columns([1, 1], gap="large")
        with eq:
            st.latex(
                r"""
                \begin{aligned}
                i_t &= \sigma\left(W_{xi} * X_t + W_{hi} * H_{t-1}
                        + W_{ci} \circ C_{t-1} + b_i\right) \\
                f_t &= \sigma\left(W_{xf} * X_t + W_{hf} * H_{t-1}
                        + W_{cf} \circ C_{t-1} + b_f\right) \\
                \tilde{C}_t &= \tanh\left(W_{xc} * X_t + W_{hc} * H_{t-1}
                        + b_c\right) \\
                C_t &= f_t \circ C_{t-1} + i_t \circ \tilde{C}_t \\
                o_t &= \sigma\left(W_{xo} * X_t + W_{ho} * H_{t-1}
                        + W_{co} \circ C_t + b_o\right) \\
                H_t &= o_t \circ \tanh\left(C_t\right)
                \end{aligned}
                """
            )
            st.caption(
                "$*$ is a convolution, $\\circ$ the element-wise (Hadamard) product, "
                "$\\sigma$ the logistic sigmoid. $X_t$ is frame $t$; $H$ and $C$ "
                "are frames too, one per hidden channel. In the code all four "
                "convolutions are ONE convolution over the stacked $[X_t, H_{t-1}]$, "
                "split into four gates."
            )
        with words:
            st.markdown(
                "- **Input gate $i$**: how much of the new candidate to write into "
                "the memory, cell by cell.\n"
                "- **Forget gate $f$**: how much of the old memory $C_{t-1}$ to "
                "keep (1 = keep everything).\n"
                "- **Candidate $\\tilde{C}$**: what the current frame and the last "
                "hidden state suggest writing.\n"
                "- **Cell state $C$**: the memory; a frame of numbers carried from "
                "frame to frame.\n"
                "- **Output gate $o$**: how much of the memory to show as the hidden "
                "state $H$, which the next layer and the forecast head read.\n"
                "- **Peepholes $W_c \\circ C$**: let each gate look at the memory "
                "itself, one weight per cell.\n\n"
                "A plain LSTM has the same gates with matrix products; the ConvLSTM "
                "replaces them by convolutions, so every cell of the frame has its "
                "own memory and talks only to its neighbours."
            )

        k = settings["kernel_size"]
        st.subheader(f"What a {k}x{k} kernel sees")
        st.markdown(
            f"A {k}x{k} convolution lets a cell see its **{k}x{k} neighbourhood**: "
            f"{k} neighbouring steps along its row and the same phase in {k} "
            "neighbouring seasons. The red cells below are the points of the lookback "
            "window that can reach one cell (newest row, middle column) of each "
            "layer's last hidden state. They are found by autograd on this model: "
            "each further frame (through $H_{t-1}$) and each further layer widens "
            "the field. Kernel size 1 sees a single cell per step."
        )
        field = explain.receptive_field(subject)
        st.plotly_chart(
            explain.receptive_field_figure(field, explain.make_window(subject)),
            key="hiw_field_chart",
        )
        st.caption(
            "Change the kernel size or the layers under *Model settings* to see the "
            "field change. Each panel is the window's image: rows are seasons "
            "(oldest on top), columns the phase within the season."
        )


# ---------------------------------------------------------------- 3 trained model


def trained_subject() -> tuple[explain.Subject | None, str]:
    """This page's trained model for these settings, else the compare page's."""
    own = remembered("trained", settings_key)
    if own is not None:
        return own, "trained on this page"
    result = st.session_state.get(ui.RESULT)
    if result and result.get("data_key") == data_key:
        model = result["comparison"].fitted.get("ConvLSTM")
        if model is not None:
            with ui.guard():
                return (
                    explain.subject_from_model(model, result["y"]),
                    "from your last run on *Train & compare* (its own settings)",
                )
    return None, ""


with tabs[2]:
    if tabs[2].open:
        st.subheader("Look inside a trained model")
        with st.form("hiw_train_form", border=True):
            f1, f3, f2 = st.columns([1, 1, 2], vertical_alignment="bottom")
            epochs = f1.number_input(
                "Epochs",
                min_value=1,
                max_value=500,
                value=5 if long_series else 30,
                key="hiw_epochs",
                help="Few epochs train in seconds; raise them for a better model.",
            )
            learning_rate = f3.select_slider(
                "Learning rate",
                options=ui.LEARNING_RATES,
                value=params["learning_rate"],
                format_func=lambda v: f"{v:g}",
                key="hiw_learning_rate",
                help="Smaller steps learn slower but may move further from the "
                "linear starting point without overshooting.",
            )
            f2.caption(
                "Trains a ConvLSTM with the model settings above on the whole "
                "series (the last 20% of windows for validation)."
                + (
                    " A long series: each epoch takes a while on a CPU."
                    if long_series
                    else ""
                )
            )
            go_train = st.form_submit_button(
                "Train a model to look inside",
                type="primary",
                icon=":material/model_training:",
            )
        if go_train:
            bar = st.progress(0.0, "Training...")
            try:
                fitted = explain.train_subject(
                    y,
                    params={
                        **params,
                        "epochs": int(epochs),
                        "learning_rate": float(learning_rate),
                    },
                    callback=progress_reporter(bar, "Training"),
                )
            except ConvLSTMError as exc:
                ui.show_error(exc)
                st.stop()
            bar.empty()
            remember("trained", settings_key, fitted)

        trained, origin = trained_subject()
        if trained is None:
            st.info(
                "Train a model (a few seconds) or run *Train & compare* on this data "
                "first; then its loss curves, gates and saliency appear here.",
                icon=":material/info:",
            )
        else:
            kept = trained.best_epoch
            if kept == 0:
                kept_text = (
                    " No epoch beat the starting point on the validation windows, so "
                    "the weights kept are the start: the AR skip solved by ridge "
                    "regression and an untrained ConvLSTM path. Try a lower learning "
                    "rate."
                )
            elif kept:
                kept_text = f" Weights kept from epoch {kept} (best validation loss)."
            else:
                kept_text = ""
            ran = len(trained.history)
            planned = trained.params.get("epochs")
            if planned and ran < planned:
                kept_text += (
                    f" Training stopped after {ran} of {planned} epochs: the "
                    "validation loss had stopped improving."
                )
            st.caption(f"Model {origin}.{kept_text}")
            if trained.history:
                st.markdown("**Training and validation loss per epoch**")
                st.plotly_chart(
                    plots.loss_figure({"ConvLSTM": trained.history}),
                    key="hiw_loss_chart",
                )
            n = len(trained.y)
            ends = list(range(max(trained.lookback, n - 500), n + 1))
            end_labels = {
                e: f"{trained.y.index[e - 1]:%Y-%m-%d %H:%M}".removesuffix(" 00:00")
                for e in ends
            }
            end = st.select_slider(
                "Window ends at",
                options=ends,
                value=n,
                format_func=end_labels.get,
                key="hiw_window_end",
                help="Pick any window; the last one is the one behind the forecast.",
            )
            window = explain.make_window(trained, end=end)
            trace = explain.gate_trace(trained, window)

            st.markdown("#### Gates and states, frame by frame")
            g1, g2 = st.columns(2)
            layer = g1.selectbox(
                "Layer",
                list(range(len(trace.layers))),
                format_func=lambda i: f"layer {i + 1}",
                key="hiw_gate_layer",
            )
            channels = trace.layers[layer]["h"].shape[1]
            channel = g2.selectbox(
                "Channel",
                [None, *range(channels)],
                format_func=lambda c: "mean over channels" if c is None else f"{c + 1}",
                key="hiw_gate_channel",
            )
            st.plotly_chart(
                explain.gates_figure(trace, layer=layer, channel=channel),
                key="hiw_gates_chart",
            )
            st.caption(
                "Gates near 1 (yellow) let information through, near 0 (purple) "
                "block it. Computed by re-running the equations on the cell's own "
                "weights; they match the model's forward pass to "
                f"{max(trace.max_error, trace.forecast_error):.1e}."
            )

            st.markdown("#### Which past steps the forecast leans on")
            sal = explain.saliency(trained, window)
            st.plotly_chart(
                explain.saliency_figure(sal, value_name=str(y.name or "value")),
                key="hiw_saliency_chart",
            )
            top = sal["occlusion_share"].nlargest(3)
            st.caption(
                "Gradient x input: how much each step pushes the mean forecast "
                "(share of the total). Occlusion: how far the mean forecast moves "
                "when that step is replaced by the window's level. Most influential "
                "by occlusion: "
                + ", ".join(f"{ts:%Y-%m-%d} ({share:.0%})" for ts, share in top.items())
                + "."
            )

            st.markdown("#### Where the forecast comes from")
            parts = explain.forecast_parts(trained, window)
            st.plotly_chart(
                explain.forecast_parts_figure(parts, window), key="hiw_parts_chart"
            )
            shares = explain.path_shares(parts)
            if trained.net.anchor_period > 0:
                st.caption(
                    "The forecast is the window's level plus three paths: the "
                    "seasonal anchor, the linear AR skip and the ConvLSTM head. Of "
                    "the forecast's movement away from the level, the anchor makes "
                    f"{shares['anchor']:.0%}, the AR skip {shares['ar_skip']:.0%} "
                    f"and the ConvLSTM {shares['convlstm']:.0%} in this window."
                )
            else:
                st.caption(
                    "The forecast is the window's level (the mean of its last "
                    f"{trained.width} values) plus two paths: the linear AR skip and "
                    "the ConvLSTM head; a series without a season gets no anchor, "
                    "since the level is steadier than its last value. Of the "
                    "forecast's movement away from the level, the AR skip makes "
                    f"{shares['ar_skip']:.0%} and the ConvLSTM "
                    f"{shares['convlstm']:.0%} in this window."
                )


# ---------------------------------------------------------------- 4 ablation

with tabs[3]:
    if tabs[3].open:
        st.subheader("Kernel sizes 1, 3, 5 and the design claims, on the same folds")
        st.markdown(
            "The ConvLSTM with kernel sizes 1, 3 and 5; then, at your kernel size, "
            "without the convolutional front-end, without the residual paths, "
            "without both; and a plain LSTM. Every variant is scored by the same "
            "rolling-origin backtest."
        )
        with st.form("hiw_ablation_form", border=True):
            a1, a2, a3 = st.columns(3)
            ab_epochs = a1.number_input(
                "Epochs",
                min_value=1,
                max_value=500,
                value=3 if long_series else 15,
                key="hiw_ablation_epochs",
            )
            ab_folds = a2.number_input(
                "Backtest folds",
                min_value=1,
                max_value=max(1, default_folds),
                value=1,
                key="hiw_ablation_folds",
                help=f"Up to {default_folds} for this dataset.",
            )
            with a3:
                with_lstm = st.checkbox("Plain LSTM too", value=True, key="hiw_lstm")
            go_ablation = st.form_submit_button(
                "Run the comparison", type="primary", icon=":material/science:"
            )
        ablation_key = (settings_key, int(ab_epochs), int(ab_folds), bool(with_lstm))
        if go_ablation:
            bar = st.progress(0.0, "Starting...")

            def report(event: Any) -> None:
                step = f" · epoch {event.epoch}/{event.epochs}" if event.epoch else ""
                bar.progress(event.fraction, f"{event.model}, {event.stage}{step}")

            try:
                result = explain.ablation(
                    y,
                    horizon=horizon,
                    folds=int(ab_folds),
                    params={**params, "epochs": int(ab_epochs)},
                    include_lstm=bool(with_lstm),
                    progress=report,
                )
            except ConvLSTMError as exc:
                ui.show_error(exc)
                st.stop()
            bar.empty()
            remember("ablation", ablation_key, result)
        entry = store().get("ablation")
        if entry is None:
            st.info(
                "Press **Run the comparison**. With the small defaults it takes "
                "seconds to a minute; raise epochs and folds for firmer numbers.",
                icon=":material/info:",
            )
        else:
            result = entry[1]
            if entry[0] != ablation_key:
                st.caption("Shown: the last run, made with other settings.")
            for sentence in result.findings:
                st.markdown(f"- {sentence}")
            st.plotly_chart(explain.ablation_figure(result), key="hiw_ablation_chart")
            table = result.summary.reset_index()
            st.dataframe(
                table,
                hide_index=True,
                key="hiw_ablation_table",
                column_config={
                    "variant": "Variant",
                    "kernel_size": st.column_config.NumberColumn("Kernel", format="%d"),
                    "frontend": st.column_config.CheckboxColumn("Front-end"),
                    "residual": st.column_config.CheckboxColumn("Residual"),
                    "mae": st.column_config.NumberColumn("MAE", format="%.4g"),
                    "rmse": st.column_config.NumberColumn("RMSE", format="%.4g"),
                    "fit_seconds": st.column_config.NumberColumn(
                        "Fit seconds", format="%.1f"
                    ),
                    "vs_full": st.column_config.NumberColumn(
                        "MAE vs full", format="percent"
                    ),
                },
            )
            st.caption(
                "Few epochs, one seed and few folds: differences of a few percent "
                "can be noise. Raise epochs and folds before drawing conclusions."
            )


# ---------------------------------------------------------------- 5 moving blob

with tabs[4]:
    if tabs[4].open:
        st.subheader("The original use case, in small: predicting the next frame")
        st.markdown(
            "ConvLSTM was invented for precipitation nowcasting: given radar frames, "
            "predict the next ones. Here a Gaussian blob moves at a constant speed and "
            "bounces off the walls of a 16x16 frame. A tiny ConvLSTM (one "
            "`ConvLSTMCell` + a 1x1 convolution) learns the motion from fresh "
            "random videos in seconds."
        )
        with st.form("hiw_blob_form", border=True):
            b1, b2, b3 = st.columns(3)
            steps = b1.number_input(
                "Training steps",
                min_value=10,
                max_value=2000,
                value=150,
                step=10,
                key="hiw_blob_steps",
            )
            blob_k = b2.selectbox(
                "Kernel size",
                (1, 3, 5),
                index=1,
                key="hiw_blob_kernel",
                help="Kernel 1 cannot see a neighbouring pixel, so it cannot follow "
                "the motion: try it.",
            )
            blob_hidden = b3.number_input(
                "Hidden channels",
                min_value=2,
                max_value=32,
                value=8,
                key="hiw_blob_hidden",
            )
            go_blob = st.form_submit_button(
                "Train the blob model", type="primary", icon=":material/animation:"
            )
        if go_blob:
            bar = st.progress(0.0, "Training...")
            shown = {"t": 0.0}

            def blob_report(step: int, total: int, loss: float) -> None:
                now = time.monotonic()
                if now - shown["t"] >= 0.2 or step == total:
                    bar.progress(step / total, f"step {step}/{total} · loss {loss:.4f}")
                    shown["t"] = now

            try:
                demo = moving_blob.run_blob_demo(
                    steps=int(steps),
                    kernel_size=int(blob_k),
                    hidden_size=int(blob_hidden),
                    callback=blob_report,
                )
            except ConvLSTMError as exc:
                ui.show_error(exc)
                st.stop()
            bar.empty()
            remember("blob", (int(steps), int(blob_k), int(blob_hidden)), demo)
        entry = store().get("blob")
        if entry is None:
            st.info("Press **Train the blob model**.", icon=":material/info:")
        else:
            demo = entry[1]
            st.plotly_chart(moving_blob.blob_animation(demo), key="hiw_blob_chart")
            m1, m2, m3 = st.columns(3)
            m1.metric(
                "Next-frame error (MSE)",
                f"{demo.mse_one_step:.4f}",
                delta=f"{demo.mse_one_step - demo.mse_copy:+.4f} vs copying",
                delta_color="inverse",
                help="Predicting each frame from the true frames before it, "
                "against simply repeating the current frame.",
            )
            m2.metric(
                "On its own (MSE)",
                f"{demo.mse_rollout:.4f}",
                delta=f"{demo.mse_rollout - demo.mse_rollout_copy:+.4f} vs freezing",
                delta_color="inverse",
                help=f"After frame {demo.context} the net is fed its own "
                "predictions, against freezing the last true frame.",
            )
            m3.metric(
                "Trained in", f"{demo.seconds:.1f} s", help=f"{demo.params:,} weights"
            )
            st.plotly_chart(moving_blob.loss_figure(demo), key="hiw_blob_loss")
            st.caption(
                "Running on its own, errors compound and the blob blurs: the same "
                "reason multi-step forecasts get harder the further they reach."
            )
