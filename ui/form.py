"""The training form: its keys, its starting values and its widgets, and how its
values become ``compare``'s arguments."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from convlstm import (
    NETWORK_SETTINGS,
    default_models,
    model_names,
    model_spec,
    narrative,
    network_settings_note,
    route_params,
    route_start,
    start_models,
    start_of,
)
from convlstm import STARTS as LIB_STARTS
from convlstm.models.rules import AUTO_SCRATCH_MARGIN
from convlstm.pretrained import FAMILY_OF_SEASON, family_words

from .loaders import default_horizon_folds, panel_horizon_folds
from .state import PARAMS, Source, panel_key, source, source_key

# Training-form keys, equal to the library's parameter names.
PARAM_KEYS = (
    "models",
    "kernel_size",
    "hidden_size",
    "learning_rate",
    "horizon",
    "folds",
    "num_layers",
    "lookback",
    "activation",
    "epochs",
    "batch_size",
    "seed",
)

KERNEL_SIZES = (1, 3, 5, 7)
LONG_SERIES = narrative.LONG_SERIES  # points; beyond, CPU training is slow
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2)  # log-spaced steps
LEVEL_OPTIONS = (0.5, 0.8, 0.9, 0.95, 0.99)  # prediction-interval levels offered

# Never below zero (form key FLOOR): compare's floor of 0 when ticked.
FLOOR = "floor_zero"

# Where the ConvLSTM starts (form key START): its label and the library settings.
START = "start"
_START_LABELS = {
    "auto": "whichever forecasts this series better (monthly, quarterly: both)",
    "scratch": "scratch (trained on this series)",
    "fine-tuned": "the pretrained network (fine-tuned)",
    "zero-shot": "the pretrained network (zero-shot)",
}
STARTS = {key: (_START_LABELS[key], dict(params)) for key, params in LIB_STARTS.items()}
_FAMILIES = ", ".join(family_words(f) for f in FAMILY_OF_SEASON.values())
_SEASONS = ", ".join(str(s) for s in sorted(FAMILY_OF_SEASON))
START_HELP = (
    f"Pretraining: one network per kind of series ({_FAMILIES}) was trained once "
    "on thousands of other series (M1, M3 and synthetic ones; synthetic only for "
    "the kinds M1 and M3 hold no series of) and "
    "ships with the app; it can forecast your series at once (zero-shot) or after "
    "a short training on it (fine-tuned). *Whichever forecasts better* trains "
    "from scratch too and keeps the start that forecast the end of your series "
    "better, each fitted on the points before it (a series too short to train "
    "from scratch starts from the pretrained network); on a monthly series "
    "where both were checked, neither over twice as far off as the other, it "
    "keeps both and forecasts their mean, and on a quarterly series where both "
    "were checked it keeps both, each weighted by how well it forecast that end "
    "(the inverse square of its error), and on a yearly series or one without a "
    f"season it keeps scratch only where scratch forecast that end at least "
    f"{AUTO_SCRATCH_MARGIN:g} times better: each did better on validation "
    "series; the results say which start won and by how "
    "much. On the bundled datasets training from scratch is "
    "usually more accurate, on short series like the Tourism competition's the "
    "pretrained network (see the README and bench/RESULTS.md, section Pretrained "
    f"ConvLSTM). A season other than {_SEASONS} steps (business "
    "days, say) has no pretrained network and trains from scratch, and so does a "
    "series long enough for a window that holds a cycle the pretrained network "
    "cannot see (the week of an hourly series). To compare starts side by side, "
    "add the model *ConvLSTM (pretrained)*."
)


# A run over all series (a panel): one network for them all, whatever the start.
_PANEL_LABELS = {
    "auto": "both (their mean)",
    "scratch": "scratch (trained on these series)",
}
_PANEL_START_NOTE = (
    "Over all series the ConvLSTM forecasts them all at once. By default (*both*) "
    "a network is trained on them from scratch, the pretrained network is "
    "fine-tuned on them too, and the forecast is the mean of the two: on the "
    "Tourism competition's validation parts (one run a type) the mean did better "
    "than either start."
)


def default_start() -> str:
    """The start the ConvLSTM has by default (its ``init``), as a key of
    :data:`STARTS`."""
    return start_of({}, "ConvLSTM")


def _neural_defaults() -> dict[str, Any]:
    from convlstm import ConvLSTMForecaster

    return ConvLSTMForecaster().get_params()


def activations() -> tuple[str, ...]:
    """The activation names the neural models accept."""
    from convlstm.nn import ACTIVATIONS

    return tuple(ACTIVATIONS)


def device_name() -> str:
    """Where the neural models will train: "cuda" when a GPU is usable, else "cpu"."""
    from convlstm import training

    return str(training.resolve_device("auto")).split(":")[0]


def form_defaults(
    y: pd.Series, src: Source | None = None, panel: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Starting values of the training form.

    The library's own defaults, the data's horizon and folds (of every series of
    ``panel`` when the run is over them all, not of the series ``y`` chosen),
    then whatever the user last submitted (horizon and folds only when it was
    for the same data: :func:`form_data_key`). When the form was last drawn for
    other data, its horizon and folds fields are set to these, so that switching
    between all series and the chosen one shows each one's own.
    """
    src = src or source()
    lib = _neural_defaults()
    if panel is not None:
        horizon, folds = panel_horizon_folds(panel, src)
    else:
        horizon, folds = default_horizon_folds(y, src)
    out: dict[str, Any] = {
        "models": list(default_models(panel if panel is not None else y)),
        "horizon": horizon,
        "folds": folds,
        **{k: lib.get(k) for k in PARAM_KEYS if k in lib and k != "horizon"},
    }
    saved = st.session_state.get(PARAMS, {})
    data_key = form_data_key(src, panel is not None)
    same_data = saved.get("data_key") == data_key
    for key in PARAM_KEYS:
        if key in saved and (same_data or key not in ("horizon", "folds")):
            out[key] = saved[key]
    if st.session_state.get(FORM_FOR) != data_key:
        # the form is drawn for other data now (the scope switched between all
        # series and the chosen one): its horizon and folds fields show this
        # data's, set through the state (the browser keeps a field's value
        # while its key stays, whatever default it is drawn with)
        if FORM_FOR in st.session_state:
            for field in RUN_KEYS:
                st.session_state[field] = int(out[field])
            out[FIELDS_SET] = True  # the fields take these, not their defaults
        st.session_state[FORM_FOR] = data_key
    # Snap values onto what the widgets offer.
    out["lookback"] = int(out.get("lookback") or 0)
    if out.get("kernel_size") not in KERNEL_SIZES:
        out["kernel_size"] = 3
    lr = float(out.get("learning_rate") or 1e-3)
    out["learning_rate"] = min(LEARNING_RATES, key=lambda v: abs(v - lr) / v)
    if out.get("activation") not in activations():
        out["activation"] = activations()[0]
    out["hidden_size"] = int(min(max(out.get("hidden_size") or 8, 8), 512))
    for key, fallback in (("num_layers", 1), ("epochs", 100), ("batch_size", 32)):
        out[key] = int(out.get(key) or fallback)
    out["seed"] = int(out.get("seed") or 0)
    out[START] = saved.get(START) if saved.get(START) in STARTS else default_start()
    out[FLOOR] = bool(saved.get(FLOOR, False))
    return out


