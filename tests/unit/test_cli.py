"""Command line: commands, outputs, and errors as `error: ...` with exit status 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from convlstm.cli import default_horizon_folds, main, safe_csv

ROOT = Path(__file__).resolve().parents[2]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_datasets_lists_bundled():
    code, out, _ = run(["datasets"])
    assert code == 0
    assert "air_passengers" in out and "electricity" in out
    # the bundled panel too, as --dataset's choices name it: 5 series of 203
    assert "us_macro" in out and "5 x 203" in out


def test_forecast_to_stdout():
    code, out, _ = run(
        ["forecast", "--dataset", "air_passengers", "--model", "seasonal-naive"]
    )
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == ["timestamp", "model", "forecast"]
    assert len(df) == 12  # the dataset's default horizon
    assert df["timestamp"].iloc[0].startswith("1961-01-01")
    assert (df["model"] == "Seasonal naive").all()


def test_forecast_to_file_from_csv(tmp_path):
    src = tmp_path / "in.csv"
    idx = pd.date_range("2020-01-01", periods=40, freq="D")
    pd.DataFrame({"day": idx.strftime("%Y-%m-%d"), "sales": range(40)}).to_csv(
        src, index=False
    )
    dest = tmp_path / "out.csv"
    code, out, err = run(
        ["forecast", "--csv", str(src), "--model", "NAIVE", "--horizon", "3"]
        + ["--value-col", "sales", "--out", str(dest)]
    )
    assert code == 0, err
    assert out == ""
    df = pd.read_csv(dest)
    assert df["forecast"].tolist() == [39.0, 39.0, 39.0]
    assert "wrote 3 forecasts" in err


def test_compare_table_and_json():
    argv = ["compare", "--dataset", "air_passengers", "--models", "naive"]
    argv += ["seasonal-naive", "--horizon", "6", "--folds", "2"]
    code, out, err = run(argv)
    assert code == 0
    assert "MAE" in out and "MASE" in out and "* best" in out
    assert "Seasonal naive" in out
    assert "fold 1/2" in err  # compact progress on a non-terminal stderr
    code, out, _ = run(argv + ["--json", "--quiet"])
    assert code == 0
    payload = json.loads(out)
    assert payload["horizon"] == 6 and payload["folds"] == 2
    assert {row["model"] for row in payload["summary"]} == {"Naive", "Seasonal naive"}
    assert sum(row["best"] for row in payload["summary"]) == 1
    assert len(payload["future"]) == 12


def test_compare_json_holds_the_intervals_their_coverage_and_notes(tmp_path):
    # the intervals the --out file holds, and what was noted building them, were
    # in the CSV only (the notes nowhere)
    argv = ["compare", "--dataset", "air_passengers", "--models", "naive", "ets"]
    argv += ["--horizon", "6", "--folds", "3", "--json", "--quiet"]
    code, out, _ = run(argv)
    assert code == 0
    payload = json.loads(out)
    row = payload["future"][0]
    assert set(row) == {"model", "timestamp", "step", "forecast"} | {
        f"{side}_{level}" for side in ("lower", "upper") for level in (80, 95)
    }
    assert row["step"] == 1 and row["lower_80"] <= row["forecast"] <= row["upper_80"]
    summary = payload["summary"][0]
    assert 0 <= summary["coverage_80"] <= 1 and summary["width_80"] > 0
    assert payload["interval_notes"]  # 3 folds x 6 steps: too few errors per step
    # and the CSV's intervals are explained under it
    code, _, err = run([*argv[:-2], "--quiet", "--out", str(tmp_path / "f.csv")])
    assert code == 0 and "note: intervals: " in err


def test_compare_the_pretrained_convlstm_by_its_loose_name(capsys):
    assert main(["compare", "--help"]) == 0
    assert "ConvLSTM (pretrained)" in " ".join(capsys.readouterr().out.split())
    argv = ["compare", "--dataset", "air_passengers", "--models", "convlstm-pretrained"]
    argv += ["naive", "--horizon", "6", "--folds", "1", "--json", "--quiet"]
    code, out, err = run(argv)
    assert code == 0, err
    payload = json.loads(out)
    models = {row["model"] for row in payload["summary"]}
    assert models == {"ConvLSTM (pretrained)", "Naive"}


@pytest.mark.parametrize(
    "argv,message",
    [
        (["forecast", "--csv", "/no/such/file.csv"], "not found"),
        (["forecast", "--dataset", "nope"], "unknown dataset"),
        (["forecast", "--dataset", "beer", "--model", "prophet"], "unknown model"),
        (
            ["compare", "--dataset", "beer", "--models", "naive", "--horizon", "0"],
            "horizon",
        ),
    ],
)
def test_errors_exit_2(argv, message):
    code, out, err = run(argv)
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_bad_file_via_subprocess(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("this is,not\na,time series\n", encoding="utf-8")
    for path in (bad, tmp_path / "missing.csv"):
        proc = subprocess.run(
            [sys.executable, "-m", "convlstm", "forecast", "--csv", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 2
        assert proc.stderr.startswith("error: ")
        assert "Traceback" not in proc.stderr


def test_bad_arguments_exit_2():
    code, _, _ = run(["forecast"])  # neither --dataset nor --csv
    assert code == 2


def test_safe_csv_neutralises_formulas():
    df = pd.DataFrame(
        {"=cmd": ["=1+1", "+x", "-y", "@z", "\tq", "ok"], "n": [-1.5, 2, 3, 4, 5, 6]}
    )
    text = safe_csv(df)
    lines = text.splitlines()
    assert lines[0] == "'=cmd,n"
    assert lines[1] == "'=1+1,-1.5"  # numbers stay numbers
    assert lines[2].startswith("'+x") and lines[3].startswith("'-y")
    assert lines[4].startswith("'@z") and lines[5].startswith("'\tq")
    assert lines[6] == "ok,6.0"


def test_default_horizon_folds():
    idx = pd.date_range("2000-01", periods=100, freq="MS")
    assert default_horizon_folds(pd.Series(1.0, index=idx), None) == (12, 3)
    assert default_horizon_folds(pd.Series(1.0, index=idx[:30]), None)[1] < 3
    assert default_horizon_folds(pd.Series(1.0, index=idx), "electricity") == (48, 7)


def test_progress_bar_on_a_terminal_rewrites_one_line():
    from convlstm.cli import _ProgressBar
    from convlstm.training import ProgressEvent

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = _ProgressBar(stream)
    bar(ProgressEvent("LSTM", "fold 1/2", 0.25, 3, 10, 0.5, None))
    bar(ProgressEvent("LSTM", "fold 1/2", 0.3, 4, 10, 0.4, None))
    bar.close()
    text = stream.getvalue()
    assert "\n" not in text
    assert "LSTM fold 1/2 epoch 4/10" in text and "[######" in text


def _monthly_csv(path: Path, n: int) -> Path:
    """``n`` months of sales from 2010 (a step up each summer) as a CSV with ';'."""
    rows = ["month;sales"] + [
        f"{2010 + i // 12}-{i % 12 + 1:02d};{100 + i + 10 * (i % 12 > 5):.1f}"
        for i in range(n)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_report_writes_one_html_file_with_chart_and_table(tmp_path):
    csv = _monthly_csv(tmp_path / "sales.csv", 96)
    out = tmp_path / "report.html"
    code, stdout, err = run(
        [
            "report", "--csv", str(csv), "--models", "seasonal-naive", "naive",
            "--horizon", "6", "--folds", "8", "--level", "0.8", "0.9",
            "--out", str(out), "--quiet",
        ]
    )  # fmt: skip
    assert code == 0, err
    assert stdout == "" and f"wrote {out}" in err
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert 'id="forecast-chart"' in html and "Plotly.newPlot" in html
    assert 'id="metrics"' in html and "90% coverage" in html
    assert "Seasonal naive 80% interval" in html
    assert "(Diebold-Mariano)</th>" in html
    assert "&quot;csv&quot;: &quot;sales.csv&quot;" in html  # the source, no path


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--dataset", "nope"], "unknown dataset"),
        (["--csv", "/no/such.csv"], "not found"),
        (["--dataset", "air_passengers", "--level", "95"], "between 0 and 1"),
        (["--dataset", "air_passengers", "--models", "prophet"], "unknown model"),
    ],
)
def test_report_errors_exit_2(tmp_path, argv, message):
    out = tmp_path / "r.html"
    code, _, err = run(["report", *argv, "--out", str(out), "--quiet"])
    assert code == 2
    assert err.startswith("error: ") and message in err.lower()
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize(
    ("freq", "lengths"),
    [("MS", (30, 45, 60, 72, 100)), ("QS", (20, 30, 44)), ("YS", (25, 40, 60))],
)
def test_default_folds_leave_every_default_model_enough_training_data(freq, lengths):
    # an upload of a few years must not fail the default compare on its first
    # fold: every default model compare does not leave out fits it
    from convlstm.compare import too_short_for
    from convlstm.models.neural import ConvLSTMForecaster, LSTMForecaster
    from convlstm.models.registry import default_models

    for n in lengths:
        idx = pd.date_range("2000-01-01", periods=n, freq=freq)
        y = pd.Series(np.sin(np.arange(n)) + np.arange(n) * 0.1 + 5, index=idx)
        horizon, folds = default_horizon_folds(y, None)
        left_out = too_short_for(default_models(), y, horizon, folds)
        assert set(left_out) <= {"LSTM"}, (n, left_out)
        first = y.iloc[: n - folds * horizon]
        for cls in (ConvLSTMForecaster, LSTMForecaster):
            if cls.display_name not in left_out:
                cls(horizon=horizon, epochs=1, device="cpu").fit(first)


@pytest.mark.parametrize(
    ("freq", "n", "expected"),
    [("MS", 20, (6, 1)), ("MS", 36, (12, 1)), ("QS", 12, (4, 1)), ("MS", 72, (12, 3))],
)
def test_a_model_too_short_for_does_not_shrink_the_default_horizon(freq, n, expected):
    # two or three years of months get a half or whole season ahead, not one
    # step: the LSTM, which needs more, is left out instead
    idx = pd.date_range("2000-01-01", periods=n, freq=freq)
    y = pd.Series(np.arange(n) + 1.0, index=idx)
    assert default_horizon_folds(y, None) == expected


@pytest.mark.parametrize("n", [156, 260])
def test_weekly_data_default_to_a_quarter_ahead_with_three_folds(n):
    # a year of weeks ahead left three years of weekly sales a single fold
    idx = pd.date_range("2021-01-04", periods=n, freq="W-MON")
    y = pd.Series(np.arange(n) + 1.0, index=idx)
    assert default_horizon_folds(y, None) == (13, 3)


@pytest.mark.parametrize(
    ("freq", "days", "horizon"),
    [("10min", 60, 144), ("5min", 30, 144), ("min", 14, 90), ("15min", 30, 96)],
)
def test_minute_data_default_to_a_season_ahead_of_at_most_a_day_of_10_minutes(
    freq, days, horizon
):
    # 10 steps were 100 minutes of 10-minute readings, 10 minutes of 1-minute ones
    idx = pd.date_range("2024-01-01", periods=days * 24 * 4, freq="15min")
    idx = pd.date_range("2024-01-01", idx[-1], freq=freq)
    y = pd.Series(np.sin(np.arange(len(idx)) / 50.0), index=idx)
    assert default_horizon_folds(y, None) == (horizon, 3)


def _spy_on_compare(monkeypatch) -> dict:
    """The keyword arguments the CLI's next ``compare`` call receives."""
    from convlstm import cli

    seen = {}
    real = cli.compare

    def spy(y, **kwargs):
        seen.update(kwargs)
        return real(y, **kwargs)

    monkeypatch.setattr(cli, "compare", spy)
    return seen


