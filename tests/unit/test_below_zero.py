"""A forecast below zero for a series that never is gets a note (sales, counts)."""

import pandas as pd

from convlstm.narrative import below_zero_text, panel_below_zero_text


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
    # the model marked best is named so: on mostly-zero counts a forecast just
    # under 0 scores a low MAE
    text = below_zero_text(y, _future(Theta=[-0.1], ETS=[-0.2]), best="Theta")
    assert text.startswith("Theta (marked best) and ETS forecast below zero")
    assert "marked best" not in below_zero_text(y, _future(ETS=[-1.0]), best="Naive")


def test_a_series_that_goes_below_zero_gets_no_note():
    y = pd.Series([1.0, -2.0, 3.0])
    assert below_zero_text(y, _future(Theta=[-5.0])) is None


def test_a_panel_counts_the_series_forecast_below_zero():
    panel = pd.DataFrame(
        {
            "series": ["a"] * 3 + ["b"] * 3 + ["c"] * 3,
            "value": [0.0, 2.0, 1.0, 5.0, 0.0, 4.0, -1.0, 2.0, 3.0],
        }
    )
    future = pd.DataFrame(
        {
            "series": ["a", "a", "b", "c", "b"],
            "model": ["Theta", "Theta", "ETS", "Theta", "Naive"],
            "forecast": [-0.5, 1.0, -4.2, -9.0, 3.0],
        }
    )
    text = panel_below_zero_text(panel, future)
    # c goes below zero itself, so its -9 is not counted
    assert text.startswith(
        "Theta and ETS forecast below zero on 2 of the 2 series that never go "
        "below zero (lowest -4.2, on 'b')"
    )
    assert panel_below_zero_text(panel, future[future["model"] == "Naive"]) is None
    assert panel_below_zero_text(panel, future.iloc[:0]) is None
