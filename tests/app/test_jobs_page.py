"""Training as a job on the compare page: it survives navigation, its results land in
its own session only, earlier runs can be reopened, a vanished job is reported."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

import ui

ROOT = Path(__file__).resolve().parents[2]


def compare_page(dataset: str = "air_passengers") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="dataset").set_value(dataset).run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest, models: list[str], horizon: int, folds: int = 1) -> None:
    at.multiselect(key="models").set_value(models)
    at.number_input(key="horizon").set_value(horizon)
    at.number_input(key="folds").set_value(folds)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception


def submitted_job(at: AppTest):
    """This session's newest job on the executor (its page may already have
    collected it when the model is quick, taking ``ui.JOB`` away)."""
    jobs = ui.executor().jobs(at.session_state[ui.OWNER])
    assert jobs, "no job was submitted"
    return max(jobs, key=lambda j: j.submitted)


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def test_results_land_after_visiting_another_page(wait_for_training) -> None:
    at = compare_page()
    submit(at, ["Seasonal naive", "Theta"], horizon=6, folds=2)
    job = submitted_job(at)  # training runs beside the page
    at.switch_page("pages/data.py").run()
    assert job.wait(240)
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert "stopped" not in warnings(at)
    result = at.session_state[ui.RESULT]
    assert set(result["comparison"].summary.index) == {"Seasonal naive", "Theta"}
    assert result["params"]["horizon"] == 6
    assert ui.JOB not in at.session_state


def test_run_history_reopens_an_earlier_run(wait_for_training) -> None:
    at = compare_page()
    submit(at, ["Seasonal naive"], horizon=6)
    wait_for_training(at)
    submit(at, ["Naive"], horizon=3)
    wait_for_training(at)
    assert set(at.session_state[ui.RESULT]["comparison"].summary.index) == {"Naive"}
    assert "Earlier runs (2)" in [e.label for e in at.expander]
    history = next(d.value for d in at.dataframe if "Best" in d.value.columns)
    assert history["Models"].tolist() == ["Naive", "Seasonal naive"]
    assert history["Shown"].tolist() == [True, False]
    at.selectbox(key="history_pick").set_value(1).run()
    at.button(key="history_open").click().run()
    assert not at.exception, at.exception
    reopened = at.session_state[ui.RESULT]
    assert set(reopened["comparison"].summary.index) == {"Seasonal naive"}
    assert reopened["params"]["horizon"] == 6


def test_a_session_cannot_see_or_stop_another_sessions_job(wait_for_training) -> None:
    alice = compare_page()
    submit(alice, ["Seasonal naive"], horizon=6)
    meta = submitted_job(alice).meta["job"]
    # Bob somehow holds Alice's job id: under his own owner token it is unknown
    bob = compare_page()
    bob.session_state[ui.JOB] = dict(meta)
    bob.run()
    assert not bob.exception, bob.exception
    assert "lost" in warnings(bob)
    assert ui.RESULT not in bob.session_state
    assert not ui.executor().cancel(meta["id"], bob.session_state[ui.OWNER])
    wait_for_training(alice)
    assert set(alice.session_state[ui.RESULT]["comparison"].summary.index) == {
        "Seasonal naive"
    }


def test_a_job_the_executor_no_longer_knows_is_reported_lost() -> None:
    at = compare_page()
    at.session_state[ui.JOB] = {"id": "from-before-the-restart"}
    at.run()
    assert not at.exception, at.exception
    assert "server restarted" in warnings(at)
    assert "stopped" not in warnings(at)
    assert ui.RESULT not in at.session_state


def test_a_reloaded_tab_finds_its_run_and_data_again(wait_for_training) -> None:
    at = compare_page("co2")
    token = at.session_state[ui.OWNER]
    assert at.query_params[ui.jobs.LINK_PARAM] == token  # in the page's address
    submit(at, ["Seasonal naive", "Theta"], horizon=6, folds=2)
    job_id = submitted_job(at).id
    # the reload: a new session on the same address (its token, nothing else)
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.query_params[ui.jobs.LINK_PARAM] = token
    again.run()
    assert not again.exception, again.exception
    assert again.session_state[ui.OWNER] == token
    assert again.session_state[ui.SOURCE]["name"] == "co2"
    state = again.session_state
    # still training, or already collected by the sidebar's look at it
    assert (ui.JOB in state and state[ui.JOB]["id"] == job_id) or (
        state[ui.RESULT]["run_id"] == job_id[:8]
    )
    again.switch_page("pages/compare.py").run()
    wait_for_training(again)
    result = again.session_state[ui.RESULT]
    assert set(result["comparison"].summary.index) == {"Seasonal naive", "Theta"}
    assert result["params"]["horizon"] == 6
    # a second reload shows the same result again
    third = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    third.query_params[ui.jobs.LINK_PARAM] = token
    third.run()
    third.switch_page("pages/compare.py").run()
    wait_for_training(third)
    assert third.session_state[ui.RESULT]["run_id"] == result["run_id"]


def test_a_reload_right_after_submitting_gets_the_runs_settings(
    wait_for_training,
) -> None:
    # the page may not rerun before the user reloads: the settings are kept
    # for the reload as the run is submitted, not at the next rerun
    at = compare_page("co2")
    token = at.session_state[ui.OWNER]
    submit(at, ["Seasonal naive"], horizon=7, folds=2)
    kept = ui.jobs._choices()["by_token"][token]["form"]
    assert (kept["horizon"], kept["folds"]) == (7, 2)
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.query_params[ui.jobs.LINK_PARAM] = token
    again.run()
    assert again.session_state[ui.PARAMS]["horizon"] == 7
    wait_for_training(again)


def test_a_made_up_token_in_the_address_is_not_adopted() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params[ui.jobs.LINK_PARAM] = "<script>"
    at.run()
    assert at.session_state[ui.OWNER] != "<script>"
    assert ui.JOB not in at.session_state


def test_the_idle_timeout_may_be_set_but_not_below_ten_seconds(monkeypatch) -> None:
    for value, expected in (("60", 60.0), ("3", 300.0), ("soon", 300.0)):
        monkeypatch.setenv("CONVLSTM_IDLE_TIMEOUT", value)
        assert ui.jobs.idle_timeout() == expected


def _reload(token: str) -> AppTest:
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.query_params[ui.jobs.LINK_PARAM] = token
    again.run()
    assert not again.exception, again.exception
    return again


def test_a_reload_after_a_stopped_run_shows_the_last_result_and_the_data_now(
    wait_for_training,
) -> None:
    at = compare_page("co2")
    token = at.session_state[ui.OWNER]
    submit(at, ["Seasonal naive"], horizon=6)
    wait_for_training(at)
    shown = at.session_state[ui.RESULT]["run_id"]
    submit(at, ["ARIMA", "ETS", "Theta"], horizon=6, folds=3)
    stopped = submitted_job(at).id
    assert ui.executor().cancel(stopped, token)  # the Stop button
    ui.executor().get(stopped, token).wait(120)
    at.run()  # collects the stopped run: no new result
    at.switch_page("pages/data.py").run()
    at.selectbox(key="dataset").set_value("beer").run()  # data chosen after the run
    again = _reload(token)
    assert again.session_state[ui.SOURCE]["name"] == "beer"
    again.switch_page("pages/compare.py").run()
    wait_for_training(again)
    assert again.session_state[ui.RESULT]["run_id"] == shown
    assert "stopped" not in warnings(again)


def test_a_run_stopped_for_want_of_a_watcher_is_said_after_a_reload(
    wait_for_training,
) -> None:
    # the tab was closed (a laptop lid): the executor stopped the run after its
    # idle limit, and the reopened address showed nothing about it
    at = compare_page("electricity")
    token = at.session_state[ui.OWNER]
    submit(at, ["ARIMA", "ETS", "Theta"], horizon=48, folds=3)
    job = submitted_job(at)
    ex = ui.executor()
    limit = ex.idle_timeout
    with ex._lock:  # as its clock would, once the limit passed unwatched
        ex._cancel_unseen(time.time() + 10 * (limit or 300))
    job.wait(120)
    again = _reload(token)
    again.switch_page("pages/compare.py").run()
    wait_for_training(again)
    errors = " ".join(e.value for e in again.error)
    assert "nobody had looked at it" in errors and "Train again" in errors


def test_a_link_open_in_another_tab_gives_a_new_session_not_that_one(
    wait_for_training, monkeypatch
) -> None:
    at = compare_page("co2")
    token = at.session_state[ui.OWNER]
    submit(at, ["Seasonal naive"], horizon=6)
    wait_for_training(at)
    monkeypatch.setattr(ui.jobs, "_session_active", lambda session_id: True)
    other = _reload(token)
    assert other.session_state[ui.OWNER] != token
    assert other.query_params[ui.jobs.LINK_PARAM] == other.session_state[ui.OWNER]
    assert ui.SOURCE not in other.session_state and ui.JOB not in other.session_state
    assert any("open in another tab" in t.value for t in other.toast)


def test_a_reloaded_tab_keeps_its_earlier_runs(wait_for_training) -> None:
    at = compare_page()
    token = at.session_state[ui.OWNER]
    submit(at, ["Seasonal naive"], horizon=6)
    wait_for_training(at)
    submit(at, ["Naive"], horizon=3)
    wait_for_training(at)
    at.run()  # a look at the page after the run (keeps the history for a reload)
    again = _reload(token)
    again.switch_page("pages/compare.py").run()
    wait_for_training(again)
    assert not again.exception, again.exception
    runs = again.session_state[ui.HISTORY]
    assert [set(r["comparison"].summary.index) for r in runs] == [
        {"Naive"},
        {"Seasonal naive"},
    ]
    assert again.session_state[ui.RESULT]["run_id"] == runs[0]["run_id"]
    # the runs can be told apart in the picker
    labels = again.selectbox(key="history_pick").options
    assert labels[0].startswith("Run 2 · ") and "1 model, horizon 3" in labels[0]
    assert labels[1].startswith("Run 1 · ") and "horizon 6" in labels[1]
    assert "Earlier runs (2)" in [e.label for e in again.expander]


def test_the_history_says_which_start_a_run_used() -> None:
    from types import SimpleNamespace

    import pandas as pd

    cmp = SimpleNamespace(
        summary=pd.DataFrame(index=["ConvLSTM", "ETS"]),
        fitted={"ConvLSTM": SimpleNamespace(start_="scratch")},
    )
    run = {"comparison": cmp, "params": {}}
    assert ui.jobs.run_start(run, "ConvLSTM") == "auto: scratch"
    assert ui.jobs.run_start(run, "LSTM") == "-"
    cmp.fitted = {}  # an older run, or a model not kept: its setting
    assert ui.jobs.run_start(run, "ConvLSTM") == "auto"


def _in_order(at: AppTest) -> list:
    """The page's elements top to bottom."""

    def walk(node, out):
        for child in getattr(node, "children", {}).values():
            out.append(child)
            walk(child, out)
        return out

    return walk(at.main, [])


