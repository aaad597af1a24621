"""The Ray engine of the executor: the task that runs a job, the actor that carries
progress events and cancels, numpy arrays sent as writable copies, and connecting to
(or starting) a cluster. Imported only when ``engine="ray"``; Ray is optional
(``requirements-ray.txt``).
"""

from __future__ import annotations

import os
from typing import Any

from .executor import default_workers, run_job

__all__ = ["Board", "copy_arrays_in_ray", "run_ray_task", "start_ray"]


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
    """Connect to ``RAY_ADDRESS``'s cluster, else start a local one; return ray."""
    import ray  # noqa: PLC0415

    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or None
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {"env_vars": {"PYTHONPATH": package}}
        if address:
            ray.init(address=address, runtime_env=env, log_to_driver=False)
        else:
            ray.init(
                num_cpus=workers or default_workers(),
                include_dashboard=False,
                runtime_env=env,
                log_to_driver=False,
            )
    return ray
