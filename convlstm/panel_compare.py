"""Panel comparison: every model backtested on many series at once, one leaderboard.

Rolling origin per series (cutoffs aligned to each series' end), one panel fit per
model and fold, ensembles combined from their members' forecasts, scores per series
and aggregated over series, and a refit on all data with pooled conformal intervals.
"""

from __future__ import annotations

import functools
import inspect
import logging
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .backtest import (
    check_count,
    check_folds,
    first_fold_min_length,
    fitting,
    fold_scores,
    helper_members,
    is_combiner,
    named_models,
    needs_validation,
    observed,
    progress_event,
)
from .compare import DEFAULT_LEVELS, give_members_settings
from .data import (
    freq_of,
    future_index,
    natural_order,
    series_of,
    short_cycle_note,
    split_panel,
    stale_series_note,
    without_closed,
)
from .data import season_length as freq_season_length
from .data.cells import plural, quote
from .data.export import in_time_zone
from .data.frequency import check_future
from .data.series import runs_mask
from .errors import ConvLSTMError, DataError, PanelFitWarning, ParameterError
from .executor import check_engine, check_train_workers
from .intervals import (
    check_floor,
    check_levels,
    conformal_intervals,
    interval_coverage,
    lower_column,
    raise_to_floor,
    raise_values,
    upper_column,
)
from .metrics import best_model, clearly_lower, mase_scale
from .models.base import BaseForecaster
from .models.checks import check_horizon
from .models.registry import (
    canonical_name,
    default_models,
    make_model,
    model_names,
    model_spec,
    params_for,
)
from .narrative import (
    floor_text,
    merge_model_notes,
    one_fold_text,
    panel_fold_season_text,
    run_start_notes,
    unchosen_members_text,
)

__all__ = [
    "ALL_SERIES",
    "FORECAST_COLUMNS",
    "PER_SERIES_COLUMNS",
    "PanelComparison",
    "compare_panel",
    "default_panel_folds",
    "default_panel_horizon",
    "some_without_mase",
    "summary_table",
    "unscored_series_text",
]

log = logging.getLogger(__name__)

#: The key of ``PanelComparison.failed[model]`` for a failure on the whole panel.
ALL_SERIES = "(all series)"
#: Columns of ``PanelComparison.forecasts`` (the backtest, long format).
FORECAST_COLUMNS = (
    "series",
    "fold",
    "time",
    "actual",
    "model",
    "forecast",
    "step",
    "cutoff",
)
#: Columns of ``PanelComparison.per_series``.
PER_SERIES_COLUMNS = (
    "series",
    "model",
    "mae",
    "rmse",
    "mase",
    "smape",
    "mape",
    "bias",
    "folds",
)
#: How many series a note names before it counts the rest.
_LISTED = 10

ProgressCallback = Callable[[Any], bool | None]


