"""AppTest checks of Train & compare on a panel: the choice between all series and
the chosen one, a run over all series of the bundled panel with fast models, its
leaderboard and per-series table, kept across pages."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from tests.app.helpers import upload_and_train

FAST = ["Naive", "Seasonal naive", "Theta"]


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _leaderboard(at: AppTest) -> pd.DataFrame:
    return next(f.value for f in at.dataframe if "mean_mase" in f.value.columns)


def _bundled_panel(app: AppTest) -> AppTest:
    _open(app, "pages/data.py")
    app.selectbox(key="dataset").set_value("us_macro").run()
    assert not app.exception, app.exception
    return _open(app, "pages/compare.py")


def test_panel_offers_all_series_or_the_chosen_one(app: AppTest) -> None:
    _bundled_panel(app)
    scope = app.radio(key=ui.panel_results.SCOPE)
    assert scope.value == "all"
    assert "All 5 series (one global run)" in scope.options[0]
    assert "GDP" in scope.options[1]
    assert any("all 5 series in one run" in c.value for c in app.caption)
    assert any("all 5 series" in c.value for c in app.caption)
    scope.set_value("one").run()
    assert not app.exception, app.exception
    assert any("203 points" in c.value for c in app.caption)


def test_a_reload_during_a_run_on_one_series_keeps_that_choice(app: AppTest) -> None:
    # a reloaded tab has no scope and, while the run goes, no result to match:
    # the settings last submitted (for the chosen series) decide, not "all"
    _open(app, "pages/data.py")
    app.selectbox(key="dataset").set_value("us_macro").run()
    key = ui.source_key(app.session_state[ui.SOURCE])
    app.session_state[ui.PARAMS] = {"horizon": 5, "data_key": key}
    _open(app, "pages/compare.py")
    assert app.radio(key=ui.panel_results.SCOPE).value == "one"
    assert app.number_input(key="horizon").value == 5


def test_train_all_series_shows_leaderboard_and_per_series_table(
    app: AppTest, wait_for_training
) -> None:
    _bundled_panel(app)
    app.number_input(key="folds").set_value(1)
    app.multiselect(key="models").set_value(FAST)
    app.checkbox(key=ui.FLOOR).check()  # never below zero
    app.form_submit_button[0].click()
    app.run()
    wait_for_training(app)
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    result = app.session_state[ui.RESULT]
    assert result["kind"] == "panel"
    # the floor is said under the leaderboard, not only among the notes
    assert result["comparison"].floor == 0.0
    assert any("is raised to 0" in c.value for c in app.caption)
    assert result["comparison"].horizon == app.number_input(key="horizon").value
    board = _leaderboard(app)
    assert "mean_mase" in board.columns
    assert sorted(m.removeprefix("★ ") for m in board.index) == sorted(FAST)
    assert sum(m.startswith("★ ") for m in board.index) == 1
    assert "Prediction intervals: measured coverage" in [e.label for e in app.expander]
    # one fold: nothing later to check the intervals on, and it says so
    assert any("needs at least 2 folds" in c.value for c in app.caption)
    table = app.dataframe(key="panel_series_table").value
    assert len(table) == 5 and set(FAST) <= set(table.columns)
    assert "**Series GDP**" in [m.value for m in app.markdown]
    assert app.get("plotly_chart")
    labels = {b.label for b in app.get("download_button")}
    assert "Forecasts, all series (CSV)" in labels
    # kept in the session: another page and back, and the sidebar names the best
    _open(app, "pages/data.py")
    _open(app, "pages/compare.py")
    assert len(_leaderboard(app)) == len(FAST)
    assert any("mean MASE" in m.value for m in app.sidebar.markdown)
    # the chosen series alone: the results over all series say they are not it
    assert not any("only the chosen series" in i.value for i in app.info)
    app.radio(key=ui.panel_results.SCOPE).set_value("one").run()
    assert any("**only the chosen series** is selected" in i.value for i in app.info)


def test_the_convlstm_trains_one_network_on_all_series(
    app: AppTest, wait_for_training
) -> None:
    _bundled_panel(app)
    app.number_input(key="folds").set_value(1)
    app.multiselect(key="models").set_value(["ConvLSTM", "Seasonal naive"])
    app.form_submit_button[0].click()
    app.run()
    wait_for_training(app)
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    comparison = app.session_state[ui.RESULT]["comparison"]
    assert comparison.failed.get("ConvLSTM", {}) == {}
    # the header names the network that ran: one over a panel is widened to 16
    hidden = app.number_input(key="hidden_size").value
    assert hidden < 16
    header = next(c.value for c in app.caption if "trained on **" in c.value)
    assert "hidden 16" in header and f"hidden {hidden}," not in header
    board = _leaderboard(app)
    convlstm = next(m for m in board.index if m.endswith("ConvLSTM"))
    assert board.loc[convlstm, "series"] == 5
    future = comparison.future
    assert set(future.loc[future["model"] == "ConvLSTM", "series"]) == set(
        comparison.series
    )
    # the global net downloads as a bundle that forecasts every series again
    assert "Model bundle (ZIP)" in {b.label for b in app.get("download_button")}
    from convlstm.models.persistence import bundle_model, load_model

    again = load_model(bundle_model(comparison.fitted["ConvLSTM"])).predict()
    mine = future.loc[future["model"] == "ConvLSTM"]
    assert list(again["series"]) == list(mine["series"])
    assert again["forecast"].to_numpy() == pytest.approx(mine["forecast"].to_numpy())


def test_a_panel_of_tiny_series_gets_a_forecast_only(
    app: AppTest, wait_for_training
) -> None:
    # five stores of six months: too short to score, still forecast, no leaderboard
    csv = "store,month,sales\n" + "".join(
        f"s{s},2024-{m:02d},{50 + 10 * s + 2 * m}\n"
        for s in range(5)
        for m in range(1, 7)
    )
    upload_and_train(app, wait_for_training, csv, ["ConvLSTM", "ETS", "Naive"])
    assert app.number_input(key="folds").value == 0
    comparison = app.session_state[ui.RESULT]["comparison"]
    assert set(comparison.future["model"]) == {"ConvLSTM", "ETS", "Naive"}
    assert any(
        n.startswith("ConvLSTM: started from the pretrained") for n in comparison.notes
    )
    assert app.session_state[ui.RESULT]["kind"] == "panel"
    assert any(i.value.startswith("**A forecast only") for i in app.info)
    assert not [f for f in app.dataframe if "mean_mase" in f.value.columns]
    assert app.selectbox(key="panel_unscored_series").options == [
        f"s{s}" for s in range(5)
    ]
    assert app.get("plotly_chart")
    _open(app, "pages/compare.py")  # the sidebar drew before the result landed
    assert any(
        "A forecast only, unscored (5 series)" in m.value for m in app.sidebar.markdown
    )


def test_a_run_over_all_series_takes_its_form_from_the_panel(app: AppTest) -> None:
    # the series chosen on the Data page (the first, four months) bounded the
    # form of a run over all series: horizon 3 at most 4, no fold, so the run
    # was a forecast only though the others hold three years
    csv = "store,month,sales\n" + "".join(
        f"{s},{2021 + m // 12}-{m % 12 + 1:02d},{50 + 10 * k + m % 12}\n"
        for k, s in enumerate(("a_short", "b", "c"))
        for m in range(4 if s == "a_short" else 36)
    )
    from tests.app.helpers import upload

    upload(app, "stores.csv", csv.encode())
    assert app.session_state[ui.SOURCE]["series"] == "a_short"
    _open(app, "pages/compare.py")
    assert app.radio(key=ui.panel_results.SCOPE).value == "all"
    horizon = app.number_input(key="horizon")
    assert horizon.value == 12 and horizon.max >= 36
    assert app.number_input(key="folds").value == 1
    app.radio(key=ui.panel_results.SCOPE).set_value("one").run()
    assert app.number_input(key="horizon").max == 4


def test_a_result_of_the_chosen_series_keeps_its_scope_across_pages(
    app: AppTest, wait_for_training
) -> None:
    _bundled_panel(app)
    app.radio(key=ui.panel_results.SCOPE).set_value("one").run()
    app.number_input(key="folds").set_value(1)
    app.multiselect(key="models").set_value(["Naive"])
    app.form_submit_button[0].click()
    app.run()
    wait_for_training(app)
    assert app.session_state[ui.RESULT].get("kind") != "panel"
    _open(app, "pages/data.py")
    _open(app, "pages/compare.py")
    # the radio is drawn afresh: it follows the result shown, not its default
    assert app.radio(key=ui.panel_results.SCOPE).value == "one"
    assert not any("not the data chosen now" in i.value for i in app.info)


def test_a_panel_over_the_sample_says_so_in_its_choice(app: AppTest) -> None:
    from tests.app.helpers import upload

    rows = "".join(
        f"s{k},2024-01-{d:02d},{k + d}\n" for k in range(210) for d in range(1, 21)
    )
    upload(app, "many.csv", ("store,date,value\n" + rows).encode())
    _open(app, "pages/compare.py")
    label = app.radio(key=ui.panel_results.SCOPE).options[0]
    assert f"a random {ui.PANEL_SAMPLE} of the 210" in label


def test_never_below_zero_is_not_kept_ticked_for_series_below_zero(
    app: AppTest, wait_for_training
) -> None:
    from tests.app.helpers import upload

    # 'mug' never goes below zero; 'scarf' has returns (-3)
    rows = "".join(
        f"{item},2024-{m:02d}-01,{v}\n"
        for item, values in (("mug", [5, 4, 6, 3] * 6), ("scarf", [2, -3, 4, 1] * 6))
        for m, v in zip(range(1, 25), values, strict=False)
        if m <= 12
    ) + "".join(
        f"{item},2025-{m:02d}-01,{v}\n"
        for item, values in (("mug", [5, 4, 6, 3] * 3), ("scarf", [2, -3, 4, 1] * 3))
        for m, v in zip(range(1, 13), values, strict=True)
    )
    upload(app, "returns.csv", ("item,month,units\n" + rows).encode())
    _open(app, "pages/compare.py")
    app.radio(key=ui.panel_results.SCOPE).set_value("one").run()  # mug
    box = app.checkbox(key=ui.FLOOR)
    assert not box.disabled
    box.check()
    app.multiselect(key="models").set_value(["Naive"])
    app.form_submit_button[0].click()
    app.run()
    wait_for_training(app)
    assert app.session_state[ui.RESULT]["comparison"].floor == 0.0
    # over all series (scarf goes below zero): not offered, and not shown ticked
    app.radio(key=ui.panel_results.SCOPE).set_value("all").run()
    box = app.checkbox(key=ui.FLOOR)
    assert box.disabled and not box.value
