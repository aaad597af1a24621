"""The generalisation check (bench.extra): its series load offline and it reports."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from bench import extra


@pytest.mark.parametrize("name", list(extra.SERIES))
def test_extra_series_load_offline_as_regular_series(name):
    y = extra.load_series(name)
    assert isinstance(y.index, pd.DatetimeIndex)
    assert y.index.freq is not None
    assert len(y) >= 80
    assert y.notna().all()


def test_unknown_series_is_refused():
    with pytest.raises(KeyError):
        extra.load_series("nope")


def test_main_runs_one_series_and_writes_the_report(tmp_path):
    out, js = tmp_path / "EXTRA.md", tmp_path / "extra.json"
    assert (
        extra.main(
            ["--series", "nile", "--seeds", "1", "--out", str(out), "--json", str(js)]
        )
        == 0
    )
    text = out.read_text()
    assert "| nile (" in text
    assert "geometric mean ratio" in text
    row = next(line for line in text.splitlines() if line.startswith("| nile ("))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert all(math.isfinite(float(c)) for c in cells[-2:])  # both ratios measured


def test_judge_prints_the_ratios_and_their_geometric_means(capsys):
    from bench import judge

    assert "nile" in judge.names() and "air_passengers" in judge.names()
    assert judge.main(["--series", "nile", "--seeds", "1", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("nile"))
    stat = "(ARIMA|ETS|Theta|Seasonal naive)"
    match = re.fullmatch(
        r"nile"
        + r"\s+(\S+)" * 3
        + rf"\s+{stat}"
        + r"\s+(\S+)" * 4
        + rf"\s+{stat}"
        + r"\s+(\S+)" * 2,
        line.strip(),
    )
    assert match, line
    cells = match.groups()  # three numbers, a name, four, a name, two
    conv, arima, ratio = map(float, cells[0:3])
    best, to_best, median, median_to_best = map(float, cells[4:8])
    picked, to_picked = map(float, cells[9:11])
    assert math.isclose(ratio, conv / arima, rel_tol=1e-2)
    assert best <= arima * (1 + 1e-3)  # the best includes the ARIMA
    assert math.isclose(to_best, conv / best, rel_tol=1e-2)
    assert math.isfinite(median) and median > 0
    assert math.isclose(median_to_best, median / best, rel_tol=1e-2)
    # the pick is one of the four, chosen on the folds before: no better than the best
    assert picked >= best * (1 - 1e-3)
    assert math.isclose(to_picked, conv / picked, rel_tol=1e-2)
    assert "geometric mean ConvLSTM / ARIMA" in out
    assert "geometric mean ConvLSTM / the best statistical" in out
    assert "geometric mean median of ConvLSTM + ETS + Theta / the best" in out
    assert "geometric mean ConvLSTM / the statistical model picked before" in out


def test_the_judges_median_is_taken_step_by_step_and_averaged_over_seeds():
    from bench.judge import median_mae

    actual = np.array([10.0, 10.0])
    seeds = [np.array([13.0, 10.0]), np.array([10.0, 7.0])]
    others = [np.array([11.0, 12.0]), np.array([9.0, 4.0])]
    # seed 0: medians 11 and 10 (errors 1, 0); seed 1: 10 and 7 (errors 0, 3)
    assert median_mae(actual, seeds, others) == (0.5 + 1.5) / 2