def test_network_flags_shape_the_convlstm_only_as_in_the_app(monkeypatch, capsys):
    from convlstm import network_settings_note

    code, _, _ = run(["compare", "--help"])  # argparse prints help to sys.stdout
    assert code == 0 and "ConvLSTM only" in " ".join(capsys.readouterr().out.split())
    seen = _spy_on_compare(monkeypatch)
    argv = ["compare", "--dataset", "air_passengers", "--models", "naive"]
    code, _, err = run([*argv, "--kernel-size", "5", "--seed", "1", "--quiet"])
    assert code == 0
    assert seen["params"] == {"seed": 1, "ConvLSTM": {"kernel_size": 5}}
    assert f"note: {network_settings_note()}" in err
    code, _, err = run([*argv, "--seed", "1", "--quiet"])
    assert code == 0 and "note:" not in err
    # every setting the note names has its flag: the activation too
    code, _, _ = run([*argv, "--activation", "tanh", "--quiet"])
    assert code == 0 and seen["params"] == {"ConvLSTM": {"activation": "tanh"}}
    from convlstm.cli import _NETWORK
    from convlstm.nn import ACTIVATIONS

    assert all(name in _NETWORK["activation"][1] for name in ACTIVATIONS)


def test_start_flag_sets_where_the_convlstm_starts(monkeypatch):
    seen = _spy_on_compare(monkeypatch)
    argv = ["compare", "--dataset", "air_passengers", "--models", "naive", "--quiet"]
    code, _, _ = run([*argv, "--start", "zero-shot", "--kernel-size", "5"])
    assert code == 0
    assert seen["params"]["ConvLSTM"] == {
        "kernel_size": 5,
        "init": "pretrained",
        "fine_tune": False,
    }
    assert "init" not in seen["params"].get("ConvLSTM (pretrained)", {})
    code, _, _ = run([*argv, "--start", "warm"])
    assert code == 2  # argparse: invalid choice


