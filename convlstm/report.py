"""Stakeholder report: one self-contained, offline HTML page for a comparison of one
series or of a panel of many.

Plain-language summary, data summary, forecast charts with interval bands, metrics
(with coverage and significance, or per series), and the reproducibility record. All
user text is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.io as pio

from .data import freq_of, panel_summary, series_of
from .data.cells import and_list, format_number, format_time, plural
from .data.steps import frequency_words
from .intervals import level_label, lower_column, unmeasured_levels, upper_column
from .metrics import best_model
from .models.registry import model_names, model_spec
from .narrative import (
    UNSCORED_READING,
    as_sentence,
    below_zero_text,
    blank_mase_text,
    closed_text,
    coverage_points_text,
    filled_scoring_text,
    floor_text,
    kinds_phrase,
    merge_model_notes,
    network_words,
    panel_run_notes,
    percent_errors_text,
    run_start_notes,
    tie_text,
    unchecked_season_text,
    under_coverage_text,
    unscored_panel_text,
    unscored_text,
)
from .panel_compare import some_without_mase
from .plots import forecast_figure
from .record import networks_used, package_versions, record_to_json
from .significance import format_p

logger = logging.getLogger(__name__)

__all__ = ["build_panel_report", "build_report"]

_METRICS = (
    ("mae", "MAE"),
    ("rmse", "RMSE"),
    ("mape", "MAPE %"),
    ("smape", "sMAPE %"),
    ("mase", "MASE"),
    ("bias", "Bias"),
)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1320px;padding:1.5rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem;display:block;
max-width:100%;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:right;vertical-align:top}
th{background:#f5f5f5}td.text,th.text{text-align:left}td{white-space:nowrap}
td.text{white-space:normal;min-width:12rem}td.text:first-child{min-width:0}
tr.best td{background:#eef6ee;font-weight:600}
.summary{background:#f7f9fc;border-left:4px solid #0072b2;padding:.6rem 1rem}
.muted{color:#666;font-size:.88rem}pre{background:#f5f5f5;padding:.6rem;
overflow-x:auto;font-size:.82rem}
@media (max-width:1100px){table{font-size:.8rem}th,td{padding:.25rem .4rem}
td.text{min-width:9rem}}
"""


