"""The global net trains data-parallel on 2 Ray Train workers (gloo on CPU): it
forecasts every series as one process would (up to rounding), the workers' epochs
reach the caller's callback, and a failing, dead or hung worker is a clear error,
not a hang, that gives its CPUs back."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator

import numpy as np
import pytest
import torch

from convlstm import ParameterError, make_model
from convlstm.executor import JobFailed, train_data_parallel
from convlstm.training import train_weights
from convlstm.windows import PanelWindows
from tests.unit.test_contract_panel import _panel, _series

pytestmark = [pytest.mark.ray, pytest.mark.timeout(600)]

TINY = {"hidden_size": 4, "epochs": 3, "batch_size": 8, "seed": 1}


def _tiny_panel():
    return _panel({k: _series(i, 48 + 4 * i) for i, k in enumerate("abcdef")})


def test_a_global_net_trains_on_two_ray_train_workers(ray_cluster) -> None:
    panel = _tiny_panel()
    epochs: list[tuple] = []
    # from scratch: under init="auto" the pretrained partner's short fine-tune
    # (in this process) would report its epochs after the workers'
    model = make_model("ConvLSTM", horizon=6, init="scratch", **TINY)
    model.fit(
        panel,
        engine="ray",
        train_workers=2,
        callback=lambda *event: epochs.append(event),
    )
    pred = model.predict()
    assert pred["series"].tolist() == [k for k in "abcdef" for _ in range(6)]
    assert np.isfinite(pred["forecast"]).all()
    # every epoch the workers ran reached the callback here, in order
    assert [e[0] for e in epochs] == [h["epoch"] for h in model.history_]
    assert all(math.isfinite(e[2]) for e in epochs)
    assert model.device_ == "cpu"
    # each worker took half of every batch: one process's numbers, up to rounding
    alone = make_model("ConvLSTM", horizon=6, init="scratch", **TINY)
    alone = alone.fit(panel).predict()
    np.testing.assert_allclose(pred["forecast"], alone["forecast"], rtol=1e-4)


def test_more_workers_than_cpus_is_a_clear_error(ray_cluster) -> None:
    with pytest.raises(ParameterError, match="needs 3 CPUs, but the Ray cluster"):
        train_data_parallel(train_weights, workers=3, engine="ray")


def test_a_workers_error_comes_back_as_it_is(ray_cluster) -> None:
    net = make_model("ConvLSTM", horizon=6, **TINY).build(_series(0, 48)).net_
    # a panel without a training window: every worker's train() raises
    empty = PanelWindows.build(
        [np.arange(5.0)], lookback=12, horizon=6, min_context=12, max_val=8, seed=0
    )
    with pytest.raises(ParameterError, match="no series of the panel is long enough"):
        train_data_parallel(
            train_weights,
            net,
            empty.values,
            workers=2,
            engine="ray",
            timeout=240,
            lookback=12,
            horizon=6,
            norm_period=12,
            epochs=1,
            batch_size=8,
            learning_rate=0.01,
            patience=1,
            seed=0,
            device=torch.device("cpu"),
            panel=empty,
        )


@pytest.fixture
def by_value() -> Iterator[None]:
    """Ray's workers cannot import this file (tests/ray is no package): its
    functions travel by value."""
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _wait_for_cpus(ray, seconds: float = 90) -> None:
    """Wait until the cluster's 2 CPUs are free again (the workers are gone)."""
    start = time.monotonic()
    while ray.available_resources().get("CPU", 0) < 2:
        assert time.monotonic() - start < seconds, "the workers' CPUs did not come back"
        time.sleep(1)


def test_a_dead_worker_is_a_clear_error(ray_cluster, by_value) -> None:
    with pytest.raises(JobFailed, match=r"process died \(out of memory\?"):
        train_data_parallel(_exit, workers=2, engine="ray", timeout=240)
    _wait_for_cpus(ray_cluster)


def test_a_hung_run_times_out_and_gives_its_cpus_back(ray_cluster, by_value) -> None:
    with pytest.raises(JobFailed, match="ran longer than its limit of 20 s"):
        train_data_parallel(_sleep, workers=2, engine="ray", timeout=20)
    _wait_for_cpus(ray_cluster)


def _exit(callback=None) -> None:
    os._exit(3)


def _sleep(callback=None) -> None:
    time.sleep(300)


def test_a_run_waiting_for_busy_cpus_says_so(
    ray_cluster, by_value, monkeypatch, caplog
) -> None:
    # Ray queues the workers silently while other work holds the CPUs
    from convlstm import ray_engine

    monkeypatch.setattr(ray_engine, "WAIT_NOTE", 1.0)
    caplog.set_level("WARNING", logger="convlstm.ray_engine")
    holder = ray_cluster.remote(num_cpus=2)(_hold).remote()
    start = time.monotonic()
    while ray_cluster.available_resources().get("CPU", 0) >= 2:
        assert time.monotonic() - start < 60, "the holding task did not start"
        time.sleep(0.2)
    try:
        with pytest.raises(JobFailed, match="its workers never started"):
            train_data_parallel(_sleep, workers=2, engine="ray", timeout=6)
    finally:
        ray_cluster.cancel(holder, force=True)
    assert "training on 2 workers waits for 2 free CPUs" in caplog.text
    assert "0 of its 2 are free now" in caplog.text
    _wait_for_cpus(ray_cluster)


def _hold() -> None:
    time.sleep(300)
