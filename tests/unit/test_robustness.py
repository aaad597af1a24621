"""Training robustness: bad lengths, diverging or exhausted training, odd scales,
constant series and bad parameters all end in a usable model or a clear
``ConvLSTMError``, never a raw torch/numpy traceback. Tiny models, few epochs."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
import torch

from convlstm import (
    ARIMAForecaster,
    ConvLSTMError,
    ConvLSTMForecaster,
    DataError,
    LSTMForecaster,
    NaiveForecaster,
    ParameterError,
    SeasonalNaiveForecaster,
    TrainingError,
    backtest,
    compare,
    training,
)
from convlstm.cli import main as cli_main

TINY = {
    "hidden_size": 4,
    "num_layers": 1,
    "epochs": 3,
    "batch_size": 16,
    "device": "cpu",
}
NEURAL = {"ConvLSTM": ConvLSTMForecaster, "LSTM": LSTMForecaster}
# the ConvLSTM trained from scratch (its default, init="auto", may start from the
# pretrained network instead): for the checks of the training itself
SCRATCH = {"init": "scratch"}


def scratch(name: str) -> dict:
    return SCRATCH if name == "ConvLSTM" else {}


def monthly(n: int = 72, *, base: float = 100.0, amp: float = 10.0, seed: int = 0):
    """A monthly series: level ``base``, yearly wave of amplitude ``amp``, noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    wave = np.sin(2 * np.pi * t / 12) + 0.1 * rng.standard_normal(n) + 0.01 * t
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(base + amp * wave, index=idx, name="value")


def make(name: str, horizon: int = 12, **params):
    """A fresh forecaster called ``name`` with tiny settings."""
    if name in NEURAL:
        return NEURAL[name](horizon=horizon, **{**TINY, **params})
    if name == "ARIMA":
        return ARIMAForecaster(horizon=horizon, **params)
    if name == "Seasonal naive":
        return SeasonalNaiveForecaster(horizon=horizon, **params)
    return NaiveForecaster(horizon=horizon, **params)


ALL = ("ConvLSTM", "LSTM", "ARIMA", "Seasonal naive", "Naive")


def minimum_in(message: str) -> int:
    match = re.search(r"needs at least (\d+)", message)
    assert match, f"no minimum length in: {message}"
    return int(match.group(1))


# ------------------------------------------------------------ too short


@pytest.mark.parametrize(
    ("name", "params", "n"),
    [
        ("ConvLSTM", SCRATCH, 7),
        ("ConvLSTM", {"lookback": 24, **SCRATCH}, 7),
        ("LSTM", {}, 7),
        ("LSTM", {"lookback": 30}, 7),
        ("ARIMA", {}, 4),  # from 5 points, as ETS and Theta
        ("Seasonal naive", {}, 7),
    ],
)
def test_too_short_series_states_a_minimum_that_is_enough(name, params, n):
    with pytest.raises(DataError) as info:
        make(name, **params).fit(monthly(n))
    message = str(info.value)
    assert f"{n} points" in message
    need = minimum_in(message)
    # the stated minimum is exact: one point fewer fails, that many points fit
    with pytest.raises(DataError, match=f"needs at least {need}"):
        make(name, **params).fit(monthly(need - 1))
    pred = make(name, **params).fit(monthly(need)).predict()
    assert len(pred) == 12 and np.isfinite(pred).all()


def test_backtest_too_short_states_minimum():
    models = [SeasonalNaiveForecaster(), NaiveForecaster()]
    with pytest.raises(DataError) as info:
        backtest(models, monthly(30), 12, 3)
    need = minimum_in(str(info.value))
    assert "3 folds x 12 steps" in str(info.value)
    with pytest.raises(DataError):
        backtest(models, monthly(need - 1), 12, 3)
    assert backtest(models, monthly(need), 12, 3).summary["mae"].notna().all()


