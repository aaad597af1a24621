"""The M3 benchmark (bench.m3): its metrics, the series it builds and a small run."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from bench import m3


def test_smape_matches_hand_computed_values():
    # 200 * 10 / 210 and 200 * 20 / 380, averaged
    expected = (200 * 10 / 210 + 200 * 20 / 380) / 2
    assert m3.smape(np.array([100.0, 200.0]), np.array([110.0, 180.0])) == (
        pytest.approx(expected)
    )
    assert m3.smape(np.array([100.0, 200.0]), np.array([110.0, 180.0])) == (
        pytest.approx(10.025062656641603)
    )
    # symmetric in actual and forecast; a step with both zero counts 0
    assert m3.smape(np.array([50.0]), np.array([150.0])) == pytest.approx(100.0)
    assert m3.smape(np.array([150.0]), np.array([50.0])) == pytest.approx(100.0)
    assert m3.smape(np.array([0.0, 10.0]), np.array([0.0, 10.0])) == 0.0


def test_mase_matches_hand_computed_values():
    actual, forecast = np.array([10.0, 12.0]), np.array([11.0, 10.0])  # MAE 1.5
    # season 1: in-sample naive errors 1, 2, 3 -> scale 2
    assert m3.mase(actual, forecast, np.array([1.0, 2.0, 4.0, 7.0]), 1) == 0.75
    # season 2: errors |4-1|, |7-2|, |5-4|, |9-7| = 3, 5, 1, 2 -> scale 2.75
    train = np.array([1.0, 2.0, 4.0, 7.0, 5.0, 9.0])
    assert m3.mase(actual, forecast, train, 2) == pytest.approx(1.5 / 2.75)
    # no scale: constant training series, or not longer than the season
    assert math.isnan(m3.mase(actual, forecast, np.full(5, 3.0), 1))
    assert math.isnan(m3.mase(actual, forecast, np.array([1.0, 2.0]), 4))


def test_seasonal_naive_repeats_the_last_season():
    x = np.arange(1.0, 9.0)  # 1..8
    assert m3.seasonal_naive(x, 6, 4).tolist() == [5, 6, 7, 8, 5, 6]
    assert m3.seasonal_naive(x, 3, 1).tolist() == [8, 8, 8]


@pytest.mark.parametrize(
    ("sn", "kind", "freq", "horizon"),
    [
        ("N0001", "yearly", "YS", 6),
        ("N0646", "quarterly", "QS", 8),
        ("N1402", "monthly", "MS", 18),
        ("N2830", "other", "YS", 8),
    ],
)
def test_series_conversion_on_real_m3_series(sn, kind, freq, horizon):
    data = m3.dataset()
    idx = int(sn[1:])
    s = data[idx]
    assert s.sn == sn and s.type == kind
    y, actual, spec = m3.to_series(s)
    assert isinstance(y.index, pd.DatetimeIndex)
    assert y.index.freq == pd.tseries.frequencies.to_offset(freq)
    assert len(y) == s.n == len(s.x)
    np.testing.assert_array_equal(y.to_numpy(), np.asarray(s.x, dtype=float))
    assert spec.horizon == horizon == len(actual) == s.h
    assert y.index[0] == pd.Timestamp(m3.START)


def test_m3_has_the_official_counts_and_a_seeded_stratified_sample():
    counts = {t: len(m3.series_ids([t], None, 0)) for t in m3.TYPES}
    assert counts == {"yearly": 645, "quarterly": 756, "monthly": 1428, "other": 174}
    a = m3.series_ids(list(m3.TYPES), 5, 0)
    assert a == m3.series_ids(list(m3.TYPES), 5, 0)
    assert a != m3.series_ids(list(m3.TYPES), 5, 1)
    types = [m3.dataset()[i].type for i in a]
    assert {t: types.count(t) for t in m3.TYPES} == dict.fromkeys(m3.TYPES, 5)
    # a type's sample does not depend on which other types run
    assert m3.series_ids(["monthly"], 5, 0) == [
        i for i in a if m3.dataset()[i].type == "monthly"
    ]


def test_refused_series_are_left_out_of_main_columns_and_scored_in_fallback():
    data = m3.dataset()
    ok_id, bad_id = 1, 2  # two yearly series
    _, actual, _ = m3.to_series(data[ok_id])
    outcomes = [
        {"id": ok_id, "status": "ok", "forecast": actual.tolist(), "seconds": 0.1},
        {"id": bad_id, "status": "refused", "error": "too short", "seconds": 0.0},
    ]
    scores, per_series = m3.score(outcomes, sampled=False)
    y = scores["by_type"]["yearly"]
    assert (y["series"], y["forecast"], y["refused"], y["failed"]) == (2, 1, 1, 0)
    assert y["smape"] == 0.0 and y["mase"] == 0.0  # the perfect forecast only
    s = data[bad_id]
    _, bad_actual, _ = m3.to_series(s)
    fallback = m3.smape(bad_actual, m3.seasonal_naive(s.x, 6, 1))
    assert y["smape_fallback"] == pytest.approx(fallback / 2)
    assert per_series["N0002"] == [None, None]
    assert m3.errors_of(outcomes) == [
        {"series": "N0002", "type": "yearly", "status": "refused", "error": "too short"}
    ]


def test_a_failing_model_is_counted_not_raised(monkeypatch):
    def boom(model, y, kind, seed):
        raise RuntimeError("no luck")

    monkeypatch.setattr(m3, "fit_predict", boom)
    out = m3.run_task(("ETS", 1, 0, False))
    assert out["status"] == "failed" and "RuntimeError: no luck" in out["error"]


def test_sample_run_end_to_end_writes_report_and_json(tmp_path):
    out, js = tmp_path / "M3.md", tmp_path / "m3.json"
    argv = ["--sample", "8", "--models", "Naive,Seasonal naive", "--jobs", "1"]
    assert m3.main([*argv, "--out", str(out), "--json", str(js)]) == 0
    results = json.loads(js.read_text())
    assert list(results["models"]) == ["Naive", "Seasonal naive"]
    for entry in results["models"].values():
        assert entry["overall"]["series"] == 32
        assert entry["overall"]["forecast"] == 32
        assert math.isfinite(entry["overall"]["smape"])
        assert entry["run"]["command"].startswith("python -m bench.m3 --sample 8")
        assert len(entry["per_series"]) == 32
    naive, snaive = (
        results["models"][k]["by_type"] for k in ("Naive", "Seasonal naive")
    )
    # season 1 makes the two forecasts the same on yearly and "other" series
    for t in ("yearly", "other"):
        assert naive[t]["smape"] == pytest.approx(snaive[t]["smape"])
    text = out.read_text()
    for heading in (
        "## Overall",
        "## Yearly",
        "## Quarterly",
        "## Monthly",
        "## Other",
    ):
        assert heading in text
    assert "| Seasonal naive | 32 of 32 (sample of 3003) |" in text
    assert "13.01" in text and "12.46" in text
    # a second run of one model keeps the other one
    assert (
        m3.main(
            [
                "--sample",
                "2",
                "--models",
                "Naive",
                "--jobs",
                "1",
                "--types",
                "yearly",
                "--out",
                str(out),
                "--json",
                str(js),
            ]
        )
        == 0
    )
    results = json.loads(js.read_text())
    assert results["models"]["Naive"]["overall"]["series"] == 2
    assert results["models"]["Seasonal naive"]["overall"]["series"] == 32


def test_unknown_model_or_type_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        m3.main(["--models", "Prophet", "--json", str(tmp_path / "x.json")])
    with pytest.raises(SystemExit):
        m3.main(["--types", "weekly", "--json", str(tmp_path / "x.json")])


def test_parallel_run_uses_worker_processes(tmp_path):
    out, js = tmp_path / "M3.md", tmp_path / "m3.json"
    argv = ["--sample", "2", "--models", "Theta", "--types", "quarterly", "--jobs", "2"]
    assert m3.main([*argv, "--out", str(out), "--json", str(js)]) == 0
    entry = json.loads(js.read_text())["models"]["Theta"]
    assert entry["run"]["jobs"] == 2
    assert entry["overall"]["forecast"] == 2
    assert math.isfinite(entry["overall"]["smape"])


def test_global_run_trains_one_net_per_type_and_scores_every_series(
    tmp_path, monkeypatch
):
    fits = []
    real = m3.MODELS["LSTM"]

    def tiny(horizon, season, seed):
        est = real(horizon, season, seed).set_params(
            epochs=2, hidden_size=2, batch_size=8
        )
        original = est.fit_panel

        def counted(panel, **kwargs):
            fits.append(panel["series"].nunique())
            return original(panel, **kwargs)

        est.fit_panel = counted
        return est

    monkeypatch.setitem(m3.MODELS, "LSTM", tiny)
    out, js = tmp_path / "M3.md", tmp_path / "m3.json"
    argv = ["--sample", "6", "--types", "yearly,monthly", "--models", "LSTM (global)"]
    assert m3.main([*argv, "--out", str(out), "--json", str(js)]) == 0
    assert fits == [6, 6]  # one net per type, on all of its series
    entry = json.loads(js.read_text())["models"]["LSTM (global)"]
    assert entry["global"] is True
    assert entry["overall"]["forecast"] == 12 and entry["overall"]["refused"] == 0
    assert "| LSTM (global) | 12 of 12 (sample of 3003) |" in out.read_text()


def test_validation_holds_out_the_end_of_the_training_part(tmp_path):
    s = m3.dataset()[1]
    y, actual, kind = m3.to_series(s, validation=True)
    np.testing.assert_array_equal(actual, np.asarray(s.x)[-kind.horizon :])
    assert len(y) == len(s.x) - kind.horizon
    with pytest.raises(SystemExit):  # never over the test results
        m3.main(["--validation", "--models", "Naive"])
    out, js = tmp_path / "V.md", tmp_path / "v.json"
    argv = ["--validation", "--sample", "2", "--models", "Naive", "--jobs", "1"]
    assert m3.main([*argv, "--out", str(out), "--json", str(js)]) == 0
    assert "**Validation run**" in out.read_text()
    entry = json.loads(js.read_text())["models"]["Naive"]
    assert entry["validation"] is True
    for sn, (got, _) in entry["per_series"].items():
        x = np.asarray(next(v for v in m3.dataset() if v.sn == sn).x, dtype=float)
        h = m3.TYPES[_type_of(sn)].horizon
        held, last = x[-h:], x[-h - 1]
        assert got == pytest.approx(m3.smape(held, np.full(h, last)), abs=1e-3)


def _type_of(sn):
    return next(v for v in m3.dataset() if v.sn == sn).type


def test_a_median_combo_runs_its_members_once_and_takes_their_median(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(m3, "COMBOS", {"Median": ("Naive", "Seasonal naive", "Theta")})
    out, js = tmp_path / "M3.md", tmp_path / "m3.json"
    argv = ["--sample", "2", "--types", "quarterly", "--models", "Median,Naive"]
    assert m3.main([*argv, "--jobs", "1", "--out", str(out), "--json", str(js)]) == 0
    models = json.loads(js.read_text())["models"]
    assert set(models) == {"Naive", "Seasonal naive", "Theta", "Median"}
    assert models["Median"]["members"] == ["Naive", "Seasonal naive", "Theta"]
    for sn, (got, _) in models["Median"]["per_series"].items():
        s = next(v for v in m3.dataset() if v.sn == sn)
        y, actual, kind = m3.to_series(s)
        forecasts = [
            m3.fit_predict(name, y, kind, 0) for name in ("Naive", "Seasonal naive")
        ] + [m3.fit_predict("Theta", y, kind, 0)]
        median = np.median(np.vstack(forecasts), axis=0)
        assert got == pytest.approx(m3.smape(actual, median), abs=1e-3)


def test_the_published_overall_is_compared_over_every_forecast_point():
    from bench import competition

    comp = m3.COMPETITION
    assert comp.anchor_averaging == "points"
    data = m3.dataset()
    ids = competition.series_ids(comp, comp.types, None, 0)
    names = {data[i].sn: data[i].type for i in ids}
    # yearly series 10, every other 20: each series weighs its horizon
    per_series = {sn: [10.0 if t == "yearly" else 20.0, 1.0] for sn, t in names.items()}
    h = {t: k.horizon for t, k in comp.types.items()}
    points = {t: h[t] * sum(v == t for v in names.values()) for t in comp.types}
    expected = (
        10 * points["yearly"] + 20 * (sum(points.values()) - points["yearly"])
    ) / sum(points.values())
    assert competition.point_weighted(comp, per_series) == pytest.approx(expected)
    # per series it would be lower: yearly series are many but short
    assert expected > np.mean([v[0] for v in per_series.values()])
    # a sample, or a series without a score, has no such figure
    assert competition.point_weighted(comp, dict(list(per_series.items())[:10])) is None
    table = competition.point_weighted_table(
        comp, {"Theta": {"sample": None, "per_series": per_series}}
    )
    assert any(row.startswith("| Theta | ") for row in table)
    assert any("published | 13.01" in row for row in table)
