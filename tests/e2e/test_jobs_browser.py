"""Training runs as a job: it keeps going while the user visits another page or
reloads the tab, and its results are there on return (headless Chromium,
`streamlit run app.py`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.helpers import go_to, pick_dataset, wait_idle

pytestmark = pytest.mark.e2e

TRAIN_TIMEOUT = 300_000  # ms: electricity's full default compare on busy cores


def test_training_survives_visiting_another_page(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    pick_dataset(page, "Electricity demand")
    go_to(page, "Train & compare")
    page.get_by_role("button", name="Train and compare").click()
    expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=60_000)
    # the panel says where the run stands (queued or training, with an estimate)
    place = page.get_by_text(re.compile(r"^(Waiting: |Training( · about|$))"))
    expect(place.first).to_be_visible(timeout=60_000)

    # leave while it trains, look at the data (the sidebar shows the run), come back
    go_to(page, "Data")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("TRAINING NOW")).to_be_visible(timeout=30_000)
    go_to(page, "Train & compare")
    # reload the tab: its address holds the session's run, which it takes back
    assert "run=" in page.url
    page.reload()
    expect(page.get_by_role("heading", name="Train & compare")).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("Choose a dataset or upload a CSV first")).to_have_count(0)

    expect(page.get_by_role("heading", name="Backtest scores")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Training was stopped")).to_have_count(0)
    expect(sidebar.get_by_text("Best:")).to_be_visible()
    page.screenshot(path=screenshots / "job_survived_navigation.png")
