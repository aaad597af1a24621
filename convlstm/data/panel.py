"""Panels: a table of many series (long, wide or ``unique_id, ds, y``) to one long
frame ``series, time, value`` (:func:`to_panel`), each series repaired on its own.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError
from .cells import and_list, format_time, plural, quote, same_name
from .columns import (
    BLOCK_COLUMN,
    EMPTY_ID,
    ID_SEPARATOR,
    calendar_columns,
    combine_time_columns,
    constant_id_columns,
    counter_columns,
    identify_series,
    numeric_columns,
    pick_time_column,
    pick_value_column,
    series_names,
)
from .dates import in_utc
from .frequency import freq_of, infer_freq, offset_of, seasonal_periods
from .hours import OpeningDays, OpeningHours, hours_of, session_of
from .series import (
    DORMANT_READING,
    FILL_SPIKES_HOW,
    INTERMITTENT_READING,
    SPIKE_STEPS,
    as_table,
    check_spikes,
    column_args,
    dormant_ends,
    filled_at,
    low_ends,
    parse_rows,
    repair,
    spike_mask,
    spike_periods,
    spike_scores,
    zero_shares,
)
from .steps import (
    AGGREGATIONS,
    MAX_EMPTY_SHARE,
    WHERE_TO_CHOOSE,
    check_agg,
    check_step,
    combine_panel_rows,
    frequency_words,
    on_local_clock,
    step_length,
    step_words,
)

logger = logging.getLogger(__name__)

#: Fewest points (timestamps with a value) a series of a panel needs; shorter
#: series are dropped with a note. Three is the fewest a frequency can be read from.
MIN_PANEL_POINTS = 3
#: Most series in a panel.
MAX_SERIES = 100_000
#: Most points in a panel after repair (gaps filled).
MAX_PANEL_POINTS = 20_000_000
#: How many series a note lists by name before it counts the rest.
_LISTED = 10
_NIXTLA = ("unique_id", "ds", "y")


def to_panel(
    df: pd.DataFrame,
    time_col: str | None = None,
    value_col: str | None = None,
    id_cols: list[str] | str | None = None,
    *,
    step: str | None = None,
    agg: str = "mean",
    spikes: str = "keep",
) -> pd.DataFrame:
    """Turn a table of one or many series into a long, repaired panel.

    Reads three layouts: long (a time column, id columns such as store or region,
    a value column), wide (a time column and one numeric column per series) and
    Nixtla's ``unique_id, ds, y``. Id columns are detected as
    :func:`~convlstm.data.columns.identify_series` says (text or whole-number
    columns whose values repeat across timestamps; or, with none, series stacked
    one after another, read as "block 1", "block 2"...), unless ``id_cols``
    names them;
    a table with no id column and several numeric columns is wide (every numeric
    column a series) unless ``value_col`` picks one. Times and values are parsed
    once for the whole table; then every series is repaired on its own by the
    steps :func:`~convlstm.data.to_series` uses (duplicate timestamps averaged,
    rows without a value at either end dropped, timestamps snapped onto the grid,
    gaps and missing values interpolated). Series may differ in length and start.
    A series whose gaps leave its time steps too irregular to give a frequency
    is read at the panel's frequency (that of its longest series) when all its
    timestamps lie on that grid, with a note. Times written with UTC offsets keep
    their local days when each series has one clock time (daily data recorded
    in different time zones), else they are converted to UTC. A series with
    fewer than ``MIN_PANEL_POINTS`` points with a value is dropped with a note.

    Args:
        df: the table, e.g. from :func:`read_csv`.
        time_col: the time column; picked automatically when None.
        value_col: the value column; picked automatically when None.
        id_cols: the id column(s); detected when None, none when ``[]``.
        step: read every series in regular steps of this length, each step's
            rows combined by ``agg`` (as :func:`~convlstm.data.to_series`).
        agg: how rows of one series that share a timestamp (or a ``step``) are
            combined: "mean", "sum", "last", "min", "max" or "count".
        spikes: "keep" lone spikes of a series (a note names them) or "fill"
            them like missing values (as :func:`~convlstm.data.to_series`).

    Returns:
        Columns ``series`` (str; several id columns joined with " / "), ``time``,
        ``value`` (float), sorted by series then time. ``attrs``: ``freq`` (the
        common frequency), ``notes`` (what was picked and repaired, each repair
        naming its series; a long list is summarised), ``repairs`` (series ->
        every repair note), ``dropped`` (the series dropped as too short),
        ``id_cols``, ``time_col`` and ``value_cols``.

    Raises:
        DataError: no usable time or value column, unknown columns, more than
            ``MAX_SERIES`` series or ``MAX_PANEL_POINTS`` points, series whose
            frequencies differ (the message names them), a series that cannot be
            repaired (named), or no series long enough.
    """
    df, notes = as_table(df)
    agg, step = check_agg(agg), check_step(step)  # before any work
    spikes = check_spikes(spikes)
    if isinstance(df.index, pd.DatetimeIndex | pd.PeriodIndex) and time_col is None:
        name = str(df.index.name) if df.index.name is not None else "time"
        df = df.reset_index(names=name)
        time_col = name
    if (
        time_col is None
        and value_col is None
        and id_cols is None
        and set(_NIXTLA) <= set(df.columns)
    ):
        time_col, value_col, id_cols = "ds", "y", ["unique_id"]
        notes.append("read the columns unique_id, ds, y as series, time and value")
    time_col, value_col = column_args(df, time_col, value_col)
    if time_col is None:
        df = combine_time_columns(df, value_col, notes)
        time_col, picked = pick_time_column(df, value_col)
        notes.extend(picked)
    df, ids = _id_columns(df, time_col, value_col, id_cols, notes, step)
    names, value_cols = _layout(df, time_col, value_col, ids, notes)
    df, names = _stray_rows(df, names, ids, time_col, notes)
    _note_unsplit(df, time_col, ids, value_cols, agg, notes)
    local = on_local_clock(step)
    long = _long_rows(df, time_col, names, value_cols, notes, local=local)
    long = combine_panel_rows(
        long, notes, agg=agg, step=step, listed=_LISTED, max_points=MAX_PANEL_POINTS
    )
    closed_step = long.attrs.get("closed_step")
    out = _repair_all(long, time_col, value_cols, ids, notes, agg, spikes, step)
    if closed_step:  # the opening hours or days that leave closed ones out
        out.attrs["closed_step"] = closed_step
    return out


def find_id_columns(
    df: pd.DataFrame,
    time_col: str | None = None,
    value_col: str | None = None,
    *,
    step: str | None = None,
) -> list[str]:
    """The id columns :func:`to_panel` would detect (empty: one series or wide),
    with the rows to be read in ``step`` when given.

    Cheap enough to decide whether a table is a panel before reading it.

    Raises:
        DataError: no time column, or an unknown column named.
    """
    df, _ = as_table(df)
    time_col, value_col = column_args(df, time_col, value_col)
    if time_col is None and set(_NIXTLA) <= set(df.columns) and value_col is None:
        return ["unique_id"]
    if time_col is None:
        if isinstance(df.index, pd.DatetimeIndex | pd.PeriodIndex):
            return []
        df = combine_time_columns(df, value_col, [])
        time_col, _ = pick_time_column(df, value_col)
    return identify_series(df, time_col, value_col, step=check_step(step))[1]


def wide_columns(df: pd.DataFrame, time_col: str | None = None) -> list[str]:
    """The numeric columns :func:`to_panel` reads as series of a wide table.

    What ``to_panel(df, time_col=time_col, id_cols=[])`` takes as one series each;
    empty when the table has fewer than two numeric columns besides the time
    (then it is one series). Cheap enough to offer that reading before making it.

    Raises:
        DataError: no time column, or an unknown column named.
    """
    df, _ = as_table(df)
    time_col, _ = column_args(df, time_col, None)
    # Times in the index leave every column to the values.
    if time_col is None and not isinstance(df.index, pd.DatetimeIndex | pd.PeriodIndex):
        df = combine_time_columns(df, None, [])
        time_col, _ = pick_time_column(df, None)
    numeric = numeric_columns(df, time_col)
    calendar = calendar_columns(df, numeric)
    if len(numeric) - len(calendar) >= 1:
        numeric = [c for c in numeric if c not in calendar]
    counters = counter_columns(df, numeric)
    if len(numeric) - len(counters) >= 1:
        numeric = [c for c in numeric if c not in counters]
    fixed = _fixed_columns(df, numeric)
    numeric = [c for c in numeric if c not in fixed]
    return numeric if len(numeric) >= 2 else []


def split_panel(panel: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """The series of a panel as ``(name, series)`` pairs, sorted by name.

    Each series is indexed by its times in order (the rows may come in any
    order), with ``freq`` set to ``attrs["freq"]``
    when the times fit it.

    Raises:
        DataError: not a frame with columns ``series``, ``time`` and ``value``,
            or no rows.
    """
    _check_panel(panel)
    freq = panel.attrs.get("freq")
    names = panel["series"].astype(str).to_numpy(dtype=object)
    index = pd.DatetimeIndex(panel["time"])
    times = index.to_numpy()
    values = pd.to_numeric(panel["value"], errors="coerce").to_numpy(dtype=float)
    order = np.argsort(names, kind="stable")
    by_name, stamps = names[order], index.asi8[order]
    if ((by_name[1:] == by_name[:-1]) & (stamps[1:] < stamps[:-1])).any():
        order = np.lexsort((index.asi8, names))  # rows out of time order
    names, times, values = names[order], times[order], values[order]
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    ends = np.r_[starts[1:], len(names)]
    return [
        (str(names[a]), pd.Series(values[a:b], index=_index(times[a:b], freq)))
        for a, b in zip(starts, ends, strict=True)
    ]


def series_of(panel: pd.DataFrame, name: str) -> pd.Series:
    """One series of a panel, as :func:`~convlstm.data.to_series` would return it
    (``name`` matched exactly, else the one series whose name differs in case
    alone).

    Returns:
        Float series named ``name`` on a DatetimeIndex with ``freq`` set;
        ``attrs["notes"]`` holds the panel's notes that concern every series or
        this one, ``attrs["time_col"]``/``["value_col"]`` the columns read,
        ``attrs["filled"]`` the runs of points the reader filled in (if any),
        ``attrs["closed"]`` the times of the week it is closed (if any).

    Raises:
        DataError: no series called ``name`` (the message lists some).
    """
    _check_panel(panel)
    names = panel["series"].astype(str)
    meant = same_name(names, name)
    rows = (names == meant).to_numpy()
    if meant is not None:
        name = meant
    if not rows.any():
        names = pd.unique(panel["series"])
        if len(names) == 1 and not panel.attrs.get("id_cols"):
            raise DataError(
                f"no series {quote(name)}: the file holds one series (its values "
                f"are in column {quote(names[0])}), not several named by an id "
                "column; drop the series choice (series=..., --series) to read it"
            )
        listed = ", ".join(quote(s) for s in names[:_LISTED])
        raise DataError(f"no series {quote(name)} in the panel (series: {listed})")
    part = panel.loc[rows]
    index = _index(pd.DatetimeIndex(part["time"]).to_numpy(), panel.attrs.get("freq"))
    y = pd.Series(part["value"].to_numpy(dtype=float), index=index, name=str(name))
    y.index.name = panel.attrs.get("time_col")
    own = panel.attrs.get("repairs", {}).get(str(name), [])
    shared = [n for n in panel.attrs.get("notes", []) if not n.startswith("series ")]
    y.attrs["notes"] = shared + [f"series {quote(name)}: {n}" for n in own]
    if ended := _ended_early(panel, y):
        y.attrs["notes"].append(ended)
    if filled := (panel.attrs.get("filled") or {}).get(str(name)):
        y.attrs["filled"] = filled  # the points the reader filled, for scoring
    if closed := (panel.attrs.get("closed") or {}).get(str(name)):
        y.attrs["closed"] = closed  # the times of the week it is shut
    if panel.attrs.get("time_zone"):
        y.attrs["time_zone"] = panel.attrs["time_zone"]
    y.attrs["time_col"] = panel.attrs.get("time_col")
    value_cols = panel.attrs.get("value_cols") or ["value"]
    y.attrs["value_col"] = value_cols[0] if len(value_cols) == 1 else str(name)
    return y


def _stale_cutoff(newest: pd.Timestamp, freq: str) -> pd.Timestamp | None:
    """The last time a series may end and count as stale: :data:`_STALE_STEPS`
    steps of ``freq`` before ``newest`` (None where the step cannot say)."""
    try:
        return newest - _STALE_STEPS * offset_of(freq)
    except (TypeError, ValueError, OverflowError):
        return None


def _ended_early(panel: pd.DataFrame, y: pd.Series) -> str | None:
    """A note when the series ``y`` of ``panel`` ends :data:`_STALE_STEPS` steps or
    more before the panel's newest time (a region that stopped reporting): its
    forecast starts after its own last time, not the file's."""
    freq = panel.attrs.get("freq")
    if not freq or y.empty:
        return None
    newest = pd.Timestamp(pd.DatetimeIndex(panel["time"]).max())
    cutoff = _stale_cutoff(newest, freq)
    if cutoff is None or y.index[-1] > cutoff:
        return None
    return (
        f"series {quote(y.name)} ends {format_time(y.index[-1])}, at least "
        f"{_STALE_STEPS} steps before the file's newest time "
        f"({format_time(newest)}): its forecast starts after its own last time "
        "(if its rows only stopped arriving, that forecast is for the past)"
    )


