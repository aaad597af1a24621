"""AppTest of the How it works page's image section: it renders and trains."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "how_it_works.py"
# A stand-in for app.py that routes to this page only (set_page_config + navigation).
HARNESS = f"""
import streamlit as st
st.set_page_config(layout="wide")
st.navigation([st.Page({str(PAGE)!r}, title="How it works")]).run()
"""


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_section_is_closed_until_opened_then_trains_on_digits() -> None:
    at = AppTest.from_string(HARNESS, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    labels = [e.label for e in at.expander]
    assert any("image experiment" in label for label in labels)
    assert not [b for b in at.button if b.label == "Train the digits classifier"]

    at.session_state["hiw_images"] = True  # open the expander
    at.run()
    assert not at.exception, at.exception
    text = texts(at)
    assert "What the article claimed" in text and "over 94%" in text
    assert "Train the digits classifier" in at.info[-1].value

    at.number_input(key="hiw_img_epochs").set_value(1)
    at.number_input(key="hiw_img_hidden").set_value(4)
    at.number_input(key="hiw_img_limit").set_value(100)
    next(b for b in at.button if b.label == "Train the digits classifier").click()
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Test accuracy"].endswith("%")
    assert metrics["Trained in"].endswith(" s")
    text = texts(at)
    assert "What we measured" in text and "1 epoch," in text
    assert "first 100 training" in text
    ids = [c.proto.id for c in at.get("plotly_chart")]
    charts = ("hiw_img_confusion", "hiw_img_examples", "hiw_img_mistakes")
    for key in (*charts, "hiw_img_loss"):
        assert sum(i.endswith(key) for i in ids) == 1, ids
