"""AppTest checks of the ConvLSTM's start (scratch or the pretrained network) on
Train & compare, and of the How it works section on the pretrained network."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui
from convlstm.pretrained import FAMILY_OF_SEASON, family_words, load_card

ROOT = Path(__file__).resolve().parents[2]
TINY = {"hidden_size": 8, "epochs": 2, "folds": 1, "num_layers": 1}
HARNESS = f"""
import streamlit as st
st.set_page_config(layout="wide")
st.navigation([st.Page({str(ROOT / "pages" / "how_it_works.py")!r},
                        title="How it works")]).run()
"""


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts + [i.value for i in at.info])


def test_start_defaults_to_auto_and_maps_to_the_convlstm_only() -> None:
    values = {"seed": 0, "lookback": 0, "epochs": 2, ui.START: "zero-shot"}
    default = ui.compare_params({k: v for k, v in values.items() if k != ui.START})
    assert default["ConvLSTM"] == {"epochs": 2, "init": "auto"}
    assert ui.start_of(default, "ConvLSTM") == "auto"
    assert ui.start_of({}, "ConvLSTM") == "auto"
    params = ui.compare_params(values)
    assert params["ConvLSTM"]["init"] == "pretrained"
    assert params["ConvLSTM"]["fine_tune"] is False
    assert "init" not in params.get("LSTM", {})
    assert ui.start_of(params, "ConvLSTM") == "zero-shot"
    scratch = ui.compare_params({**values, ui.START: "scratch"})
    assert ui.start_of(scratch, "ConvLSTM") == "scratch"
    assert ui.pretrained_models() == ("ConvLSTM",)


@pytest.mark.parametrize("start", ["fine-tuned"])
def test_pretrained_start_trains_and_is_recorded(
    app: AppTest, start: str, wait_for_training
) -> None:
    _open(app, "pages/data.py")
    app.selectbox(key="dataset").set_value("air_passengers").run()
    _open(app, "pages/compare.py")
    control = app.radio(key=ui.START)
    assert control.value == "auto"
    assert control.label == "ConvLSTM starts from"
    assert "bench/RESULTS.md" in control.help
    for key, value in TINY.items():
        app.number_input(key=key).set_value(value)
    app.multiselect(key="models").set_value(["ConvLSTM"])
    control.set_value(start)
    app.form_submit_button[0].click()
    app.run(timeout=240)
    wait_for_training(app)
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    result = app.session_state[ui.RESULT]
    assert result["params"]["ConvLSTM"]["init"] == "pretrained"
    assert ui.start_of(ui.model_params(result["params"]), "ConvLSTM") == start
    fitted = result["comparison"].fitted["ConvLSTM"]
    assert fitted.get_params()["init"] == "pretrained"
    # monthly: the pretrained family exists; the form's tiny network is not its own
    assert fitted.init_note_.startswith("the pretrained network keeps the shape")
    assert "num_layers=1" in fitted.init_note_
    assert "ConvLSTM started from the pretrained network (fine-tuned)." in _texts(app)
    assert any("MAE" in f.value.columns for f in app.dataframe)


def test_a_panel_run_over_all_series_says_what_its_start_means(app: AppTest) -> None:
    _open(app, "pages/data.py")
    app.selectbox(key="dataset").set_value("us_macro").run()
    _open(app, "pages/compare.py")
    assert app.radio(key=ui.panel_results.SCOPE).value == "all"
    control = app.radio(key=ui.START)
    assert not control.disabled
    assert control.value == "auto"
    assert "both (their mean)" in control.options
    assert "the mean of the two" in _texts(app)


def test_how_it_works_shows_the_model_card_and_both_forecasts() -> None:
    at = AppTest.from_string(HARNESS, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    at.session_state["hiw_tab"] = "Pretrained network"
    at.run()
    assert not at.exception, at.exception
    assert "Starting from a network trained on thousands of series" in [
        s.value for s in at.subheader
    ]
    # the card in two narrow tables (eleven columns in one needed a scroll)
    uses, card = (f.value for f in at.dataframe if "Network" in f.value.columns)
    assert len(uses.columns) == 6 and len(card.columns) == 7
    # how many nets each network averages, as its card says
    nets = {f: int(e.get("members") or 1) for f, e in load_card()["families"].items()}
    assert list(uses["Nets averaged"]) == list(nets.values())
    assert nets["monthly"] == 3 and nets["daily"] == 1
    assert "three nets trained apart" in _texts(at)
    assert list(uses["Network"]) == list(card["Network"])
    assert list(card["Network"]) == [family_words(f) for f in FAMILY_OF_SEASON.values()]
    assert (card["Series learned from"] > 1000).all()
    # each network's own build, not the last build's command for all of them
    assert card["Built (code)"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \(\w+\)").all()
    assert card["Built (code)"].nunique() > 1
    assert not any("Last built by" in c.value for c in at.caption)
    text = _texts(at)
    assert "Tourism" in text and "left out" in text.lower()
    assert "zero-shot" in text and "fine-tuned" in text
    chart = next(
        c
        for c in at.get("plotly_chart")
        if c.proto.id.endswith("-hiw_pretrained_chart")
    )
    assert '"zero-shot"' in chart.proto.spec and '"fine-tuned"' in chart.proto.spec
    # the fine-tune loss curve beside it, epoch 0 being the pretrained weights
    loss = next(
        c
        for c in at.get("plotly_chart")
        if c.proto.id.endswith("-hiw_finetune_loss_chart")
    )
    assert '"fine-tuning validation"' in loss.proto.spec
    assert "Fine-tuning: loss per epoch" in text
    assert "epoch 0 is the pretrained network as shipped" in text
    assert "were kept" in text


def _show_start_with_note() -> None:
    from types import SimpleNamespace

    import pandas as pd

    from ui.results import show_start

    note = (
        "no pretrained network for a season of 5 steps (pretrained: 1, 4, 7, 12, "
        "24, 52): trained from scratch"
    )
    cmp = SimpleNamespace(
        summary=pd.DataFrame(index=["ConvLSTM"]),
        fitted={"ConvLSTM": SimpleNamespace(init_note_=note)},
    )
    params = {"ConvLSTM": {"init": "pretrained", "fine_tune": True}}
    show_start({"comparison": cmp, "params": params})


def test_a_season_without_a_pretrained_network_is_noted() -> None:
    at = AppTest.from_function(_show_start_with_note, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert "ConvLSTM started from the pretrained network (fine-tuned)." in _texts(at)
    assert any(
        "season of 5 steps" in i.value and "trained from scratch" in i.value
        for i in at.info
    )
