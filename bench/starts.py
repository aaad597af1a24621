"""Choose or combine the ConvLSTM's two starts, on validation parts only:
``python -m bench.starts``.

The default ConvLSTM (``init="auto"``, the ``auto`` column) fits a scratch and a
pretrained start on the series without its last three horizons and keeps the one
that forecast them better, or, on a series with a 12-step season, both (their mean;
the rule these numbers chose), and on a 4-step one both, weighted as ``inv2`` (chosen
on all of Tourism's validation parts, 2026-12-06). This measures, on the same fits,
each start alone and the ways of combining both starts' final forecasts: their
mean, and means weighted by the inverse of each start's check error (``inv``) or
its square (``inv2``); ``mean@12`` takes the mean on series with a season of 12
steps and the better-checked start elsewhere; ``pool`` and ``pool@12`` take the
mean only when the two starts' check errors are within :data:`POOL_RATIO` of each
other. A series the check could not run on (too short to train from scratch, a
season without a pretrained network) keeps the default's forecast in every variant.

Two validation sets, neither reading a test part: ``--set judge`` (the 13 series of
:mod:`bench.judge`, test part removed, its folds cut from the rest; MAE over our
ARIMA's, geometric mean over series, neural MAE averaged over ``--seeds``) and
``--set tourism`` (Tourism training parts with their last official horizon held
out, ``--sample`` series per type; mean MASE per type). Nothing is written but
``--rows``: every Tourism series' scores, to score another rule without refitting.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from convlstm.models.neural import AUTO_POOL_RATIO

VARIANTS = (
    "auto",
    "scratch",
    "pretrained",
    "mean",
    "inv",
    "inv2",
    "mean@12",
    "pool",
    "pool@12",
)
#: ``pool``: the mean of both starts when the worse one's check error is at most
#: POOL_RATIO x the better one's, else the better-checked start (forecast pooling:
#: combine only forecasts that checked about as well as the best); ``pool@12`` the
#: same on 12-step seasons and the better-checked start elsewhere (the default
#: since 2026-12-05, whose ratio this is).
POOL_RATIO = AUTO_POOL_RATIO


def combine(
    y: pd.Series,
    horizon: int,
    seed: int,
    params: dict[str, Any] | None = None,
    info: dict[str, Any] | None = None,
) -> dict[str, np.ndarray]:
    """Each variant's forecast of the ``horizon`` steps after ``y``.

    ``scratch`` and ``pretrained`` are the two starts' own final fits (one is the
    default's, the other fitted with the same seed); a series the check did not
    run on gives the default's forecast under every name. ``info``, when given,
    receives the default's start and each start's check error.
    """
    from convlstm.compare import make_model
    from convlstm.data import season_length

    params = dict(params or {})
    auto = make_model("ConvLSTM", horizon=horizon, seed=seed, **params).fit(y)
    chosen = auto.predict().to_numpy(float)
    errors = getattr(auto, "start_errors_", None) or {}
    if info is not None:
        info.update(start=auto.start_, errors=dict(errors))
    out = dict.fromkeys(VARIANTS, chosen)
    if len(errors) < 2:
        return out
    starts = {auto.start_: chosen} if auto.start_ in errors else {}
    partner = auto.__dict__.get("partner_")  # the default kept both starts
    if partner is not None:
        starts["pretrained"] = partner.predict().to_numpy(float)
    for start in errors:
        if start not in starts:
            again = make_model(
                "ConvLSTM", horizon=horizon, seed=seed, init=start, **params
            )
            starts[start] = again.fit(y).predict().to_numpy(float)
    out["scratch"], out["pretrained"] = starts["scratch"], starts["pretrained"]
    out["mean"] = (starts["scratch"] + starts["pretrained"]) / 2
    for name, power in (("inv", 1), ("inv2", 2)):
        weights = {s: 1 / max(errors[s], 1e-12) ** power for s in starts}
        total = sum(weights.values())
        out[name] = sum(weights[s] * starts[s] for s in starts) / total
    better = min(errors, key=lambda s: (errors[s], s != "scratch"))
    monthly = season_length(y.index) == 12
    out["mean@12"] = out["mean"] if monthly else starts[better]
    close = max(errors.values()) <= POOL_RATIO * max(min(errors.values()), 1e-12)
    out["pool"] = out["mean"] if close else starts[better]
    out["pool@12"] = out["pool"] if monthly else starts[better]
    return out


def _judge_task(task: tuple[str, int]) -> tuple[str, int, dict[str, float]]:
    """One judge series and seed: each variant's MAE over its validation folds."""
    warnings.filterwarnings("ignore")
    from .judge import load_series
    from .run import pooled_mae

    name, seed = task
    y, horizon, folds = load_series(name)
    y = y.iloc[: -horizon * folds]
    forecasts: dict[str, list[np.ndarray]] = {v: [] for v in VARIANTS}
    actuals = []
    for k in range(1, folds + 1):
        cut = len(y) - (folds - k + 1) * horizon
        actuals.append(y.iloc[cut : cut + horizon].to_numpy(float))
        for v, f in combine(y.iloc[:cut], horizon, seed).items():
            forecasts[v].append(f)
    actual = np.concatenate(actuals)
    return (
        name,
        seed,
        {v: pooled_mae(actual, np.concatenate(f)) for v, f in forecasts.items()},
    )


