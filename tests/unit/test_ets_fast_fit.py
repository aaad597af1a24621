"""ETS candidates are fitted faster than by statsmodels' ETSModel.fit, to the same
parameters: same start, same L-BFGS-B iterates, same finite-difference gradient.

Bit-for-bit equality holds with the pinned numpy/scipy/statsmodels; a new release
that changes scipy's finite differences or statsmodels' likelihood fails here first.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from convlstm.models import ets
from convlstm.models.ets import ETSForecaster


def _series(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
    return (100 + 0.8 * t) * season * (1 + rng.normal(0, 0.05, n))


SPECS = [
    dict(error="add", trend=None, damped_trend=False, seasonal=None),
    dict(error="add", trend="add", damped_trend=True, seasonal="add"),
    dict(error="mul", trend=None, damped_trend=False, seasonal="add"),
    dict(error="mul", trend="add", damped_trend=True, seasonal="mul"),
    dict(error="mul", trend="add", damped_trend=False, seasonal=None),
]


def _fit(cls, z, spec, init, **fit_kwargs):
    seasonal = spec["seasonal"]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        model = cls(
            z,
            seasonal_periods=12 if seasonal else None,
            initialization_method=init,
            **spec,
        )
        return model.fit(disp=False, **fit_kwargs)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: str(tuple(s.values())))
@pytest.mark.parametrize(("n", "init"), [(24, "estimated"), (48, "heuristic")])
def test_fast_fit_is_statsmodels_fit_to_the_last_bit(spec, n, init):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    z = _series(n)
    ref = _fit(ETSModel, z, spec, init)
    fast = _fit(ets._fast_model_class(), z, spec, init)
    np.testing.assert_array_equal(fast.params, ref.params)
    assert fast.llf == ref.llf and fast.aicc == ref.aicc
    np.testing.assert_array_equal(fast.forecast(12), ref.forecast(12))
    for key in ("iterations", "fcalls", "warnflag", "converged"):
        assert fast.mle_retvals[key] == ref.mle_retvals[key], key


def test_objective_checked_against_statsmodels_falls_back_when_it_differs(
    monkeypatch,
):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    z, spec = _series(24), SPECS[3]
    ref = _fit(ETSModel, z, spec, "estimated")
    monkeypatch.setattr(ets, "_lean_objective", lambda model, fargs: lambda p: 0.0)
    fast = _fit(ets._fast_model_class(), z, spec, "estimated")
    np.testing.assert_array_equal(fast.params, ref.params)


def test_other_optimiser_calls_go_to_statsmodels():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    z, spec = _series(24), SPECS[1]
    seen = []
    ref = _fit(ETSModel, z, spec, "estimated")
    fast = _fit(ets._fast_model_class(), z, spec, "estimated", callback=seen.append)
    assert seen  # statsmodels' own L-BFGS-B ran, with the callback
    np.testing.assert_array_equal(fast.params, ref.params)


@pytest.mark.parametrize(
    "x",
    [
        [0.5, 0.3, 0.9, 120.0, -3.0],  # inside the bounds
        [1e-4, 0.9999, 0.8, 0.0, 5.0],  # on the bounds
        [0.9999 - 5e-9, 1e-4 + 5e-9, 0.98, 1e12, -1e12],  # near them; huge values
    ],
)
def test_fd_steps_are_scipys(x):
    from scipy.optimize._numdiff import approx_derivative

    x0 = np.array(x)
    lb = np.array([1e-4, 1e-4, 0.8, -np.inf, -np.inf])
    ub = np.array([0.9999, 0.9999, 0.98, np.inf, np.inf])
    called = []

    def f(p):
        called.append(p.copy())
        return float(np.sum(p))

    approx_derivative(f, x0, method="2-point", abs_step=1e-8, bounds=(lb, ub), f0=f(x0))
    scipy_points = np.array([p[i] for i, p in enumerate(called[1:])])
    ours = [xi + hi for xi, hi in zip(x0, ets._fd_steps(x0, lb, ub), strict=True)]
    np.testing.assert_array_equal(ours, scipy_points)


def test_chosen_model_is_a_plain_statsmodels_result_with_standard_errors():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    idx = pd.date_range("2015-01-31", periods=36, freq="ME")
    y = pd.Series(_series(36, seed=3), index=idx)
    model = ETSForecaster(horizon=6).fit(y)
    assert type(model._result.model) is ETSModel
    assert np.isfinite(model._result.cov_params()).any()
    assert model._result.mle_retvals["converged"] in (True, False)
    again = pickle.loads(pickle.dumps(model))  # panel workers send fits back
    pd.testing.assert_series_equal(again.predict(), model.predict())
