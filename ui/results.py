"""The compare page's results: chart with bands, scores with coverage and verdicts,
the published benchmark, the future forecast, downloads, the reproducibility record
with its re-run, and portable model bundles."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from convlstm import (
    ConvLSTMError,
    DataError,
    best_model,
    datasets,
    model_names,
    narrative,
    plots,
)
from convlstm.compare import (
    DEFAULT_LEVELS,
    metrics_table,
    with_intervals,
)
from convlstm.data import freq_of
from convlstm.data.cells import and_list, plural
from convlstm.data.series import mostly_zero_text, without_closed
from convlstm.intervals import unmeasured_levels
from convlstm.models.persistence import (
    bundle_data_check,
    bundle_history,
    bundle_model,
    load_bundle,
)
from convlstm.models.registry import network_models, params_for
from convlstm.models.rules import AUTO_SCRATCH_MARGIN
from convlstm.record import networks_used, record_to_json
from convlstm.report import build_report

from .errors import guard, show_error
from .form import LEVEL_OPTIONS, STARTS, model_params, pretrained_models, start_of
from .jobs import current_job, submit_rerun
from .loaders import source_label
from .state import JOB, LEVELS, Source, protocol_name, source_key
from .text import (
    dash_missing,
    escape_md,
    safe_csv,
    score_format,
    slug,
    time_format,
)
from .widgets import note_caption

#: The results' heading's anchor, which :func:`show_jump` links to.
RESULTS_ANCHOR = "results"


def show_jump(res: dict) -> None:
    """One line above the training form saying that results wait below it, with
    a link there: after "Run forecast" on the home page, or on a phone, the form
    fills the first screens and the results would start out of sight."""
    cmp = res["comparison"]
    scored = res.get("kind") == "panel" or bool(cmp.scored)
    best = cmp.best if scored else None
    what = (
        f"best on the backtest: **{escape_md(best)}**"
        if best
        else "scores"
        if scored
        else "forecasts"
    )
    st.markdown(
        f":material/arrow_downward: Results below the settings ({what}) · "
        f"[go to the results](#{RESULTS_ANCHOR})"
    )


def show_results(res: dict, src: Source | None, y: pd.Series) -> None:
    """Render a stored comparison.

    Args:
        res: the result kept in ``st.session_state[RESULT]`` (updated in place when
            the interval levels change or a re-run finishes).
        src: the data chosen now (the result may be for other data).
        y: the series chosen now, to check an uploaded bundle against.
    """
    cmp = res["comparison"]
    current = res["data_key"] == source_key(src)
    show_header(res, "Results", current, upload_label(src))
    if not cmp.scored:
        show_unscored(res)
        return
    show_left_out(cmp)
    show_start(res)

    levels = st.multiselect(
        "Prediction intervals",
        LEVEL_OPTIONS,
        default=[lv for lv in cmp.levels if lv in LEVEL_OPTIONS] or DEFAULT_LEVELS,
        format_func=lambda v: f"{v:.0%}",
        key=LEVELS,
        help="Split-conformal bands from each model's backtest errors at every "
        "horizon step. Changing them needs no retraining.",
    )
    if levels and tuple(sorted(levels)) != tuple(cmp.levels):
        with guard():
            cmp = with_intervals(cmp, levels)
        res["comparison"] = cmp

    best = best_model(cmp.summary)
    fig = plots.forecast_figure(res["y"], cmp, intervals=cmp.intervals, highlight=best)
    st.plotly_chart(fig, key="forecast_chart")
    st.caption(
        "Dotted lines: each model's backtest forecasts, fold by fold, against the "
        "held-out actuals (right of the dashed line); solid lines: its forecast "
        f"beyond the data, with its interval bands ({best or 'the best model'}'s "
        "shown at first). A model's legend entry shows or hides both its lines; "
        "its *intervals* entry, its bands. The scores below say the same in numbers."
    )
    show_scores(cmp, best, res["y"])
    note_caption(mostly_zero_text(res["y"]))  # what MAE hides on such data
    name = protocol_name(src)
    if name and current:
        show_published(name)
    show_interval_notes(cmp)
    show_future(res, best)
    show_downloads(res, fig)
    if cmp.histories:
        with st.expander("Loss curves of the final fits", icon=":material/show_chart:"):
            st.plotly_chart(plots.loss_figure(cmp.histories), key="loss_chart")
            for name in cmp.histories:
                text = narrative.kept_epoch_text(name, cmp.fitted.get(name))
                if text:
                    st.caption(text)
    show_record(res)
    show_bundles(cmp, y)


def show_unscored(res: dict) -> None:
    """A forecast only (0 folds): the forecasts, unscored, with what that means,
    the downloads, the record and the bundles; no scores, conformal bands or
    verdicts, since there was no backtest to build them from."""
    cmp = res["comparison"]
    st.info(
        "**A forecast only: no model was scored.** "
        + narrative.unscored_text(len(res["y"]), res["y"].index)
        + " "
        + narrative.UNSCORED_READING,
        icon=":material/visibility_off:",
    )
    show_left_out(cmp)
    show_start(res)
    fig = plots.forecast_figure(res["y"], cmp, intervals=None)
    st.plotly_chart(fig, key="forecast_chart")
    note_caption(narrative.floor_text(getattr(cmp, "floor", None), scored=False))
    show_future(res, None)
    show_downloads(res, fig)
    show_record(res)
    show_bundles(cmp, res["y"])


def upload_label(src: Source | None, with_series: bool = True) -> str | None:
    """The name of an uploaded file chosen now (None for a bundled dataset: its
    name alone tells it)."""
    if not src or src.get("kind") != "upload":
        return None
    return source_label(src, with_series=with_series)


def show_header(
    res: dict,
    title: str,
    current: bool,
    now_label: str | None = None,
    note: str | None = None,
) -> None:
    """The results' heading, a note when they are for other data than the data
    chosen now (``now_label``: the name of the data chosen now, to tell an
    earlier reading of the same file, or an earlier upload of its name, with its
    contents, columns or steps different; ``note``: the note itself), and
    the run's settings, device, seed, duration and time."""
    p = res["params"]
    st.header(title, divider="gray", anchor=RESULTS_ANCHOR)
    if note:
        st.info(note, icon=":material/info:")
    elif not current:
        label = str(res["label"])
        earlier = bool(now_label) and (
            label == now_label or label.startswith(f"{now_label} · ")
        )
        st.info(
            f"These results are for {'an earlier reading of ' if earlier else ''}"
            f"**{escape_md(label)}**, not the data chosen now"
            + (" (its contents, columns or steps differ)" if earlier else "")
            + ". Train again to compare on the current data.",
            icon=":material/info:",
        )
    st.caption(
        f"{escape_md(res['label'])} · horizon {p['horizon']} · "
        f"{plural(int(p['folds']), 'fold')} · {network_text(res)}trained on "
        f"**{res['device'].upper()}** "
        f"with seed {p['seed']} in {res['comparison'].seconds:.1f} s · "
        f"{res['finished']}"
    )


