"""The ConvLSTM's start in real headless Chromium: the control on Train & compare
and the Pretrained network section of How it works."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import expect_no_exception, go_to, snap, wait_idle

pytestmark = pytest.mark.e2e


def test_start_control_and_pretrained_section(page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    go_to(page, "Data")
    go_to(page, "Train & compare")
    page.get_by_text("Advanced").click()
    control = page.get_by_test_id("stRadio").filter(has_text="ConvLSTM starts from")
    expect(control).to_be_visible()
    expect(control.get_by_text("scratch (trained on this series)")).to_be_visible()
    expect(control.get_by_role("radio").nth(0)).to_be_checked()  # auto
    for attempt in range(3):  # a click during a rerun of the page can be lost
        wait_idle(page)
        control.get_by_text("the pretrained network (zero-shot)").click()
        try:
            expect(control.get_by_role("radio").nth(3)).to_be_checked(timeout=10_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    expect_no_exception(page)
    snap(page, screenshots / "start_control.png")

    go_to(page, "How it works")
    page.get_by_role("tab", name="Pretrained network", exact=True).click()
    heading = page.get_by_role("heading", name="Starting from a network trained")
    expect(heading).to_be_visible(timeout=120_000)
    wait_idle(page)
    chart = page.locator(".st-key-hiw_pretrained_chart .js-plotly-plot")
    expect(chart).to_be_visible()
    loss = page.locator(".st-key-hiw_finetune_loss_chart .js-plotly-plot")
    expect(loss).to_be_visible()
    expect(page.get_by_text("Fine-tuning: loss per epoch")).to_be_visible()
    expect_no_exception(page)
    chart.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "pretrained_section.png")
