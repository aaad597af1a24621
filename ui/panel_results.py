"""Train & compare over every series of a panel: the choice between all series and
the chosen one, and the results of a run over all series (leaderboard, per-series
table whose selected row drills down to that series' chart, failures and notes,
the report and the long-format forecast download)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from convlstm import ConvLSTMError, DataError, narrative, plots
from convlstm.data import infer_freq, without_closed
from convlstm.models.persistence import load_bundle
from convlstm.panel_compare import some_without_mase
from convlstm.report import build_panel_report

from .errors import show_error
from .results import bundle_controls, show_header, upload_label
from .state import PARAMS, RESULT, Source, panel_key, source_key
from .text import app_words, dash_missing, escape_md, safe_csv, slug, time_format
from .widgets import note_caption

#: Most series one run in the app trains on; larger panels are sampled.
PANEL_SAMPLE = 200
SCOPE = "panel_scope"  # widget key: train on all series or on the chosen one
ALL, ONE = "all", "one"
DRILL = "drill"  # the series a panel result's chart shows, kept in the result
MASE_HELP = (
    "Each series' error over its in-sample seasonal naive error, so series of "
    "different sizes count alike; below 1 beats that baseline."
)


def scope_choice(panel: pd.DataFrame, chosen: str) -> bool:
    """The choice between one run over all series and the chosen series alone.

    Args:
        panel: the current panel.
        chosen: the series picked on the Data page.

    Returns:
        True for all series.
    """
    n = int(panel["series"].nunique())
    labels = {
        ALL: f"All {n:,} series (one global run)"
        if n <= PANEL_SAMPLE
        else f"Many series: a random {PANEL_SAMPLE} of the {n:,} (one global run)",
        ONE: f"Only the chosen series ({escape_md(chosen)})",
    }
    if SCOPE not in st.session_state:
        # drawn afresh (another page, a reloaded tab): match the results shown,
        # so a result of the chosen series alone is not shown under "all series";
        # with none yet (a run still going), the settings last submitted
        shown = st.session_state.get(RESULT) or {}
        submitted = (st.session_state.get(PARAMS) or {}).get("data_key")
        if (shown.get("kind") != "panel" and shown.get("data_key") == source_key()) or (
            not shown and submitted == source_key()
        ):
            st.session_state[SCOPE] = ONE
    scope = st.radio(
        "Train on",
        list(labels),
        format_func=labels.get,
        horizontal=True,
        key=SCOPE,
        help="All series: every model is scored on each series and the scores are "
        "averaged into one leaderboard. Only the chosen series: the full "
        "single-series comparison (intervals, significance, record, bundles). Pick "
        "the series on the Data page.",
    )
    if scope == ALL:
        st.caption(narrative.panel_scope_note(n, PANEL_SAMPLE))
    return scope == ALL


def panel_label(label: str, panel: pd.DataFrame) -> str:
    """The label of a run over all series: the data's name and the series count
    (a sample of :data:`PANEL_SAMPLE` of a bigger panel is said so)."""
    n = panel["series"].nunique()
    if n > PANEL_SAMPLE:
        return f"{label} · a sample of {PANEL_SAMPLE:,} of {n:,} series"
    return f"{label} · all {n:,} series"


def series_table(
    per_series: pd.DataFrame, metric: str = "mase", series: list[str] | None = None
) -> pd.DataFrame:
    """One row per series: the best model (lowest ``metric``) and every model's
    ``metric``, series in the panel's order.

    Args:
        per_series: long frame ``series, model, <metric>...``
            (``PanelComparison.per_series``).
        metric: the column compared.
        series: every series of the run, in order: a series without a score
            (too short for a fold, or constant for MASE) keeps its row, empty,
            so it can still be chosen and drawn.
    """
    wide = per_series.pivot_table(
        index="series",
        columns="model",
        values=metric,
        aggfunc="first",
        sort=False,
        dropna=False,
    )
    wide.columns = [str(c) for c in wide.columns]
    if series is not None:
        wide.index = wide.index.astype(str)
        wide = wide.reindex([str(s) for s in series])
        wide.index.name = "series"
    best = [
        str(row.idxmin()) if row.notna().any() else "—" for _, row in wide.iterrows()
    ]
    out = wide.reset_index().rename(columns={"series": "Series"})
    out.insert(1, "Best", best)
    out["Series"] = out["Series"].astype(str)
    return out


def result_line(res: dict) -> str:
    """The sidebar's line on a panel result: its best model and mean MASE."""
    cmp = res["comparison"]
    if not cmp.folds:
        return f"A forecast only, unscored ({len(cmp.series)} series)"
    best = cmp.best or "?"
    summary = cmp.summary
    value = float(summary.loc[best, "mean_mase"]) if best in summary.index else None
    shown = "?" if value is None or pd.isna(value) else f"{value:.3f}"
    return f"Best: **{escape_md(best)}** (mean MASE {shown})"