def network_text(res: dict) -> str:
    """ "ConvLSTM: kernel 3, hidden 8, learning rate 0.003, 2 layers · " for the
    run's models that the network settings shape, else "": the networks that
    produced these results, read off the fitted models where the run kept them
    (a network over a panel is widened, a pretrained one keeps its own shape),
    whatever the form shows now."""
    cmp = res["comparison"]
    used = networks_used(getattr(cmp, "fitted", None) or {})
    parts = []
    for name in network_models():
        if name not in set(cmp.summary.index):
            continue
        mine = params_for(name, model_params(res["params"]))
        words = narrative.network_words(used.get(name), mine)
        if words:
            parts.append(f"{escape_md(name)}: {words} · ")
    return "".join(parts)


def show_left_out(cmp: Any) -> None:
    """The chosen models that did not run (the series was too short for them,
    or they failed), each with why; the others ran. Also the members an ensemble
    trained without their being chosen."""
    record = getattr(cmp, "record", None) or {}
    if trains_too := narrative.unchosen_members_text(
        record.get("models") or [], record.get("parameters")
    ):
        st.caption(escape_md(narrative.as_sentence(trains_too)))
    for name, why in getattr(cmp, "left_out", {}).items():
        hint = (
            " Choose fewer folds or a shorter horizon to include it."
            if why.startswith("needs at least") and "backtest fold" in why
            else ""
        )
        st.warning(
            f"{name} left out: {escape_md(why.rstrip('.'))}.{hint}",
            icon=":material/block:",
        )