def test_forecast_says_which_start_the_convlstm_kept():
    argv = ["forecast", "--dataset", "air_passengers", "--model", "convlstm"]
    code, out, err = run([*argv, "--epochs", "2", "--hidden-size", "4"])
    assert code == 0 and out.count("ConvLSTM") == 12
    # a monthly series: it kept both starts (their mean), on these check errors
    assert "note: ConvLSTM: forecasts the mean of the network trained" in err
    assert "MAE: scratch" in err
    code, _, err = run([*argv, "--epochs", "2", "--start", "scratch"])
    assert code == 0 and "started from" not in err


def test_compare_and_report_say_which_models_a_short_upload_left_out(tmp_path):
    # 20 monthly points: too few for the LSTM at the default horizon (6);
    # the other models run and the CLI says why the LSTM did not
    csv = _monthly_csv(tmp_path / "short.csv", 20)
    models = ["--models", "lstm", "seasonal-naive", "naive", "--quiet"]
    code, out, err = run(["compare", "--csv", str(csv), *models, "--json"])
    assert code == 0, err
    payload = json.loads(out)
    assert [row["model"] for row in payload["summary"]] == ["Seasonal naive", "Naive"]
    assert "needs at least 26 points" in payload["left_out"]["LSTM"]
    assert payload["horizon"] == 6  # half a season, not one step
    assert "note: LSTM left out: needs at least 26 points" in err
    report = tmp_path / "r.html"
    code, _, err = run(["report", "--csv", str(csv), *models, "--out", str(report)])
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert 'id="left-out"' in html and "LSTM: needs at least 26 points" in html


