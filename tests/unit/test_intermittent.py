"""TSB: the expected demand per step of an intermittent series."""

import numpy as np
import pandas as pd
import pytest

from convlstm import compare
from convlstm.errors import ParameterError
from convlstm.models.intermittent import TSBForecaster, tsb_path


def weeks(values):
    idx = pd.date_range("2022-01-02", periods=len(values), freq="W")
    return pd.Series(np.asarray(values, dtype=float), index=idx)


def test_the_path_by_hand():
    ahead, p, z = tsb_path(np.array([0.0, 4.0, 0.0, 2.0]), alpha=0.5, beta=0.5)
    # start: half the steps sell, at 3 on average
    assert ahead[0] == pytest.approx(0.5 * 3.0)
    # step 1 (0): p 0.25, z 3 -> 0.75; step 2 (4): p 0.625, z 3.5 -> 2.1875 ...
    assert ahead[1] == pytest.approx(0.75) and ahead[2] == pytest.approx(2.1875)
    assert p == pytest.approx(0.65625) and z == pytest.approx(2.75)


def test_a_slow_mover_is_forecast_near_its_rate_and_never_below_zero():
    rng = np.random.default_rng(0)
    sold = rng.random(300) < 0.2
    y = weeks(np.where(sold, rng.poisson(5, 300) + 1, 0))
    f = TSBForecaster(horizon=8).fit(y).predict()
    assert f.nunique() == 1 and (f >= 0).all()
    assert f.iloc[0] == pytest.approx(y.mean(), rel=0.5)


def test_an_obsolete_part_fades_towards_zero():
    y = weeks([3, 0, 2, 0, 4, 0, 0, 3, 0, 2] * 4 + [0] * 30)
    model = TSBForecaster(horizon=4).fit(y)
    assert model.predict().iloc[0] < 0.2 * y.iloc[:40].mean()
    # Croston's rate would stay where sales left it; TSB's chance of a sale fell
    assert model.probability_ < 0.1


def test_settings_are_checked_and_chosen_from_the_grid():
    y = weeks([0, 1, 0, 0, 2, 0, 1, 0])
    model = TSBForecaster(horizon=2).fit(y)
    assert model.alpha_ in (0.05, 0.1, 0.2, 0.3) and model.beta_ in (
        0.05,
        0.1,
        0.2,
        0.3,
    )
    assert TSBForecaster(horizon=2, alpha=0.4, beta=0.2).fit(y).alpha_ == 0.4
    for bad in (0, 1.5, "x"):
        with pytest.raises(ParameterError, match="alpha must be"):
            TSBForecaster(alpha=bad).fit(y)


def test_tsb_takes_part_in_a_comparison_by_name():
    y = weeks([0, 3, 0, 0, 2, 0, 0, 4, 0, 1] * 6)
    result = compare(y, models=["TSB", "Naive"], horizon=4, folds=2)
    assert "TSB" in result.summary.index
    assert np.isfinite(result.summary.loc["TSB", "mae"])


def test_tsb_joins_the_defaults_for_intermittent_data():
    from convlstm.cli import _models
    from convlstm.models.registry import default_models

    slow = weeks([0, 3, 0, 0, 2, 0, 0, 4, 0, 1] * 6)
    assert "TSB" in default_models(slow) and "TSB" not in default_models()
    assert default_models(slow)[-2:] == ("TSB", "Ensemble")
    assert "TSB" not in default_models(weeks(np.arange(1.0, 61.0)))
    # a panel: when half its series or more are intermittent
    panel = pd.concat(
        [
            pd.DataFrame({"series": "a", "time": slow.index, "value": slow.values}),
            pd.DataFrame({"series": "b", "time": slow.index, "value": 5.0}),
        ]
    )
    assert "TSB" in default_models(panel)
    assert "TSB" not in default_models(panel.replace({"value": {0.0: 1.0}}))
    # the CLI's defaults, not the models a user names
    assert "TSB" in _models(None, slow) and _models(["Naive"], slow) == ["Naive"]


def test_a_part_that_stopped_selling_is_named():
    from convlstm.data import read_csv, to_panel, to_series
    from convlstm.data.series import dormant_ends

    sales = [3, 0, 2, 0, 4, 0, 0, 3, 0, 2] * 5
    assert dormant_ends(np.array(sales + [0] * 30)).iloc[0] == 30
    assert dormant_ends(np.array(sales + [0] * 3)).empty  # a gap like the others
    assert dormant_ends(np.array([0] * 20 + [1, 2] + [0] * 10)).empty  # 2 sales only
    assert dormant_ends(np.array([5.0] * 40 + [0] * 8)).iloc[0] == 8  # a stop
    w = pd.date_range("2023-01-01", periods=80, freq="W")
    text = "week,units\n" + "".join(
        f"{t:%Y-%m-%d},{u}\n" for t, u in zip(w, sales + [0] * 30, strict=True)
    )
    notes = to_series(read_csv(text)).attrs["notes"]
    assert any("0 for its last 30 steps (since 2023-12-17)" in n for n in notes)
    both = "part,week,units\n" + "".join(
        f"{p},{t:%Y-%m-%d},{u}\n"
        for p, units in (("A", sales + [0] * 30), ("B", [1, 2] * 40))
        for t, u in zip(w, units, strict=True)
    )
    notes = to_panel(read_csv(both)).attrs["notes"]
    assert any(
        n.startswith("1 series has been 0 for longer") and "'A'" in n for n in notes
    )
