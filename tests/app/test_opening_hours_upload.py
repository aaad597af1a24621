"""AppTest checks of hourly uploads in opening hours on the Data page: a shop's
hours are read as a session, and a file of shops with different hours offers the
step that holds them all, which reads it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app.helpers import train, upload
from tests.unit.test_closed_hours import _shop
from tests.unit.test_opening_hours import EVERY_DAY, _at, _readings, _sales


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _read_in_the_offered_hours(app: AppTest, words: str, step: str) -> dict:
    """Click the Data page's button that reads a refused upload in the hourly
    steps the message offers (``words``: their hours): the upload then reads in
    ``step``; returns the metrics shown."""
    button = next(b for b in app.button if "Read the data in hourly steps" in b.label)
    assert words in button.label
    button.click().run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.selectbox(key="step").value == step
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Frequency"] == "opening hours"
    return metrics


def test_a_shop_upload_reads_its_opening_hours(app: AppTest) -> None:
    upload(app, "shop.csv", _csv(_readings(10, 20, EVERY_DAY, weeks=4)))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Frequency"] == "opening hours"
    assert metrics["Season length"].startswith("10")
    shown = " ".join(str(m.value) for m in app.markdown).replace("\\", "")
    assert "read the readings as opening hours (10:00-20:00 every day" in shown


def test_shops_with_different_hours_are_read_in_hours_that_hold_them_all(
    app: AppTest,
) -> None:
    shops = []
    for name, (start, end, days) in {
        "a": (10, 20, EVERY_DAY),
        "b": (9, 21, EVERY_DAY),
        "c": (10, 20, (0, 1, 2, 3, 4, 5)),
    }.items():
        shops.append(_readings(start, end, days, weeks=4).assign(shop=name))
    upload(app, "shops.csv", _csv(pd.concat(shops)), check=False)
    assert not app.exception, app.exception
    assert any("do not share one frequency" in e.value for e in app.error)
    _read_in_the_offered_hours(app, "09:00-21:00 every day", "cbh(09:00-21:00 Mon-Sun)")
    # the data's label says the step
    shown = " ".join(m.value for m in app.sidebar.markdown).replace("\\", "")
    assert "shops.csv · hourly (09:00-21:00 every day) means" in shown


def test_a_shop_closed_on_sundays_reads_in_six_day_weeks(app: AppTest) -> None:
    dates = pd.date_range("2023-01-02", periods=120, freq="D")
    dates = dates[dates.day_of_week != 6]
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "sales": 1.0})
    frame["sales"] += dates.day_of_week
    upload(app, "shop.csv", _csv(frame))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Frequency"] == "6 days a week"
    assert metrics["Season length"] == "6"


def test_five_minute_bars_around_a_lunch_break_read_in_the_exchanges_hours(
    app: AppTest,
) -> None:
    days = pd.bdate_range("2024-01-01", periods=10)
    frame = _at(days, [*range(570, 690, 5), *range(780, 900, 5)])
    upload(app, "bars.csv", _csv(frame), check=False)
    assert not app.exception, app.exception
    metrics = _read_in_the_offered_hours(
        app,
        "09:30-11:30 and 13:00-15:00 on weekdays",
        "cbh(09:30-11:30 13:00-15:00 Mon-Fri)",
    )
    assert metrics["Season length"] == "4 and 20"


def test_an_event_log_in_opening_hours_reads_as_hourly_sums(app: AppTest) -> None:
    # a shop's sales at their seconds, 10:00 to 20:00: the button reads them in
    # those hours, each hour's sales summed (the average of a sale says little)
    days = pd.date_range("2024-01-01", periods=20)
    seconds = np.random.default_rng(0).uniform(10 * 3600, 20 * 3600, (20, 30))
    times = sorted(
        d + pd.Timedelta(seconds=int(s))
        for d, row in zip(days, seconds, strict=True)
        for s in row
    )
    frame = pd.DataFrame({"time": times, "amount": 2.0})
    upload(app, "sales.csv", _csv(frame), check=False)
    assert any("an event log?" in e.value for e in app.error)
    button = next(b for b in app.button if "Read the data in hourly steps" in b.label)
    assert button.label.endswith("(10:00-20:00 every day) as sums")
    button.click().run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.selectbox(key="agg").value == "sum"
    assert app.selectbox(key="step").value == "cbh(10:00-20:00 Mon-Sun)"
    # ten hours a day for 20 days (less an empty hour at either end)
    assert 195 <= int({m.label: m.value for m in app.metric}["Points"]) <= 200


def test_an_event_log_summed_in_days_offers_its_opening_days(app: AppTest) -> None:
    # a shop's sales, 10:00 to 20:00, closed on Sundays, summed in plain days:
    # the Sundays are 0, a note says so and a button reads the log without them
    days = pd.date_range("2024-01-01", periods=35)
    days = days[days.day_of_week < 6]
    seconds = np.random.default_rng(1).uniform(10 * 3600, 20 * 3600, (len(days), 30))
    times = sorted(
        d + pd.Timedelta(seconds=int(s))
        for d, row in zip(days, seconds, strict=True)
        for s in row
    )
    upload(app, "sales.csv", _csv(pd.DataFrame({"time": times, "amount": 2.0})), False)
    app.selectbox(key="agg").set_value("sum").run()
    app.selectbox(key="step").set_value("daily").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    shown = " ".join(str(m.value) for m in app.markdown).replace("\\", "")
    assert "the closed days (Sun) are among the empty steps: 0 each" in shown
    assert "(the button under these notes on the Data page)" in shown
    assert "--step" not in shown
    button = next(b for b in app.button if "Read the data in daily" in b.label)
    assert button.label == "Read the data in daily steps (Mon-Sat)"
    button.click().run()
    assert not app.exception, app.exception
    assert app.selectbox(key="step").value == "cbd(Mon-Sat)"
    assert app.selectbox(key="agg").value == "sum"
    assert {m.label: m.value for m in app.metric}["Points"] == "30"
    assert not any("Read the data in daily" in b.label for b in app.button)


def test_a_file_of_shops_logs_summed_in_days_offers_their_opening_days(
    app: AppTest,
) -> None:
    # two shops' sales in one file, both closed on Sundays: the same note and
    # button as one log's; the click reads both in the days they open
    log = pd.concat(
        [
            pd.DataFrame({"shop": "a", "time": _sales(9, 18, range(6), 1)}),
            pd.DataFrame({"shop": "b", "time": _sales(12, 21, range(1, 6), 2)}),
        ]
    ).assign(amount=2.0)
    upload(app, "shops.csv", _csv(log), False)
    app.selectbox(key="agg").set_value("sum").run()
    app.selectbox(key="step").set_value("daily").run()
    assert not app.exception, app.exception
    shown = " ".join(str(m.value) for m in app.markdown).replace("\\", "")
    assert "the rows of the 2 series fall only on Mon-Sat" in shown
    button = next(b for b in app.button if "Read the data in daily" in b.label)
    assert button.label == "Read the data in daily steps (Mon-Sat)"
    button.click().run()
    assert not app.exception, app.exception
    assert app.selectbox(key="step").value == "cbd(Mon-Sat)"
    assert not any("Read the data in daily" in b.label for b in app.button)
    assert {m.label: m.value for m in app.metric}["Points"] == "30"


def test_a_shops_shorter_saturdays_are_left_out_of_the_forecast(
    app: AppTest, wait_for_training
) -> None:
    upload(app, "shop.csv", _csv(_shop(range(10, 16), weeks=6)))
    train(app, wait_for_training, ["Seasonal naive", "Naive"], horizon=12)
    shown = " ".join(c.value for c in app.caption).replace("\\", "")
    assert "2 of the 12 steps ahead fall when the series is closed every week" in shown
    table = next(t.value for t in app.dataframe if "forecast" in t.value.columns)
    times = pd.DatetimeIndex(table["timestamp"])
    assert len(times) == 10 and times[0] == pd.Timestamp("2024-02-12 09:00")


def test_a_bundle_of_the_same_shop_forecasts_without_its_closed_hours(
    app: AppTest, wait_for_training
) -> None:
    from convlstm import compare
    from convlstm.data import read_csv, to_series
    from convlstm.models.persistence import bundle_model

    data = _csv(_shop(range(10, 16), weeks=6))
    y = to_series(read_csv(data.decode()))
    tiny = {"hidden_size": 8, "epochs": 1, "lookback": 12}
    fitted = compare(y, models=["LSTM"], horizon=12, folds=0, params=tiny)
    bundle = bundle_model(fitted.fitted["LSTM"], fitted.record)
    upload(app, "shop.csv", data)
    train(app, wait_for_training, ["Naive"], horizon=12)
    app.file_uploader(key="bundle_upload").set_value(
        ("lstm.zip", bundle, "application/zip")
    )
    app.run()
    assert not app.exception, app.exception
    assert any("trained on this data" in s.value for s in app.success)
    tables = [t.value for t in app.dataframe if "model" in t.value.columns]
    table = next(t for t in tables if set(t["model"]) == {"LSTM"})
    times = pd.DatetimeIndex(table["timestamp"])
    assert len(times) == 10 and times[0] == pd.Timestamp("2024-02-12 09:00")
    # on other data (a shop open all Saturday), the bundle keeps its own shop's
    # closed hours: it was trained on them
    upload(app, "other.csv", _csv(_shop(range(9, 18), weeks=6, seed=3)))
    train(app, wait_for_training, ["Naive"], horizon=12)
    app.file_uploader(key="bundle_upload").set_value(
        ("lstm.zip", bundle, "application/zip")
    )
    app.run()
    assert not app.exception, app.exception
    assert not any("trained on this data" in s.value for s in app.success)
    tables = [t.value for t in app.dataframe if "model" in t.value.columns]
    table = next(t for t in tables if set(t["model"]) == {"LSTM"})
    assert len(table) == 10
