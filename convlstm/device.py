"""Where torch runs: the device a setting names, and each run's threads and determinism.

The training loop (``training.py``) and the explanations use these; nothing else
changes torch's global settings.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import torch
from torch import nn

from .errors import ParameterError

__all__ = ["compute_context", "resolve_device"]

# nets with fewer parameters than this train faster on one CPU thread: their ops are
# too small to split, and on busy cores thread hand-offs cost far more than they
# save (see bench/RESULTS.md)
_SMALL_NET = 2_000_000


def resolve_device(device: str) -> torch.device:
    """Turn "auto", "cpu", "cuda", "cuda:1" or "mps" into a usable ``torch.device``.

    "auto" picks CUDA, then MPS, then the CPU.

    Raises:
        ParameterError: the device is unknown or not available on this machine.
    """
    name = str(device).strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(name)
    except (RuntimeError, TypeError, ValueError):
        raise ParameterError(
            f"unknown device {device!r}; use 'auto', 'cpu', 'cuda' or 'mps'"
        ) from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ParameterError(
                "device 'cuda' was requested but no CUDA GPU is available; "
                "use device='auto' or 'cpu'"
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ParameterError(
                f"device {device!r} does not exist: this machine has "
                f"{torch.cuda.device_count()} CUDA device(s)"
            )
    elif dev.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ParameterError(
                "device 'mps' was requested but Apple MPS is not available; "
                "use device='auto' or 'cpu'"
            )
    elif dev.type != "cpu":
        raise ParameterError(
            f"unsupported device {device!r}; use 'auto', 'cpu', 'cuda' or 'mps'"
        )
    return dev


# Overlapping runs (threads) share torch's global settings: the first run in saves
# them and the last run out restores them.
_CONTEXT_LOCK = threading.Lock()
_CONTEXT_USERS = 0
_CONTEXT_SAVED: tuple[int, bool, bool] | None = None


@contextlib.contextmanager
def compute_context(net: nn.Module, device: torch.device) -> Iterator[None]:
    """Threads and determinism for one run; the caller's settings come back after.

    On the CPU, small nets use one thread (see ``_SMALL_NET``) and bigger ones at most
    ``min(os.cpu_count(), 8)``; deterministic algorithms are switched on (cheap on
    the CPU) so that the same seed gives the same forecast.
    """
    global _CONTEXT_USERS, _CONTEXT_SAVED
    with _CONTEXT_LOCK:
        if _CONTEXT_USERS == 0:
            _CONTEXT_SAVED = (
                torch.get_num_threads(),
                torch.are_deterministic_algorithms_enabled(),
                torch.is_deterministic_algorithms_warn_only_enabled(),
            )
        _CONTEXT_USERS += 1
        threads = _CONTEXT_SAVED[0]
        if device.type == "cpu":
            n_params = sum(p.numel() for p in net.parameters())
            want = 1 if n_params < _SMALL_NET else min(os.cpu_count() or 1, 8)
            torch.set_num_threads(min(threads, want))
            torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        with _CONTEXT_LOCK:
            _CONTEXT_USERS -= 1
            if _CONTEXT_USERS == 0 and _CONTEXT_SAVED is not None:
                threads, deterministic, warn_only = _CONTEXT_SAVED
                torch.set_num_threads(threads)
                torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
