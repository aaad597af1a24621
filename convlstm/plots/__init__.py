"""Plotly figures of series, forecasts, backtests, losses and metrics (never rendered).

Every function returns a ``plotly.graph_objects.Figure``; showing it is the caller's
business (``st.plotly_chart``, ``fig.write_html``, ...).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..data import (
    calendar_resolution,
    closed_mask,
    filled_mask,
    freq_of,
    offset_of,
    season_length,
)
from ..data.cells import and_list
from ..data.hours import OpeningHours, closed_day_runs, session_of
from ..errors import DataError
from ..intervals import level_label, lower_column, upper_column
from ..models.registry import model_colours

__all__ = [
    "closed_times",
    "forecast_figure",
    "loss_figure",
    "metrics_figure",
    "model_colors",
    "open_only",
    "panel_figure",
    "panel_forecast_figure",
    "series_figure",
]

# One colour per model, the same in every figure; history is drawn in grey/black.
# Okabe & Ito's colours, then Tol's muted ones: told apart by viewers who do not
# see red from green (the ConvLSTM is vermillion, ARIMA bluish green).
_PALETTE = (
    "#d55e00",  # vermillion
    "#0072b2",  # blue
    "#009e73",  # bluish green
    "#e69f00",  # orange
    "#cc79a7",  # reddish purple
    "#56b4e9",  # sky blue
    "#882255",  # wine
    "#999933",  # olive
    "#332288",  # indigo
    "#44aa99",  # teal
    "#aa4499",  # purple
    "#117733",  # green
)
_HISTORY = "#444444"
_ACTUAL = "#000000"
_FILLED = "#D55E00"  # points the reader filled in (Okabe-Ito vermillion)


def model_colors(names: Sequence[str]) -> dict[str, str]:
    """Return a colour per model name: the registry's for registered models, then
    the rest of the palette in order."""
    out: dict[str, str] = {}
    fixed = model_colours()
    spare = [c for c in _PALETTE if c not in fixed.values()] + list(_PALETTE)
    for name in names:
        if name in fixed:
            out[name] = fixed[name]
        else:
            out[name] = spare[len([n for n in out if n not in fixed]) % len(spare)]
    return out


def _label(text: Any) -> str:
    """Escape text for plotly labels, which parse a few HTML tags (``<b>``,
    ``<a>``...) and decode only ``&lt; &gt; &amp;``: names show literally."""
    return html.escape(str(text), quote=False)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _interval_levels(intervals: pd.DataFrame) -> list[float]:
    """The levels of an intervals frame: ``attrs["levels"]``, else from the
    ``lower_<pct>`` column names."""
    levels = intervals.attrs.get("levels")
    if levels:
        return sorted(float(lv) for lv in levels)
    out = []
    for column in intervals.columns:
        if str(column).startswith("lower_"):
            try:
                out.append(float(str(column).removeprefix("lower_")) / 100)
            except ValueError:
                continue
    return sorted(out)


def _time_axis(fig: go.Figure, y: pd.Series) -> go.Figure:
    """The x-axis of ``y``'s times: its title names the time zone where the reader
    converted them (``attrs["time_zone"]``: a clock time is not taken for local),
    and the times the series never has (:func:`closed_times`) are left out."""
    if zone := y.attrs.get("time_zone"):
        fig.update_xaxes(title_text=f"time ({zone})")
    freq = freq_of(y.index) if isinstance(y.index, pd.DatetimeIndex) else None
    return closed_times(_calendar_ticks(fig, freq), freq)


#: Months between ticks, and their labels, for a short axis of months,
#: quarters or years.
_CALENDAR_TICKS = {"month": (1, "%b %Y"), "quarter": (3, "%b %Y"), "year": (12, "%Y")}
#: Most steps on an axis whose ticks are set to one a step.
_FEW_STEPS = 8


def _calendar_ticks(fig: go.Figure, freq: str | None) -> go.Figure:
    """A tick a step on a short axis of days, weeks, months, quarters or years:
    over a few months plotly ticks weeks or days ("Oct 1, Oct 8..." under three
    monthly points), and over a few days hours ("00:00, 12:00...")."""
    if calendar_resolution(freq) is None and _days_a_step(freq) is None:
        return fig
    ends = []
    for trace in fig.data:
        if trace.x is None or len(trace.x) == 0:
            continue
        try:
            x = pd.DatetimeIndex(pd.to_datetime(pd.Index(trace.x)))
        except (TypeError, ValueError):
            continue  # a trace not on the time axis
        ends += [x.min(), x.max()]
    ticks = _step_ticks([t for t in ends if not pd.isna(t)], freq)
    return fig.update_xaxes(**ticks) if ticks else fig


def _step_ticks(times: Sequence[pd.Timestamp], freq: str | None) -> dict | None:
    """The x-axis settings of a tick a step over ``times`` of a daily, weekly,
    monthly, quarterly or yearly ``freq`` when they span at most
    :data:`_FEW_STEPS` steps; None otherwise (plotly's own ticks)."""
    if not len(times):
        return None
    first, last = min(times), max(times)
    resolution = calendar_resolution(freq)
    if resolution is None:
        days = _days_a_step(freq)
        if days is None or (last - first).days // days > _FEW_STEPS:
            return None
        half = pd.Timedelta(days=days) / 2
        return {
            "dtick": days * _DAY_MS,
            "tick0": first,
            "tickformat": "%b %-d, %Y",
            # half a step either side: plotly hides a label at the axis' very end
            "range": [first - half, last + half],
        }
    months, label = _CALENDAR_TICKS[resolution]
    span = (last.year - first.year) * 12 + last.month - first.month
    if span // months > _FEW_STEPS:
        return None
    half = pd.Timedelta(days=15 * months)
    return {
        "dtick": f"M{months}",
        "tick0": first,
        "tickformat": label,
        "range": [first - half, last + half],
    }


#: Milliseconds in a day: plotly's unit for a date axis' tick step.
_DAY_MS = 86_400_000


def _days_a_step(freq: str | None) -> int | None:
    """Days in one step of a daily or weekly frequency ("D", "2D", "W-SUN"),
    else None (business days and hours have ticks of their own)."""
    if not freq:
        return None
    try:
        offset = offset_of(freq)
    except (TypeError, ValueError):
        return None
    code = offset.rule_code.split("-")[0]
    if code == "D":
        return int(offset.n)
    if code == "W":
        return 7 * int(offset.n)
    return None


def closed_times(fig: go.Figure, freq: str | None) -> go.Figure:
    """Leave the weekends out of the x-axes of business-day data ("B"), and the
    closed hours and days of opening hours ("bh", 09:00-17:00 on weekdays, or
    others, :mod:`convlstm.data.hours`): drawn to scale, a week of business
    hours is two thirds empty and each day a narrow comb. (Hours that run past
    midnight keep their closed days: a day break would hide the night before's
    last hours.)"""
    breaks: list[dict[str, Any]] = []
    session = session_of(freq) if freq else None
    # hours past midnight fall on a closed day's first hours: its night shows
    overnight = isinstance(session, OpeningHours) and session.past_midnight > 0
    if session is not None and not overnight:
        for first, last in closed_day_runs(session.days):
            # plotly counts the days of the week from Sunday (0), ours from Monday
            bounds = [(first + 1) % 7, (last + 2) % 7]
            breaks.append({"bounds": bounds, "pattern": "day of week"})
    if isinstance(session, OpeningHours):
        for shut, opens in session.closed:  # (09:30 is 9.5 to plotly)
            bounds = [shut / 60, opens / 60]
            breaks.append({"bounds": bounds, "pattern": "hour"})
    if breaks:
        fig.update_xaxes(rangebreaks=breaks)
    return fig


def _layout(fig: go.Figure, title: str | None, y_title: str | None) -> go.Figure:
    fig.update_layout(
        title=title,
        hovermode="x unified",
        template="plotly_white",
        margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        yaxis_title=y_title,
    )
    return fig


#: Height of a chart whose legend fits in two rows (plotly's default), and the
#: height each further legend row adds: a legend above the plot takes its rows
#: from the plot, which a narrow window (two entries a row) shrank to a strip.
_BASE_HEIGHT, _ROW_HEIGHT, _PER_ROW = 450, 24, 2


def _fit_legend(fig: go.Figure) -> go.Figure:
    """``fig`` made taller by the legend rows beyond two, so that the plot keeps
    its height however many models (and bands) the legend lists."""
    entries = sum(1 for t in fig.data if t.showlegend is not False)
    rows = -(-entries // _PER_ROW)
    if rows > 2:
        fig.update_layout(height=_BASE_HEIGHT + _ROW_HEIGHT * (rows - 2))
    return fig


def open_only(y: pd.Series, closed: Any = None) -> pd.Series:
    """``y`` with its closed times (``attrs["closed"]``: hours or days it is
    closed every week, filled in to keep the steps regular) as gaps in the
    line, since they hold no data; ``y`` itself for a series with none.

    Args:
        closed: the closed times to leave out instead of ``y``'s own (those of
            the series a forecast ``y`` continues)."""
    closed = y.attrs.get("closed") if closed is None else closed
    if not closed:
        return y
    out = y.where(~closed_mask(pd.DatetimeIndex(y.index), closed))
    out.attrs = dict(y.attrs)
    return out


def _filled_trace(y: pd.Series) -> go.Scatter | None:
    """Markers on the points the reader filled in (gaps, spikes read as
    missing), so a straight stretch is not taken for data; None when it filled
    none. Closed times left out of the line (:func:`open_only`) get none."""
    filled = filled_mask(y) if y.attrs.get("filled") else None
    if filled is not None:
        filled &= np.isfinite(y.to_numpy(dtype=float))
    if filled is None or not filled.any():
        return None
    return go.Scatter(
        x=y.index[filled],
        y=y.to_numpy(dtype=float)[filled],
        mode="markers",
        name="filled in by the reader",
        marker={"color": _FILLED, "size": 5, "symbol": "circle-open"},
        hovertemplate="%{x}<br>filled in: %{y:,.5~r}<extra></extra>",
    )


def series_figure(y: pd.Series, title: str | None = None) -> go.Figure:
    """A line chart of the series with a range slider.

    Args:
        y: the series (DatetimeIndex).
        title: optional title.
    """
    name = str(y.name) if y.name is not None else "value"
    y = open_only(y)
    fig = go.Figure(
        go.Scatter(
            x=y.index,
            y=y.to_numpy(dtype=float),
            mode="lines",
            name=name,
            line={"color": _HISTORY, "width": 1.5},
            hovertemplate="%{x}<br>%{y:,.5~r}<extra></extra>",
        )
    )
    filled = _filled_trace(y)
    if filled is not None:
        fig.add_trace(filled)
    else:
        fig.update_layout(showlegend=False)
    fig.update_xaxes(rangeslider_visible=True)
    return _time_axis(_layout(fig, title, name), y)


def panel_figure(
    panel: pd.DataFrame,
    series: Sequence[str] | None = None,
    *,
    limit: int = 6,
    columns: int = 2,
    highlight: str | None = None,
) -> go.Figure:
    """Small multiples: one small line chart per series of a panel, own y-axis each.

    Args:
        panel: long frame ``series, time, value`` (:func:`convlstm.to_panel`).
        series: the series to draw, in order; the first ``limit`` of the panel
            when None.
        limit: the most series drawn.
        columns: charts per row.
        highlight: a series drawn in colour (the one picked), the others in grey.
    """
    from plotly.subplots import make_subplots

    names = list(series) if series is not None else list(pd.unique(panel["series"]))
    names = [str(n) for n in names][:limit]
    if not names:
        raise DataError("no series to draw")
    rows = -(-len(names) // columns)
    fig = make_subplots(
        rows=rows,
        cols=min(columns, len(names)),
        subplot_titles=[_label(n) for n in names],
        shared_xaxes=False,
        vertical_spacing=min(0.3 / rows + 0.05, 0.2),
        horizontal_spacing=0.08,
    )
    keys = panel["series"].astype(str)
    closed = panel.attrs.get("closed") or {}
    freq = panel.attrs.get("freq")
    for i, name in enumerate(names):
        part = panel.loc[keys == name]
        values = part["value"].to_numpy(dtype=float)
        if own := closed.get(name):  # closed times: gaps in the line
            values = np.where(closed_mask(part["time"], own), np.nan, values)
        colour = _PALETTE[1] if name == highlight else _HISTORY
        fig.add_trace(
            go.Scatter(
                x=part["time"],
                y=values,
                mode="lines",
                name=_label(name),
                line={"color": colour, "width": 1.2},
                hovertemplate="%{x}<br>%{y:,.5~r}<extra>" + _label(name) + "</extra>",
                showlegend=False,
            ),
            row=i // columns + 1,
            col=i % columns + 1,
        )
        times = pd.DatetimeIndex(part["time"]).dropna()
        if ticks := _step_ticks([times.min(), times.max()] if len(times) else [], freq):
            fig.update_xaxes(**ticks, row=i // columns + 1, col=i % columns + 1)
    fig.update_layout(
        template="plotly_white",
        height=max(220, 180 * rows),
        margin={"l": 50, "r": 20, "t": 40, "b": 30},
        hovermode="closest",
    )
    fig.update_annotations(font_size=12)
    return closed_times(fig, freq)


def _parts(comparison: Any) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(backtest forecasts, future) from a Comparison, a BacktestResult, a dict
    with keys "backtest"/"future", or a tuple of the two frames."""
    if isinstance(comparison, Mapping):
        bt, fut = comparison.get("backtest"), comparison.get("future")
    elif isinstance(comparison, tuple):
        bt, fut = comparison
    else:
        bt = getattr(comparison, "backtest", None)
        fut = getattr(comparison, "future", None)
        if bt is None and hasattr(comparison, "forecasts"):
            bt = comparison
    if bt is not None and hasattr(bt, "forecasts"):
        bt = bt.forecasts
    return bt, fut


def forecast_figure(
    y: pd.Series,
    comparison: Any,
    *,
    show_backtest: bool = True,
    title: str | None = None,
    seasons_visible: int = 4,
    intervals: pd.DataFrame | None = None,
    highlight: str | None = None,
) -> go.Figure:
    """History, held-out actuals, each model's backtest folds and future forecast.

    With ``intervals`` each model's future forecast gets shaded prediction bands,
    the widest level palest.

    Args:
        y: the whole series.
        comparison: a :class:`~convlstm.compare.Comparison`, a
            :class:`~convlstm.backtest.BacktestResult`, or ``(backtest_forecasts,
            future)`` frames (either may be None).
        show_backtest: draw the backtest forecasts (dotted, one trace per model
            with a gap between folds) and the held-out actuals.
        title: optional title.
        seasons_visible: the x range initially shown covers the test period, the
            future and about this many seasons before them, or as much history as
            the test period and the future together if that is more; the range
            slider reaches the rest.
        intervals: future forecasts with ``lower_<pct>``/``upper_<pct>`` columns
            (``intervals.conformal_intervals`` or ``Comparison.intervals``);
            rows with NaN bounds (an unbounded level) draw no band.
        highlight: a model whose bands show at first; the other models' bands
            start hidden (click their legend entries). None shows all bands.
    """
    bt, fut = _parts(comparison)
    if (closed := y.attrs.get("closed")) and bt is not None and not bt.empty:
        # the backtests' forecasts of closed times are no more shown than scored
        shut = closed_mask(pd.DatetimeIndex(bt["timestamp"]), closed)
        bt = bt.assign(forecast=bt["forecast"].where(~shut))
    y = open_only(y)
    names: list[str] = []
    for frame in (bt, fut, intervals):
        if frame is not None and not frame.empty:
            names += [n for n in pd.unique(frame["model"]) if n not in names]
    colors = model_colors(names)
    value_name = str(y.name) if y.name is not None else "value"

    test_start = None
    if show_backtest and bt is not None and not bt.empty:
        test_start = pd.Timestamp(bt["timestamp"].min())
    history = y if test_start is None else y[y.index < test_start]
    held_out = None if test_start is None else y[y.index >= test_start]

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=history.index,
            y=history.to_numpy(dtype=float),
            mode="lines",
            name="history",
            line={"color": _HISTORY, "width": 1.5},
            hovertemplate="history %{y:,.5~r}<extra></extra>",
        )
    )
    if held_out is not None and len(held_out):
        fig.add_trace(
            go.Scatter(
                x=held_out.index,
                y=held_out.to_numpy(dtype=float),
                mode="lines+markers",
                name="held-out actual",
                line={"color": _ACTUAL, "width": 2},
                marker={"size": 4},
                hovertemplate="actual %{y:,.5~r}<extra></extra>",
            )
        )
    if (filled := _filled_trace(y)) is not None:
        fig.add_trace(filled)
    for name in names:
        color = colors[name]
        label = _label(name)
        # one legend entry shows or hides a model's backtest and future lines
        # (a legend group): the future's, or the backtest's without a future
        has_future = fut is not None and bool((fut["model"] == name).any())
        if show_backtest and bt is not None and not bt.empty:
            rows = bt[bt["model"] == name].sort_values(["fold", "step"])
            xs: list[Any] = []
            ys: list[Any] = []
            folds: list[Any] = []
            for fold, part in rows.groupby("fold", sort=True):
                xs += list(part["timestamp"]) + [None]
                ys += list(part["forecast"]) + [None]
                folds += [fold] * len(part) + [None]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=_tagged(label, "backtest"),
                    legendgroup=name,
                    showlegend=not has_future,
                    line={"color": color, "width": 1.5, "dash": "dot"},
                    customdata=folds,
                    hovertemplate=(
                        f"{label} fold %{{customdata}}: %{{y:,.5~r}}<extra></extra>"
                    ),
                    connectgaps=False,
                )
            )
        if intervals is not None and not intervals.empty:
            _add_bands(fig, intervals, name, color, name == highlight or not highlight)
        if fut is not None and not fut.empty:
            rows = fut[fut["model"] == name].sort_values("timestamp")
            if rows.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=rows["timestamp"],
                    y=rows["forecast"],
                    mode="lines",
                    name=_tagged(label, "forecast"),
                    legendgroup=name,
                    line={"color": color, "width": 2.5},
                    hovertemplate=f"{label} %{{y:,.5~r}}<extra></extra>",
                )
            )

    end = y.index[-1]
    if fut is not None and not fut.empty:
        end = max(end, pd.Timestamp(fut["timestamp"].max()))
    first = test_start if test_start is not None else y.index[-1]
    start = int(y.index.searchsorted(first))
    # at least as much history as what follows it: a long horizon of daily data
    # shows last year's same season, not three weeks
    after = (
        len(y) - start + (0 if fut is None or fut.empty else fut["timestamp"].nunique())
    )
    span = max(max(season_length(y.index), 1) * max(seasons_visible, 1), after)
    pos = max(start - span, 0)
    fig.update_xaxes(range=[y.index[pos], end], rangeslider_visible=True)
    if pos > 0:
        # the y range of what the first view shows, not of the whole history (a
        # long climb, or a glitch years before, flattened the recent forecasts)
        shown = [y.iloc[pos:].to_numpy(dtype=float)]
        for frame in (bt if show_backtest else None, fut):
            if frame is not None and not frame.empty:
                shown.append(frame["forecast"].to_numpy(dtype=float))
        if intervals is not None and not intervals.empty:
            first_bands = intervals
            if highlight:
                first_bands = intervals[intervals["model"] == highlight]
            bounds = [
                c for c in first_bands.columns if c.startswith(("lower_", "upper_"))
            ]
            shown.append(first_bands[bounds].to_numpy(dtype=float).ravel())
        values = np.concatenate(shown)
        values = values[np.isfinite(values)]
        if values.size:
            low, high = float(values.min()), float(values.max())
            pad = 0.05 * (high - low) or 0.05 * max(abs(high), 1.0)
            fig.update_yaxes(range=[low - pad, high + pad])
            # the range slider below keeps the whole history at its own scale
            fig.update_xaxes(rangeslider={"yaxis": {"rangemode": "auto"}})
    if test_start is not None:
        fig.add_vline(x=test_start, line={"color": "#999999", "dash": "dash"})
    return _time_axis(_fit_legend(_layout(fig, title, _label(value_name))), y)


def _tagged(label: str, tag: str) -> str:
    """ "ETS (forecast)", and "ConvLSTM (pretrained, forecast)" for a name that
    already ends in brackets."""
    if label.endswith(")") and "(" in label:
        return f"{label[:-1]}, {tag})"
    return f"{label} ({tag})"


def panel_forecast_figure(
    panel: pd.DataFrame,
    comparison: Any,
    series: str,
    *,
    title: str | None = None,
    highlight: str | None = None,
) -> go.Figure:
    """One series of a panel comparison: its history, every model's backtest
    forecasts and future forecast, with prediction bands when the comparison has
    them (:func:`forecast_figure` for that series).

    Args:
        panel: long frame ``series, time, value`` the comparison was run on.
        comparison: a :class:`~convlstm.panel_compare.PanelComparison` (anything
            with its ``series_frames(name)``).
        series: the series to draw.
        title: optional title (default: the series' name).
        highlight: a model whose prediction bands show at first.

    Raises:
        DataError: ``series`` is not in the panel or the comparison.
    """
    from ..data import series_of

    y = series_of(panel, series)
    bt, fut = comparison.series_frames(series)
    bands = fut if any(str(c).startswith("lower_") for c in fut.columns) else None
    return forecast_figure(
        y,
        (bt, fut),
        title=_label(series) if title is None else title,
        intervals=bands,
        highlight=highlight,
    )


def _add_bands(
    fig: go.Figure, intervals: pd.DataFrame, name: str, color: str, shown: bool
) -> None:
    """Shade one model's prediction intervals, widest level first (palest);
    one legend entry ("ConvLSTM intervals") shows or hides them all."""
    rows = intervals[intervals["model"] == name].sort_values("timestamp")
    levels = _interval_levels(intervals)
    drawn = [
        lv
        for lv in sorted(levels)
        if {lower_column(lv), upper_column(lv)} <= set(rows.columns)
        and (rows[lower_column(lv)].notna() & rows[upper_column(lv)].notna()).any()
    ]
    if not drawn:  # no level has a bound here: no band to draw
        return
    every = and_list(f"{level_label(lv)}%" for lv in drawn)
    listed = False
    for j, level in enumerate(sorted(levels, reverse=True)):
        pct = level_label(level)
        lo, hi = lower_column(level), upper_column(level)
        if lo not in rows.columns or hi not in rows.columns:
            continue
        band = rows[rows[lo].notna() & rows[hi].notna()]
        if band.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[*band["timestamp"], *band["timestamp"][::-1]],
                y=[*band[hi], *band[lo][::-1]],
                mode="lines",
                fill="toself",
                fillcolor=_rgba(color, 0.12 + 0.1 * j),
                line={"width": 0, "color": color},
                hoverinfo="skip",
                # the entry that lists them names every level it toggles
                name=f"{_label(name)} "
                + (
                    f"{pct}% interval"
                    if listed or len(drawn) == 1
                    else f"{every} intervals"
                ),
                legendgroup=f"{name} bands",
                showlegend=not listed,
                visible=True if shown else "legendonly",
            )
        )
        listed = True


def loss_figure(
    histories: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    log_y: bool = True,
    starts: Mapping[str, float | None] | None = None,
) -> go.Figure:
    """Training (solid) and validation (dashed) loss per epoch for each model.

    Args:
        histories: ``{model: [{"epoch": 1, "train_loss": ..., "val_loss": ...},
            ...]}`` (a missing ``epoch`` counts from 1; a missing or None
            ``val_loss`` is skipped).
        log_y: logarithmic loss axis.
        starts: ``{model: validation loss of the net as it started}`` (a
            pretrained net, the solved skip), drawn as epoch 0 of its validation
            curve; None or missing: none.
    """
    colors = model_colors(list(histories))
    starts = dict(starts or {})
    fig = go.Figure()
    last = 0
    for name, history in histories.items():
        rows = list(history)
        if not rows:
            continue
        epochs = [r.get("epoch", i + 1) for i, r in enumerate(rows)]
        last = max(last, *epochs)
        for key, dash, label in (
            ("train_loss", "solid", "train"),
            ("val_loss", "dash", "validation"),
        ):
            values = [r.get(key) for r in rows]
            if all(v is None for v in values):
                continue
            x = epochs
            if key == "val_loss" and starts.get(name) is not None:
                x, values = [0, *epochs], [starts[name], *values]
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=values,
                    mode="lines+markers",
                    name=f"{name} {label}",
                    legendgroup=name,
                    line={"color": colors[name], "dash": dash},
                    marker={"size": 4},
                    hovertemplate=f"{name} {label} loss %{{y:.4g}}<extra></extra>",
                )
            )
    # whole epochs only: over a few of them plotly would tick 0, 0.5, 1
    fig.update_xaxes(title="epoch", dtick=1 if last <= 10 else None)
    if log_y:
        # full values at the ticks: within a decade plotly labels them with
        # bare digits ("2, 1, 9, 8"), read as if 9 were below 1; three digits,
        # as two repeat on a narrow range (0.50, 0.50, 0.49)
        fig.update_yaxes(type="log", tickformat=".3~g")
    fig = _layout(fig, None, "loss")
    fig.update_layout(hovermode="closest")
    return fig


def metrics_figure(summary: pd.DataFrame, metric: str = "mae") -> go.Figure:
    """A horizontal bar per model of one backtest metric, best (lowest) on top.

    Args:
        summary: a backtest or comparison summary (index model).
        metric: a column of ``summary`` ("mae", "rmse", "mase", "fit_seconds"...).
    """
    if metric not in summary.columns:
        raise DataError(
            f"summary has no column {metric!r}; columns: {', '.join(summary.columns)}"
        )
    data = summary[metric].astype(float).sort_values(ascending=False)
    colors = model_colors([str(n) for n in data.index])
    fig = go.Figure(
        go.Bar(
            x=data.to_numpy(),
            y=[str(n) for n in data.index],
            orientation="h",
            marker={"color": [colors[str(n)] for n in data.index]},
            hovertemplate=f"%{{y}}: %{{x:,.4g}} {metric}<extra></extra>",
        )
    )
    fig.update_xaxes(title=metric.upper() if metric != "fit_seconds" else "seconds")
    fig = _layout(fig, None, None)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
