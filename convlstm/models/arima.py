"""ARIMAForecaster: automatic (S)ARIMA, quick enough to refit in every backtest fold.

Short seasons get a stepwise AICc search over SARIMA orders; long or multiple seasons
are removed by STL/MSTL first and a non-seasonal ARIMA models what is left.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.signal import lfilter

from ..data import check_series, future_index
from ..errors import DataError, ParameterError
from .base import BaseForecaster
from .blas import one_blas_thread
from .checks import check_horizon, check_season_length
from .decompose import (
    candidate_periods,
    extend_seasonal,
    feasible_periods,
    seasonal_components,
    seasonal_strength,
    seasons_checked,
)
from .rules import ARIMA_MIN_LENGTH

__all__ = ["ARIMAForecaster", "wants_log"]

log = logging.getLogger(__name__)

# Seasons up to this many steps are modelled inside SARIMA; longer ones (48 half-hours,
# 168 hours, 365 days) make the state space huge, so they are decomposed instead.
_MAX_SARIMA_SEASON = 24
# ...and only while the season times the points stays below this: a SARIMA with
# a 24-hour season takes about 3 s on 2,000 hours and over a minute on 20,000
# (measured on 2 cores); a longer series is decomposed (STL) instead.
_MAX_SARIMA_WORK = 24 * 2000
# The non-seasonal ARIMA of the decomposition path sees at most this many recent
# points: enough to estimate short-memory dynamics, and it bounds the fit time.
_MAX_ARIMA_POINTS = 2000
# Seasonal strength above which one seasonal difference is taken (as in R's nsdiffs).
_SEASONAL_STRENGTH = 0.64
# Fewest points KPSS decides a difference on, and under how many it uses no lags.
_KPSS_MIN_POINTS = 5
_KPSS_SHORT = 11
# Series whose largest absolute value is below this are fitted at unit scale.
_SMALL = 1e-3


@dataclass
class _Arma:
    """An ARMA(p, q)(P, Q)[m] model of the differenced series ``w``.

    ``params`` are CSS estimates (or MLE ones when ``result`` is set): AR, MA,
    seasonal AR, seasonal MA coefficients and the mean ``mu`` (0 without constant).
    """

    order: tuple[int, int]  # (p, q)
    seasonal: tuple[int, int]  # (P, Q)
    m: int
    constant: bool
    aicc: float
    phi: np.ndarray
    theta: np.ndarray
    sphi: np.ndarray
    stheta: np.ndarray
    mu: float
    result: Any = None  # statsmodels SARIMAXResults after the final MLE fit

    def polys(self) -> tuple[np.ndarray, np.ndarray]:
        return _polys(self.phi, self.theta, self.sphi, self.stheta, self.m)

    def forecast(self, w: np.ndarray, steps: int) -> np.ndarray:
        if self.result is not None:
            return np.asarray(self.result.forecast(steps), dtype=float)
        a, b = self.polys()
        u = list(w - self.mu)
        e = list(lfilter(a, b, np.asarray(u)))
        ka, kb = len(a) - 1, len(b) - 1
        out = []
        for _ in range(steps):
            # u[t] = -sum a_i u[t-i] + sum b_j e[t-j]; future shocks are zero
            ar = -float(np.dot(a[1:], u[::-1][:ka])) if ka else 0.0
            ma = float(np.dot(b[1:], e[::-1][:kb])) if kb else 0.0
            u.append(ar + ma)
            e.append(0.0)
            out.append(ar + ma)
        return np.asarray(out) + self.mu


class ARIMAForecaster(BaseForecaster):
    """Automatic ARIMA with a choice of transform, differencing and orders.

    What ``fit`` does:

    * **Transform** (``transform="auto"``): a positive series whose seasonal
      amplitude grows with its level (the log of each season's spread rises with the
      log of its mean, slope > 0.5, over a level change of 25% or more) is modelled
      on the log scale; forecasts are back-transformed with ``exp`` (median
      forecast). A positive series whose forecast on the original scale goes
      below zero is fitted again on the log scale, where it cannot (a yearly
      series of tourists whose last year fell by half was forecast below zero).
      ``"log"`` / ``"none"`` force the choice.
    * **Short season** (one season of at most 24 steps, e.g. monthly 12, quarterly
      4): one seasonal difference if the STL seasonal strength exceeds 0.64, then
      ordinary differences until a KPSS test (5%) no longer rejects stationarity
      (at most ``d + D = 2``; tested from 5 points, without lags under 11),
      then a Hyndman-Khandakar style stepwise search over SARIMA
      ``(p, d, q)(P, D, Q)[m]`` with ``p, q <= max_p, max_q``, ``P, Q <= 1``
      and an optional constant, minimising AICc. Candidates are scored by fast
      conditional-sum-of-squares fits (scipy); the winner is re-estimated by
      exact maximum likelihood with statsmodels' SARIMAX on the differenced
      series (keeping the CSS estimates if that fails), and forecasts are
      integrated back.
    * **Long or multiple seasons** (e.g. half-hourly data with daily 48 and weekly
      336 cycles): the seasonal components are estimated with STL (one season) or
      MSTL (several) and forecast by repeating their last cycle; the seasonally
      adjusted series gets the non-seasonal version of the search above (fitted on
      its last 2000 points at most). A seasonal period is used only when the series
      holds at least two full cycles of it.
    * **No season** (yearly data, or ``season_length=1``): non-seasonal search.

    Args:
        horizon: number of steps to forecast.
        season_length: season in steps; ``None`` uses every natural cycle of the
            series' frequency (:func:`convlstm.data.seasonal_periods`), 1 turns the
            seasonal part off.
        transform: ``"auto"``, ``"log"`` or ``"none"``.
        max_p: largest non-seasonal AR order searched.
        max_q: largest non-seasonal MA order searched.
        max_models: most candidate models fitted by the stepwise search.

    Attributes:
        order_: the chosen ``(p, d, q)``.
        seasonal_order_: the chosen ``(P, D, Q, m)``; ``(0, 0, 0, 0)`` when the
            season is not modelled by SARIMA.
        transform_: ``"log"`` or ``"none"``.
        log_for_sign_: True when ``transform="auto"`` took the log scale because
            the forecast on the original scale went below zero on a positive
            series.
        periods_: the seasonal periods used.
        method_: a readable description, e.g. ``"SARIMA(0,1,1)(0,1,1)[12] on log"``.
        aicc_: the AICc (conditional sum of squares) of the chosen model; NaN when
            no candidate could be fitted and a white-noise fallback was used.
    """

    display_name = "ARIMA"
    supports_panel = True

    def __init__(
        self,
        *,
        horizon: int = 12,
        season_length: int | None = None,
        transform: str = "auto",
        max_p: int = 3,
        max_q: int = 3,
        max_models: int = 30,
    ) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.transform = transform
        self.max_p = max_p
        self.max_q = max_q
        self.max_models = max_models

    # ------------------------------------------------------------------ fit
    def fit(self, y: pd.Series) -> Self:
        """Choose the transform, differencing and orders for ``y`` and fit them."""
        check_horizon(self.horizon)
        if self.transform not in ("auto", "log", "none"):
            raise ParameterError(
                f"transform must be 'auto', 'log' or 'none', got {self.transform!r}"
            )
        for name in ("max_p", "max_q", "max_models"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise ParameterError(f"{name} must be a whole number, got {value!r}")
            if value < (1 if name == "max_models" else 0):
                raise ParameterError(f"{name} must not be negative, got {value}")
        y = check_series(
            y, min_length=ARIMA_MIN_LENGTH, what="ARIMA", advice="use a longer series"
        )
        x = y.to_numpy()
        periods = self._periods(y.index, x)

        transform = self.transform
        if transform == "auto":
            transform = "log" if wants_log(x, periods[0] if periods else 1) else "none"
        if transform == "log" and (x <= 0).any():
            raise DataError(
                "transform='log' needs a strictly positive series; this one has "
                f"{int((x <= 0).sum())} values <= 0 (use transform='none')"
            )
        self.index_ = y.index
        self.log_for_sign_ = False
        self._fit_on(x, periods, transform)
        if (
            self.transform == "auto"
            and transform == "none"
            and x.min() > 0
            and self.predict().min() < -1e-9 * x.max()
        ):
            # a positive series forecast below zero: on the log scale the
            # forecast stays positive
            self._fit_on(x, periods, "log")
            self.log_for_sign_ = True
        log.debug("ARIMA chose %s (AICc %.2f)", self.method_, self.aicc_)
        return self

    def _fit_on(self, x: np.ndarray, periods: tuple[int, ...], transform: str) -> None:
        """Choose the differencing and orders for ``x`` on the scale of
        ``transform`` ("log" or "none") and fit them."""
        z = np.log(x) if transform == "log" else x.copy()
        # Tiny values (1e-300) make squared residuals underflow, so every candidate
        # scores the same and the fit collapses to zero: work at unit scale. A power
        # of two rescales exactly, so ordinary series are not touched at all.
        top = float(np.max(np.abs(z)))
        scale = 2.0 ** np.floor(np.log2(top)) if 0 < top < _SMALL else 1.0
        z = z / scale

        self.seasonal_components_: list[tuple[int, np.ndarray]] = []
        if (
            len(periods) == 1
            and periods[0] <= _MAX_SARIMA_SEASON
            and periods[0] * len(z) <= _MAX_SARIMA_WORK
        ):
            m = periods[0]
            D = 1 if seasonal_strength(z, m) > _SEASONAL_STRENGTH else 0
            zs = _difference(z, 0, D, m)
            d = _ndiffs(zs, max_d=2 - D)
            w = _difference(zs, d, 0, 1)
            arma = _stepwise(
                w,
                m=m,
                constant_ok=d + D <= 1,
                max_p=self.max_p,
                max_q=self.max_q,
                max_models=self.max_models,
            )
            self.order_ = (arma.order[0], d, arma.order[1])
            self.seasonal_order_ = (arma.seasonal[0], D, arma.seasonal[1], m)
            self.method_ = (
                f"SARIMA({self.order_[0]},{d},{self.order_[2]})"
                f"({arma.seasonal[0]},{D},{arma.seasonal[1]})[{m}]"
            )
            self._diff = (d, D, m)
            base = z
        else:
            if periods:
                adjusted = self._decompose(z, periods)
                base = adjusted[-_MAX_ARIMA_POINTS:]
            else:
                base = z
            d = _ndiffs(base, max_d=2)
            w = _difference(base, d, 0, 1)
            arma = _stepwise(
                w,
                m=1,
                constant_ok=d <= 1,
                max_p=self.max_p,
                max_q=self.max_q,
                max_models=self.max_models,
            )
            self.order_ = (arma.order[0], d, arma.order[1])
            self.seasonal_order_ = (0, 0, 0, 0)
            self.method_ = f"ARIMA({self.order_[0]},{d},{self.order_[2]})"
            if periods:
                kind = "MSTL" if len(periods) > 1 else "STL"
                joined = ", ".join(str(p) for p in periods)
                self.method_ = (
                    f"{kind}({joined}) + {self.method_} on the seasonally adjusted "
                    "series"
                )
            self._diff = (d, 0, 1)
        if not np.isfinite(arma.aicc):
            self.method_ += " (fallback: no candidate fitted)"
        arma = _refine_mle(arma, w)
        if arma.constant:
            self.method_ += " with " + ("drift" if sum(self._diff[:2]) else "mean")
        if transform == "log":
            self.method_ += " on log"
        self._arma = arma
        self._scale = scale
        self._base = base
        self._w = w
        self.transform_ = transform
        self.periods_ = tuple(periods)
        self.aicc_ = arma.aicc

    def _periods(self, index: pd.DatetimeIndex, x: np.ndarray) -> tuple[int, ...]:
        season = check_season_length(self.season_length)
        return seasons_checked(
            x, feasible_periods(candidate_periods(index, season), len(x))
        )

    def _decompose(self, z: np.ndarray, periods: tuple[int, ...]) -> np.ndarray:
        """Split off the seasonal components; return the seasonally adjusted series."""
        self.seasonal_components_ = seasonal_components(z, periods)
        return z - sum(c for _, c in self.seasonal_components_)

    def keeps_season(self) -> bool | None:
        """Whether the chosen model has seasonal terms or differences, or a
        season was split off by STL/MSTL (None before a fit)."""
        return self._season_in(
            "seasonal_order_", lambda order: order[3] > 1 and any(order[:3])
        )

    # -------------------------------------------------------------- predict

    def predict(self) -> pd.Series:
        """Forecast ``horizon`` steps after the end of the fitted series."""
        self._check_fitted()
        horizon = check_horizon(self.horizon)
        d, D, m = self._diff
        w_hat = self._arma.forecast(self._w, horizon)
        z_hat = _integrate(w_hat, self._base, d, D, m)
        z_hat = z_hat + extend_seasonal(self.seasonal_components_, horizon)
        z_hat = z_hat * getattr(self, "_scale", 1.0)
        values = np.exp(z_hat) if self.transform_ == "log" else z_hat
        idx = future_index(self.index_, horizon)
        return pd.Series(values, index=idx, name=self.display_name)


# ---------------------------------------------------------------- helpers
def wants_log(x: np.ndarray, m: int) -> bool:
    """Whether the spread of each season grows with its level (a multiplicative
    series), judged on complete seasons counted back from the end."""
    if (x <= 0).any() or m < 2:
        return False
    k = len(x) // m
    if k < 3:
        return False
    blocks = x[len(x) - k * m :].reshape(k, m)
    means = blocks.mean(axis=1)
    if means.max() / means.min() < 1.25:
        return False
    t = np.arange(m)
    # Spread around each season's own linear trend, so trend is not mistaken for it.
    coef = np.polyfit(t, blocks.T, 1)
    resid = blocks - (coef[0][:, None] * t + coef[1][:, None])
    spread = resid.std(axis=1)
    if (spread <= 0).any():
        return False
    slope = np.polyfit(np.log(means), np.log(spread), 1)[0]
    return bool(slope > 0.5)


def _ndiffs(z: np.ndarray, *, max_d: int) -> int:
    """Ordinary differences needed before KPSS (5%) stops rejecting stationarity
    (tested down to ``_KPSS_MIN_POINTS`` points; see :func:`_kpss_p_value`)."""
    d = 0
    w = z
    while d < max_d and len(w) >= _KPSS_MIN_POINTS and not _flat(w):
        if _kpss_p_value(w) >= 0.05:
            break
        d += 1
        w = np.diff(w)
    return d


def _flat(w: np.ndarray) -> bool:
    """Whether ``w`` is constant up to floating-point rounding of its level (then
    there is nothing left to difference away)."""
    spread = float(np.ptp(w))
    return not spread > 1e-12 * float(np.max(np.abs(w)))


def _kpss_p_value(w: np.ndarray) -> float:
    """The KPSS (level) p-value of ``w``; 1 (stationary) when it cannot be computed.

    KPSS does not depend on location or scale, so ``w`` is centred and scaled to
    unit range first: on values like 1e-300 the squared residuals underflow to 0,
    and on a long flat stretch the automatic bandwidth divides 0 by 0. If the
    automatic bandwidth still fails, the fixed (Schwert) one is used. Under
    ``_KPSS_SHORT`` points no autocorrelation is corrected for (no lags): a
    bandwidth read off a handful of points is noise. On 200 draws each of 5 to 10
    points, the test without lags rejected white noise in 2% to 6% of draws and a
    line with noise of half its step in 84% (5 points) to 100% (from 6); the
    automatic bandwidth rejected white noise in up to 31% and the line in 3% to
    12% under 8 points.
    """
    from statsmodels.tsa.stattools import kpss

    u = w - np.mean(w)
    spread = float(np.max(np.abs(u)))
    if not (np.isfinite(spread) and spread > 0):
        return 1.0
    u = u / spread
    for nlags in ("auto", "legacy") if len(u) >= _KPSS_SHORT else (0,):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                p_value = float(kpss(u, regression="c", nlags=nlags)[1])
        except (ArithmeticError, ValueError):
            continue
        if np.isfinite(p_value):
            return p_value
    return 1.0


def _diff_poly(d: int, D: int, m: int) -> np.ndarray:
    """Coefficients of ``(1 - B)^d (1 - B^m)^D`` in powers of the backshift B."""
    poly = np.array([1.0])
    for _ in range(d):
        poly = np.convolve(poly, [1.0, -1.0])
    seasonal = np.zeros(m + 1)
    seasonal[0], seasonal[m] = 1.0, -1.0
    for _ in range(D):
        poly = np.convolve(poly, seasonal)
    return poly


def _difference(z: np.ndarray, d: int, D: int, m: int) -> np.ndarray:
    poly = _diff_poly(d, D, m)
    k = len(poly) - 1
    if k == 0:
        return z.copy()
    # w[t] = sum_j poly[j] * z[t - j] for t >= k
    return np.convolve(z, poly, mode="valid")


def _integrate(w_hat: np.ndarray, history: np.ndarray, d: int, D: int, m: int):
    """Undo the differencing: turn forecasts of the differenced series into
    forecasts of the series, continuing ``history``."""
    poly = _diff_poly(d, D, m)
    k = len(poly) - 1
    if k == 0:
        return w_hat.copy()
    values = list(history[-k:])
    for w in w_hat:
        # z[t] = w[t] - sum_{j>=1} poly[j] * z[t - j]
        values.append(w - float(np.dot(poly[1:], values[::-1][:k])))
    return np.asarray(values[k:])


def _polys(
    phi: np.ndarray, theta: np.ndarray, sphi: np.ndarray, stheta: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """Expanded AR polynomial ``(1 - phi B ...)(1 - Phi B^m ...)`` and MA polynomial
    ``(1 + theta B ...)(1 + Theta B^m ...)``, in powers of B."""
    a = np.r_[1.0, -phi]
    b = np.r_[1.0, theta]
    for coef in sphi:
        s = np.zeros(m + 1)
        s[0], s[m] = 1.0, -coef
        a = np.convolve(a, s)
    for coef in stheta:
        s = np.zeros(m + 1)
        s[0], s[m] = 1.0, coef
        b = np.convolve(b, s)
    return a, b


def _outside_unit_circle(poly: np.ndarray) -> bool:
    """Whether every root of ``poly[0] + poly[1] z + ...`` lies outside |z| = 1."""
    if not np.all(np.isfinite(poly)):
        return False
    poly = np.trim_zeros(poly, "b")
    if len(poly) <= 1:
        return True
    try:  # huge coefficients (a runaway fit) overflow the companion matrix
        with np.errstate(all="ignore"):
            roots = np.roots(poly[::-1])
    except np.linalg.LinAlgError:
        return False
    return bool(np.all(np.abs(roots) > 1.001))


def _css(
    w: np.ndarray, p: int, q: int, sp: int, sq: int, m: int, c: bool, t0: int
) -> _Arma | None:
    """Conditional-sum-of-squares fit of one candidate; residuals are scored from
    ``t0`` on, the same for every candidate so their AICc values are comparable.
    Returns None for a non-stationary or non-invertible fit."""
    k = p + q + sp + sq

    def unpack(x: np.ndarray):
        return x[:p], x[p : p + q], x[p + q : p + q + sp], x[p + q + sp : k]

    def resid(x: np.ndarray) -> np.ndarray:
        phi, theta, sphi, stheta = unpack(x)
        mu = x[k] if c else 0.0
        a, b = _polys(phi, theta, sphi, stheta, m)
        e = lfilter(a, b, w - mu)[t0:]
        return np.nan_to_num(e, nan=1e10, posinf=1e10, neginf=-1e10)

    x0 = np.r_[np.zeros(k), [float(np.mean(w))] if c else []]
    if len(x0):
        # On degenerate data (a series constant after differencing, so a
        # zero-variance objective) the solver can fail or wander off to NaN/inf
        # coefficients: that candidate is unusable, the search goes on without it.
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                x = least_squares(resid, x0, method="lm").x
        except (ArithmeticError, ValueError):
            return None
        if not np.all(np.isfinite(x)):
            return None
    else:
        x = x0
    e = resid(x)
    n_eff = len(e)
    n_params = len(x) + 1  # plus the innovation variance
    sse = float(np.sum(e**2))
    if not np.isfinite(sse) or n_eff - n_params - 1 <= 0:
        return None
    phi, theta, sphi, stheta = unpack(x)
    if not (
        _outside_unit_circle(np.r_[1.0, -phi])
        and _outside_unit_circle(np.r_[1.0, theta])
        and np.all(np.abs(sphi) < 0.999)
        and np.all(np.abs(stheta) < 0.999)
    ):
        return None
    sigma2 = max(sse / n_eff, 1e-300)
    aic = n_eff * np.log(sigma2) + 2 * n_params
    aicc = aic + 2 * n_params * (n_params + 1) / (n_eff - n_params - 1)
    mu = float(x[k]) if c else 0.0
    return _Arma((p, q), (sp, sq), m, c, float(aicc), phi, theta, sphi, stheta, mu)


def _stepwise(
    w: np.ndarray,
    *,
    m: int,
    constant_ok: bool,
    max_p: int,
    max_q: int,
    max_models: int,
) -> _Arma:
    """Hyndman-Khandakar stepwise search of ARMA(p, q)(P, Q)[m] on the (already
    differenced) series ``w`` by AICc of conditional-sum-of-squares fits."""
    seasonal = m > 1 and len(w) >= 3 * m + max_p + 4
    max_sp = 1 if seasonal else 0
    m_eff = m if seasonal else 1
    t0 = min(max_p + max_sp * m_eff, max(len(w) // 4, 0))
    tried: dict[tuple[int, int, int, int, bool], _Arma | None] = {}

    def fit(p: int, q: int, sp: int, sq: int, c: bool) -> _Arma | None:
        key = (p, q, sp, sq, c)
        if key not in tried:
            tried[key] = _css(w, p, q, sp, sq, m_eff, c, t0)
        return tried[key]

    best: _Arma | None = None

    def consider(cand: _Arma | None) -> bool:
        nonlocal best
        if cand is not None and (best is None or cand.aicc < best.aicc - 1e-8):
            best = cand
            return True
        return False

    for p, q, sp, sq in [(2, 2, 1, 1), (0, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1)]:
        consider(
            fit(min(p, max_p), min(q, max_q), min(sp, max_sp), min(sq, max_sp), True)
            if constant_ok
            else fit(
                min(p, max_p), min(q, max_q), min(sp, max_sp), min(sq, max_sp), False
            )
        )
    if constant_ok:
        consider(fit(0, 0, 0, 0, False))

    improved = best is not None
    while improved and len(tried) < max_models:
        improved = False
        p, q = best.order
        sp, sq = best.seasonal
        c = best.constant
        moves = [
            (p - 1, q, sp, sq, c),
            (p + 1, q, sp, sq, c),
            (p, q - 1, sp, sq, c),
            (p, q + 1, sp, sq, c),
            (p - 1, q - 1, sp, sq, c),
            (p + 1, q + 1, sp, sq, c),
            (p, q, sp - 1, sq, c),
            (p, q, sp + 1, sq, c),
            (p, q, sp, sq - 1, c),
            (p, q, sp, sq + 1, c),
            (p, q, sp - 1, sq - 1, c),
            (p, q, sp + 1, sq + 1, c),
        ]
        if constant_ok:
            moves.append((p, q, sp, sq, not c))
        for mp, mq, msp, msq, mc in moves:
            if not (0 <= mp <= max_p and 0 <= mq <= max_q):
                continue
            if not (0 <= msp <= max_sp and 0 <= msq <= max_sp):
                continue
            if len(tried) >= max_models:
                break
            if consider(fit(mp, mq, msp, msq, mc)):
                improved = True
                break
    if best is None:
        # Every candidate was non-stationary or too big for the data: a white-noise
        # model around the mean (or zero) of the differenced series.
        mu = float(np.mean(w)) if constant_ok and len(w) else 0.0
        empty = np.zeros(0)
        best = _Arma(
            (0, 0),
            (0, 0),
            m_eff,
            constant_ok,
            float("nan"),
            empty,
            empty,
            empty,
            empty,
            mu,
        )
    return best


def _refine_mle(arma: _Arma, w: np.ndarray) -> _Arma:
    """Re-estimate the chosen model by exact maximum likelihood (statsmodels
    SARIMAX, started from the CSS estimates); keep the CSS fit if that fails."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    p, q = arma.order
    sp, sq = arma.seasonal
    if p + q + sp + sq == 0:
        return arma
    a_lag1 = (1.0 - arma.phi.sum()) * (1.0 - arma.sphi.sum())
    start = np.r_[
        [arma.mu * a_lag1] if arma.constant else [],
        arma.phi,
        arma.theta,
        arma.sphi,
        arma.stheta,
        [max(float(np.var(w)), 1e-12)],
    ]
    # The likelihood is often flat (near-cancelling AR and MA roots), so small
    # changes of the start decide where the optimiser stops, and the CSS estimates
    # vary in their 8th digit from run to run (rounding in the least-squares solver
    # depends on memory layout). Start from 4 significant digits: the same data then
    # gives the same model, so a re-run reproduces the forecast.
    start = np.array([float(f"{v:.4g}") for v in start])
    try:
        with warnings.catch_warnings(), one_blas_thread():
            warnings.simplefilter("ignore")
            res = SARIMAX(
                w,
                order=(p, 0, q),
                seasonal_order=(sp, 0, sq, arma.m) if sp + sq else (0, 0, 0, 0),
                trend="c" if arma.constant else "n",
            ).fit(start_params=start, disp=False, maxiter=50)
    except (ValueError, np.linalg.LinAlgError) as exc:
        log.debug("ARIMA MLE refit failed, keeping the CSS fit: %s", exc)
        return arma
    if not np.isfinite(res.llf) or not _usable_mle(res):
        return arma
    arma.result = res
    return arma


def _usable_mle(res: Any) -> bool:
    """Whether an exact-likelihood refit stayed stationary and invertible, as the
    CSS fit it started from was checked to be: on a flat likelihood the
    optimiser can walk to an AR root on the unit circle, where the mean,
    ``c / (1 - sum(phi))``, runs away (M3's N2769, a series between 2,410 and
    6,610, was forecast at -119,642,433)."""
    polys = (
        np.r_[1.0, -np.asarray(res.arparams, dtype=float)],
        np.r_[1.0, np.asarray(res.maparams, dtype=float)],
        np.r_[1.0, -np.asarray(res.seasonalarparams, dtype=float)],
        np.r_[1.0, np.asarray(res.seasonalmaparams, dtype=float)],
    )
    return all(_outside_unit_circle(poly) for poly in polys)
