"""Fixtures for the AppTest suite: a fresh simulated app per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

# Seconds one script run may take; training runs get their own, longer timeout.
RUN_TIMEOUT = 60


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
