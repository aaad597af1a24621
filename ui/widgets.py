"""Widgets more than one page draws: the one dataset picker, and a panel's overview
(how many series, their lengths and dates, the series picker, small multiples)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from convlstm import datasets, plots
from convlstm.data import TOTAL_NAME, panel_summary
from convlstm.data.cells import format_time
from convlstm.data.steps import frequency_words
from convlstm.narrative import as_sentence
from convlstm.panel_compare import unscored_series_text

from .loaders import dataset_info, offers_total, panel_horizon_folds
from .state import DEFAULT_DATASET, choose_column, mark_column_widgets, source
from .text import escape_md, short_time, time_format

#: How many series the small multiples draw.
SMALL_MULTIPLES = 6


def note_caption(text: str | None) -> None:
    """A library note (a plain-words clause) as a small info line; nothing for
    None."""
    if text:
        st.caption(f":material/info: {escape_md(as_sentence(text))}")


def metric_row() -> Any:
    """A row for metric tiles, each as wide as its value, wrapping onto a new line
    where the page is too narrow (fixed columns cut "1949-01-01" to "1949-0…" at
    1280 px, and "monthly" to "m…" at 800)."""
    return st.container(horizontal=True, gap="medium")


def dataset_picker(
    *,
    key: str,
    help: str,
    default: str | None = None,
    where: Any = None,
    kinds: Sequence[str] = ("series",),
) -> str:
    """A "Dataset" select box over the bundled datasets, shown by their titles.

    Args:
        key: the widget key (each page keeps its own).
        help: the widget's tooltip.
        default: the dataset selected first (``DEFAULT_DATASET`` when None).
        where: the container to draw it in (default: the page).
        kinds: which datasets to offer: "series" (one series each) and/or
            "panel" (many series; only pages that show a panel's series picker).

    Returns:
        The chosen dataset's name.
    """
    names = [name for kind in kinds for name in datasets.names(kind)]
    default = default or DEFAULT_DATASET
    return (where or st).selectbox(
        "Dataset",
        names,
        index=names.index(default) if default in names else 0,
        format_func=lambda n: dataset_info(n).title,
        key=key,
        help=help,
    )


def panel_section(panel: pd.DataFrame) -> str:
    """A panel's overview: counts, a table of series, the series picker, and small
    multiples of a few series (the chosen one in colour).

    Returns:
        The chosen series (kept in the data choice for Train & compare).
    """
    summary = panel_summary(panel)
    names = summary["series"].astype(str).tolist()
    chosen = str(source().get("series") or names[0])
    row = metric_row()
    row.metric(
        "Series", f"{len(names):,}", help="Series read from the file.", width="content"
    )
    freq = panel.attrs.get("freq")
    row.metric(
        "Frequency",
        frequency_words(freq, short=True),
        help=f"Shared by all series: {frequency_words(freq)} (pandas alias {freq}).",
        width="content",
    )
    row.metric(
        "Points per series",
        f"{summary['points'].min():,}"
        + (
            f"-{summary['points'].max():,}"
            if summary["points"].max() != summary["points"].min()
            else ""
        ),
        help="The shortest and the longest series, after repairs.",
        width="content",
    )
    first, last = summary["start"].min(), summary["end"].max()
    row.metric(
        "First start",
        short_time(first, freq),
        help=f"The earliest first timestamp of a series: {format_time(first)}.",
        width="content",
    )
    row.metric(
        "Last end",
        short_time(last, freq),
        help=f"The latest last timestamp of a series: {format_time(last)}.",
        width="content",
    )
    dropped = panel.attrs.get("dropped") or []
    if dropped:
        were = "was" if len(dropped) == 1 else "were"
        st.caption(
            f"{len(dropped):,} series {were} too short to forecast and left out "
            "(listed under What the reader did)."
        )
    if unscored := unscored_series_text(panel, *panel_horizon_folds(panel, source())):
        st.info(unscored, icon=":material/short_text:")
    st.session_state["series"] = chosen
    mark_column_widgets()
    total = offers_total(panel)
    st.selectbox(
        "Series to train and compare",
        [*names, TOTAL_NAME] if total else names,
        key="series",
        on_change=choose_column,
        args=("series",),
        help="Train & compare trains on all series at once, or on this one "
        "alone. The small multiples below show the first few series and the one "
        "picked."
        + (
            f" *{TOTAL_NAME}* (last in the list) is their sum at each time, "
            "forecast as one series."
            if total
            else ""
        ),
    )
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Series** (length and dates after repairs)")
        fmt = time_format(pd.DatetimeIndex(panel["time"]), panel.attrs.get("freq"))
        st.dataframe(
            summary,
            height=min(280, 35 * (len(summary) + 1) + 3),
            hide_index=True,
            key="panel_table",
            column_config={
                "start": st.column_config.DatetimeColumn("Start", format=fmt),
                "end": st.column_config.DatetimeColumn("End", format=fmt),
                "points": st.column_config.NumberColumn("Points"),
                "series": st.column_config.TextColumn("Series"),
            },
        )
    with right:
        shown = names[:SMALL_MULTIPLES]
        picked = None if offers_total(panel, chosen) else chosen
        if picked is not None and picked not in shown:
            shown = [*shown[: SMALL_MULTIPLES - 1], picked]
        st.plotly_chart(
            plots.panel_figure(panel, shown, limit=SMALL_MULTIPLES, highlight=picked),
            key="panel_chart",
        )
        if len(names) > len(shown):
            st.caption(
                f"{len(shown)} of the {len(names):,} series drawn"
                + (", the one picked among them" if picked is not None else "")
                + "; the table beside lists them all, and the picker draws any."
            )
    return chosen
