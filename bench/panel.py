"""One global net over a big panel: ``python -m bench.panel`` writes bench/PANEL.md.

Synthetic panel (``--series`` series x ``--length`` points, monthly, each a level x
trend x season x noise mix with its own scale): wall seconds of the fit and of the
forecast of every series, steps taken, and the process's peak resident memory, so
the claim "memory is bounded by window x batch, not by panel size" is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent


def synthetic_panel(series: int, length: int, seed: int) -> pd.DataFrame:
    """``series`` monthly series of ``length`` points, seeded; built as one frame."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    level = rng.lognormal(3.0, 1.5, (series, 1))
    trend = rng.normal(0.0, 0.002, (series, 1)) * t
    season = rng.uniform(0.0, 0.3, (series, 1)) * np.sin(
        2 * np.pi * (t + rng.integers(0, 12, (series, 1))) / 12
    )
    noise = rng.normal(0.0, 1.0, (series, length)) * rng.uniform(0.01, 0.1, (series, 1))
    values = level * (1 + trend + season + noise)
    times = pd.date_range("1980-01-01", periods=length, freq="MS")
    panel = pd.DataFrame(
        {
            "series": np.repeat([f"s{i:05d}" for i in range(series)], length),
            "time": np.tile(times, series),
            "value": values.ravel(),
        }
    )
    panel.attrs["freq"] = "MS"
    return panel


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(model: str, series: int, length: int, horizon: int, seed: int) -> dict:
    """Build, fit and forecast; return the measurements."""
    from convlstm.models.registry import make_model

    start = time.perf_counter()
    panel = synthetic_panel(series, length, seed)
    built = time.perf_counter() - start
    rss_data = peak_rss_mib()
    est = make_model(model, horizon=horizon, seed=seed, device="cpu")
    start = time.perf_counter()
    est.fit(panel)
    fit = time.perf_counter() - start
    rss_fit = peak_rss_mib()
    start = time.perf_counter()
    forecasts = est.predict()
    predict = time.perf_counter() - start
    return {
        "model": model,
        "series": series,
        "length": length,
        "horizon": horizon,
        "build_seconds": round(built, 1),
        "fit_seconds": round(fit, 1),
        "predict_seconds": round(predict, 1),
        "epochs": len(est.history_),
        "lookback": est.lookback_,
        "forecast_rows": len(forecasts),
        "finite": bool(np.isfinite(forecasts["forecast"]).all()),
        "peak_rss_after_data_mib": round(rss_data),
        "peak_rss_mib": round(max(rss_fit, peak_rss_mib())),
    }


def run_alone(model: str, series: int, length: int, horizon: int, seed: int) -> dict:
    """:func:`run` in a fresh process, so that its peak memory is its own."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        return pool.submit(run, model, series, length, horizon, seed).result()


def main(argv: list[str] | None = None) -> int:
    """Run and write bench/PANEL.md (``--out``)."""
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(prog="python -m bench.panel")
    p.add_argument("--model", default="ConvLSTM")
    p.add_argument(
        "--series",
        type=int,
        nargs="+",
        default=[1_000, 10_000],
        help="panel sizes, each run in its own process",
    )
    p.add_argument("--length", type=int, default=500)
    p.add_argument("--horizon", type=int, default=12)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=BENCH / "PANEL.md")
    args = p.parse_args(argv)
    from .run import code_state, machine

    code = code_state()
    runs = [
        run_alone(args.model, n, args.length, args.horizon, args.seed)
        for n in args.series
    ]
    m = machine()
    sizes = " | ".join(f"{r['series']:,} series" for r in runs)

    def row(label: str, values: list[str]) -> str:
        return f"| {label} | " + " | ".join(values) + " |"

    lines = [
        "# One global net over a big panel",
        "",
        f"Written by `{shlex.join(['python', '-m', 'bench.panel', *argv])}` on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, code {code}, "
        f"{m.get('cores', '?')} cores ({m.get('cpu', '?')}).",
        "",
        f"Synthetic panels of monthly series x {args.length} points (level x trend "
        "x season x noise, scales spread over orders of magnitude), one "
        f"{args.model} over all the series of each (horizon {args.horizon}, default "
        'settings: the ConvLSTM\'s init="auto" trains a net on them and fine-tunes '
        "the pretrained monthly net on them, and forecasts their mean), each size "
        "in its own process.",
        "",
        f"| measure | {sizes} |",
        "|---|" + "---|" * len(runs),
        row(
            "lookback, epochs (of at most 16 batches)",
            [f"{r['lookback']}, {r['epochs']}" for r in runs],
        ),
        row("build the panel frame", [f"{r['build_seconds']} s" for r in runs]),
        row("fit (every series)", [f"{r['fit_seconds']} s" for r in runs]),
        row("forecast every series", [f"{r['predict_seconds']} s" for r in runs]),
        row(
            "forecast rows, all finite",
            [f"{r['forecast_rows']:,}, {r['finite']}" for r in runs],
        ),
        row(
            "peak RSS after building the data",
            [f"{r['peak_rss_after_data_mib']} MiB" for r in runs],
        ),
        row("peak RSS of the whole run", [f"{r['peak_rss_mib']} MiB" for r in runs]),
        row(
            "growth of the peak in fit and forecast",
            [f"{r['peak_rss_mib'] - r['peak_rss_after_data_mib']} MiB" for r in runs],
        ),
        "",
        "Training draws windows batch by batch from one array of the values (series "
        "first, then a window), so the fit's memory is that array plus a batch of "
        "windows: the growth in fit and forecast should not scale with the number "
        "of series; the data's own peak is pandas' copies of the panel frame.",
    ]
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