@pytest.mark.parametrize(
    ("freq", "n", "expected"),
    [
        ("MS", 3, (3, 0)),
        ("MS", 8, (6, 0)),
        # under two years no season to learn: a fold needs 8 points, not 13
        ("MS", 13, (3, 1)),
        ("MS", 14, (3, 2)),
        ("MS", 24, (6, 1)),
        ("W-SUN", 28, (6, 2)),  # half a year of weeks is scored
    ],
)
def test_a_series_too_short_for_a_backtest_defaults_to_a_forecast_only(
    freq, n, expected
):
    idx = pd.date_range("2000-01-01", periods=n, freq=freq)
    assert default_horizon_folds(pd.Series(np.arange(n) + 1.0, index=idx)) == expected


def test_compare_and_report_forecast_a_tiny_upload_unscored(tmp_path):
    # 5 months: refused before; now a forecast only, with why there are no scores
    csv = _monthly_csv(tmp_path / "tiny.csv", 5)
    models = ["--models", "ets", "naive", "arima", "seasonal naive", "--quiet"]
    code, out, err = run(["compare", "--csv", str(csv), *models])
    assert code == 0, err
    assert "5 points, 3 steps ahead" in out
    assert "a forecast only, unscored: The series has 5 points" in out
    assert out.splitlines()[2].split() == ["timestamp", "ETS", "Naive", "ARIMA"]
    assert len(out.splitlines()) == 3 + 3
    assert "note: Seasonal naive left out: needs at least 12 points" in err
    code, out, err = run(["compare", "--csv", str(csv), *models, "--json"])
    payload = json.loads(out)
    assert payload["scored"] is False and payload["folds"] == 0
    assert payload["best"] is None and len(payload["future"]) == 9  # 3 models x 3
    report = tmp_path / "r.html"
    code, _, err = run(["report", "--csv", str(csv), *models, "--out", str(report)])
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert 'id="unscored"' in html and "A forecast only: no model was scored" in html
    assert 'id="metrics"' not in html


