"""Settings a user gets wrong are said, never silently dropped: a misspelt name,
a model's key spelt loosely, a bad setting of an ensemble member, network
settings the pretrained network does not follow."""

import numpy as np
import pandas as pd
import pytest

from convlstm import ConvLSTMForecaster, EnsembleForecaster, compare
from convlstm.errors import DataError, ParameterError
from convlstm.models.registry import make_model, params_for


def _monthly(n: int = 48) -> pd.Series:
    t = np.arange(n)
    values = 100 + 10 * np.sin(2 * np.pi * t / 12) + t
    return pd.Series(values, index=pd.date_range("2020-01-01", periods=n, freq="MS"))


def test_a_misspelt_setting_is_refused_with_the_nearest_name():
    with pytest.raises(
        ParameterError, match="'kernal_size'; did you mean 'kernel_size'"
    ):
        make_model("ConvLSTM", horizon=3, kernal_size=5)
    with pytest.raises(ParameterError, match="'kernal_size'"):
        compare(
            _monthly(), models=["ETS"], horizon=3, folds=1, params={"kernal_size": 5}
        )


def test_a_setting_of_another_model_is_still_ignored():
    # one set of settings serves a whole comparison: ARIMA has no seed
    assert make_model("ARIMA", horizon=3, seed=1).get_params()["horizon"] == 3


def test_a_model_key_may_be_spelt_loosely_and_its_settings_are_checked():
    assert params_for("ConvLSTM", {"convlstm": {"kernel_size": 5}}) == {
        "kernel_size": 5
    }
    with pytest.raises(ParameterError, match="Theta has no setting 'thetta'"):
        params_for("Theta", {"theta": {"thetta": 2}})
    with pytest.raises(ParameterError, match="ARIMA has no setting 'kernel_size'"):
        params_for("ARIMA", {"ARIMA": {"kernel_size": 3}})


def test_a_bad_setting_of_an_ensemble_member_is_raised_not_left_out():
    members = {"members": ["ETS", "Theta"], "member_params": {"Theta": {"theta": -5}}}
    with pytest.raises(ParameterError, match="theta must be"):
        EnsembleForecaster(horizon=3, **members).fit(_monthly())
    with pytest.raises(ParameterError, match=r"Theta \(ensemble member\): theta"):
        compare(
            _monthly(),
            models=["Ensemble"],
            horizon=3,
            folds=1,
            params={"Ensemble": members},
        )


def test_the_pretrained_start_says_which_network_settings_it_does_not_follow():
    y = _monthly(40)
    model = ConvLSTMForecaster(
        horizon=3, init="pretrained", fine_tune=False, hidden_size=64, lookback=6
    ).fit(y)
    assert "hidden_size=64, lookback=6" in model.init_note_
    assert "start 'scratch'" in model.init_note_
    plain = ConvLSTMForecaster(horizon=3, init="pretrained", fine_tune=False).fit(y)
    assert "settings apply only" not in (plain.init_note_ or "")


def test_the_pretrained_start_says_how_its_fine_tune_uses_the_training_settings():
    # a learning rate, epochs or batch size set went unmentioned: were they used?
    y = _monthly(40)
    model = ConvLSTMForecaster(
        horizon=3, init="pretrained", learning_rate=0.01, epochs=1, batch_size=4096
    ).fit(y)
    assert model.init_note_.startswith(
        "its fine-tuning follows learning rate, epochs, batch size (the learning "
        "rate times 0.03, for at most 30 steps)"
    )
    zero_shot = ConvLSTMForecaster(
        horizon=3, init="pretrained", fine_tune=False, learning_rate=0.01
    ).fit(y)
    assert "fine-tuning follows" not in (zero_shot.init_note_ or "")


def test_a_panel_refuses_a_lookback_longer_than_its_longest_series():
    panel = pd.concat(
        [
            pd.DataFrame({"series": s, "time": y.index, "value": y.to_numpy()})
            for s, y in (("a", _monthly(40)), ("b", _monthly(30)))
        ]
    )
    model = ConvLSTMForecaster(horizon=3, init="scratch", lookback=60, epochs=1)
    with pytest.raises(DataError, match="longest series has 40 points.*at most 37"):
        model.fit(panel)