def build_report(
    y: pd.Series,
    comparison: Any,
    *,
    record: Mapping[str, Any],
    intervals: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    significance: pd.DataFrame | None = None,
    title: str | None = None,
) -> str:
    """Render a comparison as one self-contained HTML document.

    The page works offline: plotly.js is embedded inline once (with the first chart)
    and nothing is loaded from elsewhere. Every piece of user-supplied text (series and
    model names, notes, record values) is HTML-escaped.

    Args:
        y: the series the comparison ran on (``y.attrs["notes"]`` lists repairs).
        comparison: a ``Comparison`` (or any object with the same attributes):
            ``summary`` (index model; columns mae, rmse, mape, smape, mase,
            fit_seconds, best), ``future`` (model, timestamp, forecast), and
            optionally ``backtest.forecasts``, ``device`` and ``seconds``.
        record: the reproducibility record from ``record.make_record``
            (``Comparison.record``).
        intervals: future forecasts with interval columns, from
            ``intervals.conformal_intervals``; bands are drawn when given.
            Defaults to ``comparison.intervals`` when it has one.
        coverage: from ``intervals.interval_coverage``; defaults to
            ``comparison.coverage``.
        significance: from ``significance.compare_to_baseline``; defaults to
            ``comparison.significance``.
        title: page title; defaults to "Forecast report: <series name>".

    Returns:
        The HTML document as a string.
    """
    if intervals is None:
        intervals = getattr(comparison, "intervals", None)
    if coverage is None:
        coverage = getattr(comparison, "coverage", None)
    if significance is None:
        significance = getattr(comparison, "significance", None)
    own = getattr(comparison, "model_intervals", None)
    summary = _summary_frame(comparison)
    future = getattr(comparison, "future", None)
    backtest = getattr(getattr(comparison, "backtest", None), "forecasts", None)
    name = str(y.name) if y.name is not None else "series"
    title = title if title is not None else f"Forecast report: {name}"
    winner = best_model(summary)
    scored = getattr(comparison, "scored", True)

    # the app's charts, so the report shows what the presenter saw
    figures = [
        (
            "forecast-chart",
            forecast_figure(
                y,
                (None, future),
                show_backtest=False,
                intervals=intervals,
                highlight=winner,
            ),
        )
    ]
    if isinstance(backtest, pd.DataFrame) and not backtest.empty:
        figures.append(("backtest-chart", forecast_figure(y, (backtest, None))))
    charts = [
        pio.to_html(
            fig,
            include_plotlyjs=(i == 0),
            full_html=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
        for i, (div_id, fig) in enumerate(figures)
    ]

    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        _head(title),
        f'<p class="muted">Generated {generated} by convlstm-forecast '
        f"{_e((record.get('versions') or {}).get('convlstm') or '')}.</p>",
        "<h2>Summary</h2>",
        '<div class="summary" id="summary">',
        (
            _plain_summary(summary, winner, coverage, significance, record, backtest)
            if scored
            else "<p>A forecast only: no model was scored. "
            f"{_e(unscored_text(len(y), y.index))} {_e(UNSCORED_READING)}</p>"
        ),
        "</div>",
        "<h2>Data</h2>",
        _data_section(y, name),
        "<h2>Forecast</h2>",
        '<p class="muted">History, the next steps forecast by each model refit on all '
        "the data, and split-conformal prediction intervals built from backtest "
        "errors. Click a legend entry to show or hide a model.</p>",
        charts[0],
        _note(below_zero_text(y, comparison.future, winner), "below-zero", "summary"),
        _note(closed_text(y, comparison.future, record.get("horizon") or 0), "closed"),
    ]
    if len(charts) > 1:
        parts += [
            "<h2>Backtest</h2>",
            '<p class="muted">Forecasts made during the backtest against what '
            "actually happened.</p>",
            charts[1],
        ]
    parts += [
        "<h2>Metrics</h2>",
        (
            _metrics_table(summary, winner, coverage, significance)
            if scored
            else '<p id="unscored">No backtest, so no scores.</p>'
        ),
        _note(filled_scoring_text(comparison.backtest.forecasts), "filled"),
        _note(blank_mase_text(summary) if scored else None, "blank-mase"),
        _note(tie_text(summary) if scored else None, "tie"),
        _note(_unchecked_season(y, comparison), "unchecked-season"),
        _note(percent_errors_text(y.to_numpy()) if scored else None, "percent-errors"),
        _note(
            floor_text(getattr(comparison, "floor", None), scored),
            "floor",
        ),
        _note(coverage_points_text(coverage), "coverage-points"),
        _note(under_coverage_text(coverage, winner), "under-coverage"),
        _combination_notes(summary.index),
        _left_out_notes(comparison),
        _start_notes(comparison),
        _notes_list([intervals, coverage, own], summary.index),
        _model_intervals_section(intervals, own),
        "<h2>Reproducibility record</h2>",
        _record_section(record),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def build_panel_report(
    panel: pd.DataFrame,
    result: Any,
    *,
    title: str | None = None,
    charts: int = 12,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """Render a panel comparison as one self-contained HTML document.

    Offline and escaped like :func:`build_report`: a plain summary, the panel's
    size and repairs, the leaderboard aggregated over series, every series' MASE
    per model, charts of the first ``charts`` series (history, backtest, future
    with intervals), the notes and failures, and the settings and versions.

    Args:
        panel: the panel the comparison ran on (``series, time, value``).
        result: a :class:`~convlstm.panel_compare.PanelComparison`.
        title: page title; defaults to "Forecast report: <n> series".
        charts: how many series get a chart.
        settings: the run's settings (``compare_panel``'s ``params``, seed...),
            shown with the package versions at the end.

    Returns:
        The HTML document as a string.
    """
    names = [str(s) for s in result.series]
    title = title if title is not None else f"Forecast report: {len(names)} series"
    figures = []
    for name in names[: max(charts, 0)]:
        bt, fut = result.series_frames(name)
        bands = fut if any(str(c).startswith("lower_") for c in fut.columns) else None
        fig = forecast_figure(
            series_of(panel, name),
            (bt, fut),
            intervals=bands,
            highlight=result.best,
            title=name,
        )
        figures.append(
            pio.to_html(
                fig,
                include_plotlyjs=not figures,
                full_html=False,
                div_id=f"series-chart-{len(figures)}",
                config={"displaylogo": False, "responsive": True},
            )
        )
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    shown = (
        ""
        if len(figures) == len(names)
        else f" (the first {len(figures)} of {len(names)} series; the forecasts "
        "CSV holds every one)"
    )
    parts = [
        _head(title),
        f'<p class="muted">Generated {generated} by convlstm-forecast '
        f"{_e(package_versions().get('convlstm') or '')}.</p>",
        "<h2>Summary</h2>",
        f'<div class="summary" id="summary">{_panel_sentence(result)}</div>',
        "<h2>Data</h2>",
        _panel_data_section(panel, names),
        "<h2>Leaderboard</h2>",
        _panel_summary_table(result),
        _combination_notes(result.summary.index),
        "<h2>Every series</h2>",
        '<p class="muted">MASE of each model on each series, the mean over its '
        "backtest folds (lower is better; below 1 beats the in-sample seasonal "
        "naive forecast). A dash: no MASE (the model gave no forecast for that "
        "series, the series is too short for a backtest fold, or it is constant "
        "and has no scale to measure errors by).</p>",
        _per_series_table(result, names),
        f"<h2>Forecasts{_e(shown)}</h2>" if figures else "",
        *figures,
        "<h2>Notes</h2>",
        _panel_notes(result, panel),
        "<h2>Settings and versions</h2>",
        _panel_settings(result, settings),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _panel_settings(result: Any, settings: Mapping[str, Any] | None) -> str:
    """The run's settings and the package versions, as JSON a reader can keep."""
    payload = {
        "horizon": result.horizon,
        "folds": result.folds,
        "season_length": result.season_length,
        "models": [str(m) for m in result.summary.index],
        "floor": getattr(result, "floor", None),
        "settings": dict(settings or {}),
        "networks": networks_used(getattr(result, "fitted", None) or {}),
        "versions": package_versions(),
    }
    text = json.dumps(payload, indent=2, default=str, sort_keys=False)
    return f'<pre id="panel-settings">{_e(text)}</pre>'


def _panel_sentence(result: Any) -> str:
    summary = result.summary
    best = result.best
    setting = (
        f"{len(result.series)} series, {_e(plural(int(result.folds), 'backtest fold'))}"
        f" of {_e(result.horizon)} steps each"
    )
    if not result.folds:
        return (
            f"<p>A forecast only of the next {_e(result.horizon)} steps of "
            f"{len(result.series)} series: no model was scored. "
            f"{_e(unscored_panel_text())} {_e(UNSCORED_READING)}</p>"
        )
    if best is None or best not in summary.index:
        return f"<p>No model scored every series ({setting}).</p>"
    row = summary.loc[best]
    scores = result.per_series
    mase = scores.loc[scores["model"] == best, "mase"]
    counted = int(np.isfinite(mase.to_numpy(dtype=float)).sum())
    sentences = [
        f"<b>{_e(best)}</b> had the lowest mean MASE ({_num(row['mean_mase'])}, "
        f"median {_num(row['median_mase'])}) over {setting}"
        + (
            ""
            if counted == len(result.series)
            else f": the mean of the {counted} series with a MASE (a series too "
            "short for a backtest fold has none, nor has a constant one)"
        )
        + "."
    ]
    wins = getattr(result, "wins", None)
    if isinstance(wins, pd.DataFrame) and not wins.empty:
        mine = wins[(wins["model"] == best) & (wins["series"] > 0)]
        bits = [
            f"{_pct(r.share)} of series against {_e(r.baseline)}"
            for r in mine.itertuples()
        ]
        if bits:
            sentences.append("Its MASE was lower on " + ", ".join(bits) + ".")
    sentences += _coverage_sentence(getattr(result, "coverage", None), best)
    failed = result.failed_models
    if failed:
        sentences.append(
            "Not scored (failed on the whole panel): " + _e(", ".join(failed)) + "."
        )
    return "<p>" + " ".join(sentences) + "</p>"


def _panel_data_section(panel: pd.DataFrame, names: list[str]) -> str:
    sizes = panel_summary(panel)
    sizes = sizes[sizes["series"].astype(str).isin(names)]
    rows = [
        ("Series compared", f"{len(names)} (of {panel['series'].nunique()})"),
        ("Points per series", f"{sizes['points'].min()} to {sizes['points'].max()}"),
        ("First", format_time(pd.Timestamp(sizes["start"].min()))),
        ("Last", format_time(pd.Timestamp(sizes["end"].max()))),
        ("Frequency", _frequency_cell(panel.attrs.get("freq"))),
        *_zone_rows(panel.attrs.get("time_zone")),
    ]
    return _data_table(rows, list(panel.attrs.get("notes") or []))


def _panel_summary_table(result: Any) -> str:
    summary = result.summary
    columns = [("series", "Series", 0)]
    if some_without_mase(summary):
        columns.append(("mase_series", "With MASE", 0))
    columns += [
        ("mean_mase", "Mean MASE", 4),
        ("median_mase", "Median MASE", 4),
        ("mean_smape", "Mean sMAPE", 4),
        ("mean_mae", "Mean MAE", 4),
    ]
    wins = [c for c in summary.columns if str(c).startswith("wins vs ")]
    head = ['<th class="text">Model</th>'] + [f"<th>{t}</th>" for _, t, _ in columns]
    head += [f"<th>{_e(c.replace('wins', 'Wins', 1))}</th>" for c in wins]
    head.append("<th>Fit seconds</th>")
    body = []
    order = summary.sort_values("mean_mase", na_position="last", kind="stable")
    for model, row in order.iterrows():
        cells = [f'<td class="text">{_e(model)}</td>']
        cells += [
            f"<td>{_e(int(row[c])) if d == 0 else _num(row[c], d)}</td>"
            for c, _, d in columns
        ]
        cells += [f"<td>{_pct(float(row[c]))}</td>" for c in wins]
        cells.append(f"<td>{_num(row['fit_seconds'], 3)}</td>")
        cls = ' class="best"' if model == result.best else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (
        f'<table id="panel-summary"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        '<p class="muted">Means and medians over series, each series scored on its '
        "own backtest folds; wins: the share of series where the model's MASE is "
        "lower than the baseline's. No Diebold-Mariano test is pooled over series "
        "(too few points per series, and series of one panel share shocks).</p>"
    )


def _per_series_table(result: Any, names: list[str]) -> str:
    per = result.per_series
    models = [str(m) for m in result.summary.index]
    wide = (
        per.pivot(index="series", columns="model", values="mase")
        if not per.empty
        else pd.DataFrame()
    )
    head = ['<th class="text">Series</th>'] + [f"<th>{_e(m)}</th>" for m in models]
    head.append('<th class="text">Note</th>')
    backtested = set(result.forecasts["series"].astype(str))
    body = []
    for name in names:
        cells = [f'<td class="text">{_e(name)}</td>']
        for model in models:
            value = math.nan
            if name in wide.index and model in wide.columns:
                value = float(wide.loc[name, model])
            cells.append(f"<td>{_num(value, 3)}</td>")
        note = "" if name in backtested else "too short for the backtest"
        cells.append(f'<td class="text">{note}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table id="per-series"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _frequency_cell(freq: str | None) -> str:
    """ "monthly (MS)": the frequency in words and its pandas alias."""
    if not freq:
        return "–"
    words = frequency_words(str(freq))
    return words if words == str(freq) else f"{words} ({freq})"


def _unchecked_season(y: pd.Series, comparison: Any) -> str | None:
    """:func:`~convlstm.narrative.unchecked_season_text` of a comparison (one
    without a backtest or fitted models has none)."""
    backtest = getattr(comparison, "backtest", None)
    if backtest is None:
        return None
    fitted = getattr(comparison, "fitted", None) or {}
    return unchecked_season_text(y, fitted, backtest.forecasts)


def _note(text: str | None, id_: str, css: str = "muted") -> str:
    """A note as a sentence of its own (small grey type, or ``css``), or ""
    for none."""
    if text is None:
        return ""
    return f'<p id="{id_}" class="{css}">{_e(as_sentence(text))}</p>'


def _panel_notes(result: Any, panel: pd.DataFrame) -> str:
    items = [str(n) for n in result.notes] + panel_run_notes(panel, result)
    for model, by_series in result.failed.items():
        for series, message in list(by_series.items())[:10]:
            items.append(f"{model} on {series}: {message}")
        if len(by_series) > 10:
            items.append(f"{model}: {len(by_series) - 10} more series failed")
    if not items:
        return "<p>None.</p>"
    return (
        '<ul id="panel-notes">' + "".join(f"<li>{_e(n)}</li>" for n in items) + "</ul>"
    )


# --- text ----------------------------------------------------------------------------


def _head(title: str) -> str:
    """The document's start up to its ``<h1>``: escaped title, inline style."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{_e(title)}</h1>"
    )


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(x: Any, digits: int = 4) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return format_number(v, digits)


def _pct(x: float) -> str:
    return "–" if x is None or math.isnan(x) else f"{100 * x:.0f}%"


def _summary_frame(comparison: Any) -> pd.DataFrame:
    summary = getattr(comparison, "summary", None)
    if not isinstance(summary, pd.DataFrame):
        summary = pd.DataFrame(columns=["mae"])
    if "model" in summary.columns:
        summary = summary.set_index("model")
    return summary


def _baseline_of(significance: pd.DataFrame | None) -> Any:
    if significance is None or significance.empty:
        return None
    return significance.attrs.get("baseline") or significance["baseline"].iloc[0]


def _plain_summary(
    summary: pd.DataFrame,
    winner: Any,
    coverage: pd.DataFrame | None,
    significance: pd.DataFrame | None,
    record: Mapping[str, Any],
    backtest: pd.DataFrame | None,
) -> str:
    if winner is None:
        return "<p>No model produced a backtest score.</p>"
    mae = summary["mae"].astype(float)
    folds = record.get("folds")
    horizon = record.get("horizon")
    if folds is None and isinstance(backtest, pd.DataFrame) and "fold" in backtest:
        folds = backtest["fold"].nunique()
    setting = ""
    if folds and horizon:
        setting = f" over {_e(folds)} backtest folds of {_e(horizon)} steps each"
    # models level with the winner to round-off share the lowest error
    level = [
        m
        for m in mae.index
        if m != winner and math.isclose(mae[m], mae[winner], rel_tol=1e-9)
    ]
    if level:
        sentences = [
            f"<b>{_e(winner)}</b> and {_e(and_list(str(m) for m in level))} had "
            f"the same lowest average error (MAE {_num(mae[winner])}){setting}; "
            f"{_e(winner)} is named the best as the first listed."
        ]
    else:
        sentences = [
            f"<b>{_e(winner)}</b> had the lowest average error (MAE "
            f"{_num(mae[winner])}){setting}."
        ]

    challengers = model_names(baseline=False)
    baseline = _baseline_of(significance)
    if baseline is None or baseline not in mae.index:
        baseline = best_model(mae, among=[m for m in mae.index if m not in challengers])

    focus = winner
    if baseline is not None and winner != baseline:
        gain = 1 - mae[winner] / mae[baseline] if mae[baseline] else math.nan
        sentences.append(
            f"That is {_pct(gain)} lower than {_e(baseline)}, the best "
            f"{_e(kinds_phrase([baseline], default='simple'))} baseline (MAE "
            f"{_num(mae[baseline])})."
        )
    elif baseline is not None:
        rivals = [m for m in mae.index if m in challengers]
        best_rival = best_model(mae, among=rivals)
        if best_rival is not None:
            focus = best_rival
            loss = mae[focus] / mae[baseline] - 1 if mae[baseline] else math.nan
            sentences.append(
                f"No {_e(kinds_phrase(rivals))} model beat this "
                f"{_e(kinds_phrase([baseline], default='simple'))} baseline; the "
                f"best of them, {_e(focus)}, had {_pct(loss)} higher error (MAE "
                f"{_num(mae[focus])})."
            )

    if significance is not None and not significance.empty and focus != baseline:
        row = significance[significance["model"] == focus]
        if not row.empty:
            row = row.iloc[0]
            p = float(row["p_value"])
            if math.isnan(p):
                sentences.append(
                    f"Significance could not be tested: {_e(row['verdict'])}."
                )
            elif bool(row["significant"]):
                sentences.append(
                    f"The difference is statistically significant (Diebold-Mariano "
                    f"test, p {_e(format_p(p))})."
                )
            else:
                sentences.append(
                    f"The difference is not statistically significant (Diebold-Mariano "
                    f"test, p {_e(format_p(p))}): on this much test data the two "
                    "cannot be told apart reliably."
                )

    sentences += _coverage_sentence(coverage, winner)
    return "<p>" + " ".join(sentences) + "</p>"


def _coverage_sentence(coverage: pd.DataFrame | None, winner: Any) -> list[str]:
    """How often the winner's intervals covered held-out values (0 or 1 sentence)."""
    if coverage is None or coverage.empty:
        return []
    rows = coverage[coverage["model"] == winner].sort_values("level")
    bits = [
        f"{_e(level_label(r.level))}% intervals covered {_pct(r.coverage)} of "
        f"{r.n} actual values"
        for r in rows.itertuples()
        if pd.notna(r.coverage)
    ]
    if bits:
        return [
            f"Checked on held-out backtest folds, {_e(winner)}'s "
            + ", and its ".join(bits)
            + "."
        ]
    if not rows.empty:
        return ["Interval coverage could not be checked (too few backtest folds)."]
    return []


def _data_section(y: pd.Series, name: str) -> str:
    index = y.index
    is_dt = isinstance(index, pd.DatetimeIndex)
    freq = None
    if is_dt:
        freq = freq_of(index)
    rows = [
        ("Series", name),
        ("Length", f"{len(y)} points"),
        ("First", _when(index[0]) if len(index) else "–"),
        ("Last", _when(index[-1]) if len(index) else "–"),
        ("Frequency", _frequency_cell(freq)),
        ("Range of values", f"{_num(y.min())} to {_num(y.max())}" if len(y) else "–"),
        *_zone_rows(y.attrs.get("time_zone")),
    ]
    for key in ("time_col", "value_col"):
        if y.attrs.get(key) is not None:
            rows.append((key.replace("_col", " column"), y.attrs[key]))
    notes = y.attrs.get("notes") or []
    return _data_table(rows, [notes] if isinstance(notes, str) else list(notes))


def _zone_rows(time_zone: str | None) -> list[tuple[str, str]]:
    """The data summary's time zone row, where the reader converted the file's
    times (written with changing UTC offsets) to one: its times, and the
    forecasts', are in that zone, not the file's local clock."""
    if not time_zone:
        return []
    return [
        (
            "Time zone",
            f"{time_zone}: the file's times carried UTC offsets and were converted "
            f"to {time_zone}; the times here and in the forecasts are {time_zone}",
        )
    ]


def _when(stamp: Any) -> Any:
    """A timestamp as the report shows it (the date alone at midnight)."""
    return format_time(stamp) if isinstance(stamp, pd.Timestamp) else stamp


def _data_table(rows: list[tuple[str, Any]], notes: list[str]) -> str:
    """The data summary table and the repairs made while loading."""
    body = "".join(
        f'<tr><th class="text">{_e(k)}</th><td class="text">{_e(v)}</td></tr>'
        for k, v in rows
    )
    if notes:
        items = "".join(f"<li>{_e(n)}</li>" for n in notes)
        repairs = f"<p>Repairs and choices made while loading:</p><ul>{items}</ul>"
    else:
        repairs = "<p>No repairs were needed while loading.</p>"
    return f'<table id="data-summary">{body}</table>{repairs}'


def _metrics_table(
    summary: pd.DataFrame,
    winner: Any,
    coverage: pd.DataFrame | None,
    significance: pd.DataFrame | None,
) -> str:
    metrics = [(c, label) for c, label in _METRICS if c in summary.columns]
    levels: list[float] = []
    unchecked: list[float] = []
    if coverage is not None and not coverage.empty:
        levels = sorted(pd.unique(coverage["level"]))
        unchecked = unmeasured_levels(coverage, levels)
        levels = [lv for lv in levels if lv not in unchecked]
    head = ['<th class="text">Model</th>'] + [
        f"<th>{label}</th>" for _, label in metrics
    ]
    for lv in levels:
        pct = level_label(lv)
        head += [f"<th>{pct}% coverage</th>", f"<th>{pct}% width</th>"]
    baseline = _baseline_of(significance)
    if baseline is not None:
        # the verdict carries its p-value (as on the app's page): a column of it
        # too pushed the table past a 1024 px screen
        head.append(f'<th class="text">Against {_e(baseline)} (Diebold-Mariano)</th>')
    if "fit_seconds" in summary.columns:
        head.append("<th>Fit seconds</th>")

    body = []
    for model, row in summary.iterrows():
        cells = [f'<td class="text">{_e(model)}</td>']
        cells += [f"<td>{_num(row[c])}</td>" for c, _ in metrics]
        for lv in levels:
            match = coverage[(coverage["model"] == model) & (coverage["level"] == lv)]
            cov = match["coverage"].iloc[0] if not match.empty else math.nan
            width = match["mean_width"].iloc[0] if not match.empty else math.nan
            cells += [f"<td>{_pct(float(cov))}</td>", f"<td>{_num(width)}</td>"]
        if baseline is not None:
            match = significance[significance["model"] == model]
            if model == baseline:
                cells.append('<td class="text">baseline</td>')
            elif match.empty:
                cells.append('<td class="text">–</td>')
            else:
                verdict = match.iloc[0]["verdict"]
                cells.append(f'<td class="text">{_e(verdict)}</td>')
        if "fit_seconds" in summary.columns:
            # two decimals, as on the app's page (not 0.00514 beside 8.06)
            seconds = float(row["fit_seconds"])
            cells.append(
                f"<td>{seconds:.2f}</td>" if math.isfinite(seconds) else "<td>–</td>"
            )
        cls = ' class="best"' if model == winner else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    table = (
        f'<table id="metrics"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    scheme = "" if coverage is None else coverage.attrs.get("scheme", "")
    source = "earlier" if scheme == "forward" else "the other"
    explain = (
        '<p class="muted">Errors are averaged over all backtest forecasts (lower is '
        "better; the highlighted row has the lowest MAE). "
        + (
            "Coverage is the share of held-out actual values inside the interval "
            f"when it is built from {source} folds' errors (nominal level in the "
            "header); width is the mean interval width. "
            if levels
            else ""
        )
        + (
            "No model's "
            + " or ".join(f"{level_label(lv)}%" for lv in unchecked)
            + " interval could be checked on these folds (too few held-out "
            "values), so those columns are left out. "
            if unchecked
            else ""
        )
        + (
            "The p-value comes from a Diebold-Mariano test (Harvey-Leybourne-"
            "Newbold correction) of each model's errors against the baseline's."
            if baseline is not None
            else ""
        )
        + "</p>"
    )
    return table + explain


def _combination_notes(models: Any) -> str:
    """What each combination among ``models`` is made of (an ensemble's members
    need not be among the models shown)."""
    items = []
    for name in dict.fromkeys(str(m) for m in models):
        if name in model_names(kind="ensemble"):
            text = model_spec(name).description
            items.append(f"<li><b>{_e(name)}</b>: {_e(text)}</li>")
    if not items:
        return ""
    return f'<ul id="combinations">{"".join(items)}</ul>'


def _left_out_notes(comparison: Any) -> str:
    """The chosen models that did not run (too short a series, or a failure)."""
    left_out = getattr(comparison, "left_out", None) or {}
    items = [f"<li>{_e(name)}: {_e(why)}</li>" for name, why in left_out.items()]
    if not items:
        return ""
    return f'<p>Left out:</p><ul id="left-out">{"".join(items)}</ul>'


def _start_notes(comparison: Any) -> str:
    """How the fitted models started (which start the ConvLSTM kept, and why),
    whether the backtest folds started otherwise (or dropped a season the final
    fit keeps), and a network that kept its start (its training added
    nothing)."""
    fitted = getattr(comparison, "fitted", None) or {}
    backtest = getattr(comparison, "backtest", None)
    fold_starts = getattr(backtest, "fold_starts", {})
    fold_seasons = getattr(backtest, "fold_seasons", {})
    forecasts = getattr(backtest, "forecasts", None)
    notes = run_start_notes(fitted, forecasts, fold_starts, fold_seasons)
    if not notes:
        return ""
    items = "".join(f"<li>{_e(as_sentence(n))}</li>" for n in notes)
    return f'<p>How the models started:</p><ul id="start-notes">{items}</ul>'


def _notes_list(frames: list[pd.DataFrame | None], models: Iterable[Any]) -> str:
    """The notes of the interval ``frames`` as a list, what several ``models``
    share said once (as ``Comparison.interval_notes`` does)."""
    notes = [
        str(n)
        for frame in frames
        if frame is not None
        for n in frame.attrs.get("notes", [])
    ]
    notes = merge_model_notes(notes, [str(m) for m in models])
    if not notes:
        return ""
    items = "".join(f"<li>{_e(as_sentence(n))}</li>" for n in notes)
    return f'<p>Notes on the intervals:</p><ul id="interval-notes">{items}</ul>'


def _model_intervals_section(
    intervals: pd.DataFrame | None, own: pd.DataFrame | None
) -> str:
    """The models' own intervals (ETS) beside their conformal ones, step by step."""
    if own is None or own.empty:
        return ""
    levels = list(own.attrs.get("levels", []))
    head = ['<th class="text">Model</th>', "<th>Step</th>", "<th>Forecast</th>"]
    for lv in levels:
        pct = level_label(lv)
        head += [f"<th>{pct}% conformal</th>", f"<th>{pct}% model</th>"]
    body = []
    for r in own.itertuples(index=False):
        row = r._asdict()
        cells = [
            f'<td class="text">{_e(row["model"])}</td>',
            f"<td>{_e(row['step'])}</td>",
            f"<td>{_num(row['forecast'])}</td>",
        ]
        conformal = None
        if intervals is not None and not intervals.empty:
            match = intervals[
                (intervals["model"] == row["model"])
                & (intervals["step"] == row["step"])
            ]
            conformal = match.iloc[0] if not match.empty else None
        for lv in levels:
            lo, hi = lower_column(lv), upper_column(lv)
            if conformal is not None and lo in conformal.index:
                cells.append(f"<td>{_num(conformal[lo])} – {_num(conformal[hi])}</td>")
            else:
                cells.append("<td>–</td>")
            cells.append(f"<td>{_num(row[lo])} – {_num(row[hi])}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        "<h3>The models' own intervals</h3>"
        '<p class="muted">Where a model has prediction intervals of its own (ETS: '
        "closed-form or from simulated paths), they are shown beside the conformal "
        "ones. They hold if the model is right; the conformal ones are built from "
        "the measured backtest errors and are what every model is compared by.</p>"
        f'<table id="model-intervals"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _floor_words(floor: Any) -> str:
    """A recorded floor for the record table: "0", or "none"."""
    return "none" if floor is None else f"{float(floor):g}"


def _record_section(record: Mapping[str, Any]) -> str:
    data = record.get("data") or {}
    versions = record.get("versions") or {}
    rows: list[tuple[str, Any]] = [
        ("Created (UTC)", record.get("created_utc", "–")),
        ("Data SHA-256", data.get("sha256", "–")),
        ("Models", ", ".join(map(str, record.get("models") or [])) or "–"),
        ("Horizon", record.get("horizon", "–")),
        ("Folds", record.get("folds", "–")),
        ("Seed", record.get("seed", "–")),
        ("Device", record.get("device", "–")),
        ("Floor", _floor_words((record.get("extra") or {}).get("floor"))),
        (
            "Networks",
            "; ".join(
                f"{name}: {network_words(used, {})}"
                for name, used in (
                    (record.get("extra") or {}).get("networks") or {}
                ).items()
            )
            or "–",
        ),
        (
            "Versions",
            ", ".join(f"{k} {v}" for k, v in versions.items() if v is not None) or "–",
        ),
    ]
    body = "".join(
        f'<tr><th class="text">{_e(k)}</th><td class="text">{_e(v)}</td></tr>'
        for k, v in rows
    )
    full = _e(record_to_json(record))
    return (
        f'<table id="record">{body}</table>'
        "<details><summary>Full record (JSON): save it to check that a re-run "
        f'matches</summary><pre id="record-json">{full}</pre></details>'
    )
