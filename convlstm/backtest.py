"""Rolling-origin backtests: every model refit on the same folds, scored the same way.

The last ``folds * horizon`` points are the test set; fold k trains on everything
before its cutoff and forecasts the next ``horizon`` points. Ensembles are combined
from their members' forecasts of the same fold, so no member is trained twice.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import metrics
from .data import check_series, filled_mask
from .data import season_length as _season_length
from .data.cells import plural
from .errors import ConvLSTMError, DataError, ParameterError, TrainingError
from .intervals import check_floor, raise_to_floor
from .models.base import BaseForecaster
from .models.checks import check_horizon

__all__ = [
    "NUMERIC_ERRORS",
    "BacktestResult",
    "FitRound",
    "FoldTask",
    "ModelFailure",
    "backtest",
    "check_count",
    "check_folds",
    "combine_round",
    "first_fold_min_length",
    "fit_fold",
    "fit_plain",
    "fit_round",
    "fitting",
    "fold_errors",
    "fold_scores",
    "helper_members",
    "is_combiner",
    "is_numeric_failure",
    "model_failure",
    "needs_validation",
    "progress_event",
]

log = logging.getLogger(__name__)

#: Fewest training points the first fold must have (beyond any model's own minimum).
MIN_TRAIN = 8

METRIC_COLUMNS = ("mae", "rmse", "mape", "smape", "mase")
FORECAST_COLUMNS = (
    "model",
    "fold",
    "cutoff",
    "timestamp",
    "step",
    "actual",
    "forecast",
)

ProgressCallback = Callable[[Any], bool | None]

#: What a model's numerics raise on legal but awkward data: a singular or non-finite
#: matrix (``LinAlgError`` is a ``ValueError``), an overflow, a NaN where a whole
#: number was needed. That is the model failing on this series, not the program:
#: :func:`fitting` turns it into a ``DataError``, so a comparison leaves the model
#: out with the message and the CLI prints it. Programming errors (TypeError,
#: AttributeError, the ValueErrors of :data:`_BUG_MESSAGES`, ...) are not among them
#: and stay loud; :func:`is_numeric_failure` is the whole rule.
NUMERIC_ERRORS: tuple[type[Exception], ...] = (ArithmeticError, ValueError)

#: ValueErrors that only a mistake in the code raises, never a model on awkward
#: numbers: unpacking, ``zip(strict=True)``, an array used as a bool, parsing text,
#: ``list.index``, shapes that do not match. Everything else a ValueError says stays
#: a numeric failure: statsmodels, scipy and torch word theirs freely (and the
#: models already catch the ones they expect), so an unknown one leaves the model
#: out, as before, with its traceback logged at debug level.
_BUG_MESSAGES = re.compile(
    r"values to unpack"
    r"|^zip\(\) argument \d+ is (longer|shorter)"
    r"|^the truth value of .* is ambiguous"
    r"|^invalid literal for"
    r"|^could not convert string to"
    r"|is not in list$"
    r"|could not be broadcast together"
    r"|^cannot reshape array"
    r"|^setting an array element with a sequence"
    r"|^need at least one array to"
    r"|^length of values \(\d+\) does not match length of index",
    re.IGNORECASE,
)


class ModelFailure(DataError):
    """A model failed numerically on this series (see :func:`fitting`); the
    message names the model, and ``__cause__`` is the original error."""


def is_numeric_failure(exc: BaseException) -> bool:
    """Whether ``exc``, raised by a model's fit or predict, is the model failing
    on the data (see :data:`NUMERIC_ERRORS`) rather than a bug or an error the
    library raised on purpose."""
    if isinstance(exc, ConvLSTMError) or not isinstance(exc, NUMERIC_ERRORS):
        return False
    if isinstance(exc, ArithmeticError | np.linalg.LinAlgError):
        return True
    return not _BUG_MESSAGES.search(str(exc))


def model_failure(exc: Exception, name: str, where: str | None = None) -> DataError:
    """``exc``, one of :data:`NUMERIC_ERRORS` raised by model ``name``, as a
    ``DataError`` (a :class:`ModelFailure`) that says which model failed (and
    ``where``) and why."""
    place = f", {where}" if where else ""
    return ModelFailure(
        f"{name}{place}: could not be fitted on this series "
        f"({type(exc).__name__}: {exc}); choose another model"
    )


@contextmanager
def fitting(name: str, where: str | None = None) -> Iterator[None]:
    """Around a model's fit and predict: a numeric failure (see
    :func:`is_numeric_failure`) is logged with its traceback at debug level and
    raised as :func:`model_failure`'s ``ModelFailure`` (from the original); a
    ``ConvLSTMError`` and any other error pass through unchanged.

    The one place that decides what counts as a model failing on the data, for the
    backtest, the panel comparison and the CLI's forecast alike."""
    try:
        yield
    except NUMERIC_ERRORS as exc:
        if not is_numeric_failure(exc):
            raise
        place = f" ({where})" if where else ""
        log.debug("%s failed numerically%s", name, place, exc_info=True)
        raise model_failure(exc, name, where) from exc


