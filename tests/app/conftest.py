"""Fixtures for the AppTest suite: a fresh simulated app per test."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

# Seconds one script run may take; training runs get their own, longer timeout.
RUN_TIMEOUT = 60
TRAIN_TIMEOUT = 240


def finish_training(at: AppTest, timeout: float = TRAIN_TIMEOUT) -> AppTest:
    """Training runs as a job on the executor: wait until this session's job has
    finished, then rerun the page so that its outcome lands (as the page's
    polling fragment does in a browser)."""
    import ui

    deadline = time.monotonic() + timeout
    while ui.JOB in at.session_state:
        assert time.monotonic() < deadline, "training did not finish in time"
        job = ui.executor().get(
            at.session_state[ui.JOB]["id"], at.session_state[ui.OWNER]
        )
        if job is not None:
            job.wait(max(deadline - time.monotonic(), 0.0))
        at.run(timeout=RUN_TIMEOUT)
    return at


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """AppTest runs its script as ``__main__`` and leaves it there; a process
    started with "spawn" afterwards (by a later test in the same session) would
    re-run that script, and a script made from a function fails outside AppTest.
    Put the real ``__main__`` back after each test."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def wait_for_training() -> Callable[..., AppTest]:
    """:func:`finish_training`, for tests that click Train."""
    return finish_training


@pytest.fixture
def app() -> AppTest:
    """The app, run once on its landing page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def good_csv() -> bytes:
    """A small monthly CSV with a semicolon delimiter, decimal commas and a gap."""
    rows = ["Datum;Umsatz (EUR)"]
    value = 100.0
    for year in range(2015, 2020):
        for month in range(1, 13):
            if (year, month) == (2017, 5):
                continue  # a missing month the reader fills
            value += 3.5 if month < 7 else -2.25
            rows.append(f"{year}-{month:02d}-01;{value:.2f}".replace(".", ","))
    return ("\n".join(rows) + "\n").encode()
