"""Accuracy and speed benchmark: ``python -m bench.run`` writes RESULTS.md and JSON.

Rolling-origin backtests of our models and the statsforecast references on the bundled
datasets, the wall time of the default compare (every default model), and training
memory on a long series. Each probe runs in a subprocess so that timings and peak RSS
are its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from convlstm import datasets
from convlstm.backtest import backtest
from convlstm.compare import make_model
from convlstm.data import season_length, seasonal_periods
from convlstm.metrics import mase
from convlstm.models.registry import default_models, model_names

from . import references

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent

ARTICLE = ("air_passengers", "co2", "electricity")
OTHERS = ("beer", "wine", "sunspots")
# our models: the registry's default set, and its neural ones (run once per seed)
OURS = default_models()
NEURAL = model_names(kind="neural")
# our baselines among them, then the outside references: what the neural models
# are measured against
OURS_STAT = tuple(m for m in OURS if m in model_names(baseline=True))
STAT_MODELS = (
    *OURS_STAT,
    "AutoARIMA",
    "AutoETS",
    "AutoTheta",
    "MSTL-ETS",
    "MSTL-ARIMA",
)
SPEED_LIMITS = {"air_passengers": 10.0, "electricity": 60.0}
# Training overhead allowed per extra point of series: a dozen float64 copies of the
# series; materialised (lookback + horizon) windows would cost 8 * (L + H) bytes.
MEMORY_BYTES_PER_POINT = 100.0
MEMORY_POINTS = (10_000, 1_000_000)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data and metrics


def load_dataset(name: str) -> tuple[pd.Series, int, int]:
    """Return a bundled series with its default horizon and folds."""
    y = datasets.load(name)
    info = datasets.info(name)
    return y, int(info.horizon), int(info.folds)


def dataset_names() -> list[str]:
    """All bundled dataset names (article datasets first)."""
    names = list(datasets.names())
    return [n for n in (*ARTICLE, *OTHERS) if n in names] + [
        n for n in names if n not in ARTICLE + OTHERS
    ]


def seasons(y: pd.Series) -> tuple[int, tuple[int, ...]]:
    """Main season length and all seasonal cycles of ``y`` (from convlstm.data)."""
    return int(season_length(y.index)), tuple(int(p) for p in seasonal_periods(y.index))


def pooled_mae(a: np.ndarray, f: np.ndarray) -> float:
    """Mean absolute error over every point of ``a`` and ``f`` (aligned arrays)."""
    return float(np.mean(np.abs(a - f)))


def score(forecasts: pd.DataFrame, y: pd.Series, m: int) -> dict[str, dict[str, float]]:
    """Score tidy forecasts as ``convlstm.backtest`` does, for every model alike.

    MAE and RMSE pool every test point; MASE is the mean over folds of each fold's
    MASE, scaled by the seasonal naive in-sample error of that fold's training part.

    Returns:
        ``model -> {"mae", "rmse", "mase"}``.
    """
    values = y.to_numpy(dtype=float)
    position = {ts: i for i, ts in enumerate(y.index)}
    out: dict[str, dict[str, float]] = {}
    for model, frame in forecasts.groupby("model", sort=False):
        a = frame["actual"].to_numpy(dtype=float)
        f = frame["forecast"].to_numpy(dtype=float)
        if not np.isfinite(f).all():
            out[str(model)] = dict.fromkeys(("mae", "rmse", "mase"), math.nan)
            continue
        mases = []
        for _, fold in frame.groupby("fold"):
            train = values[: position[fold["cutoff"].iloc[0]] + 1]
            mases.append(
                mase(
                    fold["actual"].to_numpy(dtype=float),
                    fold["forecast"].to_numpy(dtype=float),
                    train,
                    season_length=m,
                )
            )
        out[str(model)] = {
            "mae": pooled_mae(a, f),
            "rmse": float(np.sqrt(np.mean((a - f) ** 2))),
            "mase": float(np.mean(mases)),
        }
    return out


def fold_signature(forecasts: pd.DataFrame) -> list[list[str]]:
    """``[fold, cutoff, first test timestamp, last test timestamp]`` of each fold."""
    rows = []
    for fold, frame in forecasts.groupby("fold"):
        rows.append(
            [
                str(int(fold)),
                str(frame["cutoff"].iloc[0]),
                str(frame["timestamp"].min()),
                str(frame["timestamp"].max()),
            ]
        )
    return rows


def series_digest(y: pd.Series) -> str:
    """A short hash of a series' timestamps and values (keys the reference cache)."""
    h = hashlib.sha256(np.ascontiguousarray(y.to_numpy(dtype=float)).tobytes())
    h.update(str(y.index[0]).encode() + str(y.index.freq).encode())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- our models


