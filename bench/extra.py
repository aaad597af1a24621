"""Generalisation check on series beyond the bundled ones: ``python -m bench.extra``.

The six bundled datasets are the benchmark the defaults were judged on; a default that
only suits them would show on other series. Caveat: ``bench.judge`` scores these
seven on the same test folds, and before its ``--validation`` option (2026-12-02)
some ConvLSTM defaults were chosen with it (the window scale, the ridge grid, the
LSTM defaults, no anchor for a series without a season): the neural rows are not
a clean out-of-sample check. These are public series that ship
inside statsmodels (installed with the app, so nothing downloads): each gets the
horizon and folds an upload of it would get in the app
(``convlstm.datasets.default_horizon_folds``), and our default models are backtested on
them exactly as in ``bench.run`` (neural models over 3 seeds). Results go to
``bench/EXTRA.md`` and ``bench/extra.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from convlstm.metrics import best_model

from .run import (
    BENCH,
    NEURAL,
    OURS,
    OURS_STAT,
    code_state,
    machine,
    measured_stamp,
    run_ours,
)

# statsmodels dataset -> what it is (shown in the report)
SERIES = {
    "elec_equip": "euro-area electrical equipment orders, monthly 1995-2016",
    "elnino": "El Nino sea surface temperature, monthly 1950-2010",
    "realgdp": "US real GDP, quarterly 1959-2009 (macrodata)",
    "cpi": "US consumer price index, quarterly 1959-2009 (macrodata)",
    "unemp": "US unemployment rate, quarterly 1959-2009 (macrodata)",
    "m1": "US M1 money stock, quarterly 1959-2009 (macrodata)",
    "nile": "Nile river flow at Aswan, yearly 1871-1970",
}
STAT = OURS_STAT


def load_series(name: str) -> pd.Series:
    """One of ``SERIES`` as a regular series, from the installed statsmodels."""
    from statsmodels import datasets

    if name == "elec_equip":
        from statsmodels.datasets import elec_equip

        values = elec_equip.load().data.iloc[:, 0].to_numpy(dtype=float)
        index = pd.date_range("1995-01-01", periods=len(values), freq="MS")
    elif name == "elnino":
        table = datasets.elnino.load_pandas().data
        values = table.iloc[:, 1:13].to_numpy(dtype=float).ravel()
        start = f"{int(table.iloc[0, 0])}-01-01"
        index = pd.date_range(start, periods=len(values), freq="MS")
    elif name in ("realgdp", "cpi", "unemp", "m1"):
        table = datasets.macrodata.load_pandas().data
        values = table[name].to_numpy(dtype=float)
        index = pd.date_range("1959-01-01", periods=len(values), freq="QS")
    elif name == "nile":
        values = datasets.nile.load_pandas().data["volume"].to_numpy(dtype=float)
        index = pd.date_range("1871-01-01", periods=len(values), freq="YS")
    else:
        raise KeyError(f"unknown extra series {name!r}")
    return pd.Series(values, index=index, name=name)


def load_with_protocol(name: str) -> tuple[pd.Series, int, int]:
    """One of ``SERIES`` with the horizon and folds an upload of it would get."""
    from convlstm.datasets import default_horizon_folds

    y = load_series(name)
    return (y, *default_horizon_folds(y))


def bench_series(name: str, seeds: list[int]) -> dict[str, Any]:
    """Backtest our models on one extra series."""
    from convlstm.data import season_length

    y, horizon, folds = load_with_protocol(name)
    print(f"{name}: {len(y)} points, horizon {horizon}, {folds} folds", file=sys.stderr)
    ours, _ = run_ours(y, horizon, folds, models=OURS, seeds=seeds)
    return {
        "what": SERIES[name],
        "n": len(y),
        "freq": y.index.freqstr,
        "season_length": int(season_length(y.index)),
        "horizon": horizon,
        "folds": folds,
        "ours": ours,
        "measured": measured_stamp(),
    }


def _ratio(entry: dict[str, Any], model: str) -> float:
    ours = entry["ours"]
    scores = {s: ours[s]["mae"] for s in STAT if "mae" in ours.get(s, {})}
    best = best_model(pd.Series(scores, dtype=float))
    if model not in ours or best is None or scores[best] <= 0:
        return math.nan
    return ours[model]["mae"] / scores[best]


def render(results: dict[str, Any]) -> str:
    """The markdown report."""
    series = results["series"]
    lines = [
        "# Generalisation check: series beyond the bundled ones",
        "",
        "**Not unseen by the ConvLSTM's defaults.** `python -m bench.judge` scores "
        "these seven series on the same test folds as this page, and until its "
        "`--validation` option (2026-12-02) some ConvLSTM and LSTM defaults were "
        "chosen with it (the window scale, the ridge penalty grid, the LSTM "
        "defaults, no anchor for a series without a season: bench/RESULTS.md): "
        "read the neural rows as in-sample for those choices. The statistical "
        "models were not tuned on them.",
        "",
        f"Generated by `{results['command']}` on {results['date']}; numbers in "
        "`bench/extra.json`. Machine and protocol as in `RESULTS.md`, except that "
        "each series gets the horizon and folds an upload of it would get in the app "
        "(`convlstm.datasets.default_horizon_folds`). Neural models: mean over seeds "
        f"{results['seeds']}. *ratio* = MAE / the best of our statistical and "
        f"naive models ({', '.join(STAT)}) on that series (no statsforecast "
        "references here).",
        "",
        f"- Code: {results['code']}",
        f"- Machine: {results['machine'].get('cpu', '?')}, "
        f"{results['machine'].get('cores', '?')} cores"
        + (
            f"; load average (1 min) {results['load'][0]:.1f} at the start, "
            f"{results['load'][1]:.1f} at the end of the run"
            if results.get("load")
            else ""
        ),
        "",
    ]
    models = [m for m in OURS if any(m in e["ours"] for e in series.values())]
    challengers = [m for m in models if m not in STAT]
    head = ["series", "n", "h x folds", *models, *(f"{m} ratio" for m in challengers)]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ratios: dict[str, list[float]] = {m: [] for m in challengers}
    for name, e in series.items():
        ours = e["ours"]
        cells = []
        for model in models:
            entry = ours.get(model, {})
            if "mae" not in entry:
                cells.append("error")
            elif model in NEURAL:
                cells.append(f"{entry['mae']:.4g} ± {entry.get('mae_std', 0):.2g}")
            else:
                cells.append(f"{entry['mae']:.4g}")
        rs = []
        for model in challengers:
            r = _ratio(e, model)
            ratios[model].append(r)
            rs.append(f"{r:.3f}")
        lines.append(
            f"| {name} ({e['what']}) | {e['n']} | {e['horizon']} x {e['folds']} | "
            + " | ".join(cells + rs)
            + " |"
        )
    lines.append("")
    for model, rs in ratios.items():
        finite = [r for r in rs if math.isfinite(r)]
        if finite:
            geo = float(np.exp(np.mean(np.log(finite))))
            wins = sum(r < 1 for r in finite)
            lines.append(
                f"- {model}: geometric mean ratio {geo:.3f} over {len(finite)} series; "
                f"better than every one of those models on {wins}."
            )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.extra", description=__doc__)
    p.add_argument("--series", nargs="+", choices=list(SERIES), default=list(SERIES))
    p.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 (default 3)")
    p.add_argument("--out", type=Path, default=BENCH / "EXTRA.md")
    p.add_argument("--json", type=Path, default=BENCH / "extra.json")
    args = p.parse_args(argv)
    warnings.filterwarnings("ignore")
    seeds = list(range(args.seeds))
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    start_load = os.getloadavg()[0]
    results: dict[str, Any] = {
        "command": "python -m bench.extra" + "".join(f" {a}" for a in (argv or [])),
        "date": now,
        "code": code_state(),
        "machine": machine(),
        "seeds": seeds,
        "series": {name: bench_series(name, seeds) for name in args.series},
    }
    results["load"] = [start_load, os.getloadavg()[0]]
    args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")
    args.out.write_text(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