@dataclass
class BacktestResult:
    """The outcome of :func:`backtest`.

    Attributes:
        forecasts: tidy DataFrame, one row per model, fold and step, with columns
            ``model, fold, cutoff, timestamp, step, actual, forecast``. ``fold`` is
            1-based, ``cutoff`` is the last timestamp the fold trained on, ``step``
            runs 1..horizon.
        summary: one row per model (index ``model``), columns ``mae, rmse, mape,
            smape, mase, fit_seconds``. MAE, RMSE, MAPE and sMAPE pool every test
            point; MASE is the mean over folds of each fold's MASE, scaled on that
            fold's training part; ``fit_seconds`` is the total over folds (an
            ensemble's: its members', as it would cost fitted alone).
        per_fold: the same metrics per model and fold (columns ``model, fold,
            cutoff`` + metrics + ``fit_seconds``).
        horizon: steps forecast per fold.
        folds: number of folds.
        season_length: the season used to scale MASE.
        member_forecasts: the backtest forecasts (columns as ``forecasts``) of the
            ensemble members that are not among the models, fitted only to feed
            the ensembles; empty when there are none.
        failed: ``{model: error}`` of the models left out of the results because
            they failed on some fold (``backtest(..., keep_going=True)`` only),
            each error as it would have been raised (naming the model and fold).
        fold_starts: ``{model: [start of fold 1, ...]}`` of the networks that
            choose how they start (``start_``: "scratch", "pretrained", "both"),
            fold by fold: a fold trains on less of the series and may start
            otherwise than the final fit.
        fold_seasons: ``{model: [(training points, kept a season), ...]}``, fold
            by fold, of the models that choose whether to forecast a season
            (ETS, Theta, ARIMA: ``keeps_season``): a fold trains on less of the
            series and may drop a season the final fit keeps.
    """

    forecasts: pd.DataFrame
    summary: pd.DataFrame
    per_fold: pd.DataFrame = field(default_factory=pd.DataFrame)
    horizon: int = 0
    folds: int = 0
    season_length: int = 1
    member_forecasts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(FORECAST_COLUMNS))
    )
    failed: dict[str, ConvLSTMError] = field(default_factory=dict)
    fold_starts: dict[str, list[str]] = field(default_factory=dict)
    fold_seasons: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)

    @property
    def cutoffs(self) -> list[pd.Timestamp]:
        """The last training timestamp of each fold, in fold order."""
        if self.forecasts.empty:
            return []
        return list(self.forecasts.groupby("fold")["cutoff"].first())


