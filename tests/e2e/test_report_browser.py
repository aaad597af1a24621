"""The stakeholder report opened in real headless Chromium, straight from the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from convlstm import compare, datasets
from convlstm.report import build_report

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report of cheap models on air_passengers, written to disk."""
    y = datasets.load("air_passengers")
    result = compare(
        y, models=("ARIMA", "Seasonal naive", "Naive"), horizon=12, folds=4
    )
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(build_report(y, result, record=result.record), encoding="utf-8")
    return path


def test_report_renders_offline_without_errors(
    browser, report_file: Path, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # The report must not need the network: refuse every request but the file.
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file://")
            else route.abort()
        ),
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        page.goto(report_file.as_uri())
        expect(page.locator("h1")).to_contain_text("Forecast report")
        charts = page.locator(".js-plotly-plot")
        expect(charts).to_have_count(2)  # forecast and backtest
        # plotly drew the traces, interval bands included
        forecast = page.locator("#forecast-chart")
        expect(forecast.locator(".main-svg").first).to_be_visible()
        bands = forecast.locator(".legendtext", has_text="80% and 95% intervals")
        expect(bands).to_have_count(3)  # one per model, the winner's shown
        table = page.locator("table#metrics")
        expect(table).to_be_visible()
        expect(table.locator("tbody tr")).to_have_count(3)
        head = table.locator("thead").inner_text()
        assert "80% coverage" in head and "Against ARIMA (Diebold-Mariano)" in head
        expect(table.locator("tr.best")).to_contain_text("ARIMA")
        expect(page.locator("#summary")).to_contain_text("had the lowest average error")
        expect(page.locator("#record")).to_contain_text("Data SHA-256")
        page.screenshot(path=screenshots / "report.png", full_page=True)
        # on a 1024 px screen the metrics table fits without a sideways scroll
        # (it held 14 columns, the verdict and fit seconds out of sight)
        page.set_viewport_size({"width": 1024, "height": 900})
        overflow = table.evaluate("t => t.scrollWidth - t.clientWidth")
        assert overflow <= 1, f"the metrics table scrolls {overflow} px at 1024 px"
        assert not problems, problems
    finally:
        context.close()
