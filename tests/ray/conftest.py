"""A real local Ray cluster (2 CPUs, no dashboard) for the Ray engine's tests.

Without Ray the tests skip locally and fail in CI (CI=true): CI installs
requirements-ray.txt (`make setup-ray`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[object]:
    """``ray`` after a local ``ray.init(num_cpus=2, include_dashboard=False)``."""
    try:
        import ray
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("Ray is not installed in CI: make setup-ray")
        pytest.skip("Ray is not installed (pip install -r requirements-ray.txt)")
    from convlstm.ray_engine import start_ray

    if ray.is_initialized():
        ray.shutdown()
    start_ray(2)
    yield ray
    ray.shutdown()
