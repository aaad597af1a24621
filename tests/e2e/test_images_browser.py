"""The How it works page's image section in real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import go_to

pytestmark = pytest.mark.e2e

SLOW = 120_000  # ms: training on shared CPUs


def test_image_section_trains_digits_and_shows_results(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    go_to(page, "How it works")

    page.get_by_text("Beyond series: the article's image experiment").click()
    expect(page.get_by_text("What the article claimed.")).to_be_visible(timeout=SLOW)
    epochs = page.get_by_label("Epochs", exact=True).last
    epochs.fill("2")
    epochs.press("Tab")
    page.get_by_role("button", name="Train the digits classifier").click()

    accuracy = page.get_by_test_id("stMetric").filter(has_text="Test accuracy")
    expect(accuracy).to_be_visible(timeout=SLOW)
    expect(accuracy).to_contain_text("%")
    for key in ("hiw_img_confusion", "hiw_img_examples", "hiw_img_loss"):
        expect(page.locator(f".st-key-{key} .js-plotly-plot")).to_be_visible(
            timeout=SLOW
        )
    expect(page.get_by_text("What we measured.")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.locator(".st-key-hiw_img_confusion").scroll_into_view_if_needed()
    main = page.get_by_test_id("stMain")
    size = page.viewport_size
    height = main.evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(height, 6000)})
    page.screenshot(path=screenshots / "how_it_works_images.png")
    assert not errors, errors