def test_a_csv_from_standard_input_and_files_that_cannot_be_read(tmp_path):
    months = pd.date_range("2020-01-01", periods=24, freq="MS").strftime("%Y-%m-%d")
    text = "date,value\n" + "".join(f"{m},{i}\n" for i, m in enumerate(months))
    argv = ["forecast", "--model", "naive", "--horizon", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "convlstm", *argv, "--csv", "-"],
        input=text.encode(),
        capture_output=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().splitlines()[-1] == "2022-01-01,Naive,23.0"
    code, _, err = run([*argv, "--csv", str(tmp_path)])
    assert code == 2 and "is a folder, not a CSV file" in err


def test_an_error_under_json_is_json_too(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    code, out, err = run(["compare", "--csv", str(bad), "--json", "--quiet"])
    assert code == 2 and err.startswith("error: no time column")
    assert json.loads(out)["error"].startswith("no time column")


def test_out_dash_is_standard_output_and_an_empty_out_is_refused_first(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        [
            "forecast",
            "--dataset",
            "AIR_PASSENGERS",
            "--model",
            "naive",
            "--horizon",
            "2",
            "--out",
            "-",
        ]
    )
    assert code == 0 and out.startswith("timestamp,model,forecast")
    assert not (tmp_path / "-").exists()
    code, _, err = run(["report", "--dataset", "air_passengers", "--out", ""])
    assert code == 2 and "--out is empty" in err


def test_an_argument_argparse_refuses_is_json_with_json():
    code, out, err = run(["compare", "--dataset", "co2", "--horizon", "x", "--json"])
    assert code == 2 and "invalid int value" in err
    assert json.loads(out) == {"error": "argument --horizon: invalid int value: 'x'"}


class _Full(io.StringIO):
    def write(self, text):
        raise OSError(28, "No space left on device")


def test_json_to_an_output_that_cannot_be_written_is_an_error_not_a_traceback():
    err = io.StringIO()
    code = main(
        ["compare", "--dataset", "co2", "--models", "naive", "--json", "--quiet"],
        stdout=_Full(),
        stderr=err,
    )
    assert code == 2 and "No space left on device" in err.getvalue()


def test_start_for_models_without_one_says_so():
    code, _, err = run(
        [
            "forecast",
            "--dataset",
            "co2",
            "--model",
            "naive",
            "--horizon",
            "2",
            "--start",
            "scratch",
        ]
    )
    assert code == 0 and "--start scratch applies to ConvLSTM only" in err


@pytest.mark.parametrize("quiet", [False, True], ids=["notes", "quiet"])
def test_library_log_lines_are_one_line_notes_and_quiet_silences_them(
    monkeypatch, quiet
):
    # a job that failed in a worker is reported by the command; the executor's
    # log of it printed a traceback too, even with --quiet
    import logging

    from convlstm import cli

    def logs_then_compares(args, out, err):
        try:
            raise ValueError("boom in a worker")
        except ValueError:
            logging.getLogger("convlstm.executor").exception("job j (x) failed")
        return 0

    monkeypatch.setattr(cli, "_cmd_compare", logs_then_compares)
    argv = ["compare", "--dataset", "air_passengers"] + (["--quiet"] if quiet else [])
    code, _, err = run(argv)
    assert code == 0
    assert "Traceback" not in err and "boom" not in err
    assert err == ("" if quiet else "note: job j (x) failed\n")
    assert logging.getLogger("convlstm").propagate  # restored after the command


def test_forecast_takes_quiet_too(tmp_path, capsys):
    from convlstm.cli import main as cli_main

    rows = "\n".join(f"2020-{m:02d}-01,{100 + m}" for m in range(1, 13))
    path = tmp_path / "s.csv"
    path.write_text("date,value\n" + rows + "\n2021-01-01,113\n")
    assert (
        cli_main(["forecast", "--csv", str(path), "--model", "Naive", "--quiet"]) == 0
    )
    assert "Naive" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("rows", "first_future"),
    [
        # a monthly record from 1659, before pandas' nanosecond range
        (
            [
                (f"{1659 + i // 12}-{i % 12 + 1:02d}", 9 + (i % 12) / 3)
                for i in range(48)
            ],
            "1663-01-01T00:00:00",
        ),
        # a yearly scenario from 2240 to 2279, past 2262
        ([(str(2240 + i), 400.0 + 2 * i) for i in range(40)], "2280-01-01T00:00:00"),
        # weekly across 2262 with a week missing: the weekly grid it is put on
        # was computed in nanoseconds and overflowed (found by a fuzzer)
        (
            [
                (
                    (pd.Timestamp("2261-06-05") + pd.Timedelta(weeks=i)).strftime(
                        "%d/%m/%Y"
                    ),
                    5.0 + i % 4,
                )
                for i in range(80)
                if i != 40
            ],
            "2262-12-17T00:00:00",
        ),
    ],
)
def test_compare_and_report_read_dates_beyond_nanoseconds(tmp_path, rows, first_future):
    path = tmp_path / "long_ago.csv"
    path.write_text("date,value\n" + "".join(f"{t},{v}\n" for t, v in rows))
    argv = ["compare", "--csv", str(path), "--models", "naive", "--horizon", "14"]
    code, out, err = run([*argv, "--folds", "1", "--json", "--quiet"])
    assert code == 0, err
    payload = json.loads(out)
    assert payload["future"][0]["timestamp"] == first_future
    assert len(payload["future"]) == 14
    html = tmp_path / "r.html"
    code, _, err = run(
        [
            "report",
            "--csv",
            str(path),
            "--models",
            "naive",
            "--out",
            str(html),
            "--horizon",
            "14",
            "--folds",
            "1",
            "--quiet",
        ]
    )
    assert code == 0, err
    assert first_future[:7] in html.read_text()


