"""Spikes (a glitch such as 812.5, a typo) kept with a note or filled like gaps:
``to_series(spikes=...)``, ``to_panel(spikes=...)`` and the CLI's --spikes."""

import io

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, to_panel, to_series
from convlstm.cli import main
from convlstm.data import filled_mask, series_of
from convlstm.data.series import spike_mask

# one alone, a pair, a run of three, a run of seven (an hour of 10-minute readings)
SPIKES = [50, 200, 201, 350, 351, 352, *range(400, 407)]


def _readings(n: int = 480, spikes=SPIKES) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    t = np.arange(n)
    values = 10 + 5 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 0.3, n)
    values[list(spikes)] = 812.5
    times = pd.date_range("2024-01-01", periods=n, freq="h")
    return pd.DataFrame({"time": times, "temp": values.round(3)})


def test_kept_spikes_are_said_and_the_note_says_how_to_fill_them():
    y = to_series(_readings())
    assert y.max() == 812.5 and not filled_mask(y).any()
    note = next(n for n in y.attrs["notes"] if "stands" in n)
    assert "--spikes fill" in note and "Fill spikes" in note
    assert f"({len(SPIKES)} such values)" in note  # the runs too
    # a file whose only spikes are a run is told of it too
    for run in ([200, 201], [200, 201, 202]):
        notes = to_series(_readings(spikes=run)).attrs["notes"]
        assert any("(2 such values)" in n or "(3 such values)" in n for n in notes)


def test_filled_spikes_alone_and_in_short_runs_become_straight_lines():
    df = _readings()
    y = to_series(df, spikes="fill")
    assert y.max() < 20  # every 812.5 is gone
    mask = filled_mask(y)
    assert np.flatnonzero(mask).tolist() == SPIKES  # and nothing else is unscored
    # the pair between its neighbours: a straight line
    before, after = df["temp"].iloc[199], df["temp"].iloc[202]
    assert y.iloc[200] == pytest.approx(before + (after - before) / 3)
    note = next(n for n in y.attrs["notes"] if "spike" in n)
    assert note.startswith(f"filled {len(SPIKES)} spikes")
    assert "2024-01-03 02:00:00: 812.5" in note
    assert not any("stands" in n for n in y.attrs["notes"])
    # untouched points keep their values
    keep = ~mask
    assert np.allclose(y.to_numpy()[keep], df["temp"].to_numpy()[keep])


def test_a_series_without_spikes_reads_the_same_either_way():
    df = _readings(spikes=[])
    kept, filled = to_series(df), to_series(df, spikes="fill")
    pd.testing.assert_series_equal(kept, filled)
    assert kept.attrs["notes"] == filled.attrs["notes"]


@pytest.mark.parametrize(
    "values",
    [
        np.repeat([10.0, 500.0], 50),  # a level shift is no spike
        np.tile([0.0, 0.0, 0.0, 5.0], 30),  # intermittent counts
        np.arange(100.0) ** 2,  # a steep trend
        # a short series that shifts once: the median around every value lay
        # between the levels, all eight were "spikes" and filling them crashed
        np.r_[1.6, -0.7, -0.7, -0.2, 1001.1, 1000.0, 999.8, 1001.2],
    ],
)
def test_shifts_counts_and_trends_are_not_spikes(values):
    assert not spike_mask(values).any()


def test_a_short_series_that_shifts_once_reads_the_same_either_way():
    times = pd.date_range("2000-01-01", periods=8, freq="MS")
    values = [1.6, -0.7, -0.7, -0.2, 1001.1, 1000.0, 999.8, 1001.2]
    df = pd.DataFrame({"date": times, "value": values})
    pd.testing.assert_series_equal(to_series(df, spikes="fill"), to_series(df))
    panel = pd.concat([df.assign(id="a"), df.assign(id="b")])
    assert to_panel(panel, spikes="fill")["value"].tolist() == values * 2


