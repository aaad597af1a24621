"""The Ray engine of the executor: the task that runs a job, the actor that carries
progress events and cancels, numpy arrays sent as writable copies, connecting to
(or starting) a cluster, and data-parallel training with Ray Train. Imported only
when ``engine="ray"``; Ray is optional (``requirements-ray.txt``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from .errors import ConvLSTMError, ParameterError
from .executor import REPORT_EVERY, JobFailed, default_workers, run_job

__all__ = [
    "COLLECTIVE_TIMEOUT",
    "Board",
    "cluster_cpus",
    "copy_arrays_in_ray",
    "run_ray_task",
    "run_trainer",
    "start_ray",
]

log = logging.getLogger(__name__)

#: seconds a data-parallel run waits for its workers' CPUs before it says so
WAIT_NOTE = 10.0
#: seconds a Ray Train worker waits for the others in one collective (a gradient
#: all-reduce) before the run fails: a stuck or lost worker never hangs the rest
COLLECTIVE_TIMEOUT = 300
#: seconds a timed-out trainer has to abort its run before its task is killed (a
#: killed trainer's CPUs are held by its placement group until the driver exits)
ABORT_WAIT = 60


def run_ray_task(job_id: str, slot: int, call: tuple, board: Any) -> tuple[str, Any]:
    """:func:`~convlstm.executor.run_job` as a Ray task (arrays travel writable, see
    :func:`copy_arrays_in_ray`)."""
    copy_arrays_in_ray()
    return run_job(job_id, slot, *call, board)


def _array_state(a: Any) -> tuple:
    order = "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"
    if a.dtype.hasobject:
        return a.dtype, a.shape, order, list(a.ravel(order=order))
    return a.dtype, a.shape, order, a.tobytes(order=order)


def _array_from_state(state: tuple) -> Any:
    import numpy as np  # noqa: PLC0415

    dtype, shape, order, data = state
    if dtype.hasobject:
        out = np.empty(len(data), dtype=dtype)
        out[:] = data
        return out.reshape(shape, order=order)
    flat = np.frombuffer(data, dtype=dtype)
    return flat.reshape(shape, order=order).copy(order=order)


_RAY_ARRAYS = False


def copy_arrays_in_ray() -> None:
    """Send numpy arrays through Ray as copies: its zero-copy arrays are
    read-only, which statsmodels' fitted models refuse when they are rebuilt."""
    global _RAY_ARRAYS
    if not _RAY_ARRAYS:
        import numpy as np  # noqa: PLC0415
        import ray.util  # noqa: PLC0415

        ray.util.register_serializer(
            np.ndarray, serializer=_array_state, deserializer=_array_from_state
        )
        _RAY_ARRAYS = True


