"""Reproducibility record: fingerprint stability, JSON round trip, re-run comparison."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from convlstm.errors import DataError
from convlstm.record import (
    compare_results,
    data_fingerprint,
    make_record,
    networks_used,
    record_from_json,
    record_to_json,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def y():
    s = pd.Series(
        np.linspace(100.0, 130.0, 36),
        index=pd.date_range("2001-01-01", periods=36, freq="MS"),
        name="passengers",
    )
    s.attrs["notes"] = ["picked column 'month' as time", "filled 1 missing timestamp"]
    return s


def test_fingerprint_fields(y):
    fp = data_fingerprint(y)
    assert set(fp) == {"sha256", "length", "start", "end", "freq", "name", "notes"}
    assert len(fp["sha256"]) == 64
    assert fp["length"] == 36
    assert fp["start"] == "2001-01-01T00:00:00"
    assert fp["end"] == "2003-12-01T00:00:00"
    assert fp["freq"] == "MS"
    assert fp["name"] == "passengers"
    assert fp["notes"] == y.attrs["notes"]
    json.dumps(fp)


def test_fingerprint_is_stable(y):
    sha = data_fingerprint(y)["sha256"]
    assert data_fingerprint(y.copy())["sha256"] == sha
    assert data_fingerprint(y.rename("other"))["sha256"] == sha
    second_unit = pd.Series(y.to_numpy(), index=y.index.as_unit("s"))
    assert data_fingerprint(second_unit)["sha256"] == sha


def test_fingerprint_is_sensitive(y):
    sha = data_fingerprint(y)["sha256"]
    changed = y.copy()
    changed.iloc[17] += 1e-9
    assert data_fingerprint(changed)["sha256"] != sha
    shifted = y.copy()
    shifted.index = shifted.index + pd.offsets.MonthBegin(1)
    assert data_fingerprint(shifted)["sha256"] != sha
    assert data_fingerprint(y.iloc[:-1])["sha256"] != sha
    utc = y.tz_localize("UTC")
    assert data_fingerprint(utc)["sha256"] != sha


@pytest.mark.parametrize("start", ["1659-01-01", "2250-01-01"])
def test_fingerprint_of_dates_beyond_nanoseconds(start):
    # a series from 1659 (or one whose index runs past 2262) cannot be held in
    # nanoseconds: it is hashed in seconds, still stable and sensitive
    index = pd.date_range(start, periods=40, freq="YS", unit="s")
    y = pd.Series(np.arange(40.0), index=index)
    fp = data_fingerprint(y)
    assert fp["start"] == f"{start}T00:00:00"
    assert data_fingerprint(y.copy())["sha256"] == fp["sha256"]
    changed = y.copy()
    changed.iloc[3] += 1
    assert data_fingerprint(changed)["sha256"] != fp["sha256"]


def test_fingerprint_rejects_non_series():
    with pytest.raises(DataError, match="Series"):
        data_fingerprint([1.0, 2.0])


def make(y, **kw):
    args = {
        "params": {"hidden_size": 16, "kernel_size": (3,), "lr": np.float32(0.5)},
        "models": ("ConvLSTM", "ARIMA"),
        "horizon": 12,
        "folds": 3,
        "seed": 0,
        "device": "cpu",
    }
    args.update(kw)
    return make_record(y, **args)


def test_make_record_is_json_and_complete(y):
    rec = make(y, extra={"dataset": "air_passengers", "when": pd.Timestamp("2020")})
    text = json.dumps(rec, allow_nan=False)  # plain JSON types only
    assert json.loads(text) == rec
    assert rec["schema"] == 1
    assert rec["data"] == data_fingerprint(y)
    assert rec["models"] == ["ConvLSTM", "ARIMA"]
    assert (rec["horizon"], rec["folds"], rec["seed"], rec["device"]) == (
        12,
        3,
        0,
        "cpu",
    )
    assert rec["parameters"] == {"hidden_size": 16, "kernel_size": [3], "lr": 0.5}
    assert rec["extra"] == {"dataset": "air_passengers", "when": "2020-01-01T00:00:00"}
    assert set(rec["versions"]) == {
        "python",
        "numpy",
        "pandas",
        "scipy",
        "statsmodels",
        "torch",
        "plotly",
        "convlstm",
    }
    assert rec["versions"]["numpy"] == np.__version__
    assert rec["versions"]["pandas"] == pd.__version__
    assert rec["versions"]["convlstm"]
    assert set(rec["platform"]) == {
        "system",
        "release",
        "machine",
        "python_implementation",
    }
    created = dt.datetime.fromisoformat(rec["created_utc"])
    assert created.utcoffset() == dt.timedelta(0)


def test_versions_do_not_import_torch():
    code = (
        "import sys; from convlstm.record import package_versions; "
        "v = package_versions(); print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_json_round_trip(y):
    rec = make(y)
    text = record_to_json(rec)
    assert record_from_json(text) == rec
    assert record_from_json(text.encode()) == rec


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"seed": 1}'])
def test_record_from_json_rejects_bad_text(text):
    with pytest.raises(DataError, match="record"):
        record_from_json(text)


@pytest.fixture
def summary():
    return pd.DataFrame(
        {
            "mae": [10.0, 12.5],
            "rmse": [13.0, 15.0],
            "mape": [4.0, np.nan],
            "fit_seconds": [3.2, 0.1],
            "best": [True, False],
        },
        index=pd.Index(["ConvLSTM", "ARIMA"], name="model"),
    )


def test_compare_results_identical_and_within_tolerance(summary):
    same, diffs = compare_results(summary, summary.copy())
    assert same and diffs.empty
    assert list(diffs.columns) == ["model", "metric", "a", "b", "abs_diff", "rel_diff"]
    rerun = summary.copy()
    rerun["mae"] *= 1 + 1e-9
    rerun["fit_seconds"] = [9.9, 9.9]  # timings never reproduce
    assert compare_results(summary, rerun)[0]
    assert compare_results(summary.reset_index(), rerun)[0]


def test_compare_results_reports_differences(summary):
    rerun = summary.copy()
    rerun.loc["ARIMA", "rmse"] = 15.1
    rerun.loc["ARIMA", "mape"] = 3.0
    same, diffs = compare_results(summary, rerun)
    assert not same
    assert list(zip(diffs.model, diffs.metric, strict=True)) == [
        ("ARIMA", "rmse"),
        ("ARIMA", "mape"),
    ]
    row = diffs.iloc[0]
    assert (row.a, row.b) == (15.0, 15.1)
    assert row.abs_diff == pytest.approx(0.1)
    assert row.rel_diff == pytest.approx(0.1 / 15.1)
    assert not compare_results(summary, summary, rtol=0, atol=0, ignore=())[1].shape[0]


def test_compare_results_missing_model_or_flag_change(summary):
    same, diffs = compare_results(summary, summary.drop(index="ARIMA"))
    assert not same and set(diffs.model) == {"ARIMA"}
    flipped = summary.copy()
    flipped["best"] = [False, True]
    same, diffs = compare_results(summary, flipped)
    assert not same and set(diffs.metric) == {"best"}


def test_compare_results_refuses_a_model_listed_twice(summary):
    twice = pd.concat([summary, summary.iloc[:1]])
    with pytest.raises(DataError, match="more than one row of model 'ConvLSTM'"):
        compare_results(twice, summary)


def test_rerun_of_a_record_without_a_fingerprint_says_so(y):
    from convlstm import rerun

    with pytest.raises(DataError, match="no fingerprint of its data"):
        rerun(y, {"models": ["Naive"], "horizon": 3, "folds": 1})


class _Net:
    """A fitted model's face as networks_used reads it."""

    def __init__(self, hidden, start=None, partner=None, fine_tune=True):
        self.hidden, self.start_, self.partner_ = hidden, start, partner
        self.fine_tune = fine_tune

    def architecture(self):
        return {"kernel_size": (3, 3), "hidden_size": self.hidden, "num_layers": 2}


