"""Sections of the How it works page: its result cache, progress and renderers.

Each ``*_section`` draws one tab from what ``convlstm.explain`` and
``convlstm.moving_blob`` compute; the page only collects the shared inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

import ui
from convlstm import ConvLSTMError, ConvLSTMForecaster, explain, moving_blob, plots
from convlstm.data import freq_of, season_length
from convlstm.data.cells import plural
from convlstm.models.rules import neural_min_length
from convlstm.plots import demo as demo_plots
from convlstm.plots import explain as explain_plots
from convlstm.pretrained import FAMILY_OF_SEASON, family_words, load_card

from .progress import ProgressBar, epoch_callback, event_text
from .text import score_format, time_label

STORE = "hiw_store"  # this page's results: {"fresh": (key, Subject), ...}
SETTING_KEYS = ("kernel_size", "hidden_size", "num_layers", "frontend", "residual")


# ---------------------------------------------------------------- result cache


def _store() -> dict[str, Any]:
    return st.session_state.setdefault(STORE, {})


def remembered(name: str, key: tuple) -> Any:
    """The stored result ``name`` if it was made for ``key``, else None."""
    entry = _store().get(name)
    return entry[1] if entry and entry[0] == key else None


def remember(name: str, key: tuple, value: Any) -> Any:
    """Keep ``value`` as this user's result ``name``, made for ``key``."""
    _store()[name] = (key, value)
    return value


def last(name: str) -> tuple[tuple, Any] | None:
    """The stored ``(key, result)`` of ``name`` whatever it was made for."""
    return _store().get(name)


# ---------------------------------------------------------------- progress


class Progress(ProgressBar):
    """The page's throttled progress bar, with adapters for each kind of callback."""

    def __call__(self, fraction: float, text: str) -> None:
        self.update(fraction, text, force=fraction >= 1.0)

    def epochs(self, what: str) -> Callable[..., None]:
        """A ``callback(epoch, epochs, train_loss, val_loss)`` of a fit."""
        return epoch_callback(self, what)

    def events(self) -> Callable[[Any], None]:
        """A ``progress(ProgressEvent)`` callback of a backtest."""
        return lambda event: self(event.fraction, event_text(event))

    def steps(self) -> Callable[[int, int, float], None]:
        """A ``callback(step, steps, loss)`` of the blob demo."""
        return lambda step, total, loss: self(
            step / total, f"step {step}/{total} · loss {loss:.4f}"
        )

    def close(self) -> None:
        self.empty()


INSIDE_RUN = "the training to look inside"
ABLATION_RUN = "the kernel and design comparison"
BLOB_RUN = "the moving-blob training"
IMAGES_RUN = "the digits classifier's training"

#: The in-page run under way (its ``what``): a click elsewhere on the page
#: (another tab, another page) ends the script and with it the run, which then
#: never clears this, so the section can say what happened when shown again.
RUNNING = "hiw_running"


def run(job: Callable[[Progress], Any], text: str, what: str) -> Any:
    """Run ``job(progress)`` under a progress bar; a library error stops the page.

    ``what`` names the run ("the kernel comparison") for :func:`say_interrupted`.
    """
    st.session_state[RUNNING] = what
    progress = Progress(text)
    try:
        result = job(progress)
    except ConvLSTMError as exc:
        st.session_state.pop(RUNNING, None)
        ui.show_error(exc)
        st.stop()
    except Exception:
        st.session_state.pop(RUNNING, None)  # a failure, not a click elsewhere
        raise
    st.session_state.pop(RUNNING, None)
    progress.close()
    return result


def say_interrupted(what: str) -> None:
    """Say so when the last run of ``what`` was cut off by leaving the section
    (it runs in the page, unlike Train & compare's background jobs)."""
    if st.session_state.get(RUNNING) == what:
        st.session_state.pop(RUNNING, None)
        st.warning(
            f"{what[0].upper()}{what[1:]} stopped when you left this section before "
            "it ended: it runs in the page, so it was lost. Run it again and stay "
            "here until it ends.",
            icon=":material/warning:",
        )