def show_panel_results(res: dict, src: Source | None, all_series: bool = True) -> None:
    """Render a stored run over all series of a panel.

    Args:
        res: the result kept in ``st.session_state[RESULT]`` (its drilled-down
            series is kept in it).
        src: the data chosen now (the result may be for other data).
        all_series: a run over all series is chosen now (False: the chosen
            series alone, so these results are not for the data chosen now).
    """
    cmp = res["comparison"]
    current = all_series and res["data_key"] == panel_key(src)
    note = None
    if not all_series and res["data_key"] == panel_key(src):
        note = (
            "These results are over all series of this file; **only the chosen "
            "series** is selected above now. Train to compare on it alone, or "
            "choose all series again."
        )
    same_file = upload_label(src, with_series=False)
    show_header(res, "Results over all series", current, same_file, note)
    if not cmp.folds:
        st.info(
            "**A forecast only: no series was scored.** "
            + narrative.unscored_panel_text()
            + " "
            + narrative.UNSCORED_READING,
            icon=":material/visibility_off:",
        )
        show_problems(cmp)
        show_unscored_series(res, (src or {}).get("series"))
    else:
        show_leaderboard(cmp, res["panel"])
        show_problems(cmp)
        show_series(res, (src or {}).get("series"))
    if below := narrative.panel_below_zero_text(res["panel"], cmp.future):
        st.caption(escape_md(below))
    note_caption(narrative.panel_closed_text(res["panel"], cmp.future, cmp.horizon))
    if filled := narrative.filled_scoring_text(cmp.forecasts):
        st.caption(escape_md(narrative.as_sentence(filled)))
    show_panel_downloads(res)
    show_panel_bundles(res)


def show_leaderboard(cmp: Any, panel: pd.DataFrame | None = None) -> None:
    """The summary: one row per model, scores averaged over the series
    (``panel``: the data, for the caveat on sMAPE near zero)."""
    st.subheader("Leaderboard")
    table = cmp.summary.drop(columns=["best"], errors="ignore")
    if not some_without_mase(table):  # every series scored has a MASE
        table = table.drop(columns="mase_series", errors="ignore")
    table.index = [("★ " if str(m) == cmp.best else "") + str(m) for m in table.index]
    number = st.column_config.NumberColumn
    config: dict[str, Any] = {
        "_index": st.column_config.TextColumn("Model"),
        "series": number(
            "Series scored",
            help="Series this model forecast in the backtest.",
        ),
        "mase_series": number(
            "With MASE",
            help="Series scored that have a MASE: mean and median MASE are over "
            "these. A series constant, or repeating one season exactly, before a "
            "fold has none there: the seasonal naive forecast that MASE scales "
            "by makes no error on it.",
        ),
        "mean_mase": number("Mean MASE", format="%.3f", help=MASE_HELP),
        "median_mase": number("Median MASE", format="%.3f"),
        "mean_smape": number(
            "Mean sMAPE", format="%.2f", help="Symmetric MAPE, in percent."
        ),
        "mean_mae": number("Mean MAE", format="%.4g", help="In each series' units."),
        "mean_bias": number(
            "Mean bias",
            format="%.3g",
            help="Mean error, forecast minus actual, in each series' units: above 0 "
            "the forecasts ran high (too much stock), below 0 low.",
        ),
        "fit_seconds": number("Fit seconds", format="%.1f"),
    }
    wins = [c for c in table.columns if str(c).startswith("wins vs ")]
    for column in wins:
        config[column] = st.column_config.TextColumn(
            "Wins vs " + str(column).removeprefix("wins vs "),
            help="Share of the series where this model's MASE is lower than the "
            "baseline's (— for the baseline itself).",
        )
    table = dash_missing(table, dict.fromkeys(wins, ".0%"))
    st.dataframe(table, key="panel_leaderboard", column_config=config)
    st.caption(
        "Scores are averaged over the series each model forecast. ★ marks the best "
        "model: the lowest mean MASE among those scored on every series the "
        "backtest could score (series too short for a backtest fold are left out "
        "of every model's scores)."
    )
    note_caption(narrative.head_to_head_text(cmp.per_series, cmp.best))
    if panel is not None:
        note_caption(narrative.percent_errors_text(panel["value"]))
    note_caption(narrative.floor_text(getattr(cmp, "floor", None), bool(cmp.folds)))
    show_panel_coverage(cmp)


