"""A fuzzer of uploads: seeded random CSV files, odd in the ways real ones are,
sent through what an upload goes through (read, one series or a panel, a
comparison of cheap models); anything but a ``ConvLSTMError`` is a crash.

``tests/unit/test_fuzz.py`` runs a few seeds in the suite; to look further:

    python -m tests.fuzz --seed 7 --files 400 --out /tmp/crashes

writes each file that crashed (and prints its traceback). Each crash it found so
far has a test of its own beside the code it fixed.
"""

from __future__ import annotations

import argparse
import random
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from convlstm import (
    ConvLSTMError,
    compare,
    compare_panel,
    read_csv,
    to_panel,
    to_series,
)
from convlstm.datasets import default_horizon_folds

FREQS = (
    "D", "MS", "ME", "h", "W-SUN", "QS", "YS", "30min", "B", "min", "15s", "SMS", "bh",
)  # fmt: skip
# pandas' nanosecond range ends at both of these: dates past them take other units
STARTS = ("2000-01-01", "1900-01-01", "2021-03-27 22:00", "2261-11-01", "1677-09-22")
ZONES = (None, None, "Europe/Berlin", "America/New_York")
FORMATS = (
    "iso", "%d/%m/%Y", "%m/%d/%Y %H:%M", "%Y%m%d", "%Y", "%d.%m.%Y %H:%M:%S",
    "%b %Y", "quarter", "epoch", "excel",
)  # fmt: skip
STEPS = (
    "daily", "weekly", "monthly", "hourly", "15min", "W-MON", "quarterly",
    "business hours",
)  # fmt: skip
AGGS = ("mean", "sum", "last", "min", "max", "count")


