"""The generalisation check (bench.extra): its series load offline and it reports."""

import math

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
    row = next(line for line in out.splitlines() if line.startswith("nile")).split()
    conv, arima, ratio = (float(v) for v in row[1:4])
    assert math.isclose(ratio, conv / arima, rel_tol=1e-2)
    best, to_best = float(row[-2]), float(row[-1])
    assert " ".join(row[4:-2]) in ("ARIMA", "ETS", "Theta", "Seasonal naive")
    assert best <= arima * (1 + 1e-3)  # the best includes the ARIMA
    assert math.isclose(to_best, conv / best, rel_tol=1e-2)
    assert "geometric mean ConvLSTM / ARIMA" in out
    assert "geometric mean ConvLSTM / the best statistical" in out