def show_panel_coverage(cmp: Any) -> None:
    """The prediction intervals' coverage, measured on later backtest folds."""
    coverage = getattr(cmp, "coverage", None)
    if coverage is None or coverage.empty:
        return
    with st.expander("Prediction intervals: measured coverage", icon=":material/info:"):
        if "n" in coverage and not (coverage["n"] > 0).any():
            st.caption(
                "Coverage could not be measured: the intervals are built from "
                "earlier backtest folds' errors and checked on later folds, so it "
                "needs at least 2 folds (and series long enough for them)."
            )
            return
        st.caption(
            "Each model's intervals are pooled over the series on scale-free errors; "
            "coverage is the share of later folds' actuals inside them, over all "
            "series, so it holds on average over the panel, not for each series. "
            "Close to the level is honest."
        )
        table = coverage[["model", "level", "coverage", "mean_width"]]
        st.dataframe(
            dash_missing(
                table, {"level": ".0%", "coverage": ".0%", "mean_width": ".3g"}
            ),
            hide_index=True,
            key="panel_coverage",
            column_config={
                "model": "Model",
                "level": "Level",
                "coverage": "Coverage",
                "mean_width": st.column_config.TextColumn(
                    "Mean width",
                    help="In units of each series' MASE scale (its typical "
                    "seasonal naive error), so series of any size average: 2 = an "
                    "interval twice as wide as that error.",
                ),
            },
        )


def show_problems(cmp: Any) -> None:
    """Series a model could not forecast, and the run's notes, in plain words."""
    failures = narrative.panel_failures(cmp.failed or {}, scored=bool(cmp.folds))
    # the floor is said under the leaderboard
    floor = narrative.floor_text(getattr(cmp, "floor", None), bool(cmp.folds))
    notes = [n for n in dict.fromkeys(cmp.notes or []) if n != floor]
    if failures:
        st.warning(
            "\n".join(f"- {escape_md(s)}" for s in failures), icon=":material/warning:"
        )
    if cmp.failed_models:
        st.caption(
            "A model that failed on the whole panel may still train on one series: "
            "choose **Only the chosen series** under *Train on* above."
        )
    if notes:
        with st.expander(f"Notes on this run ({len(notes)})", icon=":material/info:"):
            st.markdown("\n".join(f"- {escape_md(app_words(n))}" for n in notes))


