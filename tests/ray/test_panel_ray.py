"""Per-series panel fits as Ray tasks give the local numbers, in the same order; a
panel comparison runs them there, and trains its network on Ray Train workers."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from convlstm import ParameterError, compare_panel, make_model
from convlstm.cli import main
from convlstm.models import base
from tests.unit.test_contract_panel import _panel, _series

pytestmark = [pytest.mark.ray, pytest.mark.timeout(600)]


def test_a_panel_fit_on_ray_equals_local(ray_cluster) -> None:
    panel = _panel({k: _series(i, 40 + 3 * i) for i, k in enumerate("pqrstu")})
    panel.loc[panel.index[panel["series"] == "s"][5], "value"] = float("inf")
    local = make_model("ETS", horizon=6).fit(panel, n_jobs=2, engine="local")
    ray = make_model("ETS", horizon=6).fit(panel, n_jobs=2, engine="ray")
    assert list(ray.series_models_) == list(local.series_models_)
    assert ray.failed_ == local.failed_ and list(ray.failed_) == ["s"]
    pd.testing.assert_frame_equal(local.predict(), ray.predict())


def test_a_panel_fit_on_ray_takes_the_clusters_cpus(ray_cluster, monkeypatch) -> None:
    calls = []
    fit_parallel = base.fit_parallel

    def spy(template, items, workers, engine=None):
        calls.append((workers, engine))
        return fit_parallel(template, items, workers, engine)

    panel = _panel({k: _series(i, 40) for i, k in enumerate("pqrs")})
    alone = make_model("Theta", horizon=6).fit(panel, n_jobs=1).predict()
    monkeypatch.setattr(base, "PROBE_SERIES", 1)
    monkeypatch.setattr(base, "PARALLEL_MIN_SECONDS", 0.0)  # workers always pay off
    monkeypatch.setattr(base, "usable_cores", lambda: 1)  # this machine: one core
    monkeypatch.setattr(base, "fit_parallel", spy)
    ray = make_model("Theta", horizon=6).fit(panel, engine="ray").predict()
    assert calls == [(2, "ray")]  # the cluster's 2 CPUs
    pd.testing.assert_frame_equal(alone, ray)


def test_a_panel_comparison_on_ray_equals_local(ray_cluster) -> None:
    panel = _panel({k: _series(i, 40 + 3 * i) for i, k in enumerate("pqrs")})
    settings = {"models": ["Seasonal naive", "ETS"], "horizon": 6, "folds": 2}
    local = compare_panel(panel, n_jobs=2, engine="local", **settings)
    ray = compare_panel(panel, n_jobs=2, engine="ray", **settings)
    pd.testing.assert_frame_equal(local.forecasts, ray.forecasts)
    pd.testing.assert_frame_equal(local.future, ray.future)
    pd.testing.assert_frame_equal(local.per_series, ray.per_series)


def test_cli_compare_on_a_panel_with_ray_and_train_workers(ray_cluster, tmp_path):
    panel = _panel({k: _series(i, 48 + 4 * i) for i, k in enumerate("abcd")})
    path = tmp_path / "panel.csv"
    panel.rename(columns={"series": "store"}).to_csv(path, index=False)
    argv = ["compare", "--csv", str(path), "--models", "Seasonal naive", "ConvLSTM"]
    # no backtest: one network trained (a Ray Train run takes about half a minute)
    argv += ["--horizon", "6", "--folds", "0", "--json", "--quiet"]
    argv += ["--hidden-size", "4", "--epochs", "3", "--batch-size", "8", "--seed", "1"]
    runs = []
    for extra in ([], ["--engine", "ray", "--jobs", "2", "--train-workers", "2"]):
        out, err = io.StringIO(), io.StringIO()
        assert main([*argv, *extra], stdout=out, stderr=err) == 0, err.getvalue()
        runs.append(pd.DataFrame(json.loads(out.getvalue())["future"]))
    local, ray = runs
    assert set(ray["model"]) == {"Seasonal naive", "ConvLSTM"}
    assert set(ray["series"]) == set("abcd")
    # the statistical model's numbers are the local ones; the network's are one
    # process's up to rounding (each worker took half of every batch)
    naive = local["model"] == "Seasonal naive"
    pd.testing.assert_frame_equal(local[naive], ray[naive])
    np.testing.assert_allclose(local["forecast"], ray["forecast"], rtol=1e-4)


def test_more_train_workers_than_the_cluster_holds_fails_before_any_fit(
    ray_cluster,
) -> None:
    from convlstm.ray_engine import cluster_cpus

    panel = _panel({k: _series(i, 40) for i, k in enumerate("pq")})
    events = []
    too_many = cluster_cpus() + 1
    with pytest.raises(ParameterError, match=f"needs {too_many} CPUs"):
        compare_panel(
            panel,
            models=["Seasonal naive", "ConvLSTM"],
            horizon=6,
            engine="ray",
            train_workers=too_many,
            progress=events.append,
        )
    assert events == []  # said before the first model was fitted