#: The run settings a stored run's ``params`` holds beside the models' own.
RUN_KEYS = ("horizon", "folds")
#: Session key: the data (:func:`form_data_key`) the form's fields were drawn for.
FORM_FOR = "form_for"
#: Key of :func:`form_defaults`' result: the horizon and folds fields were set
#: through the state on this run (the form then gives them no default).
FIELDS_SET = "fields_set"


def model_params(params: dict[str, Any]) -> dict[str, Any]:
    """A stored run's ``params`` without its run settings (:data:`RUN_KEYS`):
    the ``params`` argument of ``compare`` it was made with."""
    return {k: v for k, v in params.items() if k not in RUN_KEYS}


def form_data_key(src: Source | None, all_series: bool) -> str:
    """The data a form's horizon and folds were chosen for: the chosen series,
    or every series of the panel."""
    return panel_key(src) if all_series else source_key(src)


def submitted_values() -> dict[str, Any]:
    """The training form's values, by library parameter name (and ``START``,
    ``FLOOR``)."""
    return {k: st.session_state[k] for k in (*PARAM_KEYS, START, FLOOR)}


def floor_of(values: dict[str, Any], lowest: float) -> float | None:
    """``compare``'s ``floor`` from the submitted form values: 0 when *Never
    below zero* is ticked and the data (lowest value ``lowest``) never go below
    it, else None."""
    return 0.0 if values.get(FLOOR) and not lowest < 0 else None