def test_compare_too_short_for_a_neural_model_names_fold_and_minimum():
    # the ConvLSTM from scratch cannot train on the first fold: it is left out
    # with why (the fold and the minimum), the seasonal naive forecast still runs
    params = {**TINY, "ConvLSTM": SCRATCH}

    def both(n: int, settings: dict):
        models = ("ConvLSTM", "Seasonal naive")
        return compare(monthly(n), models=models, horizon=12, folds=2, params=settings)

    left = both(48, params)
    assert list(left.summary.index) == ["Seasonal naive"]
    message = left.left_out["ConvLSTM"]
    assert message.startswith("failed: ConvLSTM") and "fold 1/2" in message
    need = minimum_in(message)  # points the first fold must train on
    with pytest.raises(DataError, match="fold 1/2"):  # alone, it is an error
        compare(monthly(48), models=("ConvLSTM",), horizon=12, folds=2, params=params)
    enough = both(need + 2 * 12, params)
    assert np.isfinite(enough.future["forecast"]).all()
    # by default (init="auto") a fold too short to train from scratch on starts
    # from the pretrained network
    short = both(48, TINY)
    assert np.isfinite(short.future["forecast"]).all()
    assert np.isfinite(short.summary.loc["ConvLSTM", "mae"])


@pytest.mark.parametrize(("horizon", "folds"), [(0, 1), (12, -1), (-3, 2), (2.5, 1)])
def test_compare_bad_horizon_or_folds(horizon, folds):
    with pytest.raises(ParameterError, match="horizon|folds"):
        compare(monthly(), models=("Naive",), horizon=horizon, folds=folds)


# ------------------------------------------------------------ non-finite loss


def _nan_from(monkeypatch, first_bad_epoch: int) -> None:
    """Make every training epoch from ``first_bad_epoch`` on report a NaN loss."""
    real = training._train_epoch
    calls = {"n": 0}

    def epoch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= first_bad_epoch:
            return float("nan")
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "_train_epoch", epoch)


def test_nan_loss_in_first_epoch_without_fallback_suggests_lower_lr(monkeypatch):
    # both forecasters' nets have a solved skip (see below); a bare LSTM net has none
    _nan_from(monkeypatch, 1)
    monkeypatch.setattr(
        LSTMForecaster,
        "linear_options",
        lambda self: {"ar_skip": False, "anchor_period": 0},
    )
    with pytest.raises(TrainingError, match="lower learning rate"):
        make("LSTM").fit(monthly())


@pytest.mark.parametrize("name", sorted(NEURAL))
def test_nan_loss_after_good_epochs_keeps_best_weights(monkeypatch, name):
    _nan_from(monkeypatch, 3)
    model = make(name, epochs=10, **scratch(name)).fit(monthly())
    assert model.stopped_early_
    assert len(model.history_) == 2  # the two good epochs
    assert model.best_epoch_ <= 2
    pred = model.predict()
    assert np.isfinite(pred).all()


@pytest.mark.parametrize("name", sorted(NEURAL))
def test_nan_in_first_epoch_keeps_solved_linear_part(monkeypatch, name):
    # the AR skip (the ConvLSTM's and the LSTM's alike) is solved before epoch 1:
    # that is a good "epoch 0"
    _nan_from(monkeypatch, 1)
    model = make(name).fit(monthly())
    assert model.best_epoch_ == 0 and model.stopped_early_
    assert np.isfinite(model.predict()).all()


@pytest.mark.parametrize("name", sorted(NEURAL))
def test_highest_learning_rate_trains_or_fails_clearly(name):
    try:
        pred = make(name, learning_rate=1.0, epochs=15).fit(monthly()).predict()
    except TrainingError as exc:
        assert "learning rate" in str(exc)
    else:
        assert np.isfinite(pred).all()


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("amp", [1e200, 1e300])
def test_values_that_overflow_give_clear_error_or_finite_forecast(name, amp):
    # finite values whose squares overflow float64: std, loss and MLE blow up
    y = monthly(base=0.0, amp=amp)
    try:
        pred = make(name).fit(y).predict()
    except ConvLSTMError:
        return
    assert np.isfinite(pred.to_numpy()).all(), pred.to_numpy()[:3]


# ------------------------------------------------------------ out of memory


@pytest.mark.parametrize(
    "exc",
    [
        torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
        RuntimeError("CUDA out of memory. Tried to allocate 20.00 MiB"),
        # what torch raises when the CPU allocator fails
        RuntimeError(
            "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't "
            "allocate memory: you tried to allocate 68719476736 bytes. Error code 12 "
            "(Cannot allocate memory)"
        ),
        MemoryError(),
    ],
    ids=["cuda-oom-error", "cuda-oom-runtime", "cpu-allocator", "memory-error"],
)
@pytest.mark.parametrize("name", sorted(NEURAL))
def test_out_of_memory_becomes_training_error(monkeypatch, name, exc):
    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(training, "_train_epoch", boom)
    with pytest.raises(TrainingError) as info:
        make(name).fit(monthly())
    message = str(info.value)
    assert "batch_size" in message and "hidden_size" in message
    assert "device='cpu'" not in message  # it trains on the CPU already