class Board:
    """Ray actor: progress events from tasks to the driver, cancels the other way."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.cancelled: set[str] = set()

    def push(self, job_id: str, kind: str, payload: Any) -> None:
        self.events.append((job_id, kind, payload))

    def take(self) -> list[tuple]:
        out, self.events = self.events, []
        return out

    def cancel(self, job_id: str) -> None:
        self.cancelled.add(job_id)

    def is_cancelled(self, job_id: str) -> bool:
        return job_id in self.cancelled


def start_ray(workers: int | None = None) -> Any:
    """Connect to ``RAY_ADDRESS``'s cluster, else start a local one of its own
    (not one a ``ray start`` on this machine left running); return ray."""
    import ray  # noqa: PLC0415

    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or None
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {"env_vars": {"PYTHONPATH": package}}
        if address:
            _check_reachable(address)
            try:
                ray.init(address=address, runtime_env=env, log_to_driver=False)
            except (ValueError, ConnectionError, RuntimeError) as exc:
                raise ConvLSTMError(
                    f"cannot connect to the Ray cluster at RAY_ADDRESS={address}: {exc}"
                ) from None
        else:
            # "local": a new cluster of our own, never the one a `ray start` left
            # in /tmp/ray/ray_current_cluster (Ray would join it, or refuse
            # num_cpus for it when it is gone)
            try:
                _init_lasting(
                    ray,
                    address="local",
                    num_cpus=workers or default_workers(),
                    include_dashboard=False,
                    runtime_env=env,
                    log_to_driver=False,
                )
            except Exception as exc:  # Ray raises plain Exception on a timeout
                if ray.is_initialized():
                    ray.shutdown()
                raise ConvLSTMError(
                    f"could not start a local Ray cluster ({type(exc).__name__}: "
                    f"{exc}); on a busy machine try again, or use the local engine"
                ) from None
    return ray


def _init_lasting(ray: Any, **kwargs: Any) -> None:
    """``ray.init(**kwargs)`` from a thread that lives as long as the process.

    A local cluster's processes (its GCS server, its raylet) are told to die
    with the thread that started them (Linux's parent-death signal follows the
    thread, not the process); started from a short-lived thread (a Streamlit
    script run, a warm-up thread) they died with it a moment later, and Ray then
    ended the whole process. Off the main thread the cluster is started on a
    daemon thread that never returns.
    """
    if threading.current_thread() is threading.main_thread():
        ray.init(**kwargs)
        return
    started = threading.Event()
    failure: list[BaseException] = []

    def keep() -> None:
        try:
            ray.init(**kwargs)
        except BaseException as exc:  # said in the calling thread
            failure.append(exc)
        finally:
            started.set()
        threading.Event().wait()  # the parent of Ray's processes: never ends

    threading.Thread(target=keep, name="ray-cluster", daemon=True).start()
    started.wait()
    if failure:
        raise failure[0]


#: Seconds to wait for a cluster's address to answer before saying it does not
#: (Ray itself retries an unreachable address for ever).
CONNECT_TIMEOUT = 10.0


def _check_reachable(address: str) -> None:
    """Raise ``ConvLSTMError`` when ``host:port`` does not answer within
    :data:`CONNECT_TIMEOUT`; other forms ("auto", "ray://...") are Ray's to check."""
    host, _, port = address.rpartition(":")
    if address == "auto" or "://" in address or not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        raise ConvLSTMError(
            f"cannot reach the Ray cluster at RAY_ADDRESS={address} ({exc}); start "
            "it, correct RAY_ADDRESS, or unset it to start a local cluster"
        ) from None


def cluster_cpus() -> int:
    """The CPUs of the Ray cluster (:func:`start_ray` connects or starts one)."""
    return int(start_ray().cluster_resources().get("CPU", 1))


def check_cluster_fits(workers: int) -> None:
    """Raise ``ParameterError`` when the Ray cluster (connected or started here)
    has fewer CPUs than ``workers`` data-parallel training workers need: they
    would wait for CPUs for ever."""
    cpus = int(start_ray().cluster_resources().get("CPU", 0))
    if cpus < workers:
        raise ParameterError(
            f"training on {workers} workers needs {workers} CPUs, but the Ray "
            f"cluster has {cpus}: use at most {cpus} workers"
        )


# -- data-parallel training (Ray Train) ------------------------------------------------


def run_trainer(
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    *,
    workers: int,
    timeout: float | None = None,
    callback: Callable[..., bool | None] | None = None,
) -> Any:
    """:func:`convlstm.executor.train_data_parallel` on Ray: a ``TorchTrainer``
    of ``workers`` CPU workers (gloo), no retries.

    The trainer is driven from a Ray task of its own (no CPU reserved), so that
    ``timeout`` can end the whole run (:func:`_abort`). Rank 0 sends its
    callback's arguments and its return value through a :class:`Board`; the
    workers name their placement group there too, which is removed when the run
    fails: without the dashboard, Ray Train cannot see a failed controller and
    would keep the workers' CPUs.
    """
    ray = start_ray()
    check_cluster_fits(workers)
    board = ray.remote(Board).remote()
    key = secrets.token_hex(8)
    task = ray.remote(num_cpus=0, max_retries=0)(_fit_trainer)
    ref = task.remote(fn, args, kwargs, workers, board, key)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    found: dict[str, Any] = {}
    waited = False  # the run waited for CPUs that other work held
    try:
        while True:
            ready, _ = ray.wait([ref], timeout=REPORT_EVERY)
            for _, kind, payload in ray.get(board.take.remote()):
                if kind != "events":
                    found[kind] = payload
                elif callback is not None and callback(*payload) is True:
                    board.cancel.remote(key)
            if ready:
                break
            if not waited and "group" not in found:
                waited = _note_a_wait(ray, workers, time.monotonic() - started)
            if deadline is not None and time.monotonic() > deadline:
                _abort(ray, ref)
                why = (
                    ": its workers never started, the cluster's CPUs being held "
                    "by other work"
                    if "group" not in found and waited
                    else ""
                )
                raise JobFailed(
                    f"data-parallel training on {workers} workers ran longer than "
                    f"its limit of {timeout:g} s and was stopped{why}"
                )
        try:
            ray.get(ref)
        except Exception as exc:  # Ray's errors: a worker's, or a dead worker
            raise _training_error(exc, workers) from None
    except BaseException:
        if "group" in found:
            with contextlib.suppress(Exception):  # already gone
                ray.util.remove_placement_group(found["group"])
        raise
    finally:
        ray.kill(board)
    if "result" not in found:
        raise JobFailed(f"data-parallel training on {workers} workers returned nothing")
    return found["result"]


