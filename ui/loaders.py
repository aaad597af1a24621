"""Cached loaders: bundled datasets and uploads turned into series.

``st.cache_data`` only holds immutable copies keyed by dataset name or uploaded
bytes (a fresh copy per call), never per-user state.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from convlstm import datasets, read_csv, to_series

from .state import Source, bundled_name, source


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
    return datasets.default_horizon_folds(y, bundled_name(src))
