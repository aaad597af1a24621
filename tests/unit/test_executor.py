"""The executor: FIFO order, queue positions, cancel, failures, timeouts, map."""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

import pytest

from convlstm import DataError
from convlstm.executor import Executor, JobFailed
from convlstm.training import ProgressEvent

WAIT = 120  # seconds any job here may take on a loaded machine


# Jobs run in worker processes: their functions live at module level.
def stamp(tag: str) -> tuple[str, float]:
    return tag, time.time()


def square(x: int) -> int:
    return x * x


def spin(seconds: float, progress=None) -> str:
    """Report progress until ``seconds`` pass (or the job is cancelled)."""
    end = time.monotonic() + seconds
    epoch = 0
    while time.monotonic() < end:
        epoch += 1
        progress(ProgressEvent(model="m", stage="s", fraction=0.5, epoch=epoch))
        time.sleep(0.01)
    return "finished"


def bad_value() -> None:
    raise ValueError("boom")


def bad_data() -> None:
    raise DataError("column 'value': 3 non-numeric cells")


def die() -> None:
    os._exit(3)


@pytest.fixture(scope="module")
def one() -> Executor:
    with Executor(1) as ex:
        ex.warm_up()
        yield ex


def test_fifo_order_and_queue_positions(one: Executor) -> None:
    blocker = one.submit(spin, 1.5, owner="a")
    jobs = [one.submit(stamp, t, owner="a") for t in "xyz"]
    assert [one.position(j) for j in jobs] == [1, 2, 3]
    assert one.position(blocker) == 0
    for job in jobs:
        assert job.wait(WAIT)
    starts = [job.result[1] for job in jobs]
    assert [job.result[0] for job in jobs] == list("xyz")
    assert starts == sorted(starts)
    assert blocker.status == "done" and blocker.result == "finished"
    assert blocker.events and blocker.events[0].model == "m"
    # with run times known, a queued job gets an estimate of its wait
    again = one.submit(spin, 1.0, owner="a")
    queued = one.submit(stamp, "w", owner="a")
    assert one.wait_estimate(queued) is not None
    queued.wait(WAIT)
    assert again.status == "done"


def test_cancel_queued_and_running(one: Executor) -> None:
    running = one.submit(spin, 60, owner="a")
    queued = one.submit(stamp, "never", owner="a")
    while running.status != "running" or not running.events:
        time.sleep(0.05)
    assert one.cancel(queued.id, "a")
    assert queued.status == "cancelled" and queued.result is None
    assert one.cancel(running.id, "a")
    assert running.wait(WAIT)
    assert running.status == "cancelled"
    assert running.seconds < 30


def test_other_owners_can_neither_see_nor_cancel(one: Executor) -> None:
    job = one.submit(stamp, "mine", owner="alice")
    assert one.get(job.id, "bob") is None
    assert not one.cancel(job.id, "bob")
    assert job not in one.jobs("bob")
    assert one.get(job.id, "alice") is job
    assert job.wait(WAIT) and job.status == "done"
    assert len(job.id) >= 20  # unguessable


def test_failures_become_clear_errors(one: Executor) -> None:
    other = one.submit(bad_value, owner="a", label="Train and compare")
    data = one.submit(bad_data, owner="a")
    assert other.wait(WAIT) and data.wait(WAIT)
    assert other.status == "failed"
    assert isinstance(other.exception, JobFailed)
    assert other.error == "Train and compare failed: ValueError: boom"
    assert data.status == "failed"
    assert isinstance(data.exception, DataError)
    assert data.error == "column 'value': 3 non-numeric cells"


def test_a_dead_worker_fails_only_its_job(one: Executor) -> None:
    dead = one.submit(die, owner="a", label="crash")
    assert dead.wait(WAIT)
    assert dead.status == "failed" and "died" in dead.error
    after = one.submit(square, 7, owner="a")
    assert after.wait(WAIT) and after.result == 49


def test_timeout_stops_a_job(one: Executor) -> None:
    job = one.submit(spin, 60, owner="a", label="slow", timeout=1.0)
    assert job.wait(WAIT)
    assert job.status == "failed"
    assert "limit of 1 s" in job.error
    follow = one.submit(square, 3, owner="a")  # the slot comes back
    assert follow.wait(WAIT) and follow.result == 9