#: The name of a panel's total (:func:`total_of`): what the app's series choice and
#: the CLI's ``--total`` forecast.
TOTAL_NAME = "Total of all series"


def total_of(panel: pd.DataFrame) -> pd.Series:
    """The sum of a panel's series at each time, as one series: the top line a
    planner forecasts beside (or instead of) each product.

    A series counts as 0 before its first time and after its last (a product not
    yet launched, or discontinued), and so does a time no series has; gaps inside a
    series were repaired when the panel was read. The notes say how many series the
    total adds up and which of them start late or end early, since a series whose
    rows merely stopped arriving makes the total's last steps too low.

    Returns:
        Float series named :data:`TOTAL_NAME` on a DatetimeIndex with ``freq`` set
        (where the times fit it), ``attrs`` as :func:`series_of` sets them.

    Raises:
        DataError: not a panel, or its values are not numbers.
    """
    _check_panel(panel)
    values = pd.to_numeric(panel["value"], errors="coerce")
    if values.notna().sum() == 0:
        raise DataError("the panel has no numeric values to add up")
    # a file's subtotals per group and its own total row: left out, not added
    subtotals = _subtotal_rows(panel, values)
    panel, values = _without(panel, values, subtotals)
    sums = _sums(panel, values)
    totals, exact = _total_rows(panel, values, sums)
    if totals:
        panel, values = _without(panel, values, totals)
        sums = _sums(panel, values)
    freq = panel.attrs.get("freq")
    index = pd.DatetimeIndex(sums.index)
    if freq is not None:
        try:
            index = pd.date_range(index[0], index[-1], freq=offset_of(freq))
        except (TypeError, ValueError):
            index = _index(index.to_numpy(), freq)
    total = sums.reindex(index, fill_value=0.0).fillna(0.0).astype(float)
    y = pd.Series(total.to_numpy(), index=_index(index.to_numpy(), freq))
    y.name = TOTAL_NAME
    y.index.name = panel.attrs.get("time_col")
    spans = panel.groupby("series", sort=True)["time"].agg(["min", "max"])
    n = len(spans)
    stale = stale_series_note(panel, freq)  # said of the total below
    notes = [
        note
        for note in panel.attrs.get("notes", [])
        if not note.startswith("series ") and note != stale
    ]
    notes.append(
        f"the total of {plural(n, 'series')}: their sum at each time (a series "
        "counts as 0 where it has no rows)"
    )
    if dropped := panel.attrs.get("dropped"):
        notes.append(
            f"{plural(len(dropped), 'series')} too short to read "
            f"{'is' if len(dropped) == 1 else 'are'} not in the total"
        )
    if subtotals:
        levels = panel.attrs.get("id_cols") or []
        notes.append(
            f"left out {plural(len(subtotals), 'subtotal')} ({_listing(subtotals)}): "
            f"{'it is' if len(subtotals) == 1 else 'each is'} the sum of the other "
            f"series that share its {and_list([quote(c) for c in levels[:-1]])}, "
            "which would count their values twice"
        )
    if totals:
        notes.append(
            f"left out {_listing(totals)}: "
            f"{'it is' if len(totals) == 1 else 'each is'} the sum of the other "
            "series (the file's own total), which would count every value twice"
            + (
                ""
                if exact
                else f" (within {NEAR_TOTAL:.0%} at nearly all its times: a total "
                "may hold what no series does, such as cases of no known region, or "
                "figures the others suppress)"
            )
        )
    late = spans.index[spans["min"] > index[0]].tolist()
    early = spans.index[spans["max"] < index[-1]].tolist()
    if late:
        one = len(late) == 1
        notes.append(
            f"{plural(len(late), 'series')} {'starts' if one else 'start'} after "
            f"{format_time(index[0])} and {'counts' if one else 'count'} as 0 "
            f"before: {_listing([str(s) for s in late])}"
        )
    if early:
        one = len(early) == 1
        notes.append(
            f"{plural(len(early), 'series')} {'ends' if one else 'end'} before "
            f"{format_time(index[-1])} and {'counts' if one else 'count'} as 0 "
            "after (right for a product dropped; if their rows are only late, the "
            f"total's last steps are too low): {_listing([str(s) for s in early])}"
        )
    y.attrs["notes"] = notes
    if panel.attrs.get("time_zone"):
        y.attrs["time_zone"] = panel.attrs["time_zone"]
    y.attrs["time_col"] = panel.attrs.get("time_col")
    value_cols = panel.attrs.get("value_cols") or ["value"]
    y.attrs["value_col"] = value_cols[0] if len(value_cols) == 1 else "total"
    return y