# ---------------------------------------------------------------- settings


#: Where the page keeps its model settings across pages (Streamlit forgets the
#: state of widgets a page did not draw): the values, and the defaults they
#: were chosen against.
KEPT_SETTINGS = "hiw_kept_settings"


def model_settings(defaults: dict[str, Any]) -> dict[str, Any]:
    """The shared model settings (an expander); returns their values.

    They start from ``defaults`` (the last run's settings); what the user sets
    here is kept across pages until a new run changes those defaults."""
    start = {
        "kernel_size": defaults["kernel_size"],
        "hidden_size": min(int(defaults["hidden_size"]), 128),
        "num_layers": min(int(defaults["num_layers"]), 4),
        "frontend": True,
        "residual": True,
    }
    kept = st.session_state.get(KEPT_SETTINGS) or {}
    restored = kept.get("values") if kept.get("start") == start else None
    for name in SETTING_KEYS:
        key = f"hiw_{name}"
        if key not in st.session_state:
            st.session_state[key] = (restored or start)[name]
    with st.expander(
        "Model settings (shared by every section)", icon=":material/tune:"
    ):
        c1, c2, c3, c4 = st.columns(4)
        c1.selectbox(
            "Kernel size",
            ui.KERNEL_SIZES,
            key="hiw_kernel_size",
            help="Width and height of every convolution over a frame.",
        )
        c2.number_input(
            "Hidden size",
            min_value=4,
            max_value=128,
            step=4,
            key="hiw_hidden_size",
            help="Channels of each ConvLSTM layer: 4 to 128 here, so that this "
            "page stays quick (a larger size from Train & compare starts at 128).",
        )
        c3.number_input(
            "Layers",
            min_value=1,
            max_value=4,
            key="hiw_num_layers",
            help="Stacked ConvLSTM layers.",
        )
        with c4:
            st.toggle("Front-end", key="hiw_frontend")
            st.toggle("Residual paths", key="hiw_residual")
        st.caption(
            "Starts from the settings of your last run on *Train & compare* (or the "
            "library's defaults); what you set here stays until a new run there."
        )
    settings = {k: st.session_state[f"hiw_{k}"] for k in SETTING_KEYS}
    st.session_state[KEPT_SETTINGS] = {"start": start, "values": dict(settings)}
    settings["hidden_size"] = int(settings["hidden_size"])
    settings["num_layers"] = int(settings["num_layers"])
    return settings


def too_short_to_teach(y: Any) -> int | None:
    """The points this page needs when ``y`` is too short for it (it trains the
    network from scratch on the series, at its default horizon), else None."""
    horizon, _ = ui.default_horizon_folds(y, None)
    need = neural_min_length(season_length(y.index), horizon)
    return need if len(y) < need else None


def teaching_horizon(y: Any, submitted: Any, default: int) -> int:
    """The horizon this page teaches with: the one last submitted on Train &
    compare for this data when the series is long enough to train on it, else
    the data's default."""
    try:
        chosen = int(submitted)
    except (TypeError, ValueError):
        return default
    if chosen == default or chosen < 1:
        return default
    need = neural_min_length(season_length(y.index), chosen)
    return chosen if len(y) >= need else default


def fresh_subject(y: Any, params: dict[str, Any], key: tuple) -> explain.Subject:
    """The untrained net for these settings (built once per settings)."""
    subject = remembered("fresh", key)
    if subject is None:
        with ui.guard():
            subject = remember("fresh", key, explain.subject_from_params(y, **params))
    return subject


def trained_subject(key: tuple, data_key: str) -> tuple[explain.Subject | None, str]:
    """This page's trained model for these settings, else the compare page's, and
    words on where it came from."""
    own = remembered("trained", key)
    if own is not None:
        both = _both_words(own)
        return own, f"trained on this page ({both})" if both else "trained on this page"
    result = st.session_state.get(ui.RESULT)
    if result and result.get("data_key") == data_key:
        model = result["comparison"].fitted.get("ConvLSTM")
        if model is not None:
            with ui.guard():
                subject = explain.subject_from_model(model, result["y"])
            both = _both_words(subject)
            return subject, (
                "from your last run on *Train & compare* (its own settings"
                + (f"; {both})" if both else ")")
            )
    return None, ""


