"""User journeys in real headless Chromium against `streamlit run app.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.helpers import (
    download,
    expect_no_exception,
    go_to,
    pick_dataset,
    set_number,
    snap,
    upload,
    wait_idle,
)

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


def test_upload_train_and_see_results(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="ConvLSTM forecast")).to_be_visible()
    expect(page.get_by_role("button", name="Run forecast")).to_be_visible()
    wait_idle(page)
    snap(page, screenshots / "home.png")

    go_to(page, "Data")
    # a first visit shows which source is chosen (it once showed neither)
    bundled = page.get_by_role("radio", name="Bundled dataset")
    expect(bundled).to_have_attribute("aria-checked", "true")
    upload(page, "sales.csv", monthly_csv())
    expect(page.get_by_role("radio", name="Upload a file")).to_have_attribute(
        "aria-checked", "true"
    )
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("72")
    wait_idle(page)
    expect_no_exception(page)
    snap(page, screenshots / "data.png")

    go_to(page, "Train & compare")
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
    text = download(page, "Forecasts (CSV)")
    assert text.startswith("section,model,")
    snap(page, screenshots / "upload_compare.png")


def test_a_tiny_upload_gets_a_forecast_only(page, screenshots: Path) -> None:
    # five months: too short to score any model, still a forecast in two clicks
    from playwright.sync_api import expect

    csv = "month,sales\n" + "".join(f"2024-{m:02d},{90 + 4 * m}\n" for m in range(1, 6))
    upload(page, "tiny.csv", csv.encode())
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("5", timeout=60_000)
    wait_idle(page)
    expect_no_exception(page)
    go_to(page, "Train & compare")
    expect(page.get_by_label("Backtest folds", exact=True)).to_have_value("0")
    page.get_by_role("button", name="Train and compare").click()
    expect(page.get_by_text("A forecast only: no model was scored.")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect_no_exception(page)
    expect(page.get_by_role("heading", name="Backtest scores")).to_have_count(0)
    expect(page.get_by_role("heading", name="Forecast beyond the data")).to_be_visible()
    text = download(page, "Forecasts (CSV)")
    assert text.startswith("section,model,") and "future,ConvLSTM," in text
    snap(page, screenshots / "tiny_upload_forecast_only.png")


def test_a_short_daily_upload_starts_from_the_daily_network(page, screenshots: Path):
    # three weeks of daily sales with a weekend dip: too short to train a network
    # from scratch, so the ConvLSTM starts from the pretrained daily one
    from playwright.sync_api import expect

    days = [f"2024-03-{d:02d}" for d in range(1, 22)]
    rows = [f"{day},{120 + i - 40 * (i % 7 in (1, 2))}" for i, day in enumerate(days)]
    csv = "day,sales\n" + "\n".join(rows) + "\n"
    upload(page, "daily.csv", csv.encode())
    metric = page.get_by_test_id("stMetricValue").first
    expect(metric).to_have_text("21", timeout=60_000)
    wait_idle(page)
    expect_no_exception(page)
    go_to(page, "Train & compare")
    page.get_by_role("button", name="Train and compare").click()
    expect(page.get_by_role("heading", name="Backtest scores")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect_no_exception(page)
    expect(
        page.get_by_text("started from the pretrained daily network").first
    ).to_be_visible()
    text = download(page, "Forecasts (CSV)")
    assert "future,ConvLSTM," in text
    snap(page, screenshots / "daily_upload.png")


def test_stop_button_stops_training(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    # The longest bundled series: its compare takes half a minute, so the stop
    # click always lands while training runs (on air_passengers the whole compare
    # could finish first on a busy machine).
    pick_dataset(page, "Electricity demand")
    go_to(page, "Train & compare")
    expect(page.get_by_text("Data: Electricity demand")).to_be_visible()
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


def test_the_first_click_on_train_after_picking_models_starts_the_run(
    page, screenshots: Path
) -> None:
    # With the model picker full to the end of its line, its search box took a
    # line of its own while the picker had focus; the click on the button shrank
    # it, the button moved up 33 px between the press and the release, and the
    # click was lost (nothing trained, the picks were lost on leaving the page).
    from playwright.sync_api import expect

    upload(page, "sales.csv", monthly_csv())
    wait_idle(page)
    go_to(page, "Train & compare")
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Models")
    for name in ("Naive", "ConvLSTM (pretrained)"):
        box.locator("input").click()
        page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
    focused = box.bounding_box()["height"]
    assert box.locator("input").evaluate("e => getComputedStyle(e).minWidth") == "2px"
    page.get_by_role("heading", name="Train & compare").click()  # focus leaves
    assert box.bounding_box()["height"] == focused
    box.locator("input").click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Train and compare").click()
    stop = page.get_by_test_id("stButton").get_by_role("button", name="Stop training")
    expect(stop).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Backtest scores")).to_be_visible(
        timeout=TRAIN_TIMEOUT
    )
    wait_idle(page)
    expect_no_exception(page)
    snap(page, screenshots / "first_click_trains.png")
