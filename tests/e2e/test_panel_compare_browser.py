"""Train & compare on a panel in real headless Chromium: upload a file of three
stores, train fast models on all series in one run, see the leaderboard, select one
series in the per-series table and see its chart; download the forecasts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import (
    choose_models,
    download,
    expect_no_exception,
    go_to,
    set_number,
    snap,
    wait_idle,
)
from tests.e2e.test_panel_browser import upload_panel

pytestmark = pytest.mark.e2e

FAST = ("Naive", "Seasonal naive", "Theta")
ROW_HEIGHT = 35  # px: st.dataframe's rows (and header)
TRAIN_TIMEOUT = 120_000  # ms


def stores_csv() -> bytes:
    """Three stores, five years of monthly sales each, in long format."""
    rows = ["store,date,sales"]
    for k, store in enumerate(("north", "south", "east")):
        for i in range(60):
            year, month = 2019 + i // 12, i % 12 + 1
            summer = 15 * (k + 1) * (5 < month < 9)
            value = 100 + 20 * k + (1 + k) * i / 2 + summer + (i * 7 * (k + 1) % 5)
            rows.append(f"{store},{year}-{month:02d}-01,{value:.1f}")
    return ("\n".join(rows) + "\n").encode()


def test_train_all_series_and_drill_into_one(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    upload_panel(page, stores_csv())
    go_to(page, "Train & compare")
    expect(page.get_by_text("All 3 series (one global run)")).to_be_visible()
    set_number(page, "Backtest folds", 1)
    choose_models(page, FAST)
    page.get_by_role("button", name="Train and compare").click()

    expect(page.get_by_role("heading", name="Leaderboard")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect_no_exception(page)
    board = page.get_by_test_id("stDataFrame").filter(
        has=page.locator("th[role=columnheader]", has_text="Mean MASE")
    )
    expect(board).to_be_visible()
    # before any selection: the series picked on the Data page (the first)
    expect(page.get_by_text("Series east", exact=True)).to_be_visible()

    # Select "south" (third row: east, north, south) by its row marker.
    table = page.get_by_test_id("stDataFrame").filter(
        has=page.locator("th[role=columnheader]", has_text="Best")
    )
    table.scroll_into_view_if_needed()
    table.click(position={"x": 18, "y": ROW_HEIGHT * 3 + ROW_HEIGHT // 2})
    expect(page.get_by_text("Series south", exact=True)).to_be_visible()
    wait_idle(page)
    expect_no_exception(page)
    chart = page.locator(".js-plotly-plot").last
    expect(chart).to_be_visible()
    expect(chart.get_by_text("history")).to_be_attached()

    # the drill-down's rerun must end first: a click during it can be lost
    wait_idle(page)
    lines = download(page, "Forecasts, all series (CSV)").splitlines()
    assert lines[0].startswith("series,timestamp,model,forecast,lower_80,upper_80")
    assert {line.split(",")[0] for line in lines[1:]} == {"east", "north", "south"}
    snap(page, screenshots / "panel_compare.png")
    snap(page, Path("/tmp/panelapp.png"))