#: The registered neural models that the start control sets.
pretrained_models = start_models


def compare_params(values: dict[str, Any]) -> dict[str, Any]:
    """The ``params`` argument of ``compare`` from the submitted form values.

    The ConvLSTM's start (``values[START]``) reaches the models that have a
    pretrained network only (on a run over all series "auto" keeps both
    starts: the library's rule for panels).
    """
    params = route_params(
        {
            "seed": int(values["seed"]),
            "lookback": int(values["lookback"]) or None,  # 0 means automatic
            "device": "auto",  # GPU when present, else CPU
            **{k: values[k] for k in NETWORK_SETTINGS if k in values},
        }
    )
    return route_start(params, values.get(START) or default_start())


def training_form(
    y: pd.Series,
    d: dict[str, Any],
    device: str,
    panel: bool = False,
    running: bool = False,
    lowest: float = 0.0,
) -> bool:
    """Draw the training form for series ``y``; True when it was submitted.

    Args:
        y: the series to train on (it bounds horizon and lookback); on a run
            over all series of a panel, its longest.
        d: starting values, from :func:`form_defaults`.
        device: where the neural models train (``device_name()``).
        panel: the run is over all series of a panel (the start control then
            says what its default means there).
        running: a run of this session is in progress (the button then says
            that pressing it replaces that run).
        lowest: the data's lowest value (of every series of a panel run):
            *Never below zero* is offered only when it is 0 or more.
    """
    # as far ahead as the series is long: one fold of a long horizon fits, and a
    # horizon too long for the folds chosen is explained after the press (what
    # fits), not refused silently by the field
    longest = max(1, len(y))
    # The picker's search box keeps a line of its own while the picker has
    # focus: it shrinks when a click elsewhere takes the focus, and the button
    # under it moved up between the press and the release, so the first click
    # on Train and compare was lost. With a narrow least width the box stays on
    # the last line of models and the picker keeps its height.
    st.html(  # a literal: no user text reaches raw HTML (tests/unit/test_safety.py)
        "<style>div[data-testid='stMultiSelect'] input{min-width:2px!important}</style>"
    )
    with st.form("train_form", border=True):
        st.multiselect(
            "Models",
            model_names(),
            default=d["models"],
            key="models",
            help="Every chosen model is scored on the same rolling-origin folds.\n\n"
            + "\n".join(
                f"- **{n}**: {model_spec(n).description}"
                for n in model_names()
                if model_spec(n).description
            ),
        )
        # said under the picker while it is chosen (a form's picker tells the
        # page its choice when the form is sent: the last run's, or the default)
        chosen = st.session_state.get("models", d["models"])
        for name in model_names(kind="ensemble"):
            if name in chosen:
                st.caption(f"**{name}**: {model_spec(name).description}")
        c1, c2, c3 = st.columns(3)
        c1.selectbox(
            "Kernel size",
            KERNEL_SIZES,
            index=KERNEL_SIZES.index(d["kernel_size"]),
            key="kernel_size",
            help="Width of the ConvLSTM's convolution over each frame (odd sizes "
            "only).",
        )
        c2.number_input(
            "Hidden size",
            min_value=8,
            max_value=512,
            value=d["hidden_size"],
            step=8,
            key="hidden_size",
            help="Hidden channels per ConvLSTM layer: 8 to 512. Training time "
            "grows with its square: on a CPU, 64 takes many times as long as 8, "
            "and 512 (with a wide kernel) can take an hour. One network over all "
            "series of a panel has at least 16, as many series need. The LSTM "
            "keeps its own defaults.",
        )
        c3.select_slider(
            "Learning rate",
            LEARNING_RATES,
            value=d["learning_rate"],
            format_func=lambda v: f"{v:g}",
            key="learning_rate",
            help="Adam step size, on a log scale from 0.0001 to 0.01. Lower it if the "
            "loss jumps or becomes NaN.",
        )
        # a value set through the state (a switch of scope) is the field's: a
        # default beside it would be refused with a warning
        fields_set = bool(d.get(FIELDS_SET))
        if fields_set and st.session_state["horizon"] > longest:
            st.session_state["horizon"] = longest
        c1.number_input(
            "Horizon",
            min_value=1,
            max_value=longest,
            value=None if fields_set else min(d["horizon"], longest),
            step=1,
            key="horizon",
            help=f"How many steps ahead to forecast, 1 to {longest} here: at most "
            "as many steps as the series has points, since a forecast further "
            "out rests on little but the models' assumptions (the CLI's compare "
            "--folds 0 --horizon N goes further). A value outside that turns the "
            "box red and is not taken. Each fold "
            "holds out this many points, so folds x horizon must leave the first "
            "fold some points to train on (a message says what fits).",
        )
        c2.number_input(
            "Backtest folds",
            min_value=0,
            max_value=20,
            value=None if fields_set else d["folds"],
            step=1,
            key="folds",
            help="Rolling-origin folds, 0 to 20 (a value outside that turns the "
            "box red and is not taken): the last folds x horizon points are the "
            "test set. 0 = no backtest: a forecast only, without scores (for a "
            "series too short to hold out any points).",
        )
        slow = narrative.training_time_note(device, len(y))
        c3.caption(
            f"Neural models train on **{device.upper()}**"
            + (" (no GPU found)." if device == "cpu" else ".")
            + (f" {slow}" if slow else "")
            + " "
            + network_settings_note()
        )
        _floor(d, lowest)
        with st.expander("Advanced", icon=":material/tune:"):
            _advanced(y, d)
            _start(d, panel)
        return st.form_submit_button(
            "Train and compare",
            type="primary",
            icon=":material/play_arrow:",
            help=(
                "A run is in progress: pressing this stops it and starts a new one "
                "with these settings. To keep it, wait for its results below."
                if running
                else None
            ),
        )


