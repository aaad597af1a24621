"""BaseForecaster: the estimator contract shared by every forecaster, and its panel
path (one clone per series for local models).

scikit-learn style: keyword-only hyperparameters stored verbatim in ``__init__``,
validation in ``fit``, fitted attributes end in ``_``, ``predict`` before ``fit``
raises :class:`~convlstm.errors.NotFittedError`. ``fit`` takes a series or a panel
(a long frame ``series, time, value``, see :func:`convlstm.data.to_panel`).
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
import multiprocessing
import secrets
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any, Self

import numpy as np
import pandas as pd

from ..data import future_index
from ..data.panel import split_panel
from ..errors import (
    ConvLSTMError,
    DataError,
    NotFittedError,
    PanelFitWarning,
    ParameterError,
)
from ..executor import (
    Executor,
    JobFailed,
    check_engine,
    shared_executor,
    usable_cores,
)
from .checks import check_horizon

logger = logging.getLogger(__name__)

#: With ``n_jobs=None`` the first series are fitted in this process and timed;
#: worker processes start only when the rest would take longer than this many
#: seconds, since starting them (and importing the model's libraries there) costs
#: about a second and fast models (naive, Theta) fit thousands of series in that.
PARALLEL_MIN_SECONDS = 5.0
#: How many series are fitted in this process to time one fit.
PROBE_SERIES = 8
#: Jobs per worker a parallel panel fit is cut into: enough for an even load,
#: few enough that each job carries many series.
CHUNKS_PER_WORKER = 4

__all__ = ["BaseForecaster", "fit_chunk", "fit_parallel", "forecast_frame"]


class BaseForecaster:
    """Common plumbing: parameters, cloning, repr and the fitted check.

    Subclasses define ``__init__`` with keyword-only hyperparameters (each stored
    under its own name), ``fit(y) -> Self`` and ``predict() -> pd.Series``.
    """

    #: short display name used in tables and charts
    display_name: str = "model"
    #: whether ``fit`` takes a panel (one clone fitted per series); models that
    #: learn across series set their own panel path instead
    supports_panel: bool = False
    #: how a panel is fitted: "local" (one clone per series) or "global" (one
    #: model learns from every series)
    panel_mode: str = "local"
    #: fitted attributes of a panel fit, dropped when ``fit`` gets one series
    PANEL_STATE: tuple[str, ...] = ("series_models_", "failed_", "panel_params_")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Route a panel given to a subclass's ``fit``/``predict`` to the panel path."""
        super().__init_subclass__(**kwargs)
        if "fit" in cls.__dict__:
            cls.fit = _panel_fit(cls.__dict__["fit"])  # type: ignore[method-assign]
        if "predict" in cls.__dict__:
            cls.predict = _panel_predict(cls.__dict__["predict"])  # type: ignore[method-assign]

    @classmethod
    def param_names(cls) -> list[str]:
        """Return the names of the constructor's keyword arguments."""
        sig = inspect.signature(cls.__init__)
        return [
            name
            for name, p in sig.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the hyperparameters (the constructor's keyword arguments).

        ``deep`` is taken for scikit-learn's ``clone`` and ``GridSearchCV``; an
        ensemble's members stay whole (their own parameters are not listed).
        """
        return {name: getattr(self, name) for name in self.param_names()}

    def set_params(self, **params: Any) -> Self:
        """Set hyperparameters by name; unknown names raise ``ParameterError``."""
        valid = set(self.param_names())
        for name, value in params.items():
            if name not in valid:
                raise ParameterError(
                    f"{type(self).__name__} has no parameter {name!r}; "
                    f"valid parameters: {', '.join(sorted(valid))}"
                )
            setattr(self, name, value)
        return self

    def clone(self) -> Self:
        """Return an unfitted copy with the same hyperparameters."""
        return type(self)(**copy.deepcopy(self.get_params()))

    def __repr__(self) -> str:
        defaults = {
            name: p.default
            for name, p in inspect.signature(type(self).__init__).parameters.items()
        }
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if not (defaults.get(k) is v or _safe_eq(defaults.get(k), v))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    @property
    def fitted_on_panel(self) -> bool:
        """Whether the last ``fit`` was on a panel (``predict`` gives a long frame)."""
        return bool(self.__dict__.get("series_models_"))

    @property
    def is_fitted(self) -> bool:
        """Whether ``fit`` has completed on this instance."""
        if self.fitted_on_panel:
            return True
        return getattr(self, "index_", None) is not None

    def _flat_forecast(self, level: float) -> pd.Series:
        """``level`` at each of ``horizon`` steps after the fitted series."""
        horizon = check_horizon(self.horizon)
        idx = future_index(self.index_, horizon)
        return pd.Series(np.full(horizon, level), index=idx, name=self.display_name)

    def _check_fitted(self) -> None:
        if not self.is_fitted:
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet: call fit(y) before "
                "predict()."
            )

    def _check_horizon_fitted(self, fitted: int) -> None:
        """Refuse to predict a horizon other than the ``fitted`` one of a model
        whose forecast is fixed at fit (a network's heads, an ensemble's members):
        a horizon changed by ``set_params`` after ``fit`` needs a new fit."""
        if int(self.horizon) != int(fitted):
            raise ParameterError(
                f"{type(self).__name__} was fitted to forecast {fitted} steps, not "
                f"the horizon of {self.horizon} set since: fit it again to forecast "
                f"{self.horizon} steps"
            )

    def fit(self, y: pd.Series) -> Self:  # pragma: no cover - interface
        """Fit to the series ``y`` (or a panel) and return ``self``."""
        raise NotImplementedError

    def keeps_season(self) -> bool | None:
        """Whether the fitted model forecasts with a season (a seasonal form
        chosen, or a season split off): models that choose (ETS, Theta, ARIMA)
        say; None for the others, and before a fit."""
        return None

    def _season_in(self, state: str, seasonal: Callable[[Any], bool]) -> bool | None:
        """:meth:`keeps_season` of a model that splits long seasons off by STL or
        MSTL (``seasonal_components_``) and models a short one in its form: None
        before a fit (no ``state``), True with components, else
        ``seasonal(state)``."""
        value = self.__dict__.get(state)
        if value is None:
            return None
        if self.__dict__.get("seasonal_components_"):
            return True
        return bool(seasonal(value))

    def predict(self) -> pd.Series:  # pragma: no cover - interface
        """Forecast the next ``horizon`` steps after the end of the fitted series."""
        raise NotImplementedError

    def fit_panel(
        self,
        panel: pd.DataFrame,
        *,
        n_jobs: int | None = None,
        engine: str | None = None,
    ) -> Self:
        """Fit one clone of this model per series of a panel (``fit(panel)`` calls it).

        A series whose fit fails is left out and reported in ``failed_`` (series
        -> message); the others are kept in ``series_models_`` (series -> fitted
        clone). A bad setting (``ParameterError``) fails the whole fit.

        Args:
            panel: long frame with columns ``series``, ``time``, ``value``, as
                :func:`convlstm.data.to_panel` returns (``attrs["freq"]`` is used
                when present).
            n_jobs: workers; 1 fits in this process; None times the first fits
                and uses every core (with the Ray engine: every CPU of the Ray
                cluster) when the rest would take longer than
                ``PARALLEL_MIN_SECONDS``, else this process.
            engine: where more than one worker runs, through
                :mod:`convlstm.executor`: "local" (processes forked from this one)
                or "ray" (tasks on a Ray cluster); default
                :func:`~convlstm.executor.default_engine`.

        Raises:
            DataError: the model does not take a panel, the frame is not a panel,
                or no series could be fitted (the message names some failures).
            ParameterError: a bad setting, a bad ``n_jobs``, or an engine this
                installation cannot run.
        """
        _require_panel_support(self)
        engine = check_engine(engine)
        if n_jobs is not None and (
            isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1
        ):
            raise ParameterError(
                f"n_jobs must be a whole number >= 1 or None, got {n_jobs!r}"
            )
        items = split_panel(panel)
        template = self.clone()
        results: list[tuple[str, BaseForecaster | None, str | None]] = []
        if n_jobs is None:  # time a few fits: processes only when they pay off
            start = time.perf_counter()
            results = fit_chunk(template, items[:PROBE_SERIES])
            each = (time.perf_counter() - start) / max(1, len(results))
            items = items[PROBE_SERIES:]
            if each * len(items) < PARALLEL_MIN_SECONDS:
                n_jobs = 1
        workers = _workers(n_jobs, len(items), engine)
        if workers == 1:
            results += fit_chunk(template, items)
        elif items:
            results += fit_parallel(template, items, workers, engine)
        models = {name: model for name, model, _ in results if model is not None}
        failed = {name: error for name, _, error in results if error is not None}
        if not models:
            listed = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:3])
            raise DataError(f"no series of the panel could be fitted ({listed})")
        warn_failed(self, failed, len(models) + len(failed))
        self.series_models_ = models
        self.failed_ = failed
        self.panel_params_ = self.get_params()
        return self

    def predict_panel(self) -> pd.DataFrame:
        """Forecast every fitted series of a panel (``predict()`` calls it).

        Returns:
            Long frame with columns ``series``, ``time``, ``forecast``, sorted by
            series then time; ``attrs["failed"]`` holds ``failed_``.
        """
        models = getattr(self, "series_models_", None)
        if not models:
            self._check_fitted()
            raise NotFittedError(f"{type(self).__name__} was not fitted on a panel")
        params = self.get_params()
        if not _safe_eq(params, self.panel_params_):
            for model in models.values():
                model.set_params(**copy.deepcopy(params))
            self.panel_params_ = params
        forecasts = [model.predict() for model in models.values()]
        return forecast_frame(
            list(models),
            [f.index for f in forecasts],
            [f.to_numpy(dtype=float) for f in forecasts],
            self.failed_,
        )


def warn_failed(model: Any, failed: dict[str, str], total: int) -> None:
    """A :class:`~convlstm.errors.PanelFitWarning` naming the series of a panel
    fit that ``model`` could not fit (``failed``: series -> why) among ``total``;
    nothing when every series was fitted."""
    if not failed:
        return
    name = type(model).__name__
    logger.info("%s: %d series failed", name, len(failed))
    first, why = next(iter(failed.items()))
    more = f"; and {len(failed) - 1} more" if len(failed) > 1 else ""
    warnings.warn(
        f"{name}: {len(failed)} of {total} series could not be fitted and have no "
        f"forecast (its failed_ says why): {first!r}: {why}{more}",
        PanelFitWarning,
        stacklevel=4,  # the caller of fit(panel)
    )


def forecast_frame(
    names: list[str],
    times: list[pd.DatetimeIndex],
    forecasts: list[np.ndarray] | np.ndarray,
    failed: dict[str, str],
) -> pd.DataFrame:
    """A panel forecast as a long frame ``series, time, forecast``.

    Args:
        names: the series, in output order.
        times: each series' forecast timestamps.
        forecasts: each series' forecast values (rows of an array, or arrays).
        failed: series left out -> why (``attrs["failed"]``).
    """
    out = pd.DataFrame(
        {
            "series": np.repeat(np.array(names, dtype=object), [len(t) for t in times]),
            "time": np.concatenate([t.to_numpy() for t in times]),
            "forecast": np.concatenate([np.asarray(f, dtype=float) for f in forecasts]),
        }
    )
    out.attrs["failed"] = dict(failed)
    return out


def _require_panel_support(model: BaseForecaster) -> None:
    if not model.supports_panel:
        raise DataError(
            f"{type(model).__name__} does not take a panel (many series) yet; fit "
            "it on one series, e.g. convlstm.to_series(df, series=...)"
        )


def _workers(n_jobs: int | None, n_series: int, engine: str) -> int:
    """How many workers fit ``n_series`` series (None: every usable core, or on
    Ray every CPU of the cluster, which may span many machines)."""
    if n_jobs is None:
        if engine == "ray" and n_series > 1:
            from ..ray_engine import cluster_cpus  # noqa: PLC0415  (Ray is optional)

            n_jobs = cluster_cpus()
        else:
            n_jobs = usable_cores()
    return max(1, min(n_jobs, n_series))


def fit_parallel(
    template: BaseForecaster,
    items: list[tuple[str, pd.Series]],
    workers: int,
    engine: str | None = None,
) -> list[tuple[str, BaseForecaster | None, str | None]]:
    """:func:`fit_chunk` over ``workers`` workers of the executor, results in
    ``items`` order (``(name, fitted clone or None, error or None)``).

    The series are cut into ``CHUNKS_PER_WORKER`` jobs per worker. A job that
    fails as a whole (its worker died, say, which fails the jobs running beside
    it on a local pool too) is fitted again one series per job, one job at a
    time, so only the series that caused it is reported; a ``ParameterError``
    fails the whole fit, and so does a Ray cluster that went away
    (``JobFailed``). Local workers are forked (Linux), not spawned: spawning
    would re-import the caller's script, which breaks scripts without a
    ``__main__`` guard; they are started for this fit, so they see every class
    defined so far.
    """
    engine = check_engine(engine)
    if engine == "ray":
        return _run_chunks(shared_executor(workers, "ray"), template, items, workers)
    with Executor(workers, engine="local", start_method=_local_start()) as ex:
        return _run_chunks(ex, template, items, workers)


def _local_start() -> str:
    """Fork where it is safe and available (Linux), else the platform's default."""
    if sys.platform.startswith("linux"):
        return "fork"
    return multiprocessing.get_context().get_start_method()


def _run_chunks(
    ex: Executor,
    template: BaseForecaster,
    items: list[tuple[str, pd.Series]],
    workers: int,
) -> list[tuple[str, BaseForecaster | None, str | None]]:
    n = min(len(items), workers * CHUNKS_PER_WORKER)
    bounds = np.linspace(0, len(items), n + 1).round().astype(int)
    chunks = [items[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    owner = f"panel:{secrets.token_hex(8)}"
    fit = functools.partial(fit_chunk, template)
    label = f"{type(template).__name__} fit of"

    def submit(chunk: list[tuple[str, pd.Series]]) -> Any:
        names = chunk[0][0] if len(chunk) == 1 else f"{chunk[0][0]}..{chunk[-1][0]}"
        return ex.submit(fit, chunk, owner=owner, label=f"{label} {names}")

    jobs = [submit(chunk) for chunk in chunks]
    try:
        out: list[tuple[str, BaseForecaster | None, str | None]] = []
        for chunk, job in zip(chunks, list(jobs), strict=True):
            job.wait()
            if job.status == "done":
                out += job.result
                continue
            if isinstance(job.exception, ParameterError):
                raise job.exception
            if job.status == "lost":  # the Ray cluster went away: no retry there
                raise JobFailed(
                    f"{job.error}; start the cluster again (or use the local "
                    "engine) and rerun"
                )
            logger.warning("%s; fitting its series one by one", job.error)
            # one at a time: a worker that dies breaks the local pool, failing
            # every job running beside it (a one-series job too, so it runs again)
            for item in chunk:
                single = submit([item])
                jobs.append(single)
                single.wait()
                if single.status == "done":
                    out += single.result
                elif isinstance(single.exception, ParameterError):
                    raise single.exception
                else:
                    out.append((item[0], None, single.error or single.status))
        return out
    finally:
        for job in jobs:
            ex.cancel(job.id, owner)
            ex.forget(job.id, owner)


def fit_chunk(
    template: BaseForecaster, items: list[tuple[str, pd.Series]]
) -> list[tuple[str, BaseForecaster | None, str | None]]:
    """Fit a clone of ``template`` on each series; a failure becomes a message."""
    out: list[tuple[str, BaseForecaster | None, str | None]] = []
    for name, y in items:
        model = template.clone()
        try:
            model.fit(y)
        except ParameterError:
            raise
        except ConvLSTMError as exc:
            out.append((name, None, str(exc)))
        except Exception as exc:  # noqa: BLE001 - one series' failure is reported
            out.append((name, None, f"{type(exc).__name__}: {exc}"))
        else:
            out.append((name, model, None))
    return out


def _panel_fit(fit: Callable[..., Any]) -> Callable[..., Any]:
    """``fit`` that sends a panel (a DataFrame) to :meth:`BaseForecaster.fit_panel`."""

    @functools.wraps(fit)
    def wrapper(self: BaseForecaster, y: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(y, pd.DataFrame):
            _require_panel_support(self)
            fitted = self.fit_panel(y, *args, **kwargs)
            self.closed_ = closed_times_of(y)
            return fitted
        taken = inspect.signature(fit).parameters
        extra = [k for k in _PANEL_ONLY if k in kwargs and k not in taken]
        if extra:
            raise ParameterError(
                f"{', '.join(extra)} {'applies' if len(extra) == 1 else 'apply'} "
                "to a panel (a DataFrame of many series: convlstm.to_panel); one "
                "series fits in this process, without it"
            )
        for name in self.PANEL_STATE:
            self.__dict__.pop(name, None)
        fitted = fit(self, y, *args, **kwargs)
        self.closed_ = closed_times_of(y)
        return fitted

    return wrapper


def closed_times_of(data: Any) -> list[int] | dict[str, list[int]] | None:
    """The times of the week a series is closed (``y.attrs["closed"]``: minutes
    after Monday 00:00), or a panel's by series, as plain numbers a bundle keeps;
    None when it is open at every step. A fitted model keeps them as ``closed_``:
    its forecasts at those times are left out where they are shown
    (:func:`convlstm.data.without_closed`)."""
    closed = getattr(data, "attrs", {}).get("closed")
    if not closed:
        return None
    if isinstance(data, pd.DataFrame):
        return {str(k): [int(m) for m in v] for k, v in dict(closed).items() if v}
    return [int(m) for m in closed]


#: ``fit`` arguments of a panel fit only (:meth:`BaseForecaster.fit_panel`).
_PANEL_ONLY = ("n_jobs", "engine", "train_workers")


def _panel_predict(predict: Callable[..., Any]) -> Callable[..., Any]:
    """``predict`` that forecasts every series after a panel fit."""

    taken = inspect.signature(predict).parameters

    @functools.wraps(predict)
    def wrapper(self: BaseForecaster, *args: Any, **kwargs: Any) -> Any:
        if self.fitted_on_panel:
            return self.predict_panel(*args, **kwargs)
        positional = bool(args) and len(taken) == 1  # predict(self) only
        if positional or ("horizon" in kwargs and "horizon" not in taken):
            # predict(6): the horizon is a setting, fixed when the model is fitted
            raise ParameterError(
                "predict() takes no horizon: it forecasts the horizon the model "
                f"was fitted with ({getattr(self, 'horizon', '?')}); set "
                "horizon=... and fit again"
            )
        return predict(self, *args, **kwargs)

    return wrapper


def _safe_eq(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
