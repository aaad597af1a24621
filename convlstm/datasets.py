"""Bundled datasets: names, descriptions, the CSVs in ``data/`` loaded like any upload
(cached; single series and panels of many), and their published benchmark scores
(``data/benchmarks.json``).
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .backtest import first_fold_min_length
from .data import read_csv, season_length, to_panel, to_series
from .errors import DataError
from .models.registry import default_models, loose_key, min_train_length

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class DatasetInfo:
    """What a bundled dataset is and how to evaluate forecasts on it.

    Attributes:
        name: the name to pass to :func:`load`.
        title: a short human title.
        description: one or two sentences on what was measured.
        unit: the unit of the values.
        freq: the pandas frequency of the series ("MS", "30min", ...).
        season_length: the main seasonal cycle in steps (1 if none).
        horizon: default forecast horizon in steps.
        folds: default number of backtest folds.
        source: where the data come from, with the licence.
        kind: "series" (one series, :func:`load`) or "panel" (many series,
            :func:`load_panel`).
    """

    name: str
    title: str
    description: str
    unit: str
    freq: str
    season_length: int
    horizon: int
    folds: int
    source: str
    kind: str = "series"


_INFO = {
    info.name: info
    for info in (
        DatasetInfo(
            name="air_passengers",
            title="Airline passengers",
            description="International airline passengers, monthly totals, "
            "1949-1960 (Box & Jenkins series G).",
            unit="thousands of passengers",
            freq="MS",
            season_length=12,
            horizon=12,
            folds=2,
            source="Box, Jenkins & Reinsel, Time Series Analysis (1976); R "
            "datasets::AirPassengers via pmdarima",
        ),
        DatasetInfo(
            name="co2",
            title="Mauna Loa CO2",
            description="Atmospheric CO2 at Mauna Loa, monthly mean of weekly flask "
            "readings, 1958-2001.",
            unit="ppm",
            freq="MS",
            season_length=12,
            horizon=12,
            folds=3,
            source="Scripps CO2 program (Keeling et al.) via statsmodels; public "
            "domain",
        ),
        DatasetInfo(
            name="electricity",
            title="Electricity demand",
            description="Half-hourly electricity demand in England and Wales, "
            "12 weeks from June 2000 (daily and weekly cycles).",
            unit="megawatts",
            freq="30min",
            season_length=48,
            horizon=48,
            folds=7,
            source="Taylor (2003), JORS 54; R forecast::taylor via pmdarima",
        ),
        DatasetInfo(
            name="beer",
            title="Australian beer production",
            description="Quarterly Australian beer production, 1956 Q1 to 2008 Q3.",
            unit="megalitres",
            freq="QS",
            season_length=4,
            horizon=8,
            folds=3,
            source="Australian Bureau of Statistics; R fpp::ausbeer via pmdarima",
        ),
        DatasetInfo(
            name="wine",
            title="Australian wine sales",
            description="Monthly Australian wine sales by wine makers in bottles "
            "of at most 1 litre, 1980-1994.",
            unit="bottles",
            freq="MS",
            season_length=12,
            horizon=12,
            folds=3,
            source="Australian Bureau of Statistics; R forecast::wineind via pmdarima",
        ),
        DatasetInfo(
            name="sunspots",
            title="Sunspots",
            description="Yearly mean sunspot number, 1700-2008 (an 11-year cycle "
            "that is not a calendar season).",
            unit="sunspot number",
            freq="YS",
            season_length=1,
            horizon=10,
            folds=3,
            source="SIDC / WDC-SILSO via statsmodels; public domain",
        ),
        DatasetInfo(
            name="us_macro",
            title="US economy by component (5 series)",
            description="Quarterly US real GDP, consumption, investment, government "
            "spending and disposable income, 1959 Q1 to 2009 Q3, seasonally "
            "adjusted annual rates: five series of one economy in one unit.",
            unit="billions of chained 2005 US dollars",
            freq="QS",
            season_length=4,
            horizon=8,
            folds=3,
            source="FRED (Federal Reserve Bank of St. Louis) via statsmodels "
            "macrodata; public domain",
            kind="panel",
        ),
    )
}
_KINDS = ("series", "panel")


def names(kind: str = "series") -> list[str]:
    """Return the names of the bundled datasets of one kind, in display order.

    Args:
        kind: "series" (the default: what single-series pickers offer) or
            "panel".

    Raises:
        DataError: an unknown kind.
    """
    if kind not in _KINDS:
        raise DataError(f"unknown dataset kind {kind!r}; choose one of: series, panel")
    return [name for name, meta in _INFO.items() if meta.kind == kind]


def resolve(name: str) -> str:
    """The bundled dataset a name means, spelt loosely as model names may be
    ("AIR_PASSENGERS", "air-passengers").

    Raises:
        DataError: no bundled dataset has that name (the message lists them).
    """
    found = [known for known in _INFO if loose_key(known) == loose_key(name)]
    return _check(found[0] if len(found) == 1 else name)


def _check(name: str, kind: str | None = None) -> str:
    if name not in _INFO:
        raise DataError(f"unknown dataset {name!r}; choose one of: {', '.join(_INFO)}")
    if kind is not None and _INFO[name].kind != kind:
        loader = "load_panel" if _INFO[name].kind == "panel" else "load"
        raise DataError(
            f"dataset {name!r} is a {_INFO[name].kind}, not a {kind}; load it with "
            f"convlstm.datasets.{loader}({name!r})"
        )
    return name


def info(name: str) -> DatasetInfo:
    """Return the description and evaluation defaults of a bundled dataset.

    Raises:
        DataError: ``name`` is not a bundled dataset (the message lists them).
    """
    return _INFO[_check(name)]


@functools.lru_cache(maxsize=16)
def _load(name: str) -> pd.Series:
    meta = _INFO[name]
    path = DATA_DIR / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"the bundled file {path} is missing; reinstall the package")
    y = to_series(read_csv(path))
    # Pin the documented frequency (e.g. "QS" rather than an equivalent "QS-OCT").
    y.index = pd.DatetimeIndex(y.index, freq=meta.freq)
    return y


def load(name: str) -> pd.Series:
    """Load a bundled dataset as a float series with a regular DatetimeIndex.

    Args:
        name: one of :func:`names`.

    Returns:
        A copy of the cached series: DatetimeIndex with ``freq`` set, float
        values, named after the value column (e.g. "passengers_thousands"), with
        ``attrs`` as :func:`convlstm.data.to_series` sets them.

    Raises:
        DataError: ``name`` is not a bundled dataset (the message lists them), or
            it is a panel (load it with :func:`load_panel`).
    """
    y = _load(_check(name, "series"))
    out = y.copy()
    out.attrs = {k: list(v) if isinstance(v, list) else v for k, v in y.attrs.items()}
    return out


@functools.lru_cache(maxsize=4)
def _load_panel(name: str) -> pd.DataFrame:
    path = DATA_DIR / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"the bundled file {path} is missing; reinstall the package")
    return to_panel(read_csv(path))


def load_panel(name: str) -> pd.DataFrame:
    """Load a bundled panel: a long frame ``series, time, value`` (``to_panel``'s).

    Args:
        name: one of ``names("panel")``.

    Returns:
        A copy of the cached panel, with ``attrs`` as
        :func:`convlstm.data.to_panel` sets them.

    Raises:
        DataError: ``name`` is not a bundled dataset, or it is one series (load it
            with :func:`load`).
    """
    panel = _load_panel(_check(name, "panel"))
    out = panel.copy()
    out.attrs = copy.deepcopy(panel.attrs)
    return out


#: The published benchmark scores of the bundled datasets, a copy that
#: ``python -m bench.run`` writes beside the CSVs whenever it writes its results.
BENCHMARKS = DATA_DIR / "benchmarks.json"
_COLUMNS = ("model", "source", "mae", "rmse", "mase", "fit_seconds")


def published_benchmark(name: str) -> pd.DataFrame | None:
    """The published benchmark scores of a bundled dataset, best MAE first.

    Args:
        name: one of :func:`names`.

    Returns:
        Columns model, source ("ours" with default settings, mean over seeds for
        the neural models; or "statsforecast <version>"), mae, rmse, mase,
        fit_seconds, horizon, folds; with ``attrs["measured"]`` (the date). None
        when no scores are published for ``name``.

    Raises:
        DataError: ``name`` is not a bundled dataset (the message lists them).
    """
    _check(name)
    try:
        entry = json.loads(BENCHMARKS.read_text(encoding="utf-8"))["datasets"][name]
        protocol = {"horizon": entry.get("horizon"), "folds": entry.get("folds")}
        rows = [{k: row.get(k) for k in _COLUMNS} | protocol for row in entry["scores"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not rows:
        return None
    table = pd.DataFrame(rows).sort_values("mae", ignore_index=True)
    table.attrs["measured"] = (entry.get("measured") or {}).get("date")
    return table


# The longest default horizon of one season: a day of 10-minute readings. A longer
# season (a day of 5-minute or 1-minute readings) is halved until it is no longer.
MAX_SEASON_HORIZON = 144

# Weekly data are forecast a quarter ahead by default (the M4 competition's weekly
# horizon): a year of weeks ahead left three years of weekly sales one backtest fold.
WEEKLY_HORIZON = 13


def default_horizon_folds(y: pd.Series, dataset: str | None = None) -> tuple[int, int]:
    """Default horizon and backtest folds for a series.

    A bundled dataset carries its own; otherwise the horizon is one season (10
    steps for series without one; :data:`WEEKLY_HORIZON` for weekly data, whose
    52-week season would leave one fold on three years; a season longer than
    :data:`MAX_SEASON_HORIZON` halved until it is no longer), halved until the
    series can hold it, and the
    folds are as many of 3 as leave enough training data: the first fold must
    train on at least two horizons, what the backtest needs
    (:func:`~convlstm.backtest.first_fold_min_length`), and what each default model
    of the registry needs (:func:`~convlstm.models.registry.min_train_length`)
    that can train on what one fold of that horizon leaves. A model that needs
    more points than the series has to spare (the LSTM on two years of months)
    does not shrink every model's horizon: ``compare`` leaves it out and says so.
    A series too short for a backtest of one step gets 0 folds (a forecast only,
    unscored) and a horizon no longer than itself.

    Args:
        y: the series.
        dataset: the bundled dataset's name, or None for other data.
    """
    if dataset is not None:
        meta = info(dataset)
        return meta.horizon, meta.folds
    m = season_length(y.index)
    n = len(y)

    def least(horizon: int) -> int:
        # the default models that can train on what one fold of this horizon
        # leaves (the others are left out, whatever the horizon and folds)
        models = [
            name
            for name in default_models()
            if min_train_length([name], m, horizon) <= n - horizon
        ]
        return max(
            first_fold_min_length(m, n),
            2 * horizon,
            min_train_length(models, m, horizon),
        )

    horizon = WEEKLY_HORIZON if m == 52 else m if m > 1 else 10
    while horizon > MAX_SEASON_HORIZON:  # a day of minutes: an hour and a half
        horizon //= 2
    if n < 1 + least(1):
        # too short to hold out even one point: a forecast only (0 folds), at most
        # as many steps ahead as the series is long
        while horizon > max(1, n):
            horizon = max(1, horizon // 2)
        return horizon, 0
    while horizon > 1 and n < horizon + least(horizon):
        horizon = max(1, horizon // 2)
    folds = 3
    while folds > 1 and n < folds * horizon + least(horizon):
        folds -= 1
    return horizon, folds
