"""Scaling benchmark: per-series fits of the M3 monthly series on 1 and 2 local
workers and on a local Ray cluster (``fits``), queue waits of simultaneous app jobs
on the local executor (``queue``), the global ConvLSTM on M3 monthly in one process
and data-parallel on Ray Train workers (``train``), and the arithmetic for a million
series.

Writes bench/scale.json (the measurements) and the "Scaling" section of
bench/RESULTS.md (the other sections are kept)::

    python -m bench.scale fits [--limit 50] [--model ETS] [--arima-limit 100]
    python -m bench.scale queue [--jobs 30] [--dataset air_passengers]
    python -m bench.scale train [--limit 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import logging
import os
import pickle
import re
import shlex
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench import m3
from convlstm import compare, datasets
from convlstm.compare import DEFAULT_LEVELS, DEFAULT_MODELS
from convlstm.executor import (
    Executor,
    default_workers,
    shared_executor,
    train_data_parallel,
)
from convlstm.metrics import smape
from convlstm.models.base import fit_chunk
from convlstm.models.registry import make_model
from convlstm.training import MAX_BATCHES_PER_EPOCH

BENCH = Path(__file__).resolve().parent
JSON = BENCH / "scale.json"
RESULTS = BENCH / "RESULTS.md"
TITLE = "## Scaling: per-series fits, Ray, the job queue, data-parallel training"
SEASON = 12  # M3 monthly
HORIZON = 18  # M3 monthly's official horizon
TARGET_SPEEDUP = 1.7
#: the paper estimate: series, hours, cores per node
MILLION, HOURS, NODE_CORES = 1_000_000, 1.0, 32


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _stamp() -> dict[str, Any]:
    """When and under what load a measurement was taken."""
    return {
        "measured": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": round(os.getloadavg()[0], 2),
        "cores": os.cpu_count(),
    }


# ---------------------------------------------------------------- the panel


def monthly_panel(limit: int | None = None) -> pd.DataFrame:
    """The training parts of the M3 monthly series as a panel (``limit``: the
    first that many by M3 id)."""
    return monthly_parts(limit)[0]


def monthly_parts(limit: int | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`monthly_panel` and the test part of each series (name -> values)."""
    ids = m3.series_ids(["monthly"], None, 0)[:limit]
    frames, tests = [], {}
    for i in ids:
        y, test, _ = m3.to_series(m3.dataset()[i])
        frames.append(pd.DataFrame({"series": y.name, "time": y.index, "value": y}))
        tests[str(y.name)] = np.asarray(test, dtype=float)
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs["freq"] = "MS"
    return panel, tests


def _model(name: str) -> Any:
    return make_model(name, horizon=HORIZON, season_length=SEASON)


# ---------------------------------------------------------------- fits


def timed_fit(name: str, panel: pd.DataFrame, n_jobs: int, engine: str) -> dict:
    """Fit ``name`` on every series of ``panel``: wall seconds, CPU seconds of this
    process and its (forked, finished) workers, and the forecasts."""
    model = _model(name)
    c0, t0 = _cpu(), time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(panel, n_jobs=n_jobs, engine=engine)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    return {
        "wall": wall,
        "cpu": cpu,
        "forecast": model.predict(),
        "failed": len(model.failed_),
    }


