"""Per-series panel fits on the executor: the same forecasts as in one process, in
input order; a series that kills its worker fails alone; a bad setting fails all."""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest

from convlstm import ParameterError, make_model
from convlstm.executor import Executor
from convlstm.models.baselines import NaiveForecaster
from tests.unit.test_contract_panel import _panel, _series

HORIZON = 4
#: a value no real series holds: the model below kills its worker on it
POISON = -999.0
#: a value on which it takes a while (so another worker dies while it runs)
SLOW = -555.0


class DyingNaive(NaiveForecaster):
    """Naive forecaster whose worker process dies on a poisoned series."""

    def fit(self, y: pd.Series) -> DyingNaive:
        if (y == POISON).any():
            os._exit(7)
        if (y == SLOW).any():
            time.sleep(1.0)
        return super().fit(y)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    names = ["m", "c", "x", "a", "q", "b"]  # the panel sorts them
    return _panel({k: _series(i, 48 + 2 * i) for i, k in enumerate(names)})


def test_two_workers_use_the_executor_and_equal_one(panel, monkeypatch) -> None:
    submitted = []
    submit = Executor.submit

    def counting(self, fn, *args, **kwargs):
        submitted.append(kwargs.get("label"))
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(Executor, "submit", counting)
    one = make_model("ETS", horizon=HORIZON).fit(panel, n_jobs=1)
    assert not submitted  # one worker: fitted in this process
    two = make_model("ETS", horizon=HORIZON).fit(panel, n_jobs=2)
    assert len(submitted) == 6  # min(series, 2 workers x 4 chunks)
    assert list(two.series_models_) == ["a", "b", "c", "m", "q", "x"]
    pd.testing.assert_frame_equal(one.predict(), two.predict())


def test_a_series_that_kills_its_worker_fails_alone(panel) -> None:
    frame = panel.copy()
    frame.loc[frame["series"] == "x", "value"] = POISON
    model = DyingNaive(horizon=HORIZON).fit(frame, n_jobs=2)
    assert list(model.series_models_) == ["a", "b", "c", "m", "q"]
    assert list(model.failed_) == ["x"]
    assert "died" in model.failed_["x"]
    alone = NaiveForecaster(horizon=HORIZON).fit(panel, n_jobs=1).predict()
    got = model.predict()
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True),
        alone[alone["series"] != "x"].reset_index(drop=True),
    )


def test_a_series_running_beside_a_dying_worker_is_fitted_again(panel) -> None:
    # a dying local worker breaks the pool: the job running beside it fails too
    frame = panel.copy()
    frame.loc[frame["series"] == "x", "value"] = POISON
    frame.loc[(frame["series"] == "c") & (frame.index % 7 == 0), "value"] = SLOW
    model = DyingNaive(horizon=HORIZON).fit(frame, n_jobs=2)
    assert list(model.failed_) == ["x"]
    assert list(model.series_models_) == ["a", "b", "c", "m", "q"]


def test_a_bad_setting_in_a_worker_fails_the_whole_fit(panel) -> None:
    with pytest.raises(ParameterError):
        make_model("Naive", horizon=0).fit(panel, n_jobs=2)


def test_one_bad_series_is_reported_by_the_workers(panel) -> None:
    frame = panel.copy()
    frame.loc[frame["series"] == "q", "value"] = np.inf
    model = make_model("Theta", horizon=HORIZON).fit(frame, n_jobs=2)
    assert list(model.series_models_) == ["a", "b", "c", "m", "x"]
    assert "infinite" in model.failed_["q"]


class _LostCluster:
    """An executor whose Ray cluster went away: every job ends "lost"."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, fn, *args, owner, label, **kwargs):
        from convlstm.executor import Job, JobFailed

        self.submitted += 1
        job = Job(id=str(self.submitted), owner=owner, label=label, submitted=0.0)
        job.status, job.error = "lost", f"{label}: the Ray cluster went away"
        job.exception = JobFailed(job.error)
        job._done.set()
        return job

    def cancel(self, job_id, owner):
        return False

    def forget(self, job_id, owner):
        pass


def test_a_cluster_that_went_away_fails_the_fit_without_retries(panel) -> None:
    # retrying each series on a cluster that is gone waits for ever (the
    # executor's watcher has stopped): the fit ends at once, saying why
    from convlstm.data.panel import split_panel
    from convlstm.executor import JobFailed
    from convlstm.models.base import _run_chunks

    ex = _LostCluster()
    items = split_panel(panel)
    with pytest.raises(JobFailed, match="the Ray cluster went away; start the"):
        _run_chunks(ex, NaiveForecaster(horizon=HORIZON), items, workers=2)
    assert ex.submitted == min(len(items), 2 * 4)  # the chunks, and no retry
