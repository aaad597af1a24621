"""Session-state keys and the user's data choice (``st.session_state[SOURCE]``).

Each user's data choice and results live in ``st.session_state``; for a reloaded
tab, ``ui.jobs`` also keeps the last data choice and runs on the server under the
session's unguessable token, for a limited time.
"""

from __future__ import annotations

import hashlib
from typing import TypedDict

import streamlit as st

# Session-state keys, in one place.
SOURCE = "source"  # the data the user chose: a Source dict, or absent
RESULT = "result"  # the last finished comparison: a Result dict, or absent
PARAMS = "saved_params"  # last submitted training settings, to refill the form
RUNNING = "training_running"  # set when the user stopped a run; the page says so once
JOB = "training_job"  # this session's run in flight: its executor id and settings
JOB_ERROR = "training_error"  # the library error a finished run raised, to show once
LOST = "training_lost"  # the run in flight vanished (server restart): say so once
OWNER = "job_owner"  # this session's unguessable owner token for the executor
HISTORY = (
    "run_history"  # this session's last finished runs (Result dicts), newest first
)
AUTORUN = "autorun"  # the landing page asks the compare page to train at once
LEVELS = "levels"  # the prediction-interval levels picked on the results

DEFAULT_DATASET = "air_passengers"


class Source(TypedDict, total=False):
    """The user's data choice, kept in ``st.session_state[SOURCE]``."""

    kind: str  # "bundled" or "upload"
    name: str  # bundled dataset name
    file_name: str  # uploaded file's name (user text: never render as HTML)
    data: bytes  # uploaded file's bytes
    digest: str  # sha256 of data, identifies the upload
    time_col: str | None  # None: let to_series pick
    value_col: str | None
    wide: bool  # uploads: every numeric column one series (value_col is None)
    id_cols: list[str] | None  # uploads: None detects them, [] reads no id column
    series: str | None  # panels: the one series compare and the sidebar use
    step: str | None  # uploads: read in regular steps of this length (None: as is)
    agg: str  # uploads: how the rows of a step or timestamp combine ("mean"...)
    spikes: str  # "keep" spikes (the default) or "fill" them as missing values
    sheet: str | None  # uploads: the workbook's sheet to read (None: the reader's)


def source() -> Source | None:
    """The user's current data choice, or None."""
    return st.session_state.get(SOURCE)


def bundled_name(src: Source | None = None) -> str | None:
    """The bundled dataset's name when the data choice is one, else None."""
    src = src or source()
    return src["name"] if src and src.get("kind") == "bundled" else None


def protocol_name(src: Source | None = None) -> str | None:
    """The bundled dataset whose own horizon, folds and published results apply:
    None for an upload, and for a dataset read in other steps."""
    src = src or source()
    return None if src and src.get("step") is not None else bundled_name(src)


def choose_bundled(name: str) -> bool:
    """Make the bundled dataset ``name`` the current data; False if it already was."""
    if bundled_name() == name:
        return False
    st.session_state[SOURCE] = Source(kind="bundled", name=name)
    _forget_column_widgets()
    return True


#: The value-column picker's option that reads every numeric column as a series (a
#: wide file); no CSV column is named so (the reader turns NUL bytes away).
EVERY_COLUMN = "\x00every numeric column"

#: The Data page's widgets that show a choice within the current data.
COLUMN_WIDGETS = (
    "time_col",
    "value_col",
    "id_cols",
    "series",
    "step",
    "agg",
    "spikes",
    "sheet",
)


def _forget_column_widgets() -> None:
    """New data: its column and series widgets start from the reader's picks, not
    from what they showed for the previous data."""
    for key in COLUMN_WIDGETS:
        st.session_state.pop(key, None)


def choose_upload(file_name: str, content: bytes) -> bool:
    """Make an uploaded file the current data; False if it already was."""
    digest = hashlib.sha256(content).hexdigest()
    current = source()
    if current and current.get("digest") == digest:
        return False
    _read_upload_anew(file_name, content, digest)
    return True


def _read_upload_anew(
    file_name: str, content: bytes, digest: str, sheet: str | None = None
) -> None:
    """Make the upload (its ``sheet``, for a workbook) the current data, read
    with the reader's picks: no column, step or series chosen yet."""
    st.session_state[SOURCE] = Source(
        kind="upload",
        file_name=file_name,
        data=content,
        digest=digest,
        time_col=None,
        value_col=None,
        sheet=sheet,
    )
    _forget_column_widgets()


#: The data the Data page's column widgets were last drawn for.
_WIDGETS_OF = "column_widgets_of"


def _data_identity(src: Source | None) -> str | None:
    """The file or dataset a data choice reads (not how it reads it)."""
    if not src:
        return None
    return src.get("digest") or src.get("name")