def _cpu() -> float:
    """CPU seconds of this process and its finished children (not Ray's workers,
    which are the raylet's children)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def noop(x: Any = None) -> Any:
    """A task that does nothing: what remains of its wall time is overhead."""
    return x


def task_overhead(ex: Executor, n: int) -> float:
    """Seconds per no-op job through ``ex`` (n jobs at once, wall / n)."""
    ex.map(noop, range(min(n, 2 * ex.workers)))  # workers up, modules loaded
    t0 = time.perf_counter()
    ex.map(noop, range(n))
    return (time.perf_counter() - t0) / n


def raw_ray_overhead(ray: Any, n: int) -> float:
    """Seconds per no-op ``ray.remote`` task (n at once, wall / n)."""
    task = ray.remote(num_cpus=1)(noop)
    ray.get([task.remote(i) for i in range(4)])
    t0 = time.perf_counter()
    ray.get([task.remote(i) for i in range(n)])
    return (time.perf_counter() - t0) / n


def memory_of(proc: str = "self") -> dict[str, float]:
    """RSS, PSS, private and peak RSS in MiB of a process (Linux /proc)."""
    out: dict[str, float] = {}
    fields = {
        "Rss": "rss",
        "Pss": "pss",
        "Private_Clean": "private",
        "Private_Dirty": "private",
    }
    with open(f"/proc/{proc}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in fields:
                kib = float(rest.split()[0])
                out[fields[key]] = out.get(fields[key], 0.0) + kib / 1024
    with open(f"/proc/{proc}/status") as f:
        peak = re.search(r"VmHWM:\s+(\d+)", f.read())
    out["peak_rss"] = float(peak.group(1)) / 1024 if peak else float("nan")
    return out


def fit_and_measure(
    template: Any, items: list[tuple[str, pd.Series]]
) -> dict[str, float]:
    """In a worker: memory before and after fitting ``items``, and the pickled
    size of a fitted model and of a forecast (what travels back per series)."""
    before = memory_of()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = [m for _, m, _ in fit_chunk(template, items) if m is not None]
    after = memory_of()
    return {
        "before": before,
        "after": after,
        "model_bytes": float(np.mean([len(pickle.dumps(m)) for m in fitted])),
        "forecast_bytes": float(
            np.mean([len(pickle.dumps(m.predict().to_numpy())) for m in fitted])
        ),
        "series": len(items),
    }


def worker_memory(name: str, panel: pd.DataFrame, series: int) -> dict[str, Any]:
    """Memory of one forked worker fitting ``series`` series (as in a panel fit)."""
    from convlstm.data.panel import split_panel

    items = split_panel(panel)[:series]
    with Executor(1, start_method="fork") as ex:
        got = ex.map(functools.partial(fit_and_measure, _model(name)), [items])[0]
    got["parent"] = memory_of()
    return got


def run_fits(args: argparse.Namespace) -> dict[str, Any]:
    """Time the fits, the task overheads and a worker's memory."""
    logging.disable(logging.WARNING)
    panel = monthly_panel(args.limit)
    n_series = panel["series"].nunique()
    _log(f"{n_series} M3 monthly series, {len(panel)} points")
    ray = None
    if not args.no_ray:
        from convlstm.ray_engine import start_ray

        t0 = time.perf_counter()
        ray = start_ray(2)  # ray.init(num_cpus=2, include_dashboard=False)
        ray_start = time.perf_counter() - t0
    runs: list[dict[str, Any]] = []
    plans = [(args.model, panel)]
    if args.arima_limit:
        names = sorted(panel["series"].unique())[: args.arima_limit]
        sub = panel[panel["series"].isin(names)].reset_index(drop=True)
        sub.attrs["freq"] = "MS"
        plans.append(("ARIMA", sub))
    for name, data in plans:
        n = data["series"].nunique()
        setups = [("1 local worker", 1, "local"), ("2 local workers", 2, "local")]
        if ray is not None:
            # a first small fit starts Ray's workers and loads the model's modules
            first = data[data["series"].isin(sorted(data["series"].unique())[:8])]
            first.attrs["freq"] = "MS"
            cold = timed_fit(name, first, 2, "ray")["wall"]
            _log(f"  {name}: Ray warm-up on 8 series {cold:.1f} s")
            setups.append(("Ray, 2 CPUs", 2, "ray"))
        base = None
        for label, workers, engine in setups:
            got = timed_fit(name, data, workers, engine)
            if base is None:
                base = got
            same = got["forecast"].equals(base["forecast"])
            runs.append(
                {
                    "model": name,
                    "series": n,
                    "setup": label,
                    "workers": workers,
                    "wall": round(got["wall"], 2),
                    "speedup": round(base["wall"] / got["wall"], 2),
                    "per_core": round(n / got["wall"] / workers, 1),
                    "cpu": None if engine == "ray" else round(got["cpu"], 2),
                    "per_cpu_s": None if engine == "ray" else round(n / got["cpu"], 1),
                    "failed": got["failed"],
                    "same": bool(same),
                }
            )
            _log(f"  {name}, {label}: {got['wall']:.1f} s, same forecasts: {same}")
    with Executor(2, start_method="fork") as local:
        overhead = {"local": task_overhead(local, args.tasks)}
    if ray is not None:
        overhead["ray_executor"] = task_overhead(shared_executor(2, "ray"), args.tasks)
        overhead["ray_raw"] = raw_ray_overhead(ray, args.tasks)
        overhead["ray_start"] = ray_start
        ray.shutdown()
    memory = worker_memory(args.model, panel, min(args.memory_series, n_series))
    return {
        "command": "python -m bench.scale " + shlex.join(args.argv),
        **_stamp(),
        "uptime": _uptime(),
        "runs": runs,
        "overhead_ms": {k: round(v * 1000, 2) for k, v in overhead.items()},
        "tasks": args.tasks,
        "memory": memory,
    }