@pytest.mark.parametrize("seed", range(20))
def test_the_newest_values_of_a_noisy_growth_curve_are_not_spikes(seed):
    # an epidemic's daily counts: the last steps are hundreds of the first ones;
    # 'fill' used to overwrite the newest real values
    rng = np.random.default_rng(seed)
    t = np.arange(60)
    values = np.round(5 * np.exp(0.12 * t) * np.exp(rng.normal(0, 0.1, 60)))
    assert not spike_mask(values, periods=(7,)).any()
    # a typo on the same curve still is one
    values[40] *= 100
    assert np.flatnonzero(spike_mask(values, periods=(7,))).tolist() == [40]


def test_a_spike_at_the_end_is_filled_from_the_value_before():
    df = _readings(spikes=[479])
    y = to_series(df, spikes="fill")
    assert y.iloc[-1] == df["temp"].iloc[-2]


def test_unknown_spikes_choice_is_refused():
    with pytest.raises(DataError, match="kept or filled"):
        to_series(_readings(), spikes="drop")


def test_a_panel_fills_each_series_and_says_which():
    one = _readings().assign(sensor="a")
    two = _readings(spikes=[100]).assign(sensor="b")
    three = _readings(spikes=[]).assign(sensor="c")
    panel = to_panel(pd.concat([one, two, three]), spikes="fill")
    assert panel["value"].max() < 20
    note = next(n for n in panel.attrs["notes"] if "spike" in n)
    assert note.startswith(f"filled {len(SPIKES) + 1} spikes") and "in 2 series" in note
    assert "'a', 'b'" in note and "'c'" not in note
    a = series_of(panel, "a")
    assert np.flatnonzero(filled_mask(a)).tolist() == SPIKES
    assert any(f"filled {len(SPIKES)} spikes" in n for n in a.attrs["notes"])
    assert not filled_mask(series_of(panel, "c")).any()
    kept = to_panel(pd.concat([one, two, three]))
    assert kept["value"].max() == 812.5


def test_cli_spikes_fill(tmp_path):
    path = tmp_path / "sensor.csv"
    _readings().to_csv(path, index=False)
    argv = ["forecast", "--csv", str(path), "--model", "naive", "--horizon", "2"]
    for spikes, top in (("keep", 812.5), ("fill", 20)):
        out, err = io.StringIO(), io.StringIO()
        assert main([*argv, "--spikes", spikes], stdout=out, stderr=err) == 0
        forecast = pd.read_csv(io.StringIO(out.getvalue()))["forecast"]
        assert (forecast <= top).all()
        filled = f"filled {len(SPIKES)} spikes" in err.getvalue()
        assert filled == (spikes == "fill")


def test_peaks_that_come_back_every_cycle_are_no_spikes():
    # three hours of 50 every morning, 1 otherwise: a daily pulse, not a glitch
    n = 720
    hours = pd.date_range("2024-01-01", periods=n, freq="h")
    rng = np.random.default_rng(2)
    pulse = np.where(np.isin(hours.hour, [8, 9, 10]), 50.0, 1.0)
    pulse += rng.normal(0, 0.05, n)
    df = pd.DataFrame({"time": hours, "load": pulse})
    y = to_series(df, spikes="fill")
    assert y.max() > 49 and not filled_mask(y).any()
    assert not any("stands" in n or "spike" in n for n in y.attrs["notes"])
    # a two-week holiday peak every November in five years of weekly sales
    weeks = pd.date_range("2019-01-07", periods=260, freq="W-MON")
    sales = 100 + rng.normal(0, 0.5, 260)
    sales[(weeks.month == 11) & (weeks.day <= 14)] = 300.0
    y = to_series(pd.DataFrame({"week": weeks, "units": sales}), spikes="fill")
    assert y.max() == 300.0 and not filled_mask(y).any()
    # a glitch among the pulses is still one
    pulse[100] = 812.5
    y = to_series(pd.DataFrame({"time": hours, "load": pulse}), spikes="fill")
    assert np.flatnonzero(filled_mask(y)).tolist() == [100]


def test_the_data_chart_marks_the_points_the_reader_filled():
    from convlstm import plots

    y = to_series(_readings(), spikes="fill")
    fig = plots.series_figure(y)
    marked = next(t for t in fig.data if t.name == "filled in by the reader")
    assert len(marked.x) == len(SPIKES)
    assert len(plots.series_figure(to_series(_readings(spikes=[]))).data) == 1


