"""Model comparison: the one function the pages and the CLI call to evaluate models.

Builds models by name, backtests them on the same folds, refits each on the whole
series for the future forecast, adds conformal intervals, coverage, a significance
test against the best baseline and a reproducibility record, and re-runs a record.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import numbers
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .backtest import (
    FORECAST_COLUMNS,
    METRIC_COLUMNS,
    BacktestResult,
    FitRound,
    backtest,
    check_folds,
    first_fold_min_length,
    fit_round,
    fold_errors,
    helper_members,
    is_combiner,
    observed,
)
from .data import check_series, without_closed
from .data.cells import plural
from .data.export import in_time_zone
from .data.frequency import check_future, season_length
from .errors import ConvLSTMError, DataError, ParameterError
from .intervals import (
    NO_RESIDUALS,
    backtest_intervals,
    check_floor,
    check_levels,
    conformal_intervals,
    interval_coverage,
    level_label,
    lower_column,
    model_intervals,
    raise_to_floor,
    unscored_intervals_text,
    upper_column,
)
from .metrics import best_model
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
from .narrative import merge_model_notes
from .record import compare_results, data_fingerprint, make_record, networks_used

__all__ = [
    "DEFAULT_LEVELS",
    "DEFAULT_MODELS",
    "MODEL_NAMES",
    "Comparison",
    "compare",
    "give_members_settings",
    "make_model",
    "metrics_table",
    "model_name",
    "rerun",
    "rerun_matches",
    "too_short_for",
    "with_intervals",
]

log = logging.getLogger(__name__)

#: The built-in models and the default set, as registered when this module was
#: first imported; :func:`~convlstm.models.registry.model_names` and
#: :func:`~convlstm.models.registry.default_models` see later registrations too.
MODEL_NAMES = model_names()
DEFAULT_MODELS = default_models()
NEURAL_MODELS = model_names(kind="neural")
DEFAULT_LEVELS = (0.8, 0.95)
ALPHA = 0.05  # significance level of the Diebold-Mariano verdicts

ProgressCallback = Callable[[Any], bool | None]

#: Canonical spelling of a model name (the registry's
#: :func:`~convlstm.models.registry.canonical_name`).
model_name = canonical_name


@dataclass
class Comparison:
    """The result of :func:`compare`.

    Attributes:
        backtest: the rolling-origin backtest of every model.
        summary: the backtest summary (index ``model``; ``mae, rmse, mape, smape,
            mase, fit_seconds``) plus a boolean ``best`` column (lowest MAE).
        future: tidy ``model, timestamp, forecast, step`` for the ``horizon``
            steps after the end of the series, from each model refit on all of
            it (empty when ``refit_final`` was False); the steps at times of the
            week the series is closed (``y.attrs["closed"]``) left out, the
            others keeping their number of steps ahead.
        fitted: the models refit on the whole series, by name.
        histories: per-epoch ``train_loss``/``val_loss`` dicts of each neural
            model's final fit.
        device: the device the neural models trained on ("cpu", "cuda", ...).
        seconds: wall time of the whole comparison.
        levels: the prediction-interval levels of ``intervals`` and ``coverage``.
        intervals: ``future`` with split-conformal bounds per level
            (``intervals.conformal_intervals``: lower_80, upper_80, ...), or None.
        coverage: measured coverage and mean width per model and level on
            held-out folds (``intervals.interval_coverage``), or None.
        model_intervals: the models' own intervals where they have them (ETS),
            shown beside the conformal ones (``intervals.model_intervals``), or
            None.
        significance: each model against the best baseline (Diebold-Mariano with
            the HLN correction, ``significance.compare_to_baseline``); empty with
            ``attrs["note"]`` when there is nothing to test, or None.
        record: the reproducibility record (``record.make_record``), or None.
        left_out: the chosen models that did not run, by name, each with why
            ("needs at least ... points": the series is too short for it with
            these folds and horizon; "failed: ...": its backtest raised a
            ``ConvLSTMError`` other than ``ParameterError``, e.g. a lookback too
            long for the first fold, a diverging loss, a damaged weight file, or a
            numeric breakdown (a singular matrix, an overflow: the backtest
            reports those as ``DataError``); "failed in the final fit ...": its fit
            on the whole series did, and its backtest rows are dropped too); the
            record keeps every chosen model, so a re-run leaves the same ones out.
        floor: the value no forecast or interval bound goes below (forecasts under
            it were raised to it, in the backtest too, before scoring), or None.
        time_zone: the time zone of the series' times ("UTC" where the reader
            converted times written with changing UTC offsets), or None (as
            written); :meth:`forecast_table` marks its times with it.
    """

    backtest: BacktestResult
    summary: pd.DataFrame
    future: pd.DataFrame
    fitted: dict[str, BaseForecaster] = field(default_factory=dict)
    histories: dict[str, list[dict]] = field(default_factory=dict)
    device: str = "cpu"
    seconds: float = 0.0
    levels: tuple[float, ...] = ()
    intervals: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    model_intervals: pd.DataFrame | None = None
    significance: pd.DataFrame | None = None
    record: dict[str, Any] | None = None
    left_out: dict[str, str] = field(default_factory=dict)
    floor: float | None = None
    time_zone: str | None = None

    def __repr__(self) -> str:
        # the fields hold whole frames and fitted models: name what it is instead
        models = list(self.summary.index)
        if not self.scored:
            scores = "a forecast only (0 folds)"
        elif (best := self.best) is not None:
            mae = float(self.summary.loc[best, "mae"])
            scores = (
                f"{plural(self.backtest.folds, 'fold')}; best {best} (MAE {mae:.4g})"
            )
        else:
            scores = f"{plural(self.backtest.folds, 'fold')}; no model scored"
        left = f"; left out: {', '.join(self.left_out)}" if self.left_out else ""
        return (
            f"<Comparison of {plural(len(models), 'model')} ({', '.join(models)}), "
            f"horizon {self.backtest.horizon}, {scores}{left}; {self.seconds:.1f} s>"
        )

    @property
    def scored(self) -> bool:
        """Whether the models were backtested (False: 0 folds, a forecast only,
        with NaN scores)."""
        return self.backtest.folds > 0

    @property
    def best(self) -> str | None:
        """Name of the model with the lowest backtest MAE (None if no model has a
        finite one)."""
        return best_model(self.summary)

    def interval_notes(self) -> list[str]:
        """What building and checking the intervals noted (steps that pooled
        neighbours' errors, bands of two levels that came out the same, levels
        left unbounded, coverage that could not be measured), each once."""
        frames = [
            getattr(self, "intervals", None),
            getattr(self, "coverage", None),
            getattr(self, "model_intervals", None),
        ]
        notes = [
            str(note)
            for frame in frames
            if frame is not None
            for note in frame.attrs.get("notes", [])
        ]
        if not self.scored:
            # every model's "no backtest residuals": one sentence for the run
            notes = [n for n in notes if not n.endswith(NO_RESIDUALS)]
            own = self._own_bands()
            notes.insert(0, unscored_intervals_text(sorted(set(own["model"]))))
        # what several models share is said once, naming them
        models = (
            [str(m) for m in self.summary.index] if self.summary is not None else []
        )
        return merge_model_notes(notes, models)

    def _own_bands(self) -> pd.DataFrame:
        """The models' own intervals (ETS's) of an unscored run, as bounds by
        model and step; empty when none."""
        own = getattr(self, "model_intervals", None)
        if own is None or own.empty or not self.levels:
            return pd.DataFrame(columns=["model", "step"])
        bands = [c for lv in self.levels for c in (lower_column(lv), upper_column(lv))]
        return own[["model", "step", *[c for c in bands if c in own.columns]]]

    def forecast_table(self) -> pd.DataFrame:
        """The backtest and future forecasts in one tidy table (the app's and the
        CLI's forecasts CSV): column ``section`` ("backtest" or "future"), then
        ``model`` and the forecasts' columns; the future with its prediction
        intervals where the run was scored, each future row with its step; the
        backtest with the bounds its coverage was measured with (calibrated on
        earlier folds: none on the first); folds and steps as whole numbers."""
        backtest = self.backtest.forecasts.assign(section="backtest")
        scored = self.intervals is not None and self.scored
        if scored and self.levels and not backtest.empty:
            # the bounds the coverage was measured with: each fold's from the
            # earlier folds' errors (none on the first)
            backtest = raise_to_floor(
                backtest_intervals(backtest, self.levels), self.floor
            )
        future = (self.intervals if scored else self.future).assign(section="future")
        if "step" not in future.columns or future["step"].isna().all():
            future["step"] = future.groupby("model", sort=False).cumcount() + 1
        if not scored and not (own := self._own_bands()).empty:
            # no backtest errors to calibrate on: the models' own bounds (ETS's)
            future = future.merge(own, on=["model", "step"], how="left")
        table = pd.concat([backtest, future], ignore_index=True, sort=False)
        counts = [c for c in table.columns if str(c).startswith("n_calibration_")]
        for column in ("fold", "step", *counts):
            if column in table.columns:
                table[column] = table[column].astype("Int64")
        for column in ("cutoff", "timestamp"):  # object when the backtest is empty
            if column in table.columns:
                table[column] = pd.to_datetime(table[column])
        first = ["section", "model"]
        table = table[first + [c for c in table.columns if c not in first]]
        # a run saved before the field existed has none
        return in_time_zone(table, getattr(self, "time_zone", None))


def compare(
    y: pd.Series,
    *,
    models: Sequence[str] | None = None,
    horizon: int,
    folds: int,
    params: dict[str, Any] | None = None,
    refit_final: bool = True,
    progress: ProgressCallback | None = None,
    levels: Sequence[float] = DEFAULT_LEVELS,
    extra: Mapping[str, Any] | None = None,
    jobs: int = 1,
    engine: str | None = None,
    floor: float | None = None,
) -> Comparison:
    """Backtest several models on the same folds and forecast the future with each.

    Args:
        y: the series (regular DatetimeIndex), e.g. from ``datasets.load``.
        models: registered model names; None for the default set for ``y``
            (TSB joins it for intermittent data, Naive for business days:
            :func:`~convlstm.models.registry.default_models`).
        horizon: steps to forecast (per backtest fold and into the future).
        folds: number of backtest folds; 0 for none, a forecast only: every model
            is fitted on the whole series and forecasts the future, unscored
            (the summary's metrics are NaN, there are no conformal intervals and
            no significance test; a model's own intervals remain). For a series
            too short to hold out anything, or a quick look.
        params: one dict of hyperparameters (``kernel_size``, ``hidden_size``,
            ``learning_rate``, ``num_layers``, ``lookback``, ``epochs``,
            ``batch_size``, ``activation``, ``seed``, ``device``, ...); each model
            gets the ones it accepts. A key that is a model name holds a dict of
            settings for that model alone, overriding the shared ones (e.g.
            ``{"seed": 1, "ConvLSTM": {"hidden_size": 32}}``).
        refit_final: refit every model on all of ``y`` for the future forecast.
        progress: optional ``progress(event: ProgressEvent) -> bool | None``
            (stages ``"fold k/n"`` and ``"final"``; ``fraction`` is overall
            progress 0..1); returning True stops the current training early, and
            the model keeps its best weights so far.
        levels: prediction-interval levels (see :func:`with_intervals`); empty
            for none.
        extra: kept in the record's ``extra`` (e.g. the dataset's name).
        jobs: backtest folds fitted at once on the executor's worker processes
            (``backtest(n_jobs=...)``); the numbers do not depend on it.
        engine: where those folds run, "local" or "ray" (default:
            ``CONVLSTM_ENGINE``, else local).
        floor: no forecast or interval bound goes below it: 0 for counts, sales
            and other amounts that cannot be negative (None: none). Forecasts
            under it are raised to it in the backtest too, before they are
            scored, so the scores are those of the forecasts shown; the series
            must not go below it. The fitted models' own ``predict`` is not
            raised.

    Returns:
        A :class:`Comparison` with intervals, coverage, significance and record.

    Raises:
        ParameterError: an unknown model name, bad horizon/folds or levels, 0
            folds without ``refit_final``, or a floor the series goes below.
        DataError: a series too short (for the backtest, or for every chosen
            model: one too short for some models runs the others and says which
            it left out in ``Comparison.left_out``).
        TrainingError, ConvLSTMError: the only model left failed (a model that
            fails on the data while others remain is left out, with why, and
            the others' fits are kept: the numbers of a run without it).
    """
    start = time.perf_counter()
    if models is None:
        models = default_models(y)
    if isinstance(models, str):
        models = (models,)
    names: list[str] = []
    for name in models:
        canonical = model_name(name)
        if canonical not in names:
            names.append(canonical)
    if not names:
        raise ParameterError(
            f"choose at least one model from: {', '.join(model_names())}"
        )
    if levels:
        check_levels(levels)  # before training, not after
    folds = check_folds(folds)
    horizon = check_horizon(horizon)
    y = _time_indexed(y)
    time_zone = y.attrs.get("time_zone")  # the checks below return fresh series
    closed = y.attrs.get("closed")  # times of the week the series is closed
    floor = check_floor(floor, y.to_numpy(dtype=float))
    if refit_final:
        check_future(y.index, horizon)  # before training, not after
    unscored = folds == 0
    if unscored and not refit_final:
        raise ParameterError(
            "with 0 backtest folds the final fit is all there is: keep "
            "refit_final, or choose at least one fold"
        )
    params = dict(params or {})
    protos = {
        name: make_model(name, horizon=horizon, **params_for(name, params))
        for name in names
    }
    give_members_settings(protos, params)
    data = data_fingerprint(y)  # before any refit; y.attrs hold the repairs
    chosen = list(names)
    left_out = too_short_for(names, y, horizon, folds)
    if left_out and len(left_out) == len(names):
        raise DataError(
            "the series is too short for every chosen model: "
            + "; ".join(f"{name} {why}" for name, why in left_out.items())
        )
    names = [n for n in names if n not in left_out]
    protos = {n: protos[n] for n in names}
    twin = _pretrained_twin(protos, y)
    if twin:
        left_out.update(twin)
        names = [n for n in names if n not in twin]
        protos = {n: protos[n] for n in names}

    # the backtest's share of the progress bar; the final refits fill the rest
    share = folds / (folds + 1) if refit_final and _is_count(folds) else 1.0
    if not unscored:
        # a model that fails on this data (too short for its settings, a
        # diverging loss, a numeric breakdown, a damaged weight file) is left
        # out and said why, the others' fits kept; a setting no data could take
        # (ParameterError) stays an error
        result = backtest(
            protos,
            y,
            horizon,
            folds,
            progress=_scaled(progress, share),
            n_jobs=jobs,
            engine=engine,
            keep_going=True,
            floor=floor,
        )
        for exc in result.failed.values():
            _leave_out(exc, protos, names, left_out, "failed")
    else:
        y = check_series(y, min_length=1, what="the forecast")
        result = _unscored(names, y, horizon)

    fitted: dict[str, BaseForecaster] = {}
    histories: dict[str, list[dict]] = {}
    frames = []
    if refit_final:
        y = check_series(y, min_length=1, what="the final fit")
        final = _final_round(protos, y, result, progress)
        for exc in final.errors.values():
            # backtested, but its fit on the whole series failed: left out of
            # the results as a whole, said why
            why = "failed in the final fit on the whole series"
            result = _without(result, _leave_out(exc, protos, names, left_out, why))
        if unscored:  # no backtest to time: the final fits' seconds
            result.summary["fit_seconds"] = [
                final.seconds.get(n, math.nan) for n in names
            ]
        for name in names:
            pred = final.forecasts[name]
            frames.append(
                pd.DataFrame(
                    {
                        "model": name,
                        "timestamp": pred.index,
                        "forecast": pred.to_numpy(dtype=float),
                    }
                )
            )
            model = fitted[name] = final.fitted[name]
            history = getattr(model, "history_", None)
            if history is not None:
                histories[name] = [dict(h) for h in history]
    summary = result.summary.copy()
    winner = best_model(summary)
    summary["best"] = [str(m) == winner for m in summary.index]
    future = raise_to_floor(
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["model", "timestamp", "forecast"]),
        floor,
    )
    future["step"] = future.groupby("model", sort=False).cumcount() + 1
    future = without_closed(future, closed)  # steps ahead kept where left out
    device = _device(names, fitted, params)
    record = make_record(
        y,
        params=params,
        models=chosen,
        horizon=horizon,
        folds=folds,
        seed=_seed(protos, params),
        device=device,
        extra={
            **dict(extra or {}),
            "refit_final": refit_final,
            "networks": networks_used(fitted),
            **({"floor": floor} if floor is not None else {}),
        },
    )
    record["data"] = data
    comparison = Comparison(
        backtest=result,
        summary=summary,
        future=future,
        fitted=fitted,
        histories=histories,
        device=device,
        record=record,
        left_out=left_out,
        floor=floor,
        time_zone=time_zone,
    )
    if levels:
        comparison = with_intervals(comparison, levels)
    comparison.seconds = time.perf_counter() - start
    return comparison


def _time_indexed(y: Any) -> pd.Series:
    """``y`` checked before anything reads its index: a PeriodIndex becomes the
    timestamps of its periods' starts; anything else that is not a time-indexed,
    regular series of numbers is refused with the ``DataError`` of
    :func:`~convlstm.data.check_series` (which says to load it with
    ``convlstm.data.to_series``). Returns ``y`` itself (its ``attrs``, the notes
    of its repairs, kept) unless its index was converted."""
    if isinstance(y, pd.Series) and isinstance(y.index, pd.PeriodIndex):
        attrs = dict(y.attrs)
        y = y.to_timestamp(how="start")
        y.attrs.update(attrs)
    check_series(y, min_length=1, what="a comparison")
    return y


#: The registry's names of the ConvLSTM and of its pretrained start.
_CONVLSTM, _PRETRAINED = "ConvLSTM", "ConvLSTM (pretrained)"


def _pretrained_twin(protos: Mapping[str, Any], y: pd.Series) -> dict[str, str]:
    """``{"ConvLSTM (pretrained)": why}`` when it would only repeat the
    ConvLSTM's row: both chosen with the same settings, on a series whose
    season no network was pretrained for (a business week of 5 days), where the
    pretrained start trains from scratch as the ConvLSTM does (same scores,
    twice the time); else ``{}``."""
    pre, plain = protos.get(_PRETRAINED), protos.get(_CONVLSTM)
    if pre is None or plain is None:
        return {}
    skip = ("init", "fine_tune")
    same = {k: v for k, v in pre.get_params().items() if k not in skip} == {
        k: v for k, v in plain.get_params().items() if k not in skip
    }
    if not same or pre.has_pretrained_for(y):
        return {}
    season = season_length(y.index)
    return {
        _PRETRAINED: f"no network was pretrained for a season of {season} steps, so "
        f"it would train from scratch as {_CONVLSTM} does: the same forecasts, at "
        "twice the time"
    }


def too_short_for(
    names: Sequence[str], y: pd.Series, horizon: int, folds: int
) -> dict[str, str]:
    """The models of ``names`` that ``y`` is too short for, each with why.

    A backtest's first fold trains on ``len(y) - folds * horizon`` points (with 0
    folds, a forecast only, the final fit on all of ``y``); a model whose registry
    entry needs more (``min_length(season, horizon)``, the fewest its default
    settings accept) cannot run. Settings the caller chose (a long lookback) may
    need still more: that fit then fails and says so itself. Returns ``{}`` when
    the horizon, folds or series are unusable, or too short for the backtest
    itself (the backtest says what is wrong with them).
    """
    if not _is_count(horizon):
        return {}
    try:
        folds = check_folds(folds)
        season = season_length(check_series(y, min_length=1).index)
    except (ParameterError, DataError, ValueError, TypeError):
        return {}
    have = len(y) - folds * horizon
    if folds and have < first_fold_min_length(season, len(y)):
        return {}
    where = (
        f"the first of {plural(folds, 'backtest fold')} of horizon {horizon} trains "
        f"on {have}"
        if folds
        else f"the series has {have}"
    )
    out = {}
    for name in names:
        need = int(model_spec(name).min_length(season, horizon))
        if have < need:
            out[name] = f"needs at least {need} points to train on; {where}"
    return out


def with_intervals(
    comparison: Comparison,
    levels: Sequence[float] = DEFAULT_LEVELS,
    *,
    alpha: float = ALPHA,
) -> Comparison:
    """Add prediction intervals, their measured coverage and significance.

    Cheap (no model is refit), so a page can call it again when the user picks
    other levels. For every model and horizon step the interval half-width is the
    split-conformal quantile of that step's backtest errors
    (:func:`~convlstm.intervals.conformal_intervals`); coverage is measured
    fold by fold on errors the interval was not calibrated on
    (:func:`~convlstm.intervals.interval_coverage`, forward scheme); models with
    intervals of their own (ETS) get those too, beside the conformal ones
    (:func:`~convlstm.intervals.model_intervals`); every model is
    tested against the best baseline (statistical or naive) model with the
    Diebold-Mariano test
    (:func:`~convlstm.significance.compare_to_baseline`).

    Args:
        comparison: from :func:`compare`.
        levels: interval levels, each strictly between 0 and 1.
        alpha: significance level of the verdicts.

    Returns:
        A copy of ``comparison`` with ``levels``, ``intervals``, ``coverage``,
        ``model_intervals``, ``significance`` set, and the levels noted in
        ``record["extra"]``.

    Raises:
        ParameterError: a level outside (0, 1).
    """
    from .significance import compare_to_baseline  # scipy: load on first use

    bt = observed(comparison.backtest.forecasts)  # errors of observed points
    floor = comparison.floor
    intervals = raise_to_floor(
        conformal_intervals(bt, comparison.future, levels), floor
    )
    coverage = interval_coverage(bt, levels)
    own = raise_to_floor(model_intervals(comparison.fitted, levels), floor)
    try:
        if not comparison.scored:
            raise DataError("no backtest (0 folds), so no errors to test")
        significance = compare_to_baseline(bt, alpha=alpha)
    except (DataError, ParameterError) as exc:  # e.g. no baseline to test against
        significance = pd.DataFrame(
            columns=["model", "baseline", "p_value", "significant", "verdict"]
        )
        significance.attrs = {"baseline": None, "note": str(exc)}
    record = comparison.record
    if record is not None:
        record = {
            **record,
            "extra": {
                **record.get("extra", {}),
                "levels": list(intervals.attrs["levels"]),
                "alpha": alpha,
            },
        }
    return dataclasses.replace(
        comparison,
        levels=tuple(intervals.attrs["levels"]),
        intervals=intervals,
        coverage=coverage,
        model_intervals=own,
        significance=significance,
        record=record,
    )


def metrics_table(comparison: Comparison) -> pd.DataFrame:
    """One row per model for display: errors, interval coverage and the verdict.

    Columns: Model, MAE, RMSE, MASE, Bias (mean forecast minus actual), then per
    level ``"Coverage <pct>%"`` (share of
    held-out actuals inside the interval, to read against the nominal ``<pct>``)
    and ``"Width <pct>%"`` (mean interval width), then ``"vs baseline"`` (the
    plain-words Diebold-Mariano verdict, "baseline" for the baseline itself),
    ``"p-value"`` and ``"Fit seconds"``. ``attrs["best"]`` names the model with the
    lowest MAE and ``attrs["baseline"]`` the baseline.
    """
    summary = comparison.summary
    table = pd.DataFrame(
        {
            "Model": [str(m) for m in summary.index],
            "MAE": summary["mae"].to_numpy(dtype=float),
            "RMSE": summary["rmse"].to_numpy(dtype=float),
            "MASE": summary["mase"].to_numpy(dtype=float),
            "Bias": (
                summary["bias"].to_numpy(dtype=float)
                if "bias" in summary
                else [math.nan] * len(summary)
            ),
        }
    )
    cov = comparison.coverage
    for level in comparison.levels:
        pct = level_label(level)
        rows = (
            cov[cov["level"] == level].set_index("model")
            if cov is not None
            else pd.DataFrame(columns=["coverage", "mean_width"])
        )
        table[f"Coverage {pct}%"] = [
            float(rows["coverage"].get(m, math.nan)) for m in summary.index
        ]
        table[f"Width {pct}%"] = [
            float(rows["mean_width"].get(m, math.nan)) for m in summary.index
        ]
    sig = comparison.significance
    baseline = None if sig is None else sig.attrs.get("baseline")
    verdicts, p_values = [], []
    for model in summary.index:
        row = (
            sig[sig["model"] == model]
            if sig is not None and not sig.empty
            else pd.DataFrame()
        )
        if model == baseline:
            verdicts.append("baseline")
            p_values.append(math.nan)
        elif row.empty:
            note = "" if sig is None else sig.attrs.get("note", "")
            verdicts.append(f"not tested: {note}" if note else "not tested")
            p_values.append(math.nan)
        else:
            verdicts.append(str(row["verdict"].iloc[0]))
            p_values.append(float(row["p_value"].iloc[0]))
    table["vs baseline"] = verdicts
    table["p-value"] = p_values
    table["Fit seconds"] = summary["fit_seconds"].to_numpy(dtype=float)
    table.attrs = {
        "best": best_model(summary),
        "baseline": baseline,
    }
    return table


def rerun(
    y: pd.Series,
    record: Mapping[str, Any],
    *,
    progress: ProgressCallback | None = None,
) -> Comparison:
    """Repeat the comparison a record describes: same models, settings and levels.

    Args:
        y: the series; it must be the data the record was made on.
        record: ``Comparison.record`` (or ``record.record_from_json`` of it).
        progress: as in :func:`compare`.

    Raises:
        DataError: ``y`` is not the recorded data (the fingerprints differ), or the
            record lacks a setting.
    """
    recorded = (record.get("data") or {}).get("sha256")
    if recorded is None:
        raise DataError(
            "the record has no fingerprint of its data ('data'); cannot tell that "
            "this is the series it was made on"
        )
    now = data_fingerprint(y)["sha256"]
    if recorded != now:
        raise DataError(
            f"this is not the data the record was made on (fingerprint "
            f"{now[:12]}..., recorded {str(recorded)[:12]}...); load that data first"
        )
    try:
        models, horizon, folds = record["models"], record["horizon"], record["folds"]
    except KeyError as exc:
        raise DataError(f"the record has no {exc.args[0]!r}; cannot re-run") from None
    extra = dict(record.get("extra") or {})
    levels = extra.pop("levels", DEFAULT_LEVELS)
    alpha = extra.pop("alpha", ALPHA)
    refit_final = bool(extra.pop("refit_final", True))
    floor = extra.pop("floor", None)
    again = compare(
        y,
        models=models,
        horizon=int(horizon),
        folds=int(folds),
        params=dict(record.get("parameters") or {}),
        refit_final=refit_final,
        progress=progress,
        levels=(),
        extra=extra,
        floor=floor,
    )
    return with_intervals(again, levels, alpha=alpha) if levels else again


def rerun_matches(
    first: Comparison, again: Comparison, rtol: float = 1e-6
) -> tuple[bool, pd.DataFrame]:
    """Tell whether a re-run reproduced a comparison's numbers.

    Compares the backtest metrics and the future forecasts (one column per step)
    with :func:`~convlstm.record.compare_results`; timings are ignored.

    Returns:
        ``(match, diffs)``: ``diffs`` lists each cell that differs (columns model,
        metric, a, b, abs_diff, rel_diff); empty when they match.
    """
    return compare_results(_numbers(first), _numbers(again), rtol)


def _numbers(comparison: Comparison) -> pd.DataFrame:
    """Summary metrics and future forecasts side by side, one row per model."""
    summary = comparison.summary.drop(columns=["best"], errors="ignore")
    future = comparison.future
    if future.empty:
        return summary
    wide = future.assign(step=future.groupby("model", sort=False).cumcount() + 1).pivot(
        index="model", columns="step", values="forecast"
    )
    wide.columns = [f"forecast step {s}" for s in wide.columns]
    return summary.join(wide, how="outer")


def give_members_settings(
    protos: Mapping[str, BaseForecaster], params: Mapping[str, Any]
) -> None:
    """Ensembles without settings of their own for their members get the
    comparison's ``params``, so that a member fitted only for an ensemble is set up
    as it would be in the comparison."""
    for proto in protos.values():
        if is_combiner(proto) and proto.get_params().get("member_params", 0) is None:
            proto.set_params(member_params=dict(params))


def _final_round(
    protos: Mapping[str, BaseForecaster],
    y: pd.Series,
    result: BacktestResult,
    progress: ProgressCallback | None,
) -> FitRound:
    """Refit every model on all of ``y``; ensembles are combined from the members'
    final forecasts, weighted ones by the members' errors on the last fold."""
    helpers = helper_members(protos)
    per_round = sum(not is_combiner(p) for p in protos.values()) + len(helpers)
    tidy = result.forecasts
    if not result.member_forecasts.empty:
        tidy = pd.concat([tidy, result.member_forecasts], ignore_index=True)
    return fit_round(
        protos,
        helpers,
        y,
        result.horizon,
        stage="final",
        progress=progress,
        unit=per_round * result.folds,
        total_units=per_round * (result.folds + 1),
        validation=fold_errors(tidy, result.folds),
        keep_going=True,
    )


def _leave_out(
    exc: ConvLSTMError,
    protos: dict[str, BaseForecaster],
    names: list[str],
    left_out: dict[str, str],
    why: str,
) -> str:
    """Drop the model ``exc`` names (``exc.model``, set by the backtest) from
    ``protos`` and ``names`` and say ``why`` in ``left_out``; returns its name.
    Raises ``exc`` when it names no such model or that model is the last."""
    failed = getattr(exc, "model", None)
    if failed not in protos or len(protos) == 1:
        raise exc
    log.info("compare: %s left out: %s", failed, exc)
    left_out[failed] = f"{why}: {exc}"
    names.remove(failed)
    del protos[failed]
    return failed


def _without(result: BacktestResult, name: str) -> BacktestResult:
    """``result`` without model ``name`` (its rows, summary and folds)."""
    return dataclasses.replace(
        result,
        forecasts=result.forecasts[result.forecasts["model"] != name],
        summary=result.summary.drop(index=name),
        per_fold=result.per_fold[result.per_fold["model"] != name],
    )


def _unscored(names: Sequence[str], y: pd.Series, horizon: int) -> BacktestResult:
    """The backtest of a forecast only (0 folds): no forecasts, NaN scores."""
    summary = pd.DataFrame(
        math.nan,
        index=pd.Index(list(names), name="model"),
        columns=[*METRIC_COLUMNS, "fit_seconds"],
    )
    return BacktestResult(
        forecasts=pd.DataFrame(columns=list(FORECAST_COLUMNS)),
        summary=summary,
        per_fold=pd.DataFrame(
            columns=["model", "fold", "cutoff", *METRIC_COLUMNS, "fit_seconds"]
        ),
        horizon=horizon,
        folds=0,
        season_length=season_length(y.index),
    )


def _is_count(value: Any) -> bool:
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and value > 0
    )


def _scaled(progress: ProgressCallback | None, share: float) -> ProgressCallback | None:
    """``progress`` with each event's fraction scaled by ``share``: the backtest's
    part of the whole comparison, the final refits being the rest."""
    if progress is None or share == 1.0:
        return progress

    def scaled(event: Any) -> bool | None:
        return progress(dataclasses.replace(event, fraction=event.fraction * share))

    return scaled


def _seed(protos: Mapping[str, BaseForecaster], params: Mapping[str, Any]) -> Any:
    """The seed the models use: the given one, else the first model's default."""
    if params.get("seed") is not None:
        return params["seed"]
    for model in protos.values():
        seed = model.get_params().get("seed")
        if seed is not None:
            return seed
    return None


def _device(
    names: list[str], fitted: dict[str, BaseForecaster], params: dict[str, Any]
) -> str:
    """The device the neural models used: read from a fitted model when there is
    one, else resolved the way training resolves it."""
    for model in fitted.values():
        device = getattr(model, "device_", None)
        if device is not None:
            return str(device)
    if not any(model_spec(name).kind == "neural" for name in names):
        return "cpu"
    from .training import resolve_device

    return str(resolve_device(params.get("device") or "auto"))
