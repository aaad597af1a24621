"""User journeys in real headless Chromium against `streamlit run app.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TRAIN_TIMEOUT = 180_000  # ms


def monthly_csv() -> bytes:
    """Six years of monthly sales: trend, a summer bump and some wobble."""
    rows = ["month;sales"]
    for i in range(72):
        year, month = 2016 + i // 12, i % 12 + 1
        value = 100 + i + 10 * (5 < month < 9) + (i * 37 % 11) - 5
        rows.append(f"{year}-{month:02d};{value:.1f}")
    return ("\n".join(rows) + "\n").encode()


def snap(page, path: Path) -> None:
    """Screenshot the whole app: Streamlit scrolls inside its main container, so
    grow the viewport to the content's height first."""
    size = page.viewport_size
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(height, 6000)})
    page.screenshot(path=path)
    page.set_viewport_size(size)


def expect_no_exception(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)


def wait_idle(page) -> None:
    """Wait until the script run finished (the status widget stops 'Running')."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def go_to(page, name: str) -> None:
    """Open the page ``name`` from the sidebar and wait for its heading.

    A click that lands while the current page reruns can be dropped by the
    browser's navigation, so the click is repeated (at most three times) until the
    heading shows.
    """
    from playwright.sync_api import expect

    heading = page.get_by_role("heading", name=name)
    for attempt in range(3):
        wait_idle(page)
        page.get_by_role("link", name=name).first.click()
        try:
            expect(heading).to_be_visible(timeout=15_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    wait_idle(page)


def set_number(page, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Tab")


def test_upload_train_and_see_results(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="ConvLSTM forecast")).to_be_visible()
    expect(page.get_by_role("button", name="Run forecast")).to_be_visible()
    wait_idle(page)
    snap(page, screenshots / "home.png")

    page.get_by_role("link", name="Data").first.click()
    expect(page.get_by_role("heading", name="Data")).to_be_visible()
    page.get_by_test_id("stButtonGroup").get_by_text("Upload a CSV").click()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "sales.csv", "mimeType": "text/csv", "buffer": monthly_csv()}]
    )
    expect(page.get_by_text("File preview")).to_be_visible(timeout=60_000)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("72")
    wait_idle(page)
    expect_no_exception(page)
    snap(page, screenshots / "data.png")

    page.get_by_role("link", name="Train & compare").first.click()
    expect(page.get_by_role("heading", name="Train & compare")).to_be_visible()
    set_number(page, "Hidden size", 16)
    set_number(page, "Backtest folds", 1)
    page.get_by_text("Advanced").click()
    set_number(page, "Epochs", 2)
    set_number(page, "Lookback", 12)
    page.get_by_role("button", name="Train and compare").click()

    expect(page.get_by_role("heading", name="Backtest scores")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect_no_exception(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() >= 2
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    # Glide's grid draws on a canvas; its accessible table holds the headers.
    expect(table.locator("th[role=columnheader]", has_text="MAE")).to_be_attached()
    expect(
        page.get_by_text(re.compile(r"trained on CPU|trained on CUDA"))
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Forecasts (CSV)").click()
    text = Path(download.value.path()).read_text()
    assert text.startswith("section,model,")
    snap(page, screenshots / "upload_compare.png")


def test_stop_button_stops_training(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="Data").first.click()
    expect(page.get_by_role("heading", name="Data")).to_be_visible()
    wait_idle(page)
    # The longest bundled series: its compare takes half a minute, so the stop
    # click always lands while training runs (on air_passengers the whole compare
    # could finish first on a busy machine).
    dataset = page.get_by_role("combobox", name="Dataset")
    dataset.click()
    page.get_by_role("option", name="Electricity demand").click()
    expect(dataset).to_have_value("Electricity demand")
    wait_idle(page)
    page.get_by_role("link", name="Train & compare").first.click()
    page.get_by_text("Advanced").click()
    set_number(page, "Epochs", 2000)
    page.get_by_role("button", name="Train and compare").click()

    stop = page.get_by_test_id("stButton").get_by_role("button", name="Stop training")
    expect(stop).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stProgress")).to_be_visible()
    # The live loss chart appears once the first fit has two epochs.
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    page.screenshot(path=screenshots / "training.png")
    stop.click()
    expect(page.get_by_text("Training was stopped")).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect_no_exception(page)
    # The app stays usable: the form is still there and can be submitted again.
    expect(page.get_by_role("button", name="Train and compare")).to_be_enabled()
    snap(page, screenshots / "stopped.png")


def test_two_clicks_from_the_landing_page(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Run forecast")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Run forecast").click()
    expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Backtest scores")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect_no_exception(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Best:")).to_be_visible()
    expect(sidebar.get_by_text("Airline passengers", exact=True)).to_be_visible()
    page.get_by_role("heading", name="Results").scroll_into_view_if_needed()
    snap(page, screenshots / "compare.png")
