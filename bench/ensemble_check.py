"""The ensemble against its members and the best single statistical model.

``python -m bench.ensemble_check [DATASET ...]`` backtests every registered model
(one seed, default settings) and the weighted ensemble on the benchmark's folds of
each bundled dataset with ``convlstm.backtest`` (the ensembles reuse the members'
forecasts), prints a markdown table of MAE and MASE per model, and the ratio of
each ensemble's MASE and MAE to the best single statistical model's, with their
geometric means over the datasets (the issue's target: at most 1.0).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from convlstm.backtest import backtest
from convlstm.models.ensemble import EnsembleForecaster
from convlstm.models.registry import make_model, model_names

from .run import dataset_names, load_dataset

ENSEMBLES = {"Ensemble": "median", "Ensemble (weighted)": "weighted"}


def check(name: str) -> dict[str, dict[str, float]]:
    """``{model: {mae, mase, fit_seconds}}`` on one dataset's benchmark folds."""
    y, horizon, folds = load_dataset(name)
    models = {
        m: make_model(m, horizon=horizon, seed=0)
        for m in model_names()
        if m not in ENSEMBLES
    }
    for label, how in ENSEMBLES.items():
        models[label] = EnsembleForecaster(horizon=horizon, combine=how)
    start = time.perf_counter()
    result = backtest(models, y, horizon, folds)
    print(f"{name}: {time.perf_counter() - start:.0f}s", file=sys.stderr, flush=True)
    summary = result.summary
    return {
        str(m): {k: float(summary.loc[m, k]) for k in ("mae", "mase", "fit_seconds")}
        for m in summary.index
    }


def main(argv: list[str] | None = None) -> int:
    """Run the check and print the markdown tables."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("datasets", nargs="*", help="bundled datasets (default: all)")
    args = p.parse_args(argv)
    names = args.datasets or dataset_names()
    stat = model_names(baseline=True)
    ratios: dict[str, dict[str, list[float]]] = {
        e: {"mase": [], "mae": []} for e in ENSEMBLES
    }
    for name in names:
        res = check(name)
        best = min(stat, key=lambda m: res[m]["mase"])
        print(f"\n### {name} (best statistical by MASE: {best})\n")
        print("| model | MAE | MASE | fit s |\n|---|---|---|---|")
        for m, r in sorted(res.items(), key=lambda kv: kv[1]["mae"]):
            cells = f"{r['mae']:.4g} | {r['mase']:.3f} | {r['fit_seconds']:.1f}"
            print(f"| {m} | {cells} |")
        for e in ENSEMBLES:
            for k in ("mase", "mae"):
                ratios[e][k].append(res[e][k] / res[best][k])
            print(
                f"\n{e} / {best}: MASE ratio {ratios[e]['mase'][-1]:.3f}, "
                f"MAE ratio {ratios[e]['mae'][-1]:.3f}"
            )
        sys.stdout.flush()
    print("\n### Geometric mean over datasets of ensemble / best statistical\n")
    for e, r in ratios.items():
        gm = {k: float(np.exp(np.mean(np.log(v)))) for k, v in r.items()}
        print(f"- {e}: MASE {gm['mase']:.3f}, MAE {gm['mae']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