def _values(rng: random.Random, n: int) -> np.ndarray:
    gen = np.random.default_rng(rng.randrange(2**32))
    t = np.arange(n)
    kind = rng.choice(
        ["sine", "const", "sparse", "walk", "huge", "tiny", "int", "spike", "neg"]
        + ["counts", "gap", "shift"]
    )
    if kind == "sine":
        period = rng.choice([4, 7, 12, 24, 52])
        v = 100 + 10 * np.sin(2 * np.pi * t / period) + gen.normal(0, 1, n)
    elif kind == "const":
        v = np.full(n, rng.choice([0.0, 5.0, -3.0, 1e9]))
    elif kind == "sparse":
        v = (gen.random(n) < 0.05).astype(float)
    elif kind == "walk":
        v = np.cumsum(gen.normal(0, 1, n))
    elif kind == "huge":
        v = gen.normal(1e300, 1e299, n)
    elif kind == "tiny":
        v = gen.normal(1e-300, 1e-301, n)
    elif kind == "int":
        v = gen.integers(0, 5, n).astype(float)
    elif kind == "spike":
        v = gen.normal(10, 1, n)
        v[rng.randrange(n)] = 1e12
    elif kind == "neg":
        v = -np.abs(gen.normal(1e5, 1e4, n))
    elif kind == "counts":
        v = gen.poisson(0.3, n).astype(float)
    elif kind == "gap":
        v = gen.normal(10, 1, n)
        a = rng.randrange(n)
        v[a : a + rng.randint(1, n)] = np.nan
    else:
        v = np.where(t < n // 2, 0.0, 1000.0) + gen.normal(0, 1, n)
    if rng.random() < 0.1:
        v[rng.randrange(n)] = rng.choice([np.inf, -np.inf])
    return v


def _times(rng: random.Random, n: int) -> pd.Series:
    try:
        index = pd.date_range(
            rng.choice(STARTS), periods=n, freq=rng.choice(FREQS), tz=rng.choice(ZONES)
        )
    except (ValueError, OverflowError):  # past what pandas can hold
        index = pd.date_range("2000-01-01", periods=n, freq="D")
    times = pd.Series(index)
    r = rng.random()
    if r < 0.1:  # shuffled
        times = times.sample(frac=1, random_state=rng.randrange(2**32))
    elif r < 0.2:  # a fifth missing
        times = times.drop(
            times.sample(frac=0.2, random_state=rng.randrange(2**32)).index
        )
    elif r < 0.3:  # repeated rows
        times = pd.concat([times, times.iloc[: max(1, n // 10)]])
    elif r < 0.35:  # jittered readings
        gen = np.random.default_rng(rng.randrange(2**32))
        times = times + pd.to_timedelta(gen.integers(0, 3600, len(times)), unit="s")
    return times.reset_index(drop=True)


def _written(rng: random.Random, times: pd.Series) -> pd.Series:
    how = rng.choice(FORMATS)
    if how == "iso":
        return times.astype(str)
    if how == "epoch":
        return times.map(lambda t: str(int(t.timestamp())))
    if how == "excel":
        day0 = pd.Timestamp("1899-12-30")
        return times.map(lambda t: str((t.tz_localize(None) - day0).days))
    if how == "quarter":
        return times.map(lambda t: f"{t.year}Q{t.quarter}")
    return times.map(lambda t: t.strftime(how))


def make_file(rng: random.Random) -> bytes:
    """One upload: a series or a panel (long or wide), written with a random
    separator, decimal mark and encoding."""
    if rng.random() < 0.3:
        parts = []
        for k in range(rng.randint(1, 6)):
            times = _times(rng, rng.choice([1, 2, 3, 5, 10, 30, 100, 300]))
            name = rng.choice([f"s{k}", k, "", "a,b", "ü"])
            parts.append(
                pd.DataFrame(
                    {
                        "id": name,
                        "time": _written(rng, times),
                        "value": _values(rng, len(times)),
                    }
                )
            )
        df = pd.concat(parts)
        if rng.random() < 0.3:  # wide: a column per series
            df = df.pivot_table(
                index="time", columns="id", values="value", aggfunc="first"
            ).reset_index()
    else:
        times = _times(
            rng, rng.choice([1, 2, 3, 4, 6, 8, 13, 24, 25, 50, 100, 500, 3000])
        )
        name = rng.choice(["value", "", "Sales (€)", "1", "date"])
        df = pd.DataFrame(
            {"date": _written(rng, times), name: _values(rng, len(times))}
        )
        if rng.random() < 0.3:
            df["extra"] = rng.choice(["x", 1.0, None])
    sep = rng.choice([",", ";", "\t"])
    decimal = "," if sep == ";" and rng.random() < 0.5 else "."
    text = df.to_csv(index=False, sep=sep, decimal=decimal)
    return text.encode(
        rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252"]), "replace"
    )


@dataclass
class Crash:
    file: bytes
    stage: str
    error: str
    trace: str


def check(data: bytes, rng: random.Random, models: tuple[str, ...]) -> Crash | None:
    """Read ``data`` as an upload is read (with random reading options) and
    compare ``models`` on it; a ``Crash`` when anything but a ConvLSTMError
    escapes."""
    stage = "read"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = read_csv(data)
            options: dict = {}
            if rng.random() < 0.4:
                options = {"step": rng.choice(STEPS), "agg": rng.choice(AGGS)}
            if rng.random() < 0.3:
                options["spikes"] = "fill"
            try:
                stage = "series"
                y = to_series(df, **options)
            except ConvLSTMError:
                stage = "panel"
                panel = to_panel(df, spikes=options.get("spikes", "keep"))
                stage = "compare_panel"
                compare_panel(panel, models=models, horizon=2, folds=1)
                return None
            stage = "compare"
            horizon, folds = default_horizon_folds(y)
            compare(y, models=models, horizon=horizon, folds=folds)
    except ConvLSTMError:
        return None
    except Exception as exc:  # noqa: BLE001 - what the fuzzer looks for
        return Crash(
            data, stage, f"{type(exc).__name__}: {exc}", traceback.format_exc()
        )
    return None


def crashes(seed: int, files: int, models: tuple[str, ...]) -> list[Crash]:
    """The crashes among ``files`` uploads made from ``seed``."""
    rng = random.Random(seed)
    found = []
    for _ in range(files):
        crash = check(make_file(rng), rng, models)
        if crash is not None:
            found.append(crash)
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--models", default="Seasonal naive,ETS,Theta")
    p.add_argument("--out", type=Path, help="a folder for the files that crashed")
    args = p.parse_args(argv)
    found = crashes(args.seed, args.files, tuple(args.models.split(",")))
    for k, crash in enumerate(found):
        print(f"crash {k} at {crash.stage}: {crash.error}\n{crash.trace}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"crash_{args.seed}_{k}.csv").write_bytes(crash.file)
    print(f"{len(found)} crashes in {args.files} files (seed {args.seed})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
