"""Per-series panel fits as Ray tasks give the local numbers, in the same order."""

from __future__ import annotations

import pandas as pd
import pytest

from convlstm import make_model
from tests.unit.test_contract_panel import _panel, _series

pytestmark = [pytest.mark.ray, pytest.mark.timeout(600)]


def test_a_panel_fit_on_ray_equals_local(ray_cluster) -> None:
    panel = _panel({k: _series(i, 40 + 3 * i) for i, k in enumerate("pqrstu")})
    panel.loc[panel.index[panel["series"] == "s"][5], "value"] = float("inf")
    local = make_model("ETS", horizon=6).fit(panel, n_jobs=2, engine="local")
    ray = make_model("ETS", horizon=6).fit(panel, n_jobs=2, engine="ray")
    assert list(ray.series_models_) == list(local.series_models_)
    assert ray.failed_ == local.failed_ and list(ray.failed_) == ["s"]
    pd.testing.assert_frame_equal(local.predict(), ray.predict())
