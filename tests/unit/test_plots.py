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
    days = y.set_axis(pd.date_range("2020-01-01", periods=3, freq="D"))
    assert plots.series_figure(days).layout.xaxis.dtick is None
