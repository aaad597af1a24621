"""ETSForecaster: exponential smoothing with error, trend and season chosen by AICc.

Built on statsmodels' ``ETSModel``; long or several seasons are split off by STL/MSTL
first, as in ARIMA, and a non-seasonal ETS forecasts what is left.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd

from ..data import check_series, future_index
from ..errors import DataError
from .base import BaseForecaster
from .blas import one_blas_thread
from .checks import check_choice, check_horizon, check_season_length
from .decompose import (
    candidate_periods,
    extend_seasonal,
    feasible_periods,
    recent,
    seasonal_components,
    seasons_checked,
)
from .rules import STAT_MIN_LENGTH
from .theta import ses

__all__ = ["ETSForecaster"]

log = logging.getLogger(__name__)

#: Fewest points ETS is fitted on (a level and a slope need a few points each).
MIN_LENGTH = STAT_MIN_LENGTH
# Seasons up to this many steps are modelled inside ETS (one state per step of the
# season); longer or several seasons are decomposed instead, as in ARIMA.
_MAX_ETS_SEASON = 24
# Heuristic initial states (Hyndman & Athanasopoulos, section 2.6) need this many
# points; shorter series get their initial states estimated with the smoothing
# parameters.
_HEURISTIC_MIN = 10

_ERRORS = ("A", "M", "Z")
_TRENDS = ("N", "A", "Z")
_SEASONS = ("N", "A", "M", "Z")


@dataclass(frozen=True)
class _Spec:
    error: str  # "A" or "M"
    trend: str  # "N" or "A"
    damped: bool
    season: str  # "N", "A" or "M"

    def __str__(self) -> str:
        trend = self.trend + ("d" if self.damped else "")
        return f"ETS({self.error},{trend},{self.season})"


class ETSForecaster(BaseForecaster):
    """Exponential smoothing (ETS) with automatic choice of its components.

    What ``fit`` does:

    * **Candidates**: error additive or multiplicative, trend none or damped
      additive (with ``trend="A"``, or ``damped=False``, the undamped additive
      trend too), season none, additive or multiplicative; every combination is
      fitted by maximum likelihood and the lowest AICc wins, except that on a
      series that never goes below zero a form whose forecast does is passed
      over for the best form whose forecast does not (when one does not: a
      damped trend fitted with its slope as quick as its level carries the last
      year's drop of a yearly series of tourists below zero, where R's ``ets``
      keeps the form of lowest AICc). As in R's
      ``ets(restrict=TRUE)``, additive errors never go with a multiplicative season
      (its variance can blow up). Multiplicative components are tried only on a
      strictly positive series.
    * **Season**: the series' natural season (:func:`convlstm.data.seasonal_periods`)
      is used only when the series holds at least two full cycles of it. One season
      of at most 24 steps (monthly 12, quarterly 4, hourly-of-day 24) is a state of
      the ETS model. Longer or several seasons (half-hourly 48 and 336, hourly 24
      and 168, daily 7 and 365) would need hundreds of seasonal states, so they are
      removed first by STL (one season) or MSTL (several, every one with two full
      cycles in the data), on the last 5000 points (or three cycles of the longest
      period, if more; :func:`convlstm.models.decompose.recent`); a non-seasonal
      ETS of the seasonally adjusted series forecasts the rest and each seasonal
      component's last cycle is repeated.
    * **Initial states**: heuristic ones (a moving-average decomposition of the
      first cycles, as in statsmodels) on series of at least 10 points plus two
      seasons, which makes a fit several times faster than estimating them;
      shorter series estimate them with the smoothing parameters.
    * **Speed**: the candidates are fitted as statsmodels fits them (same start,
      same L-BFGS-B steps, same finite-difference gradient) but without its
      per-call overhead, and only the chosen one gets statsmodels' standard errors
      (a numerical Hessian); see :func:`_fast_model_class`.

    Args:
        horizon: number of steps to forecast.
        season_length: season in steps; ``None`` uses the natural cycles of the
            series' frequency, 1 turns the season off.
        error: ``"A"``, ``"M"`` or ``"Z"`` (choose).
        trend: ``"N"``, ``"A"`` or ``"Z"`` (choose).
        damped: ``True`` / ``False`` to force a damped / undamped trend, ``None``
            for damped when the trend is chosen (``trend="Z"``) and both when it
            is forced (``trend="A"``); only used with a trend.
        season: ``"N"``, ``"A"``, ``"M"`` or ``"Z"`` (choose).

    Attributes:
        spec_: the chosen model, e.g. ``"ETS(M,Ad,M)"``; prefixed with the
            decomposition when one was used, e.g. ``"MSTL(48, 336) + ETS(A,Ad,N)"``.
        aicc_: the AICc of the chosen model (of the seasonally adjusted series on the
            decomposition path); NaN when no candidate could be fitted and simple
            exponential smoothing by least squares was used instead.
        periods_: the seasonal periods used (in the model or decomposed).
        candidates_: ``{spec: AICc}`` of every candidate fitted.
        passed_over_: the forms of lower AICc than the chosen one that were
            passed over because their forecast went below zero on a series that
            never does (usually empty).
    """

    display_name = "ETS"
    supports_panel = True

    def __init__(
        self,
        *,
        horizon: int = 12,
        season_length: int | None = None,
        error: str = "Z",
        trend: str = "Z",
        damped: bool | None = None,
        season: str = "Z",
    ) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.error = error
        self.trend = trend
        self.damped = damped
        self.season = season

    def fit(self, y: pd.Series) -> Self:
        """Fit every candidate ETS model to ``y`` and keep the one of lowest AICc."""
        check_horizon(self.horizon)
        season_length = check_season_length(self.season_length)
        check_choice("error", self.error, _ERRORS)
        check_choice("trend", self.trend, _TRENDS)
        check_choice("damped", self.damped, (None, True, False))
        check_choice("season", self.season, _SEASONS)
        y = check_series(
            y, min_length=MIN_LENGTH, what="ETS", advice="use a longer series"
        )
        x = y.to_numpy()
        n = len(x)
        natural = candidate_periods(y.index, season_length)
        periods = (
            seasons_checked(x, feasible_periods(natural, n))
            if self.season != "N"
            else ()
        )

        self.seasonal_components_: list[tuple[int, np.ndarray]] = []
        if len(periods) == 1 and periods[0] <= _MAX_ETS_SEASON:
            m, base, prefix = periods[0], x, ""
        elif periods:
            tail = recent(x, periods)
            self.seasonal_components_ = seasonal_components(tail, periods)
            periods = tuple(p for p, _ in self.seasonal_components_)
            m, base = 1, tail - sum(c for _, c in self.seasonal_components_)
            kind = "MSTL" if len(periods) > 1 else "STL"
            prefix = f"{kind}({', '.join(str(p) for p in periods)}) + "
        else:
            m, base, prefix = 1, x, ""

        results = self._search(base, m)
        self._result = None
        ranked = sorted(results.items(), key=lambda i: i[1][0])
        self.passed_over_: list[str] = []
        if x.min() >= 0 and x.max() > 0:
            ranked, self.passed_over_ = self._above_zero_first(ranked, x.max())
        # Best first; a candidate whose full result (with standard errors) cannot
        # be built is dropped, as it was when every candidate got one.
        for spec, (aicc, fitted) in ranked:
            self._result = _full_result(base, spec, m, fitted)
            if self._result is not None:
                self.aicc_ = float(aicc)
                break
            del results[spec]
        self.candidates_ = {str(s): aicc for s, (aicc, _) in results.items()}
        if self._result is None:
            # Every candidate failed (e.g. an all-zero series, whose likelihood is
            # degenerate): simple exponential smoothing by least squares, the
            # ETS(A,N,N) point forecast, is always defined.
            _, level = ses(base)
            self._level = level
            self.passed_over_ = []
            self.aicc_ = float("nan")
            spec = "ETS(A,N,N) by least squares"
            log.debug("ETS: no candidate fitted; falling back to %s", spec)
        self.spec_ = prefix + str(spec)
        self.periods_ = tuple(periods)
        self.index_ = y.index
        log.debug("ETS chose %s (AICc %.2f)", self.spec_, self.aicc_)
        return self

    def _above_zero_first(
        self, ranked: list[tuple[_Spec, tuple[float, Any]]], top: float
    ) -> tuple[list[tuple[_Spec, tuple[float, Any]]], list[str]]:
        """``ranked`` (best AICc first) with the forms of better AICc than the
        best whose forecast stays at or above zero moved last: each of them
        forecasts below zero (beyond round-off of the series' ``top`` value) a
        series that never goes there; and those forms' names. Unchanged when
        every form goes below zero."""
        season = (
            extend_seasonal(self.seasonal_components_, self.horizon)
            if self.seasonal_components_
            else 0.0
        )
        # Forecast best first, up to the first form that stays at or above zero
        # (usually the best).
        for i, (_, (_, fitted)) in enumerate(ranked):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                path = np.asarray(fitted.forecast(self.horizon), float) + season
            if path.min() >= -1e-9 * top:
                passed = [str(spec) for spec, _ in ranked[:i]]
                return [*ranked[i:], *ranked[:i]], passed
        return ranked, []

    def _candidates(self, positive: bool, m: int) -> list[_Spec]:
        errors = ["A", "M"] if self.error == "Z" else [self.error]
        trends = ["N", "A"] if self.trend == "Z" else [self.trend]
        if m == 1:
            seasons = ["N"]
        elif self.season == "Z":
            seasons = ["N", "A", "M"]
        else:
            seasons = [self.season]
        if not positive:
            errors = [e for e in errors if e != "M"]
            seasons = [s for s in seasons if s != "M"]
        out = []
        for error in errors:
            for trend in trends:
                if trend == "N":
                    damps = [False]
                elif self.damped is not None:
                    damps = [self.damped]
                elif self.trend == "Z":
                    # Choosing the trend: an additive one is damped (an undamped
                    # slope extrapolated over the horizon forecast worse on
                    # held-out data; bench/RESULTS.md).
                    damps = [True]
                else:
                    damps = [False, True]
                for damped in damps:
                    for season in seasons:
                        if error == "A" and season == "M":
                            continue
                        out.append(_Spec(error, trend, damped, season))
        return out

    def _search(self, z: np.ndarray, m: int) -> dict[_Spec, tuple[float, Any]]:
        """Fit every candidate; return ``{spec: (AICc, results)}`` of those that fit."""
        positive = bool((z > 0).all())
        if not positive and (self.error == "M" or (self.season == "M" and m > 1)):
            raise DataError(
                "multiplicative ETS components need a strictly positive series; "
                f"this one has {int((z <= 0).sum())} values <= 0 (use error='A' "
                "and season='A' or 'Z')"
            )
        # One initialisation for every candidate, so that their AICc values count
        # the same parameters and can be compared.
        heuristic = _heuristic(len(z), m)
        out: dict[_Spec, tuple[float, Any]] = {}
        with one_blas_thread():
            for spec in self._candidates(positive, m):
                fitted = _fit_one(z, spec, m, heuristic=heuristic)
                if fitted is not None:
                    out[spec] = fitted
        return out

    def keeps_season(self) -> bool | None:
        """Whether the chosen form has a season (ETS(·,·,A) or (·,·,M)), or a
        season was split off by STL/MSTL (None before a fit)."""

        def seasonal(spec: Any) -> bool:
            form = str(spec).split(" + ")[-1]
            return form.startswith("ETS(") and not form.split(")")[0].endswith(",N")

        return self._season_in("spec_", seasonal)

    def predict(self) -> pd.Series:
        """Forecast ``horizon`` steps after the end of the fitted series."""
        self._check_fitted()
        horizon = check_horizon(self.horizon)
        if self._result is None:
            values = np.full(horizon, self._level)
        else:
            values = np.asarray(self._result.forecast(horizon), dtype=float)
        if self.seasonal_components_:
            values = values + extend_seasonal(self.seasonal_components_, horizon)
        idx = future_index(self.index_, horizon)
        return pd.Series(values, index=idx, name=self.display_name)

    def predict_interval(self, levels: Sequence[float] = (0.8, 0.95)) -> pd.DataFrame:
        """The chosen model's own prediction intervals for the ``horizon`` steps.

        Models with additive error and no multiplicative part (ETS(A,N,N),
        ETS(A,Ad,A), ...) have closed-form forecast variances; the others get the
        quantiles of 1000 simulated sample paths (seeded, so repeatable). On the
        decomposition path the seasonal components are added to the bounds of the
        seasonally adjusted model, whose intervals ignore the decomposition's own
        uncertainty. The least-squares fallback has no model, hence no model
        intervals: its bounds are NaN and a note says so. These bounds assume the
        model is right; the conformal intervals of ``convlstm.intervals`` measure
        the errors instead and are what the app compares models by.

        Args:
            levels: coverage levels, each strictly between 0 and 1.

        Returns:
            Indexed by the future timestamps: ``forecast`` (equal to
            :meth:`predict`), then ``lower_<pct>``/``upper_<pct>`` per level.
            ``attrs``: ``levels``, ``method`` (``"exact"``, ``"simulated"`` or
            None) and ``notes`` (list of str).

        Raises:
            NotFittedError: before ``fit``.
            DataError: the model was fitted on a panel.
            ParameterError: a level outside (0, 1).
        """
        from ..intervals import check_levels, lower_column, upper_column

        self._check_fitted()
        if getattr(self, "series_models_", None):
            raise DataError(
                "predict_interval needs an ETS fitted on one series, not a panel: "
                "fit one series, or use the conformal intervals"
            )
        levels = check_levels(levels)
        point = self.predict()
        out = pd.DataFrame({"forecast": point.to_numpy()}, index=point.index)
        notes: list[str] = []
        method = None
        if self._result is None:
            notes.append(
                f"{self.display_name}: {self.spec_} has no model intervals "
                "(no ETS candidate could be fitted); only the conformal ones apply"
            )
            for level in levels:
                out[lower_column(level)] = np.nan
                out[upper_column(level)] = np.nan
        else:
            horizon = len(point)
            method, bounds = _model_bounds(self._result, horizon, levels)
            season = 0.0
            if self.seasonal_components_:
                season = extend_seasonal(self.seasonal_components_, horizon)
            for level in levels:
                lower, upper = bounds[level]
                out[lower_column(level)] = lower + season
                out[upper_column(level)] = upper + season
            if method == "simulated":
                notes.append(
                    f"{self.display_name}: {self.spec_} has no closed-form forecast "
                    "variance; its model intervals are quantiles of 1000 simulated "
                    "paths"
                )
            if self.seasonal_components_:
                notes.append(
                    f"{self.display_name}: the model intervals of {self.spec_} leave "
                    "out the uncertainty of the seasonal decomposition"
                )
        out.attrs = {"levels": list(levels), "method": method, "notes": notes}
        return out


def _heuristic(n: int, m: int) -> bool:
    """Whether a series of ``n`` points with season ``m`` gets heuristic initial
    states (else they are estimated)."""
    return n >= _HEURISTIC_MIN and (m == 1 or n >= 2 * m + _HEURISTIC_MIN)


def _settings(spec: _Spec, m: int, *, heuristic: bool) -> dict[str, Any]:
    """statsmodels' ``ETSModel`` arguments for ``spec``."""
    seasonal = {"N": None, "A": "add", "M": "mul"}[spec.season]
    return {
        "error": "add" if spec.error == "A" else "mul",
        "trend": "add" if spec.trend == "A" else None,
        "damped_trend": spec.damped,
        "seasonal": seasonal,
        "seasonal_periods": m if seasonal else None,
        "initialization_method": "heuristic" if heuristic else "estimated",
    }


def _fit_one(
    z: np.ndarray, spec: _Spec, m: int, *, heuristic: bool
) -> tuple[float, Any] | None:
    """Fit one ETS model; None when it cannot be fitted or scored.

    The result is a candidate's (no standard errors: see :func:`_full_result`).
    """
    seasonal = spec.season != "N"
    n = len(z)
    # Parameters: smoothing (1 per component, plus phi) and, when estimated, the
    # initial states; AICc needs more points than parameters + 1.
    k = 1 + (spec.trend != "N") * (1 + spec.damped) + seasonal
    if not heuristic:
        k += 1 + (spec.trend != "N") + (m - 1 if seasonal else 0)
    if n <= k + 2:
        return None
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            model = _fast_model_class()(z, **_settings(spec, m, heuristic=heuristic))
            result = model.fit(disp=False)
            aicc = float(result.aicc)
            check = np.asarray(result.forecast(1), dtype=float)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError) as exc:
        log.debug("ETS %s failed: %s", spec, exc)
        return None
    if not np.isfinite(aicc) or not np.isfinite(check).all():
        return None
    return aicc, result