def test_out_of_memory_in_compare_reaches_caller_as_training_error(monkeypatch):
    def boom(*args, **kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    monkeypatch.setattr(training, "_train_epoch", boom)
    with pytest.raises(TrainingError, match="smaller batch_size"):
        compare(monthly(), models=("LSTM",), horizon=12, folds=1, params=TINY)


# ------------------------------------------------------------ stopping early


@pytest.mark.parametrize("name", sorted(NEURAL))
def test_callback_stop_keeps_a_usable_model(name):
    seen = []

    def callback(epoch, epochs, train_loss, val_loss):
        seen.append(epoch)
        return epoch >= 2

    model = make(name, epochs=500, **scratch(name)).fit(monthly(), callback=callback)
    assert seen == [1, 2]
    assert model.stopped_early_
    pred = model.predict()
    assert len(pred) == 12 and np.isfinite(pred).all()
    # usable again: a refit without the callback works too
    assert np.isfinite(model.fit(monthly()).predict()).all()


def test_compare_progress_stop_finishes_with_finite_forecasts():
    def progress(event):
        return event.epoch is not None and event.epoch >= 1

    result = compare(
        monthly(),
        models=("ConvLSTM", "LSTM", "Seasonal naive"),
        horizon=12,
        folds=1,
        params={**TINY, "epochs": 500},
        progress=progress,
    )
    assert np.isfinite(result.future["forecast"]).all()
    assert all(len(h) == 1 for h in result.histories.values())


# ------------------------------------------------------------ scales


# (a, b): the test series is ``a * y + b`` for a wave of amplitude 10 around 100
POSITIVE_SCALINGS = [
    pytest.param(1e-7, 0.0, id="tiny-1e-6"),
    pytest.param(1e8, 0.0, id="huge-1e9"),
    pytest.param(1.0, -1e4, id="negative-offset"),
    pytest.param(0.1, 1e9, id="1e9-plus-small-wiggle"),
]
SCALINGS = [
    *POSITIVE_SCALINGS,
    pytest.param(-1.0, 0.0, id="negative"),
    pytest.param(-1e7, -1e9, id="negative-huge"),
]


@pytest.mark.parametrize(("a", "b"), POSITIVE_SCALINGS)
@pytest.mark.parametrize("name", ["ConvLSTM", "LSTM", "Seasonal naive"])
def test_forecasts_follow_the_data_units(name, a, b):
    """Forecasting ``a*y + b`` (a > 0) gives ``a * forecast(y) + b``: each window
    is normalised, so the units of the data must not change what is learned."""
    y = monthly()
    ref = make(name).fit(y).predict().to_numpy()
    pred = make(name).fit(a * y + b).predict().to_numpy()
    assert np.isfinite(pred).all()
    wiggle = a * 10.0  # amplitude of the scaled series' wave
    np.testing.assert_allclose(pred, a * ref + b, rtol=0, atol=0.05 * wiggle)


@pytest.mark.parametrize(("a", "b"), SCALINGS)
@pytest.mark.parametrize("name", ALL)
def test_forecast_quality_does_not_depend_on_scale(name, a, b):
    """Holdout MAE in the data's units stays within a few times the naive
    forecast's MAE, whatever the scale, sign or offset; forecasts stay in the
    data's range (same order of magnitude, right sign)."""
    y = a * monthly(96) + b
    train, test = y.iloc[:-12], y.iloc[-12:].to_numpy()
    pred = make(name).fit(train).predict().to_numpy()
    assert np.isfinite(pred).all()
    lo, hi = float(train.min()), float(train.max())
    span = hi - lo
    assert (pred >= lo - span).all() and (pred <= hi + span).all(), (pred, lo, hi)
    naive = np.abs(make("Naive").fit(train).predict().to_numpy() - test).mean()
    mae = np.abs(pred - test).mean()
    assert mae <= 3 * naive, f"{name}: MAE {mae:.4g} vs naive {naive:.4g}"


@pytest.mark.parametrize("value", [0.0, 42.0, -7.5, 1e9, 1e-9])
@pytest.mark.parametrize("name", ALL)
def test_constant_series_forecasts_the_constant(name, value):
    idx = pd.date_range("2000-01-01", periods=60, freq="MS")
    y = pd.Series(value, index=idx, name="flat")
    pred = make(name).fit(y).predict().to_numpy()
    assert np.isfinite(pred).all()
    # within 1% of the level (absolute 0.01 for a level of 0)
    np.testing.assert_allclose(pred, value, rtol=0, atol=0.01 * max(abs(value), 1.0))


# ------------------------------------------------------------ bad parameters


BAD_NEURAL = [
    ({"kernel_size": 2}, "kernel_size"),
    ({"kernel_size": 4}, "kernel_size"),
    ({"kernel_size": 0}, "kernel_size"),
    ({"kernel_size": -3}, "kernel_size"),
    ({"kernel_size": 9}, "kernel_size"),
    ({"kernel_size": (3, 2)}, "kernel_size"),
    ({"kernel_size": 3.0}, "kernel_size"),
    ({"kernel_size": "3"}, "kernel_size"),
    ({"hidden_size": 0}, "hidden_size"),
    ({"hidden_size": -4}, "hidden_size"),
    ({"hidden_size": 2.5}, "hidden_size"),
    ({"hidden_size": 10**6}, "hidden_size"),
    ({"learning_rate": 0}, "learning rate"),
    ({"learning_rate": -1e-3}, "learning rate"),
    ({"learning_rate": float("nan")}, "learning rate"),
    ({"learning_rate": float("inf")}, "learning rate"),
    ({"learning_rate": 5.0}, "learning rate"),
    ({"epochs": 0}, "epochs"),
    ({"epochs": -1}, "epochs"),
    ({"horizon": 0}, "horizon"),
    ({"horizon": -2}, "horizon"),
    ({"horizon": 1.5}, "horizon"),
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": -8}, "batch_size"),
    ({"num_layers": 0}, "num_layers"),
    ({"lookback": 0}, "lookback"),
    ({"lookback": -5}, "lookback"),
    ({"seed": -1}, "seed"),
    ({"dropout": 1.0}, "dropout"),
    ({"patience": 0}, "patience"),
    ({"season_length": 0}, "season_length"),
    ({"activation": "swish!"}, "activation"),
    ({"activation": None}, "activation"),
    ({"device": "tpu"}, "device"),
    ({"device": ""}, "device"),
    ({"device": None}, "device"),
    ({"device": "cuda:99"}, "cuda"),
]


# The LSTM has no kernel or activation: those cases apply to the ConvLSTM only.
BAD_NEURAL_CASES = [
    pytest.param(name, params, word, id=f"{name}-{params!r}")
    for name in sorted(NEURAL)
    for params, word in BAD_NEURAL
    if not (name == "LSTM" and set(params) & {"kernel_size", "activation"})
]


@pytest.mark.parametrize(("name", "params", "word"), BAD_NEURAL_CASES)
def test_bad_parameter_is_a_clear_library_error(name, params, word):
    with pytest.raises(ConvLSTMError) as info:
        make(name, **params).fit(monthly())
    assert word in str(info.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
@pytest.mark.parametrize("name", sorted(NEURAL))
def test_cuda_on_a_cpu_machine_is_a_clear_error(name):
    with pytest.raises(ParameterError, match="no CUDA GPU is available"):
        make(name, device="cuda").fit(monthly())


@pytest.mark.parametrize(
    "params",
    [{"season_length": 0}, {"season_length": -1}, {"season_length": 2.5}],
)
@pytest.mark.parametrize("name", ["ARIMA", "Seasonal naive"])
def test_bad_baseline_parameter_is_a_clear_library_error(name, params):
    with pytest.raises(ParameterError, match="season_length"):
        make(name, **params).fit(monthly())


@pytest.mark.parametrize("name", ["ARIMA", "Seasonal naive", "Naive"])
@pytest.mark.parametrize("horizon", [0, -1, 2.5])
def test_bad_baseline_horizon(name, horizon):
    with pytest.raises(ParameterError, match="horizon"):
        make(name, horizon=horizon).fit(monthly())


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"kernel_size": 4}, "kernel_size"),
        ({"hidden_size": 0}, "hidden_size"),
        ({"learning_rate": -1.0}, "learning rate"),
        ({"activation": "nope"}, "activation"),
        ({"device": "tpu"}, "device"),
    ],
)
def test_bad_parameter_through_compare(params, word):
    with pytest.raises(ConvLSTMError, match=word):
        compare(
            monthly(),
            models=("ConvLSTM", "Seasonal naive"),
            horizon=12,
            folds=1,
            params={**TINY, **params},
        )