def test_the_run_and_a_link_to_its_results_come_before_the_form(
    wait_for_training,
) -> None:
    # the form fills the first screens of a phone: what is going on shows above it
    at = compare_page()
    submit(at, ["Seasonal naive", "Theta"], horizon=6)
    kinds = [type(e).__name__ for e in _in_order(at)]
    assert ui.JOB in at.session_state
    assert "Progress" in kinds[: kinds.index("Multiselect")]  # the live panel
    wait_for_training(at)
    order = _in_order(at)
    names = [type(e).__name__ for e in order]
    form = names.index("Multiselect")
    jump = [
        e.value
        for e in order[:form]
        if type(e).__name__ == "Markdown" and "#results" in e.value
    ]
    assert len(jump) == 1
    assert (
        "best on the backtest: **Theta**" in jump[0]
        or "**Seasonal naive**" in (jump[0])
    )
    header = next(e for e in order if type(e).__name__ == "Header")
    assert header.value == "Results" and header.proto.anchor == "results"


def test_a_run_lost_with_the_server_is_said_after_the_restart(
    monkeypatch, tmp_path, wait_for_training
) -> None:
    import json

    monkeypatch.setenv("CONVLSTM_STATE_DIR", str(tmp_path))
    # the journal notes a run in flight and forgets it once it has landed
    at = compare_page()
    token = at.session_state[ui.OWNER]
    submit(at, ["Naive"], horizon=3)
    note = json.loads((tmp_path / f"{token}.json").read_text())
    assert note["label"] == "Airline passengers" and note["server"] == ui.jobs.SERVER
    wait_for_training(at)
    assert not (tmp_path / f"{token}.json").exists()
    # a run noted by a server process that has since ended: the restart wiped the
    # sessions and the executor, so the reloaded tab hears it from the journal
    lost = "A" * 22
    (tmp_path / f"{lost}.json").write_text(
        json.dumps({"label": "shop.csv", "started": time.time(), "server": "1-2"})
    )
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.query_params[ui.jobs.LINK_PARAM] = lost
    again.run()
    assert not again.exception, again.exception
    said = warnings(again)
    assert "The server restarted while your training on **shop.csv** ran" in said
    assert "choose the data again" in said
    assert not (tmp_path / f"{lost}.json").exists()  # read once
    again.switch_page("pages/data.py").run()  # still said on the next runs
    assert "server restarted" in warnings(again)
    again.session_state[ui.jobs._LOST_SINCE] -= ui.jobs.LOST_NOTICE_FOR + 1
    again.switch_page("pages/home.py").run()  # for a while
    assert "server restarted" not in warnings(again)
    # a note of this same process is no restart (the run ended unwatched)
    mine = "B" * 22
    (tmp_path / f"{mine}.json").write_text(
        json.dumps({"label": "x", "started": time.time(), "server": ui.jobs.SERVER})
    )
    third = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    third.query_params[ui.jobs.LINK_PARAM] = mine
    third.run()
    assert "server restarted" not in warnings(third)