def run_ours(
    y: pd.Series,
    horizon: int,
    folds: int,
    *,
    models: Iterable[str] = OURS,
    seeds: Iterable[int] = (0, 1, 2),
    log: Callable[[str], None] = _log,
) -> tuple[dict[str, dict[str, Any]], pd.DataFrame | None]:
    """Backtest our models through ``convlstm.backtest`` (neural ones once per seed).

    Returns:
        ``model -> entry`` (metrics, fit seconds, per-seed results, or ``error``)
        and the tidy forecasts of the deterministic models (for the fold check).
    """
    m, _ = seasons(y)
    models = list(models)
    seeds = list(seeds)
    entries: dict[str, dict[str, Any]] = {}
    plain = [name for name in models if name not in NEURAL]
    frame = None
    built: dict[str, Any] = {}
    for name in plain:
        try:
            built[name] = make_model(name, horizon=horizon)
        except ImportError as exc:
            entries[name] = {"error": f"not available: {exc!r}"}
    if built:
        start = time.perf_counter()
        result = backtest(built, y, horizon, folds)
        log(f"  {', '.join(built)}: {time.perf_counter() - start:.1f}s")
        frame = result.forecasts
        scores = score(frame, y, m)
        for name in built:
            entries[name] = {
                **scores[name],
                "fit_seconds": float(result.summary.loc[name, "fit_seconds"]),
                "source": "convlstm.backtest",
                "settings": repr(built[name]),
            }
            _check_summary(entries[name], result.summary.loc[name], log)

    for name in [n for n in models if n in NEURAL]:
        runs = []
        for seed in seeds:
            try:
                model = make_model(name, horizon=horizon, seed=seed)
            except ImportError as exc:
                entries[name] = {"error": f"not available: {exc!r}"}
                break
            start = time.perf_counter()
            result = backtest({name: model}, y, horizon, folds)
            wall = time.perf_counter() - start
            s = score(result.forecasts, y, m)[name]
            run = {
                "seed": seed,
                **s,
                "fit_seconds": float(result.summary.loc[name, "fit_seconds"]),
            }
            _check_summary(run, result.summary.loc[name], log)
            runs.append(run)
            log(f"  {name} seed {seed}: MAE {s['mae']:.4g} ({wall:.1f}s)")
        if runs:
            entries[name] = {
                **_seed_stats(runs),
                "source": "convlstm.backtest",
                "settings": repr(make_model(name, horizon=horizon)),
            }
    return entries, frame


def _seed_stats(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean of each metric over seeds plus the spread of MAE."""
    mae = np.array([r["mae"] for r in runs], dtype=float)
    return {
        "mae": float(mae.mean()),
        "rmse": float(np.mean([r["rmse"] for r in runs])),
        "mase": float(np.mean([r["mase"] for r in runs])),
        "fit_seconds": float(np.mean([r["fit_seconds"] for r in runs])),
        "mae_std": float(mae.std(ddof=1)) if mae.size > 1 else 0.0,
        "mae_min": float(mae.min()),
        "mae_max": float(mae.max()),
        "seeds": runs,
    }


def _check_summary(entry: dict[str, Any], row: pd.Series, log: Callable) -> None:
    """Warn when the bench's scoring disagrees with the backtest summary."""
    for key in ("mae", "rmse", "mase"):
        ours, theirs = entry[key], float(row[key])
        if not math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-9):
            entry.setdefault("warnings", []).append(
                f"bench {key} {ours:.6g} != backtest summary {theirs:.6g}"
            )
            log(f"  WARNING: bench {key} {ours:.6g} != backtest {theirs:.6g}")


# ---------------------------------------------------------------- references


def reference_key(y: pd.Series, horizon: int, folds: int) -> dict[str, Any]:
    """What a cached reference result must match to be reused."""
    m, periods = seasons(y)
    return {
        "n": len(y),
        "horizon": horizon,
        "folds": folds,
        "season_length": m,
        "seasonal_periods": list(periods),
        "data": series_digest(y),
    }


def run_reference_models(
    y: pd.Series,
    horizon: int,
    folds: int,
    log: Callable[[str], None] = _log,
    only: list[str] | None = None,
) -> dict[str, Any]:
    """Run the statsforecast references on the backtest folds; JSON-ready."""
    m, periods = seasons(y)
    raw = references.run_references(y, horizon, folds, m, periods, only=only, log=log)
    models: dict[str, Any] = {}
    signature = None
    for name, entry in raw.items():
        if entry["error"] is not None:
            models[name] = {"settings": entry["settings"], "error": entry["error"]}
            continue
        frame = entry["forecasts"]
        signature = fold_signature(frame)
        models[name] = {
            **score(frame, y, m)[name],
            "fit_seconds": float(sum(entry["fold_seconds"])),
            "fold_seconds": [round(s, 4) for s in entry["fold_seconds"]],
            "settings": entry["settings"],
            "forecast": [float(f"{v:.8g}") for v in frame["forecast"]],
        }
    return {
        "key": reference_key(y, horizon, folds),
        "statsforecast": references.statsforecast_version(),
        "measured": measured_stamp(),
        "folds": signature,
        "models": models,
    }


# ---------------------------------------------------------------- probes


def speed_probe(name: str) -> dict[str, Any]:
    """Wall time of ``compare`` with default models and parameters on a dataset."""
    import torch

    code = code_state()
    from convlstm.compare import compare

    y, horizon, folds = load_dataset(name)
    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    result = compare(y, horizon=horizon, folds=folds)
    seconds = time.perf_counter() - start
    return {
        "dataset": name,
        "code": code,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "loadavg_at_start": round(load, 2),
        "horizon": horizon,
        "folds": folds,
        "models": list(result.summary.index),
        "device": result.device,
        "torch_threads": torch.get_num_threads(),
        "fit_seconds": {
            k: round(float(v), 3) for k, v in result.summary["fit_seconds"].items()
        },
    }