@pytest.mark.parametrize(
    "flags",
    [
        ["--kernel-size", "4"],
        ["--hidden-size", "0"],
        ["--learning-rate", "0"],
        ["--epochs", "0"],
        ["--batch-size", "0"],
        ["--horizon", "0"],
        ["--device", "tpu"],
        ["--kernel-size", "two"],
    ],
)
def test_bad_cli_parameter_exits_2_without_traceback(flags, capsys):
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(
        ["forecast", "--dataset", "air_passengers", "--epochs", "1", *flags],
        stdout=out,
        stderr=err,
    )
    # argparse's own usage errors go to sys.stderr, the library's to ``err``
    text = err.getvalue() + capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in text
    assert "error" in text


# ------------------------------------------------------------ concurrent sessions


def test_overlapping_training_runs_restore_the_thread_count():
    """The app trains several users' models at once in one process. Two runs
    whose compute contexts overlap (A starts, B starts, A ends, B ends) must
    leave torch's process-wide thread count as it was before both."""
    net = torch.nn.Linear(4, 2)  # small: each run asks for 1 thread
    cpu = torch.device("cpu")
    before = torch.get_num_threads()
    if before < 2:
        torch.set_num_threads(2)
        before = 2
    try:
        first = training.compute_context(net, cpu)
        second = training.compute_context(net, cpu)
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)
        assert torch.get_num_threads() == before
    finally:
        torch.set_num_threads(before)