def check_count(value: object, what: str) -> int:
    """``value`` as an int when it is a whole number >= 1.

    Raises:
        ParameterError: it is not (the message names ``what``).
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterError(f"{what} must be a whole number, got {value!r}")
    if value < 1:
        raise ParameterError(f"{what} must be at least 1, got {value}")
    return int(value)


def check_folds(value: object) -> int:
    """``value`` as a number of folds: a whole number >= 1, or 0 for none (a
    forecast only, unscored: ``compare`` and ``compare_panel`` take it).

    Raises:
        ParameterError: it is not.
    """
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        if value == 0:
            return 0
        if value < 0:
            raise ParameterError(
                f"folds must be 0 (a forecast only, unscored) or more, got {value}"
            )
    return check_count(value, "folds")


def named_models(
    models: Mapping[str, BaseForecaster] | Sequence[BaseForecaster],
) -> dict[str, BaseForecaster]:
    """Turn a dict or a list of forecasters into ``{name: forecaster}``.

    A list is named by each model's ``display_name``; repeats get " (2)", " (3)"...
    """
    if isinstance(models, Mapping):
        out = {str(name): model for name, model in models.items()}
    else:
        out = {}
        for model in models:
            base = getattr(model, "display_name", type(model).__name__)
            name, k = base, 2
            while name in out:
                name, k = f"{base} ({k})", k + 1
            out[name] = model
    if not out:
        raise ParameterError("no models to evaluate: pass at least one forecaster")
    for name, model in out.items():
        if not isinstance(model, BaseForecaster):
            raise ParameterError(
                f"model {name!r} is a {type(model).__name__}, not a forecaster"
            )
    return out


def fit_with_progress(
    model: BaseForecaster,
    y: pd.Series,
    *,
    name: str,
    stage: str,
    unit: int,
    total_units: int,
    progress: ProgressCallback | None,
) -> float:
    """Fit ``model`` on ``y``, reporting to ``progress``; return the fit seconds.

    Forecasters whose ``fit`` takes a ``callback`` (the neural ones) report every
    epoch; the others report once before fitting. ``unit`` (0-based) of
    ``total_units`` places this fit in the overall fraction. When ``progress``
    returns True during an epoch, that training stops early.
    """
    takes_callback = "callback" in inspect.signature(model.fit).parameters
    if progress is not None:
        progress(progress_event(name, stage, unit / total_units))
    start = time.perf_counter()
    if takes_callback and progress is not None:

        def callback(
            epoch: int, epochs: int, train_loss: float, val_loss: float | None = None
        ) -> bool:
            done = (unit + min(epoch / max(epochs, 1), 1.0)) / total_units
            return bool(
                progress(
                    progress_event(
                        name, stage, done, epoch, epochs, train_loss, val_loss
                    )
                )
            )

        model.fit(y, callback=callback)
    else:
        model.fit(y)
    return time.perf_counter() - start


def progress_event(
    model: str,
    stage: str,
    fraction: float,
    epoch: int | None = None,
    epochs: int | None = None,
    train_loss: float | None = None,
    val_loss: float | None = None,
) -> Any:
    """A :class:`~convlstm.training.ProgressEvent` (``fraction`` clipped to 0..1)."""
    from .training import ProgressEvent  # torch: load only when progress is asked

    return ProgressEvent(
        model=model,
        stage=stage,
        fraction=float(min(max(fraction, 0.0), 1.0)),
        epoch=epoch,
        epochs=epochs,
        train_loss=train_loss,
        val_loss=val_loss,
    )


def first_fold_min_length(season: int, length: int | None = None) -> int:
    """Fewest training points the first backtest fold must have, whatever the
    models: ``MIN_TRAIN``, and one season plus a point where the series (of
    ``length`` points, when given) holds two seasons. A shorter series has no
    season to learn (28 weeks of a 52-week year), so its season asks nothing of
    the backtest: each model's own minimum (the registry's) still holds."""
    if length is not None and length < 2 * season:
        return MIN_TRAIN
    return max(MIN_TRAIN, season + 1)


def backtest(
    models: Mapping[str, BaseForecaster] | Sequence[BaseForecaster],
    y: pd.Series,
    horizon: int,
    folds: int,
    *,
    progress: ProgressCallback | None = None,
    n_jobs: int = 1,
    engine: str | None = None,
    keep_going: bool = False,
    floor: float | None = None,
) -> BacktestResult:
    """Evaluate forecasters by rolling-origin backtesting.

    Fold k (1-based) trains a clone of each model, with ``horizon`` set, on every
    point before ``len(y) - (folds - k + 1) * horizon`` and forecasts the next
    ``horizon`` points; all models see exactly the same folds. The models passed in
    are not modified.

    Args:
        models: ``{name: forecaster}``, or a list of forecasters named by their
            ``display_name`` (repeats get " (2)", ...).
        y: the series (regular DatetimeIndex).
        horizon: steps forecast per fold.
        folds: number of folds.
        progress: optional ``progress(event: ProgressEvent) -> bool | None``, called
            before each fit and after every epoch of neural models (stage
            ``"fold k/n"``); returning True stops the current training early. With
            ``n_jobs > 1`` it hears once per finished fold.
        n_jobs: folds fitted at once, each in a worker process of the executor
            (:func:`~convlstm.executor.run_all`); the numbers are the same as with
            1, which fits them one after another in this process.
        engine: where ``n_jobs > 1`` runs: "local" worker processes or "ray"
            (default: ``CONVLSTM_ENGINE``, else local).
        keep_going: a model that fails on a fold (a ``ConvLSTMError`` other than
            a ``ParameterError``) does not stop the backtest: it is left out of
            the results (``failed`` says why) and every other model's fits are
            kept, not redone. In an ensemble it counts as a member that failed on
            that fold, as a member outside the models always does, so the
            numbers equal a backtest run again without it. A failure is raised
            as before when no model is left.
        floor: every forecast below it is raised to it before it is scored
            (0 for amounts that cannot be negative; None: none). Ensembles
            combine their members' forecasts as the members made them, then
            their own forecast is raised too.

    Returns:
        A :class:`BacktestResult`.

    Raises:
        ParameterError: bad horizon/folds or models, or a model's setting (the
            message names the fold).
        DataError: ``y`` shorter than ``folds * horizon + 8`` points (the message
            states the minimum), or a model cannot be fit on a fold's training part
            (the message names the fold).
    """
    horizon = check_horizon(horizon)
    folds = check_count(folds, "folds")
    from .executor import check_engine  # noqa: PLC0415 (the pool's module)

    check_engine(engine)  # also when one process fits: a typo is a typo
    named = named_models(models)
    floor = check_floor(floor)
    # the index first (a RangeIndex has no season to read); then the length
    y = check_series(y, min_length=1, what="a backtest")
    m = _season_length(y.index)
    min_train = first_fold_min_length(m, len(y))
    y = check_series(
        y,
        min_length=folds * horizon + min_train,
        what=f"a backtest of {plural(folds, 'fold')} x {horizon} steps (at least "
        f"{min_train} training points before the first fold)",
        advice=_backtest_advice(len(y), folds, horizon, min_train),
    )
    n = len(y)
    values = y.to_numpy()
    # points the reader filled in (gaps) are forecast but not scored
    filled = filled_mask(y)
    helpers = helper_members(named)
    per_round = sum(not is_combiner(p) for p in named.values()) + len(helpers)
    validation = _first_validation(named, helpers, y, n - folds * horizon, horizon)
    total_units = per_round * folds

    rows: list[pd.DataFrame] = []
    member_rows: list[pd.DataFrame] = []
    fold_rows: list[dict[str, Any]] = []
    cuts = [n - (folds - k + 1) * horizon for k in range(1, folds + 1)]
    early = _fit_folds_at_once(
        named, helpers, y, cuts, horizon, n_jobs, progress, engine, keep_going
    )
    failed: dict[str, ConvLSTMError] = {}
    for k in range(1, folds + 1):
        cut = cuts[k - 1]
        train = y.iloc[:cut]
        actual = values[cut : cut + horizon]
        gap = filled[cut : cut + horizon]
        test_index = y.index[cut : cut + horizon]
        stage = f"fold {k}/{folds}"
        where = f"backtest {stage} (training on the first {cut} points)"
        if early is None:
            fitted = fit_round(
                named,
                helpers,
                train,
                horizon,
                stage=stage,
                where=where,
                progress=progress,
                unit=(k - 1) * per_round,
                total_units=total_units,
                validation=validation,
                keep_going=keep_going,
            )
        else:
            fitted = early[k - 1]
            combine_round(fitted, named, train, horizon, where, validation, keep_going)
        for name, exc in fitted.errors.items():
            failed.setdefault(name, exc)
        if fitted.errors and early is None:
            # later folds fit a failed model only for the ensembles using it
            used = _members_of(named, failed)
            named = {n: p for n, p in named.items() if n not in failed or n in used}
        for name, pred in fitted.forecasts.items():
            frame = pd.DataFrame(
                {
                    "model": name,
                    "fold": k,
                    "cutoff": train.index[-1],
                    "timestamp": test_index,
                    "step": np.arange(1, horizon + 1),
                    "actual": actual,
                    "forecast": np.asarray(pred, dtype=float),
                }
            )
            frame = raise_to_floor(frame, floor)
            if filled.any():
                frame["filled"] = gap
            if name not in named:
                member_rows.append(frame)
                continue
            rows.append(frame)
            fold_rows.append(
                {
                    "model": name,
                    "fold": k,
                    "cutoff": train.index[-1],
                    **fold_scores(
                        actual[~gap],
                        frame["forecast"].to_numpy()[~gap],
                        train.to_numpy(),
                        m,
                    ),
                    "fit_seconds": fitted.seconds[name],
                    # how a network with a choice of starts started on this fold
                    "_start": getattr(fitted.fitted.get(name), "start_", None),
                    # whether a model that chooses its form kept a season
                    "_season": _kept_season(fitted.fitted.get(name), len(train)),
                }
            )
            log.debug("%s %s fitted in %.2fs", name, stage, fitted.seconds[name])
        validation = _errors(fitted.forecasts, actual)

    if failed:
        rows, member_rows, fold_rows, named = _drop_failed(
            failed, rows, member_rows, fold_rows, named
        )
    order = {name: i for i, name in enumerate(named)}
    forecasts = (
        pd.concat(rows, ignore_index=True)
        .sort_values(["model", "fold", "step"], key=_by(order), kind="stable")
        .reset_index(drop=True)
    )
    fold_starts: dict[str, list[str]] = {}
    fold_seasons: dict[str, list[tuple[int, bool]]] = {}
    for r in fold_rows:
        start = r.pop("_start", None)
        if isinstance(start, str):
            fold_starts.setdefault(r["model"], []).append(start)
        if (season := r.pop("_season", None)) is not None:
            fold_seasons.setdefault(r["model"], []).append(season)
    per_fold = (
        pd.DataFrame(fold_rows)
        .sort_values(["model", "fold"], key=_by(order), kind="stable")
        .reset_index(drop=True)
    )
    summary = _summarise(forecasts, per_fold, list(named))
    return BacktestResult(
        forecasts=forecasts,
        summary=summary,
        per_fold=per_fold,
        horizon=horizon,
        folds=folds,
        season_length=m,
        member_forecasts=(
            pd.concat(member_rows, ignore_index=True)
            if member_rows
            else pd.DataFrame(columns=list(FORECAST_COLUMNS))
        ),
        failed=failed,
        fold_starts=fold_starts,
        fold_seasons=fold_seasons,
    )


def _kept_season(model: Any, points: int) -> tuple[int, bool] | None:
    """(``points``, whether ``model`` kept a season) for a fitted model that
    chooses (:meth:`~convlstm.models.base.BaseForecaster.keeps_season`), else
    None."""
    kept = model.keeps_season() if hasattr(model, "keeps_season") else None
    return None if kept is None else (points, bool(kept))


def _backtest_advice(n: int, folds: int, horizon: int, min_train: int) -> str:
    """What fits a series of ``n`` points: fewer folds, or a shorter horizon."""
    room = n - min_train
    options = []
    if room >= horizon:
        options.append(f"at most {plural(room // horizon, 'fold')} of {horizon} steps")
    if room >= folds:
        options.append(
            f"{plural(folds, 'fold')} of at most {plural(room // folds, 'step')}"
        )
    if not options:
        return "use a longer series, or 0 folds for a forecast without a backtest"
    return (
        f"choose {' or '.join(options)}, 0 folds for a forecast without a "
        "backtest, or use a longer series"
    )


def _drop_failed(
    failed: Mapping[str, ConvLSTMError],
    rows: list[pd.DataFrame],
    member_rows: list[pd.DataFrame],
    fold_rows: list[dict[str, Any]],
    named: Mapping[str, BaseForecaster],
) -> tuple[
    list[pd.DataFrame], list[pd.DataFrame], list[dict[str, Any]], dict[str, Any]
]:
    """The backtest's rows without the ``failed`` models: a failed model's
    forecasts of the folds it managed stay as an ensemble member's (as they
    would be had it been fitted only as a member); raises the first failure
    when no model is left."""
    kept = {n: p for n, p in named.items() if n not in failed}
    if not kept:
        raise next(iter(failed.values()))
    members = _members_of(named, failed)
    member_rows = member_rows + [
        r for r in rows if r["model"].iat[0] in failed and r["model"].iat[0] in members
    ]
    rows = [r for r in rows if r["model"].iat[0] not in failed]
    fold_rows = [r for r in fold_rows if r["model"] not in failed]
    return rows, member_rows, fold_rows, kept


def _members_of(
    named: Mapping[str, BaseForecaster], failed: Mapping[str, Any]
) -> set[str]:
    """The members of the ensembles among ``named`` that did not fail."""
    return {
        m
        for n, p in named.items()
        if n not in failed and is_combiner(p)
        for m in p.member_names()
    }


def _by(order: dict[str, int]) -> Callable[[pd.Series], pd.Series]:
    """Sort key: models in the order given, other columns as they are."""

    def key(col: pd.Series) -> pd.Series:
        return col.map(order) if col.name == "model" else col

    return key


def fold_scores(
    actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, m: int
) -> dict[str, float]:
    """MAE, RMSE, MAPE, sMAPE and MASE (scaled on ``train`` with season ``m``) of
    one fold's forecast; all NaN when a forecast is not finite."""
    finite = np.isfinite(forecast)
    if not finite.all() or len(actual) == 0:  # none observed: every point filled
        nan = float("nan")
        return dict.fromkeys(METRIC_COLUMNS, nan)
    return {
        "mae": metrics.mae(actual, forecast),
        "rmse": metrics.rmse(actual, forecast),
        "mape": metrics.mape(actual, forecast),
        "smape": metrics.smape(actual, forecast),
        "mase": metrics.mase(actual, forecast, train, season_length=m),
    }