def show_start(res: dict) -> None:
    """How each model that has a pretrained network started, and what it noted
    (a season without a pretrained network trains from scratch)."""
    cmp = res["comparison"]
    backtest = getattr(cmp, "backtest", None)  # (older results have none)
    scored = bool(getattr(cmp, "scored", False))
    for name in pretrained_models():
        if name in cmp.summary.index:
            start = start_of(model_params(res["params"]), name)
            if start == "auto":
                season = getattr(backtest, "season_length", 12)
                both = {
                    12: ", or on a monthly series both, forecasting their mean",
                    4: ", or on a quarterly series both, each weighted by how "
                    "well it forecast the end of the series",
                    1: " (scratch only where it forecast the end of the series "
                    f"at least {AUTO_SCRATCH_MARGIN:g} times better)",
                }.get(season, "")
                st.caption(
                    f"{name} was set to start from whichever forecasts this series "
                    f"better: scratch or the pretrained network{both}, where both "
                    "can be checked (the note below says what it did)."
                )
            else:
                st.caption(f"{name} started from {STARTS[start][0]}.")
    for name in cmp.summary.index:
        note = getattr(cmp.fitted.get(name), "init_note_", None)
        if note:
            st.info(f"{name}: {escape_md(note)}.", icon=":material/info:")
        folds = getattr(backtest, "fold_starts", {}).get(name)
        final = getattr(cmp.fitted.get(name), "start_", None)
        if text := narrative.fold_start_text(name, final, folds or []):
            st.caption(f":material/info: {escape_md(text)}.")
        if text := narrative.kept_start_text(name, cmp.fitted.get(name)):
            st.info(escape_md(text), icon=":material/info:")
        if text := narrative.rollout_text(name, cmp.fitted.get(name)):
            st.caption(f":material/info: {escape_md(text)}.")
        if text := narrative.ensemble_members_text(name, cmp.fitted.get(name)):
            st.caption(f":material/info: {escape_md(text)}.")
        if text := narrative.chosen_form_text(name, cmp.fitted.get(name), scored):
            st.caption(f":material/info: {escape_md(text)}.")
        seasons = getattr(backtest, "fold_seasons", {}).get(name) or []
        if text := narrative.fold_season_text(name, cmp.fitted.get(name), seasons):
            st.caption(f":material/info: {escape_md(text)}.")
    if backtest is not None and (
        alike := narrative.alike_networks_text(backtest.forecasts, cmp.fitted)
    ):
        st.info(escape_md(narrative.as_sentence(alike)), icon=":material/info:")


