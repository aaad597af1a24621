"""A panel in real headless Chromium: upload a file of several series, see them on
the Data page, pick one, and find it on Train & compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import expect_no_exception, go_to, snap, upload, wait_idle

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

    upload(page, name, content)
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


def test_switching_the_scope_shows_each_scopes_horizon_and_folds(page) -> None:
    # the browser keeps a field's value while its key stays: the switch must set
    # the chosen series' own defaults, not leave the panel's in the boxes

    from convlstm.data import read_csv, series_of, to_panel
    from convlstm.datasets import default_horizon_folds

    rows = ["store,date,sales"]
    for k, (store, months) in enumerate((("north", 72), ("south", 72), ("east", 30))):
        for i in range(months):
            year, month = 2018 + i // 12, i % 12 + 1
            rows.append(f"{store},{year}-{month:02d}-01,{100 + 10 * k + i % 12 + i}")
    content = ("\n".join(rows) + "\n").encode()
    east = series_of(to_panel(read_csv(content)), "east")
    expected = [str(v) for v in default_horizon_folds(east)]
    assert expected != ["12", "3"]  # else the test shows nothing
    picker = upload_panel(page, content, "stores_uneven.csv")
    picker.click()
    page.get_by_role("option", name="east").click()
    wait_idle(page)
    go_to(page, "Train & compare")

    def fields() -> list[str]:
        # the last drawn of each (a rerun briefly shows the old form beside it)
        return [
            page.get_by_label(name, exact=True).last.input_value()
            for name in ("Horizon", "Backtest folds")
        ]

    def shows(wanted: list[str]) -> None:
        for _ in range(60):
            if fields() == wanted:
                return
            page.wait_for_timeout(500)
        assert fields() == wanted

    wait_idle(page)
    shows(["12", "3"])  # the panel's: its median series holds 3 folds
    page.get_by_text("Only the chosen series").click()
    wait_idle(page)
    shows(expected)
    page.get_by_text("All 3 series").click()
    wait_idle(page)
    shows(["12", "3"])
    expect_no_exception(page)