def test_networks_used_reads_the_fitted_shapes_not_the_settings():
    from convlstm.narrative import network_words

    used = networks_used(
        {
            "ConvLSTM": _Net(16, "both", partner=_Net(32)),
            "Pre": _Net(32, "pretrained", fine_tune=False),
            "LSTM": _Net(24),
            "ETS": object(),  # no network: left out
        }
    )
    assert set(used) == {"ConvLSTM", "Pre", "LSTM"}
    assert used["ConvLSTM"]["shape"]["hidden_size"] == 16
    assert used["ConvLSTM"]["pretrained_shape"]["hidden_size"] == 32
    assert used["ConvLSTM"]["shape"]["kernel_size"] == [3, 3]  # JSON-ready
    json.dumps(used)
    settings = {"hidden_size": 8, "learning_rate": 0.003, "epochs": 5}
    # a network over a panel is wider than asked: said, not left to puzzle over
    assert network_words(used["LSTM"], settings) == (
        "kernel 3x3, hidden 24 (8 asked: a network over many series has at least "
        "24), learning rate 0.003, 2 layers, up to 5 epochs"
    )
    assert "asked" not in network_words(used["LSTM"], {**settings, "hidden_size": 24})
    assert network_words(used["Pre"], settings) == (
        "the pretrained network (kernel 3x3, hidden 32, 2 layers), zero-shot"
    )
    assert "scratch (kernel 3x3, hidden 16" in network_words(used["ConvLSTM"], {})
    # a pretrained network of several nets says so
    three = {**used["Pre"], "shape": {**used["Pre"]["shape"], "members": 3}}
    assert network_words(three, settings) == (
        "the pretrained network (kernel 3x3, hidden 32, 2 layers, 3 nets averaged), "
        "zero-shot"
    )
    # a fine-tune that kept no step is not called fine-tuned
    kept, tuned = _Net(16, "pretrained"), _Net(16, "pretrained")
    kept.history_, kept.best_epoch_ = [1.0, 1.1], 0
    tuned.history_, tuned.best_epoch_ = [1.0, 0.9], 2
    said = networks_used({"kept": kept, "tuned": tuned})
    assert said["kept"]["tuned"] is False and said["tuned"]["tuned"] is True
    assert network_words(said["tuned"], settings).endswith("), fine-tuned")
    assert "as pretrained (no fine-tuning step lowered" in network_words(
        said["kept"], settings
    )
    # a step budget that capped the epochs is said beside the setting
    capped = _Net(16)
    capped.epochs_allowed_ = 2
    words = network_words(networks_used({"c": capped})["c"], settings)
    assert "up to 5 epochs (2 here: a step budget bounds the training time)" in words
    capped.epochs_allowed_ = 5
    assert "here" not in network_words(networks_used({"c": capped})["c"], settings)
    # both asides, each beside its word (they were run together at the end:
    # "... epochs (2 here: ...) (hidden 8 asked: ...)")
    wide = _Net(24)
    wide.epochs_allowed_ = 2
    words = network_words(networks_used({"w": wide})["w"], settings)
    assert words.startswith("kernel 3x3, hidden 24 (8 asked: a network over many")
    assert words.endswith(
        "up to 5 epochs (2 here: a step budget bounds the training time)"
    )
    assert network_words(None, settings) == (
        "hidden 8, learning rate 0.003, up to 5 epochs"
    )


def test_the_record_tells_code_versions_apart_by_commit(tmp_path):
    from convlstm.record import package_versions, source_commit

    # a checkout: HEAD names a branch whose commit is in a file or packed-refs
    sha = "0123456789abcdef0123456789abcdef01234567"
    pkg = tmp_path / "repo" / "convlstm"
    pkg.mkdir(parents=True)
    git = tmp_path / "repo" / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text(sha + "\n")
    assert source_commit(pkg / "record.py") == sha[:10]
    (git / "refs" / "heads" / "main").unlink()
    (git / "packed-refs").write_text(f"# pack-refs\n{sha} refs/heads/main\n")
    assert source_commit(pkg / "record.py") == sha[:10]
    (git / "HEAD").write_text(sha)  # a detached HEAD
    assert source_commit(pkg / "record.py") == sha[:10]
    # no checkout: none, and the package version alone
    assert source_commit(tmp_path / "elsewhere" / "x" / "record.py") is None
    version = package_versions()["convlstm"]
    assert version and version.split("+g")[0]