def show_scores(cmp: Any, best: str | None, y: pd.Series) -> None:
    """The backtest scores of a comparison on ``y``: metrics, coverage and width
    per level, verdicts."""
    # the verdict carries its p-value: a column of it too would push the
    # table past the page at 1280 px
    table = metrics_table(cmp).drop(columns=["p-value"])
    # the verdict beside the errors, before the interval columns: on a narrow
    # screen it is what the first view of the table should hold
    first = ["Model", "MAE", "RMSE", "MASE", "vs baseline"]
    table = table[first + [c for c in table.columns if c not in first]]
    table["Model"] = [("★ " if m == best else "") + m for m in table["Model"]]
    config = {
        "Model": st.column_config.TextColumn(width="medium"),  # "Seasonal naive"
        "MAE": st.column_config.NumberColumn(
            format=score_format(table["MAE"]),
            help="Mean absolute error (lower is better)",
        ),
        "RMSE": st.column_config.NumberColumn(
            format=score_format(table["RMSE"]), help="Root mean squared error"
        ),
        "MASE": st.column_config.NumberColumn(
            format="%.3f",
            help="MAE relative to the in-sample seasonal naive error; below 1 beats it",
        ),
        "Bias": st.column_config.NumberColumn(
            format=score_format(table["Bias"]),
            help="Mean error, forecast minus actual: above 0 the forecasts ran high "
            "(too much stock), below 0 low. Errors of both signs cancel: it says "
            "which way a model leans, the MAE how far it misses",
        ),
        "vs baseline": st.column_config.TextColumn(
            help="Diebold-Mariano test (HLN correction) of the backtest errors "
            "against the best baseline, at the 5% level, with its p-value",
            width="large",
        ),
        "Fit seconds": st.column_config.NumberColumn(
            format="%.2f",
            help="Seconds spent fitting the model, summed over the backtest folds",
        ),
    }
    formats: dict[str, str] = {}
    unmeasured = []
    dropped = unmeasured_levels(cmp.coverage, cmp.levels)
    for level in cmp.levels:
        pct = f"{100 * level:g}%"
        if level in dropped and f"Coverage {pct}" in table:
            # a level no model could be measured at: two columns of dashes
            # would push the verdicts off the table
            table = table.drop(columns=[f"Coverage {pct}", f"Width {pct}"])
            unmeasured.append(pct)
            continue
        config[f"Coverage {pct}"] = st.column_config.TextColumn(
            help=f"Share of held-out backtest actuals inside the {pct} interval "
            f"built from earlier folds' errors; close to {pct} is honest",
        )
        config[f"Width {pct}"] = st.column_config.TextColumn(
            help=f"Mean width of the {pct} interval"
        )
        formats[f"Coverage {pct}"] = ".0%"
        formats[f"Width {pct}"] = ".4g"
    table = dash_missing(table, formats)  # "—" where too few folds to measure
    st.subheader("Backtest scores")
    st.dataframe(table, hide_index=True, key="metrics_table", column_config=config)
    if filled := narrative.filled_scoring_text(cmp.backtest.forecasts):
        st.caption(escape_md(narrative.as_sentence(filled)))
    note_caption(narrative.one_fold_text(cmp.backtest.forecasts))
    note_caption(narrative.blank_mase_text(cmp.summary))
    note_caption(narrative.tie_text(cmp.summary))
    note_caption(narrative.unchecked_season_text(y, cmp.fitted, cmp.backtest.forecasts))
    note_caption(narrative.floor_text(getattr(cmp, "floor", None)))
    st.caption(
        "★ marks the best model (lowest MAE over all folds). Coverage is measured "
        "on folds the interval did not learn from: compare it with the nominal "
        "level in the header. — means too few folds to measure it. On a narrow "
        "screen the table scrolls sideways."
        + (
            f" No model's {and_list(unmeasured)} interval could be measured with "
            "these folds, so those columns are left out (more folds measure it)."
            if unmeasured
            else ""
        )
    )
    if text := narrative.coverage_points_text(cmp.coverage):
        st.caption(escape_md(narrative.as_sentence(text)))
    if text := narrative.under_coverage_text(cmp.coverage, cmp.best):
        st.warning(escape_md(narrative.as_sentence(text)), icon=":material/warning:")


def show_published(name: str) -> None:
    """The committed benchmark of a bundled dataset, beside the user's own run."""
    table = datasets.published_benchmark(name)
    if table is None:
        return
    title = "Published benchmark for this dataset"
    with st.expander(title, icon=":material/leaderboard:"):
        st.caption(narrative.published_benchmark_note(table))
        st.dataframe(
            table.drop(columns=["horizon", "folds"]),
            hide_index=True,
            key="published_benchmark",
            column_config={
                "mae": st.column_config.NumberColumn(
                    "MAE", format=score_format(table["mae"])
                ),
                "rmse": st.column_config.NumberColumn(
                    "RMSE", format=score_format(table["rmse"])
                ),
                "mase": st.column_config.NumberColumn("MASE", format="%.3f"),
                "fit_seconds": st.column_config.NumberColumn(
                    "Fit seconds", format="%.2f"
                ),
            },
        )


