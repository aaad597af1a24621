"""A panel in real headless Chromium: upload a file of several series, see them on
the Data page, pick one, and find it on Train & compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import expect_no_exception, go_to, snap, wait_idle

pytestmark = pytest.mark.e2e


def stores_csv() -> bytes:
    """Three stores, three years of monthly sales each, in long format."""
    rows = ["store,date,sales"]
    for k, store in enumerate(("north", "south", "east")):
        for i in range(36):
            year, month = 2020 + i // 12, i % 12 + 1
            rows.append(f"{store},{year}-{month:02d}-01,{100 + 10 * k + i % 12}")
    return ("\n".join(rows) + "\n").encode()


def upload_panel(page, content: bytes, name: str = "stores.csv"):
    """Upload a panel CSV on the Data page; return the series picker once shown."""
    from playwright.sync_api import expect

    go_to(page, "Data")
    page.get_by_test_id("stButtonGroup").get_by_text("Upload a CSV").click()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    picker = page.get_by_test_id("stSelectbox").filter(
        has_text="Series to train and compare"
    )
    expect(picker).to_be_visible(timeout=60_000)
    return picker


def test_upload_a_panel_and_pick_a_series(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    picker = upload_panel(page, stores_csv())
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("3")
    wait_idle(page)
    expect_no_exception(page)
    picker.click()
    page.get_by_role("option", name="south").click()
    wait_idle(page)
    expect(page.get_by_text("stores.csv · south").first).to_be_visible()
    expect_no_exception(page)
    snap(page, screenshots / "panel_data.png")

    go_to(page, "Train & compare")
    expect_no_exception(page)
    expect(page.get_by_text("stores.csv · south").first).to_be_visible()