def test_compare_out_writes_the_forecasts_csv_the_app_offers(tmp_path):
    from convlstm import compare, datasets

    path = tmp_path / "f.csv"
    args = ["compare", "--dataset", "air_passengers", "--models", "ETS", "--quiet"]
    code, out, err = run([*args, "--out", str(path)])
    assert code == 0 and "ETS" in out  # the scores still go to stdout
    assert f"wrote 36 rows of forecasts to {path}" in err
    table = pd.read_csv(path)
    assert table["section"].value_counts().to_dict() == {"backtest": 24, "future": 12}
    assert {"lower_80", "upper_80", "lower_95", "upper_95"} <= set(table.columns)
    # the same table as the library's (the app's download)
    same = compare(datasets.load("air_passengers"), models=["ETS"], horizon=12, folds=2)
    expected = same.forecast_table()
    assert np.allclose(table["forecast"], expected["forecast"])
    # many series: every series' future with its intervals
    panel = tmp_path / "p.csv"
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    pd.concat(
        pd.DataFrame({"shop": s, "date": days, "sales": np.arange(40.0) + i})
        for i, s in enumerate(["a", "b"])
    ).to_csv(panel, index=False)
    args = ["compare", "--csv", str(panel), "--models", "Naive", "--horizon", "5"]
    code, _, err = run([*args, "--quiet", "--out", str(path)])
    assert code == 0, err
    table = pd.read_csv(path)
    assert list(table.columns[:4]) == ["series", "timestamp", "model", "forecast"]
    assert table["series"].tolist() == ["a"] * 5 + ["b"] * 5
    assert "upper_95" in table.columns
    # forecast --out writes the same times as compare --out (to join the two)
    one = tmp_path / "one.csv"
    argv = ["forecast", "--csv", str(panel), "--model", "Naive", "--horizon", "5"]
    code, _, err = run([*argv, "--quiet", "--out", str(one)])
    assert code == 0, err
    alone = pd.read_csv(one, dtype=str)
    assert (
        alone["timestamp"].tolist()
        == pd.read_csv(path, dtype=str)["timestamp"].tolist()
    )
    assert alone["timestamp"].iloc[0] == "2024-02-10"
    # refused before the run: standard output holds the scores; a missing folder
    assert run([*args, "--out", "-"])[0] == 2
    code, _, err = run([*args, "--out", str(tmp_path / "no" / "f.csv")])
    assert code == 2 and "does not exist" in err