def _both_words(subject: explain.Subject) -> str:
    """What is shown of a model that forecast with both starts (their mean, or
    weighed by their check errors), else ""."""
    model = subject.model
    if getattr(model, "start_", None) != "both":
        return ""
    share = model.blend()
    if abs(share - 0.5) < 1e-9:
        return (
            "the network trained from scratch: its forecast was the mean of this "
            "one's and the pretrained network's"
        )
    return (
        "the network trained from scratch: its forecast weighed this one's "
        f"{share:.0%} and the pretrained network's {1 - share:.0%}, by the "
        "inverse square of their check errors"
    )


def frames_section(subject: explain.Subject, y: Any, horizon: int) -> None:
    """Tab 1: from the series to frames, and the pipeline measured on a window."""
    window = explain.make_window(subject)
    st.subheader("From a 1-D series to a film of 2-D frames")
    st.markdown(
        f"The model reads the last **{subject.lookback}** values (the *lookback "
        f"window*, blue) and forecasts the next **{horizon}** (red) in one go."
    )
    st.plotly_chart(explain_plots.window_figure(y, window), key="hiw_window_chart")
    st.markdown(explain.frames_text(subject))
    st.plotly_chart(explain_plots.frames_figure(window), key="hiw_frames_chart")

    st.subheader("The pipeline, measured on this window")
    table = explain.pipeline_table(subject, window)
    # at its own size across the page: squeezed into a column, its labels
    # shrank below what a projector shows
    st.graphviz_chart(explain_plots.pipeline_dot(table), width="content")
    st.markdown(
        "Shapes are read off a real forward pass of this window through a "
        "model built with your settings, which returns every part's output (**B** "
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


def cell_section(subject: explain.Subject, kernel_size: int) -> None:
    """Tab 2: the cell's equations and what a kernel of this size sees."""
    st.subheader("One ConvLSTM step (Shi et al., 2015)")
    eq, words = st.columns([1, 1], gap="large")
    with eq:
        st.latex(
            r"""
            \begin{aligned}
            i_t &= \sigma\big(W_{xi} * X_t + W_{hi} * H_{t-1} \\
                &\qquad + W_{ci} \circ C_{t-1} + b_i\big) \\
            f_t &= \sigma\big(W_{xf} * X_t + W_{hf} * H_{t-1} \\
                &\qquad + W_{cf} \circ C_{t-1} + b_f\big) \\
            \tilde{C}_t &= \tanh\big(W_{xc} * X_t + W_{hc} * H_{t-1}
                    + b_c\big) \\
            C_t &= f_t \circ C_{t-1} + i_t \circ \tilde{C}_t \\
            o_t &= \sigma\big(W_{xo} * X_t + W_{ho} * H_{t-1} \\
                &\qquad + W_{co} \circ C_t + b_o\big) \\
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

    k = kernel_size
    st.subheader(f"What a {k}x{k} kernel sees")
    net = subject.net
    pool, rows = int(net.pooling), int(net.frame_rows)
    cells = max(int(net.width) // max(pool, 1), 1)  # a row's cells after pooling
    if k > cells:
        along = (
            f"its whole row of {cells} cells (the row's {int(net.width)} steps: "
            "the kernel is wider than the row, the rest is zero padding)"
        )
    elif pool > 1:
        along = (
            f"{k} neighbouring cells along its row (each cell holds {pool} steps "
            f"after the front-end's pooling, so {k * pool} of the row's "
            f"{int(net.width)} steps)"
        )
    else:
        along = f"{k} neighbouring steps along its row of {cells}"
    across = (
        f"the same phase in {k} neighbouring seasons"
        if rows >= k
        else f"the same phase in the {rows} season(s) a frame holds"
    )
    st.markdown(
        f"A {k}x{k} convolution lets a cell see its **{k}x{k} neighbourhood**: "
        f"{along} and {across}. The red cells below are the points of the lookback "
        "window that can reach one cell (newest row, middle column) of each "
        "layer's last hidden state. They are found by autograd on this model: "
        "each further frame (through $H_{t-1}$) and each further layer widens "
        "the field. Kernel size 1 sees a single cell per step."
    )
    field = explain.receptive_field(subject)
    st.plotly_chart(
        explain_plots.receptive_field_figure(field, explain.make_window(subject)),
        key="hiw_field_chart",
    )
    st.caption(
        "Change the kernel size or the layers under *Model settings* to see the "
        "field change. Each panel is the window's image: rows are seasons "
        "(oldest on top), columns the phase within the season."
    )


WEIGHT_WORDS = {
    "kept": "the weights the forecaster keeps",
    "last": "the last epoch's weights",
}


def inside_section(
    y: Any, params: dict[str, Any], key: tuple, data_key: str, long_series: bool
) -> None:
    """Tab 3: train a model (or take the compare page's) and look inside it."""
    st.subheader("Look inside a trained model")
    say_interrupted(INSIDE_RUN)
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
        weights = st.radio(
            "Look at",
            explain.SUBJECT_WEIGHTS,
            format_func=WEIGHT_WORDS.get,
            horizontal=True,
            key="hiw_weights",
            help="The forecaster keeps the epoch with the best validation loss, "
            "or its start (the linear part, the ConvLSTM path untrained) when no "
            "epoch beats it. The last epoch shows a network trained from scratch "
            "that did learn, even where the forecaster would not keep it.",
        )
        go_train = st.form_submit_button(
            "Train a model to look inside",
            type="primary",
            icon=":material/model_training:",
        )
    if go_train:
        settings = {
            **params,
            "epochs": int(epochs),
            "learning_rate": float(learning_rate),
        }
        fitted = run(
            lambda bar: explain.train_subject(
                y, params=settings, callback=bar.epochs("Training"), weights=weights
            ),
            "Training...",
            INSIDE_RUN,
        )
        remember("trained", key, fitted)

    trained, origin = trained_subject(key, data_key)
    if trained is None:
        st.info(
            "Train a model (a few seconds) or run *Train & compare* on this data "
            "first; then its loss curves, gates and saliency appear here.",
            icon=":material/info:",
        )
    else:
        st.caption(f"Model {origin}.{explain.training_text(trained)}")
        if trained.history:
            st.markdown("**Training and validation loss per epoch**")
            st.plotly_chart(
                plots.loss_figure({"ConvLSTM": trained.history}),
                key="hiw_loss_chart",
            )
        n = len(trained.y)
        ends = list(range(max(trained.lookback, n - 500), n + 1))
        freq = freq_of(trained.y.index)
        end_labels = {e: time_label(trained.y.index[e - 1], freq) for e in ends}
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
            explain_plots.gates_figure(trace, layer=layer, channel=channel),
            key="hiw_gates_chart",
        )
        st.caption(explain.gates_text(trace))

        st.markdown("#### Which past steps the forecast leans on")
        sal = explain.saliency(trained, window)
        st.plotly_chart(
            explain_plots.saliency_figure(sal, value_name=str(y.name or "value")),
            key="hiw_saliency_chart",
        )
        st.caption(explain.saliency_text(sal))

        st.markdown("#### Where the forecast comes from")
        parts = explain.forecast_parts(trained, window)
        st.plotly_chart(
            explain_plots.forecast_parts_figure(parts, window, y.attrs.get("closed")),
            key="hiw_parts_chart",
        )
        st.caption(explain.parts_text(trained, explain.path_shares(parts)))


def ablation_section(
    y: Any,
    horizon: int,
    params: dict[str, Any],
    key: tuple,
    default_folds: int,
    long_series: bool,
) -> None:
    """Tab 4: kernel sizes and the design claims, scored on the same folds."""
    st.subheader("Kernel sizes 1, 3, 5 and the design claims, on the same folds")
    say_interrupted(ABLATION_RUN)
    st.markdown(
        "The ConvLSTM with kernel sizes 1, 3 and 5; then, at your kernel size, "
        "without the convolutional front-end, without the residual paths, "
        "without both; and a plain LSTM. Every variant trains from scratch (a "
        "pretrained network keeps the shape it was trained with) and is scored by "
        "the same rolling-origin backtest."
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
    ablation_key = (key, int(ab_epochs), int(ab_folds), bool(with_lstm))
    if go_ablation:
        result = run(
            lambda bar: explain.ablation(
                y,
                horizon=horizon,
                folds=int(ab_folds),
                params={**params, "epochs": int(ab_epochs)},
                include_lstm=bool(with_lstm),
                progress=bar.events(),
            ),
            "Starting...",
            ABLATION_RUN,
        )
        remember("ablation", ablation_key, result)
    entry = last("ablation")
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
        st.plotly_chart(explain_plots.ablation_figure(result), key="hiw_ablation_chart")
        table = result.summary.reset_index()
        # the plain LSTM has no kernel: a blank, not "None" (which a number
        # column shows for a missing value)
        table["kernel_size"] = [
            "" if pd.isna(k) else str(int(k))
            for k in pd.to_numeric(table["kernel_size"], errors="coerce")
        ]
        st.dataframe(
            table,
            hide_index=True,
            key="hiw_ablation_table",
            column_config={
                "variant": "Variant",
                "kernel_size": st.column_config.TextColumn("Kernel"),
                "frontend": st.column_config.CheckboxColumn("Front-end"),
                "residual": st.column_config.CheckboxColumn("Residual"),
                "mae": st.column_config.NumberColumn(
                    "MAE", format=score_format(table["mae"])
                ),
                "rmse": st.column_config.NumberColumn(
                    "RMSE", format=score_format(table["rmse"])
                ),
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


def blob_section() -> None:
    """Tab 5: the moving-blob demo, ConvLSTM's original use case in small."""
    st.subheader("The original use case, in small: predicting the next frame")
    say_interrupted(BLOB_RUN)
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
        demo = run(
            lambda bar: moving_blob.run_blob_demo(
                steps=int(steps),
                kernel_size=int(blob_k),
                hidden_size=int(blob_hidden),
                callback=bar.steps(),
            ),
            "Training...",
            BLOB_RUN,
        )
        remember("blob", (int(steps), int(blob_k), int(blob_hidden)), demo)
    entry = last("blob")
    if entry is None:
        st.info("Press **Train the blob model**.", icon=":material/info:")
    else:
        demo = entry[1]
        st.plotly_chart(demo_plots.blob_animation(demo), key="hiw_blob_chart")
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
        st.plotly_chart(demo_plots.blob_loss_figure(demo), key="hiw_blob_loss")
        st.caption(
            "Running on its own, errors compound and the blob blurs: the same "
            "reason multi-step forecasts get harder the further they reach."
        )


# ---------------------------------------------------------------- pretrained network


# the card tables' counts with thousands separators, and short headers where the
# long ones pushed the last column out of sight at 1280 px (the words in the help)
CARD_COLUMNS = {
    "Weights": st.column_config.NumberColumn(
        "Weights", help="Trained numbers in the network", format="localized"
    ),
    "Series learned from": st.column_config.NumberColumn(
        "Series", help="Series learned from", format="localized"
    ),
    "Points": st.column_config.NumberColumn(
        "Points", help="Values in those series", format="localized"
    ),
    "Training (s)": st.column_config.NumberColumn(
        "Training (s)",
        help="Seconds of training on the machine that built it",
        format="localized",
    ),
    "Built (code)": st.column_config.TextColumn(
        "Built", help="The day it was built and the code version (commit)"
    ),
    "Left out (copies of held-out data)": st.column_config.NumberColumn(
        "Left out",
        help="Competition training parts left out because they hold a copy of a "
        "held-out series (a test part, Tourism, a bundled dataset or a packaged "
        "one), at any scale",
        format="localized",
    ),
}


def card_table(card: dict[str, Any]) -> Any:
    """One row per pretrained family: what it forecasts and what it learned from."""
    import pandas as pd

    rows = []
    for family, c in card["families"].items():
        sizes = c.get("corpus", {}).get("sizes", {})
        synthetic = sum(v for k, v in sizes.items() if k.startswith("synthetic"))
        training = c.get("training", {})
        rows.append(
            {
                "Network": family_words(family),
                "For a season of": plural(int(c.get("season") or 1), "step"),
                "Forecasts (steps)": c.get("horizon"),
                "Looks back (steps)": c.get("lookback"),
                "Nets averaged": int(c.get("members") or 1),
                "Weights": c.get("parameters"),
                "Series learned from": c.get("corpus", {}).get("series"),
                "M1 / M3 / synthetic": f"{sizes.get('M1', 0):,} / "
                f"{sizes.get('M3', 0):,} / {synthetic:,}",
                "Points": c.get("corpus", {}).get("points"),
                "Training (s)": training.get("train_seconds"),
                "Built (code)": _built_words(c.get("built") or {}),
                # training parts left out as copies of held-out series (the
                # sum of "left_out" here summed the fit's refusal messages)
                "Left out (copies of held-out data)": len(
                    c.get("corpus", {}).get("dropped") or []
                ),
            }
        )
    return pd.DataFrame(rows)


def _built_words(built: dict[str, Any]) -> str:
    """When a network was built and from which code, e.g. "2026-12-02 (1a4d092)"."""
    day = str(built.get("created") or "").split(" ")[0]
    code = built.get("code")
    return f"{day} ({code})" if day and code else day or "—"


def pretrained_forecasts(
    y: Any, horizon: int, seed: int
) -> tuple[dict[str, Any], ConvLSTMForecaster]:
    """The pretrained network's forecasts of ``y``'s last ``horizon`` steps, from
    the points before them: zero-shot, and fine-tuned on those points; and the
    fine-tuned model (its loss history)."""
    train = y.iloc[:-horizon]
    models = {
        label: ConvLSTMForecaster(
            init="pretrained", fine_tune=fine_tune, horizon=horizon, seed=seed
        ).fit(train)
        for label, fine_tune in (("zero-shot", False), ("fine-tuned", True))
    }
    return {label: m.predict() for label, m in models.items()}, models["fine-tuned"]


def pretrained_section(y: Any, horizon: int, seed: int, data_key: str) -> None:
    """Tab 6, the pretrained network: its model card in plain words and, for a season
    it knows, its zero-shot and fine-tuned forecasts of the series' last window."""
    st.subheader("Starting from a network trained on thousands of series")
    try:
        card = load_card()
    except ConvLSTMError as exc:
        ui.show_error(exc)
        return
    st.markdown(
        "Besides training on your series alone, the ConvLSTM can start from a "
        "network **pretrained** on thousands of other series, one network per kind "
        "of series (yearly, monthly, hourly and so on).\n\n"
        "- **What they learned from.** Yearly, quarterly and monthly: the training "
        "parts of the M1 and M3 forecasting competitions, and synthetic series "
        "(seasonal patterns, trends, random walks, level shifts, intermittent "
        "counts). Daily, hourly, weekly and half-hourly: synthetic series alone "
        "(the competitions hold none).\n"
        "- **What they never saw**, left out on purpose so that the benchmarks "
        "can tell whether the network transfers: the test parts of M1 and M3, the "
        "whole Tourism competition, every dataset bundled with this app, the "
        "series shipped in "
        "statsmodels, pmdarima and R packages, and every competition series that "
        "holds a copy of one of those, at any scale.\n"
        "- **Three nets, one forecast.** The yearly, quarterly and monthly networks "
        "are each three nets trained apart (each from its own seed) whose "
        "forecasts are averaged: the average errs less than a net alone.\n"
        "- **Your season first.** A quarterly or monthly series is read with its "
        "season divided out (estimated over the whole series, as the Theta method "
        "does), and the season is put back into the forecast: the network's "
        "window holds only a few years.\n"
        "- **How good it is.** Zero-shot, it beats AutoETS on Tourism (mean MASE "
        "1.93 against 2.05). On the M3 test parts it is level with the "
        "competition's winner, Theta (sMAPE 13.02 zero-shot and 12.99 fine-tuned "
        "against 13.01, averaged over every forecast point as the published score "
        "is; the earlier parts of those series were in its training data, so "
        "Tourism is the fairer test). On the bundled datasets, training from "
        "scratch is usually more accurate (README, bench/RESULTS.md).\n"
        "- **So by default the ConvLSTM tries both.** Each start is fitted on the "
        "series without its last three horizons and forecasts them, and the one "
        "that did better is kept; on monthly series (a 12-step season) the "
        "forecast is the mean of both when both passed that check, on quarterly "
        "ones (4 steps) both weighted by the inverse square of their check "
        "errors. A series too "
        "short to train from scratch starts from the pretrained network. The "
        "results say which start was kept, with both errors."
    )
    # two tables of a few columns each: one of eleven needs a sideways scroll
    # at 1280 px
    table = card_table(card)
    uses = ["Network", "For a season of", "Forecasts (steps)", "Looks back (steps)"]
    shape = [*uses, "Nets averaged", "Weights"]
    st.dataframe(
        table[shape], hide_index=True, key="hiw_card", column_config=CARD_COLUMNS
    )
    learned = [c for c in table.columns if c not in shape[1:]]
    st.dataframe(
        table[learned],
        hide_index=True,
        key="hiw_card_corpus",
        column_config=CARD_COLUMNS,
    )
    st.caption(
        "Each network was built by `python -m convlstm.pretrain.build` (`make "
        f"pretrain` rebuilds them all) with seed {card.get('seed')} and torch "
        f"{card.get('torch')}, on the day and from the code version in its Built "
        "column; the weights ship with the app and are checked against their "
        "SHA-256 before use. Training (s): seconds on the machine that built them."
    )
    season = season_length(y.index)
    if season not in FAMILY_OF_SEASON:
        st.info(
            f"This series' season is {season} steps: no network was pretrained for "
            f"it (only for {', '.join(str(s) for s in sorted(FAMILY_OF_SEASON))} "
            "steps), so the ConvLSTM trains from scratch "
            "on it whatever start you choose (a series too short for that is "
            "forecast by the non-seasonal network).",
            icon=":material/info:",
        )
        return
    if len(y) <= 2 * horizon:
        return
    key = (data_key, horizon, seed)
    result = remembered("pretrained", key)
    if result is None:
        with st.spinner("Forecasting with the pretrained network..."):
            try:
                result = pretrained_forecasts(y, horizon, seed)
            except ConvLSTMError as exc:
                ui.show_error(exc)
                return
        remember("pretrained", key, result)
    forecasts, tuned_model = result
    family = FAMILY_OF_SEASON[season]
    st.markdown(
        f"The **{family_words(family)}** network forecasts the last {horizon} "
        "steps of this series from the points before them: as shipped (zero-shot), "
        "and after a short training on those points (fine-tuned)."
    )
    chart, curve = st.columns([3, 2], gap="medium")
    with chart:
        st.markdown("**Zero-shot and fine-tuned forecasts of the last window**")
        st.plotly_chart(
            explain_plots.pretrained_figure(y, forecasts), key="hiw_pretrained_chart"
        )
        if not tuned_model.best_epoch_:
            st.caption("The pretrained weights were kept, so both lines coincide.")
    with curve:
        st.markdown("**Fine-tuning: loss per epoch**")
        if tuned_model.history_:
            st.plotly_chart(
                plots.loss_figure(
                    {"fine-tuning": tuned_model.history_},
                    starts={"fine-tuning": tuned_model.start_loss_},
                    log_y=False,
                ),
                key="hiw_finetune_loss_chart",
            )
        st.caption(explain.fine_tune_text(tuned_model))