def test_a_stop_during_the_auto_start_check_ends_the_fit_with_a_usable_model():
    # init="auto" fits two starts before the kept one: a stop asked during the
    # first is not undone by the others (each later fit stops at once)
    seen = []

    def callback(epoch, epochs, train_loss, val_loss):
        seen.append((epoch, epochs))
        return True

    model = make("ConvLSTM", epochs=500).fit(monthly(120), callback=callback)
    assert model.stopped_early_ and model.start_ == "scratch"
    # the check's scratch fit, then the kept fit (the third of four in a row on a
    # monthly series, which keeps both starts when both are checked: not here)
    assert seen == [(1, 2000), (1001, 2000)]
    assert "partner_" not in model.__dict__
    assert np.isfinite(model.predict()).all()


def test_the_auto_start_reports_its_fits_as_one_run_of_epochs():
    seen = []

    def callback(epoch, epochs, train_loss, val_loss):
        seen.append((epoch, epochs))

    # a monthly series: two checks, then both starts kept (four fits in a row)
    model = make("ConvLSTM", epochs=3).fit(monthly(120), callback=callback)
    assert model.start_ == "both"
    assert {epochs for _, epochs in seen} == {12}
    epochs = [epoch for epoch, _ in seen]
    assert epochs == sorted(set(epochs)) and epochs[-1] > 9  # moves on, never back
    # a yearly one: two checks, then the kept start (three)
    seen.clear()
    y = monthly(120)
    y.index = pd.date_range("1900-01-01", periods=120, freq="YS")
    model = make("ConvLSTM", epochs=3).fit(y, callback=callback)
    assert model.start_ in ("scratch", "pretrained")
    assert {epochs for _, epochs in seen} == {9}
    epochs = [epoch for epoch, _ in seen]
    assert epochs == sorted(set(epochs)) and epochs[-1] > 6


def test_a_series_indexed_by_periods_fits_as_by_their_starts():
    from convlstm import ETSForecaster, datasets

    y = datasets.load("air_passengers")
    periods = y.set_axis(y.index.to_period("M"))
    a = ETSForecaster(horizon=3).fit(periods).predict()
    b = ETSForecaster(horizon=3).fit(y).predict()
    pd.testing.assert_series_equal(a, b)
