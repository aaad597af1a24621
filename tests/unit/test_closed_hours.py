"""Hours a series is closed on some days of the week only (a shop open 09:00 to
18:00 on weekdays and 10:00 to 16:00 on Saturdays, read in its weekday hours):
filled in to keep the grid regular, left out of the backtests' scores and of the
forecasts, for one series and for each series of a panel."""

from __future__ import annotations

import html
import io

import numpy as np
import pandas as pd
import pytest

from convlstm import compare
from convlstm.cli import main
from convlstm.data import (
    check_series,
    closed_mask,
    freq_of,
    future_index,
    read_csv,
    series_of,
    to_panel,
    to_series,
    without_closed,
)
from convlstm.errors import DataError
from convlstm.narrative import closed_text, panel_closed_text
from convlstm.panel_compare import compare_panel
from convlstm.report import build_panel_report, build_report

SAT = 5 * 1440  # Saturday 00:00, in minutes after Monday 00:00
SHORT_SATURDAY = [SAT + 9 * 60, SAT + 16 * 60, SAT + 17 * 60]


def _shop(saturday: range, weeks: int = 8, seed: int = 0) -> pd.DataFrame:
    """Hourly sales 09:00-18:00 on weekdays and ``saturday``'s hours on
    Saturdays, closed on Sundays; the data end on a Saturday afternoon."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range("2024-01-01", periods=7 * weeks - 1, freq="D"):
        hours = range(9, 18) if day.day_of_week < 5 else saturday
        if day.day_of_week == 6:
            continue
        for h in hours:
            value = 50 + 20 * np.sin(h / 3) + 5 * day.day_of_week + rng.normal(0, 3)
            rows.append((day + pd.Timedelta(hours=h), round(value, 1)))
    return pd.DataFrame(rows, columns=["time", "sales"])


def _forecast_csv(argv: list[str]) -> pd.DataFrame:
    """The forecasts the CLI writes for ``argv``."""
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    return pd.read_csv(io.StringIO(out.getvalue()), parse_dates=["timestamp"])


def _series(frame: pd.DataFrame) -> pd.Series:
    return to_series(read_csv(io.StringIO(frame.to_csv(index=False))))


def test_hours_closed_every_saturday_are_kept_as_closed_times() -> None:
    y = _series(_shop(range(10, 16)))
    assert y.attrs["closed"] == SHORT_SATURDAY
    assert check_series(y, min_length=1).attrs["closed"] == SHORT_SATURDAY
    note = next(n for n in y.attrs["notes"] if n.startswith("filled"))
    assert "(Sat 09:00, 16:00 and 17:00)" in note and "of the forecasts" in note
    # the series ends on Saturday at 15:00: the next two steps are closed
    future = future_index(y.index, 12)
    shut = closed_mask(future, y.attrs["closed"])
    assert [t.strftime("%a %H:%M") for t in future[shut]] == ["Sat 16:00", "Sat 17:00"]
    assert not closed_mask(future, None).any()
    # hours missing here and there are not closed
    odd = _shop(range(9, 18)).sample(frac=0.97, random_state=0).sort_values("time")
    assert "closed" not in _series(odd).attrs


def test_the_forecasts_leave_out_the_closed_hours_and_keep_their_steps() -> None:
    y = _series(_shop(range(10, 16)))
    result = compare(y, models=["Seasonal naive", "ETS"], horizon=12, folds=2)
    for model, rows in result.future.groupby("model"):
        times = pd.DatetimeIndex(rows["timestamp"])
        assert not closed_mask(times, SHORT_SATURDAY).any(), model
        # Saturday 16:00 and 17:00 are steps 1 and 2: Monday 09:00 is step 3
        assert rows["step"].tolist() == list(range(3, 13))
        assert times[0] == pd.Timestamp("2024-02-26 09:00")
    table = result.forecast_table()
    future = table[table["section"] == "future"]
    assert len(future) == 20 and future["lower_80"].notna().all()
    # the backtest forecast the closed hours too, and did not score them
    backtest = table[table["section"] == "backtest"]
    shut = closed_mask(pd.DatetimeIndex(backtest["timestamp"]), SHORT_SATURDAY)
    assert shut.any() and backtest["filled"][shut].astype(bool).all()
    # said in the results and the report
    said = "2 of the 12 steps ahead fall when the series is closed every week (Sat "
    said += "09:00, 16:00 and 17:00): the forecasts leave them out"
    assert closed_text(y, result.future, 12) == said
    page = build_report(y, result, record=result.record)
    assert 'id="closed"' in page and "2 of the 12 steps ahead fall when" in page
    # none said where every step was kept
    assert closed_text(y, result.future, 10) is None
    assert closed_text(y.iloc[:-1].copy(), result.future.iloc[:0], 12) is None


def test_the_cli_forecast_leaves_out_the_closed_hours(tmp_path) -> None:
    path = tmp_path / "shop.csv"
    _shop(range(10, 16)).to_csv(path, index=False)
    argv = ["forecast", "--csv", str(path), "--model", "Seasonal naive"]
    out = _forecast_csv([*argv, "--horizon", "12"])
    assert len(out) == 10
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-02-26 09:00")


def _two_shops() -> pd.DataFrame:
    north = _shop(range(10, 16)).assign(store="north")
    south = _shop(range(9, 18), seed=1).assign(store="south")  # Saturdays in full
    return pd.concat([north, south], ignore_index=True)


def test_a_panel_leaves_out_each_series_own_closed_hours(tmp_path) -> None:
    panel = to_panel(read_csv(io.StringIO(_two_shops().to_csv(index=False))))
    assert panel.attrs["closed"] == {"north": SHORT_SATURDAY}
    assert series_of(panel, "north").attrs["closed"] == SHORT_SATURDAY
    assert "closed" not in series_of(panel, "south").attrs
    result = compare_panel(panel, models=["Seasonal naive"], horizon=12, folds=1)
    counts = result.future_table().groupby("series").size().to_dict()
    assert counts == {"north": 10, "south": 12}
    north = result.future[result.future["series"] == "north"]
    assert not closed_mask(pd.DatetimeIndex(north["time"]), SHORT_SATURDAY).any()
    said = panel_closed_text(panel, result.future, 12)
    assert said.startswith("The forecasts of 1 series ('north') leave out the steps")
    assert "when it is closed every week" in said
    assert html.escape(said) in build_panel_report(panel, result)
    # the CLI's forecast of every series alike
    path = tmp_path / "shops.csv"
    _two_shops().to_csv(path, index=False)
    argv = ["forecast", "--csv", str(path), "--model", "Seasonal naive"]
    out = _forecast_csv([*argv, "--horizon", "12"])
    assert out.groupby("series").size().to_dict() == {"north": 10, "south": 12}


def test_without_closed_keeps_a_frame_with_none() -> None:
    frame = pd.DataFrame(
        {"timestamp": pd.date_range("2024-01-06", periods=3, freq="h")}
    )
    assert without_closed(frame, None) is frame
    assert without_closed(frame, [SAT + 5 * 60]) is frame  # none at Saturday 05:00
    assert len(without_closed(frame, [SAT])) == 2  # Saturday 00:00 left out


def test_a_cafe_closed_on_sundays_beside_bars_open_every_day_read_daily() -> None:
    rng = np.random.default_rng(2)
    rows = []
    for store, days in (("cafe", range(6)), ("bar a", range(7)), ("bar b", range(7))):
        for day in pd.date_range("2024-01-01", periods=140, freq="D"):
            if day.day_of_week in days:
                rows.append((store, day.date(), 100 + rng.normal(0, 5)))
    frame = pd.DataFrame(rows, columns=["store", "date", "sales"])
    table = read_csv(io.StringIO(frame.to_csv(index=False)))
    panel = to_panel(table, step="D")
    sunday = 6 * 1440
    assert panel.attrs["closed"] == {"cafe": [sunday]}
    note = " ".join(series_of(panel, "cafe").attrs["notes"])
    assert "missing values (first at 2024-01-07); they recur nearly every week " in note
    assert "(Sundays), as days closed every week would" in note
    result = compare_panel(panel, models=["Seasonal naive"], horizon=14, folds=1)
    future = result.future_table()
    assert future.groupby("series").size().to_dict() == {
        "bar a": 14,
        "bar b": 14,
        "cafe": 12,
    }
    cafe = pd.DatetimeIndex(future.loc[future["series"] == "cafe", "timestamp"])
    assert (cafe.day_of_week != 6).all()
    # weekly steps have no time of the week: a missing week is only a gap
    weeks = pd.Series(
        range(30), index=pd.date_range("2024-01-07", periods=30, freq="W")
    )
    frame = weeks.drop(weeks.index[[3, 9, 15, 21]]).rename("v").rename_axis("t")
    assert "closed" not in _series(frame.reset_index()).attrs


def _hours_by_day(hours: dict[int, range], weeks: int = 8) -> pd.DataFrame:
    """Hourly visits in ``hours[day]`` on each day of the week it names."""
    rng = np.random.default_rng(4)
    rows = []
    for day in pd.date_range("2024-01-01", periods=7 * weeks, freq="D"):
        for h in hours.get(day.day_of_week, ()):
            rows.append((day + pd.Timedelta(hours=h), round(20 + rng.normal(0, 3), 1)))
    return pd.DataFrame(rows, columns=["time", "visits"])


def test_a_day_open_a_few_hours_only_is_an_opening_day_with_closed_hours() -> None:
    # a restaurant open 11:00-21:00, on Saturdays for dinner only, closed Mondays:
    # Saturday holds three readings a date, under half of the others' ten
    days = dict.fromkeys((1, 2, 3, 4, 6), range(11, 21)) | {5: range(18, 21)}
    y = _series(_hours_by_day(days))
    assert freq_of(y) == "cbh(11:00-21:00 Tue-Sun)"
    assert y.attrs["closed"] == list(range(SAT + 11 * 60, SAT + 18 * 60, 60))
    note = next(n for n in y.attrs["notes"] if n.startswith("filled"))
    # seven hours a week closed are no gaps: not "made up"
    assert "(Sat 11:00-18:00)" in note and "made up" not in note


def test_hours_too_uneven_from_day_to_day_are_offered_days() -> None:
    days = {0: range(9, 10), 1: range(7, 17), 2: range(11, 16), 3: range(9, 13)}
    days |= {4: range(11, 14), 5: range(9, 11), 6: range(8, 12)}
    table = read_csv(io.StringIO(_hours_by_day(days).to_csv(index=False)))
    with pytest.raises(DataError, match="keep different hours from day to day") as e:
        to_series(table)
    assert e.value.suggested_step == "D"
    assert freq_of(to_series(table, step="D", agg="sum")) == "D"


def test_the_charts_leave_the_closed_times_out_of_the_lines() -> None:
    from convlstm.plots import forecast_figure, series_figure

    y = _series(_shop(range(10, 16), weeks=6))
    shut = closed_mask(y.index, y.attrs["closed"])
    line = series_figure(y).data[0]
    assert np.isnan(np.asarray(line.y, dtype=float)[shut]).all()
    assert np.isfinite(np.asarray(line.y, dtype=float)[~shut]).all()
    result = compare(y, models=["Seasonal naive"], horizon=12, folds=2)
    fig = forecast_figure(y, result)
    for trace in fig.data:
        if trace.x is None or not len(trace.x):
            continue
        times = pd.DatetimeIndex([x for x in trace.x if x is not None])
        pairs = zip(trace.x, trace.y, strict=True)
        values = np.asarray([v for x, v in pairs if x is not None], dtype=float)
        at = closed_mask(times, y.attrs["closed"])
        # closed times hold no point of any line: history, held out, backtest
        assert not np.isfinite(values[at]).any(), trace.name
    # a panel's small multiples too
    from convlstm.plots import panel_figure

    panel = to_panel(read_csv(io.StringIO(_two_shops().to_csv(index=False))))
    lines = {t.name: t for t in panel_figure(panel).data}
    north = np.asarray(lines["north"].y, dtype=float)
    at = closed_mask(pd.DatetimeIndex(lines["north"].x), SHORT_SATURDAY)
    assert at.any() and np.isnan(north[at]).all() and np.isfinite(north[~at]).all()
    assert np.isfinite(np.asarray(lines["south"].y, dtype=float)).all()


def test_how_it_works_leaves_the_closed_times_out_of_its_charts() -> None:
    from convlstm import explain
    from convlstm.plots import explain as explain_plots

    y = _series(_shop(range(10, 16), weeks=6))
    closed = y.attrs["closed"]

    def closed_points(trace) -> tuple[int, int]:
        """(finite values at closed times, closed times) of a trace."""
        at = closed_mask(pd.DatetimeIndex(trace.x), closed)
        values = np.asarray(trace.y, dtype=float)
        return int(np.isfinite(values[at]).sum()), int(at.sum())

    subject = explain.subject_from_params(y, hidden_size=4, num_layers=1, horizon=12)
    window = explain.make_window(subject)
    line = explain_plots.window_figure(y, window).data[0]
    shown, shut = closed_points(line)
    assert shut and not shown
    parts = explain.forecast_parts(subject, window)
    assert closed_mask(pd.DatetimeIndex(parts.index), closed).any()
    fig = explain_plots.forecast_parts_figure(parts, window, closed)
    for trace in fig.data:
        assert closed_points(trace)[0] == 0, trace.name
    # the pretrained tab's forecasts of the last window, and the actuals
    forecast = pd.Series(1.0, index=y.index[-12:])
    fig = explain_plots.pretrained_figure(y, {"zero-shot": forecast})
    for trace in fig.data:
        shown, shut = closed_points(trace)
        assert shut and not shown, trace.name


def test_a_panel_whose_union_hours_would_leave_a_shop_mostly_empty_gets_days() -> None:
    # shop "a" opens 09:00-16:00 on weekdays, 09:00-10:00 at weekends: closed
    # most of its weekend hours; shop "b" opens 09:00-21:00 every day. In b's
    # hours "a" would be mostly empty (37 of 84 steps a week held): days it is
    a = dict.fromkeys(range(5), range(9, 16)) | dict.fromkeys((5, 6), range(9, 10))
    b = dict.fromkeys(range(7), range(9, 21))
    frame = pd.concat(
        [_hours_by_day(a).assign(shop="a"), _hours_by_day(b).assign(shop="b")]
    )
    table = read_csv(io.StringIO(frame.to_csv(index=False)))
    with pytest.raises(DataError, match="do not share one frequency") as caught:
        to_panel(table)
    assert caught.value.suggested_step == "D"
    assert to_panel(table, step="D").attrs["freq"] == "D"


def test_eight_hours_every_day_are_no_business_hours() -> None:
    # pandas' frequency inference names any eight hours a day "bh" (09:00-17:00
    # on weekdays): 10:00-18:00 every day was refused as off its grid
    y = _series(_hours_by_day(dict.fromkeys(range(7), range(10, 18))))
    assert freq_of(y) == "cbh(10:00-18:00 Mon-Sun)"
    office = _series(_hours_by_day(dict.fromkeys(range(5), range(9, 17))))
    assert freq_of(office) == "bh"


def test_a_market_open_three_days_a_week_beside_bars_is_offered_weeks() -> None:
    # in daily steps the market's four closed days a week would leave it mostly
    # empty: weekly steps hold every series
    market = _hours_by_day(dict.fromkeys((1, 3, 5), range(10, 18)))
    bars = _hours_by_day(dict.fromkeys(range(7), range(10, 18)))
    frame = pd.concat([market.assign(shop="market"), bars.assign(shop="bar")])
    table = read_csv(io.StringIO(frame.to_csv(index=False)))
    with pytest.raises(DataError, match="such as weekly steps") as caught:
        to_panel(table)
    assert caught.value.suggested_step == "W-MON"
    assert len(to_panel(table, step="W-MON").groupby("series")) == 2


def test_closed_days_are_no_gaps_when_a_step_is_chosen() -> None:
    # a shop open on weekdays, two in five of them missing, read in daily steps: the
    # weekends (closed) and the missing weekdays are over half the steps, the
    # missing weekdays alone under a third of them
    rng = np.random.default_rng(6)
    days = pd.bdate_range("2024-01-01", periods=100)
    days = days[rng.random(len(days)) > 0.42]
    frame = pd.DataFrame({"day": days, "sales": rng.normal(100, 5, len(days))})
    y = to_series(read_csv(io.StringIO(frame.to_csv(index=False))), step="D")
    assert y.attrs["closed"] == [5 * 1440, 6 * 1440]


def test_a_saved_model_keeps_the_closed_times_of_its_data() -> None:
    import json
    import zipfile

    from convlstm import ConvLSTMForecaster, load_model

    y = _series(_shop(range(10, 16)))
    model = ConvLSTMForecaster(
        horizon=12, epochs=1, hidden_size=4, init="scratch", seed=0
    ).fit(y)
    assert model.closed_ == SHORT_SATURDAY
    loaded = load_model(model.to_bytes())
    assert loaded.closed_ == SHORT_SATURDAY
    table = loaded.predict().rename("forecast").rename_axis("timestamp").reset_index()
    kept = without_closed(table, loaded.closed_)
    assert len(kept) == 10 and kept["timestamp"].iloc[0] == pd.Timestamp(
        "2024-02-26 09:00"
    )
    # a panel's model keeps each series' own
    panel = to_panel(read_csv(io.StringIO(_two_shops().to_csv(index=False))))
    net = ConvLSTMForecaster(horizon=12, epochs=1, hidden_size=4, init="scratch")
    again = load_model(net.fit(panel).to_bytes())
    assert again.closed_ == {"north": SHORT_SATURDAY}
    # open at every step: none; a damaged list is refused
    assert (
        ConvLSTMForecaster(horizon=3, epochs=1, init="scratch")
        .fit(series_of(panel, "south"))
        .closed_
        is None
    )
    data = model.to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(files["config.json"])
    config["closed"] = [-5]
    files["config.json"] = json.dumps(config).encode()
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        for n, b in files.items():
            zf.writestr(n, b)
    with pytest.raises(DataError, match="closed times are damaged"):
        load_model(broken.getvalue())