def test_a_price_table_is_one_series_its_closing_price(tmp_path):
    # a Yahoo Finance download: it was read as a panel of seven columns, Volume
    # (MAE in the millions) among them
    days = pd.bdate_range("2023-01-02", periods=60)
    close = 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, 60))
    frame = pd.DataFrame(
        {
            "Date": days.strftime("%Y-%m-%d"),
            "Open": close - 0.5,
            "High": close + 1,
            "Low": close - 1,
            "Close": close,
            "Adj Close": close * 0.98,
            "Volume": np.arange(60) * 1000 + 50_000,
        }
    )
    path = tmp_path / "AAPL.csv"
    frame.to_csv(path, index=False)
    argv = ["compare", "--csv", str(path), "--models", "naive", "--horizon", "5"]
    code, out, err = run([*argv, "--folds", "2", "--json", "--quiet"])
    assert code == 0, err
    payload = json.loads(out)
    assert payload["points"] == 60 and {r["model"] for r in payload["future"]} == {
        "Naive"
    }
    assert "series" not in payload["future"][0]
    assert "picked column 'Adj Close' as value (the closing price" in err


def test_a_refusal_that_offers_a_step_says_the_options_that_read_it(tmp_path):
    # a shop's sales at their seconds, 10:00 to 20:00: refused with the hours
    # to read them in; the hint's options read them (summed, as the app's button)
    rng = np.random.default_rng(0)
    days = pd.date_range("2024-01-01", periods=20)
    seconds = rng.uniform(10 * 3600, 20 * 3600, (len(days), 30))
    times = sorted(
        d + pd.Timedelta(seconds=int(s))
        for d, row in zip(days, seconds, strict=True)
        for s in row
    )
    path = tmp_path / "sales.csv"
    pd.DataFrame({"time": times, "amount": 2.0}).to_csv(path, index=False)
    argv = ["forecast", "--csv", str(path), "--model", "naive", "--horizon", "3"]
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, stdout=out, stderr=err) == 2
    hint = "hint: run it again with --step 'cbh(10:00-20:00 Mon-Sun)' --agg sum"
    assert err.getvalue().splitlines()[-1] == hint
    out, err = io.StringIO(), io.StringIO()
    again = [*argv, "--step", "cbh(10:00-20:00 Mon-Sun)", "--agg", "sum"]
    assert main(again, stdout=out, stderr=err) == 0, err.getvalue()
    first = pd.Timestamp(out.getvalue().splitlines()[1].split(",")[0])
    assert first.date().isoformat() in ("2024-01-20", "2024-01-21")
    assert 10 <= first.hour < 20  # in the hours (a partial last hour left out)
    out, err = io.StringIO(), io.StringIO()
    compare = ["compare", "--csv", str(path), "--horizon", "3", "--json"]
    assert main(compare, stdout=out, stderr=err) == 2
    assert json.loads(out.getvalue())["suggested_options"] == {
        "step": "cbh(10:00-20:00 Mon-Sun)",
        "agg": "sum",
    }