@dataclass
class PanelComparison:
    """The result of :func:`compare_panel`.

    Attributes:
        summary: one row per model (index ``model``): ``series`` (series scored),
            ``mase_series`` (those of them with a MASE), ``mean_mase``,
            ``median_mase``, ``mean_smape``, ``mean_mae``, ``mean_bias`` (mean
            forecast minus actual) (over series, each series' score the mean
            over its folds; NaN scores are left out of the means: a series
            constant before a fold has no MASE there for any model, so all models
            are averaged over the same series, said in ``notes``), one
            ``"wins vs <baseline>"`` column per baseline model compared (share of
            the series both scored where this model's MASE is lower; NaN for the
            baseline itself), ``fit_seconds`` (the backtest's panel fits, summed
            over folds; an ensemble's: its members') and ``best`` (bool).
        per_series: tidy, one row per series and model: ``series, model, mae,
            rmse, mase, smape, mape`` (MASE the mean over the folds the series
            was scored in; MAE, sMAPE, RMSE and MAPE over the observed points of
            those folds, as a single series' backtest scores them) and ``folds``
            (how many).
        forecasts: the backtest in long format: ``series, fold, time, actual,
            model, forecast, step, cutoff`` (``cutoff``: the series' last training
            timestamp in that fold).
        future: the models refit on all data: ``series, time, model, forecast``,
            ``step`` and, per level, ``lower_<pct>``/``upper_<pct>`` (e.g.
            ``lower_80``, ``upper_95``), see :func:`compare_panel` on how they are
            pooled.
        failed: ``{model: {series: message}}``; a failure on the whole panel (a
            model that does not take panels, say) is under the key
            :data:`ALL_SERIES`.
        notes: plain sentences on sampling, series left out, intervals, stops.
        best: the model with the lowest mean MASE among those that scored every
            series of the backtest; None when none did.
        horizon: steps forecast per fold and into the future.
        season_length: the season used to scale MASE.
        freq: the panel's frequency.
        folds: backtest folds.
        levels: the interval levels of ``future``.
        wins: long form of the wins: ``model, baseline, wins, losses, ties,
            series, share`` (``share`` = wins / series).
        coverage: the intervals' measured coverage per model and level
            (:func:`~convlstm.intervals.interval_coverage`, forward scheme: fold
            ``k`` checked with intervals calibrated on the earlier folds of every
            series), with ``mean_width`` in units of each series' MASE scale; None
            without intervals (its notes say why when it is empty, e.g. one fold).
        series: the series compared (after any sampling).
        fitted: the models fitted on all data, by name.
        seconds: wall time of the whole comparison.
        stopped: whether the progress callback stopped the comparison early.
        floor: the value no forecast or interval bound goes below, or None.
        time_zone: the time zone of the panel's times ("UTC" where the reader
            converted them), or None; :meth:`future_table` marks its times with it.
    """

    summary: pd.DataFrame
    per_series: pd.DataFrame
    forecasts: pd.DataFrame
    future: pd.DataFrame
    failed: dict[str, dict[str, str]]
    notes: list[str]
    best: str | None
    horizon: int
    season_length: int
    freq: str | None
    folds: int = 1
    levels: tuple[float, ...] = ()
    wins: pd.DataFrame = field(default_factory=pd.DataFrame)
    coverage: pd.DataFrame | None = None
    series: list[str] = field(default_factory=list)
    fitted: dict[str, BaseForecaster] = field(default_factory=dict)
    seconds: float = 0.0
    stopped: bool = False
    floor: float | None = None
    time_zone: str | None = None

    def __repr__(self) -> str:
        # the fields hold whole frames and fitted models: name what it is instead
        models = list(self.summary.index)
        if self.best is not None:
            mase = float(self.summary.loc[self.best, "mean_mase"])
            scores = f"best {self.best} (mean MASE {mase:.4g})"
        else:
            scores = "no model ranked"
        stopped = "; stopped early" if self.stopped else ""
        return (
            f"<PanelComparison of {plural(len(models), 'model')} "
            f"({', '.join(models)}) on {plural(len(self.series), 'series')}, "
            f"horizon {self.horizon}, {plural(self.folds, 'fold')}; {scores}"
            f"{stopped}; {self.seconds:.1f} s>"
        )

    @property
    def failed_models(self) -> dict[str, str]:
        """``{model: message}`` of the models that failed on the whole panel."""
        return {m: by[ALL_SERIES] for m, by in self.failed.items() if ALL_SERIES in by}

    def future_table(self) -> pd.DataFrame:
        """Every series' future forecasts in long format (the app's and the CLI's
        forecasts CSV): ``series, timestamp, model, forecast``, then the
        prediction intervals' bounds where the run made them; series in natural
        order."""
        out = self.future.rename(columns={"time": "timestamp"})
        bounds = [c for c in out.columns if str(c).startswith(("lower_", "upper_"))]
        out = out[["series", "timestamp", "model", "forecast", *bounds]].copy()
        out["series"] = out["series"].astype(str)
        rank = {s: i for i, s in enumerate(natural_order(out["series"].unique()))}
        out = out.sort_values(["series", "model", "timestamp"], kind="stable")
        out = out.sort_values("series", key=lambda col: col.map(rank), kind="stable")
        return in_time_zone(out, getattr(self, "time_zone", None))

    def scores_table(self) -> pd.DataFrame:
        """``per_series`` with a row for every series and model of the run, in
        the run's order: a pair without a score keeps its row, its scores empty
        and ``folds`` 0, and a last column ``note`` says why (the model failed on
        the series, the series was too short for the backtest, or the run was a
        forecast only); empty for a pair scored."""
        models = [str(m) for m in self.summary.index]
        names = [str(s) for s in self.series]
        scored = self.per_series.assign(
            series=self.per_series["series"].astype(str),
            model=self.per_series["model"].astype(str),
        ).set_index(["series", "model"])
        grid = pd.MultiIndex.from_product([names, models], names=["series", "model"])
        out = scored.reindex(grid).reset_index()
        out["folds"] = out["folds"].fillna(0).astype(int)
        backtested = set(self.forecasts["series"].astype(str))
        notes = []
        rows = zip(
            out["series"], out["model"], out["folds"], out["mase"].isna(), strict=True
        )
        for name, model, folds, no_mase in rows:
            failed = self.failed.get(model, {})
            why = failed.get(name) or failed.get(ALL_SERIES)
            if why:
                notes.append(f"failed: {why}")
            elif folds:
                notes.append(
                    "no MASE: the seasonal naive's error in training is zero"
                    if no_mase
                    else ""
                )
            elif not self.folds:
                notes.append("not scored: a forecast only (no backtest fold)")
            elif name not in backtested:
                notes.append("not scored: too short for the backtest")
            else:
                notes.append("not scored")
        out["note"] = notes
        return out

    def series_frames(self, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """One series' backtest and future in the columns of a single-series
        comparison, ready for :func:`~convlstm.plots.forecast_figure`.

        Returns:
            ``(backtest, future)``: ``model, fold, cutoff, timestamp, step, actual,
            forecast`` and ``model, timestamp, step, forecast`` plus any interval
            columns; empty frames when the series has none.

        Raises:
            DataError: ``name`` is not a series of this comparison.
        """
        if str(name) not in self.series:
            listed = ", ".join(quote(s) for s in self.series[:_LISTED])
            raise DataError(f"no series {quote(name)} in the comparison ({listed})")
        bt = self.forecasts[self.forecasts["series"].astype(str) == str(name)]
        fut = self.future[self.future["series"].astype(str) == str(name)]
        bt = bt.rename(columns={"time": "timestamp"}).drop(columns="series")
        fut = fut.rename(columns={"time": "timestamp"}).drop(columns="series")
        first = ["model", "fold", "cutoff", "timestamp", "step", "actual", "forecast"]
        bt = bt[first + [c for c in bt.columns if c not in first]]
        lead = ["model", "timestamp", "step", "forecast"]
        fut = fut[lead + [c for c in fut.columns if c not in lead]]
        return bt.reset_index(drop=True), fut.reset_index(drop=True)


def compare_panel(
    panel: pd.DataFrame,
    *,
    models: Sequence[str | BaseForecaster] | Mapping[str, BaseForecaster] | None = None,
    horizon: int | None = None,
    folds: int = 1,
    season_length: int | None = None,
    params: Mapping[str, Any] | None = None,
    n_jobs: int | None = None,
    max_series: int | None = None,
    include: Sequence[str] = (),
    seed: int = 0,
    progress: ProgressCallback | None = None,
    levels: Sequence[float] = DEFAULT_LEVELS,
    engine: str | None = None,
    train_workers: int = 1,
    floor: float | None = None,
) -> PanelComparison:
    """Backtest several models on every series of a panel and forecast the future.

    Rolling origin per series: in fold ``k`` of ``F`` a series of ``n`` points
    trains on its first ``n - (F - k + 1) * horizon`` points and is scored on the
    next ``horizon``, so cutoffs are aligned to each series' own end. Each fold
    fits every model once on the panel of truncated series (``model.fit(panel)``:
    a local model fits per series on ``n_jobs`` workers of ``engine``, a global
    network trains once, on ``train_workers`` processes), predicts the long frame
    and is scored against the actuals. A series whose training part in a fold
    would be shorter than the backtest's minimum
    (:func:`~convlstm.backtest.first_fold_min_length`) is left out of that fold
    with a note. A model that fails on the whole panel (a model that does not take
    panels raises ``DataError``) is reported in ``failed`` and the others kept; a
    model that fails on some series is scored on the rest.

    Ensembles are not refitted: each series' ensemble forecast is its members'
    forecasts of that series combined by the ensemble's own rule
    (``fit_from_forecasts``; median by default), members missing for a series
    left out for it. Members that are not among ``models`` are fitted only to
    feed the ensembles. A weighted ensemble weighs members by their MAE on that
    series in the previous fold (the first fold, which has none, weighs equally).

    Significance: no Diebold-Mariano test is pooled over series. The test needs
    one loss-differential series long enough for its autocorrelation-robust
    variance; a series contributes only ``folds * horizon`` points (often fewer
    than ten), series differ in scale, and series of one panel share shocks, so a
    pooled test would treat dependent points as independent and overstate
    significance. The summary reports per-series win shares against each baseline
    instead (``summary``, ``wins``).

    Intervals: split-conformal, pooled over series per model and horizon step on
    scaled residuals. Each backtest residual is divided by its series' MASE scale
    (the in-sample seasonal naive MAE of that fold's training part), the conformal
    quantile of the pooled scaled residuals is taken per model and step
    (:func:`~convlstm.intervals.conformal_intervals`, which pools neighbouring
    steps when a step has too few), and each future forecast gets ``forecast +-
    quantile * scale`` with the scale of its whole series. This treats the scaled
    errors of different series as exchangeable, so the coverage is marginal over
    the series of the panel, not guaranteed for each series. Series with a zero
    scale (constant training data) do not calibrate and get no bounds.

    Args:
        panel: a long frame ``series, time, value`` (:func:`convlstm.to_panel`,
            :func:`convlstm.datasets.load_panel`).
        models: registered model names or forecaster instances, or
            ``{name: forecaster}``; None for the registry's default set for
            this panel (TSB joins it for intermittent data, Naive for business
            days: :func:`~convlstm.models.registry.default_models`).
        horizon: steps per fold and into the future; None for the frequency's
            default (one season, or 10 steps without one), halved until the
            median-length series can hold it
            (:func:`~convlstm.datasets.default_horizon_folds`).
        folds: backtest folds per series; 0 for none, a forecast only: every
            model is fitted on all the series and forecasts them, unscored (NaN
            scores, no best, no intervals), for series too short to hold out a
            point.
        season_length: season used to scale MASE and intervals; None for the
            frequency's (:func:`~convlstm.data.season_length`).
        params: hyperparameters as :func:`~convlstm.compare.compare`'s ``params``
            (shared keys plus a dict per model name); used for models given by name.
        n_jobs: workers of each local model's panel fit (``fit_panel``); None
            lets the model decide.
        max_series: compare a random sample of this many series when the panel
            holds more (drawn with ``seed``; a note says so); None for all.
        include: series the sample always holds (the one a user picked), the
            rest drawn at random.
        seed: seed of that sample.
        progress: optional ``progress(event: ProgressEvent) -> bool | None``
            (stages ``"fold k/n"`` and ``"final"``, ``fraction`` 0..1); returning
            True stops the comparison after the current fit: what finished is
            returned, ``stopped`` is True and a note says where it stopped.
        levels: interval levels; empty for none.
        engine: where those workers run: "local" (processes forked from this
            one) or "ray" (Ray tasks on the cluster), the numbers the same; and
            where ``train_workers > 1`` train (Ray only). Default
            :func:`~convlstm.executor.default_engine`.
        train_workers: processes that train each neural model's one network
            data-parallel (Ray Train, see
            :meth:`~convlstm.models.neural.NeuralForecaster.fit_panel`: the
            numbers are close to one process's, not equal); 1 trains in this
            process.
        floor: no forecast or interval bound goes below it (0 for amounts that
            cannot be negative; None: none), as in
            :func:`~convlstm.compare.compare`: forecasts under it are raised to
            it in the backtest too, before scoring; no series may go below it.

    Returns:
        A :class:`PanelComparison`.

    Raises:
        DataError: not a panel, an empty one, or one whose every series repeats
            a timestamp or holds missing values (others such are left out).
        ParameterError: unknown model, bad horizon, folds (0 or more),
            ``max_series``,
            ``season_length`` or levels, a horizon too long for every series, an
            unknown engine (or "ray" without Ray), ``train_workers > 1`` without
            the Ray engine or without a neural model, a model's bad setting,
            or a floor some series goes below.
    """
    start = time.perf_counter()
    engine = check_engine(engine)
    floor = check_panel_floor(floor, panel)
    folds = check_folds(folds)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be a whole number >= 0, got {seed!r}")
    unscored = folds == 0
    levels = tuple(check_levels(levels)) if levels else ()
    notes: list[str] = []
    items = _readable(split_panel(panel), notes)
    if max_series is not None:
        max_series = check_count(max_series, "max_series")
        if len(items) > max_series:
            rng = np.random.default_rng(seed)
            wanted = {str(s) for s in include}
            fixed = [i for i, (name, _) in enumerate(items) if str(name) in wanted]
            fixed = fixed[:max_series]
            if fixed:
                rest = np.setdiff1d(np.arange(len(items)), fixed)
                drawn = rng.choice(rest, size=max_series - len(fixed), replace=False)
                keep = np.sort(np.concatenate([fixed, drawn]).astype(int))
            else:
                keep = np.sort(rng.choice(len(items), size=max_series, replace=False))
            items = [items[i] for i in keep]
            notes.append(
                f"compared a random sample of {max_series} of the panel's "
                f"{len(split_panel(panel))} series (seed {seed})"
            )
    freq, m = _freq_season(panel, items)
    forecast = {str(name) for name, _ in items}
    chosen = panel[panel["series"].astype(str).isin(forecast)]
    if stale := stale_series_note(chosen, freq):
        notes.append(stale)
    if short := short_cycle_note(chosen, freq):
        notes.append(short)
    if season_length is not None:
        m = check_count(season_length, "season_length")
    if horizon is None:
        horizon = _default_horizon(items)
    horizon = check_horizon(horizon)
    _check_futures(items, horizon)  # before training, not after
    named = _prototypes(models, horizon, dict(params or {}), chosen)
    helpers = helper_members(named)
    if trains_too := unchosen_members_text(named):
        notes.append(trains_too)
    plain = [n for n, p in named.items() if not is_combiner(p)] + list(helpers)
    _check_train_workers(train_workers, engine, {**named, **helpers})
    baselines = [n for n in named if _is_baseline(n, named[n])]

    # which series take part in which fold
    min_train = first_fold_min_length(m)
    lengths = {name: len(y) for name, y in items}
    in_fold = _fold_members(lengths, folds, horizon, min_train)
    folds_of = {s: sum(s in members for members in in_fold.values()) for s in lengths}
    evaluated = [s for s, k in folds_of.items() if k]
    empty = sum(1 for k in in_fold if not in_fold[k])  # the earliest folds, if any
    if evaluated and empty:
        # no series is long enough for the first folds: the backtest has fewer
        notes.append(
            f"asked for {plural(folds, 'fold')}, but no series is long enough for "
            f"the first {plural(empty, 'fold')}, so the backtest has "
            f"{plural(folds - empty, 'fold')}"
        )
        folds -= empty
        in_fold = {k: in_fold[k + empty] for k in range(1, folds + 1)}
    if unscored:
        notes.append(
            "a forecast only: no backtest (0 folds), so no series was scored; read "
            "the forecasts as sketches with no track record"
        )
    elif not evaluated:
        longest = max(lengths.values())
        raise ParameterError(
            f"horizon {horizon} with {plural(folds, 'fold')} is too long for every "
            "series: a backtest of "
            f"{plural(folds, 'fold')} x {horizon} steps needs series of at least "
            f"{folds * horizon + min_train} points ({min_train} to train on before "
            f"the first fold), and the longest has {longest}; lower the horizon or "
            "the folds"
        )
    if not unscored:
        _note_left_out(in_fold, lengths, evaluated, folds, horizon, min_train, notes)

    failed: dict[str, dict[str, str]] = {name: {} for name in named}
    tracker = _Progress(progress, total=len(plain) * (folds + 1))
    data = _Data(items, freq, panel.attrs.get("filled"))
    fold_frames: list[pd.DataFrame] = []
    score_rows: list[dict[str, Any]] = []
    unscaled: set[str] = set()  # series without a MASE in some fold
    seconds: dict[str, float] = dict.fromkeys(named, 0.0)
    validation: dict[str, dict[str, float]] = {}
    # (series, training points, kept a season) of each fold's fits, by model
    fold_seasons: dict[str, list[tuple[str, int, bool]]] = {}
    fit_round = functools.partial(
        _fit_round,
        named,
        helpers,
        data,
        horizon=horizon,
        tracker=tracker,
        n_jobs=n_jobs,
        engine=engine,
        train_workers=train_workers,
    )
    for k in range(1, folds + 1):
        if tracker.stopped:
            break
        back = (folds - k + 1) * horizon
        cuts = {s: lengths[s] - back for s in in_fold[k]}
        if not cuts:
            continue
        stage = f"fold {k}/{folds}"
        expected = {s: data.times[s][c : c + horizon] for s, c in cuts.items()}
        result = fit_round(cuts, expected, stage, validation)
        _raise_to(floor, result)
        for name in named:  # whether each series' fit kept a season
            for s, kept in _seasons_kept(result.fitted.get(name)).items():
                fold_seasons.setdefault(name, []).append((s, cuts[s], kept))
        _merge_failures(failed, result.failed, stage)
        for name in named:
            seconds[name] += result.seconds.get(name, 0.0)
        frame, rows, validation, flat = _score_fold(result.forecasts, data, cuts, k, m)
        fold_frames.append(frame[frame["model"].isin(list(named))])
        score_rows.extend(r for r in rows if r["model"] in named)
        unscaled.update(flat)

    forecasts = (
        pd.concat(fold_frames, ignore_index=True)
        if fold_frames
        else pd.DataFrame(columns=list(FORECAST_COLUMNS))
    )
    if unscaled:
        flat = [s for s in lengths if s in unscaled]
        notes.append(
            f"{plural(len(flat), 'series')} constant, or repeating one season "
            "exactly, before a backtest fold (the seasonal naive forecast MASE "
            "scales by makes no error there) got no MASE, for every model, so "
            "the mean MASE and wins of all models leave out the same series: "
            + _listing(flat)
        )
    per_series = _per_series(score_rows, list(named))
    wins = _wins(per_series, list(named), baselines)
    summary = _summary(per_series, wins, list(named), baselines, seconds)
    # a model that failed a fold of some series (every series of a fold, when
    # a worker died) is scored on fewer folds there: it is not ranked against
    # models scored on all of them
    short = per_series["folds"] < per_series["series"].map(folds_of).to_numpy()
    partial = [
        n
        for n in named
        if not tracker.stopped  # a stopped run misses folds for every model alike
        and (short & (per_series["model"] == n)).any()
    ]
    for name in partial:
        rows = per_series[(per_series["model"] == name) & short]
        why = failed.get(name, {}).get(ALL_SERIES) or next(
            (failed[name][s] for s in rows["series"] if s in failed.get(name, {})),
            "a failure",
        )
        notes.append(
            f"{name} is not ranked: it missed a backtest fold of "
            f"{plural(len(rows), 'series')} ({why}), so its scores there rest on "
            "fewer folds than the other models'"
        )
    complete = [
        name
        for name in named
        if name not in partial
        and set(evaluated) <= set(per_series.loc[per_series["model"] == name, "series"])
    ]
    best = best_model(summary, among=complete, column="mean_mase")
    if not tracker.stopped and (one := one_fold_text(forecasts)):
        notes.append(one)
    if raised := floor_text(floor, not unscored):
        notes.append(raised)
    summary["best"] = [str(name) == best for name in summary.index]

    future = pd.DataFrame(columns=["series", "time", "model", "forecast", "step"])
    coverage = None
    fitted: dict[str, BaseForecaster] = {}
    if not tracker.stopped:
        cuts = dict(lengths)
        expected = {s: data.future_times(s, horizon) for s in cuts}
        final = fit_round(cuts, expected, "final", validation)
        _raise_to(floor, final)
        _merge_failures(failed, final.failed, "final fit")
        fitted = {n: f for n, f in final.fitted.items() if n in named}
        notes += run_start_notes(fitted, forecasts)  # how the networks started
        notes += _fold_season_notes(fitted, fold_seasons)
        future = _future_frame(final.forecasts, expected, list(named))
        # hours a series is closed every week: forecast, then left out
        future = without_closed(future, panel.attrs.get("closed"), "time", "series")
        if levels and not forecasts.empty:
            future, coverage = _with_intervals(
                forecasts, future, data, m, levels, notes
            )
            future = raise_to_floor(future, floor)
    if tracker.stopped:
        notes.append(f"stopped early at {tracker.where}; the results cover what ran")
    tracker.done()
    return PanelComparison(
        summary=summary,
        per_series=per_series,
        forecasts=forecasts,
        future=future,
        failed={name: msgs for name, msgs in failed.items() if msgs},
        notes=notes,
        best=best,
        horizon=horizon,
        season_length=m,
        freq=freq,
        folds=folds,
        levels=levels,
        wins=wins,
        coverage=coverage,
        series=natural_order(name for name, _ in items),
        fitted=fitted,
        seconds=time.perf_counter() - start,
        stopped=tracker.stopped,
        floor=floor,
        time_zone=panel.attrs.get("time_zone"),
    )


# ------------------------------------------------------------ set-up


def _prototypes(
    models: Sequence[str | BaseForecaster] | Mapping[str, BaseForecaster] | None,
    horizon: int,
    params: dict[str, Any],
    panel: pd.DataFrame | None = None,
) -> dict[str, BaseForecaster]:
    """``{name: unfitted model}`` from names, instances or a mapping; None: the
    default models for ``panel`` (:func:`~convlstm.models.registry.default_models`)."""
    if models is None:
        models = default_models(panel)
    if isinstance(models, str | BaseForecaster):
        models = [models]
    if isinstance(models, Mapping):
        named = named_models(models)
    else:
        named = {}
        for item in models:
            if isinstance(item, str):
                name = canonical_name(item)
                if name not in named:
                    named[name] = make_model(
                        name, horizon=horizon, **params_for(name, params)
                    )
            elif isinstance(item, BaseForecaster):
                base = getattr(item, "display_name", type(item).__name__)
                name, k = base, 2
                while name in named:
                    name, k = f"{base} ({k})", k + 1
                named[name] = item
            else:
                raise ParameterError(
                    f"models must be model names or forecasters, got {item!r}"
                )
    if not named:
        raise ParameterError(
            f"choose at least one model from: {', '.join(model_names())}"
        )
    named = {n: p.clone().set_params(horizon=horizon) for n, p in named.items()}
    give_members_settings(named, params)
    return named


def _check_train_workers(
    workers: Any, engine: str, models: Mapping[str, BaseForecaster]
) -> None:
    """Raise ``ParameterError`` before any fit for ``train_workers`` that no model
    could use, that need Ray (:func:`~convlstm.executor.check_train_workers`), or
    that the Ray cluster has too few CPUs for."""
    many = isinstance(workers, int) and not isinstance(workers, bool) and workers > 1
    if many and not any(_takes_train_workers(model) for model in models.values()):
        networks = [n for n in default_models() if model_spec(n).kind == "neural"]
        raise ParameterError(
            f"train_workers={workers}: none of the models compared "
            f"({', '.join(models)}) has a network to train on several workers; "
            f"add {' or '.join(networks)}, or use 1 worker"
        )
    check_train_workers(workers, engine, "train_workers")
    if many:  # Ray: the cluster must hold the workers, said before any fit
        from .ray_engine import check_cluster_fits  # noqa: PLC0415  (Ray is optional)

        check_cluster_fits(workers)


def _takes_train_workers(model: BaseForecaster) -> bool:
    return "train_workers" in inspect.signature(model.fit_panel).parameters


def _is_baseline(name: str, model: BaseForecaster) -> bool:
    try:
        spec = model_spec(name)
    except ParameterError:
        return False
    return spec.baseline and isinstance(model, spec.load())


def _freq_of(items: list[tuple[str, pd.Series]]) -> str | None:
    for _, y in items:
        if freq := freq_of(y.index):
            return freq
    return None


def default_panel_horizon(panel: pd.DataFrame) -> int:
    """The default horizon of a panel: that of its median-length series (one
    season, or 10 steps without one, halved until that series can hold it; see
    :func:`~convlstm.datasets.default_horizon_folds`).

    Raises:
        DataError: not a panel, or an empty one.
    """
    return _horizon_of(_panel_shape(panel)[1])


def default_panel_folds(panel: pd.DataFrame, horizon: int | None = None) -> int:
    """The default backtest folds of a panel: as many of 3 as its median-length
    series can hold, as for one series (each fold of ``horizon`` steps, None: the
    panel's default, :func:`default_panel_horizon`; the first fold training on
    the backtest's minimum and at least two horizons), at least 1; 0 (a forecast
    only, unscored) when not even its longest series can hold one fold. Shorter
    series are scored on the folds they hold.

    One fold scored every series on the same stretch (three years of weekly sales
    on their Christmas quarter), and its ranking could turn on that stretch alone.

    Raises:
        DataError: not a panel, or an empty one.
    """
    sizes, middle, season = _panel_shape(panel)
    horizon = _horizon_of(middle) if horizon is None else horizon
    return _default_folds(sizes, season, horizon)


def _default_folds(sizes: dict[str, int], season: int, horizon: int) -> int:
    """:func:`default_panel_folds` of a panel whose series have ``sizes``."""
    lengths = sorted(sizes.values())
    if lengths[-1] < horizon + first_fold_min_length(season):
        return 0
    median = lengths[len(lengths) // 2]
    first = max(first_fold_min_length(season, median), 2 * horizon)
    folds = 3
    while folds > 1 and median < folds * horizon + first:
        folds -= 1
    return folds


def _freq_season(
    panel: pd.DataFrame, items: list[tuple[str, pd.Series]]
) -> tuple[str | None, int]:
    """The panel's frequency and the season of that frequency (1 without one)."""
    freq = panel.attrs.get("freq") or _freq_of(items)
    return freq, freq_season_length(freq) if freq else 1


def _default_horizon(items: list[tuple[str, pd.Series]]) -> int:
    ordered = sorted(items, key=lambda item: len(item[1]))
    return _horizon_of(ordered[len(ordered) // 2][1])


def _horizon_of(y: pd.Series) -> int:
    """The default horizon of a panel whose median-length series is ``y``."""
    from .datasets import default_horizon_folds

    return default_horizon_folds(y)[0]


def _panel_shape(panel: pd.DataFrame) -> tuple[dict[str, int], pd.Series, int]:
    """A panel's series lengths (by name, in :func:`split_panel`'s order), its
    median-length series (as :func:`_default_horizon` picks it) and its season,
    without splitting every series when the panel knows its frequency (the Data
    page asks on every rerun: 10,000 series took seconds to split)."""
    columns = {"series", "time", "value"}
    if not panel.attrs.get("freq") or panel.empty or not columns <= set(panel):
        items = split_panel(panel)  # raises for a frame that is no panel
        lengths = {name: len(y) for name, y in items}
        middle = sorted(items, key=lambda item: len(item[1]))[len(items) // 2][1]
        return lengths, middle, _freq_season(panel, items)[1]
    sizes = panel["series"].astype(str).value_counts(sort=False)
    lengths = {name: int(sizes[name]) for name in sorted(sizes.index)}
    ordered = sorted(lengths, key=lengths.__getitem__)
    middle = series_of(panel, ordered[len(ordered) // 2])
    return lengths, middle, _freq_season(panel, [])[1]


def _fold_members(
    lengths: dict[str, int], folds: int, horizon: int, min_train: int
) -> dict[int, list[str]]:
    """The series (by ``lengths``) long enough for each fold ``1..folds`` of a
    backtest of ``horizon`` steps a fold, whose first fold trains on at least
    ``min_train`` points."""
    return {
        k: [s for s, n in lengths.items() if n - (folds - k + 1) * horizon >= min_train]
        for k in range(1, folds + 1)
    }


def unscored_series_text(
    panel: pd.DataFrame, horizon: int | None = None, folds: int | None = None
) -> str | None:
    """What a run over all of a panel's series will leave out of its scores, said
    before it trains: the series too short for even the last backtest fold (they
    are forecast, not scored); None when every series is scored, or no series
    is (0 folds: the run is a forecast only, as its own note says).

    Args:
        panel: the panel (long format).
        horizon, folds: the run's; None for the panel's defaults
            (:func:`default_panel_horizon`, :func:`default_panel_folds`).
    """
    lengths, middle, season = _panel_shape(panel)
    horizon = _horizon_of(middle) if horizon is None else horizon
    folds = _default_folds(lengths, season, horizon) if folds is None else folds
    if folds <= 0:
        return None
    min_train = first_fold_min_length(season)
    in_fold = _fold_members(lengths, folds, horizon, min_train)
    scored = {s for members in in_fold.values() for s in members}
    out = [s for s in lengths if s not in scored]
    if not out or not scored:
        return None
    one = len(out) == 1
    return (
        f"{len(out):,} of the {len(lengths):,} series ({_listing(out)}) "
        f"{'is' if one else 'are'} too short for even the last backtest fold of "
        f"{plural(horizon, 'step')}, which needs {horizon + min_train} points "
        f"({min_train} to train on and {horizon} to check): a run over all series "
        f"forecasts {'it' if one else 'them'} but leaves {'it' if one else 'them'} "
        "out of its scores."
    )


def _note_left_out(
    in_fold: dict[int, list[str]],
    lengths: dict[str, int],
    evaluated: list[str],
    folds: int,
    horizon: int,
    min_train: int,
    notes: list[str],
) -> None:
    out = [s for s in lengths if s not in evaluated]
    if out:
        notes.append(
            f"{len(out)} series left out of the backtest, too short for "
            f"even the last fold (it needs {horizon + min_train} points): "
            f"{_listing(out)}; they still get a future forecast where a model fits"
        )
    for k, members in in_fold.items():
        missing = [s for s in evaluated if s not in members]
        if missing:
            notes.append(
                f"fold {k}/{folds} leaves out {len(missing)} series too "
                f"short for it (it needs {(folds - k + 1) * horizon + min_train} "
                f"points): {_listing(missing)}"
            )


def _readable(
    items: list[tuple[str, pd.Series]], notes: list[str]
) -> list[tuple[str, pd.Series]]:
    """The series no model could read left out, with one note naming them: a
    panel built by hand (not by :func:`convlstm.to_panel`) may repeat a
    timestamp or hold missing values, and one such series would otherwise stop
    a global network for the whole panel and be reported differently by each
    model.

    Raises:
        DataError: no series is readable.
    """
    kept, bad = [], {}
    for name, y in items:
        if not y.index.is_unique:
            bad[name] = "repeated timestamps"
        elif not np.isfinite(y.to_numpy(dtype=float)).all():
            bad[name] = "missing or infinite values"
        else:
            kept.append((name, y))
    if not bad:
        return items
    listed = _listing([f"{quote(n)} ({why})" for n, why in bad.items()], quoted=True)
    fix = (
        "build the panel with convlstm.to_panel, which de-duplicates timestamps "
        "and fills gaps"
    )
    if not kept:
        raise DataError(f"no series of the panel can be read: {listed}; {fix}")
    notes.append(
        f"{plural(len(bad), 'series')} left out, unreadable as given: {listed}; {fix}"
    )
    return kept


def _listing(names: list[str], *, quoted: bool = False) -> str:
    """The first ``_LISTED`` names, quoted (unless they already are), and how
    many more."""
    shown = ", ".join(s if quoted else quote(s) for s in names[:_LISTED])
    rest = len(names) - _LISTED
    return shown + (f" and {rest} more" if rest > 0 else "")


class _Progress:
    """Counts fits for the overall fraction and remembers a request to stop."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback = callback
        self.total = max(total, 1)
        self.unit = 0
        self.stopped = False
        self.where = ""

    def fraction(self, within: float = 0.0) -> float:
        return (self.unit + min(max(within, 0.0), 1.0)) / self.total

    def emit(self, event: Any, where: str) -> bool:
        if self.callback is None or self.stopped:
            return self.stopped
        if self.callback(event):
            self.stopped = True
            self.where = where
        return self.stopped

    def done(self) -> None:
        if self.callback is not None and not self.stopped:
            self.callback(progress_event("all models", "done", 1.0))


# ------------------------------------------------------------ fitting


class _Data:
    """The panel's series as arrays (times as datetime64, values as float)."""

    def __init__(
        self,
        items: list[tuple[str, pd.Series]],
        freq: str | None,
        filled: Mapping[str, Any] | None = None,
    ) -> None:
        self.freq = freq
        self.series = dict(items)
        self.times = {s: y.index.to_numpy() for s, y in items}
        self.values = {s: y.to_numpy(dtype=float) for s, y in items}
        # the points the reader filled in (gaps), per series: forecast, not scored
        runs = filled or {}
        self.filled = {s: runs_mask(y.index, runs[s]) for s, y in items if runs.get(s)}

    def gap(self, name: str, start: int, stop: int) -> np.ndarray:
        """Which of points ``start:stop`` of a series were filled in."""
        if name not in self.filled:
            return np.zeros(max(stop - start, 0), dtype=bool)
        return self.filled[name][start:stop]

    def panel(self, cuts: Mapping[str, int]) -> pd.DataFrame:
        """The long frame of every series' first ``cuts[s]`` points."""
        names = list(cuts)
        frame = pd.DataFrame(
            {
                "series": np.repeat(
                    np.array(names, dtype=object), [cuts[s] for s in names]
                ),
                "time": np.concatenate([self.times[s][: cuts[s]] for s in names]),
                "value": np.concatenate([self.values[s][: cuts[s]] for s in names]),
            }
        )
        frame.attrs = {"freq": self.freq, "notes": []}
        return frame

    def future_times(self, name: str, horizon: int) -> np.ndarray | None:
        """The ``horizon`` timestamps after the series' end (None: no frequency)."""
        try:
            return future_index(self.series[name].index, horizon).to_numpy()
        except DataError:
            return None


def _check_futures(items: Sequence[tuple[str, pd.Series]], horizon: int) -> None:
    """Raise ``ParameterError`` when ``horizon`` steps after some series run past
    the dates pandas can store (a series without a frequency has no future
    timestamps anyway, :meth:`_Data.future_times`)."""
    for _, y in items:
        try:
            check_future(y.index, horizon)
        except DataError:
            continue


def check_panel_floor(floor: object, panel: pd.DataFrame) -> float | None:
    """:func:`~convlstm.intervals.check_floor` for a panel: the series that go
    below the floor are named."""
    floor = check_floor(floor)
    if floor is None or not isinstance(panel, pd.DataFrame):
        return floor
    if not {"series", "value"} <= set(panel.columns):
        return floor  # not a panel: said where the panel is read
    lows = (
        pd.to_numeric(panel["value"], errors="coerce")
        .groupby(panel["series"].astype(str), sort=False)
        .min()
    )
    below = lows[lows < floor]
    if below.empty:
        return floor
    shown = ", ".join(
        f"{quote(n)} (lowest {v:.6g})" for n, v in below.head(_LISTED).items()
    )
    more = f" and {len(below) - _LISTED:,} more" if len(below) > _LISTED else ""
    raise ParameterError(
        f"{plural(len(below), 'series')} {'goes' if len(below) == 1 else 'go'} "
        f"below the floor of {floor:g}: {shown}{more}; a floor is "
        "for amounts that cannot go below it: choose no floor, or one at or below "
        "every series' lowest value"
    )


def _raise_to(floor: float | None, fits: _Round) -> None:
    """Raise a round's forecasts under ``floor`` to it, in place."""
    if floor is None:
        return
    for by_series in fits.forecasts.values():
        for name, values in by_series.items():
            by_series[name] = raise_values(values, floor)


@dataclass
class _Round:
    """One round's fits: ``forecasts`` is ``{name: {series: values}}``."""

    forecasts: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    failed: dict[str, dict[str, str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    fitted: dict[str, BaseForecaster] = field(default_factory=dict)


def _fit_round(
    named: Mapping[str, BaseForecaster],
    helpers: Mapping[str, BaseForecaster],
    data: _Data,
    cuts: Mapping[str, int],
    expected: Mapping[str, np.ndarray | None],
    stage: str,
    validation: Mapping[str, Mapping[str, float]],
    *,
    horizon: int,
    tracker: _Progress,
    n_jobs: int | None,
    engine: str,
    train_workers: int,
) -> _Round:
    """Fit every plain model and helper once on the panel of each series' first
    ``cuts[s]`` points, then combine the ensembles."""
    panel = data.panel(cuts)
    out = _Round()
    plain = [(n, p) for n, p in named.items() if not is_combiner(p)]
    plain += list(helpers.items())
    for name, proto in plain:
        label = name if name in named else f"{name} (ensemble member)"
        if tracker.emit(progress_event(label, stage, tracker.fraction()), stage):
            out.failed[name] = {ALL_SERIES: "stopped before it was fitted"}
            continue
        model = proto.clone().set_params(horizon=horizon)
        begin = time.perf_counter()
        try:
            with fitting(name):
                kwargs = _fit_kwargs(
                    model, label, stage, tracker, n_jobs, engine, train_workers
                )
                with warnings.catch_warnings():  # failures are reported below
                    warnings.simplefilter("ignore", PanelFitWarning)
                    model.fit(panel, **kwargs)
                pred = model.predict()
        except ParameterError as exc:
            raise ParameterError(f"{name}, {stage}: {exc}") from None
        except ConvLSTMError as exc:
            log.info("%s failed on the panel (%s): %s", name, stage, exc)
            out.failed[name] = {ALL_SERIES: str(exc)}
            tracker.unit += 1
            continue
        out.seconds[name] = time.perf_counter() - begin
        tracker.unit += 1
        forecasts, failed = _split_forecast(pred, model, expected, horizon)
        out.forecasts[name], out.failed[name] = forecasts, failed
        out.fitted[name] = model
    for name, proto in named.items():
        if is_combiner(proto):
            _combine(name, proto, out, data, cuts, validation)
    return out


def _seasons_kept(model: BaseForecaster | None) -> dict[str, bool]:
    """Whether each series' fit of a panel model kept a season, for the models
    that choose (:meth:`~convlstm.models.base.BaseForecaster.keeps_season`):
    ``{series: kept}``, empty for the others."""
    fits = getattr(model, "__dict__", {}).get("series_models_") or {}
    out = {}
    for name, fit in fits.items():
        kept = fit.keeps_season() if hasattr(fit, "keeps_season") else None
        if kept is not None:
            out[str(name)] = bool(kept)
    return out


def _fold_season_notes(
    fitted: Mapping[str, BaseForecaster],
    fold_seasons: Mapping[str, list[tuple[str, int, bool]]],
) -> list[str]:
    """:func:`~convlstm.narrative.panel_fold_season_text` of each model whose
    backtest fits dropped a season that its final fit of the same series keeps."""
    notes = []
    for name, model in fitted.items():
        keeps = {s for s, kept in _seasons_kept(model).items() if kept}
        fits = [
            (points, kept)
            for s, points, kept in fold_seasons.get(name, ())
            if s in keeps
        ]
        if not fits:
            continue
        points = [p for p, _ in fits]
        dropped = sum(not kept for _, kept in fits)
        text = panel_fold_season_text(
            name, dropped, len(fits), len(keeps), (min(points), max(points))
        )
        if text:
            notes.append(text)
    return notes


def _merge_failures(
    failed: dict[str, dict[str, str]], new: Mapping[str, Mapping[str, str]], where: str
) -> None:
    """Keep each model's first failure per series, saying where it happened."""
    for name, messages in new.items():
        if name in failed:
            for s, message in messages.items():
                failed[name].setdefault(s, f"{where}: {message}")


def _fit_kwargs(
    model: BaseForecaster,
    label: str,
    stage: str,
    tracker: _Progress,
    n_jobs: int | None,
    engine: str,
    train_workers: int,
) -> dict[str, Any]:
    """``n_jobs``, ``engine`` and ``train_workers`` (more than 1) for a panel fit
    that takes them; an epoch ``callback`` for one that takes that (the neural
    models), reporting to the tracker."""
    accepted = set(inspect.signature(model.fit_panel).parameters)
    accepted |= set(inspect.signature(model.fit).parameters)
    kwargs: dict[str, Any] = {}
    if "n_jobs" in accepted and n_jobs is not None:
        kwargs["n_jobs"] = n_jobs
    if "engine" in accepted:
        kwargs["engine"] = engine
    if "train_workers" in accepted and train_workers > 1:
        kwargs["train_workers"] = train_workers
    if "callback" in accepted and tracker.callback is not None:

        def callback(
            epoch: int, epochs: int, train_loss: float, val_loss: float | None = None
        ) -> bool:
            event = progress_event(
                label,
                stage,
                tracker.fraction(epoch / max(epochs, 1)),
                epoch,
                epochs,
                train_loss,
                val_loss,
            )
            return tracker.emit(event, f"{label}, {stage}")

        kwargs["callback"] = callback
    return kwargs


def _split_forecast(
    pred: Any,
    model: BaseForecaster,
    expected: Mapping[str, np.ndarray | None],
    horizon: int,
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """A panel forecast as ``{series: values}``; series without a usable one (no
    forecast, or not ``horizon`` steps at the expected times) as failures."""
    reported = dict(getattr(pred, "attrs", {}).get("failed") or {})
    reported.update(getattr(model, "failed_", None) or {})
    columns = {"series", "time", "forecast"}
    if not isinstance(pred, pd.DataFrame) or not columns <= set(pred.columns):
        message = f"returned a {type(pred).__name__}, not a panel forecast"
        return {}, dict.fromkeys(expected, message)
    names = pred["series"].astype(str).to_numpy()
    times = pd.DatetimeIndex(pred["time"]).to_numpy()
    values = pred["forecast"].to_numpy(dtype=float)
    order = np.lexsort((times, names))
    names, times, values = names[order], times[order], values[order]
    keys, starts, counts = np.unique(names, return_index=True, return_counts=True)
    where = {
        str(k): (int(a), int(n)) for k, a, n in zip(keys, starts, counts, strict=True)
    }
    forecasts: dict[str, np.ndarray] = {}
    failed: dict[str, str] = {}
    for s, want in expected.items():
        if s not in where:
            failed[s] = str(reported.get(s, "no forecast for this series"))
            continue
        a, n = where[s]
        if n != horizon or (
            want is not None and not np.array_equal(times[a : a + n], want)
        ):
            failed[s] = (
                f"{n} forecasts that do not continue the series for {horizon} steps"
            )
            continue
        forecasts[s] = values[a : a + n]
    return forecasts, failed


def _combine(
    name: str,
    proto: BaseForecaster,
    out: _Round,
    data: _Data,
    cuts: Mapping[str, int],
    validation: Mapping[str, Mapping[str, float]],
) -> None:
    """Each series' ensemble forecast from its members' forecasts of that series,
    by the ensemble's own rule (``combine_forecasts``, else a
    ``fit_from_forecasts`` per series)."""
    members = proto.member_names()
    weighted = needs_validation(proto)
    pure = getattr(proto, "combine_forecasts", None)
    forecasts: dict[str, np.ndarray] = {}
    failed: dict[str, str] = {}
    for s, cut in cuts.items():
        given = {
            m: out.forecasts[m][s] for m in members if s in out.forecasts.get(m, {})
        }
        missing = {
            m: _reason(out.failed.get(m, {}), s) for m in members if m not in given
        }
        check = dict(validation.get(s, {})) if weighted else None
        try:
            if pure is not None:
                values = pure(given, failed=missing, validation=check).values
            else:
                model = proto.clone()
                model.fit_from_forecasts(
                    data.series[s].iloc[:cut], given, failed=missing, validation=check
                )
                values = model.predict().to_numpy(dtype=float)
        except ParameterError as exc:
            raise ParameterError(f"{name}: {exc}") from None
        except DataError as exc:
            failed[s] = str(exc)
            continue
        forecasts[s] = np.asarray(values, dtype=float)
    out.forecasts[name] = forecasts
    out.failed[name] = failed
    out.seconds[name] = sum(out.seconds.get(m, 0.0) for m in members)
    if not forecasts:
        out.failed[name] = {ALL_SERIES: "no member of the ensemble could forecast"}


def _reason(failed: Mapping[str, str], series: str) -> str:
    return str(failed.get(series) or failed.get(ALL_SERIES) or "no forecast")


# ------------------------------------------------------------ scoring


def _score_fold(
    forecasts: Mapping[str, Mapping[str, np.ndarray]],
    data: _Data,
    cuts: Mapping[str, int],
    fold: int,
    m: int,
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, dict[str, float]], set[str]]:
    """One fold's tidy rows, the per-series scores of every model in it,
    ``{series: {model: MAE}}`` (the next fold's validation for weighted
    ensembles), and the series without a MASE in this fold.

    A series constant over the fold's training part has a MASE scale of 0: its
    MASE would be 0 for an exact forecast, NaN for one off by rounding noise
    (1e-15) and infinite otherwise, so which models it counts for would depend on
    their last digits. Its MASE is NaN for every model instead, so every model's
    mean MASE and wins are taken over the same series.
    """
    frames: list[pd.DataFrame] = []
    rows: list[dict[str, Any]] = []
    errors: dict[str, dict[str, float]] = {}
    unscaled = {s for s in cuts if not _scale(data.values[s][: cuts[s]], m) > 0}
    for name, by_series in forecasts.items():
        if not by_series:
            continue
        names = list(by_series)
        horizon = len(next(iter(by_series.values())))
        actual = {s: data.values[s][cuts[s] : cuts[s] + horizon] for s in names}
        for s in names:
            forecast = by_series[s]
            errors.setdefault(s, {})[name] = float(
                np.mean(np.abs(actual[s] - forecast))
            )
            seen = ~data.gap(s, cuts[s], cuts[s] + horizon)  # observed points
            if np.isfinite(forecast).all() and seen.any():
                train = data.values[s][: cuts[s]]
                scores = fold_scores(actual[s][seen], forecast[seen], train, m)
                if s in unscaled:
                    scores["mase"] = math.nan
                scores["bias"] = float(np.mean(forecast[seen] - actual[s][seen]))
                scores["points"] = int(seen.sum())
                scores["nonzero"] = int((actual[s][seen] != 0).sum())  # MAPE's
                rows.append({"series": s, "model": name, "fold": fold, **scores})
        frames.append(
            pd.DataFrame(
                {
                    "series": np.repeat(np.array(names, dtype=object), horizon),
                    "fold": fold,
                    "time": np.concatenate(
                        [data.times[s][cuts[s] : cuts[s] + horizon] for s in names]
                    ),
                    "actual": np.concatenate([actual[s] for s in names]),
                    "model": name,
                    "forecast": np.concatenate([by_series[s] for s in names]),
                    "step": np.tile(np.arange(1, horizon + 1), len(names)),
                    "cutoff": np.repeat(
                        np.array([data.times[s][cuts[s] - 1] for s in names]), horizon
                    ),
                }
            )
        )
        if data.filled:
            frames[-1]["filled"] = np.concatenate(
                [data.gap(s, cuts[s], cuts[s] + horizon) for s in names]
            )
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=list(FORECAST_COLUMNS))
    )
    return frame, rows, errors, unscaled


def _per_series(rows: list[dict[str, Any]], names: list[str]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=list(PER_SERIES_COLUMNS))
    scores = pd.DataFrame(rows)
    metrics = ["mae", "rmse", "mase", "smape", "mape", "bias"]
    # every observed point of every fold counts once, as in a single series'
    # backtest (a fold with a filled-in gap has fewer): MAE and sMAPE over the
    # points, RMSE from the pooled squared errors, MAPE over the points it is
    # defined on; MASE is the mean of the folds' (each fold has its own scale)
    scores["mae"] = scores["mae"] * scores["points"]
    scores["smape"] = scores["smape"] * scores["points"]
    scores["bias"] = scores["bias"] * scores["points"]
    scores["rmse"] = scores["rmse"] ** 2 * scores["points"]
    scores["mape"] = scores["mape"].fillna(0.0) * scores["nonzero"]
    grouped = scores.groupby(["series", "model"], sort=False)
    out = grouped[["mase"]].mean()
    sums = grouped[["mae", "smape", "bias", "rmse", "points", "mape", "nonzero"]].sum()
    out["mae"] = sums["mae"] / sums["points"]
    out["bias"] = sums["bias"] / sums["points"]
    out["smape"] = sums["smape"] / sums["points"]
    out["rmse"] = np.sqrt(sums["rmse"] / sums["points"])
    out["mape"] = (sums["mape"] / sums["nonzero"]).where(sums["nonzero"] > 0)
    out = out[metrics]
    out["folds"] = grouped.size()
    out = out.reset_index()
    order = {name: i for i, name in enumerate(names)}
    rank = {s: i for i, s in enumerate(natural_order(out["series"].unique()))}
    out = out.sort_values(
        ["series", "model"],
        key=lambda col: col.map(order if col.name == "model" else rank),
        kind="stable",
    )
    return out[list(PER_SERIES_COLUMNS)].reset_index(drop=True)


def _wins(
    per_series: pd.DataFrame, names: list[str], baselines: list[str]
) -> pd.DataFrame:
    columns = ["model", "baseline", "wins", "losses", "ties", "series", "share"]
    wide = per_series.pivot(index="series", columns="model", values="mase")
    records = []
    for name in names:
        for base in baselines:
            if base == name:
                continue
            if name in wide.columns and base in wide.columns:
                pair = wide[[name, base]].dropna()
                a, b = pair[name].to_numpy(float), pair[base].to_numpy(float)
            else:
                a = b = np.array([])
            n = len(a)
            wins = int(clearly_lower(a, b).sum())  # round-off is a tie
            losses = int(clearly_lower(b, a).sum())
            records.append(
                {
                    "model": name,
                    "baseline": base,
                    "wins": wins,
                    "losses": losses,
                    "ties": n - wins - losses,
                    "series": n,
                    "share": wins / n if n else math.nan,
                }
            )
    return pd.DataFrame.from_records(records, columns=columns)


def _summary(
    per_series: pd.DataFrame,
    wins: pd.DataFrame,
    names: list[str],
    baselines: list[str],
    seconds: Mapping[str, float],
) -> pd.DataFrame:
    records = []
    for name in names:
        rows = per_series[per_series["model"] == name]
        mase = rows["mase"].to_numpy(dtype=float)
        record: dict[str, Any] = {
            "model": name,
            "series": int(len(rows)),
            "mase_series": int(np.isfinite(mase).sum()),
            "mean_mase": _nan_stat(np.nanmean, mase),
            "median_mase": _nan_stat(np.nanmedian, mase),
            "mean_smape": _nan_stat(np.nanmean, rows["smape"].to_numpy(dtype=float)),
            "mean_mae": _nan_stat(np.nanmean, rows["mae"].to_numpy(dtype=float)),
            "mean_bias": _nan_stat(np.nanmean, rows["bias"].to_numpy(dtype=float)),
        }
        for base in baselines:
            hit = wins[(wins["model"] == name) & (wins["baseline"] == base)]
            record[f"wins vs {base}"] = (
                float(hit["share"].iloc[0]) if len(hit) else math.nan
            )
        record["fit_seconds"] = float(seconds.get(name, 0.0))
        records.append(record)
    return pd.DataFrame.from_records(records).set_index("model")


def some_without_mase(summary: pd.DataFrame) -> bool:
    """Whether some series a model scored have no MASE (constant before a fold),
    so a summary's ``mase_series`` differs from its ``series`` and is worth a
    column of its own (summaries stored before the column: False)."""
    return "mase_series" in summary and bool(
        (summary["mase_series"] < summary["series"]).any()
    )


def _nan_stat(stat: Callable[[np.ndarray], Any], values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(stat(finite)) if finite.size else math.nan


# ------------------------------------------------------------ the future


def _future_frame(
    forecasts: Mapping[str, Mapping[str, np.ndarray]],
    expected: Mapping[str, np.ndarray | None],
    names: list[str],
) -> pd.DataFrame:
    """``series, time, model, forecast, step``: by series in natural order
    ("store 9" before "store 10", as the notes list them), models in order."""
    columns = ["series", "time", "model", "forecast", "step"]
    parts = {c: [] for c in columns}
    for s in natural_order(expected):
        times = expected[s]
        for name in names:
            values = forecasts.get(name, {}).get(s)
            if values is None or times is None:
                continue
            n = len(values)
            parts["series"].append(np.full(n, s, dtype=object))
            parts["time"].append(times)
            parts["model"].append(np.full(n, name, dtype=object))
            parts["forecast"].append(values)
            parts["step"].append(np.arange(1, n + 1))
    if not parts["series"]:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame({c: np.concatenate(parts[c]) for c in columns})


def _with_intervals(
    backtest: pd.DataFrame,
    future: pd.DataFrame,
    data: _Data,
    m: int,
    levels: tuple[float, ...],
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``future`` with conformal bounds pooled over series on scaled residuals
    (see :func:`compare_panel`), and their measured coverage."""
    if future.empty:
        return future, None
    backtest = observed(backtest)  # errors only where an actual was observed
    pairs = backtest[["series", "cutoff"]].drop_duplicates()
    cut_scale = {}
    for s, cutoff in pairs.itertuples(index=False):
        n = int(np.searchsorted(data.times[s], np.datetime64(cutoff), side="right"))
        cut_scale[(s, cutoff)] = _scale(data.values[s][:n], m)
    bt_scale = np.array(
        [
            cut_scale[(s, c)]
            for s, c in zip(backtest["series"], backtest["cutoff"], strict=True)
        ],
        dtype=float,
    )
    usable = np.isfinite(bt_scale) & (bt_scale > 0)
    scaled_bt = pd.DataFrame(
        {
            "model": backtest["model"].to_numpy()[usable],
            "fold": backtest["fold"].to_numpy()[usable],
            "step": backtest["step"].to_numpy()[usable],
            "actual": backtest["actual"].to_numpy(float)[usable] / bt_scale[usable],
            "forecast": backtest["forecast"].to_numpy(float)[usable] / bt_scale[usable],
        }
    )
    full_scale = {s: _scale(v, m) for s, v in data.values.items()}
    scale = future["series"].map(full_scale).to_numpy(dtype=float)
    ok = np.isfinite(scale) & (scale > 0)
    safe = np.where(ok, scale, 1.0)
    scaled_future = pd.DataFrame(
        {
            "model": future["model"].to_numpy(),
            "timestamp": future["time"].to_numpy(),
            "step": future["step"].to_numpy(),
            "forecast": future["forecast"].to_numpy(float) / safe,
            "row": np.arange(len(future)),
        }
    )
    bands = conformal_intervals(scaled_bt, scaled_future, levels)
    bands = bands.sort_values("row").reset_index(drop=True)
    out = future.copy()
    for level in levels:
        for column in (lower_column(level), upper_column(level)):
            values = bands[column].to_numpy(dtype=float) * safe
            out[column] = np.where(ok, values, np.nan)
    names = [str(m) for m in pd.unique(future["model"])]
    said = merge_model_notes(bands.attrs.get("notes", []), names)
    notes.extend(f"intervals: {note}" for note in said)
    coverage = interval_coverage(scaled_bt, levels)
    said = merge_model_notes(coverage.attrs.get("notes", []), names)
    notes.extend(f"coverage: {note}" for note in said)
    zero = sorted({s for s, v in full_scale.items() if not (np.isfinite(v) and v > 0)})
    if zero:
        notes.append(
            f"intervals: {len(zero)} series constant, or repeating one season "
            "exactly, get no bounds (the seasonal naive forecast makes no error "
            f"there, so there is no scale to size them by): {_listing(zero)}"
        )
    return out, coverage


def _scale(values: np.ndarray, m: int) -> float:
    try:
        return mase_scale(values, m)
    except DataError:
        return math.nan


def summary_table(result: PanelComparison) -> pd.DataFrame:
    """The summary for display: readable column names, best mean MASE first."""
    table = result.summary.drop(columns=["best"]).sort_values(
        "mean_mase", na_position="last", kind="stable"
    )
    return table.rename(
        columns={
            "series": "Series",
            "mean_mase": "Mean MASE",
            "median_mase": "Median MASE",
            "mean_smape": "Mean sMAPE",
            "mean_mae": "Mean MAE",
            "mean_bias": "Mean bias",
            "fit_seconds": "Fit seconds",
        }
    ).rename_axis("Model")