def show_interval_notes(cmp: Any) -> None:
    """What the library noted while building and checking the intervals."""
    notes = cmp.interval_notes()
    if notes:
        with st.expander("Notes on the intervals", icon=":material/info:"):
            for note in notes:
                st.markdown(f"- {escape_md(note)}")


def model_own(cmp: Any) -> Any:
    """The comparison's model-based intervals (ETS), or None (older results)."""
    own = getattr(cmp, "model_intervals", None)
    return own if own is not None and not own.empty else None


def show_future(res: dict, best: str | None) -> None:
    """The forecast beyond the data of one chosen model, as table and chart."""
    cmp = res["comparison"]
    st.subheader("Forecast beyond the data")
    models = list(cmp.future["model"].unique())
    default = best if best in models else models[0]
    # a new run starts from its best model, not from the model picked before: a
    # widget of its own per run (the browser keeps showing a widget's last choice
    # when only its options change)
    run = res.get("run_id")
    key = f"future_model:{run}"
    before = st.session_state.get("future_model_key")
    if before != key:
        st.session_state.pop(before, None)
        st.session_state["future_model_key"] = key
    chosen = st.selectbox(
        "Model",
        models,
        index=models.index(default),
        key=key,
        help="Each model was refit on the whole series; pick whose forecast to "
        "show and download.",
    )
    if below := narrative.below_zero_text(res["y"], cmp.future, cmp.best):
        st.caption(escape_md(below))
    note_caption(narrative.closed_text(res["y"], cmp.future, cmp.backtest.horizon))
    # a forecast only has no backtest errors to build conformal bands from
    frame = cmp.intervals if cmp.intervals is not None and cmp.scored else cmp.future
    future = frame[frame["model"] == chosen]
    bounds = [c for c in future.columns if c.startswith(("lower_", "upper_"))]
    # a table of bounds is too wide for a column beside the chart: above it
    left, right = (st.container(), st.container()) if bounds else st.columns([2, 3])
    shown = future[["timestamp", "forecast", *bounds]]
    own = model_own(cmp)
    own_bounds: list[str] = []
    if own is not None and chosen in set(own["model"]):
        mine = own[own["model"] == chosen].set_index("timestamp")
        own_cols = [c for c in mine.columns if c.startswith(("lower_", "upper_"))]
        own_bounds = [f"model_{b}" for b in own_cols]
        shown = shown.assign(
            **{f"model_{b}": shown["timestamp"].map(mine[b]) for b in own_cols}
        )
        left.caption(
            f"{escape_md(chosen)} has intervals of its own (from its model, "
            f"{mine['method'].iloc[0]}), shown beside the conformal ones; the "
            "conformal ones are built from the measured backtest errors."
            if bounds
            else f"{escape_md(chosen)} has intervals of its own (from its model, "
            f"{mine['method'].iloc[0]}); they assume the model is right, and no "
            "backtest checked them here."
        )
    left.dataframe(
        # forecast and bounds alike to 6 significant digits (a number column's
        # "localized" format stops at 3 decimals: 1.089 between 1.08801 and 1.08922)
        dash_missing(shown, {b: ".6g" for b in ["forecast", *bounds, *own_bounds]}),
        hide_index=True,
        height=min(300, 35 * (len(shown) + 1) + 3),  # no empty rows below a few
        key="future_table",
        column_config={
            "timestamp": st.column_config.DatetimeColumn(
                f"Time ({cmp.time_zone})"
                if getattr(cmp, "time_zone", None)
                else "Time",
                format=time_format(future["timestamp"], freq_of(res["y"].index)),
            ),
            "forecast": st.column_config.TextColumn("Forecast"),
            **{
                f"{side}_{pct}": st.column_config.TextColumn(
                    f"{pct}% {'low' if side == 'lower' else 'high'}"
                )
                for level in cmp.levels
                for pct in [f"{100 * level:g}"]
                for side in ("lower", "upper")
            },
            **{
                f"model_{side}_{pct}": st.column_config.TextColumn(
                    f"{pct}% {'low' if side == 'lower' else 'high'} (model)"
                )
                for level in cmp.levels
                for pct in [f"{100 * level:g}"]
                for side in ("lower", "upper")
            },
        },
    )
    if same := narrative.same_bands_text(future, cmp.levels):
        left.caption(escape_md(same))
    if narrower := narrative.narrower_bands_text(future, cmp.levels):
        left.caption(escape_md(narrower))
    with right:
        st.plotly_chart(
            plots.forecast_figure(
                res["y"], (None, future), intervals=future, highlight=chosen
            ),
            key="future_chart",
        )


