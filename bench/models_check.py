"""ETS and Theta against statsforecast's AutoETS / AutoTheta on the benchmark's folds.

``python -m bench.models_check [DATASET ...]`` backtests our ETS, Theta (standard and
optimised), ARIMA and seasonal naive with ``convlstm.backtest`` on the folds of
``bench.run``, reads the statsforecast references from ``bench/results.json`` (or runs
them when statsforecast is installed and the cache does not match the data), and
prints a markdown table of MAE, the ratio to the reference and fit seconds per fold;
then the seasonal naive on each natural season and on the season picked by
:func:`convlstm.models.season_choice.choose_season`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from . import references
from .run import (
    BENCH,
    dataset_names,
    load_dataset,
    reference_key,
    run_reference_models,
    seasons,
)

# our model -> the statsforecast model it is checked against
PAIRS = {"ETS": "AutoETS", "Theta": "AutoTheta", "Theta (optimised)": "AutoTheta"}
# the tolerance: within 5% of the reference MAE, or the difference explained
TOLERANCE = 0.05


def cached_references(name: str, y: pd.Series, horizon: int, folds: int) -> dict:
    """The cached statsforecast results for ``name`` if they match the data."""
    path = BENCH / "results.json"
    if not path.exists():
        return {}
    cached = json.loads(path.read_text()).get("datasets", {}).get(name, {})
    refs = cached.get("references", {})
    if refs.get("key") != reference_key(y, horizon, folds):
        return {}
    return refs.get("models", {})


def reference_maes(name: str, y: pd.Series, horizon: int, folds: int) -> dict:
    """``{AutoETS: mae, AutoTheta: mae}`` from the cache, else run live, else {}."""
    models = cached_references(name, y, horizon, folds)
    if not models and references.available():
        models = run_reference_models(
            y, horizon, folds, only=sorted(set(PAIRS.values())), log=lambda _: None
        )["models"]
    return {k: v["mae"] for k, v in models.items() if "mae" in v}


def our_models(horizon: int) -> dict[str, Any]:
    from convlstm.models.arima import ARIMAForecaster
    from convlstm.models.baselines import SeasonalNaiveForecaster
    from convlstm.models.ets import ETSForecaster
    from convlstm.models.theta import ThetaForecaster

    return {
        "ETS": ETSForecaster(horizon=horizon),
        "Theta": ThetaForecaster(horizon=horizon),
        "Theta (optimised)": ThetaForecaster(horizon=horizon, theta=None),
        "ARIMA": ARIMAForecaster(horizon=horizon),
        "Seasonal naive": SeasonalNaiveForecaster(horizon=horizon),
    }


def check_dataset(name: str) -> list[dict[str, Any]]:
    """One row per model: MAE, reference MAE and ratio, fit seconds per fold."""
    from convlstm.backtest import backtest

    y, horizon, folds = load_dataset(name)
    models = our_models(horizon)
    result = backtest(models, y, horizon, folds)
    refs = reference_maes(name, y, horizon, folds)
    rows = []
    for model in models:
        mae = float(result.summary.loc[model, "mae"])
        ref_name = PAIRS.get(model)
        ref = refs.get(ref_name) if ref_name else None
        rows.append(
            {
                "dataset": name,
                "model": model,
                "mae": mae,
                "reference": ref_name or "",
                "reference_mae": ref,
                "ratio": mae / ref if ref else None,
                "fit_s_per_fold": float(result.summary.loc[model, "fit_seconds"])
                / folds,
            }
        )
    return rows


def seasonal_naive_seasons(name: str) -> list[dict[str, Any]]:
    """MAE of the seasonal naive on each natural season and on the chosen one."""
    from convlstm.models.baselines import SeasonalNaiveForecaster
    from convlstm.models.season_choice import choose_season

    y, horizon, folds = load_dataset(name)
    _, periods = seasons(y)
    rows = []
    chosen: list[int] = []

    def fixed(m: int):
        def fit_predict(train: pd.Series, h: int) -> np.ndarray:
            model = SeasonalNaiveForecaster(horizon=h, season_length=m)
            return model.fit(train).predict().to_numpy()

        return fit_predict

    def picked(train: pd.Series, h: int) -> np.ndarray:
        m = choose_season(train.to_numpy(), periods, h)
        chosen.append(m)
        return fixed(m)(train, h)

    for label, fit_predict in [
        *((f"lag {m}", fixed(m)) for m in periods),
        ("chosen", picked),
    ]:
        frame, secs = references.run_folds(y, horizon, folds, label, fit_predict)
        mae = float(np.mean(np.abs(frame["actual"] - frame["forecast"])))
        rows.append({"dataset": name, "season": label, "mae": mae})
    rows[-1]["season"] = f"chosen ({', '.join(str(m) for m in chosen)})"
    return rows


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", help="default: every bundled dataset")
    args = parser.parse_args(argv)
    names = args.datasets or dataset_names()

    print("| dataset | model | MAE | reference | ref. MAE | ratio | fit s/fold |")
    print("|---|---|---:|---|---:|---:|---:|")
    for name in names:
        start = time.perf_counter()
        for row in check_dataset(name):
            flag = ""
            if row["ratio"] is not None and row["ratio"] > 1 + TOLERANCE:
                flag = " (over 5%)"
            print(
                f"| {row['dataset']} | {row['model']} | {_fmt(row['mae'])} "
                f"| {row['reference']} | {_fmt(row['reference_mae'])} "
                f"| {_fmt(row['ratio'], 3)}{flag} | {row['fit_s_per_fold']:.3f} |"
            )
        print(f"  {name}: {time.perf_counter() - start:.1f}s", file=sys.stderr)

    print()
    print("| dataset | seasonal naive season | MAE |")
    print("|---|---|---:|")
    for name in names:
        y, _, _ = load_dataset(name)
        if len(seasons(y)[1]) < 2:
            continue
        for row in seasonal_naive_seasons(name):
            print(f"| {row['dataset']} | {row['season']} | {_fmt(row['mae'])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
