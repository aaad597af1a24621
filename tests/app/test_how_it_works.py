"""AppTest of the How it works page: every section renders and every demo runs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "how_it_works.py"
TABS = (
    "Series to frames",
    "The ConvLSTM cell",
    "Inside a trained model",
    "Kernel sizes & ablation",
    "Moving blob",
    "Pretrained network",
)
# A stand-in for app.py that routes to this page only (set_page_config + navigation).
HARNESS = f"""
import streamlit as st
st.set_page_config(layout="wide")
st.navigation([st.Page({str(PAGE)!r}, title="How it works")]).run()
"""


@pytest.fixture
def page() -> AppTest:
    """The page on its own, with tiny model settings."""
    at = AppTest.from_string(HARNESS, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    at.number_input(key="hiw_hidden_size").set_value(4)
    at.number_input(key="hiw_num_layers").set_value(2)
    at.run()
    assert not at.exception, at.exception
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    at.session_state["hiw_tab"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_first_section_shows_frames_and_measured_shapes(page: AppTest) -> None:
    assert page.title[0].value.endswith("How it works")
    assert [t.label for t in page.tabs] == list(TABS)
    assert len(page.get("plotly_chart")) == 2  # the window and its frames
    table = page.table[0].value
    assert list(table.columns) == [
        "Stage",
        "Output shape",
        "Parameters",
        "What it does",
    ]
    assert table["Stage"].iloc[-1] == "total"
    assert "ConvLSTM layer 2" in set(table["Stage"])
    assert page.get("graphviz_chart")


def test_cell_section_renders_equations_and_receptive_field(page: AppTest) -> None:
    open_tab(page, "The ConvLSTM cell")
    assert page.get("latex")
    assert "Forget gate" in texts(page)
    page.selectbox(key="hiw_kernel_size").set_value(5).run()
    assert not page.exception, page.exception
    assert "5x5" in texts(page)
    assert len(page.get("plotly_chart")) == 1


def test_train_and_look_inside(page: AppTest) -> None:
    open_tab(page, "Inside a trained model")
    assert "Train a model" in page.info[0].value
    page.number_input(key="hiw_epochs").set_value(2)
    button(page, "Train a model to look inside").click().run()
    assert not page.exception, page.exception
    assert "trained on this page" in texts(page)
    # on air_passengers the default start forecasts the mean of both starts: the
    # page says that the network shown is the one trained from scratch
    assert "trained on this page (the network trained from scratch" in texts(page)
    keys = {c.proto.id for c in page.get("plotly_chart")}
    assert len(keys) == 4  # losses, gates, saliency, forecast parts
    page.selectbox(key="hiw_gate_layer").set_value(1).run()
    assert not page.exception, page.exception
    page.selectbox(key="hiw_gate_channel").set_value(0).run()
    assert not page.exception, page.exception


def test_ablation_runs_with_tiny_settings(page: AppTest) -> None:
    open_tab(page, "Kernel sizes & ablation")
    page.number_input(key="hiw_ablation_epochs").set_value(1)
    page.checkbox(key="hiw_lstm").uncheck()
    button(page, "Run the comparison").click().run()
    assert not page.exception, page.exception
    table = page.dataframe[0].value
    assert "ConvLSTM k=5" in set(table["variant"])
    assert "no front-end" in set(table["variant"])
    assert "front-end" in texts(page)


def test_a_comparison_cut_off_by_leaving_its_tab_says_so_once(page: AppTest) -> None:
    from ui.how_it_works import ABLATION_RUN, RUNNING

    # a run leaves its mark while it runs; a click elsewhere ends the script
    # before the run clears it
    page.session_state[RUNNING] = ABLATION_RUN
    open_tab(page, "Kernel sizes & ablation")
    assert any("stopped when you left" in w.value for w in page.warning)
    open_tab(page, "Moving blob")
    open_tab(page, "Kernel sizes & ablation")
    assert not any("stopped when you left" in w.value for w in page.warning)
    # a run that ends clears it
    page.number_input(key="hiw_ablation_epochs").set_value(1)
    page.checkbox(key="hiw_lstm").uncheck()
    button(page, "Run the comparison").click().run()
    assert RUNNING not in page.session_state


def test_blob_demo_runs(page: AppTest) -> None:
    open_tab(page, "Moving blob")
    page.number_input(key="hiw_blob_steps").set_value(10)
    button(page, "Train the blob model").click().run()
    assert not page.exception, page.exception
    assert len(page.get("plotly_chart")) == 2  # animation and loss
    assert len(page.metric) == 3


def test_page_uses_the_apps_current_dataset() -> None:
    at = AppTest.from_string(HARNESS, default_timeout=120)
    at.session_state[ui.SOURCE] = ui.Source(kind="bundled", name="sunspots")
    at.run()
    assert not at.exception, at.exception
    assert ui.dataset_info("sunspots").title in texts(at)
    assert not [s for s in at.selectbox if s.key == "hiw_dataset"]


def test_a_series_too_short_to_teach_on_falls_back_to_a_bundled_one() -> None:
    # six months: Train & compare forecasts it (unscored), but this page trains
    # the network from scratch and says why it shows a bundled dataset instead
    csv = "month,sales\n" + "".join(f"2024-{m:02d},{90 + m}\n" for m in range(1, 7))
    at = AppTest.from_string(HARNESS, default_timeout=120)
    at.session_state[ui.SOURCE] = ui.Source(
        kind="upload",
        file_name="tiny.csv",
        data=csv.encode(),
        digest=hashlib.sha256(csv.encode()).hexdigest(),
    )
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    said = [i.value for i in at.info if "has 6 points; this page trains" in i.value]
    assert said and "needs at least" in said[0]
    assert [s for s in at.selectbox if s.key == "hiw_dataset"]


def test_a_series_without_a_season_is_explained_without_an_anchor() -> None:
    at = AppTest.from_string(HARNESS, default_timeout=120)
    at.session_state[ui.SOURCE] = ui.Source(kind="bundled", name="sunspots")
    at.run()
    at.number_input(key="hiw_hidden_size").set_value(4).run()
    open_tab(at, "Inside a trained model")
    at.number_input(key="hiw_epochs").set_value(1)
    button(at, "Train a model to look inside").click().run()
    assert not at.exception, at.exception
    text = texts(at)
    assert "gets no anchor" in text
    assert "the anchor makes" not in text


def test_page_is_registered_in_the_app() -> None:
    assert "pages/how_it_works.py" in [path for path, _, _ in ui.PAGE_SPECS]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/how_it_works.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value.endswith("How it works")


def test_uses_the_convlstm_from_train_and_compare() -> None:
    from types import SimpleNamespace

    from convlstm import ConvLSTMForecaster, datasets

    y = datasets.load("air_passengers")
    model = ConvLSTMForecaster(horizon=12, hidden_size=4, epochs=1).fit(y)
    at = AppTest.from_string(HARNESS, default_timeout=120)
    at.session_state[ui.SOURCE] = ui.Source(kind="bundled", name="air_passengers")
    at.session_state[ui.RESULT] = {
        "comparison": SimpleNamespace(fitted={"ConvLSTM": model}),
        "y": y,
        "data_key": "bundled:air_passengers",
    }
    at.session_state["hiw_tab"] = "Inside a trained model"
    at.run()
    assert not at.exception, at.exception
    assert "Train & compare" in texts(at)
    assert len(at.get("plotly_chart")) == 4


def test_its_settings_are_kept_across_pages(app: AppTest) -> None:
    # Streamlit forgot them when the user looked at another page and came back
    app.switch_page("pages/how_it_works.py").run()
    app.number_input(key="hiw_hidden_size").set_value(12).run()
    app.selectbox(key="hiw_kernel_size").set_value(5).run()
    app.switch_page("pages/data.py").run()
    app.switch_page("pages/how_it_works.py").run()
    assert not app.exception, app.exception
    assert app.number_input(key="hiw_hidden_size").value == 12
    assert app.selectbox(key="hiw_kernel_size").value == 5


def test_the_page_teaches_with_the_horizon_last_submitted_where_it_fits() -> None:
    from convlstm import datasets
    from ui.how_it_works import teaching_horizon

    y = datasets.load("air_passengers")
    assert teaching_horizon(y, 6, 12) == 6
    assert teaching_horizon(y, None, 12) == 12
    assert teaching_horizon(y, 200, 12) == 12  # too long to train on 144 points


def test_the_card_table_counts_the_training_parts_left_out_as_copies():
    """The column summed the fit's refusal messages under a "Dropped (hold test
    data)" label: 0 beside the 74 parts left out, and a crash had any been refused."""
    import copy

    from convlstm.pretrained import load_card
    from ui.how_it_works import card_table

    card = load_card()
    column = "Left out (copies of held-out data)"
    table = card_table(card).set_index("Network")[column]
    assert table.sum() == 74  # convlstm/pretrain/left_out.json
    assert table.min() == 0 and table.max() > 30  # synthetic-only families: none
    refused = copy.deepcopy(card)
    for family in refused["families"].values():
        family["corpus"]["left_out"] = {"M3:N0001": "too short"}
    assert card_table(refused)[column].sum() == 74
