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
)

from .loaders import default_horizon_folds
from .state import PARAMS, Source, source, source_key

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


def form_defaults(y: pd.Series, src: Source | None = None) -> dict[str, Any]:
    """Starting values of the training form.

    The library's own defaults, the data's horizon and folds, then whatever the
    user last submitted (horizon and folds only when it was for the same data).
    """
    src = src or source()
    lib = _neural_defaults()
    horizon, folds = default_horizon_folds(y, src)
    out: dict[str, Any] = {
        "models": list(default_models()),
        "horizon": horizon,
        "folds": folds,
        **{k: lib.get(k) for k in PARAM_KEYS if k in lib and k != "horizon"},
    }
    saved = st.session_state.get(PARAMS, {})
    same_data = saved.get("data_key") == source_key(src)
    for key in PARAM_KEYS:
        if key in saved and (same_data or key not in ("horizon", "folds")):
            out[key] = saved[key]
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
    return out


def submitted_values() -> dict[str, Any]:
    """The training form's values, by library parameter name."""
    return {k: st.session_state[k] for k in PARAM_KEYS}


def compare_params(values: dict[str, Any]) -> dict[str, Any]:
    """The ``params`` argument of ``compare`` from the submitted form values."""
    return route_params(
        {
            "seed": int(values["seed"]),
            "lookback": int(values["lookback"]) or None,  # 0 means automatic
            "device": "auto",  # GPU when present, else CPU
            **{k: values[k] for k in NETWORK_SETTINGS if k in values},
        }
    )


def training_form(y: pd.Series, d: dict[str, Any], device: str) -> bool:
    """Draw the training form for series ``y``; True when it was submitted.

    Args:
        y: the series to train on (it bounds horizon and lookback).
        d: starting values, from :func:`form_defaults`.
        device: where the neural models train (``device_name()``).
    """
    half = max(1, len(y) // 2)
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
        for name in model_names(kind="ensemble"):
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
            help="Hidden channels per ConvLSTM layer: 8 to 512. The LSTM "
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
        c1.number_input(
            "Horizon",
            min_value=1,
            max_value=half,
            value=min(d["horizon"], half),
            step=1,
            key="horizon",
            help="How many steps ahead to forecast. Each fold holds out this many "
            "points.",
        )
        c2.number_input(
            "Backtest folds",
            min_value=1,
            max_value=20,
            value=d["folds"],
            step=1,
            key="folds",
            help="Rolling-origin folds: the last folds x horizon points are the test "
            "set.",
        )
        slow = narrative.training_time_note(device, len(y))
        c3.caption(
            f"Neural models train on **{device.upper()}**"
            + (" (no GPU found)." if device == "cpu" else ".")
            + (f" {slow}" if slow else "")
            + " "
            + network_settings_note()
        )
        with st.expander("Advanced", icon=":material/tune:"):
            _advanced(y, d)
        return st.form_submit_button(
            "Train and compare", type="primary", icon=":material/play_arrow:"
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