def show_downloads(res: dict, fig: Any) -> None:
    """Report, forecasts and chart downloads (built only when clicked)."""
    cmp = res["comparison"]
    d1, d2, d3 = st.columns(3)
    stem = slug(res["label"])
    d1.download_button(
        "Report (HTML)",
        data=lambda: build_report(
            res["y"], cmp, record=cmp.record, title=f"Forecast report: {res['label']}"
        ),
        file_name=f"report_{stem}.html",
        mime="text/html",
        icon=":material/summarize:",
        key="download_report",
        on_click="ignore",
        type="primary",
        help="One self-contained HTML file that works offline: summary, data, "
        "chart with intervals, metrics with coverage and significance, the record.",
    )
    d2.download_button(
        "Forecasts (CSV)",
        data=lambda: safe_csv(cmp.forecast_table()),
        file_name=f"forecasts_{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_csv",
        on_click="ignore",
        help="Backtest forecasts with actuals, and every model's future forecast "
        "with its bounds (lower_80, upper_80...). Each level's calibration_steps "
        "and n_calibration columns say which steps' backtest errors, and how "
        "many, set that band.",
    )
    d3.download_button(
        "Chart (HTML)",
        data=lambda: fig.to_html(include_plotlyjs=True, full_html=True),
        file_name=f"forecast_chart_{stem}.html",
        mime="text/html",
        icon=":material/download:",
        key="download_html",
        on_click="ignore",
        help="The interactive chart above as a standalone HTML page.",
    )


def show_record(res: dict) -> None:
    """The reproducibility record, and a re-run that checks the numbers match."""
    cmp = res["comparison"]
    st.subheader("Reproducibility")
    with st.expander("Reproducibility record", icon=":material/receipt_long:"):
        st.caption(
            "Data fingerprint (with the repairs made while loading), models, all "
            "parameters, seed, device, library versions and time of the run."
        )
        st.json(cmp.record, expanded=1)
        st.download_button(
            "Record (JSON)",
            data=record_to_json(cmp.record),
            file_name=f"record_{slug(res['label'])}.json",
            mime="application/json",
            icon=":material/download:",
            key="download_record",
            on_click="ignore",
        )
    busy = current_job() is not None
    if st.button(
        "Re-run from the record",
        icon=":material/replay:",
        key="rerun",
        disabled=busy,
        help="Train again with the same data and settings and check that every "
        "number comes out the same. It runs like training: its progress shows at "
        "the top of the page, and it keeps going while you visit other pages."
        + (" Wait for the run in progress, or stop it, first." if busy else ""),
    ):
        with guard():
            submit_rerun(res)
            st.rerun()  # the progress panel, drawn above, now shows the re-run
    if busy:
        job = st.session_state.get(JOB) or {}
        st.caption(
            ":material/hourglass_top: Re-running with the recorded settings: the "
            "progress shows at the top of the page, and the check lands here."
            if job.get("kind") == "rerun" and job.get("of") == res.get("run_id")
            else ":material/hourglass_top: A run is in progress (at the top of the "
            "page); re-run once it has finished."
        )
    check = res.get("rerun")
    if check is None:
        return
    verdict = narrative.rerun_verdict(
        check["match"], len(check["diffs"]), check["seconds"]
    )
    if check["match"]:
        st.success(verdict, icon=":material/check_circle:")
    else:
        st.warning(verdict, icon=":material/difference:")
        st.dataframe(check["diffs"], hide_index=True, key="rerun_diffs")


