"""The Tourism benchmark (bench.tourism) and the shared competition engine: official
horizons and counts, MAPE, a small run, model variants."""

import functools
import json
import math

import numpy as np
import pandas as pd
import pytest

from bench import competition, tourism

COMP = tourism.COMPETITION


def test_tourism_has_the_official_counts_and_horizons():
    counts = {t: len(competition.series_ids(COMP, [t], None, 0)) for t in COMP.types}
    assert counts == {"yearly": 518, "quarterly": 427, "monthly": 366}
    assert {t: (k.horizon, k.season) for t, k in tourism.TYPES.items()} == {
        "yearly": (4, 1),
        "quarterly": (8, 4),
        "monthly": (24, 12),
    }
    for s in COMP.data():
        assert int(s.h) == len(s.xx) == tourism.TYPES[s.type].horizon


@pytest.mark.parametrize(
    ("sn", "kind", "freq", "horizon"),
    [
        ("Y1", "yearly", "YS", 4),
        ("Q1", "quarterly", "QS", 8),
        ("M1", "monthly", "MS", 24),
    ],
)
def test_series_conversion_on_real_tourism_series(sn, kind, freq, horizon):
    idx = next(i for i, s in COMP.data().items() if s.sn == sn)
    s = COMP.data()[idx]
    assert s.type == kind
    y, actual, spec = competition.to_series(COMP, s)
    assert y.index.freq == pd.tseries.frequencies.to_offset(freq)
    np.testing.assert_array_equal(y.to_numpy(), np.asarray(s.x, dtype=float))
    np.testing.assert_array_equal(actual, np.asarray(s.xx, dtype=float))
    assert spec.horizon == horizon == len(actual)


def test_mape_matches_hand_computed_values():
    # 100 * 10 / 100 and 100 * 20 / 200, averaged
    assert competition.mape(np.array([100.0, 200.0]), np.array([110.0, 180.0])) == (
        pytest.approx(10.0)
    )
    # not symmetric: the actual value is the denominator
    assert competition.mape(np.array([50.0]), np.array([150.0])) == pytest.approx(200)
    assert competition.mape(np.array([150.0]), np.array([50.0])) == pytest.approx(
        200 / 3
    )
    # a negative actual counts by its size; a zero actual leaves MAPE undefined
    assert competition.mape(np.array([-10.0]), np.array([-12.0])) == pytest.approx(20)
    assert math.isnan(competition.mape(np.array([0.0, 10.0]), np.array([1.0, 10.0])))


def test_score_uses_the_types_season_for_mase_and_scores_mape():
    idx = next(i for i, s in COMP.data().items() if s.sn == "Q1")
    s = COMP.data()[idx]
    x, actual = np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float)
    forecast = actual * 1.1
    outcomes = [
        {"id": idx, "status": "ok", "forecast": forecast.tolist(), "seconds": 0}
    ]
    scores, per_series = competition.score(COMP, outcomes, sampled=False)
    q = scores["by_type"]["quarterly"]
    scale = np.mean(np.abs(x[4:] - x[:-4]))
    assert q["mase"] == pytest.approx(np.mean(np.abs(actual - forecast)) / scale)
    assert q["mape"] == pytest.approx(10.0)
    assert per_series["Q1"] == [round(q["mase"], 4), 10.0]


def test_sample_run_with_naive_writes_report_and_json(tmp_path):
    out, js = tmp_path / "T.md", tmp_path / "t.json"
    argv = ["--sample", "2", "--models", "Naive", "--jobs", "1"]
    assert tourism.main([*argv, "--out", str(out), "--json", str(js)]) == 0
    results = json.loads(js.read_text())
    entry = results["models"]["Naive"]
    assert entry["run"]["command"].startswith("python -m bench.tourism --sample 2")
    assert entry["overall"]["series"] == entry["overall"]["forecast"] == 6
    assert len(entry["per_series"]) == 6
    # the naive forecast's scores by hand, per type
    for t, kind in tourism.TYPES.items():
        mases, mapes = [], []
        for i in competition.series_ids(COMP, [t], 2, 0):
            s = COMP.data()[i]
            x, a = np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float)
            f = np.full(kind.horizon, x[-1])
            mases.append(competition.mase(a, f, x, kind.season))
            mapes.append(competition.mape(a, f))
        got = entry["by_type"][t]
        assert got["mase"] == pytest.approx(np.mean(mases))
        assert got["mape"] == pytest.approx(np.mean(mapes))
    # a sample's overall row weights the types by their share of the 1311 series
    by = entry["by_type"]
    weighted = (518 * by["yearly"]["mase"] + 427 * by["quarterly"]["mase"]) + (
        366 * by["monthly"]["mase"]
    )
    assert entry["overall"]["mase"] == pytest.approx(weighted / 1311)
    text = out.read_text()
    for heading in ("## Overall", "## Yearly (518 series, horizon 4, season 1)"):
        assert heading in text
    assert "| model | series forecast | MASE | MAPE | refused / failed |" in text
    assert "| Naive | 6 of 6 (sample of 1311) |" in text
    # the published anchors, per type
    assert "| 2.28 | not reported |" in text and "| not reported | 19.47 |" in text
    assert [a["type"] for a in results["anchors"]] == [
        "yearly",
        "quarterly",
        "monthly",
    ] * 2


def test_validation_refuses_the_default_files_and_unknown_types(tmp_path):
    with pytest.raises(SystemExit):
        tourism.main(["--validation", "--models", "Naive"])
    with pytest.raises(SystemExit):  # M3's "other" is not a Tourism type
        tourism.main(["--types", "other", "--json", str(tmp_path / "x.json")])


def test_model_names_split_on_commas_outside_parentheses():
    assert competition.split_names("ETS, ConvLSTM (pretrained, zero-shot),Theta") == [
        "ETS",
        "ConvLSTM (pretrained, zero-shot)",
        "Theta",
    ]


def test_a_variant_the_registry_model_cannot_take_is_a_parser_error(
    tmp_path, monkeypatch, capsys
):
    name = "Naive (odd)"
    monkeypatch.setitem(competition.VARIANTS, name, ("Naive", {"no_such": 1}))
    monkeypatch.setitem(
        competition.MODELS,
        name,
        functools.partial(competition.make_variant, "Naive", {"no_such": 1}),
    )
    with pytest.raises(SystemExit):
        tourism.main(["--models", name, "--json", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert "'Naive (odd)' needs Naive parameters no_such" in err
    assert not (tmp_path / "x.json").exists()


def test_a_variant_runs_with_its_extra_parameters(tmp_path, monkeypatch):
    # the seasonal naive forecast with season 1 is the naive forecast
    name, params = "Seasonal naive (season 1)", {"season_length": 1}
    monkeypatch.setitem(competition.VARIANTS, name, ("Seasonal naive", params))
    monkeypatch.setitem(
        competition.MODELS,
        name,
        functools.partial(competition.make_variant, "Seasonal naive", params),
    )
    out, js = tmp_path / "T.md", tmp_path / "t.json"
    argv = ["--sample", "2", "--types", "monthly", "--jobs", "1"]
    models = f"Naive,{name}"
    assert (
        tourism.main([*argv, "--models", models, "--out", str(out), "--json", str(js)])
        == 0
    )
    results = json.loads(js.read_text())["models"]
    assert results[name]["per_series"] == results["Naive"]["per_series"]
