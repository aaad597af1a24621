"""A hung job on Ray times out with a clear error and its task is cancelled with
force, so its CPU comes back for the next job."""

from __future__ import annotations

import time

import pytest

from convlstm.executor import Executor, JobFailed

pytestmark = [pytest.mark.ray, pytest.mark.timeout(600)]

WAIT = 300


# Ray's workers cannot import this file (tests/ray is no package): builtins only.
def test_hung_ray_jobs_time_out_and_free_their_cpus(ray_cluster) -> None:
    ex = Executor(engine="ray")
    start = time.monotonic()
    hung = [
        ex.submit(time.sleep, 300, owner="a", label=f"hung {i}", timeout=1)
        for i in range(2)
    ]
    after = ex.submit(pow, 9, 2, owner="a")  # waits for a CPU of the two
    for job in hung:
        assert job.wait(WAIT)
        assert job.status == "failed" and isinstance(job.exception, JobFailed)
        assert (
            job.error == f"{job.label} ran longer than its limit of 1 s and was stopped"
        )
    assert after.wait(WAIT) and after.result == 81
    assert time.monotonic() - start < 200  # nobody waited for the 300 s sleeps
