"""Cached loaders: bundled datasets and uploads turned into series and panels.

``st.cache_data`` only holds immutable copies keyed by dataset name or uploaded
bytes (a fresh copy per call), never per-user state.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pandas as pd
import streamlit as st

from convlstm import ConvLSTMError, DataError, datasets, read_csv, to_panel, to_series
from convlstm.data import (
    TOTAL_NAME,
    find_id_columns,
    reader_picks,
    series_of,
    total_of,
    wide_columns,
    workbook_sheets,
)
from convlstm.data.columns import EMPTY_ID
from convlstm.data.hours import OpeningDays, session_of
from convlstm.data.steps import AGG_NOUNS, STEPS
from convlstm.panel_compare import default_panel_folds, default_panel_horizon

from .state import Source, choose_series, protocol_name, source


@st.cache_data(show_spinner="Loading dataset...", max_entries=16)
def load_bundled(name: str) -> pd.Series:
    """The bundled dataset ``name`` as a series (cached; a fresh copy per call)."""
    return datasets.load(name)


@st.cache_data(show_spinner="Loading dataset...", max_entries=4)
def load_bundled_panel(name: str) -> pd.DataFrame:
    """The bundled panel ``name`` (cached; a fresh copy per call)."""
    return datasets.load_panel(name)


@st.cache_data(show_spinner="Reading the dataset in steps...", max_entries=8)
def bundled_in_steps(
    name: str, step: str | None, agg: str, spikes: str = "keep"
) -> pd.DataFrame | pd.Series:
    """The bundled dataset ``name`` (a series, or a panel) read in ``step``, each
    step's values combined by ``agg``, spikes kept or filled (cached)."""
    read = {"step": step, "agg": agg, "spikes": spikes}
    if _is_panel(name):
        panel = load_bundled_panel(name)
        return to_panel(panel, "time", "value", ["series"], **read)
    return to_series(load_bundled(name), **read)


@st.cache_data(show_spinner=False, max_entries=16)
def dataset_info(name: str) -> Any:
    """``convlstm.datasets.info(name)`` (cached)."""
    return datasets.info(name)


# Uploads are keyed on their bytes: bounded in size and age, so a server's memory
# does not keep every file of every session.
_UPLOADS = {"ttl": "1h", "max_size": "512MB"}


@st.cache_data(show_spinner="Reading file...", max_entries=8, **_UPLOADS)
def read_upload(content: bytes, sheet: str | None = None) -> pd.DataFrame:
    """The uploaded CSV or workbook (its ``sheet``, None: the reader's pick) as a
    table (cached on its bytes)."""
    return read_csv(content, sheet=sheet)


@st.cache_data(show_spinner=False, max_entries=8, **_UPLOADS)
def upload_sheets(content: bytes) -> list[str]:
    """The sheets of an uploaded Excel workbook (empty: a CSV file)."""
    return workbook_sheets(content)