def observed(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The rows of tidy backtest forecasts whose actual was observed: without
    those the reader filled in for a gap (marked in a ``filled`` column)."""
    if "filled" not in forecasts.columns:
        return forecasts
    return forecasts[~forecasts["filled"].astype(bool)]


def _summarise(
    forecasts: pd.DataFrame, per_fold: pd.DataFrame, names: list[str]
) -> pd.DataFrame:
    records = []
    for name in names:
        f = observed(forecasts[forecasts["model"] == name])
        pf = per_fold[per_fold["model"] == name]
        actual, forecast = f["actual"].to_numpy(), f["forecast"].to_numpy()
        finite = len(f) and np.isfinite(forecast).all()
        if finite:
            scores = {
                "mae": metrics.mae(actual, forecast),
                "rmse": metrics.rmse(actual, forecast),
                "mape": metrics.mape(actual, forecast),
                "smape": metrics.smape(actual, forecast),
            }
        else:
            scores = dict.fromkeys(("mae", "rmse", "mape", "smape"), float("nan"))
        records.append(
            {
                "model": name,
                **scores,
                "mase": _mean_mase(pf),
                "bias": metrics.bias(actual, forecast) if finite else float("nan"),
                "fit_seconds": float(pf["fit_seconds"].sum()),
            }
        )
    return pd.DataFrame.from_records(records).set_index("model")


def _mean_mase(per_fold: pd.DataFrame) -> float:
    """The mean of the folds' MASE over the folds scored (a fold whose every
    actual was filled in has no scores); NaN when a scored fold's MASE is NaN (its
    training part was exactly periodic, a scale of 0, and the forecast missed):
    leaving that fold out would show a model that missed as perfect."""
    scored = per_fold[np.isfinite(per_fold["mae"].to_numpy(dtype=float))]
    return float(scored["mase"].mean(skipna=False)) if len(scored) else float("nan")


# ------------------------------------------------------------ ensembles


def is_combiner(model: object) -> bool:
    """Whether ``model`` combines other models' forecasts (an ensemble): it has
    ``member_names()``, ``make_member(name)`` and ``fit_from_forecasts(...)``."""
    return all(
        callable(getattr(model, attr, None))
        for attr in ("member_names", "make_member", "fit_from_forecasts")
    )


def needs_validation(model: object) -> bool:
    """Whether an ensemble combines with its members' validation errors."""
    check = getattr(model, "needs_validation", None)
    return bool(check()) if callable(check) else False