def test_the_length_message_says_when_the_lookback_is_automatic():
    with pytest.raises(DataError, match="with an automatic lookback and horizon 3"):
        ConvLSTMForecaster(horizon=3, init="scratch").fit(_monthly(8))


def test_a_backtest_too_long_for_the_series_says_what_fits():
    with pytest.raises(DataError, match=r"choose at most 1 fold of 30 steps or "):
        compare(_monthly(60), models=["ETS"], horizon=30, folds=2)


def test_saving_and_loading_a_model_where_it_cannot_be_done_is_a_data_error(tmp_path):
    model = ConvLSTMForecaster(horizon=3, init="pretrained", fine_tune=False)
    model.fit(_monthly(40))
    for where in (tmp_path / "missing" / "m.zip", tmp_path):
        with pytest.raises(DataError, match="cannot write the model file"):
            model.save(where)
    model.save(tmp_path / "m.zip")
    with (
        open(tmp_path / "m.zip", encoding="utf-8") as text,
        pytest.raises(DataError, match="binary mode"),
    ):
        ConvLSTMForecaster.from_bytes(text)


def test_an_unknown_engine_is_refused_also_in_one_process():
    with pytest.raises(ParameterError, match="unknown engine 'foo'"):
        compare(_monthly(), models=["Naive"], horizon=3, folds=1, engine="foo")


def test_a_panel_sample_refuses_a_negative_seed():
    from convlstm import compare_panel

    panel = pd.concat(
        [
            pd.DataFrame({"series": s, "time": y.index, "value": y.to_numpy()})
            for s, y in (("a", _monthly(40)), ("b", _monthly(36)), ("c", _monthly(30)))
        ]
    )
    with pytest.raises(ParameterError, match="seed must be a whole number >= 0"):
        compare_panel(panel, models=["Naive"], horizon=3, max_series=2, seed=-1)


def test_a_horizon_among_the_settings_is_refused_with_where_it_goes():
    y = _monthly()
    for params in ({"horizon": 3}, {"Theta": {"horizon": 3}}):
        with pytest.raises(ParameterError, match="horizon is not a setting of one"):
            compare(y, models=["Theta"], horizon=6, folds=1, params=params)
    with pytest.raises(ParameterError, match="horizon is not a setting of one"):
        EnsembleForecaster(horizon=6, member_params={"horizon": 3}).fit(y)


@pytest.mark.parametrize(
    "model",
    [
        ConvLSTMForecaster(horizon=6, epochs=1, init="scratch", device="cpu"),
        ConvLSTMForecaster(horizon=6, epochs=1, device="cpu"),  # both starts
        EnsembleForecaster(horizon=6, members=["Naive", "Seasonal naive"]),
    ],
    ids=["scratch", "auto", "ensemble"],
)
def test_a_horizon_set_after_fit_asks_for_a_new_fit(model):
    # statistical models forecast the new horizon; these forecast what they were
    # fitted for, and kept the old horizon unsaid
    y = _monthly(60)
    model.fit(y)
    model.set_params(horizon=12)
    with pytest.raises(ParameterError, match="fitted to forecast 6 steps"):
        model.predict()
    assert len(model.fit(y).predict()) == 12


def test_a_misspelt_model_name_is_refused_with_the_nearest_model():
    with pytest.raises(ParameterError, match="no model is called 'Thetta'.*'Theta'"):
        compare(_monthly(), models=["Theta"], horizon=3, folds=1, params={"Thetta": {}})


def test_two_levels_of_one_name_are_refused():
    from convlstm.intervals import check_levels

    with pytest.raises(ParameterError, match="both the 80% interval"):
        check_levels((0.8, 0.8000001))
    assert check_levels((0.95, 0.8, 0.8)) == [0.8, 0.95]
