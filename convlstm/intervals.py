"""Prediction intervals: split-conformal bands from backtest residuals, per step.

One method for every model, and an honest (leave-one-fold-out) check of their coverage.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .data.cells import plural
from .errors import DataError, ParameterError

logger = logging.getLogger(__name__)

BACKTEST_COLUMNS = ("model", "fold", "step", "actual", "forecast")
FUTURE_COLUMNS = ("model", "timestamp", "forecast")

# (n + 1) * level is computed in floating point; 0.7 * 10 is 7.000000000000001.
_EPS = 1e-9


def level_label(level: float) -> str:
    """Return the percent label used in column names: 0.8 -> "80", 0.975 -> "97.5"."""
    return f"{100 * float(level):g}"


def lower_column(level: float) -> str:
    """Return the name of the lower-bound column for ``level`` (0.8 -> "lower_80")."""
    return f"lower_{level_label(level)}"


def upper_column(level: float) -> str:
    """Return the name of the upper-bound column for ``level`` (0.8 -> "upper_80")."""
    return f"upper_{level_label(level)}"


def calibration_columns(level: float) -> tuple[str, str]:
    """The names of the columns saying which backtest steps' errors calibrated
    the ``level`` band of a step, and how many errors that was (0.8 ->
    "calibration_steps_80", "n_calibration_80")."""
    return (
        f"calibration_steps_{level_label(level)}",
        f"n_calibration_{level_label(level)}",
    )


def unmeasured_levels(
    coverage: pd.DataFrame | None, levels: Iterable[float]
) -> list[float]:
    """The ``levels`` no model's coverage could be measured at in ``coverage``
    (:func:`interval_coverage`; too few held-out errors on the folds): all of
    them without a coverage table. A table shows each as a sentence, not as
    columns of dashes."""
    levels = list(levels)
    if coverage is None or coverage.empty:
        return levels
    values = pd.to_numeric(coverage["coverage"], errors="coerce")
    measured = set(coverage.loc[np.isfinite(values), "level"])
    return [lv for lv in levels if lv not in measured]


#: The end of the note on a model without backtest errors to calibrate on.
NO_RESIDUALS = "no backtest residuals, so no intervals"


def unscored_intervals_text(own: Sequence[str]) -> str:
    """What a run without a backtest (0 folds) gives for intervals: none
    calibrated on past errors; the bounds of the models in ``own`` (ETS) are
    their own, which hold only if the model is right."""
    text = (
        "no backtest (0 folds), so no intervals calibrated on past errors (run 2 "
        "folds or more for them)"
    )
    if not own:
        return text + "; the forecasts have no bounds"
    names = ", ".join(own)
    return (
        f"{text}; the bounds of {names} are the model's own, which hold only if "
        "the model is right about the data"
    )


def min_residuals(level: float) -> int:
    """Return the fewest residuals for which the conformal ``level`` bound is finite.

    The finite-sample quantile needs ``ceil((n + 1) * level) <= n``, that is
    ``n >= level / (1 - level)``: 4 for 80 %, 19 for 95 %, 99 for 99 %.
    """
    level = _check_level(level)
    return max(1, math.ceil(level / (1.0 - level) - _EPS))


def conformal_quantile(residuals: Iterable[float], level: float) -> float:
    """Return the split-conformal quantile of absolute residuals.

    With ``n`` finite residuals sorted ascending, this is the ``k``-th smallest,
    ``k = ceil((n + 1) * level)``, i.e. the empirical ``ceil((n + 1) * level) / n``
    quantile. Under exchangeability ``|new residual| <= q`` with probability at least
    ``level``.

    Args:
        residuals: residuals (actual - forecast); their absolute values are used and
            non-finite values are dropped.
        level: coverage level, ``0 < level < 1``.

    Returns:
        The quantile, or ``inf`` when there are too few residuals for ``level`` (see
        :func:`min_residuals`): no finite interval carries the guarantee.
    """
    level = _check_level(level)
    r = np.abs(np.asarray(list(residuals), dtype=float))
    r = np.sort(r[np.isfinite(r)])
    n = r.size
    k = math.ceil((n + 1) * level - _EPS)
    if n == 0 or k > n:
        return math.inf
    return float(r[max(k, 1) - 1])


def conformal_intervals(
    backtest_forecasts: pd.DataFrame,
    future: pd.DataFrame,
    levels: Sequence[float] = (0.8, 0.95),
    *,
    min_per_step: int | None = None,
) -> pd.DataFrame:
    """Add split-conformal prediction intervals to future forecasts.

    For each model and horizon step the half-width is :func:`conformal_quantile` of
    that model's backtest residuals ``|actual - forecast|`` at that step. When a step
    has fewer than ``min_per_step`` residuals, neighbouring steps are pooled (the window
    grows one step each side, up to all steps); ``calibration_steps_<pct>`` says which
    steps were used for that level. When even all steps hold too few residuals for
    a level, that level's bounds are NaN (the honest interval is unbounded) and a
    note says so.

    Args:
        backtest_forecasts: tidy backtest forecasts with columns model, fold, step,
            actual, forecast (``BacktestResult.forecasts``).
        future: tidy future forecasts with columns model, timestamp, forecast
            (``Comparison.future``); a ``step`` column is used if present, else steps
            are numbered 1, 2, ... by timestamp within each model. Future steps beyond
            the backtest horizon use the last backtested step.
        levels: coverage levels, each ``0 < level < 1``.
        min_per_step: residuals a step needs before it stops pooling with its
            neighbours, for every level. By default each level pools on its own,
            up to :func:`min_residuals` of that level (the fewest for which it is
            finite), so an 80% interval is the same whichever other levels are
            asked for; a higher level's half-width is kept at least a lower one's,
            so the bands nest.

    Returns:
        A copy of ``future``, models in order of first appearance and each sorted
        by step (columns model, timestamp, step, forecast, then
        ``lower_<pct>``/``upper_<pct>`` per level, e.g. lower_80, upper_80, lower_95,
        upper_95, then per level ``calibration_steps_<pct>`` (str: the steps
        whose errors calibrated that band: "3", "2-4" or "all") and
        ``n_calibration_<pct>`` (int: how many errors)). ``attrs["levels"]``
        lists the levels and ``attrs["notes"]`` (list[str]) reports pooling,
        unbounded levels and models without backtest residuals.

    Raises:
        DataError: if a required column is missing.
        ParameterError: if a level is outside (0, 1).
    """
    levels = check_levels(levels)
    bt = _check_frame(backtest_forecasts, BACKTEST_COLUMNS, "backtest_forecasts")
    fut = _check_frame(future, FUTURE_COLUMNS, "future").copy()
    min_n = _min_per_step(levels, min_per_step)

    if "step" not in fut.columns:
        ranks = fut.groupby("model", sort=False)["timestamp"].rank(method="first")
        fut["step"] = ranks
    fut["step"] = fut["step"].astype(int)
    # models in order of first appearance, each by step
    first_seen = {m: i for i, m in enumerate(pd.unique(fut["model"]))}
    fut = fut.iloc[
        np.lexsort((fut["step"].to_numpy(), fut["model"].map(first_seen).to_numpy()))
    ]

    by_model = _residuals_by_model_step(bt)
    lower = {lv: np.full(len(fut), np.nan) for lv in levels}
    upper = {lv: np.full(len(fut), np.nan) for lv in levels}
    calib_steps = {lv: np.full(len(fut), "", dtype=object) for lv in levels}
    n_calib = {lv: np.zeros(len(fut), dtype=int) for lv in levels}
    notes: list[str] = []

    forecast = fut["forecast"].to_numpy(dtype=float)
    models = fut["model"].to_numpy()
    steps = fut["step"].to_numpy()
    for model in pd.unique(models):
        rows = np.flatnonzero(models == model)
        by_step = by_model.get(model)
        if not by_step:
            notes.append(f"{model}: {NO_RESIDUALS}")
            continue
        max_step = max(by_step)
        if steps[rows].max() > max_step:
            notes.append(
                f"{model}: future steps beyond {max_step} reuse the residuals of "
                f"step {max_step}"
            )
        table = _level_tables(by_step, levels, min_per_step)
        top = max(levels)  # the notes speak of the highest level's pooling
        labels = {s: pooling[top][0] for s, (_, pooling) in table.items()}
        pooled = sorted({s for s, label in labels.items() if label != str(s)})
        if pooled:
            flat = len(table) > 3 and all(
                _span(lb, len(table)) > len(table) / 2 for lb in labels.values()
            )
            notes.append(
                f"{model}: steps {_ranges(pooled)} pooled residuals of neighbouring "
                f"steps (fewer than {min_n} per step)"
                + (
                    f"; each step's {level_label(max(levels))}% band pooled most "
                    "of the steps, so it hardly widens with the horizon (more folds "
                    "give each step errors of its own)"
                    if flat
                    else ""
                )
            )
        for lv in levels:
            unbounded = [s for s, (q, _) in table.items() if math.isinf(q[lv])]
            if unbounded:
                n_all = sum(len(r) for r in by_step.values())
                notes.append(
                    f"{model}: the {level_label(lv)}% interval is unbounded: "
                    f"{n_all} residuals, at least {min_residuals(lv)} needed "
                    f"(run more folds or lower the level)"
                )
        order = sorted(levels)
        for low, high in zip(order, order[1:], strict=False):
            same = [
                s
                for s, (q, _) in table.items()
                if math.isfinite(q[high]) and q[low] == q[high]
            ]
            if same:
                notes.append(
                    f"{model}: at {plural(len(same), 'step')} ({_ranges(same)}) the "
                    f"{level_label(low)}% and {level_label(high)}% bands are the "
                    "same: too few backtest errors there to tell the levels apart "
                    "(run more folds)"
                )
        for i in rows:
            step = min(max(int(steps[i]), min(by_step)), max_step)
            q, pooling = table[step]
            for lv in levels:
                calib_steps[lv][i], n_calib[lv][i] = pooling[lv]
                if math.isfinite(q[lv]):
                    lower[lv][i] = forecast[i] - q[lv]
                    upper[lv][i] = forecast[i] + q[lv]

    for lv in levels:
        fut[lower_column(lv)] = lower[lv]
        fut[upper_column(lv)] = upper[lv]
    for lv in levels:
        steps_col, n_col = calibration_columns(lv)
        fut[steps_col] = calib_steps[lv]
        fut[n_col] = n_calib[lv]
    first = ["model", "timestamp", "step", "forecast"]
    bands = [c for lv in levels for c in (lower_column(lv), upper_column(lv))]
    calib = [c for lv in levels for c in calibration_columns(lv)]
    rest = [c for c in fut.columns if c not in first + bands + calib]
    out = fut[first + bands + rest + calib].reset_index(drop=True)
    out.attrs = {"levels": list(levels), "notes": notes}
    for note in notes:
        logger.info("conformal intervals: %s", note)
    return out


def interval_coverage(
    backtest_forecasts: pd.DataFrame,
    levels: Sequence[float] = (0.8, 0.95),
    *,
    scheme: Literal["forward", "leave-one-fold-out"] = "forward",
    min_per_step: int | None = None,
) -> pd.DataFrame:
    """Measure how often conformal intervals cover held-out actuals, fold by fold.

    The intervals for fold ``k`` are calibrated (with the same per-step pooling as
    :func:`conformal_intervals`) on residuals that exclude fold ``k``, then checked
    against fold ``k``'s actuals, so the coverage is an out-of-sample estimate:

    - ``"forward"`` (default): only folds *before* ``k`` (by cutoff) calibrate, as
      when the future intervals are built from past errors. The first fold is not
      scored. This reveals drift, e.g. errors that grow over time.
    - ``"leave-one-fold-out"``: all other folds calibrate. More points are scored,
      but when every step has its own residuals the coverage comes out at about
      ``ceil(F * level) / F`` for ``F`` folds whatever the data (a rank identity);
      it then mainly checks the pooling of steps, not the method.

    With few folds the estimate is noisy; prefer many folds for a real check.

    Args:
        backtest_forecasts: tidy backtest forecasts with columns model, fold, step,
            actual, forecast (and cutoff, used to order folds when present).
        levels: nominal coverage levels, each ``0 < level < 1``.
        scheme: "forward" or "leave-one-fold-out", as above.
        min_per_step: as in :func:`conformal_intervals`.

    Returns:
        One row per model and level, columns model, level (nominal), coverage (share
        of scored points inside their interval; NaN if none), mean_width (mean
        ``upper - lower``), n (points scored with a bounded interval), n_unbounded
        (points left out because the calibration folds held too few residuals for a
        bounded interval at that level). ``attrs["scheme"]`` names the scheme and
        ``attrs["notes"]`` explains NaN rows and unbounded points.

    Raises:
        DataError: if a required column is missing.
        ParameterError: if a level is outside (0, 1) or the scheme is unknown.
    """
    if scheme not in ("forward", "leave-one-fold-out"):
        raise ParameterError(
            f"scheme must be 'forward' or 'leave-one-fold-out', got {scheme!r}"
        )
    levels = check_levels(levels)
    bt = _check_frame(backtest_forecasts, BACKTEST_COLUMNS, "backtest_forecasts")
    _min_per_step(levels, min_per_step)  # checks it
    rows: list[dict] = []
    notes: list[str] = []
    for model, frame in _scored(bt).groupby("model", sort=False):
        stats = {lv: {"hits": 0, "n": 0, "width": 0.0, "unbounded": 0} for lv in levels}
        if (n_folds := frame["fold"].nunique()) < 2:
            notes.append(f"{model}: coverage needs at least 2 folds, got {n_folds}")
        for _, resid, q in _held_out(frame, levels, scheme, min_per_step):
            for lv in levels:
                s = stats[lv]
                if math.isinf(q[lv]):
                    s["unbounded"] += 1
                    continue
                s["n"] += 1
                s["hits"] += abs(resid) <= q[lv]
                s["width"] += 2.0 * q[lv]
        for lv in levels:
            s = stats[lv]
            rows.append(
                {
                    "model": model,
                    "level": lv,
                    "coverage": s["hits"] / s["n"] if s["n"] else np.nan,
                    "mean_width": s["width"] / s["n"] if s["n"] else np.nan,
                    "n": s["n"],
                    "n_unbounded": s["unbounded"],
                }
            )
            if s["unbounded"]:
                notes.append(
                    f"{model}: {s['unbounded']} held-out points had an unbounded "
                    f"{level_label(lv)}% interval (too few residuals to calibrate on)"
                )
    out = pd.DataFrame(
        rows, columns=["model", "level", "coverage", "mean_width", "n", "n_unbounded"]
    )
    out.attrs = {"levels": list(levels), "scheme": scheme, "notes": notes}
    return out


def backtest_intervals(
    backtest_forecasts: pd.DataFrame,
    levels: Sequence[float] = (0.8, 0.95),
    *,
    min_per_step: int | None = None,
) -> pd.DataFrame:
    """The backtest forecasts with the conformal bounds that
    :func:`interval_coverage` checks them against: each fold's bounds calibrated
    on the earlier folds' errors only ("forward"), so a reader can recount the
    coverage. The first fold, and points with too few earlier errors for a level,
    have no bounds (NaN).

    Args:
        backtest_forecasts: tidy backtest forecasts (model, fold, step, actual,
            forecast, and cutoff to order folds when present).
        levels: nominal coverage levels, each ``0 < level < 1``.
        min_per_step: as in :func:`conformal_intervals`.

    Returns:
        ``backtest_forecasts`` with ``lower_<pct>`` and ``upper_<pct>`` per level.
    """
    levels = check_levels(levels)
    out = _check_frame(
        backtest_forecasts, BACKTEST_COLUMNS, "backtest_forecasts"
    ).reset_index(drop=True)
    _min_per_step(levels, min_per_step)  # checks it
    scored = _scored(out)
    for lv in levels:
        out[lower_column(lv)] = np.nan
        out[upper_column(lv)] = np.nan
    for _, frame in scored.groupby("model", sort=False):
        for row, _, q in _held_out(frame, levels, "forward", min_per_step):
            centre = float(out.at[row, "forecast"])
            for lv in levels:
                if math.isfinite(q[lv]):
                    out.at[row, lower_column(lv)] = centre - q[lv]
                    out.at[row, upper_column(lv)] = centre + q[lv]
    return out


def _scored(bt: pd.DataFrame) -> pd.DataFrame:
    """The backtest rows with a finite error, with it as ``residual``."""
    bt = bt.assign(residual=bt["actual"] - bt["forecast"])
    return bt[np.isfinite(bt["residual"].to_numpy(dtype=float))]


def _held_out(
    frame: pd.DataFrame,
    levels: Sequence[float],
    scheme: str,
    min_per_step: int | None,
) -> Iterator[tuple[Any, float, dict[float, float]]]:
    """One model's held-out backtest points, each as (its row label, its
    residual, the half-width per level calibrated without its fold: on the
    earlier folds ("forward") or all others ("leave-one-fold-out"); inf where
    too few residuals). The first fold is not held out under "forward"."""
    order = "cutoff" if "cutoff" in frame.columns else "fold"
    folds = list(frame.groupby("fold")[order].min().sort_values(kind="stable").index)
    for k, fold in enumerate(folds):
        calib_folds = folds[:k] if scheme == "forward" else folds[:k] + folds[k + 1 :]
        if not calib_folds:
            continue
        held = frame[frame["fold"] == fold]
        calib = _residuals_by_step(frame[frame["fold"].isin(calib_folds)])
        table = _level_tables(calib, levels, min_per_step)
        lo, hi = min(calib), max(calib)
        for row, step, resid in zip(
            held.index, held["step"], held["residual"], strict=True
        ):
            yield row, float(resid), table[min(max(int(step), lo), hi)][0]


def model_intervals(
    fitted: Mapping[str, object], levels: Sequence[float] = (0.8, 0.95)
) -> pd.DataFrame:
    """Collect the models' own prediction intervals, where a model has them.

    A fitted model that offers ``predict_interval(levels)`` (ETS) contributes its
    model-based bounds; the others have none and are left out. These bounds hold if
    the model is right; the conformal intervals (:func:`conformal_intervals`) are
    the ones every model gets and is compared by, so these are shown beside them.

    Args:
        fitted: models fitted on the whole series, by name (``Comparison.fitted``).
        levels: coverage levels, each ``0 < level < 1``.

    Returns:
        Tidy ``model, timestamp, step, forecast, lower_<pct>, upper_<pct>, ...,
        method`` (``"exact"`` or ``"simulated"``), one row per model and step;
        models whose bounds are all missing are left out. ``attrs["levels"]`` lists
        the levels and ``attrs["notes"]`` the models' notes (simulated paths, a
        fallback without model intervals, ...).

    Raises:
        ParameterError: a level outside (0, 1).
    """
    levels = check_levels(levels)
    bands = [c for lv in levels for c in (lower_column(lv), upper_column(lv))]
    columns = ["model", "timestamp", "step", "forecast", *bands, "method"]
    frames: list[pd.DataFrame] = []
    notes: list[str] = []
    for name, model in fitted.items():
        method = getattr(model, "predict_interval", None)
        if method is None or getattr(model, "series_models_", None):
            continue
        table = method(levels)
        notes += [
            note.replace(f"{model.display_name}:", f"{name}:", 1)
            for note in table.attrs.get("notes", [])
        ]
        if table[bands].isna().all(axis=None):
            continue
        frames.append(
            pd.DataFrame(
                {
                    "model": name,
                    "timestamp": table.index,
                    "step": np.arange(1, len(table) + 1),
                    "forecast": table["forecast"].to_numpy(dtype=float),
                    **{c: table[c].to_numpy(dtype=float) for c in bands},
                    "method": table.attrs.get("method"),
                }
            )
        )
    out = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=columns)
    )
    out.attrs = {"levels": list(levels), "notes": notes}
    for note in notes:
        logger.info("model intervals: %s", note)
    return out


def raise_to_floor(frame: pd.DataFrame, floor: float | None) -> pd.DataFrame:
    """``frame`` with its ``forecast``, ``lower_<pct>`` and ``upper_<pct>``
    values below ``floor`` raised to it (missing ones stay missing); ``frame``
    itself when ``floor`` is None. For amounts that cannot go below a floor (0
    for counts and sales): a forecast or a bound under it says nothing the floor
    does not (a model's own upper bound can lie under it too)."""
    if floor is None or frame.empty:
        return frame
    out = frame.copy()
    for col in out.columns:
        if col == "forecast" or str(col).startswith(("lower_", "upper_")):
            out[col] = raise_values(out[col].to_numpy(dtype=float), floor)
    return out


def raise_values(values: Any, floor: float) -> np.ndarray:
    """``values`` as floats, those below ``floor`` raised to it (NaN stays NaN)."""
    v = np.asarray(values, dtype=float)
    return np.where(v < floor, floor, v)


def check_floor(floor: object, values: np.ndarray | None = None) -> float | None:
    """A floor for forecasts (None: none) as a float; ``values`` (the history)
    must not go below it.

    Raises:
        ParameterError: not a finite number, or the history goes below it.
    """
    if floor is None:
        return None
    if isinstance(floor, bool) or not isinstance(floor, (int, float, np.number)):
        raise ParameterError(f"floor must be a number or None, got {floor!r}")
    floor = float(floor)
    if not math.isfinite(floor):
        raise ParameterError(f"floor must be a finite number, got {floor}")
    if values is not None:
        low = np.nanmin(values) if np.isfinite(values).any() else math.nan
        if low < floor:
            raise ParameterError(
                f"the series goes below the floor of {floor:g} (its lowest value is "
                f"{low:.6g}): a floor is for amounts that cannot go below it; "
                "choose no floor, or one at or below the lowest value"
            )
    return floor


# --- helpers -------------------------------------------------------------------------


def _check_level(level: float) -> float:
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise ParameterError(f"interval level {level!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise ParameterError(
            f"interval level {level!r} must be strictly between 0 and 1 (e.g. 0.8)"
        )
    return value


def check_levels(levels: Sequence[float] | float) -> list[float]:
    """Return the interval levels sorted and without repeats.

    Raises:
        ParameterError: a level is not a number strictly between 0 and 1, or none
            is given.
    """
    if isinstance(levels, int | float):
        levels = [levels]
    out = sorted({_check_level(lv) for lv in levels})
    if not out:
        raise ParameterError(
            "give at least one interval level, e.g. levels=(0.8, 0.95)"
        )
    labels = [level_label(lv) for lv in out]
    for a, b, label in zip(out, out[1:], labels[1:], strict=False):
        if level_label(a) == label:
            raise ParameterError(
                f"levels {a!r} and {b!r} are both the {label}% interval (their "
                "columns would share a name); give each level once"
            )
    return out


def _check_frame(df: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"{what} lacks column(s) {', '.join(map(repr, missing))}; "
            f"expected {', '.join(columns)}"
        )
    return df


def _min_per_step(levels: Sequence[float], min_per_step: int | None) -> int:
    if min_per_step is None:
        return min_residuals(max(levels))
    if int(min_per_step) < 1:
        raise ParameterError(f"min_per_step must be at least 1, got {min_per_step}")
    return int(min_per_step)


def _residuals_by_step(frame: pd.DataFrame) -> dict[int, np.ndarray]:
    resid = (frame["actual"] - frame["forecast"]).to_numpy(dtype=float)
    steps = frame["step"].to_numpy(dtype=int)
    keep = np.isfinite(resid)
    resid, steps = resid[keep], steps[keep]
    return {int(s): resid[steps == s] for s in np.unique(steps)}


def _residuals_by_model_step(bt: pd.DataFrame) -> dict[object, dict[int, np.ndarray]]:
    out = {}
    for model, frame in bt.groupby("model", sort=False):
        by_step = _residuals_by_step(frame)
        if by_step:
            out[model] = by_step
    return out


def _level_tables(
    by_step: dict[int, np.ndarray],
    levels: Sequence[float],
    min_per_step: int | None,
) -> dict[int, tuple[dict[float, float], dict[float, tuple[str, int]]]]:
    """:func:`_step_table` with each level pooled on its own (``min_per_step``
    None) or all alike: per step, each level's quantile, raised to the level
    below's where it falls under it (nested bands), and each level's pooling
    (the label of the steps pooled and the count of their residuals)."""
    ordered = sorted(levels)
    tables = {
        lv: _step_table(by_step, [lv], _min_per_step([lv], min_per_step))
        for lv in ordered
    }
    out = {}
    for step in tables[ordered[-1]]:
        q: dict[float, float] = {}
        floor = 0.0
        for lv in ordered:
            floor = max(tables[lv][step][2][lv], floor)
            q[lv] = floor
        pooling = {lv: tables[lv][step][:2] for lv in ordered}
        out[step] = (q, pooling)
    return out


def _step_table(
    by_step: dict[int, np.ndarray], levels: Sequence[float], min_n: int
) -> dict[int, tuple[str, int, dict[float, float]]]:
    """Map each step to (label of the steps used, residual count, level -> quantile).

    Steps are pooled symmetrically (s - r .. s + r, clipped to the steps present) with
    the smallest radius that reaches ``min_n`` residuals, or all steps.
    """
    steps = sorted(by_step)
    lo, hi = steps[0], steps[-1]
    table = {}
    for s in range(lo, hi + 1):
        radius = 0
        while True:
            window = [t for t in steps if s - radius <= t <= s + radius]
            pooled = np.concatenate([by_step[t] for t in window]) if window else []
            if len(pooled) >= min_n or (s - radius <= lo and s + radius >= hi):
                break
            radius += 1
        if len(window) == len(steps) and len(steps) > 1:
            label = "all"
        elif len(window) == 1:
            label = str(window[0])
        else:
            label = f"{window[0]}-{window[-1]}"
        q = {lv: conformal_quantile(pooled, lv) for lv in levels}
        table[s] = (label, len(pooled), q)
    return table


def _span(label: str, steps: int) -> int:
    """How many steps a pooling label ("3", "2-6", "all") covers."""
    if label == "all":
        return steps
    first, _, last = label.partition("-")
    return int(last or first) - int(first) + 1


def _ranges(values: Sequence[int]) -> str:
    """Format sorted integers compactly: [1, 2, 3, 7] -> "1-3, 7"."""
    parts: list[str] = []
    start = prev = values[0]
    for v in values[1:]:
        if v != prev + 1:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = v
        prev = v
    parts.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(parts)