def _floor(d: dict[str, Any], lowest: float) -> None:
    """*Never below zero*: forecasts and interval bounds under 0 raised to 0."""
    negative = bool(lowest < 0)
    if negative:
        # ticked for other data (the chosen series of a panel, say): not here,
        # and not shown ticked while it cannot apply
        st.session_state[FLOOR] = False
    st.checkbox(
        "Never below zero",
        value=d.get(FLOOR, False) and not negative,
        key=FLOOR,
        disabled=negative,
        help=(
            f"Not for these data: they go below zero (lowest {lowest:.6g})."
            if negative
            else "For counts, sales and other amounts that cannot be negative: "
            "every model's forecasts and interval bounds below 0 are raised "
            "to 0, in the backtest too, so the scores are those of the forecasts "
            "shown (often a little better on series near zero). Off, the "
            "models forecast as they are, and a note says where one goes below "
            "zero."
        ),
    )


def _advanced(y: pd.Series, d: dict[str, Any]) -> None:
    """The form's Advanced section: network, lookback, epochs, batch and seed."""
    a1, a2, a3 = st.columns(3)
    a1.number_input(
        "Layers",
        min_value=1,
        max_value=4,
        value=d["num_layers"],
        step=1,
        key="num_layers",
        help="Stacked ConvLSTM layers (the LSTM keeps its own).",
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
        activations(),
        index=activations().index(d["activation"]),
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
        "sooner and keeps the best weights, and a budget of optimiser steps "
        "(a few hundred; fewer for a big network) caps the passes. The "
        "ConvLSTM starting from whichever forecasts better trains up to four "
        "times (two checks, then the kept starts); the progress names the fit "
        "and counts its own epochs (checking the pretrained start · epoch "
        "12/200).",
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


def _start(d: dict[str, Any], panel: bool) -> None:
    """The ConvLSTM's start: from scratch, or from the pretrained network."""
    st.radio(
        "ConvLSTM starts from",
        tuple(STARTS),
        index=tuple(STARTS).index(d.get(START) or default_start()),
        format_func=lambda k: (
            _PANEL_LABELS.get(k, STARTS[k][0]) if panel else STARTS[k][0]
        ),
        key=START,
        horizontal=True,
        help=START_HELP,
    )
    if panel:
        st.caption(_PANEL_START_NOTE)
