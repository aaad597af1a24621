"""Awkward but legal series and settings end in a forecast or a clear ConvLSTMError:
degenerate data for the statistical models, a model failing inside a comparison,
indexes that are not timestamps, absurd horizons, unwritable --out paths, constant
series in a panel leaderboard, and panels of mixed frequencies."""

from __future__ import annotations

import io
import logging
import time

import numpy as np
import pandas as pd
import pytest

from convlstm import compare, compare_panel
from convlstm.backtest import ModelFailure, backtest, fitting, is_numeric_failure
from convlstm.cli import main
from convlstm.data import future_index, to_panel
from convlstm.errors import ConvLSTMError, DataError, ParameterError
from convlstm.models import arima
from convlstm.models.arima import ARIMAForecaster
from convlstm.models.baselines import NaiveForecaster
from convlstm.models.checks import MAX_HORIZON, check_horizon
from convlstm.models.ets import ETSForecaster
from convlstm.models.theta import ThetaForecaster
from convlstm.panel_compare import ALL_SERIES


def _monthly(values) -> pd.Series:
    values = np.asarray(values, dtype=float)
    index = pd.date_range("2000-01-01", periods=len(values), freq="MS")
    return pd.Series(values, index=index)


def _first_differs() -> pd.Series:
    """4, then 3 for ever: constant after one difference."""
    return _monthly([4.0] + [3.0] * 24)


def _near_constant() -> pd.Series:
    """1e9, with +1e-6 every 7th point: flat up to the last digits."""
    return _monthly([1e9 + (1e-6 if i % 7 == 0 else 0.0) for i in range(40)])


def _tiny() -> pd.Series:
    """A seasonal series around 1e-300."""
    t = np.arange(36)
    wave = 1.0 + 0.1 * np.sin(2 * np.pi * t / 12)
    noise = np.random.default_rng(0).normal(0, 0.01, len(t))
    return _monthly(1e-300 * (wave + noise))


DEGENERATE = {
    "first_differs": _first_differs,
    "near_constant": _near_constant,
    "tiny": _tiny,
}


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _csv(tmp_path, y: pd.Series, name: str = "y.csv") -> str:
    path = tmp_path / name
    pd.DataFrame({"date": y.index.strftime("%Y-%m-%d"), "value": y.values}).to_csv(
        path, index=False
    )
    return str(path)


# ------------------------------------------------ 1. degenerate data, ARIMA
@pytest.mark.parametrize("make", DEGENERATE.values(), ids=DEGENERATE.keys())
@pytest.mark.parametrize("model", [ARIMAForecaster, ETSForecaster, ThetaForecaster])
def test_statistical_models_forecast_degenerate_series(make, model):
    y = make()
    f = model(horizon=6).fit(y).predict()
    assert len(f) == 6 and np.isfinite(f).all()
    top = np.abs(y).max()
    assert (np.abs(f) <= 10 * top).all()  # on the series' own scale


def test_arima_on_a_series_constant_after_differencing_forecasts_that_constant():
    f = ARIMAForecaster(horizon=6).fit(_first_differs()).predict()
    assert np.allclose(f, 3.0)


def test_arima_on_tiny_values_is_the_rescaled_fit():
    y = _tiny()
    tiny = ARIMAForecaster(horizon=6).fit(y)
    unit = ARIMAForecaster(horizon=6).fit(y * 1e300)
    assert tiny.method_ == unit.method_
    assert np.allclose(tiny.predict() * 1e300, unit.predict(), rtol=1e-6)
    assert (tiny.predict() > 0).all()  # not collapsed to zero


def test_arima_near_constant_stays_at_its_level():
    f = ARIMAForecaster(horizon=6).fit(_near_constant()).predict()
    assert np.allclose(f, 1e9, rtol=1e-12, atol=0)


def test_kpss_and_root_checks_survive_degenerate_input():
    assert arima._kpss_p_value(np.zeros(30)) == 1.0
    assert 0 <= arima._kpss_p_value(np.r_[1e-300, np.full(30, 2e-300)]) <= 1
    assert not arima._outside_unit_circle(np.array([1.0, np.inf]))
    assert not arima._outside_unit_circle(np.array([1.0, 1e308, 1e308]))


