"""Steps every browser journey shares: wait for a script run, open a page, pick a
bundled dataset, fill a number, screenshot the whole app."""

from __future__ import annotations

from pathlib import Path

IDLE_TIMEOUT = 120_000  # ms: a script run on busy shared cores


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


def wait_idle(page, timeout: int = IDLE_TIMEOUT) -> None:
    """Wait until the script run finished (the status widget stops 'Running')."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)


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


def upload(page, name: str, content: bytes, mime: str = "text/csv") -> None:
    """On the Data page, choose "Upload a file" and upload ``content`` as ``name``;
    wait until the page shows the file's preview (or the reader's message).

    A click or an upload that lands while the page reruns can be lost: the page
    then comes back on the bundled dataset (seen once in CI, on a loaded
    machine). The upload is then repeated, at most three times, as a user would,
    and each repeat is printed, so that a log shows it.
    """
    from playwright.sync_api import expect

    if not page.get_by_role("heading", name="Data").is_visible():
        go_to(page, "Data")
    # the file read (its preview), or the reader's message on it
    read = page.get_by_text("File preview").or_(
        page.get_by_test_id("stAlertContentError")
    )
    bundled = page.get_by_role("radio", name="Bundled dataset")
    for attempt in range(3):
        wait_idle(page)
        page.get_by_test_id("stButtonGroup").get_by_text("Upload a file").click()
        page.locator("input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": content}]
        )
        try:
            expect(read.first).to_be_visible(timeout=60_000)
            return
        except AssertionError:
            wait_idle(page)
            if attempt == 2 or bundled.get_attribute("aria-checked") != "true":
                raise
            print(
                f"the upload of {name} was lost (the page shows the bundled "
                f"data): uploading it again ({attempt + 2} of 3)"
            )


def pick_dataset(page, name: str) -> None:
    """Choose the bundled dataset ``name`` on the Data page and wait until the app
    holds it: the sidebar's current data names it (the selectbox shows the choice
    before the rerun that stores it, and a page change during that rerun loses it)."""
    from playwright.sync_api import expect

    go_to(page, "Data")
    dataset = page.get_by_role("combobox", name="Dataset")
    dataset.click()
    page.get_by_role("option", name=name).click()
    expect(dataset).to_have_value(name)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(name, exact=True)).to_be_visible(timeout=IDLE_TIMEOUT)
    wait_idle(page)


def set_number(page, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Tab")


def download(page, name: str) -> str:
    """Click the download button ``name`` and return the downloaded file's text.

    A click during a rerun (a row selection, a widget) can be lost and a deferred
    download is built on the server, slow on busy cores: the click is repeated (at
    most three times, 40 s each) as a user would.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    button = page.get_by_role("button", name=name)
    for attempt in range(3):
        wait_idle(page)
        expect(button).to_be_enabled()
        try:
            with page.expect_download(timeout=40_000) as started:
                button.click()
            return Path(started.value.path()).read_text()
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def choose_models(page, names: tuple[str, ...]) -> None:
    """Replace the form's model choice with ``names``."""
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Models")
    box.get_by_role("button", name="Clear all").click()
    for name in names:
        box.locator("input").click()
        page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
