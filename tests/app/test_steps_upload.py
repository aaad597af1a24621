"""AppTest checks of the Data page's *Steps* and *Rows in one step*: an event log
that the reader refuses as irregular becomes a daily series once a step is chosen,
the column pickers show the reader's pick again, the sum and the count change the
series, and Train & compare sees the series as read."""

from __future__ import annotations

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

import ui
from tests.app.helpers import upload


def _events_csv() -> bytes:
    rng = np.random.default_rng(0)
    t = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.sort(rng.uniform(0, 90 * 86400, 900)), unit="s"
    )
    frame = pd.DataFrame({"timestamp": t.strftime("%Y-%m-%d %H:%M:%S")})
    frame["amount"] = rng.gamma(2, 20, len(t)).round(2)
    return frame.to_csv(index=False).encode()


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_an_event_log_reads_in_daily_steps(app: AppTest) -> None:
    upload(app, "events.csv", _events_csv(), check=False)
    assert any("irregular" in e.value and "Steps" in e.value for e in app.error)
    app.selectbox(key="step").set_value("daily").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert _metrics(app)["Points"] == "90" and _metrics(app)["Frequency"] == "daily"
    assert app.selectbox(key="time_col").value == "timestamp"
    assert app.selectbox(key="value_col").value == "amount"
    notes = "\n".join(m.value for m in app.markdown)
    assert "averaged the 900 rows in daily steps" in notes
    mean_key = ui.source_key(app.session_state[ui.SOURCE])
    app.selectbox(key="agg").set_value("sum").run()
    assert not app.exception, app.exception
    assert "summed the 900 rows" in "\n".join(m.value for m in app.markdown)
    sidebar = [m.value for m in app.sidebar.markdown]
    assert any("daily sums" in m for m in sidebar), sidebar
    # results of the mean are not taken for the sum's
    assert ui.source_key(app.session_state[ui.SOURCE]) != mean_key
    app.selectbox(key="agg").set_value("count").run()
    counts = next(f.value for f in app.dataframe if "amount" in f.value.columns)
    assert counts["amount"].sum() == 900
    # Train & compare reads the same series.
    app.switch_page("pages/compare.py").run()
    assert not app.exception, app.exception
    texts = [c.value for c in app.caption] + [m.value for m in app.markdown]
    assert any("90 points" in t for t in texts), texts


def test_a_bundled_dataset_reads_in_longer_steps(app: AppTest) -> None:
    app.switch_page("pages/data.py").run()
    app.selectbox(key="dataset").set_value("electricity").run()
    assert _metrics(app)["Points"] == "4,032"
    app.selectbox(key="step").set_value("daily").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert _metrics(app)["Points"] == "84" and _metrics(app)["Frequency"] == "daily"
    src = app.session_state[ui.SOURCE]
    assert src["step"] == "daily" and ui.protocol_name(src) is None
    assert "(for its own steps)" in "\n".join(c.value for c in app.caption)
    # Train & compare offers an upload's defaults, not the half-hourly protocol
    app.switch_page("pages/compare.py").run()
    assert not app.exception, app.exception
    assert app.number_input(key="horizon").value == 7
    assert any("daily means" in m.value for m in app.sidebar.markdown)
    # A bundled panel too: every series in yearly steps
    app.switch_page("pages/data.py").run()
    app.selectbox(key="dataset").set_value("us_macro").run()
    assert app.selectbox(key="step").value == ui.OWN_STEPS  # new data: its own
    app.selectbox(key="step").set_value("yearly").run()
    assert not app.exception, app.exception
    assert _metrics(app)["Frequency"].startswith("yearly")


def test_an_event_log_of_several_stores_becomes_a_panel_in_steps(app: AppTest) -> None:
    rng = np.random.default_rng(0)
    seconds = np.sort(rng.choice(60 * 86400, 900, replace=False))
    t = pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds, unit="s")
    frame = pd.DataFrame({"sold_at": t.strftime("%Y-%m-%d %H:%M:%S")})
    frame["store"] = rng.choice(["north", "south", "east"], len(t))
    frame["amount"] = 1.0
    upload(app, "stores_log.csv", frame.to_csv(index=False).encode(), check=False)
    assert app.error  # irregular times, until a step is chosen
    app.selectbox(key="step").set_value("daily").run()
    app.selectbox(key="agg").set_value("count").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert _metrics(app)["Series"] == "3"
    # the id picker shows the reader's pick of the read that now works
    assert app.multiselect(key="id_cols").value == ["store"]
    table = next(f.value for f in app.dataframe if "points" in f.value.columns)
    assert sorted(table["series"]) == ["east", "north", "south"]
