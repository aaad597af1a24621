"""Shared Streamlit code for the app: session-state keys, error display, cached loaders.

Pages import this module and ``convlstm``; nothing else is shared between them. Each
user's data choice and results live in ``st.session_state``; ``st.cache_data`` only
holds immutable copies of data keyed by dataset name or uploaded bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypedDict

import pandas as pd
import streamlit as st

from convlstm import ConvLSTMError, data, datasets, read_csv, to_series

# Session-state keys, in one place.
SOURCE = "source"  # the data the user chose: a Source dict, or absent
RESULT = "result"  # the last finished comparison: a Result dict, or absent
PARAMS = "saved_params"  # last submitted training settings, to refill the form
RUNNING = "training_running"  # set while compare() runs; still set => interrupted
AUTORUN = "autorun"  # the landing page asks the compare page to train at once
LEVELS = "levels"  # the prediction-interval levels picked on the results

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

DEFAULT_DATASET = "air_passengers"
DEFAULT_MODELS = ("ConvLSTM", "LSTM", "ARIMA", "Seasonal naive")
KERNEL_SIZES = (1, 3, 5, 7)
LONG_SERIES = 1000  # points; beyond this, CPU training of the neural nets is slow
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2)  # log-spaced steps
LEVEL_OPTIONS = (0.5, 0.8, 0.9, 0.95, 0.99)  # prediction-interval levels offered
# Characters that make a spreadsheet treat a text cell as a formula.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


class Source(TypedDict, total=False):
    """The user's data choice, kept in ``st.session_state[SOURCE]``."""

    kind: str  # "bundled" or "upload"
    name: str  # bundled dataset name
    file_name: str  # uploaded file's name (user text: never render as HTML)
    data: bytes  # uploaded file's bytes
    digest: str  # sha256 of data, identifies the upload
    time_col: str | None  # None: let to_series pick
    value_col: str | None


# ---------------------------------------------------------------- routing


def configure_page() -> None:
    """Page title, icon and wide layout (called by ``app.py``)."""
    st.set_page_config(
        page_title="ConvLSTM forecast",
        page_icon="📈",
        layout="wide",
    )


#: The app's pages: (file, title, icon). app.py routes with these and the sidebar
#: menu links them; add a page by adding one line here.
PAGE_SPECS = (
    ("pages/home.py", "Home", ":material/home:"),
    ("pages/data.py", "Data", ":material/table_chart:"),
    ("pages/compare.py", "Train & compare", ":material/model_training:"),
    ("pages/how_it_works.py", "How it works", ":material/school:"),
)


def navigation_menu() -> None:
    """The sidebar menu, drawn by the app itself.

    Streamlit's own menu is switched off (``client.showSidebarNavigation``) because,
    with page files in ``pages/``, the first visitor after a server start who opens a
    page URL directly would get the legacy file-name menu instead of this one.
    """
    with st.sidebar:
        for path, title, icon in PAGE_SPECS:
            st.page_link(path, label=title, icon=icon)
        st.divider()


def ensure_navigation() -> None:
    """Give a page the app's frame when Streamlit ran it without ``app.py``.

    Streamlit treats a folder called ``pages/`` as a legacy multipage app until
    the first ``st.navigation`` call in the process: the first visitor after a
    server start who opens a page's URL directly (``/data``), and AppTest's
    ``switch_page``, run the page file alone. Then this sets the page config and
    sidebar that ``app.py`` would, and turns the legacy mode off so that the next
    run goes through ``app.py``. Pages call this first.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        configure_page()
        navigation_menu()
        sidebar_summary()


# ---------------------------------------------------------------- errors


@contextmanager
def guard(where: Any = None) -> Iterator[None]:
    """Show a library error as ``st.error`` and stop the page; let bugs propagate.

    Args:
        where: a container to write the message into (default: the page).
    """
    try:
        yield
    except ConvLSTMError as exc:
        show_error(exc, where)
        st.stop()


def show_error(exc: BaseException, where: Any = None) -> None:
    """Write a readable message for a library error (no traceback)."""
    (where or st).error(str(exc) or type(exc).__name__, icon=":material/error:")


# ---------------------------------------------------------------- text safety


def escape_md(text: object) -> str:
    """Escape user text for ``st.markdown`` so it shows literally (no links, HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes for a download, with formula-like text cells neutralised."""
    return data.safe_csv(frame).encode("utf-8")


def slug(text: str) -> str:
    """A file-name-safe version of ``text`` (ASCII letters, digits, ``_``)."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", text.rsplit(".", 1)[0]).strip("_")
    return cleaned[:40] or "data"


def time_format(index: pd.DatetimeIndex | pd.Series) -> str:
    """A display format for timestamps: dates only when every time is midnight."""
    times = pd.DatetimeIndex(index)
    return "YYYY-MM-DD" if (times == times.normalize()).all() else "YYYY-MM-DD HH:mm"


# ---------------------------------------------------------------- cached data


@st.cache_data(show_spinner="Loading dataset...", max_entries=16)
def load_bundled(name: str) -> pd.Series:
    """The bundled dataset ``name`` as a series (cached; a fresh copy per call)."""
    return datasets.load(name)


@st.cache_data(show_spinner=False, max_entries=16)
def dataset_info(name: str) -> Any:
    """``convlstm.datasets.info(name)`` (cached)."""
    return datasets.info(name)


@st.cache_data(show_spinner="Reading file...", max_entries=8, max_size="512MB")
def read_upload(content: bytes) -> pd.DataFrame:
    """The uploaded CSV as a table (cached on its bytes)."""
    return read_csv(content)