def _note_a_wait(ray: Any, workers: int, waited: float) -> bool:
    """Log once that the run's workers wait for CPUs other work holds (Ray
    queues them silently); True once said."""
    if waited < WAIT_NOTE:
        return False
    free = int(ray.available_resources().get("CPU", 0))
    if free >= workers:
        return False
    total = int(ray.cluster_resources().get("CPU", 0))
    log.warning(
        "training on %d workers waits for %d free CPUs of the Ray cluster: %d of "
        "its %d are free now (other work holds them, or these workers are still "
        "starting); it starts when they are",
        workers,
        workers,
        free,
        total,
    )
    return True


def _abort(ray: Any, ref: Any) -> None:
    """End the trainer's task: first its SIGINT (Ray Train then aborts the run,
    ending its workers and giving back their CPUs), then, if it is still running
    after ``ABORT_WAIT`` seconds, its process."""
    ray.cancel(ref)
    done, _ = ray.wait([ref], timeout=ABORT_WAIT)
    if not done:
        ray.cancel(ref, force=True)


def _fit_trainer(
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    workers: int,
    board: Any,
    key: str,
) -> None:
    """Ray task: run the ``TorchTrainer`` to its end (its errors raise here)."""
    from ray.train import FailureConfig, RunConfig, ScalingConfig  # noqa: PLC0415
    from ray.train.torch import TorchConfig, TorchTrainer  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="convlstm-train-") as storage:
        TorchTrainer(
            _train_worker,
            train_loop_config={"call": (fn, args, kwargs), "board": board, "key": key},
            scaling_config=ScalingConfig(num_workers=workers, use_gpu=False),
            torch_config=TorchConfig(backend="gloo", timeout_s=COLLECTIVE_TIMEOUT),
            run_config=RunConfig(
                name=f"convlstm-{key}",
                storage_path=storage,
                failure_config=FailureConfig(max_failures=0),
            ),
        ).fit()


def _train_worker(config: dict) -> None:
    """One Ray Train worker: ``fn`` in the group; rank 0 reports and returns."""
    import ray  # noqa: PLC0415
    import ray.train  # noqa: PLC0415

    fn, args, kwargs = config["call"]
    board, key = config["board"], config["key"]
    group = ray.util.get_current_placement_group()
    ray.get(board.push.remote(key, "group", group))
    callback = None
    if ray.train.get_context().get_world_rank() == 0:

        def callback(*event: Any) -> bool:
            board.push.remote(key, "events", event)
            return bool(ray.get(board.is_cancelled.remote(key)))

    value = fn(*args, callback=callback, **kwargs)
    if callback is not None:
        ray.get(board.push.remote(key, "result", value))


def _training_error(exc: BaseException, workers: int) -> ConvLSTMError:
    """The error of a failed trainer: a worker's ``ConvLSTMError`` as it is, else a
    :class:`JobFailed` that says which worker failed and how."""
    error = getattr(exc, "cause", None) or exc  # the task's RayTaskError wraps it
    failures = dict(getattr(error, "worker_failures", None) or {})
    for rank in sorted(failures):
        cause: BaseException | None = failures[rank]
        while cause is not None:
            if isinstance(cause, ConvLSTMError):
                return cause
            cause = getattr(cause, "cause", None) or cause.__cause__
    where, text = "", str(error)
    if failures:
        rank = min(failures)
        where, text = f"worker {rank}: ", str(failures[rank])
    if "died" in text:
        who = "its" if failures else "a worker"
        what = f"{who} process died (out of memory? see the Ray logs)"
    else:
        what = (text.strip().splitlines() or [type(error).__name__])[-1]
    return JobFailed(
        f"data-parallel training on {workers} workers failed: {where}{what}"
    )