def _without(
    panel: pd.DataFrame, values: pd.Series, names: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """``panel`` and its ``values`` without the series ``names``."""
    if not names:
        return panel, values
    rest = ~panel["series"].astype(str).isin(names).to_numpy()
    return panel[rest], values[rest]


def _sums(panel: pd.DataFrame, values: pd.Series) -> pd.Series:
    """The panel's values summed at each time, in time order."""
    times = pd.DatetimeIndex(panel["time"]).to_numpy()
    return values.groupby(times).sum(min_count=1).sort_index()


def _exact_sums(names: pd.Series, values: pd.Series, sums: np.ndarray) -> list[str]:
    """The names whose value is half of ``sums`` (the sum of their group at each
    of their rows, themselves included) at 99% of their rows or more."""
    v = values.to_numpy(dtype=float)
    same = np.abs(sums - 2 * v) <= 1e-6 * np.maximum(np.abs(sums), 1e-12)
    share = pd.Series(same, index=names.index).groupby(names.to_numpy()).mean()
    return [str(s) for s in share.index[share >= 0.99]]


def _subtotal_rows(panel: pd.DataFrame, values: pd.Series) -> list[str]:
    """The series of a panel read with several id columns (state and county,
    say) that are the sum of the others sharing their first ids (a "Total"
    county row per state): subtotals, which :func:`total_of` would count twice.
    Checked from the finest level up, each level without the subtotals found
    below it, in groups of three series or more."""
    levels = len(panel.attrs.get("id_cols") or [])
    names = panel["series"].astype(str)
    if levels < 2 or names.nunique() <= 3:
        return []
    parts = names.str.split(" / ", n=levels - 1, regex=False)
    if not (parts.str.len() == levels).all():
        return []  # an id holds " / " itself: its levels are not known
    found: list[str] = []
    keep = np.ones(len(panel), dtype=bool)
    times = pd.DatetimeIndex(panel["time"]).to_numpy()
    for k in range(levels - 1, 0, -1):
        group = parts.str[:k].str.join(" / ").to_numpy()
        rows = pd.DataFrame(
            {"group": group, "time": times, "name": names.to_numpy(), "v": values}
        )[keep]
        size = rows.groupby("group")["name"].nunique()
        rows = rows[rows["group"].map(size).to_numpy() >= 3]
        if rows.empty:
            continue
        sums = rows.groupby(["group", "time"])["v"].transform("sum").to_numpy()
        sub = _exact_sums(rows["name"], rows["v"], sums)
        found += sub
        keep &= ~names.isin(sub).to_numpy()
    return found


def _total_rows(
    panel: pd.DataFrame, values: pd.Series, sums: pd.Series
) -> tuple[list[str], bool]:
    """The series of ``panel`` that are the sum of all the others (a file's own
    total row): at nearly every one of its times (99%), twice its value is the sum
    of every series there; else the largest one within :data:`NEAR_TOTAL` of the
    others' sum at 95% of its times. None are when the panel holds two series or
    fewer. Returns them and whether they are exact sums."""
    names = panel["series"].astype(str)
    if names.nunique() <= 2:
        return [], True
    at = sums.reindex(pd.DatetimeIndex(panel["time"])).to_numpy(dtype=float)
    v = values.to_numpy(dtype=float)
    exact = _exact_sums(names, values, at)
    if exact:
        return exact, True
    # nearly: the rest within NEAR_TOTAL of it at 95% of its times (a national
    # count holds cases of no known region; suppressed cells were read as
    # substitutes); the largest such series only
    rest = at - v
    near = pd.Series(
        np.abs(v - rest) <= NEAR_TOTAL * np.maximum(np.abs(v), 1e-12), index=panel.index
    )
    close = near.groupby(names.to_numpy()).mean()
    found = close.index[close >= 0.95]
    if not len(found):
        return [], True
    size = values.groupby(names.to_numpy()).mean()
    return [str(size[found].idxmax())], False


#: How far from the sum of the other series (a share of it) a series may be and
#: still be read as the file's own total (:func:`total_of`).
NEAR_TOTAL = 0.05


def natural_key(name: object) -> tuple:
    """A sort key that orders series names as people count: "2" before "10",
    "store 9" before "store 10" (runs of digits compared as numbers, the rest as
    text; the name itself breaks ties such as "7" and "07")."""
    parts = [p for p in re.split(r"(\d+)", str(name)) if p]
    return (
        tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts),
        str(name),
    )