def mark_column_widgets() -> None:
    """Note that the column widgets about to be drawn show the current data's
    columns (see :func:`_for_current_data`)."""
    st.session_state[_WIDGETS_OF] = _data_identity(source())


def _for_current_data(which: str) -> bool:
    """Whether a column widget's change belongs to the current data: a change
    the browser sends for the widgets of a file replaced since (a new upload
    while a run trains, say) must not land on the new file, nor fail for a
    widget already forgotten."""
    return which in st.session_state and _drawn_for_current_data()


def _drawn_for_current_data() -> bool:
    """Whether the column widgets were last drawn for the current data."""
    return st.session_state.get(_WIDGETS_OF) == _data_identity(source())


def choose_column(which: str) -> None:
    """Widget callback: store the choice in widget ``which`` (``"time_col"``,
    ``"value_col"``, ``"id_cols"`` or ``"series"``, the same name as the Source
    field) in the data choice."""
    if not _for_current_data(which):
        return
    st.session_state[SOURCE] = {**source(), which: st.session_state[which]}
    if which == "time_col":
        _keep_out_of_ids(st.session_state[which])


def _keep_out_of_ids(column: str | None) -> None:
    """Take ``column``, just chosen as the time or value column, out of the
    chosen id columns (a column cannot be both; the id picker no longer offers
    it)."""
    ids = source().get("id_cols")
    if column is None or not ids or column not in ids:
        return
    kept = [c for c in ids if c != column]
    st.session_state[SOURCE] = {**source(), "id_cols": kept}
    st.session_state["id_cols"] = kept


def choose_value_column() -> None:
    """Widget callback: store the value-column choice (one column, or
    :data:`EVERY_COLUMN` for every numeric column a series) in the data choice."""
    if not _for_current_data("value_col"):
        return
    picked = st.session_state["value_col"]
    wide = picked == EVERY_COLUMN
    st.session_state[SOURCE] = {
        **source(),
        "value_col": None if wide else picked,
        "wide": wide,
    }
    if not wide:
        _keep_out_of_ids(picked)


def choose_sheet() -> None:
    """Widget callback: read the workbook's sheet chosen in widget ``"sheet"``;
    its columns start from the reader's picks again."""
    if not _drawn_for_current_data():
        return  # the widget of a file replaced since
    current = source()
    picked = st.session_state.get("sheet") or None
    if current.get("sheet") == picked:
        return
    _read_upload_anew(current["file_name"], current["data"], current["digest"], picked)


#: The *Steps* picker's option that keeps the data's own steps (``step`` None).
OWN_STEPS = ""


def choose_steps() -> None:
    """Widget callback: store the *Steps* and *Rows in one step* choices in the
    data choice (:data:`OWN_STEPS` is no step)."""
    if not _drawn_for_current_data():
        return  # the widgets of data replaced since
    st.session_state[SOURCE] = {
        **source(),
        "step": st.session_state.get("step") or None,
        "agg": st.session_state.get("agg") or "mean",
        "spikes": "fill" if st.session_state.get("spikes") else "keep",
    }


def read_in_step(step: str, agg: str | None = None) -> None:
    """Button callback: read the data in ``step`` (a step the reader suggested,
    such as the opening hours that hold every series'), rows combined as
    chosen, or by ``agg`` (an event log's rows summed) when given."""
    chosen = {"step": step} if agg is None else {"step": step, "agg": agg}
    st.session_state[SOURCE] = {**source(), **chosen}
    st.session_state.update(chosen)


def choose_series(name: str | None) -> bool:
    """Make ``name`` the series of a panel that compare uses (None: the data is
    one series); False if it was."""
    current = source()
    if not current or current.get("series") == name:
        return False
    st.session_state[SOURCE] = {**current, "series": name}
    return True


def source_key(src: Source | None = None) -> str:
    """A short id of the data choice (dataset name or file hash plus columns)."""
    src = src or source()
    if not src:
        return ""
    panel = ""
    if src.get("series") is not None or src.get("id_cols") is not None:
        panel = f":{src.get('id_cols')}:{src.get('series')}"
    if src.get("step") is not None or src.get("agg", "mean") != "mean":
        panel = f":{src.get('step')}:{src.get('agg', 'mean')}" + panel
    if src.get("spikes", "keep") != "keep":
        panel = f":spikes={src['spikes']}" + panel
    if src["kind"] == "bundled":
        return f"bundled:{src['name']}{panel}"
    if src.get("sheet") is not None:
        panel = f":sheet={src['sheet']}" + panel
    value = "*" if src.get("wide") else src.get("value_col")
    return f"upload:{src['digest'][:16]}:{src.get('time_col')}:{value}{panel}"


def panel_key(src: Source | None) -> str:
    """The data key of a run over all series of the current panel (the chosen
    series does not matter to it)."""
    return source_key({**src, "series": "*"}) if src else ""