# ---------------------------------------------------------------- queue


def run_queue(args: argparse.Namespace) -> dict[str, Any]:
    """Submit ``args.jobs`` app-like compare jobs at once; queue waits and runs."""
    y = datasets.load(args.dataset)
    horizon, folds = datasets.default_horizon_folds(y, args.dataset)
    models = tuple(args.models.split(",")) if args.models else DEFAULT_MODELS
    params: dict[str, Any] = {"seed": 0, "lookback": None, "device": "auto"}
    if args.epochs:
        params["epochs"] = args.epochs
    workers = args.workers or default_workers()
    with Executor(workers, timeout=3600.0) as ex:  # as ui/jobs.py builds it
        ex.warm_up()
        t0 = time.time()
        jobs = [
            ex.submit(
                compare,
                y,
                owner=f"session {i}",
                label=f"Training on {args.dataset}",
                models=models,
                horizon=horizon,
                folds=folds,
                params={**params, "seed": i},
                levels=DEFAULT_LEVELS,
                extra={"data": args.dataset},
            )
            for i in range(args.jobs)
        ]
        for job in jobs:
            job.wait()
        wall = time.time() - t0
    waits = [j.started - j.submitted for j in jobs if j.started]
    runs = [j.finished - j.started for j in jobs if j.started and j.finished]

    def pct(xs: list[float], q: float) -> float:
        return round(float(np.percentile(xs, q)), 1) if xs else float("nan")

    return {
        "command": "python -m bench.scale " + shlex.join(args.argv),
        **_stamp(),
        "uptime": _uptime(),
        "jobs": args.jobs,
        "workers": workers,
        "dataset": args.dataset,
        "models": list(models),
        "horizon": horizon,
        "folds": folds,
        "done": sum(j.status == "done" for j in jobs),
        "wall": round(wall, 1),
        "wait_p50": pct(waits, 50),
        "wait_p95": pct(waits, 95),
        "run_p50": pct(runs, 50),
        "run_p95": pct(runs, 95),
    }


# ---------------------------------------------------------------- train


def nothing(callback: Any = None) -> None:
    """A data-parallel run that does nothing: its wall time is Ray Train's
    start-up and tear-down."""


def run_train(args: argparse.Namespace) -> dict[str, Any]:
    """The global ConvLSTM on M3 monthly: one process, then data-parallel on
    ``args.workers`` Ray Train workers; seconds and test sMAPE."""
    logging.disable(logging.WARNING)
    panel, tests = monthly_parts(args.limit)
    _log(f"{len(tests)} M3 monthly series, {len(panel)} points")
    from convlstm.ray_engine import start_ray

    ray = start_ray(args.workers)  # ray.init(num_cpus=..., include_dashboard=False)
    t0 = time.perf_counter()
    train_data_parallel(nothing, workers=args.workers, engine="ray")
    empty = time.perf_counter() - t0
    _log(f"  a no-op run on {args.workers} Ray Train workers: {empty:.1f} s")
    runs = []
    for workers in (1, args.workers):
        model = make_model(
            "ConvLSTM", horizon=HORIZON, season_length=SEASON, seed=args.seed
        )
        engine = "ray" if workers > 1 else "local"
        t0 = time.perf_counter()
        model.fit(panel, engine=engine, train_workers=workers)
        wall = time.perf_counter() - t0
        pred = model.predict()
        errors = [
            smape(tests[name], group["forecast"].to_numpy())
            for name, group in pred.groupby("series", sort=False)
        ]
        best = model.history_[model.best_epoch_ - 1] if model.best_epoch_ else {}
        runs.append(
            {
                "setup": "1 process (local)"
                if workers == 1
                else f"Ray Train, {workers} workers (gloo)",
                "workers": workers,
                "wall": round(wall, 1),
                "epochs": len(model.history_),
                "steps": len(model.history_) * MAX_BATCHES_PER_EPOCH,
                "params": model.n_params_,
                "best_epoch": model.best_epoch_,
                "val_loss": round(float(best.get("val_loss") or float("nan")), 4),
                "smape": round(float(np.mean(errors)), 2),
            }
        )
        _log(f"  {runs[-1]['setup']}: {wall:.1f} s, sMAPE {runs[-1]['smape']}")
    ray.shutdown()
    return {
        "command": "python -m bench.scale " + shlex.join(args.argv),
        **_stamp(),
        "uptime": _uptime(),
        "series": len(tests),
        "seed": args.seed,
        "empty_run": round(empty, 1),
        "runs": runs,
    }