def show_series(res: dict, picked: str | None = None) -> None:
    """The per-series table; its selected row's series is drawn below it (before
    any selection: ``picked``, the series chosen on the Data page, else the first).
    """
    cmp = res["comparison"]
    table = series_table(cmp.per_series, series=list(cmp.series))
    st.subheader("Per series")
    st.caption(
        "MASE of every model on each series (lower is better; a dash where a series "
        "is too short for a backtest fold, or has no MASE, being constant). Select "
        "a row to see that series' history, backtest and forecasts."
    )
    scores = [c for c in table.columns if c not in ("Series", "Best")]
    event = st.dataframe(
        # a series without a score shows a dash, not "None"
        dash_missing(table, dict.fromkeys(scores, ".3f")),
        hide_index=True,
        key="panel_series_table",
        on_select="rerun",
        selection_mode="single-row",
        height=min(400, 35 * (len(table) + 1) + 3),
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        res[DRILL] = table["Series"].iloc[rows[0]]
    names = table["Series"].tolist()
    chosen = next((n for n in (res.get(DRILL), picked) if n in names), None)
    if chosen is None and names:
        chosen = names[0]
    if chosen is None:
        return
    st.markdown(f"**Series {escape_md(chosen)}**")
    st.plotly_chart(
        plots.panel_forecast_figure(
            res["panel"], cmp, chosen, title="", highlight=cmp.best
        ),
        key="panel_series_chart",
    )


def show_unscored_series(res: dict, picked: str | None = None) -> None:
    """A forecast only: one series at a time (``picked`` first), its history and
    every model's forecast."""
    cmp = res["comparison"]
    names = [str(n) for n in cmp.series]
    if not names:
        return
    st.subheader("Per series")
    chosen = st.selectbox(
        "Series",
        names,
        index=names.index(picked) if picked in names else 0,
        key="panel_unscored_series",
    )
    st.plotly_chart(
        plots.panel_forecast_figure(res["panel"], cmp, chosen, title=""),
        key="panel_series_chart",
    )


def show_panel_downloads(res: dict) -> None:
    """The HTML report, the future forecasts of every series (long CSV) and the
    per-series scores."""
    cmp = res["comparison"]
    stem = slug(res["label"])
    d0, d1, d2 = st.columns(3)
    d0.download_button(
        "Report (HTML)",
        data=lambda: build_panel_report(
            res["panel"],
            cmp,
            title=f"Forecast report: {res['label']}",
            settings={**res["params"], "device": res.get("device")},
        ),
        file_name=f"report_{stem}.html",
        mime="text/html",
        icon=":material/summarize:",
        key="download_panel_report",
        on_click="ignore",
        type="primary",
        help="One self-contained HTML file that works offline: leaderboard, every "
        "series' scores, charts of a few series, notes and failures.",
    )
    d1.download_button(
        "Forecasts, all series (CSV)",
        data=lambda: safe_csv(cmp.future_table()),
        file_name=f"forecasts_{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_panel_forecasts",
        on_click="ignore",
        help="Every model's forecast beyond the data for every series, one row "
        "each: series, timestamp, model, forecast.",
    )
    d2.download_button(
        "Scores per series (CSV)",
        data=lambda: safe_csv(cmp.scores_table()),
        file_name=f"scores_{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_panel_scores",
        on_click="ignore",
        help="MAE, RMSE, MASE and sMAPE of every model on every series; a series "
        "without a score keeps its rows, with a note saying why.",
    )


def show_panel_bundles(res: dict) -> None:
    """Download a global neural model trained on all series as a bundle; upload one
    to forecast every series it was trained on again, without retraining."""
    cmp = res["comparison"]
    upload = bundle_controls(
        cmp.fitted,
        [
            name
            for name, model in cmp.fitted.items()
            if getattr(model, "to_bytes", None) is not None and model.fitted_on_panel
        ],
        record=None,
        key="panel_bundle",
        caption="A bundle holds a global network's weights, its settings and the "
        "last window of every series it was trained on: loaded later (here or with "
        "`convlstm.load_model`), it forecasts all of them at once. The statistical "
        "models need no bundle: they refit in seconds.",
        picker="Global model",
        file_name=lambda name: f"{slug(name)}_{slug(res['label'])}_model.zip",
        empty="Train a ConvLSTM or LSTM on all series to download its network.",
        upload_help="A bundle of a model trained on a panel: forecasts every series "
        "it was trained on, no retraining.",
    )
    if upload is not None:
        show_uploaded_panel_bundle(upload.getvalue(), upload.name, cmp.series)


def show_uploaded_panel_bundle(data: bytes, file_name: str, series: list[str]) -> None:
    """Forecast every series of an uploaded panel bundle; say which of the current
    run's ``series`` it knows."""
    try:
        model, _ = load_bundle(data)
        if not model.fitted_on_panel:
            raise DataError(
                f"{file_name} holds a model trained on one series; open it on a "
                "single series (pick one on the Data page)"
            )
        forecast = model.predict()
    except ConvLSTMError as exc:
        show_error(exc)
        return
    known = set(model.panel_names_)
    shared = sum(name in known for name in series)
    text = narrative.panel_bundle_text(
        model.display_name, len(known), shared, len(series)
    )
    (st.success if shared == len(series) else st.warning)(
        escape_md(f"{file_name}: {text}"), icon=":material/deployed_code:"
    )
    table = forecast.rename(columns={"time": "timestamp"})
    table.insert(2, "model", model.display_name)  # as the run's forecasts CSV
    # each series' times of the week its data was closed, left out
    table = without_closed(table, model.__dict__.get("closed_"), series="series")
    times = pd.DatetimeIndex(table["timestamp"].drop_duplicates().sort_values())
    freq = infer_freq(times)  # None: times of no one step, shown in full
    st.dataframe(
        table,
        hide_index=True,
        key="panel_bundle_forecast",
        height=300,
        column_config={
            "timestamp": st.column_config.DatetimeColumn(
                "Time", format=time_format(times, freq)
            )
        },
    )
    st.download_button(
        "Bundle forecasts (CSV)",
        data=safe_csv(table),
        file_name=f"forecasts_{slug(file_name)}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_panel_bundle_forecasts",
        on_click="ignore",
    )
