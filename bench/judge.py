"""Judge a ConvLSTM change on every series we have: ``python -m bench.judge``.

One number for an A/B comparison: the geometric mean, over the six bundled datasets
and the seven series of ``bench.extra``, of the ConvLSTM's MAE over our ARIMA's on
the same rolling-origin folds (neural MAE averaged over seeds). It also prints the
issue's target figure: the geometric mean of the MAE over the best of our statistical
models on each series (ARIMA, ETS, Theta, seasonal naive; the best by the same
folds, so a harder bar than any one of them), and the same for the median of the
ConvLSTM, our ETS and our Theta, step by step (the ensemble of ``bench.tourism``
and ``bench.m3``, combined from the same forecasts: nothing refits). Beside the
best on each series it names the statistical model a user could have picked: the
one with the lowest MAE on as many folds just before the scored ones (the
validation part), and gives the MAE over that pick's. Run it on two
checkouts, or with ``--params '{"hidden_size": 16}'``, and compare; ``--model LSTM``
judges the plain LSTM (the ConvLSTM's ablation) the same way. A change worth
keeping should lower the geometric mean without a large loss on any article
dataset; a 5% move on one short series is within the noise.

Each series uses its bundled horizon and folds, or the app's default for an upload
(``convlstm.datasets.default_horizon_folds``). Nothing is written.

``--validation`` judges on validation inside the training data instead: each
series loses its test part (its last folds x horizon points) and the same folds are
cut from the rest, so a setting can be chosen without looking at a test part.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from multiprocessing import get_context
from typing import Any

import numpy as np
import pandas as pd

from . import extra
from .run import OURS_STAT, load_dataset, pooled_mae


def load_series(name: str) -> tuple[pd.Series, int, int]:
    if name in extra.SERIES:
        return extra.load_with_protocol(name)
    return load_dataset(name)


#: the ensemble whose median the judge reports beside the neural model alone
MEDIAN_WITH = ("ETS", "Theta")


def model_mae(
    task: tuple[str, str, dict[str, Any], int, int],
) -> tuple[str, str, float, np.ndarray, np.ndarray]:
    """MAE of one model (and seed) on one series, over its folds, with the actual
    values and the forecasts it was measured on (every fold's, in order). The
    task's last item says which folds: 0 the test part, 1 the validation part
    just before it (as many folds), 2 the folds before those. A model that cannot
    fit there scores NaN."""
    warnings.filterwarnings("ignore")
    name, model, params, seed, back = task
    from convlstm.backtest import backtest
    from convlstm.compare import make_model
    from convlstm.errors import ConvLSTMError

    y, horizon, folds = load_series(name)
    if back:
        y = y.iloc[: -horizon * folds * back]
    kwargs = {**params, "seed": seed} if model not in OURS_STAT else {}
    forecaster = make_model(model, horizon=horizon, **kwargs)
    try:
        frame = backtest({model: forecaster}, y, horizon, folds).forecasts
    except ConvLSTMError:
        if model not in OURS_STAT:
            raise
        return name, model, math.nan, np.array([]), np.array([])
    actual = frame["actual"].to_numpy(float)
    forecast = frame["forecast"].to_numpy(float)
    return name, model, pooled_mae(actual, forecast), actual, forecast


def median_mae(
    actual: np.ndarray, neural: list[np.ndarray], others: list[np.ndarray]
) -> float:
    """The MAE of the step-by-step median of each neural forecast (a seed's) and
    ``others`` (the same for every seed), averaged over the neural forecasts."""
    return float(
        np.mean(
            [
                pooled_mae(actual, np.median(np.stack([f, *others]), axis=0))
                for f in neural
            ]
        )
    )


def names() -> list[str]:
    """The bundled datasets, then the extra series."""
    from convlstm import datasets

    return [*datasets.names(), *extra.SERIES]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.judge", description=__doc__)
    p.add_argument("--model", default="ConvLSTM", choices=["ConvLSTM", "LSTM"])
    p.add_argument("--params", default="{}", help="the model's settings as JSON")
    p.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 (default 3)")
    p.add_argument(
        "--series", nargs="+", choices=names(), metavar="NAME", help="default: all"
    )
    p.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    p.add_argument(
        "--validation",
        action="store_true",
        help="score the folds before each series' test part (to choose settings)",
    )
    args = p.parse_args(argv)
    try:
        params = json.loads(args.params)
    except json.JSONDecodeError as exc:
        p.error(f'--params is not JSON ({exc}); e.g. \'{{"init": "scratch"}}\'')
    chosen = args.series or names()
    val = bool(args.validation)
    back = int(val)  # which folds are scored (model_mae)
    tasks = [
        (n, stat, {}, 0, b)
        for n in chosen
        for stat in OURS_STAT
        for b in (back, back + 1)
    ]
    neural = args.model
    tasks += [(n, neural, params, s, back) for n in chosen for s in range(args.seeds)]
    start = time.perf_counter()
    results: dict[tuple[str, str], list[float]] = {}
    forecasts: dict[tuple[str, str], list[np.ndarray]] = {}
    actuals: dict[str, np.ndarray] = {}
    if args.jobs > 1:
        # spawn, not fork: a forked child of a process that already ran torch's
        # thread pool can hang
        with get_context("spawn").Pool(args.jobs) as pool:
            done = list(pool.imap(model_mae, tasks))
    else:
        done = [model_mae(task) for task in tasks]
    before: dict[tuple[str, str], float] = {}  # the folds before the scored ones
    for (*_, b), (name, model, mae, actual, forecast) in zip(tasks, done, strict=True):
        if b > back:
            before[(name, model)] = mae
            continue
        results.setdefault((name, model), []).append(mae)
        forecasts.setdefault((name, model), []).append(forecast)
        if actual.size:  # a model that could not fit has none
            actuals[name] = actual
    ratios: list[float] = []
    to_best: list[float] = []
    median_to_best: list[float] = []
    to_picked: list[float] = []
    print(
        f"{'series':16s} {neural:>12s} {'ARIMA':>12s} {'ratio':>7s}"
        f" {'best statistical':>26s} {'ratio':>7s} {'median':>12s} {'ratio':>7s}"
        f" {'picked before':>26s} {'ratio':>7s}"
    )
    for name in chosen:
        conv = float(np.mean(results[(name, neural)]))
        stats = {stat: results[(name, stat)][0] for stat in OURS_STAT}
        arima = stats["ARIMA"]
        usable = {stat: mae for stat, mae in stats.items() if math.isfinite(mae)}
        best = min(usable or stats, key=lambda stat: (usable or stats)[stat])
        ratios.append(conv / arima if arima > 0 else math.nan)
        to_best.append(conv / stats[best] if stats[best] > 0 else math.nan)
        median = median_mae(
            actuals[name],
            forecasts[(name, neural)],
            # the members that forecast the series, as bench.competition's medians
            [f for other in MEDIAN_WITH if (f := forecasts[(name, other)][0]).size],
        )
        median_to_best.append(median / stats[best] if stats[best] > 0 else math.nan)
        earlier = {
            stat: before[(name, stat)]
            for stat in OURS_STAT
            if math.isfinite(before[(name, stat)])
        }
        picked = min(earlier, key=earlier.__getitem__) if earlier else None
        mae_picked = stats[picked] if picked else math.nan
        picked_text = f"{picked} {mae_picked:.4g}" if picked else "none fitted"
        to_picked.append(conv / mae_picked if mae_picked > 0 else math.nan)
        print(
            f"{name:16s} {conv:12.4g} {arima:12.4g} {ratios[-1]:7.3f}"
            f" {best + ' ' + format(stats[best], '.4g'):>26s} {to_best[-1]:7.3f}"
            f" {median:12.4g} {median_to_best[-1]:7.3f}"
            f" {picked_text:>26s} {to_picked[-1]:7.3f}"
        )
    where = " (validation)" if val else ""
    took = time.perf_counter() - start
    members = " + ".join((neural, *MEDIAN_WITH))
    for what, values in (
        (f"{neural} / ARIMA", ratios),
        (f"{neural} / the best statistical", to_best),
        (f"median of {members} / the best statistical", median_to_best),
        (f"{neural} / the statistical model picked before", to_picked),
    ):
        finite = [r for r in values if math.isfinite(r)]
        geo = float(np.exp(np.mean(np.log(finite)))) if finite else math.nan
        print(
            f"geometric mean {what}{where}: {geo:.4f} over "
            f"{len(finite)} series ({args.seeds} seeds, params {params}, {took:.0f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