@st.cache_data(show_spinner="Checking the series...", max_entries=16, **_UPLOADS)
def upload_series(
    content: bytes,
    time_col: str | None,
    value_col: str | None,
    step: str | None = None,
    agg: str = "mean",
    spikes: str = "keep",
    sheet: str | None = None,
) -> pd.Series:
    """The uploaded CSV as a regular series (cached on bytes, column choice,
    steps and spikes)."""
    return to_series(
        read_upload(content, sheet),
        time_col=time_col,
        value_col=value_col,
        step=step,
        agg=agg,
        spikes=spikes,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def upload_id_columns(
    content: bytes,
    time_col: str | None,
    value_col: str | None,
    step: str | None = None,
    sheet: str | None = None,
) -> list[str]:
    """The id columns detected in an upload (empty: one series, or a wide file),
    its rows to be read in ``step`` when given."""
    try:
        return find_id_columns(
            read_upload(content, sheet), time_col, value_col, step=step
        )
    except DataError:
        return []  # the series reader reports what is wrong with the file


@st.cache_data(show_spinner=False, max_entries=16)
def upload_picks(
    content: bytes,
    time_col: str | None,
    value_col: str | None,
    sheet: str | None = None,
) -> tuple[str | None, str | None]:
    """The time and value columns the reader takes in an upload it could not read
    as a series (None where it picks none), the chosen ones kept."""
    try:
        return reader_picks(read_upload(content, sheet), time_col, value_col)
    except DataError:
        return time_col, value_col


@st.cache_data(show_spinner=False, max_entries=16)
def upload_wide_columns(
    content: bytes, time_col: str | None, sheet: str | None = None
) -> list[str]:
    """The numeric columns an upload could be read as, one series each (empty:
    fewer than two)."""
    try:
        return wide_columns(read_upload(content, sheet), time_col)
    except DataError:
        return []  # the series reader reports what is wrong with the file


@st.cache_data(show_spinner="Reading the series...", max_entries=8, **_UPLOADS)
def upload_panel(
    content: bytes,
    time_col: str | None,
    value_col: str | None,
    id_cols: tuple[str, ...] | None,
    step: str | None = None,
    agg: str = "mean",
    spikes: str = "keep",
    sheet: str | None = None,
) -> pd.DataFrame:
    """The uploaded CSV as a panel (cached on bytes, column choice and steps); the
    reader finds the id columns when ``id_cols`` is None (its notes then say it
    picked them)."""
    return to_panel(
        read_upload(content, sheet),
        time_col=time_col,
        value_col=value_col,
        id_cols=id_cols,
        step=step,
        agg=agg,
        spikes=spikes,
    )


def current_panel() -> pd.DataFrame | None:
    """The current data as a panel when it holds several series (else None).

    A bundled panel, an upload with id columns (detected, or chosen: an empty
    choice reads the file as one series through the panel reader), or an upload
    whose numeric columns the user chose to read as one series each (a wide file,
    read as the CLI reads it). Makes the first series (a wide file's: its first
    column) the chosen one when none (or an unknown one) is chosen.

    Raises:
        ConvLSTMError: the upload cannot be read as a panel (wrap in ``guard``).
    """
    src = source()
    if not src:
        return None
    if src["kind"] == "bundled":
        if not _is_panel(src["name"]):
            return None
        panel = _bundled(src)
    else:
        panel = _upload_panel(src)
        if panel is None:
            choose_series(None)  # one series now: no series of a panel is chosen
            return None
    names = pd.unique(panel["series"])
    if src.get("series") not in names and not offers_total(panel, src.get("series")):
        # a wide file's first column, not the first name in sort order
        columns = [c for c in panel.attrs.get("value_cols") or [] if c in names]
        # a series without an id ("(empty)", sorting first) is not the one to
        # show first
        named = [n for n in names if EMPTY_ID not in str(n)] or list(names)
        choose_series(str(columns[0] if len(columns) > 1 else named[0]))
    return panel


def offers_total(panel: pd.DataFrame, name: object = TOTAL_NAME) -> bool:
    """Whether ``name`` is the panel's total (:data:`~convlstm.data.TOTAL_NAME`,
    offered beside its series when it holds several and none is called so)."""
    if name != TOTAL_NAME:
        return False
    names = panel["series"].astype(str)
    return names.nunique() > 1 and not (names == TOTAL_NAME).any()


def _upload_panel(src: Source) -> pd.DataFrame | None:
    """The upload as a panel, as its column choice says (None: one series).

    Raises:
        DataError: every numeric column is to be a series and id columns are
            chosen too; or the file cannot be read so.
    """
    data, time_col, value_col = src["data"], src.get("time_col"), src.get("value_col")
    ids = src.get("id_cols")
    steps = {**read_options(src), "sheet": src.get("sheet")}
    if src.get("wide"):
        if ids:
            listed = ", ".join(f"'{c}'" for c in ids)
            raise DataError(
                "every numeric column is read as a series of its own, so no column "
                f"can name the series too (series id columns: {listed}): clear the "
                "series id columns, or pick one value column"
            )
        return upload_panel(data, time_col, None, (), **steps)
    if ids is None:
        ids = upload_id_columns(
            data, time_col, value_col, steps["step"], steps["sheet"]
        )
        return upload_panel(data, time_col, value_col, None, **steps) if ids else None
    if not ids and value_col is None:
        # No id column: one series, of the column the series reader picks (the
        # first numeric one), not every numeric column as a wide file would be.
        value_col = next(
            iter(upload_wide_columns(data, time_col, steps["sheet"])), None
        )
    return upload_panel(data, time_col, value_col, tuple(ids), **steps)


def _bundled(src: Source) -> pd.DataFrame | pd.Series:
    """The bundled dataset of ``src`` (a series, or a panel), read in its steps
    when it has some."""
    name, read = src["name"], read_options(src)
    if read != read_options({}):
        return bundled_in_steps(name, **read)
    return load_bundled_panel(name) if _is_panel(name) else load_bundled(name)


def read_options(src: Source) -> dict[str, Any]:
    """The reader's options of a data choice: its steps, how rows combine, and
    whether spikes are filled."""
    return {
        "step": src.get("step"),
        "agg": src.get("agg", "mean"),
        "spikes": src.get("spikes", "keep"),
    }


def _is_panel(name: str) -> bool:
    return dataset_info(name).kind == "panel"


def source_label(src: Source | None = None, *, with_series: bool = True) -> str:
    """Plain-text name of the data choice (may hold user text: no HTML); for a
    panel, with the chosen series (the first one until the user picks) unless
    ``with_series`` is False."""
    if src is None or src == source():
        with contextlib.suppress(ConvLSTMError):  # the Data page shows the error
            current_panel()
        src = source()
    if not src:
        return "no data"
    label = (
        dataset_info(src["name"]).title
        if src["kind"] == "bundled"
        else src["file_name"]
    )
    if src.get("sheet") is not None:  # a workbook's sheet chosen on the Data page
        label += f" · sheet {src['sheet']}"
    step = src.get("step")
    if step is not None:
        session = session_of(step) if step not in STEPS else None
        kind = "daily" if isinstance(session, OpeningDays) else "hourly"
        named = (
            step
            if step in STEPS
            else f"{kind} ({session.words})"
            if session is not None
            else f"{step} steps,"
        )
        label += f" · {named} {AGG_NOUNS[src.get('agg', 'mean')]}"
    if src.get("spikes", "keep") == "fill":
        label += " · spikes filled"
    if with_series and src.get("series") is not None:
        label += f" · {src['series']}"
    elif src.get("value_col") is not None:  # one column of a file, chosen
        label += f" · {src['value_col']}"
    return label


def current_series() -> pd.Series | None:
    """The current data as a series, or None when nothing is chosen.

    For a panel, the series chosen on the Data page (see :func:`current_panel`).

    Raises:
        ConvLSTMError: the upload cannot be turned into a series (wrap in ``guard``).
    """
    panel = current_panel()
    src = source()
    if not src:
        return None
    if panel is not None:
        if offers_total(panel, src["series"]):
            return total_of(panel)
        return series_of(panel, str(src["series"]))
    if src["kind"] == "bundled":
        return _bundled(src)
    return upload_series(
        src["data"],
        src.get("time_col"),
        src.get("value_col"),
        **read_options(src),
        sheet=src.get("sheet"),
    )


def default_horizon_folds(y: pd.Series, src: Source | None = None) -> tuple[int, int]:
    """Horizon and number of backtest folds that suit the data (the library's rule;
    bundled datasets carry their own)."""
    return datasets.default_horizon_folds(y, protocol_name(src))


def panel_horizon_folds(
    panel: pd.DataFrame, src: Source | None = None
) -> tuple[int, int]:
    """Horizon and backtest folds of a run over every series of a panel: the
    library's rule for panels (not the series chosen on the Data page's); a
    bundled panel carries its own."""
    name = protocol_name(src)
    if name is not None:
        info = datasets.info(name)
        return info.horizon, info.folds
    horizon = default_panel_horizon(panel)
    return horizon, default_panel_folds(panel, horizon)


def longest_series(panel: pd.DataFrame) -> pd.Series:
    """The panel's longest series: it bounds the form of a run over them all
    (the horizon and lookback it can hold)."""
    names = panel["series"].astype(str)
    longest = names.value_counts().index[0]
    return series_of(panel, longest)