def helper_members(named: Mapping[str, BaseForecaster]) -> dict[str, BaseForecaster]:
    """The ensemble members that are not among ``named``, built by their ensemble
    (``make_member``): they are fitted only to feed the ensembles.

    Raises:
        ParameterError: an ensemble's settings are bad.
    """
    helpers: dict[str, BaseForecaster] = {}
    for proto in named.values():
        if is_combiner(proto):
            for member in proto.member_names():
                if member not in named and member not in helpers:
                    helpers[member] = proto.make_member(member)
    return helpers


@dataclass
class FitRound:
    """The fits of :func:`fit_round` on one training set.

    Attributes:
        forecasts: ``{name: forecast}`` of every model, ensemble and helper member
            that produced one.
        seconds: fit seconds by name (an ensemble's: the sum of its members').
        fitted: the fitted models by name.
        failed: ``{member: reason}`` of the ensemble members that failed (the
            helpers, and with ``keep_going`` the models too).
        errors: ``{model: error}`` of the models (not helpers) that failed,
            with ``keep_going`` (else the first is raised).
    """

    forecasts: dict[str, pd.Series] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    fitted: dict[str, BaseForecaster] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, ConvLSTMError] = field(default_factory=dict)


def fit_round(
    named: Mapping[str, BaseForecaster],
    helpers: Mapping[str, BaseForecaster],
    train: pd.Series,
    horizon: int,
    *,
    stage: str,
    where: str | None = None,
    progress: ProgressCallback | None = None,
    unit: int = 0,
    total_units: int = 1,
    validation: Mapping[str, float] | None = None,
    keep_going: bool = False,
) -> FitRound:
    """Fit every model once on ``train``; then combine each ensemble from the
    forecasts of its members (the models themselves, or ``helpers``).

    A clone of each model (``horizon`` set) is fitted; the prototypes are not
    modified. The plain models come first, then the helpers, then the ensembles,
    whose members are never fitted again.

    Args:
        named: ``{name: forecaster}``; ensembles among them (:func:`is_combiner`)
            are combined, the others fitted.
        helpers: members of the ensembles that are not in ``named``
            (:func:`helper_members`); one that fails with a ``ConvLSTMError`` is
            left out of its ensembles, not raised.
        train: the training series.
        horizon: steps to forecast.
        stage: progress stage ("fold k/n", "final").
        where: prefixed (after the model name) to the message of a model's
            ``DataError``/``ParameterError``; None leaves the message as it is.
        progress: as in :func:`backtest`.
        unit: progress units done before this round.
        total_units: progress units of the whole job.
        validation: ``{member: MAE}`` on the ``horizon`` points before ``train``'s
            end, for weighted ensembles (the previous fold's errors).
        keep_going: a model's failure (a ``ConvLSTMError`` other than a
            ``ParameterError``) goes into the round's ``errors`` (and, for the
            ensembles, ``failed``) instead of being raised.

    Raises:
        DataError, ParameterError: a model (not a helper) cannot be fitted, or no
            member of an ensemble could forecast.
        TrainingError: a model returned a forecast of the wrong length.
    """
    out = fit_plain(
        named,
        helpers,
        train,
        horizon,
        stage=stage,
        where=where,
        progress=progress,
        unit=unit,
        total_units=total_units,
        keep_going=keep_going,
    )
    combine_round(out, named, train, horizon, where, validation, keep_going)
    return out


