"""An event log in real headless Chromium: the reader refuses its irregular times
and says to choose steps; daily sums make it a series that trains and compares."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.e2e.helpers import (
    choose_models,
    expect_no_exception,
    go_to,
    snap,
    upload,
    wait_idle,
)

pytestmark = pytest.mark.e2e
TRAIN_TIMEOUT = 180_000  # ms


def events_csv() -> bytes:
    """Sales at their own moments over 60 days, busier at weekends."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    stamps = [
        day + pd.Timedelta(seconds=int(s))
        for day in days
        for s in rng.uniform(0, 86400, 8 + 6 * (day.day_of_week >= 5))
    ]
    frame = pd.DataFrame({"sold_at": sorted(stamps)})
    frame["sold_at"] = frame["sold_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame["amount"] = rng.gamma(2.0, 15.0, len(frame)).round(2)
    return frame.to_csv(index=False).encode()


def choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_an_event_log_as_daily_sums(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    upload(page, "sales_log.csv", events_csv())
    alert = page.get_by_test_id("stAlertContentError")
    expect(alert).to_contain_text("irregular", timeout=60_000)
    expect(alert).to_contain_text("Steps")
    wait_idle(page)
    choose(page, "Steps", "Daily")
    choose(page, "Rows in one step", "Sum")
    points = page.get_by_test_id("stMetricValue").first
    expect(points).to_have_text("60", timeout=60_000)
    expect(page.get_by_text("summed the", exact=False).first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("daily sums", exact=False)).to_be_visible()
    expect_no_exception(page)
    snap(page, screenshots / "steps_data.png")
    go_to(page, "Train & compare")
    choose_models(page, ("ETS", "Seasonal naive"))
    page.get_by_role("button", name="Train and compare").click()
    expect(page.get_by_role("heading", name="Backtest scores")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect_no_exception(page)
    expect(page.get_by_text("daily sums", exact=False).first).to_be_visible()
    snap(page, screenshots / "steps_results.png")