# ---------------------------------------------------------------- report


def _uptime() -> str:
    with open("/proc/loadavg") as f:
        one, five, fifteen = f.read().split()[:3]
    return f"load average: {one}, {five}, {fifteen}"


def estimate(fits: dict[str, Any]) -> list[str]:
    """The paper estimate for a million series, from the measured fits."""
    main = [r for r in fits["runs"] if r["model"] == fits["runs"][0]["model"]]
    two = next((r for r in main if r["setup"] == "2 local workers"), None)
    if two is None:
        return []
    rate = two["per_cpu_s"]
    core_s = MILLION / rate
    cores = core_s / (HOURS * 3600)
    nodes = cores / NODE_CORES
    mem = fits["memory"]
    worker_mib = mem["after"]["rss"]
    private_mib = mem["after"]["private"]
    model_kib = mem["model_bytes"] / 1024
    forecast_b = mem["forecast_bytes"]
    overhead = fits["overhead_ms"].get("ray_executor", fits["overhead_ms"]["local"])
    lines = [
        f"From the {two['model']} fits with 2 local workers: {rate:g} series per "
        f"CPU-second ({two['per_core']:g} series per wall second per core under the "
        "load above; on a quiet machine the two meet). Assumed: nodes of "
        f"{NODE_CORES} cores, one worker per core, series like M3 monthly.",
        "",
        f"- CPU time: 1,000,000 / {rate:g} = {core_s:,.0f} core-seconds "
        f"= {core_s / 3600:,.1f} core-hours.",
        f"- One hour: {core_s:,.0f} / 3,600 = {cores:,.1f} cores busy for the hour, "
        f"i.e. {nodes:,.1f} nodes of {NODE_CORES} cores "
        f"(round up to {int(np.ceil(nodes * 1.25))} with 25% headroom for stragglers "
        "and start-up).",
        f"- Memory per worker: {worker_mib:,.0f} MiB RSS after fitting "
        f"{mem['series']} series ({private_mib:,.0f} MiB private to the worker; the "
        "rest is shared with the parent it was forked from). A node of "
        f"{NODE_CORES} workers: {NODE_CORES} x {private_mib:,.0f} MiB private + "
        f"{worker_mib - private_mib:,.0f} MiB shared "
        f"= {(NODE_CORES * private_mib + worker_mib - private_mib) / 1024:,.1f} GiB.",
        f"- Results: a forecast pickles to {forecast_b:,.0f} B, a fitted model to "
        f"{model_kib:,.1f} KiB. 1,000,000 forecasts = "
        f"{MILLION * forecast_b / 2**30:,.2f} GiB at the driver, fitted models = "
        f"{MILLION * model_kib / 2**20:,.1f} GiB: at this scale workers must return "
        "forecasts (or write models to storage), not hand every fitted model back "
        "as `fit_panel` does today.",
        f"- Task overhead ({overhead:g} ms per task through the executor): with "
        f"chunks of 1,000 series a task, 1,000 tasks cost {overhead:g} s of "
        "dispatch in all, negligible beside the fits.",
    ]
    return lines