def test_map_equals_serial_and_runs_in_parallel() -> None:
    with Executor(2) as ex:
        assert ex.map(square, range(6)) == [x * x for x in range(6)]
        with pytest.raises(JobFailed, match="boom"):
            ex.map(_raise_on_three, range(5))


def _raise_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("boom")
    return x


def test_bad_settings() -> None:
    from convlstm import ParameterError

    with pytest.raises(ParameterError, match="engine"):
        Executor(1, engine="nope")
    with pytest.raises(ParameterError, match="at least 1"):
        Executor(0)


def test_backtest_folds_at_once_give_the_same_numbers() -> None:
    import pandas as pd

    from convlstm import backtest, datasets, make_model

    y = datasets.load("air_passengers")
    settings = {"epochs": 3, "hidden_size": 4, "seed": 1}
    models = {
        "ConvLSTM": make_model("ConvLSTM", horizon=6, **settings),
        "Seasonal naive": make_model("Seasonal naive", horizon=6),
        "Ensemble": make_model("Ensemble", horizon=6),
    }
    serial = backtest(models, y, 6, 3)
    events = []
    parallel = backtest(models, y, 6, 3, n_jobs=2, progress=events.append)
    pd.testing.assert_frame_equal(serial.forecasts, parallel.forecasts)
    pd.testing.assert_frame_equal(serial.member_forecasts, parallel.member_forecasts)
    assert events and events[-1].fraction == 1.0