def show_bundles(cmp: Any, y: pd.Series) -> None:
    """Download a trained neural model as a bundle; upload one to forecast again."""
    upload = bundle_controls(
        cmp.fitted,
        [m for m in cmp.fitted if m in model_names(kind="neural")],
        record=cmp.record,
        key="bundle",
        caption="A bundle holds a neural model's weights, its settings and the "
        "fingerprint of the data it was trained on. The statistical and naive models "
        "(and an ensemble of them) need no bundle: they refit from the data in "
        "seconds.",
        picker="Neural model",
        file_name=lambda name: f"{slug(name)}_model.zip",
        empty="Train a ConvLSTM or LSTM to download a model bundle.",
        upload_help="A bundle downloaded here earlier: forecasts at once, no "
        "retraining.",
    )
    if upload is not None:
        show_uploaded_bundle(upload.getvalue(), upload.name, y)


def bundle_controls(
    fitted: dict[str, Any],
    names: list[str],
    *,
    record: dict | None,
    key: str,
    caption: str,
    picker: str,
    file_name: Any,
    empty: str,
    upload_help: str,
) -> Any:
    """The "Portable model" section: pick one of ``names`` (fitted models) and
    download its bundle (with ``record``), or upload a bundle; returns the upload
    (None without one). Widget keys: ``{key}_model``, ``download_{key}``,
    ``{key}_upload``; ``file_name(name)`` names the download."""
    st.subheader("Portable model")
    st.caption(caption)
    left, right = st.columns(2)
    with left:
        if names:
            name = st.selectbox(picker, names, key=f"{key}_model")
            left.download_button(
                "Model bundle (ZIP)",
                data=lambda: bundle_model(fitted[name], record),
                file_name=file_name(name),
                mime="application/zip",
                icon=":material/deployed_code:",
                key=f"download_{key}",
                on_click="ignore",
            )
        else:
            st.info(empty, icon=":material/info:")
    return right.file_uploader(
        "Forecast with a saved bundle",
        type=["zip"],
        key=f"{key}_upload",
        help=upload_help,
    )


def show_uploaded_bundle(data: bytes, file_name: str, y: pd.Series) -> None:
    """Forecast with an uploaded bundle and check it against the series ``y``."""
    try:
        model, record = load_bundle(data)
        if getattr(model, "fitted_on_panel", False):
            raise DataError(
                f"{file_name} holds a model trained on "
                f"{len(model.panel_names_):,} series; open it on a run over all "
                "series of that file (choose the file on the Data page)"
            )
        forecast = model.predict()
    except ConvLSTMError as exc:
        show_error(exc)
        return
    same, message = bundle_data_check(model, record, y)
    fingerprint = narrative.bundle_fingerprint(model, record)
    st.markdown(
        f"**{escape_md(file_name)}**: {escape_md(model.display_name)} "
        f"· data fingerprint `{fingerprint[:16]}`"
    )
    if same:
        st.success(escape_md(message), icon=":material/check_circle:")
    else:
        st.warning(escape_md(message), icon=":material/warning:")
    table = forecast.rename("forecast").rename_axis("timestamp").reset_index()
    table.insert(0, "model", model.display_name)
    # the times of the week its data was closed (bundles before 2026-12-07 keep
    # none: the current series' are the bundle's data's when it is the same)
    closed = model.__dict__.get("closed_") or (y.attrs.get("closed") if same else None)
    table = without_closed(table, closed)
    b1, b2 = st.columns([2, 3])
    b1.dataframe(
        dash_missing(table, {"forecast": ".6g"}),
        hide_index=True,
        key="bundle_forecast",
        height=300,
        column_config={
            "timestamp": st.column_config.DatetimeColumn(
                "Time", format=time_format(table["timestamp"], freq_of(forecast.index))
            ),
            "forecast": st.column_config.TextColumn("Forecast"),
        },
    )
    # the series it continues: the current one, or the bundle's own last window
    # when it was trained on other data (the current history would mislead)
    history = y if same else bundle_history(model)
    with b2:
        if history is None or history.empty:
            st.caption("The bundle keeps none of the values it was trained on.")
        else:
            st.plotly_chart(
                plots.forecast_figure(history, (None, table), show_backtest=False),
                key="bundle_chart",
            )
            if not same:
                st.caption(
                    "The line before the forecast is the bundle's own last window "
                    "of the data it was trained on, not the current series."
                )
