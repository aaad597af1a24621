"""Short uploads of daily, hourly, weekly and half-hourly data:
``python -m bench.short_uploads``.

Does the default ConvLSTM forecast a short daily, hourly, weekly or half-hourly
upload better with the pretrained networks of those seasons (learnt from synthetic
series only) than without them? Without one, a series of such a season trains from
scratch, or, too short for that, is forecast by the non-seasonal network.

The series, never in any pretraining corpus: the bundled electricity demand
(`data/electricity.csv`) as daily means (84 days, season 7), hourly means (2,016
hours, season 24) and as it is (4,032 half-hours, season 48), and statsmodels'
weekly Mauna Loa CO2 readings (2,284 weeks from 1958, season 52; its 59 missing
weeks interpolated). An *upload* is the last ``L``
points before an origin, for each ``L`` of :data:`CASES`; each is forecast one season
ahead (the app's default horizon) and scored by MASE (the scale: the upload's own
seasonal naive errors, or naive ones when it is shorter than a season and a step).
Origins run every ``step`` points from the longest upload to the end; the first half
of a series' origins is *validation* (the only part a choice may be made on) and the
second half *test*.

``--cases`` runs some series only (the others' scores do not depend on them).

Models: the default ConvLSTM with the season's pretrained network (``after``) and
with it hidden, as it ran before that network existed (``before``), the pretrained
network zero-shot, and our ETS, Theta and seasonal naive. One seed (0). Nothing is
written; the table goes to stdout (``--markdown`` for bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import math
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Case:
    """One held-out series cut into uploads."""

    name: str
    season: int
    lengths: tuple[int, ...]
    step: int


CASES = (
    Case("electricity, daily", 7, (14, 21, 28, 42), 7),
    Case("electricity, hourly", 24, (72, 168, 336, 672), 72),
    Case("co2, weekly", 52, (60, 104, 156, 260), 104),
    Case("electricity, half-hourly", 48, (96, 336, 672, 1344), 96),
)
MODELS = (
    "ConvLSTM before",
    "ConvLSTM after",
    "ConvLSTM zero-shot",
    "ETS",
    "Theta",
    "Seasonal naive",
)


@functools.cache
def load(name: str) -> pd.Series:
    """The held-out series ``name`` of :data:`CASES`, on a regular index (read once
    per process: every upload of a worker slices it; do not modify it)."""
    if name.startswith("electricity"):
        from convlstm.datasets import load as load_bundled

        y = load_bundled("electricity")
        part = name.split(", ")[1]
        if part == "half-hourly":
            return y
        return y.resample({"daily": "D", "hourly": "h"}[part]).mean()
    from statsmodels.datasets import co2

    raw = co2.load_pandas().data["co2"].astype(float)
    index = pd.date_range(raw.index[0], periods=len(raw), freq="W-SAT")
    return pd.Series(raw.to_numpy(), index=index, name="co2").interpolate()


def origins(case: Case, n: int) -> list[int]:
    """Forecast origins (positions) of a series of ``n`` points."""
    return list(range(max(case.lengths), n - case.season + 1, case.step))


@contextlib.contextmanager
def _without_family(season: int) -> Iterator[None]:
    """Hide the pretrained network of ``season`` (the default as it was before)."""
    from convlstm.pretrained import FAMILY_OF_SEASON

    kept = dict(FAMILY_OF_SEASON)
    FAMILY_OF_SEASON.pop(season, None)
    try:
        yield
    finally:  # the same families in the same order
        FAMILY_OF_SEASON.clear()
        FAMILY_OF_SEASON.update(kept)


def forecast(model: str, upload: pd.Series, horizon: int, season: int) -> np.ndarray:
    """One model's forecast of the ``horizon`` steps after ``upload``."""
    from convlstm.compare import make_model

    if model.startswith("ConvLSTM"):
        params: dict = {"seed": 0}
        if model.endswith("zero-shot"):
            params |= {"init": "pretrained", "fine_tune": False}
        fitted = make_model("ConvLSTM", horizon=horizon, **params)
        hide = _without_family(season) if model.endswith("before") else None
        with hide or contextlib.nullcontext():
            return fitted.fit(upload).predict().to_numpy(float)
    fitted = make_model(model, horizon=horizon)
    return fitted.fit(upload).predict().to_numpy(float)