def fit_plain(
    named: Mapping[str, BaseForecaster],
    helpers: Mapping[str, BaseForecaster],
    train: pd.Series,
    horizon: int,
    *,
    stage: str,
    where: str | None = None,
    progress: ProgressCallback | None = None,
    unit: int = 0,
    total_units: int = 1,
    keep_going: bool = False,
) -> FitRound:
    """The first half of :func:`fit_round`: fit the models that are not ensembles,
    then the helpers (arguments as there)."""
    out = FitRound()
    plain = [(n, p, False) for n, p in named.items() if not is_combiner(p)]
    plain += [(n, p, True) for n, p in helpers.items()]
    for i, (name, proto, lenient) in enumerate(plain):
        model = proto.clone().set_params(horizon=horizon)
        try:
            with fitting(name, where):
                seconds = fit_with_progress(
                    model,
                    train,
                    name=f"{name} (ensemble member)" if lenient else name,
                    stage=stage,
                    unit=unit + i,
                    total_units=total_units,
                    progress=progress,
                )
                pred = _flat_if_constant(model.predict(), train)
            if len(pred) != horizon:
                raise TrainingError(
                    f"{name} returned {len(pred)} forecasts for a horizon of {horizon}"
                )
        except ConvLSTMError as exc:
            # a member that fails on the data is left out of its ensemble; a bad
            # setting of it is the caller's to fix, as any model's
            if lenient and not isinstance(exc, ParameterError):
                out.failed[name] = str(exc)
                continue
            labelled = isinstance(exc, ModelFailure)  # names model and where
            if lenient:
                exc = type(exc)(f"{name} (ensemble member): {exc}")
            elif where is not None and not labelled:
                exc = type(exc)(f"{name}, {where}: {exc}")
            _of_model(exc, name)
            if not keep_going or isinstance(exc, ParameterError):
                raise exc from exc.__cause__
            out.failed[name], out.errors[name] = str(exc), exc
            continue
        out.forecasts[name], out.seconds[name], out.fitted[name] = pred, seconds, model
    return out


