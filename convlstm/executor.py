"""Where work runs: jobs on a bounded pool of local worker processes, or as Ray
tasks (``engine="ray"``), with a FIFO queue, progress events, cooperative cancel, a
timeout per job (its worker killed when the job does not stop), and ``map``; and
data-parallel training on Ray Train workers (:func:`train_data_parallel`).

Workers are processes, not threads: each has its own torch random generator (the
neural models seed it globally), so a job gives the same numbers alone or beside
others, and the GIL does not serialise small nets. Nothing here imports streamlit.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import logging
import math
import multiprocessing
import os
import queue
import re
import secrets
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_ready
from typing import Any

from .errors import ConvLSTMError, ParameterError

__all__ = [
    "ENGINES",
    "STATUSES",
    "Executor",
    "Job",
    "JobCancelled",
    "JobFailed",
    "check_engine",
    "default_engine",
    "default_workers",
    "run_all",
    "shared_executor",
    "run_job",
    "check_train_workers",
    "train_data_parallel",
    "usable_cores",
]

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
STATUSES = ("queued", "running", "done", "failed", "cancelled", "lost")
FINISHED = frozenset({"done", "failed", "cancelled", "lost"})
#: seconds between a worker's progress flushes and its checks for a cancel
REPORT_EVERY = 0.2
#: finished jobs kept for their owners to collect; older ones are forgotten
KEEP_FINISHED = 200
#: recent run times kept to estimate queue waits
KEEP_DURATIONS = 20
#: How the error of a job cancelled for want of a watcher (``idle_timeout``)
#: says why, for callers that tell that case apart.
UNWATCHED = "nobody had looked at it"
#: seconds a timed-out job has to stop at a progress event before its worker is
#: killed (a job that reports no progress, e.g. one that hangs, never stops itself)
KILL_AFTER = 3.0
#: Seconds a job cancelled by its owner has to stop at a progress event before
#: its worker is ended: an epoch of a big network can take minutes, and a worker
#: that holds a core and gigabytes for them serves nobody.
CANCEL_GRACE = 15.0
#: Seconds ``shutdown`` waits for the worker processes to exit before it ends
#: them: a worker that cannot exit (one of its threads or locks hangs) must not
#: keep the caller, or the interpreter at its exit, waiting for ever.
EXIT_WAIT = 10.0


class JobCancelled(RuntimeError):
    """Raised inside a job's progress callback when its owner cancelled it."""


class JobFailed(ConvLSTMError):
    """A job ended with an unexpected error, a dead worker or a timeout."""


def default_workers() -> int:
    """Worker processes for this machine: ``CONVLSTM_WORKERS``, else the usable
    cores."""
    env = os.environ.get("CONVLSTM_WORKERS", "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            raise ParameterError(
                f"CONVLSTM_WORKERS={env!r} is not a whole number of workers"
            ) from None
        if n < 1:
            raise ParameterError("CONVLSTM_WORKERS must be at least 1")
        return n
    return usable_cores()


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform
    tells, e.g. under ``taskset`` or a container's limit)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # macOS, Windows
        return max(os.cpu_count() or 1, 1)


def default_engine() -> str:
    """``CONVLSTM_ENGINE`` if set, else "local"."""
    return os.environ.get("CONVLSTM_ENGINE", "").strip().lower() or "local"


def check_engine(engine: str | None = None) -> str:
    """``engine`` (default :func:`default_engine`) if this installation can run
    work there.

    Raises:
        ParameterError: an unknown engine, or "ray" without Ray installed.
    """
    engine = default_engine() if engine is None else engine
    if engine not in ENGINES:
        raise ParameterError(
            f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}"
        )
    if engine == "ray":
        try:
            import ray  # noqa: F401, PLC0415  (optional: requirements-ray.txt)
        except ImportError:
            raise ParameterError(
                "engine 'ray' needs Ray: pip install -r requirements-ray.txt "
                "(or use engine 'local')"
            ) from None
    return engine