def _full_result(z: np.ndarray, spec: _Spec, m: int, fitted: Any) -> Any | None:
    """The chosen candidate's result as statsmodels' ``ETSModel.fit`` returns it.

    The same parameters and states (hence forecasts) as ``fitted``, plus the
    standard errors that candidates skip; a plain ``ETSModel`` result, so a fitted
    forecaster pickles (panel workers send theirs back). None when it fails.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    settings = _settings(spec, m, heuristic=_heuristic(len(z), m))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = ETSModel(z, **settings).smooth(fitted.params)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError) as exc:
        log.debug("ETS %s failed: %s", spec, exc)
        return None
    result.mlefit = fitted.mlefit
    result.mle_retvals = fitted.mle_retvals
    result.mle_settings = fitted.mle_settings
    return result


#: statsmodels' default limit on L-BFGS-B function evaluations (scipy's default),
#: which counts each finite-difference evaluation of the gradient.
_MAXFUN = 15000
#: Absolute finite-difference step of ``fmin_l_bfgs_b(approx_grad=True)``.
_FD_STEP = 1e-8


@functools.cache
def _fast_model_class() -> type:
    """statsmodels' ``ETSModel``, fitted to the same parameters in less time.

    ``ETSModel.fit`` maximises the likelihood with ``fmin_l_bfgs_b(approx_grad=True)``
    on statsmodels' ``-loglike / nobs``. On short series nearly all of a fit's time
    is per-call overhead around the compiled smoother: scipy's finite-difference
    machinery and numpy's ``mean``/``sum`` wrappers on arrays of a few dozen
    points. This subclass intercepts the optimiser call that ``ETSModel.fit`` makes
    (``super().fit(...)``, hence the class is placed between ``ETSModel`` and its
    base) and runs the same L-BFGS-B with the same start, bounds and limits on:

    * the same objective, in the same floating-point operations without the
      wrappers (:func:`_lean_objective`; checked against statsmodels' own at the
      start point of every fit, which is used instead if they differ), and
    * the same forward-difference gradient scipy computes (:func:`_fd_steps`), so
      every iterate and the optimum are the same to the last bit.

    Its results skip the Hessian (standard errors) that every ``ETSResults``
    computes; the chosen candidate's is rebuilt by :func:`_full_result`. Any other
    use of ``fit`` (another method, a callback, other options) goes to statsmodels.
    Built on first use, so that importing this module does not import statsmodels.
    """
    from scipy.optimize import fmin_l_bfgs_b
    from statsmodels.tools.tools import Bunch
    from statsmodels.tsa.exponential_smoothing.base import StateSpaceMLEModel
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    class _Optimizer(StateSpaceMLEModel):
        def fit(
            self,
            start_params: Any = None,
            method: str = "newton",
            maxiter: int = 100,
            full_output: bool = True,
            disp: bool = True,
            fargs: tuple[Any, ...] = (),
            callback: Any = None,
            retall: bool = False,
            skip_hessian: bool = False,
            **kwargs: Any,
        ) -> Any:
            ours = (
                method == "lbfgs"
                and set(kwargs) == {"bounds", "approx_grad"}
                and kwargs["approx_grad"]
                and skip_hessian
                and callback is None
                and not retall
                and len(fargs) == 6
                and start_params is not None
                and len(start_params) > 0
            )
            if not ours:
                return super().fit(
                    start_params,
                    method=method,
                    maxiter=maxiter,
                    full_output=full_output,
                    disp=disp,
                    fargs=fargs,
                    callback=callback,
                    retall=retall,
                    skip_hessian=skip_hessian,
                    **kwargs,
                )
            x0 = np.asarray(start_params, dtype=float)
            bounds = kwargs["bounds"]
            lb = np.array([-np.inf if b[0] is None else b[0] for b in bounds], float)
            ub = np.array([np.inf if b[1] is None else b[1] for b in bounds], float)
            nobs = self.endog.shape[0]
            internal = self._loglike_internal

            def reference(params: np.ndarray) -> float:
                return -internal(params, *fargs) / nobs

            objective = _lean_objective(self, fargs)
            start = np.clip(x0, lb, ub)  # where L-BFGS-B starts
            a, b = objective(start.copy()), reference(start.copy())
            if not (a == b or (np.isnan(a) and np.isnan(b))):
                objective = reference

            def value_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
                f0 = objective(x)
                grad = np.empty_like(x)
                moved = x.copy()
                steps = _fd_steps(x, lb, ub).tolist()
                # scipy's 2-point differences (Python floats are the same doubles)
                for i, (xi, hi) in enumerate(zip(x.tolist(), steps, strict=True)):
                    moved[i] = xi + hi
                    grad[i] = (objective(moved) - f0) / ((xi + hi) - xi)
                    moved[i] = xi
                return f0, grad

            # scipy counts 1 + len(x) evaluations per point (value and gradient)
            per_point = 1 + x0.size
            xopt, fopt, info = fmin_l_bfgs_b(
                value_and_gradient,
                x0,
                bounds=bounds,
                maxiter=maxiter,
                maxfun=_MAXFUN // per_point,
            )
            retvals = {
                "fopt": fopt,
                "gopt": info["grad"],
                "fcalls": info["funcalls"] * per_point,
                "warnflag": info["warnflag"],
                "converged": info["warnflag"] == 0,
                "iterations": info["nit"],
            }
            settings = {
                "optimizer": method,
                "start_params": start_params,
                "maxiter": maxiter,
                "full_output": full_output,
                "disp": disp,
                "fargs": fargs,
                "callback": callback,
                "retall": retall,
                **kwargs,
            }
            return Bunch(params=xopt, mle_retvals=retvals, mle_settings=settings)

    class FastETSModel(ETSModel, _Optimizer):
        def hessian(self, params: Any, *args: Any, **kwargs: Any) -> Any:
            # ETSResults catches this and leaves the candidate without standard
            # errors; the chosen one gets them from _full_result.
            raise np.linalg.LinAlgError("standard errors of the chosen model only")

    return FastETSModel


def _lean_objective(model: Any, fargs: tuple[Any, ...]) -> Callable[..., float]:
    """statsmodels' ETS objective ``-loglike / nobs`` (``ETSModel._loglike_internal``
    with the buffers ``fargs`` that ``ETSModel.fit`` passes), in the same
    floating-point operations: ``np.mean(a)`` is ``np.add.reduce(a) / a.size``
    and ``np.sum`` is ``np.add.reduce``, called without their Python wrappers."""
    yhat, xhat, is_fixed, fixed_values, beta_star, gamma_star = fargs
    is_fixed = np.ascontiguousarray(is_fixed, dtype=np.int64)
    data = model.endog
    smooth = model._smoothing_func
    multiplicative = model.error == "mul"
    n = model.nobs
    nobs = data.shape[0]
    add = np.add.reduce

    def objective(params: np.ndarray) -> float:
        smooth(params, data, yhat, xhat, is_fixed, fixed_values, beta_star, gamma_star)
        res = (data - yhat) / yhat if multiplicative else data - yhat
        mean = add(res**2, axis=None) / res.size
        loglike = -n / 2 * (np.log(2 * np.pi * mean) + 1)
        if multiplicative:
            yhat[yhat == 0] = 1e-32
            loglike -= add(np.log(np.abs(yhat)), axis=None)
        return -loglike / nobs

    return objective


def _fd_steps(x: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """The forward-difference steps scipy's L-BFGS-B takes at ``x`` with
    ``approx_grad=True`` (``approx_derivative(method="2-point", abs_step=1e-8)``
    within the bounds): 1e-8, or a relative step where that is lost to rounding,
    reversed or shortened where it would leave the bounds."""
    h = np.full(x.shape, _FD_STEP)
    lost = ((x + _FD_STEP) - x) == 0
    if lost.any():
        sign = (x >= 0).astype(float) * 2 - 1
        relative = np.finfo(float).eps ** 0.5 * sign * np.maximum(1.0, np.abs(x))
        h = np.where(lost, relative, h)
    lower, upper = x - lb, ub - x
    moved = x + h
    violated = (moved < lb) | (moved > ub)
    fitting = np.abs(h) <= np.maximum(lower, upper)
    if not violated.any() and fitting.all():  # the usual case: nothing to adjust
        return h
    # Unbounded entries are never adjusted (so scipy's shortcut for them is moot).
    out = h.copy()
    out[violated & fitting] *= -1
    forward = (upper >= lower) & ~fitting
    out[forward] = upper[forward]
    backward = (upper < lower) & ~fitting
    out[backward] = -lower[backward]
    return out


# Models whose forecast variance has a closed form (Hyndman et al. 2008, classes 1-2),
# as statsmodels lists them.
_EXACT = ("ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA")


def _model_bounds(
    result: Any, horizon: int, levels: Sequence[float]
) -> tuple[str, dict[float, tuple[np.ndarray, np.ndarray]]]:
    """``(method, {level: (lower, upper)})`` of a fitted ETS model's intervals.

    statsmodels' ``get_prediction`` needs a pandas-indexed fit, and ours are fitted
    on arrays, so its two methods are repeated here: the closed-form variance
    (``mse`` times the relative variance per step) with normal quantiles, or the
    quantiles of simulated sample paths.
    """
    from statistics import NormalDist

    steps = np.arange(1, horizon + 1)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        mean = np.asarray(result.forecast(horizon), dtype=float)
        if result.model.short_name in _EXACT:
            sd = np.sqrt(result.mse * result._relative_forecast_variance(steps))
            out = {}
            for level in levels:
                z = NormalDist().inv_cdf(0.5 + level / 2)
                out[level] = (mean - z * sd, mean + z * sd)
            return "exact", out
        paths = np.asarray(
            result.simulate(
                horizon,
                anchor="end",
                repetitions=1000,
                rng=np.random.default_rng(0),
            ),
            dtype=float,
        ).reshape(horizon, -1)
    out = {}
    for level in levels:
        tail = (1.0 - level) / 2
        out[level] = (
            np.quantile(paths, tail, axis=1),
            np.quantile(paths, 1.0 - tail, axis=1),
        )
    return "simulated", out