def _of_model(exc: ConvLSTMError, name: str) -> ConvLSTMError:
    """``exc`` marked as the failure of model ``name`` (its ``model``
    attribute), so a caller can leave that model out and go on."""
    exc.model = name
    return exc


def combine_round(
    out: FitRound,
    named: Mapping[str, BaseForecaster],
    train: pd.Series,
    horizon: int,
    where: str | None = None,
    validation: Mapping[str, float] | None = None,
    keep_going: bool = False,
) -> None:
    """The second half of :func:`fit_round`: add each ensemble of ``named``, combined
    from the forecasts in ``out`` (arguments as there)."""
    for name, proto in named.items():
        if not is_combiner(proto):
            continue
        model = proto.clone().set_params(horizon=horizon)
        members = model.member_names()
        try:
            model.fit_from_forecasts(
                train,
                {m: out.forecasts[m] for m in members if m in out.forecasts},
                failed={m: out.failed[m] for m in members if m in out.failed},
                validation=validation if needs_validation(model) else None,
                fitted={m: out.fitted[m] for m in members if m in out.fitted},
            )
        except (DataError, ParameterError) as exc:
            if where is not None:
                exc = type(exc)(f"{name}, {where}: {exc}")
            _of_model(exc, name)
            if not keep_going or isinstance(exc, ParameterError):
                raise exc from exc.__cause__
            out.errors[name] = exc
            continue
        out.forecasts[name] = model.predict()
        out.seconds[name] = sum(out.seconds.get(m, 0.0) for m in members)
        out.fitted[name] = model