def _task(task: tuple[int, int, int, str]) -> tuple[int, int, int, str, float, str]:
    """MASE of one model on one upload; NaN and the error when it failed."""
    warnings.filterwarnings("ignore")
    import torch

    from convlstm.errors import ConvLSTMError

    from .competition import mase

    torch.set_num_threads(1)
    k, length, origin, model = task
    case = CASES[k]
    y = load(case.name)
    upload = y.iloc[origin - length : origin]
    actual = y.iloc[origin : origin + case.season].to_numpy(float)
    train = upload.to_numpy(float)
    scale_season = case.season if len(train) > case.season else 1
    try:
        f = forecast(model, upload, case.season, case.season)
    except ConvLSTMError as exc:
        return k, length, origin, model, math.nan, str(exc)
    return k, length, origin, model, mase(actual, f, train, scale_season), ""


def run(
    jobs: int, only: str | None = None, cases: list[str] | None = None
) -> list[tuple]:
    tasks = []
    for k, case in enumerate(CASES):
        if only and only not in case.name:
            continue
        if cases is not None and case.name not in cases:
            continue
        n = len(load(case.name))
        for origin in origins(case, n):
            for length in case.lengths:
                tasks += [(k, length, origin, m) for m in MODELS]
    with get_context("spawn").Pool(jobs) as pool:
        return pool.map(_task, tasks, chunksize=1)


def table(done: list[tuple], markdown: bool, relative: bool = False) -> str:
    """Mean MASE per series, split and upload length (``relative``: each model's
    MAE over seasonal naive's on the same upload, geometric mean)."""
    frame = pd.DataFrame(
        done, columns=["case", "length", "origin", "model", "mase", "error"]
    )
    split = {}
    for k in range(len(CASES)):
        points = sorted(frame.loc[frame["case"] == k, "origin"].unique())
        half = len(points) // 2
        split |= {
            (k, o): "validation" if i < half else "test" for i, o in enumerate(points)
        }
    pairs = zip(frame["case"], frame["origin"], strict=True)
    frame["split"] = [split[pair] for pair in pairs]
    frame["series"] = [CASES[k].name for k in frame["case"]]
    rows = []
    for (series, part), group in frame.groupby(["series", "split"], sort=False):
        cells = group.pivot_table(
            index=["length", "origin"], columns="model", values="mase"
        )
        if relative:
            cells = np.log(cells.div(cells["Seasonal naive"], axis=0))
        parts = [(series, cells)]
        parts += [(f"  upload of {n}", sub) for n, sub in cells.groupby(level="length")]
        for label, sub in parts:
            better = (sub["ConvLSTM after"] < sub["ConvLSTM before"]).mean()
            rows.append(
                {
                    "series": label,
                    "split": part,
                    "uploads": len(sub),
                    **{m: sub[m].mean() for m in MODELS if m in sub},
                    "after beats before": f"{100 * better:.0f}%",
                }
            )
    out = pd.DataFrame(rows)
    if relative:
        models = [m for m in MODELS if m in out]
        out[models] = np.exp(out[models])
    failed = frame[frame["error"] != ""]
    text = (
        _markdown(out)
        if markdown
        else out.to_string(index=False, float_format=lambda v: f"{v:.3f}")
    )
    if len(failed):
        text += f"\n\n{len(failed)} fit(s) failed, e.g. {failed.iloc[0].to_dict()}"
    return text


def _markdown(frame: pd.DataFrame) -> str:
    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|---" * frame.shape[1] + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.short_uploads", description=__doc__
    )
    p.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    p.add_argument("--only", help="series whose name contains this (e.g. daily)")
    p.add_argument(
        "--cases",
        nargs="+",
        choices=[case.name for case in CASES],
        metavar="NAME",
        help="only these series, by their full name, e.g. 'electricity, half-hourly' "
        f"(names: {'; '.join(case.name for case in CASES)})",
    )
    p.add_argument("--markdown", action="store_true", help="a Markdown table")
    p.add_argument("--raw", help="also write every score to this JSON file")
    p.add_argument("--load", help="table the scores of an earlier --raw file")
    args = p.parse_args(argv)
    started = time.perf_counter()
    if args.load:
        done = [tuple(row) for row in json.loads(Path(args.load).read_text())]
    else:
        done = run(args.jobs, args.only, args.cases)
    if args.raw:
        Path(args.raw).write_text(json.dumps(done, allow_nan=True))
    print("Mean MASE\n")
    print(table(done, args.markdown))
    print("\nMAE / seasonal naive's MAE on the same upload, geometric mean\n")
    print(table(done, args.markdown, relative=True))
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
