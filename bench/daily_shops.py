"""Daily sales of shops, a weekly and a yearly cycle: ``python -m bench.daily_shops``.

No bundled or competition dataset is daily with a yearly cycle, yet that is the
most common upload of a shop, a depot or a website. This benchmark makes such a
panel from a seed (nothing here was fitted to a real file): ``--stores`` shops,
three years of days ending on the last day of February, so the horizon of 90 days
is the spring ahead. Each shop has a level, a weekly pattern (weekends high), a
spring peak and a short December rise, a slow trend, log-normal noise, Easter
(which moves) a little busier, a few three-day promotions, and zero sales on 25
and 26 December and 1 January.

The statistical models (and any others in ``--models``) run through
``convlstm.compare_panel`` on ``--folds`` rolling origins of ``--horizon`` days;
the table is its leaderboard. ``--csv PATH`` writes the panel (``store, date,
sales``) to try in the app or the CLI. Nothing else is written.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

#: Models of the default run: the ones whose daily cycles are at stake.
MODELS = ("Seasonal naive", "ETS", "Theta", "ARIMA")


def _easter(year: int) -> pd.Timestamp:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return pd.Timestamp(year=year, month=month, day=day + 1)


def shops(stores: int = 5, seed: int = 0, end: str = "2026-02-28") -> pd.DataFrame:
    """The panel: long format ``store, date, sales``, three years of days."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(end=pd.Timestamp(end), periods=3 * 365 + 1, freq="D")
    doy = days.day_of_year.to_numpy()
    easter = np.zeros(len(days), dtype=bool)
    for year in sorted(set(days.year)):
        sunday = _easter(year)
        easter |= (days >= sunday - pd.Timedelta(days=3)) & (
            days <= sunday + pd.Timedelta(days=1)
        )
    closed = ((days.month == 12) & days.day.isin([25, 26])) | (
        (days.month == 1) & (days.day == 1)
    )
    frames = []
    for s in range(stores):
        level = rng.uniform(500, 5000)
        week = rng.uniform(0.7, 1.0, 7)
        week[5:] *= rng.uniform(1.4, 1.9)  # Saturday and Sunday
        peak = rng.uniform(100, 150)
        yearly = (
            0.55
            + rng.uniform(0.5, 1.0) * np.exp(-0.5 * ((doy - peak) / 40) ** 2)
            + 0.2 * np.exp(-0.5 * ((doy - 345) / 8) ** 2)
        )
        trend = 1 + rng.uniform(-0.05, 0.08) * np.arange(len(days)) / 365
        y = level * week[days.day_of_week] * yearly * trend
        y = y * np.where(easter, 1.6, 1.0) * rng.lognormal(0, 0.1, len(days))
        for start in rng.choice(len(days) - 3, 4, replace=False):
            y[start : start + 3] *= 2.5
        y[closed] = 0.0
        frames.append(
            pd.DataFrame(
                {"store": f"shop {s + 1}", "date": days, "sales": np.round(y, 2)}
            )
        )
    return pd.concat(frames, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.daily_shops",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--horizon", type=int, default=90)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument(
        "--models", default=",".join(MODELS), help="comma-separated model names"
    )
    parser.add_argument("--csv", help="also write the panel here")
    args = parser.parse_args(argv)

    from convlstm import compare_panel

    panel = shops(args.stores, args.seed)
    if args.csv:
        panel.to_csv(args.csv, index=False)
    long = panel.rename(columns={"store": "series", "date": "time", "sales": "value"})
    started = time.perf_counter()
    result = compare_panel(
        long,
        models=[m.strip() for m in args.models.split(",") if m.strip()],
        horizon=args.horizon,
        folds=args.folds,
    )
    seconds = time.perf_counter() - started
    columns = ["series", "mean_mase", "median_mase", "mean_smape", "mean_mae"]
    print(
        f"{args.stores} shops x {len(panel) // args.stores} days, seed {args.seed}, "
        f"{args.folds} folds x {args.horizon} days, {seconds:.0f} s"
    )
    print(result.summary[columns].sort_values("mean_mase").round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
