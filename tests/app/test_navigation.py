"""The one workaround for Streamlit's legacy ``pages/`` handling, and a guard that
fails when a Streamlit upgrade changes the behaviour it works around."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import ui

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def legacy_flag():
    """Restore Streamlit's process-wide legacy flag after the test."""
    saved = PagesManager.uses_pages_directory
    yield
    PagesManager.uses_pages_directory = saved


def test_streamlit_still_treats_pages_folder_as_legacy(legacy_flag) -> None:
    """When this fails, Streamlit no longer switches to the legacy multipage mode
    for a ``pages/`` folder beside ``app.py``: delete ``ui.ensure_navigation`` (and
    its call at the top of every page) and this test."""
    PagesManager.uses_pages_directory = None
    PagesManager(str(ROOT / "app.py"), setup_watcher=False)
    assert PagesManager.uses_pages_directory is True, (
        f"Streamlit {streamlit.__version__} changed its legacy pages/ handling"
    )


def test_switch_page_runs_the_page_file_alone_and_the_workaround_draws_the_frame(
    legacy_flag, monkeypatch
) -> None:
    """AppTest's switch_page (like a first visit to a page URL) runs the page file
    without app.py; ensure_navigation must notice and draw the frame itself."""
    calls: list[bool] = []
    original = ui.navigation.ensure_navigation

    def spy() -> bool:
        calls.append(original())
        return calls[-1]

    monkeypatch.setattr(ui, "ensure_navigation", spy)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()  # the landing page, through app.py
    assert calls == [False]
    calls.clear()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert calls and calls[0] is True, (
        f"Streamlit {streamlit.__version__} ran the page through app.py: the "
        "legacy workaround in ui.navigation.ensure_navigation may be obsolete"
    )
    assert [c.value for c in at.sidebar.caption].count("CURRENT DATA") == 1
    assert [link.label for link in at.sidebar.get("page_link")] == [
        title for _, title, _ in ui.PAGE_SPECS
    ]


def test_the_home_page_links_every_step_how_it_works_too() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    main = [link.label for link in at.main.get("page_link")]
    assert main == ["**1. Data**", "**2. Train & compare**", "**3. How it works**"]
