"""The "How it works" teaching page in real headless Chromium, tab by tab."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import expect_no_exception, go_to, set_number, snap, wait_idle

pytestmark = pytest.mark.e2e

SLOW = 120_000  # ms: training on shared CPUs


def chart(page, key: str):
    """The plotly chart drawn by ``st.plotly_chart(..., key=key)``."""
    return page.locator(f".st-key-{key} .js-plotly-plot")


def open_tab(page, name: str) -> None:
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def test_how_it_works_tabs_train_and_blob(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Not exact: the first visitor after a server start gets Streamlit's legacy
    # pages/ navigation ("how it works"), everyone later the app's ("How it works").
    # the first script run can take longer than expect's 5 s on a loaded machine
    expect(page.get_by_role("link", name="How it works").first).to_be_visible(
        timeout=SLOW
    )
    go_to(page, "How it works")

    # No data chosen on the Data page: the page offers the bundled datasets and
    # starts on air_passengers.
    dataset = page.get_by_role("combobox", name="Dataset")
    expect(dataset).to_have_value("Airline passengers")
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Data:")
    expect(caption).to_contain_text("Airline passengers")

    # 1. Series to frames: the window, the frames heatmaps, the pipeline.
    expect(chart(page, "hiw_window_chart")).to_be_visible(timeout=SLOW)
    frames = chart(page, "hiw_frames_chart")
    expect(frames).to_be_visible(timeout=SLOW)
    expect(frames.locator(".heatmaplayer").first).to_be_attached()
    expect(page.get_by_test_id("stGraphVizChart").locator("svg")).to_be_visible()
    table = page.get_by_test_id("stTable")
    expect(table).to_be_visible()
    expect(table.locator("th", has_text="Output shape")).to_be_visible()
    assert table.locator("tbody tr").count() >= 3
    wait_idle(page)
    expect_no_exception(page)
    snap(page, screenshots / "how_it_works_frames.png")

    # 2. The cell: KaTeX equations and the receptive field.
    open_tab(page, "The ConvLSTM cell")
    latex = page.get_by_test_id("stMarkdownContainer").locator(".katex-display")
    expect(latex.first).to_be_visible(timeout=SLOW)
    expect(latex.first).to_contain_text("tanh")
    expect(page.locator(".katex").nth(5)).to_be_attached()  # inline maths too
    expect(chart(page, "hiw_field_chart")).to_be_visible(timeout=SLOW)
    wait_idle(page)
    expect_no_exception(page)
    snap(page, screenshots / "how_it_works_cell.png")

    # 3. Inside a trained model: train with the fewest epochs allowed.
    open_tab(page, "Inside a trained model")
    train = page.get_by_role("button", name="Train a model to look inside")
    expect(train).to_be_visible(timeout=SLOW)
    wait_idle(page)
    set_number(page, "Epochs", 1)
    train.click()
    gates = chart(page, "hiw_gates_chart")
    expect(gates).to_be_visible(timeout=SLOW)
    expect(gates.locator(".heatmaplayer").first).to_be_attached()
    expect(chart(page, "hiw_saliency_chart")).to_be_visible(timeout=SLOW)
    expect(chart(page, "hiw_parts_chart")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("Model trained on this page")).to_be_visible()
    wait_idle(page)
    expect_no_exception(page)
    snap(page, screenshots / "how_it_works_trained.png")

    # 5. Moving blob: the fewest training steps allowed.
    open_tab(page, "Moving blob")
    blob = page.get_by_role("button", name="Train the blob model")
    expect(blob).to_be_visible(timeout=SLOW)
    wait_idle(page)
    set_number(page, "Training steps", 10)
    blob.click()
    expect(chart(page, "hiw_blob_chart")).to_be_visible(timeout=SLOW)
    expect(chart(page, "hiw_blob_loss")).to_be_visible(timeout=SLOW)
    expect(
        page.get_by_test_id("stMetricLabel").filter(has_text="Trained in")
    ).to_be_visible()
    wait_idle(page)
    expect_no_exception(page)
    snap(page, screenshots / "how_it_works.png")

    assert not errors, errors
