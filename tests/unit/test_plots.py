"""Charts' axes: ticks at the series' resolution."""

from __future__ import annotations

import numpy as np
import pandas as pd

from convlstm import plots


def test_a_short_axis_of_months_ticks_each_month() -> None:
    # three monthly points: plotly ticked weeks ("Oct 1, Oct 8...")
    y = pd.Series(
        [1.0, 2.0, 3.0], index=pd.date_range("2023-10-01", periods=3, freq="MS")
    )
    axis = plots.series_figure(y).layout.xaxis
    assert (axis.dtick, axis.tickformat) == ("M1", "%b %Y")
    quarters = y.set_axis(pd.date_range("2020-01-01", periods=3, freq="QS"))
    assert plots.series_figure(quarters).layout.xaxis.dtick == "M3"
    # years of months, or days: plotly's own ticks
    long = pd.Series(
        np.arange(48.0), index=pd.date_range("2020-01-01", periods=48, freq="MS")
    )
    assert plots.series_figure(long).layout.xaxis.dtick is None
    days = long.set_axis(pd.date_range("2020-01-01", periods=48, freq="D"))
    assert plots.series_figure(days).layout.xaxis.dtick is None


def test_a_short_axis_of_days_or_weeks_ticks_each_step() -> None:
    # three days: plotly ticked hours ("00:00, 12:00...")
    days = pd.Series(
        [1.0, 2.0, 3.0], index=pd.date_range("2024-04-27", periods=3, freq="D")
    )
    axis = plots.series_figure(days).layout.xaxis
    assert (axis.dtick, axis.tickformat) == (86_400_000, "%b %-d, %Y")
    # half a day beyond each end, else plotly hides the last label
    assert list(axis.range) == [
        pd.Timestamp("2024-04-26 12:00"),
        pd.Timestamp("2024-04-29 12:00"),
    ]
    weeks = days.set_axis(pd.date_range("2024-04-28", periods=3, freq="W-SUN"))
    assert plots.series_figure(weeks).layout.xaxis.dtick == 7 * 86_400_000
    hours = days.set_axis(pd.date_range("2024-04-27", periods=3, freq="h"))
    assert plots.series_figure(hours).layout.xaxis.dtick is None


def test_small_multiples_tick_each_step_of_a_short_series_only() -> None:
    long = pd.DataFrame(
        {
            "series": "long",
            "time": pd.date_range("2024-01-01", periods=60),
            "value": 1.0,
        }
    )
    short = pd.DataFrame(
        {
            "series": "short",
            "time": pd.date_range("2024-02-27", periods=3),
            "value": 2.0,
        }
    )
    panel = pd.concat([long, short], ignore_index=True)
    panel.attrs = {"freq": "D"}
    fig = plots.panel_figure(panel)
    assert fig.layout.xaxis.dtick is None and fig.layout.xaxis2.dtick == 86_400_000