def test_the_forecast_charts_mark_the_points_the_reader_filled():
    from convlstm import compare, compare_panel, plots

    def marked(fig) -> int:
        names = [t.name for t in fig.data]
        assert names.count("filled in by the reader") <= 1
        return sum(len(t.x) for t in fig.data if t.name == "filled in by the reader")

    y = to_series(_readings(), spikes="fill")
    result = compare(y, models=["naive"], horizon=24, folds=1)
    assert marked(plots.forecast_figure(y, result)) == len(SPIKES)
    plain = to_series(_readings(spikes=[]))
    assert marked(plots.forecast_figure(plain, result)) == 0
    frame = _readings()
    panel = to_panel(
        pd.concat([frame.assign(sensor="a"), frame.assign(sensor="b")]),
        spikes="fill",
    )
    result = compare_panel(panel, models=["naive"], horizon=24, folds=1)
    assert marked(plots.panel_forecast_figure(panel, result, "b")) == len(SPIKES)


def test_an_error_code_held_for_hours_is_a_run_of_spikes():
    # six days of hourly readings at 812.5 (144 points) in 120 days: the moving
    # median of 15 cannot see it; it leaves the level and comes back
    held = list(range(1000, 1144))
    df = _readings(n=20 * 144, spikes=held)
    kept = to_series(df)
    assert any("stands" in n and "144 such values" in n for n in kept.attrs["notes"])
    y = to_series(df, spikes="fill")
    assert np.flatnonzero(filled_mask(y)).tolist() == held
    assert y.max() < 20


def _noisy(*parts: np.ndarray) -> np.ndarray:
    values = np.concatenate(parts)
    return values + np.random.default_rng(1).normal(0, 0.01, len(values))


@pytest.mark.parametrize(
    "values",
    [
        # an appliance switched on for long stretches, many times: its own state
        _noisy(np.tile(np.r_[np.full(60, 0.1), np.full(30, 1500.0)], 20)),
        # a run that never comes back is a level shift
        _noisy(np.full(500, 10.0), np.full(40, 812.5), np.full(60, 500.0)),
        # a run longer than a tenth of the series stays
        _noisy(np.full(300, 10.0), np.full(80, 812.5), np.full(300, 10.0)),
    ],
)
def test_long_stretches_of_a_series_own_are_not_spikes(values):
    assert not spike_mask(values).any()


def test_normal_values_between_two_bursts_are_not_a_run():
    # error codes at the start and again later: the values between are kept
    values = np.linspace(10, 12, 1000) + np.sin(np.arange(1000)) * 0.05
    values[:30] = 812.5
    values[500:530] = 812.5
    far = spike_mask(values)
    assert not far[30:500].any() and far[500:530].all()


def test_a_long_run_that_comes_back_every_year_is_no_spike():
    # ten festival days a year in three years of daily visits: each stands far
    # from the days around it, but not from the same days a year before or after
    days = pd.date_range("2021-01-01", periods=3 * 365, freq="D")
    values = 100 + np.random.default_rng(2).normal(0, 0.5, len(days))
    for year in range(3):
        values[year * 365 + 200 : year * 365 + 210] = 5000.0
    assert not spike_mask(values, periods=(7, 365)).any()
    assert spike_mask(values).sum() == 30  # without its cycles: each run is one


def test_a_sensor_down_for_days_is_filled():
    # 60 hours of 812.5 in 40 days of hourly readings (6% of them)
    df = _readings(n=24 * 40, spikes=range(700, 760))
    y = to_series(df, spikes="fill")
    assert np.flatnonzero(filled_mask(y)).tolist() == list(range(700, 760))


def test_an_end_value_beside_a_spike_is_no_spike():
    # the second value is a glitch: the first one, whose only neighbour is that
    # glitch, was scored as far as the glitch itself (and filled with it)
    from convlstm.data.series import spike_scores

    v = 100 + np.random.default_rng(0).normal(0, 2, 30)
    for glitch, end in ((1, 0), (28, 29)):
        w = v.copy()
        w[glitch] = 10_000.0
        scores = spike_scores(w)
        assert scores[glitch] > 1000 and scores[end] < 10
    w = v.copy()
    w[0] = 10_000.0  # a glitch at the end itself still is one
    assert spike_scores(w)[0] > 1000