def memory_probe(points: int) -> dict[str, Any]:
    """Peak RSS of fitting a default ConvLSTM (2 epochs) on a synthetic series.

    The series is half-hourly: daily and weekly sines plus noise. ``ru_maxrss`` is
    read after building the series (baseline) and after fit + predict (peak).
    """
    code = code_state()
    import torch

    from convlstm.models.neural import ConvLSTMForecaster

    rng = np.random.default_rng(0)
    t = np.arange(points, dtype=float)
    values = (
        100.0
        + 10.0 * np.sin(2 * np.pi * t / 48)
        + 5.0 * np.sin(2 * np.pi * t / 336)
        + rng.normal(0.0, 1.0, points)
    )
    index = pd.date_range("2000-01-03", periods=points, freq="30min")
    y = pd.Series(values, index=index, name="load")
    del t, values
    baseline = _maxrss_mb()
    model = ConvLSTMForecaster(epochs=2)
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(y)
    fit_seconds = time.perf_counter() - start
    model.predict()
    return {
        "points": points,
        "code": code,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _maxrss_mb(),
        "fit_seconds": fit_seconds,
        "fit_cpu_seconds": time.process_time() - cpu,
        "params": {k: repr(v) for k, v in model.get_params().items()},
        "lookback": int(getattr(model, "lookback_", -1)),
        "torch_threads": torch.get_num_threads(),
    }