# --------------------------- 1 + 2. a failing model is left out, not fatal
@pytest.fixture
def y() -> pd.Series:
    t = np.arange(40)
    return _monthly(50 + t + 5 * np.sin(2 * np.pi * t / 12))


def _arima_raises(monkeypatch, exc: Exception) -> None:
    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(arima, "_stepwise", boom)


@pytest.mark.parametrize(
    "exc",
    [
        np.linalg.LinAlgError("Array must not contain infs or NaNs"),
        OverflowError("cannot convert float infinity to integer"),
        ValueError("cannot convert float NaN to integer"),
        FloatingPointError("overflow encountered"),
        ConvLSTMError("the weight file is damaged; reinstall the package"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_compare_leaves_out_a_failing_model_and_runs_the_others(monkeypatch, y, exc):
    _arima_raises(monkeypatch, exc)
    result = compare(y, models=["Naive", "ARIMA"], horizon=3, folds=2, levels=())
    assert list(result.summary.index) == ["Naive"]
    assert str(exc) in result.left_out["ARIMA"]
    assert set(result.future["model"]) == {"Naive"}


def test_compare_leaves_out_a_model_failing_only_in_the_final_fit(monkeypatch, y):
    real = arima._stepwise
    calls = []

    def on_the_whole_series(w, **kwargs):
        calls.append(len(w))
        if len(calls) > 1:  # the backtest's one fold fits first, then the final
            raise ConvLSTMError("damaged weights")
        return real(w, **kwargs)

    monkeypatch.setattr(arima, "_stepwise", on_the_whole_series)
    result = compare(y, models=["Naive", "ARIMA"], horizon=3, folds=1, levels=())
    assert "final fit" in result.left_out["ARIMA"]
    assert "damaged weights" in result.left_out["ARIMA"]


def test_a_programming_error_stays_loud(monkeypatch, y):
    _arima_raises(monkeypatch, TypeError("unsupported operand"))
    with pytest.raises(TypeError):
        compare(y, models=["Naive", "ARIMA"], horizon=3, folds=1, levels=())


def test_the_only_model_failing_numerically_is_a_data_error(monkeypatch, y):
    _arima_raises(monkeypatch, np.linalg.LinAlgError("singular matrix"))
    with pytest.raises(DataError, match="ARIMA.*LinAlgError: singular matrix"):
        backtest({"ARIMA": ARIMAForecaster()}, y, 3, 1)


def test_cli_forecast_prints_a_numeric_failure_as_an_error_line(
    monkeypatch, tmp_path, y
):
    _arima_raises(monkeypatch, np.linalg.LinAlgError("singular matrix"))
    code, out, err = _run(["forecast", "--csv", _csv(tmp_path, y), "--model", "arima"])
    assert code == 2 and out == ""
    assert "error: ARIMA: could not be fitted" in err
    assert "Traceback" not in err


def test_cli_forecast_and_compare_on_a_degenerate_series(tmp_path):
    path = _csv(tmp_path, _first_differs())
    code, out, err = _run(["forecast", "--csv", path, "--model", "arima"])
    assert code == 0, err
    code, out, err = _run(
        ["compare", "--csv", path, "--models", "naive", "ets", "arima", "--folds", "1"]
    )
    assert code == 0, err
    assert "ARIMA" in out and "ETS" in out


def test_panel_compare_reports_a_numeric_failure_on_the_whole_panel():
    class Boom(NaiveForecaster):
        display_name = "Boom"

        def fit_panel(self, panel, **kwargs):
            raise FloatingPointError("overflow encountered in exp")

    out = compare_panel(
        _panel({"a": 30, "b": 30}), models=[NaiveForecaster(), Boom()], horizon=3
    )
    assert "FloatingPointError" in out.failed["Boom"][ALL_SERIES]
    assert out.summary.loc["Naive", "series"] == 2


@pytest.mark.parametrize(
    "exc",
    [
        np.linalg.LinAlgError("Singular matrix"),
        OverflowError("cannot convert float infinity to integer"),
        FloatingPointError("overflow encountered"),
        ZeroDivisionError("float division by zero"),
        ValueError("cannot convert float NaN to integer"),
        ValueError("array must not contain infs or NaNs"),
        ValueError("math domain error"),
        ValueError("zero-size array to reduction operation maximum"),
    ],
    ids=lambda e: f"{type(e).__name__}: {e}",
)
def test_numeric_failures_are_the_models(exc):
    assert is_numeric_failure(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("too many values to unpack (expected 2)"),
        ValueError("zip() argument 2 is shorter than argument 1"),
        ValueError("The truth value of a Series is ambiguous. Use a.empty."),
        ValueError("invalid literal for int() with base 10: 'x'"),
        ValueError("could not convert string to float: 'x'"),
        ValueError("operands could not be broadcast together with shapes (3,) (2,)"),
        ValueError("Length of values (3) does not match length of index (2)"),
        DataError("a data error is not a numeric failure"),
        TypeError("unsupported operand"),
    ],
    ids=lambda e: f"{type(e).__name__}: {e}",
)
def test_programming_errors_are_not_numeric_failures(exc):
    assert not is_numeric_failure(exc)


def test_fitting_turns_a_numeric_failure_into_a_logged_data_error(caplog):
    with (
        caplog.at_level(logging.DEBUG, logger="convlstm.backtest"),
        pytest.raises(ModelFailure, match="ETS, fold 2: could not be") as info,
        fitting("ETS", "fold 2"),
    ):
        raise np.linalg.LinAlgError("Singular matrix")
    assert isinstance(info.value, DataError)
    assert isinstance(info.value.__cause__, np.linalg.LinAlgError)
    assert any(r.exc_info and "ETS" in r.getMessage() for r in caplog.records)
    with pytest.raises(ParameterError), fitting("ETS"):  # ours pass through
        raise ParameterError("bad")


def test_a_programming_value_error_stays_loud_everywhere(monkeypatch, tmp_path, y):
    bug = ValueError("zip() argument 2 is shorter than argument 1")
    _arima_raises(monkeypatch, bug)
    with pytest.raises(ValueError, match="zip") as info:
        compare(y, models=["Naive", "ARIMA"], horizon=3, folds=1, levels=())
    assert not isinstance(info.value, ConvLSTMError)
    with pytest.raises(ValueError, match="zip") as info:
        main(["forecast", "--csv", _csv(tmp_path, y), "--model", "arima"])
    assert not isinstance(info.value, ConvLSTMError)

    class Bug(NaiveForecaster):
        display_name = "Bug"

        def fit_panel(self, panel, **kwargs):
            raise bug

    with pytest.raises(ValueError, match="zip") as info:
        compare_panel(_panel({"a": 30, "b": 30}), models=[Bug()], horizon=3)
    assert not isinstance(info.value, ConvLSTMError)


# ------------------------------------------- 3. indexes that are not times
@pytest.mark.parametrize(
    "index",
    [None, pd.Index([f"2000-{i:02d}" for i in range(1, 41)])],
    ids=["range", "strings"],
)
def test_compare_refuses_an_index_without_timestamps_clearly(index):
    y = pd.Series(np.arange(40.0), index=index)
    with pytest.raises(DataError, match="to_series"):
        compare(y, models=["Naive"], horizon=3, folds=1)
    with pytest.raises(DataError, match="to_series"):
        backtest({"Naive": NaiveForecaster()}, y, 3, 1)


def test_compare_takes_a_period_index_as_its_start_times():
    index = pd.period_range("2000-01", periods=40, freq="M")
    result = compare(
        pd.Series(np.arange(40.0), index=index), models=["Naive"], horizon=3, folds=1
    )
    assert result.future["timestamp"].iloc[0] == pd.Timestamp("2003-05-01")
    assert result.summary.loc["Naive", "mae"] == pytest.approx(2.0)


# ----------------------------------------------------- 4. absurd horizons
def test_horizon_has_an_upper_bound():
    assert check_horizon(MAX_HORIZON) == MAX_HORIZON
    with pytest.raises(ParameterError, match="at most 100,000"):
        check_horizon(MAX_HORIZON + 1)
    with pytest.raises(ParameterError, match="at most"):
        NaiveForecaster(horizon=10**8).fit(_monthly(np.arange(20.0)))


def test_future_index_past_the_last_storable_date_is_a_parameter_error():
    yearly = pd.date_range("2000-01-01", periods=30, freq="YS").as_unit("ns")
    assert future_index(yearly, 200)[-1] == pd.Timestamp("2229-01-01")
    with pytest.raises(ParameterError, match="latest date"):
        future_index(yearly, 300)


def test_compare_checks_the_future_before_fitting(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("fitted before the horizon was checked")

    monkeypatch.setattr(NaiveForecaster, "fit", never)
    index = pd.date_range("2000-01-01", periods=30, freq="YS").as_unit("ns")
    y = pd.Series(np.arange(30.0), index=index)
    with pytest.raises(ParameterError, match="latest date"):
        compare(y, models=["Naive"], horizon=300, folds=1)
    with pytest.raises(ParameterError, match="at most"):
        compare(y, models=["Naive"], horizon=10**6, folds=0)


def test_cli_refuses_a_huge_horizon_at_once(tmp_path):
    index = pd.date_range("2000-01-01", periods=288, freq="15min")
    path = tmp_path / "min15.csv"
    pd.DataFrame({"date": index, "value": np.arange(288.0)}).to_csv(path, index=False)
    start = time.perf_counter()
    code, out, err = _run(
        ["forecast", "--csv", str(path), "--model", "naive", "--horizon", "100000000"]
    )
    assert code == 2 and out == ""
    assert "error: horizon must be at most" in err
    assert time.perf_counter() - start < 20


# -------------------------------------------------------- 6. --out checks
@pytest.mark.parametrize("command", ["forecast", "report"])
def test_out_in_a_missing_folder_fails_before_the_run(monkeypatch, tmp_path, command):
    def never(*args, **kwargs):
        raise AssertionError("ran before --out was checked")

    monkeypatch.setattr(NaiveForecaster, "fit", never)
    path = _csv(tmp_path, _monthly(np.arange(30.0)))
    target = str(tmp_path / "missing" / "f.out")
    argv = [command, "--csv", path, "--out", target]
    argv += ["--model", "naive"] if command == "forecast" else ["--models", "naive"]
    code, _, err = _run(argv)
    assert code == 2
    assert "does not exist" in err and "Errno" not in err


def test_out_that_is_a_folder_is_refused(tmp_path):
    path = _csv(tmp_path, _monthly(np.arange(30.0)))
    code, _, err = _run(
        ["forecast", "--csv", path, "--model", "naive", "--out", str(tmp_path)]
    )
    assert code == 2 and "is a folder" in err


# -------------------------------------- 5. constant series in a panel board
def _panel(lengths: dict[str, int], flat: tuple[str, ...] = ()) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    frames = []
    for name, n in lengths.items():
        t = np.arange(n)
        values = (
            np.full(n, 7.0)
            if name in flat
            else 20 + 3 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
        )
        times = pd.date_range("2000-01-01", periods=n, freq="MS")
        frames.append(pd.DataFrame({"series": name, "time": times, "value": values}))
    return pd.concat(frames, ignore_index=True)


def test_a_constant_series_has_no_mase_for_any_model():
    panel = _panel({"a": 40, "b": 40, "c": 40, "flat": 40}, flat=("flat",))
    out = compare_panel(
        panel, models=["Naive", "ETS", "Theta"], horizon=6, folds=1, levels=()
    )
    rows = out.per_series
    assert rows.loc[rows["series"] == "flat", "mase"].isna().all()
    scored = {
        name: set(rows.loc[(rows["model"] == name) & rows["mase"].notna(), "series"])
        for name in ("Naive", "ETS", "Theta")
    }
    assert scored["Naive"] == scored["ETS"] == scored["Theta"] == {"a", "b", "c"}
    for name in scored:
        finite = rows.loc[rows["model"] == name, "mase"].dropna()
        assert out.summary.loc[name, "mean_mase"] == pytest.approx(finite.mean())
    assert any("'flat'" in note and "MASE" in note for note in out.notes)


# ----------------------------------------------- 7. mixed-frequency panels
def test_mixed_frequency_panel_names_the_series_that_differ():
    monthly = pd.date_range("2000-01-01", periods=36, freq="MS")
    quarterly = pd.date_range("2000-01-01", periods=12, freq="QS")
    frame = pd.concat(
        [
            pd.DataFrame({"id": "M", "date": monthly, "value": np.arange(36.0)}),
            pd.DataFrame({"id": "Q", "date": quarterly, "value": np.arange(12.0)}),
        ]
    )
    with pytest.raises(DataError, match=r"these differ: 'Q' \(QS-JAN\)"):
        to_panel(frame, id_cols="id")
