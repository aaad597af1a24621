"""AppTest checks of an upload whose series are stacked one after another with no
column naming them (two exports pasted one under the other): read as series of
their own, not averaged, with the reader's id column shown, and one series again
when the user clears it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

import ui
from tests.app.helpers import upload


def _stacked_csv() -> bytes:
    rows = ["date,sales"]
    for k in range(2):  # the same five years of months twice, different series
        for i in range(60):
            rows.append(f"{2019 + i // 12}-{i % 12 + 1:02d}-01,{1000 * k + i}")
    return ("\n".join(rows) + "\n").encode()


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_stacked_upload_is_a_panel_until_its_block_id_is_cleared(app: AppTest) -> None:
    upload(app, "stacked.csv", _stacked_csv())
    assert _metrics(app)["Series"] == "2"
    ids = app.multiselect(key="id_cols")
    assert ids.value == ["block"] and "block" in ids.options
    assert app.session_state[ui.SOURCE]["series"] == "block 1"
    notes = "\n".join(m.value for m in app.markdown)
    assert "start over at row 62" in notes
    app.selectbox(key="series").set_value("block 2").run()
    assert not app.exception, app.exception
    assert "**Series block 2**" in [m.value for m in app.markdown]
    # Cleared: one series, the rows that share a month averaged (as told).
    app.multiselect(key="id_cols").set_value([]).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    # (a cleared choice reads the file through the panel reader, as one series)
    assert _metrics(app)["Series"] == "1"
    assert _metrics(app)["Points per series"] == "60"
    assert any("averaged" in m.value for m in app.markdown)
    # The reader's column is still offered, so the split can be chosen again.
    assert "block" in app.multiselect(key="id_cols").options
    app.multiselect(key="id_cols").set_value(["block"]).run()
    assert not app.exception, app.exception
    assert _metrics(app)["Series"] == "2"