def natural_order(names: object) -> list:
    """``names`` sorted by :func:`natural_key` (for showing series: fits keep
    :func:`split_panel`'s order)."""
    return sorted(names, key=natural_key)


def panel_summary(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per series: ``series``, ``points``, ``start``, ``end``, in the
    order of :func:`natural_order` ("2" before "10").

    Raises:
        DataError: not a panel.
    """
    _check_panel(panel)
    groups = panel.groupby("series", sort=True)["time"]
    out = pd.DataFrame(
        {"points": groups.size(), "start": groups.min(), "end": groups.max()}
    )
    out = out.reindex(natural_order(out.index))
    return out.rename_axis("series").reset_index()


def _check_panel(panel: pd.DataFrame) -> None:
    if not isinstance(panel, pd.DataFrame):
        raise DataError(f"expected a panel (a DataFrame), got {type(panel).__name__}")
    missing = [c for c in ("series", "time", "value") if c not in panel.columns]
    if missing:
        raise DataError(
            "a panel is a long frame with columns series, time and value (missing: "
            + ", ".join(missing)
            + "); build one with convlstm.to_panel"
        )
    if len(panel) == 0:
        raise DataError("the panel has no rows")
    unnamed = np.flatnonzero(panel["series"].isna().to_numpy())
    if len(unnamed):
        raise DataError(
            f"{plural(len(unnamed), 'row')} of the panel "
            f"{'has' if len(unnamed) == 1 else 'have'} no series id (the first is "
            f"row {unnamed[0]}); name every series (convlstm.to_panel calls an "
            "empty id '(empty)')"
        )


def _index(times: np.ndarray, freq: str | None) -> pd.DatetimeIndex:
    """Timestamps with ``freq`` set when they fit it (else the model's check says)."""
    index = pd.DatetimeIndex(times)
    if freq is not None:
        try:
            return pd.DatetimeIndex(index, freq=offset_of(freq))
        except ValueError:
            return index
    return index


def _id_columns(
    df: pd.DataFrame,
    time_col: str,
    value_col: str | None,
    id_cols: list[str] | str | None,
    notes: list[str],
    step: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The table (with the reader's block column when it found series stacked one
    after another without an id column, or was told to read such blocks) and its
    id columns: checked when given, else detected (with a note)."""
    ids = None if id_cols is None else [str(c) for c in np.atleast_1d(id_cols)]
    if ids is None or (
        len(ids) == 1 and ids[0].startswith(BLOCK_COLUMN) and ids[0] not in df.columns
    ):
        df, found, picked = identify_series(df, time_col, value_col, step=step)
        notes.extend(picked)
        if ids is None or found == ids:
            return df, found
    for c in ids:
        if c not in df.columns:
            listed = ", ".join(quote(x) for x in list(df.columns)[:10])
            raise DataError(f"id column {quote(c)} is not a column (columns: {listed})")
        if c in (time_col, value_col):
            role = "time" if c == time_col else "value"
            raise DataError(
                f"column {quote(c)} cannot be both an id and the {role} column"
            )
    if ids and ids != ["unique_id"]:  # Nixtla's layout has its own note
        listed = ", ".join(quote(c) for c in ids)
        notes.append(f"read id column(s) {listed} as chosen: they name the series")
    return df, ids


def _layout(
    df: pd.DataFrame,
    time_col: str,
    value_col: str | None,
    ids: list[str],
    notes: list[str],
) -> tuple[pd.Series | None, list[str]]:
    """Series names per row (long) or None (wide), and the value column(s)."""
    if ids:
        if value_col is None:
            if set(df.columns) <= {time_col, *ids}:
                listed = ", ".join(quote(c) for c in ids)
                raise DataError(
                    f"no value column left: besides the time column {quote(time_col)}"
                    f" every column is an id column ({listed}); keep the column of "
                    "numbers to forecast out of the id columns (id_cols=..., "
                    "--id-col, or Series id columns on the Data page)"
                )
            try:
                value_col, picked = pick_value_column(df.drop(columns=ids), time_col)
            except DataError:
                numeric = [c for c in ids if pd.api.types.is_numeric_dtype(df[c].dtype)]
                if not numeric:
                    raise
                listed = ", ".join(quote(c) for c in numeric)
                raise DataError(
                    f"no column of numbers left to forecast: {listed}, chosen as an "
                    "id column, holds the numbers; an id column names the series, "
                    "so keep the values out of the id columns (id_cols=..., --id-col, "
                    "or Series id columns on the Data page)"
                ) from None
            notes.extend(picked)
        return series_names(df, ids, notes), [value_col]
    if value_col is not None:
        return None, [value_col]
    numeric = numeric_columns(df, time_col)
    named = constant_id_columns(df, numeric) if len(numeric) >= 2 else []
    if named and len(numeric) > len(named):
        numeric = [c for c in numeric if c not in named]
        notes.append(
            f"left out {_listing(named)}: one value in every row, the name of the "
            "one series (an id), not a series"
        )
    for found, what in (
        (calendar_columns, "numbers of the calendar (weekday, hour...)"),
        (counter_columns, "row numbers or running ids (1, 2, 3...)"),
    ):
        left = found(df, numeric) if len(numeric) >= 2 else []
        if left and len(numeric) - len(left) >= 2:
            numeric = [c for c in numeric if c not in left]
            notes.append(f"left out {_listing(left)}: {what}, not series")
        elif left and len(numeric) > len(left):
            numeric = numeric[:1]  # one series: pick_value_column passes them
    fixed = _fixed_columns(df, numeric)
    if fixed:
        # a station's coordinates, a unit code: one value beside columns that move
        numeric = [c for c in numeric if c not in fixed]
        notes.append(
            f"left out {_listing(fixed)}: the same value in every row (such as "
            f"{df[fixed[0]].dropna().iloc[0]:g} in {quote(fixed[0])}), not a series"
        )
    if len(numeric) >= 2:
        notes.append(
            f"read a wide table: each of the {len(numeric)} numeric columns is a "
            "series (" + _listing(numeric) + ")"
        )
        empty = [
            c
            for c in df.columns
            if c != time_col and c not in numeric and _blank(df[c])
        ]
        if empty:
            notes.append(f"left out {_listing(empty)}: no values at all, so no series")
        return None, numeric
    value_col, picked = pick_value_column(df.drop(columns=fixed), time_col)
    notes.extend(picked)
    return None, [value_col]


#: Rows without an id fewer than this share of a named series' (the median's)
#: are stray rows, not a series of their own.
STRAY_SHARE = 0.5


def _note_unsplit(
    df: pd.DataFrame,
    time_col: str,
    ids: list[str],
    value_cols: list[str],
    agg: str,
    notes: list[str],
) -> None:
    """A note when the rows that one series holds at one time differ in a text
    column that is not an id column (a product under each store whose id was
    left out): their values are combined by ``agg``, which may not be what the
    user meant, so the note says how to get their total or each one apart."""
    keys = [*ids, time_col]
    dup = df.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return
    rows = df.loc[dup]
    split = []
    for c in df.columns:
        if c in keys or c in value_cols or pd.api.types.is_numeric_dtype(df[c]):
            continue
        varies = rows.groupby(keys, sort=False, dropna=False)[c].nunique(dropna=True)
        if (varies > 1).any():
            split.append(c)
    if not split:
        return

    def shown(c: str) -> str:
        values = list(dict.fromkeys(rows[c].dropna().astype(str)))
        listed = ", ".join(quote(v) for v in values[:3])
        more = f" and {len(values) - 3:,} more" if len(values) > 3 else ""
        return f"{quote(c)} ({listed}{more})"

    one = len(split) == 1
    total = (
        ""
        if agg == "sum"
        else "; for their total, combine them by sum (agg=..., --agg, or Rows in "
        "one step on the Data page)"
    )
    notes.append(
        f"the rows of {'a series' if ids else 'the series'} at one time differ in "
        f"{and_list(shown(c) for c in split[:3])}, which "
        f"{'is not an id column' if one else 'are not id columns'}: their values "
        f"were {AGGREGATIONS[agg]}{total}; to forecast each apart, add "
        f"{'it' if one else 'them'} to the id columns (id_cols=..., --id-col, or "
        "Series id columns on the Data page)"
    )


def _stray_rows(
    df: pd.DataFrame,
    names: pd.Series | None,
    ids: list[str],
    time_col: str,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.Series | None]:
    """``df`` and its rows' series ``names`` without the rows that have no id
    in any id column, where they are fewer than :data:`STRAY_SHARE` of the
    median named series' rows: rows pasted or left over without their store
    or product, read before as a series "(empty)" of a few scattered points
    (and picked first, the name sorting before the others). As many rows as a
    series has stay a series, "(empty)" (an id the file leaves blank on purpose,
    such as no known region)."""
    if names is None or not ids:
        return df, names
    blank = ID_SEPARATOR.join([EMPTY_ID] * len(ids))
    stray = (names == blank).to_numpy()
    if not stray.any() or stray.all():
        return df, names
    counts = names[~stray].value_counts()
    if stray.sum() >= STRAY_SHARE * float(counts.median()):
        return df, names
    first = df[time_col].to_numpy()[stray][0]
    listed = and_list([quote(c) for c in ids])
    notes.append(
        f"left out {plural(int(stray.sum()), 'row')} with no {listed} (the first "
        f"at time {quote(first)}): too few for a series of their own (the "
        f"{plural(len(counts), 'series')} named have {float(counts.median()):g} "
        "rows each in the median); write the id in those rows to keep them"
    )
    keep = ~stray
    return df.loc[keep].reset_index(drop=True), names[keep].reset_index(drop=True)


def _fixed_columns(df: pd.DataFrame, numeric: list[str]) -> list[str]:
    """The columns of ``numeric`` that are not series of a wide table: those with
    the same value in every row that has one, when another column moves. Beside
    two or more that move, a column of zeros stays (a product never sold is a
    series of the table); beside one, the file holds that one series."""
    if len(numeric) < 2:
        return []
    same = [c for c in numeric if df[c].nunique(dropna=True) == 1]
    moving = len(numeric) - len(same)
    if moving == 0:
        return []
    if moving == 1:
        return same
    return [c for c in same if (df[c].dropna() != 0).all()]


def _blank(col: pd.Series) -> bool:
    """Whether a column holds no value at all (missing or empty text)."""
    if pd.api.types.is_numeric_dtype(col.dtype):
        return bool(col.isna().all())
    return bool(
        col.isna().all() or (col.fillna("").astype(str).str.strip() == "").all()
    )


def _long_rows(
    df: pd.DataFrame,
    time_col: str,
    names: pd.Series | None,
    value_cols: list[str],
    notes: list[str],
    *,
    local: bool = False,
) -> pd.DataFrame:
    """One row per (series, time, value), times and values parsed, sorted
    (``local``: see :func:`~convlstm.data.series.parse_rows`)."""
    frames = []
    for value_col in value_cols:
        times, values, kept = parse_rows(
            df, df[time_col], time_col, value_col, notes, groups=names, local=local
        )
        if names is None:
            labels = np.full(len(values), value_col, dtype=object)
        else:
            labels = names.to_numpy()[kept]
        frames.append(pd.DataFrame({"series": labels, "time": times, "value": values}))
    long = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    n_series = long["series"].nunique()
    if n_series > MAX_SERIES:
        raise DataError(
            f"the table holds {n_series:,} series; at most {MAX_SERIES:,} are read. "
            "Keep fewer series (filter the file) or check the id columns"
        )
    return long.sort_values(["series", "time"], kind="stable", ignore_index=True)


def _repair_all(
    long: pd.DataFrame,
    time_col: str,
    value_cols: list[str],
    ids: list[str],
    notes: list[str],
    agg: str = "mean",
    spikes: str = "keep",
    step: str | None = None,
) -> pd.DataFrame:
    """Repair each series on its own; drop the short ones; one frequency for all.

    Series already regular on the common grid (no gap, no missing value) pass
    through in one vectorised step; the others go through :func:`repair` one by
    one, which is what keeps ten thousand tidy series fast. Rows read in opening
    hours or days (``step``) keep them: a few weeks of them would not tell
    their own.
    """
    made = step if session_of(step) is not None else None
    labels = long["series"].to_numpy()
    times = long["time"].to_numpy()
    values = long["value"].to_numpy(dtype=float)
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    ends = np.r_[starts[1:], len(labels)]
    finite = np.add.reduceat(np.isfinite(values).astype(np.int64), starts)
    short = finite < MIN_PANEL_POINTS
    dropped = [str(labels[a]) for a in starts[short]]
    _note_dropped(dropped, notes)
    if short.all():
        raise DataError(
            f"no series has at least {MIN_PANEL_POINTS} points with a value; "
            "a forecast needs longer series"
        )
    value_name = value_cols[0] if len(value_cols) == 1 else "value"
    longest = int(np.argmax(np.where(short, -1, ends - starts)))
    main = _repair_one(
        labels, times, values, starts[longest], ends[longest], [], agg=agg, made=made
    )
    freq = freq_of(main.index)
    clean = _on_grid(times, values, starts, ends, freq) & ~short
    freqs: dict[str, str] = {}
    repairs: dict[str, list[str]] = {}
    filled: dict[str, list] = {}  # series -> the runs of points filled in
    closed: dict[str, list[int]] = {}  # series -> the times of the week it is shut
    pieces = [long.loc[np.repeat(clean, ends - starts), ["series", "time", "value"]]]
    for a, b in zip(starts[~clean & ~short], ends[~clean & ~short], strict=True):
        own: list[str] = []
        y = _repair_one(
            labels, times, values, a, b, own, time_col, value_name, freq, agg, made
        )
        name = str(labels[a])
        if own:
            repairs[name] = own
        if y.attrs.get("filled"):
            filled[name] = y.attrs["filled"]
        if y.attrs.get("closed"):
            closed[name] = y.attrs["closed"]
        freqs[name] = freq_of(y.index)
        pieces.append(
            pd.DataFrame({"series": name, "time": y.index, "value": y.to_numpy()})
        )
    freq = _common_freq(freqs, freq, [str(labels[a]) for a in starts[clean]], closed)
    _note_repairs(repairs, notes)
    out = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    if len(out) > MAX_PANEL_POINTS:
        raise DataError(
            f"the panel holds {len(out):,} points once gaps are filled; at most "
            f"{MAX_PANEL_POINTS:,}: keep fewer or shorter series"
        )
    out = out.sort_values(["series", "time"], kind="stable", ignore_index=True)
    out["value"] = out["value"].astype(float)
    if spikes == "fill":
        _fill_spikes(out, freq, repairs, filled, notes)
    _note_stale(out, freq, notes)
    _note_spikes(out, notes, spike_periods(freq))
    _note_low_ends(out, notes)
    _note_mostly_zero(out, notes)
    _note_dormant(out, notes)
    out.attrs = {
        "freq": freq,
        "time_zone": "UTC" if in_utc(notes) else None,
        "notes": notes,
        "repairs": repairs,
        "filled": filled,
        "closed": closed,
        "dropped": dropped,
        "id_cols": ids,
        "time_col": time_col,
        "value_cols": value_cols,
    }
    logger.debug(
        "to_panel: %d series, %d points at %s", out["series"].nunique(), len(out), freq
    )
    return out


def _repair_one(
    labels: np.ndarray,
    times: np.ndarray,
    values: np.ndarray,
    a: int,
    b: int,
    notes: list[str],
    time_col: str = "time",
    value_name: str = "value",
    freq: str | None = None,
    agg: str = "mean",
    made: str | None = None,
) -> pd.Series:
    """Rows ``a:b`` (one series) through :func:`repair`; errors name the series.

    ``freq``: the panel's frequency, for a series whose gaps leave its time
    steps too irregular to give one; ``made``: the opening hours or days the
    rows were read in, which the series keeps when its times are their steps.
    """
    index = pd.DatetimeIndex(times[a:b])
    if made is not None:
        with contextlib.suppress(ValueError):  # not every step: inferred
            index = pd.DatetimeIndex(index, freq=offset_of(made))
    y = pd.Series(values[a:b], index=index)
    try:
        return repair(
            y,
            time_col,
            notes,
            value_name=value_name,
            min_points=MIN_PANEL_POINTS,
            fallback_freq=freq,
            agg=agg,
        )
    except DataError as exc:
        named = DataError(f"series {quote(str(labels[a]))}: {exc}")
        for offer in ("suggested_step", "suggested_agg"):  # a step that reads it
            if hasattr(exc, offer):
                setattr(named, offer, getattr(exc, offer))
        raise named from None


def _on_grid(
    times: np.ndarray,
    values: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    freq: str,
) -> np.ndarray:
    """Per series: whether it is already regular at ``freq`` with every value."""
    off = offset_of(freq)
    t = pd.DatetimeIndex(times)
    # each distinct time once: an offset pandas steps one by one (business
    # hours) takes seconds over 100,000 rows, yet a panel's series share times
    codes, distinct = pd.factorize(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-vectorised offsets warn
        after = distinct + off
        step = after.asi8[codes]
        on = ((after - off).asi8 == distinct.asi8)[codes] & (codes >= 0)
    nxt = np.r_[t.asi8[1:], 0]
    bad = ~np.isfinite(values) | ~on
    follows = step == nxt
    follows[ends - 1] = True
    bad |= ~follows
    return ~np.logical_or.reduceat(bad, starts)


def _common_freq(
    freqs: dict[str, str],
    main: str,
    on_main: list[str],
    closed: Mapping[str, list[int]] | None = None,
) -> str:
    """The frequency every series shares.

    Args:
        freqs: series -> frequency, for the series repaired one by one.
        main: the frequency of the longest series.
        on_main: the series already regular at ``main`` (not in ``freqs``).
        closed: series -> the times of the week it is closed (its hours are
            empty there), for the step offered when the series differ.

    Raises:
        DataError: the series differ (the message names those off the majority;
            on a tie the majority is the longest series' frequency).
    """
    every = {**dict.fromkeys(on_main, main), **freqs}
    counts = pd.Series(every, dtype=object).value_counts()
    if len(counts) == 1:
        return main
    # most series first; on a tie, the longest series' frequency
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] != main))
    main, n_main = str(ranked[0][0]), int(ranked[0][1])
    odd = [s for s, f in every.items() if f != main]

    def named(freq: str) -> str:  # opening hours in words, not "cbh(...)"
        return frequency_words(freq) if session_of(freq) is not None else freq

    detail = ", ".join(f"{quote(s)} ({named(every[s])})" for s in odd[:_LISTED])
    more = f" and {len(odd) - _LISTED} more" if len(odd) > _LISTED else ""
    shut: dict[str, int] = {}  # frequency -> most hours a week a series shuts
    for name, times in (closed or {}).items():
        if name in every:
            shut[every[name]] = max(shut.get(every[name], 0), len(times))
    step = _longest(counts.index, shut)
    exc = DataError(
        f"the series do not share one frequency: {plural(n_main, 'series')} "
        f"{'is' if n_main == 1 else 'are'} {named(main)} but these differ: "
        f"{detail}{more}; "
        f"read them all in one step, such as {step_words(step)} "
        f"{WHERE_TO_CHOOSE}, or leave them out"
    )
    exc.suggested_step = step  # a step that reads them all (the app offers it)
    raise exc


def shared_freq(items: list[tuple[str, pd.Series]]) -> str:
    """The one frequency of some series of a panel, for a model that steps them
    all alike (one network): a panel from :func:`to_panel` always has one; a
    frame built by hand may not.

    Raises:
        DataError: a series' times have no regular frequency, or the series
            differ (the message names those off the majority).
    """
    freqs: dict[str, str] = {}
    for name, y in items:
        freq = freq_of(y.index) or infer_freq(y.index)
        if freq is None:
            raise DataError(
                f"series {quote(name)}: its times have no regular frequency; read "
                "the panel with convlstm.to_panel, which infers and repairs them"
            )
        freqs[name] = freq
    longest = max(items, key=lambda item: len(item[1]))[0]
    return _common_freq(freqs, freqs[longest], [])


def _longest(freqs, shut: Mapping[str, int] | None = None) -> str:
    """The longest of some pandas frequencies (monthly of daily and monthly); of
    hourly steps in different opening hours, the hours that hold them all
    (hourly, when they cover the whole day), or the days that hold them when
    those hours would leave a series' steps mostly empty (a café open 10:00 to
    20:00 beside a bar open 18:00 to 02:00; ``shut``: of each frequency, the
    most steps a week a series of it is closed, empty too); of days on
    different days of the week, the days that hold them all (daily, when that
    is every day)."""
    freqs = [str(f) for f in freqs]
    hours = [hours_of(f) for f in freqs]
    if all(h is not None or f == "h" for h, f in zip(hours, freqs, strict=True)):
        union = None if "h" in freqs else OpeningHours.union([h for h in hours if h])

        def weekly(h: OpeningHours | None) -> int:  # steps a week
            return 24 * 7 if h is None else h.per_day * len(h.days)

        held = [
            weekly(h) - (shut or {}).get(f, 0)
            for h, f in zip(hours, freqs, strict=True)
        ]
        if min(held) > (1 - MAX_EMPTY_SHARE) * weekly(union):
            return "h" if union is None else union.freq
        # the calendar days that hold their hours (a night's next day too)
        each = [
            {
                (d + k) % 7
                for d in (range(7) if h is None else h.days)
                for k in ((0, 1) if h is not None and h.past_midnight else (0,))
            }
            for h in hours
        ]
        return _days_holding(each)
    days = [session_of(f) for f in freqs]
    if all(
        isinstance(d, OpeningDays) or f == "D" for d, f in zip(days, freqs, strict=True)
    ):
        return _days_holding(
            [set(range(7)) if d is None else set(d.days) for d in days]
        )
    return max(freqs, key=step_length)


def _days_holding(each: list[set[int]]) -> str:
    """The days of the week that hold each series' days (``each``: the days of
    the week each opens): opening days, or daily when that is every day; weekly
    steps where those would leave a series' days mostly empty (a market open
    three days a week beside bars open every day)."""
    days = set().union(*each)
    if min(map(len, each)) < (1 - MAX_EMPTY_SHARE) * len(days):
        return "W-MON"
    return OpeningDays(tuple(days)).freq if len(days) < 7 else "D"


#: Steps a series may end before the newest end of a panel unremarked.
_STALE_STEPS = 10


def _note_stale(out: pd.DataFrame, freq: str, notes: list[str]) -> None:
    if note := stale_series_note(out, freq):
        notes.append(note)


def stale_series_note(panel: pd.DataFrame, freq: str | None) -> str | None:
    """A note on the series of a panel (``series, time``) that end
    ``_STALE_STEPS`` steps or more before the newest one (a store closed, or its
    rows stopped): each is forecast from its own last time, not from the
    panel's. None when there are none, or all end alike."""
    if panel.empty or not freq:
        return None
    last = panel.groupby("series", sort=True)["time"].max()
    newest = last.max()
    cutoff = _stale_cutoff(newest, freq)
    if cutoff is None:
        return None
    stale = last[last <= cutoff]
    if not len(stale) or len(stale) == len(last):
        return None
    return (
        f"{plural(len(stale), 'series')} {'ends' if len(stale) == 1 else 'end'} "
        f"at least {_STALE_STEPS} steps "
        f"before the newest ({format_time(newest)}): {_listing(list(stale.index))}"
        f"; each is forecast from its own last time (the first ends "
        f"{format_time(stale.min())})"
    )


def short_cycle_note(panel: pd.DataFrame, freq: str | None) -> str | None:
    """A note on the series of a panel (``series, time``) too short for a longer
    natural cycle that other series hold twice (a shop open eight months beside
    shops with three years of days): the models decompose or copy that cycle for
    the others but not for them, so their forecasts miss it. None when no series
    is short, or all are."""
    if panel.empty or not freq:
        return None
    try:
        longer = seasonal_periods(freq)[1:]
    except (TypeError, ValueError):
        return None
    if not longer:
        return None
    lengths = panel.groupby("series", sort=True).size()
    for cycle in sorted(longer, reverse=True):
        short = lengths[lengths < 2 * cycle]
        if len(short) and len(short) < len(lengths):
            miss = "its forecast misses" if len(short) == 1 else "their forecasts miss"
            return (
                f"{plural(len(short), 'series')} "
                f"{'holds' if len(short) == 1 else 'hold'} fewer than two cycles of "
                f"the longest season ({cycle} steps: {2 * cycle} in all), which the "
                f"other series hold: {_listing(list(short.index))}; ETS, Theta, ARIMA "
                "and the seasonal naive see only the shorter cycles there, so "
                f"{miss} that season's rise and fall"
            )
    return None


def _fill_spikes(
    out: pd.DataFrame,
    freq: str,
    repairs: dict[str, list[str]],
    filled: dict[str, list],
    notes: list[str],
) -> None:
    """Fill the spikes of every series (``out`` sorted by series, then time)
    as :func:`~convlstm.data.series.fill_spikes` does for one, in place: each
    series' repairs and filled runs say so, and one note counts them."""
    names = out["series"].to_numpy()
    far = spike_mask(out["value"].to_numpy(dtype=float), names, spike_periods(freq))
    if not far.any():
        return
    hit = list(dict.fromkeys(names[far]))
    positions = pd.Series(names).groupby(names, sort=False).indices
    values, times = (
        out["value"].to_numpy(dtype=float, copy=True),
        out["time"].to_numpy(),
    )
    for name in hit:
        rows = positions[name]
        y = pd.Series(values[rows], index=_index(times[rows], freq))
        y.attrs["filled"] = filled.get(name)
        own: list[str] = []
        y = filled_at(y, far[rows], own)
        values[rows] = y.to_numpy()
        filled[name] = y.attrs["filled"]
        repairs.setdefault(name, []).extend(own)
    out["value"] = values
    notes.append(
        f"filled {plural(int(far.sum()), 'spike')} (values far from their "
        f"neighbours) in {plural(len(hit), 'series')} as missing values by linear "
        f"interpolation (not scored): {_listing([str(n) for n in hit])}"
    )


def _note_spikes(
    out: pd.DataFrame, notes: list[str], periods: tuple[int, ...] = ()
) -> None:
    """A note on the series with a value (or a short run) far from its neighbours
    (:func:`~convlstm.data.series.spike_scores`, as for one series)."""
    names = out["series"].to_numpy()
    v = out["value"].to_numpy(dtype=float)
    ratio = spike_scores(v, names, periods)
    far = ratio > SPIKE_STEPS
    if not far.any():
        return
    worst = (
        pd.DataFrame(
            {"series": names[far], "ratio": ratio[far], "at": np.flatnonzero(far)}
        )
        .sort_values("ratio", ascending=False)
        .drop_duplicates("series")
    )
    times = pd.DatetimeIndex(out["time"])
    shown = [
        f"{quote(str(r.series))} ({v[r.at]:.6g} at {format_time(times[r.at])})"
        for r in worst.head(_LISTED).itertuples()
    ]
    notes.append(
        f"check the data: {plural(len(worst), 'series')} "
        f"{'has' if len(worst) == 1 else 'have'} a value standing over "
        f"{SPIKE_STEPS:g} times the series' typical one-step change from its "
        f"neighbours: {_first_of(shown, len(worst))}; if it is a typo or a glitch, "
        f"fix it (or fill such values as missing: {FILL_SPIKES_HOW})"
    )


def _note_low_ends(out: pd.DataFrame, notes: list[str]) -> None:
    """A note on the series that end far below their typical value before
    (:func:`~convlstm.data.series.low_ends`, as for one series): a last week or
    month exported before it was over."""
    low = low_ends(out["value"].to_numpy(dtype=float), out["series"].to_numpy())
    if low.empty:
        return
    when = out.groupby("series", sort=False)["time"].last()
    shown = [
        f"{quote(str(n))} ({v:.6g} at {format_time(pd.Timestamp(when[n]))})"
        for n, v in low["last"].head(_LISTED).items()
    ]
    notes.append(
        f"check the data: {plural(len(low), 'series')} "
        f"{'ends' if len(low) == 1 else 'end'} at a quarter or less of the typical "
        f"value before (the median of the 8 before): {_first_of(shown, len(low))}; "
        "if the last period was not over when the data were exported, leave it out: "
        "the models take it as real"
    )


def _note_dormant(out: pd.DataFrame, notes: list[str]) -> None:
    """A note on the series that stopped selling
    (:func:`~convlstm.data.series.dormant_ends`, as for one series)."""
    tails = dormant_ends(out["value"].to_numpy(dtype=float), out["series"].to_numpy())
    if tails.empty:
        return
    shown = [f"{quote(str(n))} ({t} steps)" for n, t in tails.head(_LISTED).items()]
    notes.append(
        f"{plural(len(tails), 'series')} {'has' if len(tails) == 1 else 'have'} "
        "been 0 for longer at the end than any gap between sales before: "
        f"{_first_of(shown, len(tails))}; if discontinued, {DORMANT_READING}"
    )


def _note_mostly_zero(out: pd.DataFrame, notes: list[str]) -> None:
    """A note on the intermittent series
    (:func:`~convlstm.data.series.zero_shares`, as for one series)."""
    sparse = zero_shares(out["value"].to_numpy(dtype=float), out["series"].to_numpy())
    if sparse.empty:
        return
    shown = [f"{quote(str(n))} ({z:.0%})" for n, z in sparse.head(_LISTED).items()]
    notes.append(
        f"mostly zeros: {plural(len(sparse), 'series')} "
        f"{'is' if len(sparse) == 1 else 'are'} 0 at half the steps or more "
        f"(intermittent): {_first_of(shown, len(sparse))}; {INTERMITTENT_READING}"
    )


def _note_dropped(dropped: list[str], notes: list[str]) -> None:
    if dropped:
        notes.append(
            f"dropped {plural(len(dropped), 'series')} with fewer than "
            f"{MIN_PANEL_POINTS} points, too short to forecast: " + _listing(dropped)
        )


def _note_repairs(repairs: dict[str, list[str]], notes: list[str]) -> None:
    """One note per repaired series; past ``_LISTED`` series, a count."""
    for name, own in list(repairs.items())[:_LISTED]:
        notes.append(f"series {quote(name)}: " + "; ".join(own))
    if len(repairs) > _LISTED:
        notes.append(
            f"and {len(repairs) - _LISTED:,} more series were repaired too (in "
            "Python the panel's attrs['repairs'] lists each series' repairs)"
        )


def _first_of(shown: list[str], total: int) -> str:
    """The first ``_LISTED`` of ``shown`` (already worded), and a count of the
    rest of ``total``."""
    more = f" and {total - _LISTED:,} more" if total > _LISTED else ""
    return ", ".join(shown[:_LISTED]) + more


def _listing(items: list[str]) -> str:
    """The first items quoted, and a count of the rest."""
    return _first_of([quote(s) for s in items[:_LISTED]], len(items))