def hang(pid_file: str, seconds: float) -> None:
    """Write this worker's pid, then sleep without reporting progress (hangs)."""
    with open(pid_file, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(seconds)


def slow_square(x: int, seconds: float) -> int:
    time.sleep(seconds)
    return x * x


def _gone(pid: int, within: float) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_hung_job_times_out_and_its_worker_is_killed(tmp_path, caplog) -> None:
    caplog.set_level("INFO", logger="convlstm.executor")
    pid_file = tmp_path / "pid"
    with Executor(2) as ex:
        ex.warm_up()
        start = time.monotonic()
        hung = ex.submit(hang, str(pid_file), 300, owner="a", label="hung", timeout=1)
        # still running when the hung job's worker is killed (1 s + KILL_AFTER)
        beside = ex.submit(slow_square, 5, 8.0, owner="b", label="beside")
        assert hung.wait(WAIT)
        assert hung.status == "failed"
        assert hung.error == "hung ran longer than its limit of 1 s and was stopped"
        assert isinstance(hung.exception, JobFailed)
        # its worker is killed; the job beside it runs again and is not lost
        assert _gone(int(pid_file.read_text()), WAIT)
        assert beside.wait(WAIT) and beside.status == "done", beside.error
        assert beside.result == 25
        assert "(beside) runs again" in caplog.text
        follow = ex.submit(square, 4, owner="a")  # both slots come back
        other = ex.submit(square, 6, owner="b")
        assert follow.wait(WAIT) and other.wait(WAIT)
        assert (follow.result, other.result) == (16, 36)
        assert time.monotonic() - start < 200  # nobody waited for the 300 s sleep


def test_a_job_nobody_looks_at_is_cancelled_and_one_looked_at_is_kept() -> None:
    with Executor(2, idle_timeout=1.5) as ex:
        ex.warm_up()
        left = ex.submit(spin, 60, owner="a", label="left", meta={"page": "x"})
        watched = ex.submit(spin, 4, owner="b", label="watched")
        end = time.monotonic() + 6
        while time.monotonic() < end and not watched.is_finished:
            ex.get(watched.id, "b")  # the page's poll
            time.sleep(0.3)
        assert watched.wait(WAIT) and watched.status == "done"
        assert left.wait(WAIT) and left.status == "cancelled"
        assert "nobody had looked at it for 1.5 s" in left.error
        assert left.meta == {"page": "x"}  # kept for a page that comes back
        assert ex.jobs("a") == [left]


def test_shutdown_ends_a_worker_that_does_not_stop(tmp_path) -> None:
    pid_file = tmp_path / "pid"
    ex = Executor(1)
    ex.warm_up()
    ex.submit(hang, str(pid_file), 300, owner="a", label="hung")
    end = time.monotonic() + WAIT
    while not pid_file.exists() and time.monotonic() < end:
        time.sleep(0.1)
    start = time.monotonic()
    ex.shutdown()
    assert time.monotonic() - start < 30  # not the 300 s sleep
    assert _gone(int(pid_file.read_text()), WAIT)


def test_the_time_left_of_a_run_that_outlasts_the_typical_one_is_unknown() -> None:
    from convlstm.executor import Job

    with Executor(1) as ex:
        ex._durations.append(10.0)  # recent runs took 10 s
        now = time.time()
        job = Job(id="j", owner="a", label="j", submitted=now, status="running")
        job.started = now - 2
        assert 7 < ex.wait_estimate(job) <= 8  # no progress yet: the typical run
        job.started = now - 50  # a heavy net, still near 0% after 50 s
        assert ex.wait_estimate(job) is None
        job.events.append(ProgressEvent(model="m", stage="s", fraction=0.5))
        assert 49 < ex.wait_estimate(job) < 52  # its own progress


@pytest.mark.parametrize("forget", [False, True], ids=["cancelled", "forgotten"])
def test_a_cancelled_job_that_does_not_stop_has_its_worker_ended(
    tmp_path, monkeypatch, forget
) -> None:
    # an epoch of a big network reports nothing for minutes: Stop ended the job
    # at its next progress event only, its worker holding a core and gigabytes;
    # a panel fit's clean-up also forgets the jobs it cancels, and the worker of
    # one that did not stop was never ended (the watcher thread could fail on it)
    from convlstm import executor as executor_module

    monkeypatch.setattr(executor_module, "CANCEL_GRACE", 1.0)
    pid_file = tmp_path / "pid"
    with Executor(1) as ex:
        ex.warm_up()
        hung = ex.submit(hang, str(pid_file), 300, owner="a", label="big epoch")
        end = time.monotonic() + WAIT
        while not pid_file.exists() and time.monotonic() < end:
            time.sleep(0.1)
        start = time.monotonic()
        assert ex.cancel(hung.id, "a")
        assert hung.status == "cancelled"  # at once, for the page
        if forget:
            ex.forget(hung.id, "a")
        assert _gone(int(pid_file.read_text()), WAIT)
        assert time.monotonic() - start < 60
        after = ex.submit(spin, 0.5, owner="a")  # the slot and the watcher are back
        assert after.wait(WAIT) and after.status == "done" and after.events


def _shut_down_within(ex: Executor, seconds: float) -> bool:
    """Shut ``ex`` down on a thread: True if it returned within ``seconds`` (a
    hang fails the test at once instead of at the suite's timeout)."""
    import threading

    closer = threading.Thread(target=ex.shutdown, daemon=True)
    closer.start()
    closer.join(seconds)
    return not closer.is_alive()


def square_after_a_stuck_thread(x: int, pid_file: str) -> int:
    """Leave a thread that never ends: the worker can run jobs but not exit."""
    import threading

    with open(pid_file, "w") as f:
        f.write(str(os.getpid()))
    threading.Thread(target=time.sleep, args=(300,), daemon=False).start()
    return x * x


def test_a_worker_that_cannot_exit_does_not_hang_shutdown(
    tmp_path, monkeypatch
) -> None:
    from convlstm import executor as executor_module

    monkeypatch.setattr(executor_module, "EXIT_WAIT", 1.0)
    pid_file = tmp_path / "pid"
    ex = Executor(1)
    job = ex.submit(square_after_a_stuck_thread, 3, str(pid_file), owner="a")
    assert job.wait(WAIT) and job.result == 9
    assert _shut_down_within(ex, 30)
    assert _gone(int(pid_file.read_text()), WAIT)


def test_shutdown_right_after_a_cancel_lets_the_returning_worker_finish(
    caplog,
) -> None:
    # map's clean-up cancels a job that is just returning, and the executor is
    # shut down at once: its worker was killed while idle, holding the pool's
    # queue lock, and the other worker could then never exit (CI hung on it)
    caplog.set_level("INFO", logger="convlstm.executor")
    for _ in range(3):
        ex = Executor(2)
        ex.warm_up()
        jobs = [ex.submit(slow_square, x, 0.2, owner="a") for x in range(2)]
        time.sleep(0.1)
        for job in jobs:
            ex.cancel(job.id, "a")
        assert _shut_down_within(ex, 30)
    assert "killing worker" not in caplog.text


def test_a_kill_that_finds_its_worker_idle_leaves_a_working_pool() -> None:
    # a job's worker can return between the decision to kill it and the kill
    with Executor(2) as ex:
        ex.warm_up()
        first = ex.submit(square, 2, owner="a")
        assert first.wait(WAIT) and first.result == 4
        with ex._lock:
            ex._kill(first)
        follow = [ex.submit(square, x, owner="a") for x in range(4)]
        assert all(job.wait(WAIT) for job in follow)
        assert [job.result for job in follow] == [0, 1, 4, 9]
        assert _shut_down_within(ex, 30)


def test_finished_jobs_are_forgotten_after_keep_finished_for() -> None:
    # the app kept every session's finished run (and the upload it was trained
    # on) until 200 newer runs had finished: gigabytes on a busy server
    with Executor(1, keep_finished_for=0.5) as ex:
        job = ex.submit(square, 3, owner="a")
        assert job.wait(WAIT) and job.result == 9
        assert ex.get(job.id, "a") is job  # kept for its owner for a while
        end = time.monotonic() + WAIT
        while ex.get(job.id, "a") is not None and time.monotonic() < end:
            time.sleep(0.2)
        assert ex.get(job.id, "a") is None


def test_an_event_that_starts_a_fit_is_sent_at_once(monkeypatch) -> None:
    # the last epochs of one model and the start of the next (ARIMA on every
    # series) waited in the worker's buffer until the next event, a minute
    # later: the page showed "LSTM epoch 8/76" all that time
    from convlstm import executor as executor_module

    sent: list = []
    monkeypatch.setattr(executor_module, "_EVENTS", SimpleNamespace(put=sent.append))
    reporter = executor_module._Reporter("job", 0)
    epoch = ProgressEvent(
        model="LSTM", stage="fold 1/1", fraction=0.4, epoch=8, epochs=76
    )
    reporter(epoch)
    assert sent == []  # epochs are batched
    start = ProgressEvent(model="ARIMA", stage="fold 1/1", fraction=0.5)
    reporter(start)
    assert sent == [("job", "events", [epoch, start])]


def test_a_script_without_a_main_guard_is_found(tmp_path, monkeypatch):
    import sys
    import types

    from convlstm.executor import unguarded_script

    plain = tmp_path / "plain.py"
    plain.write_text('# no `if __name__ == "__main__":` here\nprint(1)\n')
    guarded = tmp_path / "guarded.py"
    guarded.write_text(
        'def main():\n    pass\n\nif __name__ == "__main__":\n    main()\n'
    )
    for path, expected in ((plain, str(plain)), (guarded, None)):
        main = types.ModuleType("__main__")
        main.__file__ = str(path)
        monkeypatch.setitem(sys.modules, "__main__", main)
        assert unguarded_script() == expected
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert unguarded_script() is None  # an interactive session
    # `python -m package`: its __main__ is not run again by a spawned worker,
    # so a worker that dies there is not blamed on a missing guard
    import importlib.machinery

    package = types.ModuleType("__main__")
    package.__file__ = str(plain)
    package.__spec__ = importlib.machinery.ModuleSpec("convlstm.__main__", None)
    monkeypatch.setitem(sys.modules, "__main__", package)
    assert unguarded_script() is None


def test_workers_end_when_their_parent_is_killed(tmp_path):
    # a scheduler or a notebook kernel kills the parent: its workers must not
    # live on, each holding its memory
    import signal
    import subprocess
    import sys

    pids = tmp_path / "pids"
    script = (
        "import os, time\n"
        "from convlstm.executor import Executor, _pool_processes\n"
        "if __name__ == '__main__':\n"
        "    ex = Executor(workers=2)\n"
        "    ex.warm_up()\n"
        "    kids = [p.pid for p in _pool_processes(ex._pool)]\n"
        f"    open({str(pids)!r}, 'w').write(' '.join(map(str, kids)))\n"
        "    time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=os.getcwd())
    try:
        deadline = time.time() + 60
        while not (pids.exists() and pids.read_text().strip()):
            assert time.time() < deadline, "the workers never started"
            time.sleep(0.2)
        kids = [int(p) for p in pids.read_text().split()]
        assert kids
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    deadline = time.time() + 15
    while any(alive(p) for p in kids) and time.time() < deadline:
        time.sleep(0.2)
    assert not any(alive(p) for p in kids)