def _maxrss_mb() -> float:
    """Peak RSS of this process in MB: ``VmHWM`` where Linux gives it, which starts
    afresh at ``exec``; ``ru_maxrss`` survives ``exec``, so a probe started from a
    parent that had grown (a run that measured accuracy first) reported the
    parent's peak as its own (655 MB at 10,000 and 1,000,000 points alike)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # KiB
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_probe(flag: str, arg: str, timeout: float) -> dict[str, Any]:
    """Run a probe in a fresh interpreter; its last stdout line is JSON."""
    cmd = [sys.executable, "-m", "bench.run", flag, arg]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s", "arg": arg}
    wall = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: {' | '.join(tail)}", "arg": arg}
    out = json.loads(lines[-1])
    out["process_seconds"] = wall
    return out


# ---------------------------------------------------------------- provenance


def measured_stamp() -> dict[str, Any]:
    """When, and on which code and machine load, a number was measured."""
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code_state(),
        "loadavg_1min": round(os.getloadavg()[0], 2),
    }


@functools.cache
def code_state() -> str:
    """Git HEAD plus a hash of the library sources (the tree may be uncommitted).

    Cached: taken once per process, at its start (before the models are
    imported), since colleagues may edit the sources while a run goes on.
    """
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        head = "?"
    h = hashlib.sha256()
    for path in sorted((ROOT / "convlstm").rglob("*.py")):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return f"HEAD {head or '?'} + convlstm/ sources sha256:{h.hexdigest()[:12]}"


def machine() -> dict[str, Any]:
    """Cores, CPU model, RAM and package versions."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {"python": platform.python_version()}
    for pkg in ("torch", "numpy", "pandas", "statsmodels", "statsforecast"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {
        "cores": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram": ram,
        "platform": platform.platform(),
        "versions": versions,
    }


# ---------------------------------------------------------------- analysis


def assemble(datasets: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Merge our entries and the references of each dataset and add MAE ratios.

    Returns:
        ``dataset -> {"models": {name: entry + "ratio"}, "best_stat": name}``.
    """
    table: dict[str, dict[str, Any]] = {}
    for name, d in datasets.items():
        models: dict[str, dict[str, Any]] = {}
        for model, entry in d.get("ours", {}).items():
            models[model] = dict(entry)
        ref = d.get("references") or {}
        key = ref.get("key", {})
        if all(key.get(k) == d.get(k) for k in ("n", "horizon", "folds")):
            for model, entry in ref.get("models", {}).items():
                models[model] = {k: v for k, v in entry.items() if k != "forecast"}
        stats = {
            k: v["mae"]
            for k, v in models.items()
            if k in STAT_MODELS and _finite(v.get("mae"))
        }
        best = min(stats, key=stats.get) if stats else None
        for entry in models.values():
            if best is not None and _finite(entry.get("mae")):
                entry["ratio"] = entry["mae"] / stats[best]
        table[name] = {"models": models, "best_stat": best}
    return table


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def geomeans(table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Geometric mean of MAE / best-stat ratios per model over dataset groups."""
    groups = {
        "article": [d for d in ARTICLE if d in table],
        "others": [d for d in OTHERS if d in table],
        "all": list(table),
    }
    names: list[str] = []
    for d in table.values():
        names += [m for m in d["models"] if m not in names]
    out: dict[str, dict[str, Any]] = {}
    for model in names:
        out[model] = {}
        for group, members in groups.items():
            ratios = [
                table[d]["models"][model]["ratio"]
                for d in members
                if model in table[d]["models"] and "ratio" in table[d]["models"][model]
            ]
            out[model][group] = {
                "geomean": float(np.exp(np.mean(np.log(ratios)))) if ratios else None,
                "datasets": len(ratios),
                "of": len(members),
            }
    return out


def targets(
    table: dict[str, dict[str, Any]],
    gm: dict[str, dict[str, Any]],
    speed: dict[str, Any],
    memory: dict[str, Any],
) -> list[dict[str, Any]]:
    """Judge each target from the issue: met True/False, None when unmeasured."""
    out: list[dict[str, Any]] = []

    def mae(d: str, model: str) -> float | None:
        v = table.get(d, {}).get("models", {}).get(model, {}).get("mae")
        return v if _finite(v) else None

    for d in ARTICLE:
        conv, arima = mae(d, "ConvLSTM"), mae(d, "ARIMA")
        best = table.get(d, {}).get("best_stat")
        best_mae = mae(d, best) if best else None
        if conv is None or arima is None:
            out.append(_target(f"{d}: ConvLSTM MAE >= 20% below ARIMA", None, "n/a"))
        else:
            cut = 1 - conv / arima
            out.append(
                _target(
                    f"{d}: ConvLSTM MAE >= 20% below ARIMA",
                    cut >= 0.20,
                    f"{abs(cut):.1%} {'below' if cut >= 0 else 'above'} ARIMA "
                    f"(ConvLSTM {conv:.4g}, ARIMA {arima:.4g})",
                )
            )
        if conv is None or best_mae is None:
            out.append(_target(f"{d}: ConvLSTM below best statistical", None, "n/a"))
        else:
            out.append(
                _target(
                    f"{d}: ConvLSTM below best statistical",
                    conv < best_mae,
                    f"ratio {conv / best_mae:.3f} to {best} ({best_mae:.4g})",
                )
            )
    g = gm.get("ConvLSTM", {}).get("others", {})
    if g.get("geomean") is None:
        out.append(_target("others: geomean ConvLSTM / best stat <= 1.0", None, "n/a"))
    else:
        out.append(
            _target(
                "others: geomean ConvLSTM / best stat <= 1.0",
                g["geomean"] <= 1.0 and g["datasets"] == g["of"],
                f"{g['geomean']:.3f} over {g['datasets']}/{g['of']} datasets",
            )
        )
    for d in ARTICLE:
        conv, lstm = mae(d, "ConvLSTM"), mae(d, "LSTM")
        if conv is None or lstm is None:
            out.append(_target(f"{d}: ConvLSTM better than LSTM", None, "n/a"))
        else:
            out.append(
                _target(
                    f"{d}: ConvLSTM better than LSTM",
                    conv < lstm,
                    f"ConvLSTM {conv:.4g} vs LSTM {lstm:.4g} (ratio {conv / lstm:.3f})",
                )
            )
    # the LSTM is the ConvLSTM's ablation (same set-up, another cell): it must beat
    # seasonal naive wherever the ConvLSTM does
    where = [
        d
        for d in table
        if None not in (mae(d, "ConvLSTM"), mae(d, "Seasonal naive"))
        and mae(d, "ConvLSTM") < mae(d, "Seasonal naive")
    ]
    what = "LSTM below seasonal naive wherever the ConvLSTM is"
    if not where or any(mae(d, "LSTM") is None for d in where):
        out.append(_target(what, None, "n/a"))
    else:
        losing = [d for d in where if mae(d, "LSTM") >= mae(d, "Seasonal naive")]
        out.append(
            _target(
                what,
                not losing,
                f"on {len(where) - len(losing)}/{len(where)} datasets"
                + (f" (not on {', '.join(losing)})" if losing else ""),
            )
        )
    for d, limit in SPEED_LIMITS.items():
        s = speed.get(d)
        what = f"{d}: default compare < {limit:.0f} s"
        if not s or "seconds" not in s:
            out.append(_target(what, None, (s or {}).get("error", "not measured")))
        else:
            out.append(
                _target(
                    what,
                    s["seconds"] < limit,
                    f"{s['seconds']:.1f} s wall, {_fmt(s.get('cpu_seconds'), 3)} s "
                    f"CPU, load {s.get('loadavg_at_start', '?')} (shared machine)",
                )
            )
    big, small = memory.get(str(MEMORY_POINTS[1])), memory.get(str(MEMORY_POINTS[0]))
    what = "1M-point series trains in bounded memory"
    if not big or not small or "peak_rss_mb" not in big or "peak_rss_mb" not in small:
        err = (big or {}).get("error") or (small or {}).get("error") or "not measured"
        out.append(_target(what, None if err == "not measured" else False, err))
    else:
        extra = (big["peak_rss_mb"] - small["peak_rss_mb"]) * 1024**2
        per_point = extra / (MEMORY_POINTS[1] - MEMORY_POINTS[0])
        out.append(
            _target(
                what,
                per_point <= MEMORY_BYTES_PER_POINT,
                f"peak {big['peak_rss_mb']:.0f} MB vs {small['peak_rss_mb']:.0f} MB "
                f"at 10k: {per_point:.0f} B per extra point "
                f"(limit {MEMORY_BYTES_PER_POINT:.0f})",
            )
        )
    return out


def _target(what: str, met: bool | None, measured: str) -> dict[str, Any]:
    return {"target": what, "met": met, "measured": measured}


# ---------------------------------------------------------------- report


def _fmt(x: Any, digits: int = 4) -> str:
    if not _finite(x):
        return "-"
    return f"{x:.{digits}g}" if abs(x) < 10**digits else f"{x:,.0f}"


def _mae_cell(e: dict[str, Any]) -> str:
    if "error" in e and "mae" not in e:
        return "failed"
    if "seeds" in e and len(e["seeds"]) > 1:
        return (
            f"{_fmt(e['mae'])} ± {_fmt(e['mae_std'], 2)} "
            f"({_fmt(e['mae_min'])}-{_fmt(e['mae_max'])})"
        )
    return _fmt(e.get("mae"))


def render(results: dict[str, Any]) -> str:
    """The markdown report."""
    meta = results["meta"]
    mach = meta["machine"]
    table = assemble(results["datasets"])
    gm = geomeans(table)
    tg = targets(table, gm, results.get("speed", {}), results.get("memory", {}))
    lines = [
        "# Benchmark results",
        "",
        "Generated by `bench/run.py`; numbers in `bench/results.json`. "
        "Timings depend on what else the machine was doing: the 1-minute load "
        "average at each measurement is shown beside it and kept in the JSON.",
        "",
        "- Command for everything: `python -m bench.run` (`make bench`); the runs "
        "that produced the numbers below, oldest first (each number's own date and "
        "code state are in its table and in the JSON):",
        *[
            f"  - {r['date']}: `{r['command']}` ({r['code']})"
            for r in results.get("runs", [])[-12:]
        ],
        f"- Machine: {mach['cores']} cores ({mach['affinity']} usable), "
        f"{mach['cpu']}, {mach['ram']} RAM, {mach['platform']}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in mach["versions"].items()),
        "",
        "## Protocol",
        "",
        "Rolling-origin backtest: the last `folds x horizon` points are the test set; "
        "fold k trains on everything before its `horizon` test points. Our models run "
        "through `convlstm.backtest`; the statsforecast references run through "
        "`bench/references.py` on the same folds (checked: same cutoffs and test "
        "timestamps). Every model is scored by the same code: MAE and RMSE pool all "
        "test points, MASE is the mean over folds of the fold's MAE over the seasonal "
        "naive in-sample MAE of its training part. Fit seconds are summed over folds. "
        "Neural models: defaults, seeds "
        f"{results.get('seeds', [0, 1, 2])}; their MAE cell is mean ± std (min-max) "
        "over seeds, other columns are seed means. *ratio* = MAE / MAE of the best "
        "statistical model on that dataset (best of "
        + ", ".join(STAT_MODELS)
        + ", marked *).",
        "",
        "## Targets",
        "",
        "| target | met | measured |",
        "|---|---|---|",
    ]
    for t in tg:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {met} | {t['measured']} |")
    lines += ["", "## Accuracy per dataset", ""]
    for name, d in table.items():
        ds = results["datasets"][name]
        ref = ds.get("references") or {}
        lines += [
            f"### {name}",
            "",
            f"{ds['n']} points, horizon {ds['horizon']}, {ds['folds']} folds, "
            f"season {ds['season_length']} (cycles {ds['seasonal_periods']}). "
            f"Our models measured {ds.get('measured', {}).get('date', '?')} on "
            f"{ds.get('measured', {}).get('code', '?')}; references "
            f"{ref.get('measured', {}).get('date', 'not run')} "
            f"(statsforecast {ref.get('statsforecast', '-')}).",
            "",
            "| model | MAE | RMSE | MASE | fit s | ratio |",
            "|---|---|---|---|---|---|",
        ]
        order = sorted(d["models"], key=lambda k: d["models"][k].get("ratio", math.inf))
        for model in order:
            e = d["models"][model]
            star = " *" if model == d["best_stat"] else ""
            if "mae" not in e:
                lines.append(f"| {model} | failed: {e.get('error', '?')} | | | | |")
                continue
            lines.append(
                f"| {model}{star} | {_mae_cell(e)} | {_fmt(e['rmse'])} | "
                f"{_fmt(e['mase'], 3)} | {_fmt(e.get('fit_seconds'), 3)} | "
                f"{_fmt(e.get('ratio'), 3)} |"
            )
        lines.append("")
    lines += [
        "## Geometric mean of MAE / best statistical",
        "",
        "Article datasets: "
        + ", ".join(ARTICLE)
        + "; others: "
        + ", ".join(OTHERS)
        + ". A model missing on some dataset shows how many it covers.",
        "",
        "| model | article | others | all |",
        "|---|---|---|---|",
    ]
    for model, groups in sorted(
        gm.items(), key=lambda kv: kv[1]["all"]["geomean"] or math.inf
    ):
        cells = []
        for g in ("article", "others", "all"):
            v = groups[g]
            cell = _fmt(v["geomean"], 3)
            if v["geomean"] is not None and v["datasets"] < v["of"]:
                cell += f" ({v['datasets']}/{v['of']})"
            cells.append(cell)
        lines.append(f"| {model} | {' | '.join(cells)} |")
    lines += ["", "## Neural models over seeds", ""]
    lines += ["| dataset | model | MAE per seed | mean | std | min-max | fit s |"]
    lines += ["|---|---|---|---|---|---|---|"]
    for name, d in table.items():
        for model in NEURAL:
            e = d["models"].get(model)
            if not e or "seeds" not in e:
                continue
            per = ", ".join(f"{r['seed']}: {_fmt(r['mae'])}" for r in e["seeds"])
            lines.append(
                f"| {name} | {model} | {per} | {_fmt(e['mae'])} | "
                f"{_fmt(e['mae_std'], 3)} | {_fmt(e['mae_min'])}-{_fmt(e['mae_max'])} "
                f"| {_fmt(e['fit_seconds'], 3)} |"
            )
    lines += _render_speed(results.get("speed", {}))
    lines += _render_memory(results.get("memory", {}))
    lines += _render_notes(results)
    return "\n".join(lines) + "\n"


def _render_speed(speed: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"## Speed: default compare ({len(OURS)} models)",
        "",
        "`convlstm.compare.compare(y, horizon, folds)` with default models and "
        "parameters (backtest plus final refit), timed around the call in a fresh "
        "process (imports excluded).",
        "",
        "| dataset | wall s | CPU s | limit | horizon x folds | fit s per model "
        "| measured |",
        "|---|---|---|---|---|---|---|",
    ]
    for d, limit in SPEED_LIMITS.items():
        s = speed.get(d)
        if not s:
            lines.append(f"| {d} | not measured | | {limit:.0f} | | | |")
        elif "seconds" not in s:
            lines.append(f"| {d} | failed: {s.get('error')} | | {limit:.0f} | | | |")
        else:
            fits = ", ".join(f"{k} {v:.1f}" for k, v in s["fit_seconds"].items())
            m = s.get("measured", {})
            lines.append(
                f"| {d} | {s['seconds']:.1f} | {_fmt(s.get('cpu_seconds'), 3)} | "
                f"{limit:.0f} | {s['horizon']} x "
                f"{s['folds']} | {fits} | {m.get('date', '?')}, load "
                f"{m.get('loadavg_1min', '?')}, {s.get('torch_threads')} "
                "torch threads |"
            )
    return lines


def _render_memory(memory: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Memory: ConvLSTM defaults, 2 epochs, synthetic half-hourly series",
        "",
        "Peak RSS (`VmHWM`, else `ru_maxrss`) of a fresh process: baseline after "
        "building the "
        "series, peak after fit + predict. The training loop draws at most "
        "`max_batches_per_epoch` batches per epoch, so time per epoch is bounded too. "
        f"Bounded means at most {MEMORY_BYTES_PER_POINT:.0f} bytes per extra point "
        "(a few float64 copies of the series); materialised windows would cost "
        "8 x (lookback + horizon) bytes per point.",
        "",
        "| points | baseline MB | peak MB | fit s (CPU s) | lookback | measured |",
        "|---|---|---|---|---|---|",
    ]
    for n in MEMORY_POINTS:
        r = memory.get(str(n))
        if not r:
            lines.append(f"| {n:,} | not measured | | | | |")
        elif "peak_rss_mb" not in r:
            lines.append(f"| {n:,} | failed: {r.get('error')} | | | | |")
        else:
            m = r.get("measured", {})
            lines.append(
                f"| {n:,} | {r['baseline_rss_mb']:.0f} | {r['peak_rss_mb']:.0f} | "
                f"{r['fit_seconds']:.1f} ({_fmt(r.get('fit_cpu_seconds'), 3)}) | "
                f"{r['lookback']} | {m.get('date', '?')}, load "
                f"{m.get('loadavg_1min', '?')} |"
            )
    return lines


def code_state_note(results: dict[str, Any]) -> str:
    """Which code our models' numbers were measured on, and what changed since.

    Generated at every render from the datasets' ``measured`` stamps and git, so it
    cannot go stale the way a hand-written note does.
    """
    heads: dict[str, list[str]] = {}
    for name, d in results["datasets"].items():
        code = (d.get("measured") or {}).get("code", "")
        match = re.match(r"HEAD (\w+)", code)
        if match:
            heads.setdefault(match.group(1), []).append(name)
    if not heads:
        return "Code state: no measurement of our models is recorded."
    parts = []
    for head, names in heads.items():
        since = _commits_since(head)
        changed = (
            "unknown changes since (git not available)"
            if since is None
            else f"{len(since)} commit(s) have changed convlstm/models/ since"
            + (f", e.g. {'; '.join(since[:3])}" if since else "")
        )
        parts.append(f"{', '.join(names)} on HEAD {head} ({changed})")
    return (
        "Code state (generated from the measurement stamps and git at render "
        "time): our models' numbers were measured on "
        + "; ".join(parts)
        + ". Numbers measured before a change to a model do not show that change: "
        "rerun `python -m bench.run --skip-references` to refresh them."
    )


def _commits_since(head: str) -> list[str] | None:
    """Subjects (first 70 characters) of the commits after ``head`` that touch
    convlstm/models/; None when git cannot tell."""
    try:
        out = subprocess.run(
            [
                "git",
                "log",
                "--no-merges",
                "--format=%h %s",
                f"{head}..HEAD",
                "--",
                "convlstm/models",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if out.returncode != 0:
        return None
    return [line[:70] for line in out.stdout.splitlines() if line.strip()]


def reading_note(results: dict[str, Any]) -> str:
    """The plain reading of the accuracy tables, generated from their numbers."""
    table = assemble(results["datasets"])
    bits = []
    for name, t in table.items():
        models, best = t["models"], t["best_stat"]
        conv = models.get("ConvLSTM", {})
        if best is None or not _finite(conv.get("ratio")):
            continue
        bit = f"{name}: ConvLSTM {conv['ratio']:.2f}x the best statistical ({best})"
        lstm = models.get("LSTM", {})
        if _finite(lstm.get("mae")) and lstm["mae"] > 0:
            bit += f", {conv['mae'] / lstm['mae']:.3f}x the LSTM"
        ens = models.get("Ensemble", {})
        if _finite(ens.get("ratio")):
            bit += f", Ensemble {ens['ratio']:.2f}x"
        bits.append(bit)
    if not bits:
        return "Reading: no ConvLSTM result to read."
    gm = geomeans(table)
    geo = [
        f"{model} {gm[model]['all']['geomean']:.3f}"
        for model in ("ConvLSTM", "LSTM", "Ensemble")
        if model in gm and _finite((gm[model].get("all") or {}).get("geomean"))
    ]
    return (
        "Reading (generated from the tables above; ratio = MAE / the best "
        "statistical model's, below 1 beats it): "
        + "; ".join(bits)
        + "."
        + (f" Geometric mean ratio over all datasets: {', '.join(geo)}." if geo else "")
    )


def _render_notes(results: dict[str, Any]) -> list[str]:
    notes = [code_state_note(results), reading_note(results)]
    notes += list(results.get("notes", []))
    for name, d in results["datasets"].items():
        for model, e in d.get("ours", {}).items():
            for w in e.get("warnings", []):
                notes.append(f"{name} / {model}: {w}")
            if "error" in e:
                notes.append(f"{name} / {model}: {e['error']}")
        ref = d.get("references") or {}
        for model, e in ref.get("models", {}).items():
            if "error" in e:
                notes.append(f"{name} / {model} (statsforecast): {e['error']}")
        if ref.get("fold_check"):
            notes.append(f"{name}: fold check: {ref['fold_check']}")
    settings = {}
    for d in results["datasets"].values():
        for model, e in ((d.get("references") or {}).get("models", {})).items():
            settings.setdefault(model, set()).add(e.get("settings", "?"))
    lines = ["", "## Reference settings", ""]
    for model, s in settings.items():
        lines.append(f"- {model}: " + "; ".join(sorted(s)))
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return lines


# ---------------------------------------------------------------- main


def load_results(path: Path) -> dict[str, Any]:
    """The previous results (empty skeleton when there are none)."""
    if path.exists():
        return json.loads(path.read_text())
    return {"datasets": {}, "speed": {}, "memory": {}}


def bench_dataset(
    name: str,
    previous: dict[str, Any] | None,
    *,
    seeds: list[int],
    models: list[str],
    skip_references: bool,
    only_references: list[str] | None = None,
    log: Callable[[str], None] = _log,
) -> dict[str, Any]:
    """Benchmark one dataset: references (fresh or cached) and our models.

    Returns:
        The dataset's fields to update; ``references`` only when they were run or
        a matching cache was found, ``ours`` and ``measured`` only when ``models``.
    """
    y, horizon, folds = load_dataset(name)
    m, periods = seasons(y)
    log(f"{name}: {len(y)} points, horizon {horizon}, {folds} folds, season {m}")
    entry: dict[str, Any] = {
        "n": len(y),
        "horizon": horizon,
        "folds": folds,
        "season_length": m,
        "seasonal_periods": list(periods),
    }
    key = reference_key(y, horizon, folds)
    cached = (previous or {}).get("references")
    usable = bool(cached) and cached.get("key") == key
    if usable and (skip_references or not _has_sf()):
        log("  references: cached")
    elif _has_sf() and not skip_references:
        ref = run_reference_models(y, horizon, folds, log=log, only=only_references)
        ref["fold_check"] = _fold_check(y, horizon, folds, ref.get("folds"))
        log(f"  fold check: {ref['fold_check']}")
        entry["references"] = ref
    else:
        why = "skipped" if skip_references else "statsforecast not installed"
        log(f"  references: {why} and no matching cache")
    if models:
        ours, _ = run_ours(y, horizon, folds, models=models, seeds=seeds, log=log)
        entry["ours"] = ours
        entry["measured"] = measured_stamp()
    return entry


def _fold_check(y: pd.Series, horizon: int, folds: int, signature: list | None) -> str:
    """Compare the references' folds with those of ``convlstm.backtest``."""
    result = backtest(
        {"SN": make_model("Seasonal naive", horizon=horizon)}, y, horizon, folds
    )
    theirs = fold_signature(result.forecasts)
    if theirs == signature:
        return "same folds as convlstm.backtest"
    return f"MISMATCH: backtest {theirs} vs references {signature}"


def import_references(path: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """Reference results from another results file, where they match the data."""
    other = load_results(path)["datasets"]
    out = {}
    for name in names:
        ref = other.get(name, {}).get("references")
        if not ref:
            continue
        y, horizon, folds = load_dataset(name)
        if ref.get("key") == reference_key(y, horizon, folds):
            out[name] = ref
            _log(f"{name}: imported references from {path}")
        else:
            _log(f"{name}: references in {path} do not match the data; ignored")
    return out


def _has_sf() -> bool:
    return references.available()


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Accuracy and speed benchmark of convlstm-forecast.",
    )
    p.add_argument("--datasets", nargs="+", metavar="NAME", help="default: all")
    p.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 (default 3)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="one seed, no speed or memory probes, cached references",
    )
    p.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    p.add_argument("--json", type=Path, default=BENCH / "results.json")
    p.add_argument("--models", nargs="+", default=list(OURS), help="our models to run")
    p.add_argument(
        "--skip-references",
        action="store_true",
        help="reuse cached statsforecast results from the JSON where they match",
    )
    p.add_argument("--skip-speed", action="store_true")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument(
        "--skip-accuracy", action="store_true", help="probes only (and imports)"
    )
    p.add_argument(
        "--references-only",
        action="store_true",
        help="run only the statsforecast references",
    )
    p.add_argument(
        "--reference-models",
        nargs="+",
        metavar="NAME",
        help="run only these references (AutoARIMA AutoETS AutoTheta MSTL-ETS ...)",
    )
    p.add_argument(
        "--import-references",
        type=Path,
        metavar="JSON",
        help="take reference results from another results file (where they match)",
    )
    p.add_argument(
        "--note",
        action="append",
        default=[],
        help="a line for the report's Notes (kept in the JSON; repeatable)",
    )
    p.add_argument("--clear-notes", action="store_true", help="drop earlier notes")
    p.add_argument("--probe-timeout", type=float, default=1200.0)
    p.add_argument("--probe-speed", help=argparse.SUPPRESS)
    p.add_argument("--probe-memory", type=int, help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the markdown and JSON results.

    The JSON is read again just before writing and only what this run measured is
    replaced, so partial runs (one dataset, references only, probes only) add up.
    """
    args = build_parser().parse_args(argv)
    code_state()  # fix the code state before any model is imported
    if args.probe_speed:
        print(json.dumps(speed_probe(args.probe_speed)))
        return 0
    if args.probe_memory:
        print(json.dumps(memory_probe(args.probe_memory)))
        return 0
    if args.quick:
        args.seeds = 1
        args.skip_speed = args.skip_memory = args.skip_references = True
    if args.references_only:
        args.models = []
        args.skip_speed = args.skip_memory = True
    previous = load_results(args.json)
    names = args.datasets or dataset_names()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    shown = [
        "<note>" if i and (argv or [])[i - 1] == "--note" else a
        for i, a in enumerate(argv or [])
    ]
    run = {
        "command": "python -m bench.run"
        + "".join(f" {a!r}" if " " in a else f" {a}" for a in shown),
        "started": now,
        "date": now[:16] + " UTC",
        "code": code_state(),
    }
    updates: dict[str, dict[str, Any]] = {}
    if args.import_references:
        for name, ref in import_references(args.import_references, names).items():
            updates.setdefault(name, {})["references"] = ref
    if not args.skip_accuracy:
        for name in names:
            updates.setdefault(name, {}).update(
                bench_dataset(
                    name,
                    previous["datasets"].get(name),
                    seeds=list(range(args.seeds)),
                    models=args.models,
                    skip_references=args.skip_references,
                    only_references=args.reference_models,
                )
            )
            write(args.json, args.out, updates, {}, {}, run, args)
    speed: dict[str, Any] = {}
    memory: dict[str, Any] = {}
    if not args.skip_speed:
        for name in SPEED_LIMITS:
            _log(f"speed: compare on {name}")
            r = run_probe("--probe-speed", name, args.probe_timeout)
            r["measured"] = {**measured_stamp(), "code": r.pop("code", "?")}
            speed[name] = r
            _log(f"  {r.get('seconds', r.get('error'))}")
            write(args.json, args.out, updates, speed, memory, run, args)
    if not args.skip_memory:
        for n in MEMORY_POINTS:
            _log(f"memory: {n} points")
            r = run_probe("--probe-memory", str(n), args.probe_timeout)
            r["measured"] = {**measured_stamp(), "code": r.pop("code", "?")}
            memory[str(n)] = r
            _log(f"  {r.get('peak_rss_mb', r.get('error'))} MB")
            write(args.json, args.out, updates, speed, memory, run, args)

    write(args.json, args.out, updates, speed, memory, run, args)
    return 0


#: The scores the app shows beside a bundled dataset; the library reads only this copy.
PUBLISHED = ROOT / "data" / "benchmarks.json"
_PUBLISHED_SCORES = ("mae", "rmse", "mase", "fit_seconds")


def published_path(json_path: Path) -> Path | None:
    """Where to copy the published scores: ``PUBLISHED`` when ``json_path`` is the
    committed ``bench/results.json``, else nowhere (a scratch run publishes nothing).
    """
    committed = (BENCH / "results.json").resolve()
    return PUBLISHED if json_path.resolve() == committed else None


def published_benchmarks(results: dict[str, Any]) -> dict[str, Any]:
    """The part of the results that ``convlstm.datasets.published_benchmark`` shows.

    Per dataset: the protocol (horizon, folds), when and on what code it was
    measured, and one row per model with a score, ours first, then the statsforecast
    references.
    """
    out: dict[str, Any] = {}
    for name, entry in results.get("datasets", {}).items():
        refs = entry.get("references") or {}
        groups = [
            ("ours", entry.get("ours") or {}),
            (f"statsforecast {refs.get('statsforecast')}", refs.get("models") or {}),
        ]
        measured = entry.get("measured") or {}
        out[name] = {
            "horizon": entry.get("horizon"),
            "folds": entry.get("folds"),
            "measured": {"date": measured.get("date"), "code": measured.get("code")},
            "scores": [
                {"model": model, "source": source}
                | {k: scores.get(k) for k in _PUBLISHED_SCORES}
                for source, models in groups
                for model, scores in models.items()
                if isinstance(scores, dict) and scores.get("mae") is not None
            ],
        }
    return {
        "about": (
            "Published benchmark scores of the bundled datasets, shown beside a "
            "user's run on the compare page. Written by `python -m bench.run` from "
            "bench/results.json each time it writes its results; do not edit by hand."
        ),
        "datasets": out,
    }


def with_other_sections(new: str, old: str) -> str:
    """``new`` plus the ``## `` sections of ``old`` that ``new`` does not write
    (written by other tools, e.g. bench.images, or by hand), in their old order."""

    def sections(text: str) -> list[tuple[str, str]]:
        parts = re.split(r"(?m)^(?=## )", text)
        return [
            (part.splitlines()[0], part) for part in parts if part.startswith("## ")
        ]

    mine = {title for title, _ in sections(new)}
    kept = [part.rstrip("\n") for title, part in sections(old) if title not in mine]
    return "\n\n".join([new.rstrip("\n"), *kept]) + "\n"


def write(
    json_path: Path,
    md_path: Path,
    updates: dict[str, dict[str, Any]],
    speed: dict[str, Any],
    memory: dict[str, Any],
    run: dict[str, Any],
    args: argparse.Namespace,
) -> None:
    """Merge this run's numbers into the JSON (read afresh) and re-render markdown."""
    results = load_results(json_path)  # again: another run may have written since
    for name, fields in updates.items():
        results["datasets"].setdefault(name, {}).update(fields)
    results["speed"].update(speed)
    results["memory"].update(memory)
    if args.models and not args.skip_accuracy:
        results["seeds"] = list(range(args.seeds))
    if args.clear_notes:
        results["notes"] = []
    notes = results.get("notes", [])
    results["notes"] = notes + [n for n in args.note if n not in notes]
    results["meta"] = {**run, "machine": machine()}
    runs = [r for r in results.get("runs", []) if r.get("started") != run["started"]]
    results["runs"] = [*runs, run]
    table = assemble(results["datasets"])
    gm = geomeans(table)
    results["summary"] = {
        "ratios": {
            d: {k: v.get("ratio") for k, v in t["models"].items()}
            for d, t in table.items()
        },
        "best_stat": {d: t["best_stat"] for d, t in table.items()},
        "geomeans": gm,
        "targets": targets(table, gm, results["speed"], results["memory"]),
    }
    json_path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    old = md_path.read_text() if md_path.exists() else ""
    md_path.write_text(with_other_sections(render(results), old))
    _log(f"wrote {md_path} and {json_path}")
    published = published_path(json_path)
    if published is not None:
        text = json.dumps(published_benchmarks(results), indent=1, default=str)
        published.write_text(text + "\n")
        _log(f"wrote {published}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
