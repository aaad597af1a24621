"""Significance: is one model's backtest error really lower than another's?

Diebold-Mariano test with the Harvey-Leybourne-Newbold small-sample correction, and a
per-model comparison against the best baseline with a plain-words verdict.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from .errors import DataError, ParameterError
from .metrics import best_model
from .models.registry import model_names
from .narrative import kinds_phrase

logger = logging.getLogger(__name__)

Loss = Literal["absolute", "squared"]


@dataclass(frozen=True)
class DMResult:
    """Outcome of a Diebold-Mariano test of forecast errors ``a`` against ``b``.

    Attributes:
        statistic: HLN-corrected DM statistic; negative when ``a`` has the lower loss.
            NaN when the loss differential has zero variance (see ``note``).
        p_value: two-sided p-value from Student's t with ``n - 1`` degrees of freedom.
        n: number of paired errors used (pairs with a non-finite error are dropped).
        better: "a" or "b" when ``p_value < alpha``, else None.
        mean_difference: mean of ``loss(a) - loss(b)``.
        horizon: the horizon whose autocovariances (lags ``1 .. horizon - 1``) entered
            the long-run variance.
        loss: "absolute" or "squared".
        note: why the result is NaN or how the variance was estimated, "" if plain.
    """

    statistic: float
    p_value: float
    n: int
    better: Literal["a", "b"] | None
    mean_difference: float = math.nan
    horizon: int = 1
    loss: str = "absolute"
    note: str = ""


def min_pairs(horizon: int) -> int:
    """Fewest paired finite errors :func:`diebold_mariano` tests at ``horizon``:
    its long-run variance needs ``horizon`` autocovariances and one more point."""
    return max(3, horizon + 1)


def diebold_mariano(
    errors_a: Iterable[float],
    errors_b: Iterable[float],
    horizon: int = 1,
    loss: Loss = "absolute",
    *,
    alpha: float = 0.05,
) -> DMResult:
    """Test whether two forecasts have equal expected loss (two-sided).

    With ``d_t = L(a_t) - L(b_t)``, ``n`` pairs and ``h = horizon``, the long-run
    variance is ``gamma_0 + 2 * sum_{k=1}^{h-1} gamma_k`` (autocovariances divided by
    ``n``), ``DM = mean(d) / sqrt(variance / n)``, and the Harvey-Leybourne-Newbold
    statistic is ``DM * sqrt((n + 1 - 2h + h(h - 1) / n) / n)``, compared with Student's
    t on ``n - 1`` degrees of freedom.

    Guards: if that variance is not positive for ``h > 1`` (possible with the
    rectangular window), Bartlett (Newey-West) weights ``1 - k / h`` are used instead
    and ``note`` says so. If the loss differential has zero variance (e.g. identical
    forecasts) the result has NaN statistic and p-value, ``better=None`` and a note;
    it does not raise, so tables of many comparisons still fill.

    Args:
        errors_a: forecast errors (actual - forecast) of model a, in time order.
        errors_b: errors of model b at the same times.
        horizon: forecast horizon ``h >= 1`` of the errors.
        loss: "absolute" (compare MAE) or "squared" (compare MSE).
        alpha: significance level used for ``better``.

    Returns:
        A :class:`DMResult`.

    Raises:
        DataError: if the lengths differ or fewer than ``max(3, horizon + 1)``
            finite pairs remain.
        ParameterError: if ``loss`` or ``horizon`` is invalid.
    """
    a = np.asarray(list(errors_a), dtype=float).ravel()
    b = np.asarray(list(errors_b), dtype=float).ravel()
    if a.shape != b.shape:
        raise DataError(
            f"Diebold-Mariano needs paired errors: got {a.size} errors for a and "
            f"{b.size} for b"
        )
    if loss not in ("absolute", "squared"):
        raise ParameterError(f"loss must be 'absolute' or 'squared', got {loss!r}")
    if isinstance(horizon, bool) or int(horizon) != horizon or horizon < 1:
        raise ParameterError(f"horizon must be a whole number >= 1, got {horizon!r}")
    h = int(horizon)
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = int(a.size)
    needed = min_pairs(h)
    if n < needed:
        raise DataError(
            f"Diebold-Mariano with horizon {h} needs at least {needed} paired finite "
            f"errors, got {n}; run more backtest folds"
        )

    fn = np.abs if loss == "absolute" else np.square
    d = fn(a) - fn(b)
    mean_d = float(d.mean())
    scale = max(float(np.mean(fn(a))), float(np.mean(fn(b))))
    if np.any(d != 0) and float(np.max(np.abs(d))) <= 1e-9 * scale:
        # two forecasts equal to round-off: a "difference" of 1e-12 would test
        # as overwhelmingly significant
        why = "the two forecasts' losses differ only by round-off"
        return DMResult(
            math.nan, math.nan, n, None, mean_d, h, loss, f"{why}; cannot test"
        )
    centred = d - mean_d
    gamma = [float(centred[k:] @ centred[: n - k]) / n for k in range(h)]
    variance = gamma[0] + 2.0 * sum(gamma[1:])
    note = ""
    if h > 1 and not variance > 0.0:
        variance = gamma[0] + 2.0 * sum((1 - k / h) * gamma[k] for k in range(1, h))
        note = (
            "long-run variance with a rectangular window was not positive; "
            "used Bartlett (Newey-West) weights"
        )
    if not variance > 1e-300 or gamma[0] <= 1e-12 * max(float(np.mean(d**2)), 1e-300):
        why = (
            "the two forecasts have identical losses"
            if np.all(d == 0)
            else "the loss difference is constant (zero variance)"
        )
        return DMResult(
            math.nan, math.nan, n, None, mean_d, h, loss, f"{why}; cannot test"
        )

    dm = mean_d / math.sqrt(variance / n)
    correction = math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    statistic = dm * correction
    p_value = float(2.0 * stats.t.sf(abs(statistic), df=n - 1))
    better: Literal["a", "b"] | None = None
    if p_value < alpha:
        better = "a" if mean_d < 0 else "b"
    return DMResult(float(statistic), p_value, n, better, mean_d, h, loss, note)


def compare_to_baseline(
    backtest_forecasts: pd.DataFrame,
    baseline: str | None = None,
    alpha: float = 0.05,
    *,
    loss: Loss = "absolute",
    horizon: int | None = None,
    neural: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Test every model's backtest errors against one baseline's.

    Errors are paired on (fold, step); pairs are ordered by fold then step, so one
    fold's forecast path is a run of ``horizon`` consecutive errors, and the DM
    long-run variance uses autocovariances up to ``horizon - 1`` to allow for the
    correlation inside a path.

    Args:
        backtest_forecasts: tidy backtest forecasts with columns model, fold, step,
            actual, forecast (``BacktestResult.forecasts``).
        baseline: the model to compare against; by default the baseline model with
            the lowest MAE.
        alpha: significance level of the verdicts.
        loss: "absolute" or "squared" loss for the test.
        horizon: DM horizon; by default the number of steps per fold.
        neural: model names that are not baselines (neural models and the
            ensemble), never chosen as the baseline; by default the registry's
            (:func:`~convlstm.models.registry.model_names` with ``baseline=False``).

    Returns:
        One row per model other than the baseline, columns model, baseline, mae,
        baseline_mae (both on the paired points), statistic, p_value, n, better (name
        of the significantly better model, or None), significant (bool), verdict
        (e.g. "ConvLSTM beats ARIMA, p = 0.03", "no significant difference from ARIMA
        (p = 0.41)", "ARIMA beats LSTM, p = 0.01", or "cannot test ...: reason").
        ``attrs["baseline"]`` is the baseline's name.

    Raises:
        DataError: if columns are missing.
        ParameterError: if ``baseline`` is unknown, or no baseline can be chosen.
    """
    required = ("model", "fold", "step", "actual", "forecast")
    if not isinstance(backtest_forecasts, pd.DataFrame):
        raise DataError("backtest_forecasts must be a pandas DataFrame")
    missing = [c for c in required if c not in backtest_forecasts.columns]
    if missing:
        raise DataError(
            f"backtest_forecasts lacks column(s) {', '.join(map(repr, missing))}"
        )
    bt = backtest_forecasts.assign(
        error=backtest_forecasts["actual"] - backtest_forecasts["forecast"]
    )
    models = list(pd.unique(bt["model"]))
    mae = bt.groupby("model", sort=False)["error"].apply(lambda e: e.abs().mean())
    if baseline is None:
        challengers = set(model_names(baseline=False) if neural is None else neural)
        baseline = best_model(mae, among=[m for m in mae.index if m not in challengers])
        if baseline is None:
            raise ParameterError(
                "no baseline to compare against: every model is "
                f"{kinds_phrase(models, default='a challenger')}; name one with "
                f"baseline=... (models: {', '.join(map(str, models))})"
            )
    elif baseline not in models:
        raise ParameterError(
            f"baseline {baseline!r} is not in the backtest; models: "
            f"{', '.join(map(str, models))}"
        )
    if horizon is None:
        horizon = int(bt.groupby(["model", "fold"])["step"].nunique().max())

    wide = bt.pivot_table(
        index=["fold", "step"], columns="model", values="error", aggfunc="first"
    ).sort_index()
    rows = []
    for model in models:
        if model == baseline:
            continue
        pair = wide[[model, baseline]].dropna()
        paired_mae = pair.abs().mean() if len(pair) else pd.Series(math.nan, [0, 1])
        row = {
            "model": model,
            "baseline": baseline,
            "mae": float(paired_mae.iloc[0]),
            "baseline_mae": float(paired_mae.iloc[1]),
            "statistic": math.nan,
            "p_value": math.nan,
            "n": len(pair),
            "better": None,
            "significant": False,
        }
        try:
            res = diebold_mariano(
                pair[model], pair[baseline], horizon=horizon, loss=loss, alpha=alpha
            )
        except DataError as exc:
            needed = min_pairs(int(horizon))
            row["verdict"] = (
                # a table cell: short, the reason in numbers
                f"not tested: too few folds ({len(pair)} paired errors, the test "
                f"needs {needed}); run more folds"
                if len(pair) < needed
                else f"cannot test {model} against {baseline}: {exc}"
            )
            rows.append(row)
            continue
        row.update(statistic=res.statistic, p_value=res.p_value, n=res.n)
        if math.isnan(res.p_value):
            row["verdict"] = f"cannot test {model} against {baseline}: {res.note}"
        elif res.better is None:
            row["verdict"] = (
                f"no significant difference from {baseline} "
                f"(p {format_p(res.p_value, alpha)})"
            )
        else:
            winner, loser = (
                (model, baseline) if res.better == "a" else (baseline, model)
            )
            row.update(better=winner, significant=True)
            row["verdict"] = f"{winner} beats {loser}, p {format_p(res.p_value, alpha)}"
        rows.append(row)
    columns = [
        "model", "baseline", "mae", "baseline_mae", "statistic", "p_value", "n",
        "better", "significant", "verdict",
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out["better"] = out["better"].astype(object)
    out.attrs = {"baseline": baseline, "alpha": alpha, "loss": loss, "horizon": horizon}
    return out


def format_p(p: float, alpha: float = 0.05) -> str:
    """Format a p-value with its relation sign: "= 0.03", "= 0.41", "< 0.001".

    Two significant digits, more where rounding would cross ``alpha`` or land
    on it ("= 0.0502", not "= 0.05" beside a verdict of no difference).
    """
    if math.isnan(p):
        return "= n/a"
    if p < 0.001:
        return "< 0.001"
    for digits in (2, 3, 4):
        text = f"{p:.{digits}g}"
        if (float(text) < alpha) == (p < alpha) and (
            float(text) != alpha or p == alpha
        ):
            return f"= {text}"
    return f"= {p:.4f}"
