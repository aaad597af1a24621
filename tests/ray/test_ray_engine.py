"""The Ray engine: jobs and backtest folds as Ray tasks give the local numbers."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from convlstm import DataError, compare, datasets
from convlstm.cli import main
from convlstm.executor import Executor

pytestmark = [pytest.mark.ray, pytest.mark.timeout(600)]

WAIT = 300  # seconds a job may take on a loaded machine
SETTINGS = {
    "models": ("ConvLSTM", "Seasonal naive", "Ensemble"),
    "horizon": 6,
    "folds": 3,
    "params": {"epochs": 3, "hidden_size": 4, "seed": 2},
}


@pytest.fixture(scope="module")
def y() -> pd.Series:
    return datasets.load("air_passengers")


@pytest.fixture(scope="module")
def local(y: pd.Series):
    return compare(y, **SETTINGS)


@pytest.fixture(scope="module")
def ray_executor(ray_cluster) -> Executor:
    ex = Executor(engine="ray")
    assert ex.workers == 2  # the cluster's CPUs
    return ex


def same(a, b) -> None:
    pd.testing.assert_frame_equal(a.backtest.forecasts, b.backtest.forecasts)
    pd.testing.assert_frame_equal(a.future, b.future)


def test_a_job_on_ray_gives_the_local_numbers(ray_executor, y, local) -> None:
    job = ray_executor.submit(compare, y, owner="a", label="ray job", **SETTINGS)
    assert job.wait(WAIT), "the Ray job did not finish"
    assert job.status == "done", job.error
    same(local, job.result)
    assert job.events and job.events[-1].fraction > 0.5
    assert ray_executor.get(job.id, "b") is None


def test_backtest_folds_on_ray_give_the_local_numbers(ray_cluster, y, local) -> None:
    same(local, compare(y, jobs=2, engine="ray", **SETTINGS))


def test_a_library_error_on_ray_stays_clear(ray_executor, y) -> None:
    job = ray_executor.submit(
        compare, y, owner="a", models=("Naive",), horizon=12, folds=20
    )
    assert job.wait(WAIT)
    assert job.status == "failed"
    assert isinstance(job.exception, DataError)
    assert "Traceback" not in job.error and "backtest of 20 folds" in job.error


def test_cancel_stops_a_ray_job(ray_executor, y) -> None:
    job = ray_executor.submit(
        compare,
        y,
        owner="a",
        models=("ConvLSTM",),
        horizon=6,
        folds=3,
        params={"epochs": 100_000, "hidden_size": 4},
    )
    deadline = WAIT
    while not job.events and deadline > 0:
        job.wait(0.5)
        deadline -= 0.5
    assert job.events, "no progress from the Ray job"
    assert ray_executor.cancel(job.id, "a")
    assert job.wait(WAIT)
    assert job.status == "cancelled"


def test_cli_engine_ray(ray_cluster) -> None:
    argv = ["compare", "--dataset", "air_passengers", "--models", "seasonal-naive"]
    argv += ["theta", "--folds", "3", "--json", "--quiet"]
    outputs = []
    for extra in ([], ["--engine", "ray", "--jobs", "2"]):
        out, err = io.StringIO(), io.StringIO()
        assert main([*argv, *extra], stdout=out, stderr=err) == 0, err.getvalue()
        rows = json.loads(out.getvalue())["summary"]
        outputs.append(
            [{k: v for k, v in r.items() if k != "fit_seconds"} for r in rows]
        )
    assert outputs[0] == outputs[1]


def _last_line_in_fresh_process(code: str, left_behind: str | None = None) -> str:
    """Run ``code`` in a new Python with a Ray temp dir of its own (holding a
    dead ``ray start``'s address file when ``left_behind`` is given); return the
    last line it printed."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    tmp = tempfile.mkdtemp(prefix="rt", dir="/tmp")  # short: Ray's socket paths
    try:
        if left_behind is not None:
            os.makedirs(os.path.join(tmp, "ray"))
            with open(os.path.join(tmp, "ray", "ray_current_cluster"), "w") as f:
                f.write(left_behind)
        env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
        env.update(RAY_TMPDIR=tmp, PYTHONPATH=str(root))
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_local_cluster_ignores_the_one_a_ray_start_left_behind(ray_cluster) -> None:
    # a `ray start --head` whose processes died leaves its address in
    # <tmp>/ray/ray_current_cluster; ray.init(num_cpus=...) then raised
    # "When connecting to an existing cluster, num_cpus ... must not be provided"
    code = (
        "from convlstm.ray_engine import start_ray\n"
        "ray = start_ray(1)\n"
        "print(int(ray.cluster_resources()['CPU']))\n"
        "ray.shutdown()\n"
    )
    assert _last_line_in_fresh_process(code, left_behind="127.0.0.1:1") == "1"


def test_a_local_cluster_that_fails_to_start_is_said_in_words(monkeypatch) -> None:
    # a busy machine: Ray's own "The current node timed out during startup"
    # came out as a raw traceback of the CLI
    import ray

    from convlstm.errors import ConvLSTMError
    from convlstm.ray_engine import start_ray

    def fail(**kwargs):
        raise Exception("The current node timed out during startup.")

    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", fail)
    with pytest.raises(ConvLSTMError, match="could not start a local Ray cluster"):
        start_ray(1)


def test_a_local_cluster_started_from_a_passing_thread_outlives_it() -> None:
    # the app starts its executor on a short-lived thread (and Streamlit runs
    # scripts on threads): Ray's processes died with that thread, and then Ray
    # ended the whole server
    code = (
        "import threading, time\n"
        "from convlstm.ray_engine import start_ray\n"
        "t = threading.Thread(target=start_ray, args=(1,))\n"
        "t.start(); t.join(); time.sleep(8)\n"
        "import ray\n"
        "print(ray.get(ray.remote(lambda: 41 + 1).remote(), timeout=60))\n"
        "ray.shutdown()\n"
    )
    assert _last_line_in_fresh_process(code) == "42"