def _flat_if_constant(pred: pd.Series, train: pd.Series) -> pd.Series:
    """A forecast of a constant series, its round-off (99.99999999999996 for
    100) snapped onto the constant: a model that forecasts it flat scores 0,
    not 4e-14."""
    values = train.to_numpy(dtype=float)
    if len(values) == 0 or not np.isfinite(values).all() or np.ptp(values) != 0:
        return pred
    level = float(values[0])
    p = np.asarray(pred, dtype=float)
    near = np.abs(p - level) <= 1e-9 * max(abs(level), 1e-12)
    if not near.any():
        return pred
    return pd.Series(np.where(near, level, p), index=pred.index, name=pred.name)


def _fit_folds_at_once(
    named: Mapping[str, BaseForecaster],
    helpers: Mapping[str, BaseForecaster],
    y: pd.Series,
    cuts: Sequence[int],
    horizon: int,
    n_jobs: int,
    progress: ProgressCallback | None,
    engine: str | None = None,
    keep_going: bool = False,
) -> list[FitRound] | None:
    """Every fold's plain fits (:func:`fit_plain`) at once on ``n_jobs`` workers;
    None when ``n_jobs`` is 1 (the folds then run one by one)."""
    n_jobs = check_count(n_jobs, "n_jobs")
    if n_jobs <= 1 or len(cuts) <= 1:
        return None
    from .executor import run_all  # the pool: only when folds run at once

    folds = len(cuts)
    tasks = [
        FoldTask(
            named=dict(named),
            helpers=dict(helpers),
            train=y.iloc[:cut],
            horizon=horizon,
            stage=f"fold {k}/{folds}",
            where=f"backtest fold {k}/{folds} (training on the first {cut} points)",
            keep_going=keep_going,
        )
        for k, cut in enumerate(cuts, start=1)
    ]
    if progress is not None:
        progress(progress_event("all models", f"{folds} folds at once", 0.0))
    rounds = run_all(fit_fold, tasks, jobs=n_jobs, engine=engine)
    if progress is not None:
        progress(progress_event("all models", f"{folds} folds at once", 1.0))
    return rounds


@dataclass
class FoldTask:
    """One fold's plain fits, as sent to a worker by :func:`fit_fold`."""

    named: dict[str, BaseForecaster]
    helpers: dict[str, BaseForecaster]
    train: pd.Series
    horizon: int
    stage: str
    where: str
    keep_going: bool = False


def fit_fold(task: FoldTask) -> FitRound:
    """:func:`fit_plain` of one fold (module-level, so a worker can run it)."""
    return fit_plain(
        task.named,
        task.helpers,
        task.train,
        task.horizon,
        stage=task.stage,
        where=task.where,
        keep_going=task.keep_going,
    )


def fold_errors(forecasts: pd.DataFrame, fold: int) -> dict[str, float]:
    """``{model: MAE}`` of one fold of tidy backtest forecasts."""
    rows = forecasts[forecasts["fold"] == fold]
    error = (rows["actual"] - rows["forecast"]).abs()
    return {str(k): float(v) for k, v in error.groupby(rows["model"]).mean().items()}


def _errors(forecasts: Mapping[str, pd.Series], actual: np.ndarray) -> dict[str, float]:
    return {
        name: float(np.mean(np.abs(actual - np.asarray(f, dtype=float))))
        for name, f in forecasts.items()
    }


def _first_validation(
    named: Mapping[str, BaseForecaster],
    helpers: Mapping[str, BaseForecaster],
    y: pd.Series,
    first_cut: int,
    horizon: int,
) -> dict[str, float] | None:
    """Validation errors for the first fold's weighted ensembles: their members
    fitted on the points before ``first_cut - horizon`` and scored on the next
    ``horizon`` ("fold 0"; later folds use the previous fold). None when no
    ensemble is weighted."""
    weighted = [p for p in named.values() if is_combiner(p) and needs_validation(p)]
    if not weighted:
        return None
    start = first_cut - horizon
    if start < 1:
        return {}
    members = {
        m: named.get(m) or helpers[m] for p in weighted for m in p.member_names()
    }
    fold0 = fit_round({}, members, y.iloc[:start], horizon, stage="validation")
    return _errors(fold0.forecasts, y.to_numpy(dtype=float)[start:first_cut])
