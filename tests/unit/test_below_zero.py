"""A forecast below zero for a series that never is gets a note (sales, counts)."""

import pandas as pd

from convlstm.narrative import below_zero_text


def _future(**lows: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        [(m, v) for m, values in lows.items() for v in values],
        columns=["model", "forecast"],
    )


def test_models_forecasting_below_zero_are_named_with_the_lowest_value():
    y = pd.Series([0.0, 3.0, 5.0, 0.0, 2.0])
    text = below_zero_text(y, _future(Theta=[1.0, -1.7], ETS=[-0.2], Naive=[2.0]))
    assert text.startswith("Theta and ETS forecast below zero (lowest -1.7)")
    assert below_zero_text(y, _future(Naive=[2.0])) is None
    assert below_zero_text(y, _future(ETS=[-1e-15])) is None  # round-off


def test_a_series_that_goes_below_zero_gets_no_note():
    y = pd.Series([1.0, -2.0, 3.0])
    assert below_zero_text(y, _future(Theta=[-5.0])) is None
