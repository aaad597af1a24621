"""Intermittent demand (spare parts, slow movers): ``python -m bench.intermittent``.

No bundled or competition dataset is mostly zeros, yet planners of spare parts
upload exactly that. This benchmark makes such a panel from a seed (nothing in it
was fitted to a file): ``--parts`` weekly series of three years, each selling in a
step with a chance of 10% to 50%, a Poisson size when it sells; every sixth part
obsolete (no sale in its last 50 weeks) and every seventh with one lump of 40
more. The models run through ``convlstm.compare_panel`` on ``--folds`` rolling
origins of ``--horizon`` weeks; the table is its leaderboard with each model's
bias (mean forecast minus actual over all backtest points). Nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

MODELS = ("TSB", "ETS", "Theta", "ARIMA", "Seasonal naive", "Naive")


def parts(n: int = 30, seed: int = 7, weeks: int = 156) -> pd.DataFrame:
    """The panel: long format ``series, time, value``."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2023-01-01", periods=weeks, freq="W")
    frames = []
    for i in range(n):
        chance, size = rng.uniform(0.1, 0.5), rng.uniform(1, 8)
        sold = rng.random(weeks) < chance
        v = np.where(sold, rng.poisson(size, weeks) + 1, 0).astype(float)
        if i % 6 == 0:
            v[-50:] = 0.0  # obsolete
        if i % 7 == 0:
            v[rng.integers(0, weeks)] += 40.0  # one lump
        frames.append(pd.DataFrame({"series": f"P{i:02d}", "time": times, "value": v}))
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs["freq"] = "W-SUN"
    return panel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.intermittent", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--parts", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--horizon", type=int, default=13)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args(argv)

    from convlstm import compare_panel

    panel = parts(args.parts, args.seed)
    started = time.perf_counter()
    result = compare_panel(
        panel,
        models=[m.strip() for m in args.models.split(",") if m.strip()],
        horizon=args.horizon,
        folds=args.folds,
        levels=(),
    )
    seconds = time.perf_counter() - started
    table = result.summary[["series", "mean_mase", "median_mase", "mean_mae"]].copy()
    errors = result.forecasts.assign(
        error=result.forecasts["forecast"] - result.forecasts["actual"]
    )
    table["bias"] = errors.groupby("model")["error"].mean()
    zeros = float((panel["value"] == 0).mean())
    print(
        f"{args.parts} parts x {len(panel) // args.parts} weeks ({zeros:.0%} zeros), "
        f"seed {args.seed}, {args.folds} folds x {args.horizon} weeks, {seconds:.0f} s"
    )
    print(table.sort_values("mean_mase").round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