@dataclass(eq=False)
class Job:
    """One unit of work and what became of it (lives in the submitting process).

    Attributes:
        id: unguessable id (``secrets.token_urlsafe``).
        owner: who may see and cancel it (e.g. a browser session's id).
        label: a short description for lists and error messages.
        status: one of :data:`STATUSES`.
        submitted, started, finished: wall-clock times (``time.time()``).
        timeout: seconds it may run, or None.
        events: the progress events it reported, oldest first.
        result: what the function returned, once ``done``.
        error: the message of a ``failed`` job.
        exception: a ``ConvLSTMError`` the function raised (its message is
            ``error``), or a :class:`JobFailed`.
        meta: what the submitter keeps with the job (stays in this process): the
            app keeps the data and settings, to reattach a reloaded page.
        seen: when its owner last looked it up (``get``, ``jobs``); with the
            executor's ``idle_timeout``, a job nobody looks at is cancelled.
    """

    id: str
    owner: str
    label: str
    submitted: float
    timeout: float | None = None
    status: str = "queued"
    started: float | None = None
    finished: float | None = None
    events: list[Any] = field(default_factory=list)
    result: Any = None
    error: str | None = None
    exception: ConvLSTMError | None = None
    meta: dict[str, Any] = field(default_factory=dict, repr=False)
    seen: float = 0.0
    slot: int | None = field(default=None, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def is_finished(self) -> bool:
        """True once the job is done, failed, cancelled or lost."""
        return self.status in FINISHED

    @property
    def fraction(self) -> float:
        """Progress 0..1 from its last event (1 when done)."""
        if self.status == "done":
            return 1.0
        last = self.events[-1] if self.events else None
        return float(getattr(last, "fraction", 0.0) or 0.0)

    @property
    def seconds(self) -> float:
        """Seconds it has run (so far, or in all)."""
        if self.started is None:
            return 0.0
        return (self.finished or time.time()) - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is finished; False if ``timeout`` ran out first."""
        return self._done.wait(timeout)


# -- the worker side: runs in the pool's processes ------------------------------------

_EVENTS: Any = None  # worker -> parent queue of (job id, kind, payload)
_FLAGS: Any = None  # shared int per slot: 1 = cancel the job in that slot
_PIDS: Any = None  # shared int per slot: the process running that slot's job


def _init_worker(
    events: Any, flags: Any, pids: Any, threads: int, load_torch: bool
) -> None:
    """Pool initializer: keep the channels; share the cores between workers.

    ``load_torch`` False (forked workers for statistical fits): torch is not
    imported here; its thread count is set now if the parent had loaded it, else
    through ``OMP_NUM_THREADS`` for when a job imports it.
    """
    global _EVENTS, _FLAGS, _PIDS
    _EVENTS, _FLAGS, _PIDS = events, flags, pids
    _exit_with_parent()
    threads = max(int(threads), 1)
    if not load_torch and "torch" not in sys.modules:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        return
    import torch  # noqa: PLC0415  (workers train; the parent need not load torch)

    torch.set_num_threads(threads)


#: Seconds between a worker's looks at whether its parent still lives.
PARENT_CHECK = 2.0


def _exit_with_parent() -> None:
    """End this worker when the process that made it dies (killed by a
    scheduler, a notebook kernel restart): an orphaned worker would otherwise
    hold its memory until its job ends, or forever when idle."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK)
            if os.getppid() != parent:  # re-parented: the parent is gone
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class _Reporter:
    """The ``progress`` callback a job's function receives in the worker: batches
    events to the parent and raises :class:`JobCancelled` once cancelled."""

    def __init__(self, job_id: str, slot: int, board: Any = None) -> None:
        self.job_id, self.slot, self.board = job_id, slot, board
        self.buffer: list[Any] = []
        self.last = time.monotonic()

    def __call__(self, event: Any) -> None:
        self.buffer.append(event)
        # an event that starts a model's fit (no epoch) goes at once: the work
        # after it may send nothing for a minute (ARIMA on every series of a
        # panel), and the page would show the epoch before it all that time
        starts = getattr(event, "epoch", 0) is None
        if starts or time.monotonic() - self.last >= REPORT_EVERY:
            self.flush()
            if self.cancelled():
                raise JobCancelled(self.job_id)

    def send(self, kind: str, payload: Any) -> None:
        if self.board is not None:  # a Ray task: through the board actor
            self.board.push.remote(self.job_id, kind, payload)
        elif _EVENTS is not None:
            _EVENTS.put((self.job_id, kind, payload))

    def cancelled(self) -> bool:
        if self.board is not None:
            import ray  # noqa: PLC0415

            return bool(ray.get(self.board.is_cancelled.remote(self.job_id)))
        return bool(_FLAGS is not None and _FLAGS[self.slot])

    def flush(self) -> None:
        self.last = time.monotonic()
        if self.buffer:
            self.send("events", self.buffer)
        self.buffer = []


def run_job(
    job_id: str,
    slot: int,
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    progress: bool,
    board: Any = None,
) -> tuple[str, Any]:
    """Run one job in a worker: ``("done", result)`` or ``("cancelled", None)``;
    other exceptions travel back through the future. ``board``: the Ray actor
    that carries events and cancels (None in a local worker)."""
    reporter = _Reporter(job_id, slot, board)
    if board is None and _PIDS is not None:  # the parent kills it if the job hangs
        _PIDS[slot] = os.getpid()
    reporter.send("started", time.time())
    if progress:
        kwargs = {**kwargs, "progress": reporter}
    try:
        return "done", fn(*args, **kwargs)
    except JobCancelled:
        return "cancelled", None
    finally:
        reporter.flush()
        if board is None:
            _give_back_memory()


def _give_back_memory() -> None:
    """Hand a local worker's freed memory back to the system after a job: an idle
    worker otherwise keeps the peak of the biggest job it ran (gigabytes after a
    series of a million points)."""
    import gc  # noqa: PLC0415

    gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes  # noqa: PLC0415

            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _nothing() -> None:
    """Started once per worker so that the pool's processes exist early."""


# -- the parent side -------------------------------------------------------------------


class Executor:
    """A bounded pool of worker processes with a FIFO queue of jobs.

    At most ``workers`` jobs run at once; the others wait in submission order.
    Each job's function runs in a worker process, so it and its arguments must be
    picklable (module-level functions such as ``compare`` are).

    Args:
        workers: processes (default :func:`default_workers`).
        engine: "local" (worker processes here) or "ray" (Ray tasks on the
            cluster at ``RAY_ADDRESS``, else on a local one of
            :func:`default_workers` CPUs, or ``workers`` if more; ``workers``
            defaults to its CPUs); default :func:`default_engine`.
        timeout: default seconds a job may run (None: no limit).
        idle_timeout: seconds a queued or running job may go without its owner
            looking it up (``get`` or ``jobs``) before it is cancelled: the app's
            runs whose browser tab was closed (None: never).
        start_method: how local workers start: "spawn" (the default: a fresh
            interpreter, safe beside threads) or "fork" (a copy of this process:
            nothing is re-imported, so a caller's script without a ``__main__``
            guard is not run again; Linux only).
        keep_finished_for: seconds a finished job (its result, its ``meta``) is
            kept for its owner to collect before it is forgotten (None: until
            :data:`KEEP_FINISHED` newer ones have finished); a server's memory
            otherwise holds the results of sessions long gone.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        engine: str | None = None,
        timeout: float | None = None,
        idle_timeout: float | None = None,
        start_method: str = "spawn",
        keep_finished_for: float | None = None,
    ) -> None:
        engine = check_engine(engine)
        self._ray = self._board = None
        if engine == "ray":
            from .ray_engine import (
                Board,
                cluster_cpus,
                copy_arrays_in_ray,
                run_ray_task,
                start_ray,
            )

            # a local cluster this starts gets every core, not just ``workers``:
            # later work shares it (a network's Ray Train workers, say)
            cpus = None if workers is None else max(int(workers), default_workers())
            self._ray = start_ray(cpus)
            self._board = self._ray.remote(Board).remote()
            self._task = self._ray.remote(num_cpus=1, max_retries=0)(run_ray_task)
            copy_arrays_in_ray()
            if workers is None:
                workers = cluster_cpus()
        self.workers = int(workers) if workers is not None else default_workers()
        if self.workers < 1:
            raise ParameterError(f"workers must be at least 1, got {workers}")
        self.engine = engine
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.keep_finished_for = keep_finished_for
        if start_method not in multiprocessing.get_all_start_methods():
            raise ParameterError(
                f"start method {start_method!r} is not available here; use one of: "
                f"{', '.join(multiprocessing.get_all_start_methods())}"
            )
        self._ctx = multiprocessing.get_context(start_method)
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._queue: deque[str] = deque()
        self._calls: dict[str, tuple] = {}
        self._running: dict[str, tuple] = {}  # job id -> its call, while it runs
        self._handles: dict[str, Any] = {}  # job id -> its Ray task, while it runs
        self._overdue: dict[str, float] = {}  # timed-out job id -> when to kill
        self._retry: set[str] = set()  # jobs to run again: a kill broke their pool
        self._free = list(range(self.workers))
        self._durations: deque[float] = deque(maxlen=KEEP_DURATIONS)
        self._pool: ProcessPoolExecutor | None = None
        self._events = self._ctx.Queue()
        self._flags = self._ctx.Array("i", self.workers, lock=False)
        self._pids = self._ctx.Array("i", self.workers, lock=False)
        self._closed = False
        self._watcher = threading.Thread(
            target=self._watch, name="convlstm-executor", daemon=True
        )
        self._watcher.start()

    # -- submitting and looking up ------------------------------------------------

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        owner: str,
        label: str = "",
        timeout: float | None = None,
        meta: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Job:
        """Queue ``fn(*args, **kwargs)``; return its :class:`Job` at once.

        When ``fn`` takes a ``progress`` argument (``compare``, ``backtest``), the
        job passes its own callback: the events reach ``job.events``, and a cancel
        stops the work at its next event.

        Args:
            fn: a picklable (module-level) function.
            owner: who may see and cancel the job.
            label: a short description, used in error messages.
            timeout: seconds the job may run (default: the executor's).
            meta: kept as ``job.meta`` (never sent to a worker).
        """
        if self._closed:
            raise JobFailed("the executor was shut down; no new jobs")
        job = Job(
            id=secrets.token_urlsafe(16),
            owner=str(owner),
            label=label or getattr(fn, "__name__", "job"),
            submitted=time.time(),
            timeout=self.timeout if timeout is None else timeout,
            meta=dict(meta or {}),
        )
        job.seen = job.submitted
        try:
            takes_progress = "progress" in inspect.signature(fn).parameters
        except (TypeError, ValueError):  # builtins without a signature
            takes_progress = False
        with self._lock:
            self._jobs[job.id] = job
            self._calls[job.id] = (fn, args, kwargs, takes_progress)
            self._queue.append(job.id)
            self._forget_old()
            self._dispatch()
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        """The job ``job_id`` if ``owner`` owns it; None otherwise (also when it is
        unknown, e.g. submitted before a restart: report that as lost)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.owner != str(owner):
                return None
            job.seen = time.time()
            return job

    def jobs(self, owner: str) -> list[Job]:
        """The jobs of ``owner``, oldest first."""
        with self._lock:
            mine = [j for j in self._jobs.values() if j.owner == str(owner)]
            for job in mine:
                job.seen = time.time()
            return mine

    def forget(self, job_id: str, owner: str) -> None:
        """Drop a finished job of ``owner`` (its result was collected); one whose
        worker is still to be ended (cancelled, not yet stopped) stays until
        then, so that its worker is ended."""
        with self._lock:
            job = self._jobs.get(job_id)
            if (
                job is not None
                and job.owner == str(owner)
                and job.is_finished
                and job_id not in self._overdue
            ):
                del self._jobs[job_id]

    def position(self, job: Job) -> int:
        """0 while running or finished; k for the k-th job waiting in the queue."""
        with self._lock:
            try:
                return self._queue.index(job.id) + 1
            except ValueError:
                return 0

    def wait_estimate(self, job: Job) -> float | None:
        """Seconds until ``job`` starts (queued) or ends (running), estimated from
        recent run times and its own progress; None without anything to go on."""
        if job.is_finished:
            return 0.0
        if job.status == "running":
            frac = job.fraction
            if frac <= 0.02:
                # too little progress to go on: the typical run, while this one
                # has not outrun it (a heavy net stays near 0% for minutes)
                typical = self._typical()
                if typical is None or job.seconds >= typical:
                    return None
                return typical - job.seconds
            return job.seconds * (1 - frac) / frac
        typical = self._typical()
        if typical is None:
            return None
        rounds = math.ceil(self.position(job) / self.workers)
        return typical * rounds

    def _typical(self) -> float | None:
        with self._lock:
            runs = list(self._durations)
        return sum(runs) / len(runs) if runs else None

    # -- cancelling ---------------------------------------------------------------

    def cancel(self, job_id: str, owner: str) -> bool:
        """Cancel ``owner``'s job: a queued one never starts, a running one is
        cancelled now and stops at its next progress event, or its worker is
        ended ``CANCEL_GRACE`` seconds later. False when it is not ``owner``'s or
        finished."""
        with self._lock:
            job = self.get(job_id, owner)
            if job is None or job.is_finished:
                return False
            if job.status == "queued":
                self._queue.remove(job.id)
                self._calls.pop(job.id, None)
                self._finish(job, "cancelled")
            else:
                why = f"{job.label} was stopped"
                self._end(job, time.time(), "cancelled", why, grace=CANCEL_GRACE)
            return True

    # -- map --------------------------------------------------------------------

    def map(
        self,
        fn: Callable[..., Any],
        items: Iterable[Any],
        *,
        timeout: float | None = None,
        label: str = "",
    ) -> list[Any]:
        """``[fn(item) for item in items]``, run in parallel on the pool.

        Results come back in the order of ``items``. When one call fails, the rest
        are cancelled and its error is raised (a ``ConvLSTMError`` as it is, any
        other as :class:`JobFailed`).
        """
        owner = f"map:{secrets.token_hex(8)}"
        name = label or getattr(fn, "__name__", "map")
        jobs = [
            self.submit(fn, item, owner=owner, label=f"{name} [{i}]", timeout=timeout)
            for i, item in enumerate(items)
        ]
        try:
            for job in jobs:
                job.wait()
                if job.status != "done":
                    raise job.exception or JobFailed(f"{job.label} was {job.status}")
            return [job.result for job in jobs]
        finally:
            for job in jobs:
                self.cancel(job.id, owner)
                self.forget(job.id, owner)

    # -- lifecycle ----------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the worker processes now rather than on the first job."""
        if self._ray is not None:
            return
        with self._lock:
            pool = self._ensure_pool()
        for fut in [pool.submit(_nothing) for _ in range(self.workers)]:
            with contextlib.suppress(BrokenProcessPool):
                fut.result()

    def shutdown(self) -> None:
        """Cancel what is queued, stop the running jobs and the workers."""
        with self._lock:
            self._closed = True
            for job_id in list(self._queue):
                self.cancel(job_id, self._jobs[job_id].owner)
            running = [j for j in self._jobs.values() if j.status == "running"]
            for job in running:
                self._stop(job)
        # a job stops at its next progress event, and one already ended (cancelled,
        # timed out) returns from its worker; one slower than that (an epoch of a
        # big net) has its worker ended, so shutting down never hangs
        deadline = time.time() + KILL_AFTER
        for job in running:
            job.wait(max(deadline - time.time(), 0.0))
        while time.time() < deadline:
            with self._lock:
                if not self._overdue:
                    break
            time.sleep(0.05)
        with self._lock:
            pool = self._pool  # _kill forgets the pool it breaks
            late = [j for j in running if not j.is_finished]
            late += [self._jobs[i] for i in self._overdue if i in self._jobs]
            for job in late:
                self._kill(job)
            self._overdue.clear()
            self._pool = None
        if pool is not None:
            _close_pool(pool)

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- internals (call with the lock held) ---------------------------------------

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            threads = max(usable_cores() // self.workers, 1)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=self._ctx,
                initializer=_init_worker,
                initargs=(
                    self._events,
                    self._flags,
                    self._pids,
                    threads,
                    self._ctx.get_start_method() != "fork",
                ),
            )
        return self._pool

    def _stop(self, job: Job) -> None:
        """Ask a running job to stop at its next progress event."""
        if self._board is not None:
            self._board.cancel.remote(job.id)
        elif job.slot is not None:
            self._flags[job.slot] = 1

    def _start(self, job: Job, call: tuple) -> Future:
        fn, args, kwargs, progress = call
        if self._ray is not None:
            call = (fn, args, kwargs, progress)
            ref = self._task.remote(job.id, job.slot, call, self._board)
            self._handles[job.id] = ref
            return ref.future()
        try:
            pool = self._ensure_pool()
            return pool.submit(run_job, job.id, job.slot, fn, args, kwargs, progress)
        except BrokenProcessPool:
            self._pool = None
            pool = self._ensure_pool()
            return pool.submit(run_job, job.id, job.slot, fn, args, kwargs, progress)

    def _dispatch(self) -> None:
        while self._queue and self._free and not self._closed:
            job = self._jobs[self._queue.popleft()]
            job.slot = self._free.pop(0)
            self._flags[job.slot] = 0
            job.status = "running"
            job.started = time.time()
            self._pids[job.slot] = 0
            call = self._calls.pop(job.id)
            self._running[job.id] = call
            future = self._start(job, call)
            future.add_done_callback(lambda f, job=job: self._collect(job, f))

    def _collect(self, job: Job, future: Future) -> None:
        """A worker returned (or died): record the outcome, free the slot."""
        with self._lock:
            if job.slot is not None:
                self._free.append(job.slot)
                self._free.sort()
                self._flags[job.slot] = 0
            self._overdue.pop(job.id, None)
            self._handles.pop(job.id, None)
            call = self._running.pop(job.id, None)
            if job.is_finished:  # timed out earlier: the outcome no longer counts
                self._dispatch()
                return
            if job.id in self._retry and not future.cancelled():
                self._retry.discard(job.id)
                if isinstance(future.exception(), BrokenProcessPool):
                    self._requeue(job, call)
                    self._dispatch()
                    return
            try:
                status, value = future.result()
            except ConvLSTMError as exc:
                cause = getattr(exc, "cause", None)  # a RayTaskError wraps it
                self._finish(
                    job, "failed", cause if isinstance(cause, ConvLSTMError) else exc
                )
            except BrokenProcessPool as exc:
                self._pool = None  # the next dispatch starts fresh workers
                script = (
                    unguarded_script()
                    if self._ctx.get_start_method() != "fork"
                    else None
                )
                if script is not None:
                    why = (
                        f"{job.label}: the worker processes could not start: each "
                        f"starts by running your script ({script}) again, and "
                        "it starts a run of its own there; put the script's work "
                        'under  if __name__ == "__main__":  (Python needs it to '
                        "run work in other processes), or use one process (jobs=1)"
                    )
                else:
                    why = (
                        f"{job.label}: the worker process running it died "
                        f"({exc}); out of memory? Try again with fewer or smaller "
                        "models"
                    )
                self._finish(job, "failed", JobFailed(why))
            except Exception as exc:  # any other error becomes this job's error
                log.exception("job %s (%s) failed", job.id, job.label)
                cause = getattr(exc, "cause", None) or exc  # a RayTaskError wraps it
                if "WorkerCrashed" in type(exc).__name__:
                    cause = "the worker process running it died"
                    text = f"{job.label} failed: {cause}"
                else:
                    text = f"{job.label} failed: {type(cause).__name__}: {cause}"
                self._finish(job, "failed", JobFailed(text))
            else:
                if status == "done":
                    job.result = value
                    self._durations.append(time.time() - (job.started or time.time()))
                self._finish(job, status)
            self._dispatch()

    def _requeue(self, job: Job, call: tuple | None) -> None:
        """Put a job whose worker pool was broken by another job's kill back at
        the head of the queue: it runs again from the start (same numbers)."""
        log.info("job %s (%s) runs again: its pool was restarted", job.id, job.label)
        job.status, job.started, job.slot = "queued", None, None
        job.events.clear()
        self._calls[job.id] = call
        self._queue.appendleft(job.id)

    def _kill(self, job: Job) -> None:
        """End the worker of a timed-out job that did not stop by itself.

        On Ray the task is cancelled with force (only its worker ends). A local
        pool cannot lose one process without breaking: the other jobs running
        there are queued again and the pool restarts.
        """
        if job.id in self._handles:
            with contextlib.suppress(Exception):
                self._ray.cancel(self._handles[job.id], force=True)
            return
        pid = self._pids[job.slot] if job.slot is not None else 0
        if not pid:
            return
        others = [
            j.id
            for j in self._jobs.values()
            if j.status == "running" and j.id != job.id
        ]
        self._retry.update(others)
        log.warning("killing worker %d of job %s: it did not stop", pid, job.label)
        # every process of its pool goes too: an idle worker waits for its next
        # job holding the pool's queue lock, and one killed there (the job had
        # just returned) would leave the others unable to take work or to exit
        pool_pids = [p.pid for p in _pool_processes(self._pool)]
        for each in [pid] + (pool_pids if pid in pool_pids else []):
            with contextlib.suppress(ProcessLookupError):
                os.kill(each, signal.SIGKILL)
        # a worker killed while writing could leave the event queue's lock held
        self._events = self._ctx.Queue()
        self._pool = None  # the next dispatch starts fresh workers on the new queue

    def _finish(self, job: Job, status: str, exc: ConvLSTMError | None = None) -> None:
        job.status = status
        job.finished = time.time()
        if exc is not None:
            job.exception, job.error = exc, str(exc)
        job._done.set()

    def _forget_old(self) -> None:
        done = [j for j in self._jobs.values() if j.is_finished]
        for job in itertools.islice(done, max(len(done) - KEEP_FINISHED, 0)):
            del self._jobs[job.id]
        if self.keep_finished_for is not None:
            stale = time.time() - self.keep_finished_for
            for job in done:
                if (
                    job.id in self._jobs
                    and (job.finished or 0) < stale
                    and job.id not in self._overdue
                ):
                    del self._jobs[job.id]

    def _watch(self) -> None:
        """Thread: move workers' events onto their jobs and time jobs out."""
        while not (self._closed and self._pool is None):
            try:
                if self._board is not None:
                    time.sleep(REPORT_EVERY)
                    messages = self._take_from_ray()
                else:
                    messages = [self._events.get(timeout=0.5)]
            except queue.Empty:
                messages = []
            except (EOFError, OSError):  # the queue was closed at exit
                return
            if messages is None:  # the Ray cluster is gone
                return
            with self._lock:
                for job_id, kind, payload in messages:
                    job = self._jobs.get(job_id)
                    if job is None or job.is_finished:
                        continue
                    if kind == "events":
                        job.events.extend(payload)
                    elif kind == "started":
                        job.started = payload
                self._time_out()

    def _cancel_unseen(self, now: float) -> None:
        """Cancel the unfinished jobs nobody looked up for ``idle_timeout`` s."""
        for job in list(self._jobs.values()):
            if job.is_finished or now - job.seen <= self.idle_timeout:
                continue
            log.info("cancelling job %s (%s): nobody looked at it", job.id, job.label)
            why = (
                f"{job.label} was stopped: {UNWATCHED} for "
                f"{self.idle_timeout:g} s (its page was closed)"
            )
            if job.status == "queued":
                self._queue.remove(job.id)
                self._calls.pop(job.id, None)
                self._finish(job, "cancelled", JobFailed(why))
            else:
                self._end(job, now, "cancelled", why)

    def _take_from_ray(self) -> list[tuple] | None:
        """The board's new events; None (and every unfinished job lost) once the
        Ray cluster has gone away."""
        if self._ray.is_initialized():
            try:
                return self._ray.get(self._board.take.remote(), timeout=60)
            except (Exception, SystemExit):
                # Ray raises plain Exception for a dead actor, and SystemExit in
                # this thread when its worker shuts down (e.g. ray.shutdown())
                log.warning("lost the Ray cluster's board", exc_info=True)
        with self._lock:
            self._queue.clear()
            for job in self._jobs.values():
                if not job.is_finished:
                    self._finish(
                        job,
                        "lost",
                        JobFailed(
                            f"{job.label}: lost the Ray cluster's job board (the "
                            "cluster, or the worker holding the board, went away)"
                        ),
                    )
        return None

    def _time_out(self) -> None:
        now = time.time()
        if self.idle_timeout is not None:
            self._cancel_unseen(now)
        if self.keep_finished_for is not None:
            self._forget_old()
        for job_id, when in list(self._overdue.items()):
            if now >= when:
                del self._overdue[job_id]
                if job_id in self._jobs:
                    self._kill(self._jobs[job_id])
        for job in self._jobs.values():
            if (
                job.status == "running"
                and job.timeout is not None
                and job.started is not None
                and now - job.started > job.timeout
            ):
                self._end(
                    job,
                    now,
                    "failed",
                    f"{job.label} ran longer than its limit of {job.timeout:g} s "
                    "and was stopped",
                )

    def _end(
        self, job: Job, now: float, status: str, why: str, grace: float = KILL_AFTER
    ) -> None:
        """Finish a running job now: it stops at its next event, or its worker
        is ended ``grace`` seconds from ``now``."""
        self._stop(job)
        self._overdue[job.id] = now + grace
        self._finish(job, status, JobFailed(why))


_MAIN_GUARD = re.compile(
    r"""^\s*(?:el)?if\s+\(?\s*__name__\s*==\s*["']__main__["']""", re.MULTILINE
)


def unguarded_script() -> str | None:
    """The script Python was started with when it lacks an
    ``if __name__ == "__main__":`` guard (workers started with "spawn" run it
    again as they start, and a script that starts work at its top level then
    starts it again in every worker); None otherwise (an interactive session,
    a notebook, a guarded script, a package run with ``python -m``)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and str(spec.name).endswith(".__main__"):
        return None  # `python -m package`: a spawned worker does not run it again
    path = getattr(main, "__file__", None)
    if not path or not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read(1_000_000)
    except OSError:
        return None
    return None if _MAIN_GUARD.search(text) else str(path)


def _pool_processes(pool: ProcessPoolExecutor | None) -> list[Any]:
    """The worker processes of a local pool (CPython keeps them in ``_processes``;
    none where it does not)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _close_pool(pool: ProcessPoolExecutor) -> None:
    """Shut a local pool down, ending the workers that have not exited within
    :data:`EXIT_WAIT` seconds (``ProcessPoolExecutor.shutdown`` would wait for
    them for ever, and so would the interpreter at its exit)."""
    processes = _pool_processes(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    pending = {}
    for process in processes:
        with contextlib.suppress(ValueError):  # a process object already closed
            pending[process.sentinel] = process
    end = time.monotonic() + EXIT_WAIT
    while pending and (left := end - time.monotonic()) > 0:
        for ready in wait_ready(list(pending), left):
            pending.pop(ready)
    for process in pending.values():
        log.warning("ending worker %d: it did not exit", process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(EXIT_WAIT)


_SHARED: dict[tuple[str, int], Executor] = {}
_SHARED_LOCK = threading.Lock()


def shared_executor(workers: int | None = None, engine: str | None = None) -> Executor:
    """One executor per (engine, workers) for this process, created on first use
    (engine default :func:`default_engine`)."""
    n = int(workers) if workers is not None else default_workers()
    engine = check_engine(engine)
    with _SHARED_LOCK:
        key = (engine, n)
        if key not in _SHARED:
            _SHARED[key] = Executor(n, engine=engine)
        return _SHARED[key]


def run_all(
    fn: Callable[..., Any],
    items: Sequence[Any],
    *,
    jobs: int = 1,
    engine: str | None = None,
) -> list[Any]:
    """``[fn(item) for item in items]``: in this process when ``jobs`` is 1, else on
    :func:`shared_executor` with ``jobs`` workers of ``engine``."""
    if jobs <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    return shared_executor(jobs, engine).map(fn, items)


def check_train_workers(
    workers: Any, engine: str | None, what: str = "workers"
) -> None:
    """Check a number of data-parallel training processes (``what`` names the
    setting in the message): a whole number >= 1, and the Ray engine for more
    than one.

    Raises:
        ParameterError: otherwise.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"{what} must be a whole number >= 1, got {workers!r}")
    if workers > 1 and check_engine(engine) != "ray":
        raise ParameterError(
            f"{what}={workers} needs the Ray engine (Ray Train): use "
            "engine='ray' (pip install -r requirements-ray.txt), or 1 worker"
        )


def train_data_parallel(
    fn: Callable[..., Any],
    *args: Any,
    workers: int,
    engine: str | None = None,
    timeout: float | None = None,
    callback: Callable[..., bool | None] | None = None,
    **kwargs: Any,
) -> Any:
    """``fn(*args, callback=..., **kwargs)`` in ``workers`` processes that form one
    ``torch.distributed`` group; rank 0's return value.

    The processes are Ray Train workers (``TorchTrainer``, the gloo backend on CPU)
    on the Ray cluster (``engine="ray"``). ``fn`` is meant to be data-parallel
    training, e.g. :func:`convlstm.training.train_weights`, which
    shares the work when it finds the group. One worker runs ``fn`` in this process
    as it is, on any engine.

    Args:
        fn: a picklable (module-level) function taking ``callback=``.
        workers: processes to train in.
        engine: must be "ray" for more than one worker (default
            :func:`default_engine`).
        timeout: seconds the run may take in all (None: no limit); a worker that
            waits for the others longer than
            :data:`~convlstm.ray_engine.COLLECTIVE_TIMEOUT` fails the run anyway.
        callback: called here with what rank 0's ``callback`` received (e.g.
            ``epoch, epochs, train_loss, val_loss``); True asks rank 0's callback
            to return True from its next call on (a stop).

    Raises:
        ParameterError: a bad ``workers``, more than one without Ray, or more than
            the Ray cluster has CPUs.
        ConvLSTMError: the error a worker raised (a ``ConvLSTMError`` as it is),
            or :class:`JobFailed` for any other error, a dead worker or the
            timeout.
    """
    check_train_workers(workers, engine)
    if workers == 1:
        return fn(*args, callback=callback, **kwargs)
    from .ray_engine import run_trainer  # noqa: PLC0415  (Ray is optional)

    return run_trainer(
        fn, args, kwargs, workers=workers, timeout=timeout, callback=callback
    )