def _arima_task(name: str) -> tuple[str, str, float]:
    """Our ARIMA's MAE on a judge series' validation folds (the last item 1)."""
    from .judge import model_mae

    name, model, mae, *_ = model_mae((name, "ARIMA", {}, 0, 1))
    return name, model, mae


def _tourism_task(
    series_id: int,
) -> tuple[str, dict[str, float], dict[str, Any]]:
    """One Tourism series: each variant's MASE on its held-out last horizon, and
    the series' id, length and check errors."""
    warnings.filterwarnings("ignore")
    import torch

    from .competition import mase, to_series
    from .tourism import COMPETITION

    torch.set_num_threads(1)
    s = COMPETITION.data()[series_id]
    y, actual, kind = to_series(COMPETITION, s, validation=True)
    train = y.to_numpy(float)
    info: dict[str, Any] = {"id": int(series_id), "length": len(y)}
    forecasts = combine(y, kind.horizon, 0, info=info)
    return (
        s.type,
        {v: mase(actual, f, train, kind.season) for v, f in forecasts.items()},
        info,
    )


def judge(seeds: int, jobs: int, out: Any = sys.stdout) -> dict[str, float]:
    """The judge set's table and geometric means; returns the means by variant."""
    from .judge import names

    chosen = names()
    with get_context("spawn").Pool(jobs) as pool:
        arima = {n: m for n, _, m in pool.map(_arima_task, chosen)}
        done = pool.map(_judge_task, [(n, s) for n in chosen for s in range(seeds)])
    maes: dict[tuple[str, str], list[float]] = {}
    for name, _, scores in done:
        for v, mae in scores.items():
            maes.setdefault((name, v), []).append(mae)
    logs: dict[str, list[float]] = {v: [] for v in VARIANTS}
    print(f"{'series':16s}" + "".join(f"{v:>11s}" for v in VARIANTS), file=out)
    for name in chosen:
        ratios = [float(np.mean(maes[(name, v)])) / arima[name] for v in VARIANTS]
        for v, r in zip(VARIANTS, ratios, strict=True):
            logs[v].append(math.log(r))
        print(f"{name:16s}" + "".join(f"{r:11.3f}" for r in ratios), file=out)
    geo = {v: math.exp(float(np.mean(logs[v]))) for v in VARIANTS}
    print(f"{'geomean':16s}" + "".join(f"{geo[v]:11.4f}" for v in VARIANTS), file=out)
    return geo


def tourism(
    sample: int | None,
    jobs: int,
    out: Any = sys.stdout,
    rows_path: Path | None = None,
) -> dict[str, float]:
    """The Tourism set's mean MASE per type and overall; returns the overall.
    ``rows_path``: also write every series' row there (JSON: type, id, length,
    the default's start, each start's check error and each variant's MASE), so
    that another rule can be scored on them without refitting."""
    from .competition import series_ids
    from .tourism import COMPETITION

    ids = series_ids(COMPETITION, list(COMPETITION.types), sample, 0)
    with get_context("spawn").Pool(jobs) as pool:
        done = pool.map(_tourism_task, ids, chunksize=4)
    if rows_path is not None:
        rows_path.write_text(
            json.dumps(
                [{"type": t, **i, "mase": m} for t, m, i in done], allow_nan=True
            )
            + "\n"
        )
    print(f"{'type':10s}" + "".join(f"{v:>11s}" for v in VARIANTS), file=out)
    means = {}
    for kind in [*COMPETITION.types, "all"]:
        rows = [scores for t, scores, _ in done if kind in (t, "all")]
        means = {v: float(np.nanmean([r[v] for r in rows])) for v in VARIANTS}
        print(f"{kind:10s}" + "".join(f"{means[v]:11.3f}" for v in VARIANTS), file=out)
    return means


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.starts", description=__doc__)
    p.add_argument("--set", choices=["judge", "tourism"], default="judge")
    p.add_argument("--seeds", type=int, default=3, help="judge: seeds 0..N-1")
    p.add_argument(
        "--sample", type=int, default=60, help="tourism: series per type (0: all)"
    )
    p.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    p.add_argument(
        "--rows", type=Path, help="tourism: write every series' scores here (JSON)"
    )
    args = p.parse_args(argv)
    start = time.perf_counter()
    if args.set == "judge":
        judge(args.seeds, args.jobs)
    else:
        tourism(args.sample or None, args.jobs, rows_path=args.rows)
    print(f"{time.perf_counter() - start:.0f} s (validation parts only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