def render(data: dict[str, Any]) -> str:
    """The Scaling section from the measurements in ``data``."""
    out = [
        TITLE,
        "",
        "`python -m bench.scale fits` / `queue` / `train` (`make bench-scale`) on "
        "2 cores; "
        "each run states the load average when it ended (on 2 cores a load near 2 "
        "is the bench's own two workers; more means other work ran beside).",
        "",
    ]
    fits = data.get("fits")
    if fits:
        out += [
            f"### Per-series fits of M3 monthly ({fits['measured']}, {fits['uptime']})",
            "",
            f"`{fits['command']}`. Panel fits (`model.fit(panel, n_jobs=..., "
            "engine=...)`) on the training parts, horizon 18, season 12; speed-up "
            f"against 1 worker (target {TARGET_SPEEDUP}x on 2 cores).",
            "",
            "Wall-clock numbers suffer from the load; CPU seconds (this process "
            "and its forked workers; Ray's workers are not counted) and series per "
            "CPU-second do much less.",
            "",
            "| model | series | setup | wall s | speed-up | series/s/core "
            "| CPU s | series per CPU-s | failed | same forecasts |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in fits["runs"]:
            cpu = "n/a" if r.get("cpu") is None else r["cpu"]
            per_cpu = "n/a" if r.get("per_cpu_s") is None else r["per_cpu_s"]
            out.append(
                f"| {r['model']} | {r['series']} | {r['setup']} | {r['wall']} "
                f"| {r['speedup']}x | {r['per_core']} | {cpu} | {per_cpu} "
                f"| {r['failed']} | {'yes' if r['same'] else 'NO'} |"
            )
        ov = fits["overhead_ms"]
        out += ["", f"Overhead per no-op task ({fits['tasks']} tasks at once):"]
        out.append(f"local executor (forked workers) {ov['local']} ms")
        if "ray_executor" in ov:
            out[-1] += (
                f"; Ray through the executor {ov['ray_executor']} ms; bare "
                f"`ray.remote` {ov['ray_raw']} ms; `ray.init` took "
                f"{ov['ray_start'] / 1000:.1f} s."
            )
        mem = fits["memory"]
        out += [
            "",
            f"Memory (MiB) of one forked worker fitting {mem['series']} series: "
            f"RSS {mem['before']['rss']:.0f} before, {mem['after']['rss']:.0f} after "
            f"(PSS {mem['after']['pss']:.0f}, private {mem['after']['private']:.0f}, "
            f"peak {mem['after']['peak_rss']:.0f}); the parent process "
            f"{mem['parent']['rss']:.0f}.",
            "",
            "### A million series, on paper",
            "",
            *estimate(fits),
            "",
        ]
    q = data.get("queue")
    if q:
        out += [
            f"### Simultaneous app jobs ({q['measured']}, {q['uptime']})",
            "",
            f"`{q['command']}`: {q['jobs']} `compare` jobs submitted at once to "
            f"the local executor ({q['workers']} workers), as the app submits them: "
            f"{q['dataset']}, models {', '.join(q['models'])}, horizon "
            f"{q['horizon']}, {q['folds']} folds.",
            "",
            "| jobs | done | wall s | queue wait p50 | p95 | run time p50 | p95 |",
            "|---|---|---|---|---|---|---|",
            f"| {q['jobs']} | {q['done']} | {q['wall']} | {q['wait_p50']} s "
            f"| {q['wait_p95']} s | {q['run_p50']} s | {q['run_p95']} s |",
            "",
        ]
    t = data.get("train")
    if t:
        out += [
            f"### Data-parallel training of the global ConvLSTM ({t['measured']}, "
            f"{t['uptime']})",
            "",
            f"`{t['command']}`: one ConvLSTM over {t['series']} M3 monthly series "
            f"(`fit(panel, engine=..., train_workers=...)`, seed {t['seed']}, "
            "default settings), horizon 18; mean sMAPE on the test parts. With "
            "several workers each takes a share of every batch and the gradients "
            "are averaged (`DistributedDataParallel`, gloo), so the numbers are "
            "close to, not equal to, one process's.",
            "",
            "| setup | wall s | epochs | best epoch | validation loss | sMAPE |",
            "|---|---|---|---|---|---|",
            *(
                f"| {r['setup']} | {r['wall']} | {r['epochs']} | {r['best_epoch']} "
                f"| {r['val_loss']} | {r['smape']} |"
                for r in t["runs"]
            ),
            "",
            f"A run that does nothing on the same Ray Train workers took "
            f"{t['empty_run']} s (the trainer's start-up and tear-down).",
            "",
            *train_notes(t),
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def train_notes(t: dict[str, Any]) -> list[str]:
    """What the data-parallel numbers mean, from the measured runs."""
    one = next((r for r in t["runs"] if r["workers"] == 1), None)
    many = next((r for r in t["runs"] if r["workers"] > 1), None)
    if one is None or many is None or "steps" not in one:
        return []
    alone = one["wall"] / one["steps"] * 1000
    spread = max(many["wall"] - t["empty_run"], 0.0) / many["steps"] * 1000
    return [
        f"Per optimisation step (batches of 4 x 64 windows, {one['params']:,} "
        f"weights): {alone:.0f} ms in one process, {spread:.0f} ms on "
        f"{many['workers']} workers once their start-up is taken off. No gain "
        "here, for three reasons: a step of this small net is milliseconds of "
        "arithmetic, so each step's two collectives over gloo (the gradients' "
        "all-reduce and the batch loss every process needs to stop at the same "
        "step) weigh as much as the half of the arithmetic they save; Ray Train's "
        f"start-up ({t['empty_run']} s) is {t['empty_run'] / one['wall']:.0%} of "
        "the whole one-process fit; and the 2 cores were shared with other work "
        "(the load average above), so the two workers competed with it and with "
        "each other. Timings at that load are noisy; the sMAPE is not.",
        "",
        "What it would take to pay off: a step whose arithmetic dwarfs one "
        "all-reduce of the weights, i.e. panels of millions of windows with a "
        "bigger net and a batch that grows with the workers (each keeps its "
        "share of windows, the learning rate scaled to the larger batch), on "
        "nodes with many cores and a fast network (one gloo all-reduce of these "
        f"{one['params'] * 4 / 1024:.0f} KiB of gradients is well under a "
        "millisecond on a LAN; its latency, not its size, is the cost). The "
        "start-up is paid once per fit, so it matters only for fits of minutes. "
        f"A fit of this size ({one['wall']:.0f} s in one process) gains nothing "
        "from a cluster.",
        "",
    ]


def put_section(text: str, section: str) -> str:
    """``text`` with its ``## `` section titled as ``section``'s first line
    replaced by ``section`` (appended when it has none); the rest is kept."""
    title = section.splitlines()[0]
    parts = re.split(r"(?m)^(?=## )", text)
    mine = [i for i, p in enumerate(parts) if p.splitlines()[:1] == [title]]
    for i in reversed(mine[1:]):
        del parts[i]
    if mine:
        parts[mine[0]] = section
    else:
        parts.append(section)
    body = "".join(p.rstrip("\n") + "\n\n" for p in parts if p.strip())
    return body.rstrip("\n") + "\n"


def save(kind: str, result: dict[str, Any]) -> None:
    data = json.loads(JSON.read_text()) if JSON.exists() else {}
    data[kind] = result
    JSON.write_text(json.dumps(data, indent=1, default=float) + "\n")
    RESULTS.write_text(put_section(RESULTS.read_text(), render(data)))
    _log(f"wrote {JSON.name} and the Scaling section of {RESULTS.name}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    f = sub.add_parser("fits", help="per-series fits of M3 monthly")
    f.add_argument("--limit", type=int, help="only the first N series")
    f.add_argument("--model", default="ETS", help="the model fitted to every series")
    f.add_argument("--arima-limit", type=int, default=100, help="ARIMA series (0: no)")
    f.add_argument("--tasks", type=int, default=200, help="no-op tasks for overhead")
    f.add_argument("--memory-series", type=int, default=100)
    f.add_argument("--no-ray", action="store_true", help="skip the Ray runs")
    q = sub.add_parser("queue", help="simultaneous app jobs on the local executor")
    q.add_argument("--jobs", type=int, default=30)
    q.add_argument("--dataset", default="air_passengers")
    q.add_argument("--models", help="comma-separated (default: the app's default)")
    q.add_argument("--epochs", type=int, help="neural epochs (default: the app's)")
    q.add_argument("--workers", type=int, help="default: the usable cores")
    t = sub.add_parser("train", help="the global ConvLSTM, 1 process vs Ray Train")
    t.add_argument("--limit", type=int, help="only the first N series")
    t.add_argument("--workers", type=int, default=2, help="Ray Train workers")
    t.add_argument("--seed", type=int, default=0)
    for p in (f, q, t):
        p.add_argument("--no-write", action="store_true", help="print, write nothing")
    args = parser.parse_args(argv)
    args.argv = argv
    run = {"fits": run_fits, "queue": run_queue, "train": run_train}[args.what]
    result = run(args)
    if args.no_write:
        print(render({args.what: result}))
    else:
        save(args.what, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