@st.cache_data(show_spinner="Checking the series...", max_entries=16)
def upload_series(
    content: bytes, time_col: str | None, value_col: str | None
) -> pd.Series:
    """The uploaded CSV as a regular series (cached on bytes and column choice)."""
    return to_series(read_upload(content), time_col=time_col, value_col=value_col)


# ---------------------------------------------------------------- current data


def source() -> Source | None:
    """The user's current data choice, or None."""
    return st.session_state.get(SOURCE)


def choose_bundled(name: str) -> bool:
    """Make the bundled dataset ``name`` the current data; False if it already was."""
    current = source()
    if current and current.get("kind") == "bundled" and current.get("name") == name:
        return False
    st.session_state[SOURCE] = Source(kind="bundled", name=name)
    return True


def choose_upload(file_name: str, content: bytes) -> bool:
    """Make an uploaded file the current data; False if it already was."""
    digest = hashlib.sha256(content).hexdigest()
    current = source()
    if current and current.get("digest") == digest:
        return False
    st.session_state[SOURCE] = Source(
        kind="upload",
        file_name=file_name,
        data=content,
        digest=digest,
        time_col=None,
        value_col=None,
    )
    return True


def source_key(src: Source | None = None) -> str:
    """A short id of the data choice (dataset name or file hash plus columns)."""
    src = src or source()
    if not src:
        return ""
    if src["kind"] == "bundled":
        return f"bundled:{src['name']}"
    return f"upload:{src['digest'][:16]}:{src.get('time_col')}:{src.get('value_col')}"


def source_label(src: Source | None = None) -> str:
    """Plain-text name of the data choice (may hold user text: no HTML)."""
    src = src or source()
    if not src:
        return "no data"
    if src["kind"] == "bundled":
        return dataset_info(src["name"]).title
    return src["file_name"]


def current_series() -> pd.Series | None:
    """The current data as a series, or None when nothing is chosen.

    Raises:
        ConvLSTMError: the upload cannot be turned into a series (wrap in ``guard``).
    """
    src = source()
    if not src:
        return None
    if src["kind"] == "bundled":
        return load_bundled(src["name"])
    return upload_series(src["data"], src.get("time_col"), src.get("value_col"))


def default_horizon_folds(y: pd.Series, src: Source | None = None) -> tuple[int, int]:
    """Horizon and number of backtest folds that suit the data (the library's rule;
    bundled datasets carry their own)."""
    src = src or source()
    name = src["name"] if src and src["kind"] == "bundled" else None
    return datasets.default_horizon_folds(y, name)


# ---------------------------------------------------------------- training form


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
        "models": list(DEFAULT_MODELS),
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


#: Form settings that shape the ConvLSTM only; the LSTM baseline keeps its own
#: library defaults so that the comparison is against a fairly set-up LSTM.
CONVLSTM_KEYS = (
    "kernel_size",
    "hidden_size",
    "learning_rate",
    "num_layers",
    "activation",
    "epochs",
    "batch_size",
)


def compare_params(values: dict[str, Any]) -> dict[str, Any]:
    """The ``params`` argument of ``compare`` from the submitted form values."""
    return {
        "seed": int(values["seed"]),
        "lookback": int(values["lookback"]) or None,  # 0 means automatic
        "device": "auto",  # GPU when present, else CPU
        "ConvLSTM": {k: values[k] for k in CONVLSTM_KEYS if k in values},
    }


def dash_missing(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """A copy with the named numeric columns as display text, "—" where missing.

    Args:
        frame: the table to show.
        formats: column -> Python format spec (e.g. ``".0%"``, ``".4g"``); columns
            not in ``frame`` are ignored.
    """
    out = frame.copy()
    for col, spec in formats.items():
        if col in out.columns:
            out[col] = [
                "—" if v is None or pd.isna(v) else format(float(v), spec)
                for v in out[col]
            ]
    return out


def forecast_table(comparison: Any) -> pd.DataFrame:
    """One tidy table of a comparison's backtest and future forecasts, for download."""
    backtest = comparison.backtest.forecasts.assign(section="backtest")
    future = comparison.future.assign(section="future")
    table = pd.concat([backtest, future], ignore_index=True, sort=False)
    first = ["section", "model"]
    return table[first + [c for c in table.columns if c not in first]]


# ---------------------------------------------------------------- sidebar


def sidebar_summary() -> None:
    """Show the current dataset and the last result in the sidebar."""
    with st.sidebar:
        st.caption("CURRENT DATA")
        src = source()
        if not src:
            st.markdown("No data chosen yet.")
        else:
            st.markdown(f"**{escape_md(source_label(src))}**")
            try:
                y = current_series()
            except ConvLSTMError:
                st.caption("The file needs attention on the Data page.")
            else:
                if y is not None:
                    st.caption(
                        f"{len(y)} points, {y.index.freqstr}, "
                        f"{y.index[0]:%Y-%m-%d} to {y.index[-1]:%Y-%m-%d}"
                    )
        st.caption("LAST RESULT")
        result = st.session_state.get(RESULT)
        if not result:
            st.markdown("No comparison run yet.")
            return
        summary = result["comparison"].summary
        best = summary.index[summary["best"]][0] if summary["best"].any() else "?"
        mae = float(summary.loc[best, "mae"]) if best in summary.index else float("nan")
        st.markdown(f"Best: **{escape_md(best)}** (MAE {mae:,.4g})")
        st.caption(
            f"on {escape_md(result['label'])}, {result['device'].upper()}, "
            f"seed {result['params'].get('seed')}"
        )
