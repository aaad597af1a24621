"""Command line on files of many series: long files with id columns, wide files,
--id-col and --series, forecasts of every series, the aggregated leaderboard."""

import functools
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from convlstm import NaiveForecaster
from convlstm.cli import main
from convlstm.models.base import BaseForecaster
from convlstm.models.registry import ModelSpec, register, unregister

STORES = ("A", "B", "C")
DAYS = 42


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("panel")
    days = pd.date_range("2021-03-01", periods=DAYS, freq="D")
    rng = np.random.default_rng(0)
    rows = [
        (store, day.strftime("%Y-%m-%d"), 100 + 10 * i + 5 * np.sin(j) + rng.normal())
        for i, store in enumerate(STORES)
        for j, day in enumerate(days)
    ]
    long = root / "long.csv"
    pd.DataFrame(rows, columns=["store", "date", "sales"]).to_csv(long, index=False)
    months = pd.date_range("2015-01-01", periods=36, freq="MS")
    wide = root / "wide.csv"
    pd.DataFrame(
        {
            "month": months.strftime("%Y-%m"),
            "north": np.arange(36.0),
            "south": 50 + np.sin(np.arange(36.0)),
        }
    ).to_csv(wide, index=False)
    return {"root": root, "long": long, "wide": wide}


def test_forecast_out_writes_every_series_of_a_long_file(files):
    dest = files["root"] / "f.csv"
    argv = ["forecast", "--csv", str(files["long"]), "--model", "naive"]
    code, out, err = run([*argv, "--horizon", "3", "--out", str(dest)])
    assert code == 0, err
    assert out == ""
    df = pd.read_csv(dest)
    assert list(df.columns) == ["series", "timestamp", "model", "forecast"]
    assert df["series"].tolist() == [s for s in STORES for _ in range(3)]
    assert df["timestamp"].iloc[0].startswith("2021-04-12")
    assert (df["model"] == "Naive").all()
    assert "picked id column 'store'" in err
    assert "wrote 9 forecasts of 3 series" in err
    # naming the id column gives the same forecasts
    again = files["root"] / "g.csv"
    code, _, err = run(
        [*argv, "--horizon", "3", "--id-col", "store", "--out", str(again)]
    )
    assert code == 0, err
    assert again.read_text() == dest.read_text()


def test_forecast_reads_a_wide_file_as_one_series_per_column(files):
    argv = ["forecast", "--csv", str(files["wide"]), "--model", "naive"]
    code, out, err = run([*argv, "--horizon", "4"])
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert df["series"].tolist() == ["north"] * 4 + ["south"] * 4
    north = df[df["series"] == "north"]["forecast"]
    assert (north == 35.0).all()


def test_series_picks_one_and_keeps_the_single_series_output(files):
    argv = ["forecast", "--csv", str(files["long"]), "--model", "naive"]
    code, out, err = run([*argv, "--series", "B", "--horizon", "2"])
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == ["timestamp", "model", "forecast"]
    rows = pd.read_csv(files["long"])
    last_b = rows[rows["store"] == "B"]["sales"].iloc[-1]
    assert df["forecast"].tolist() == pytest.approx([last_b, last_b])
    code, _, err = run([*argv, "--series", "Z"])
    assert code == 2 and "no series 'Z'" in err


def test_total_forecasts_the_sum_of_the_series(files):
    argv = ["forecast", "--csv", str(files["long"]), "--model", "naive"]
    code, out, err = run([*argv, "--total", "--horizon", "2"])
    assert code == 0, err
    assert "the total of 3 series" in err
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == ["timestamp", "model", "forecast"]
    rows = pd.read_csv(files["long"])
    last = rows.groupby("store")["sales"].last().sum()
    assert df["forecast"].tolist() == pytest.approx([last, last])
    code, _, err = run([*argv, "--total", "--series", "B"])
    assert code == 2 and "drop one of them" in err
    code, _, err = run([*argv, "--total", "--no-id"])
    assert code == 2 and "drop one of them" in err
    one = ["forecast", "--dataset", "air_passengers", "--model", "naive", "--total"]
    code, _, err = run(one)
    assert code == 2 and "holds one series: drop --total" in err


class _NoPanel(NaiveForecaster):
    """A forecaster that refuses panels, as the neural models do until they
    learn across series."""

    display_name = "NoPanel"
    supports_panel = False


@pytest.fixture
def no_panel_model():
    register(ModelSpec(name="NoPanel", target=_NoPanel, kind="naive", baseline=False))
    yield "NoPanel"
    unregister("NoPanel")


def test_a_model_without_panels_says_what_to_do_in_cli_words(files, no_panel_model):
    argv = ["forecast", "--csv", str(files["long"]), "--horizon", "2"]
    code, _, err = run([*argv, "--model", no_panel_model])
    assert code == 2
    assert "error: NoPanel does not forecast many series at once" in err
    assert "--series NAME" in err and "series=" not in err
    assert "Traceback" not in err
    argv = ["compare", "--csv", str(files["long"]), "--horizon", "2", "--quiet"]
    code, out, err = run([*argv, "--models", "naive", no_panel_model])
    assert code == 0, err
    assert "note: NoPanel left out: it does not forecast many series" in err
    assert "series=" not in err
    assert "* best" in out


def test_compare_prints_the_leaderboard_and_json_adds_per_series(files):
    argv = ["compare", "--csv", str(files["long"]), "--models", "naive"]
    argv += ["seasonal-naive", "--horizon", "7", "--folds", "2"]
    code, out, err = run(argv)
    assert code == 0, err
    assert "3 series, 2 folds x 7 steps" in out
    assert "mean MASE" in out and "* best" in out and "vs Naive" in out
    code, out, err = run([*argv, "--json", "--quiet"])
    assert code == 0, err
    payload = json.loads(out)
    assert payload["series"] == 3 and payload["horizon"] == 7
    assert {r["model"] for r in payload["summary"]} == {"Naive", "Seasonal naive"}
    assert sum(r["best"] for r in payload["summary"]) == 1
    rows = payload["per_series"]
    assert {(r["series"], r["model"]) for r in rows} == {
        (s, m) for s in STORES for m in ("Naive", "Seasonal naive")
    }
    assert all(r["folds"] == 2 for r in rows)


def test_report_on_a_panel_covers_every_series(files):
    dest = files["root"] / "r.html"
    argv = ["report", "--csv", str(files["long"]), "--models", "naive", "theta"]
    code, _, err = run([*argv, "--horizon", "7", "--quiet", "--out", str(dest)])
    assert code == 0, err
    html = dest.read_text(encoding="utf-8")
    table = html[html.index('id="per-series"') :]
    table = table[: table.index("</table>")]
    for store in STORES:
        assert f">{store}<" in table


def test_train_workers_are_checked_in_cli_words(files):
    wide = ["forecast", "--csv", str(files["wide"]), "--horizon", "3"]
    code, _, err = run([*wide, "--model", "naive", "--train-workers", "2"])
    assert code == 2 and "Naive has no network to train on several workers" in err
    argv = [*wide, "--model", "convlstm", "--train-workers", "2", "--engine", "local"]
    code, _, err = run(argv)
    assert code == 2 and "error: --train-workers 2 trains on Ray Train workers: " in err
    assert "add --engine ray" in err and "engine='ray'" not in err
    one = ["forecast", "--dataset", "air_passengers", "--train-workers", "2"]
    code, _, err = run(one)
    assert code == 2 and "--train-workers trains one network over many series" in err
    code, _, err = run([*wide, "--train-workers", "0"])
    assert code == 2 and "error: --train-workers must be at least 1, got 0" in err


def test_a_file_of_tiny_series_gets_a_forecast_only(tmp_path):
    # three stores of five months: no series can hold a fold, so 0 folds
    path = tmp_path / "tiny.csv"
    path.write_text(
        "store,month,sales\n"
        + "".join(f"{s},2024-{m:02d},{10 * m}\n" for s in "xyz" for m in range(1, 6))
    )
    argv = ["compare", "--csv", str(path), "--models", "naive", "theta", "--quiet"]
    code, out, err = run(argv)
    assert code == 0, err
    assert "3 series, 3 steps ahead, a forecast only (0 folds, unscored)" in out
    assert [line.split() for line in out.splitlines()].count(
        ["timestamp", "Naive", "Theta"]
    ) == 3
    assert "note: a forecast only: no backtest (0 folds)" in err
    code, out, err = run([*argv, "--json"])
    payload = json.loads(out)
    assert payload["folds"] == 0 and payload["best"] is None
    assert len(payload["future"]) == 3 * 2 * 3
    # a forecast only: no backtest errors to size intervals with
    assert set(payload["future"][0]) == {
        "series",
        "timestamp",
        "model",
        "step",
        "forecast",
    }


def test_compare_json_on_a_panel_has_every_series_forecast(tmp_path):
    # three monthly series, long: the scored leaderboard's JSON carries the final
    # forecasts too, as the single-series one does (with the series)
    months = pd.date_range("2019-01-01", periods=36, freq="MS")
    t = np.arange(36)
    frame = pd.concat(
        pd.DataFrame(
            {
                "date": months.strftime("%Y-%m-%d"),
                "id": name,
                "value": 50 + 10 * k + 5 * np.sin(2 * np.pi * t / 12) + t,
            }
        )
        for k, name in enumerate(("north", "south", "east"))
    )
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    models = ("Seasonal naive", "Theta")
    argv = ["compare", "--csv", str(path), "--models", *models]
    code, out, err = run([*argv, "--horizon", "4", "--folds", "1", "--json", "--quiet"])
    assert code == 0, err

    def strict(constant):
        raise AssertionError(f"not JSON: {constant}")

    payload = json.loads(out, parse_constant=strict)
    assert payload["folds"] == 1 and payload["horizon"] == 4
    assert payload["best"] in models
    rows = payload["future"]
    assert {r["series"] for r in rows} == {"north", "south", "east"}
    assert len(rows) == 3 * 2 * 4
    for series in ("north", "south", "east"):
        for name in models:
            mine = [r for r in rows if r["series"] == series and r["model"] == name]
            assert [r["timestamp"][:10] for r in mine] == [
                "2022-01-01",
                "2022-02-01",
                "2022-03-01",
                "2022-04-01",
            ]
            assert all(isinstance(r["forecast"], float) for r in mine)
            assert [r["step"] for r in mine] == [1, 2, 3, 4]
            # the bounds the forecasts CSV has, where the backtest sized them
            for r in mine:
                for level in ("80", "95"):
                    low, high = r[f"lower_{level}"], r[f"upper_{level}"]
                    assert low is None or low <= r["forecast"] <= high
    assert any(r["lower_80"] is not None for r in rows)
    bands = ("lower_80", "upper_80", "lower_95", "upper_95")
    assert set(rows[0]) == {"series", "timestamp", "model", "step", "forecast", *bands}
    # the summary has each level's measured coverage (a share), not its width
    # (a panel's is in units of each series' scale)
    for row in payload["summary"]:
        assert {"coverage_80", "coverage_95"} <= set(row)
        assert not any(k.startswith("width_") for k in row)
    # a single series' record holds the same fields, less the series
    code, out, err = run([*argv, "--series", "north", "--json", "--quiet"])
    assert code == 0, err
    single = json.loads(out)["future"][0]
    assert set(rows[0]) - {"series"} == set(single)


def test_compare_and_report_give_the_panel_their_engine_flags(files, monkeypatch):
    import convlstm.cli

    given = []
    real = convlstm.cli.compare_panel

    def recording(panel, **kwargs):
        given.append({k: kwargs[k] for k in ("n_jobs", "engine", "train_workers")})
        return real(panel, **kwargs)

    monkeypatch.setattr(convlstm.cli, "compare_panel", recording)
    argv = ["--csv", str(files["long"]), "--models", "naive", "--horizon", "7"]
    argv += ["--quiet", "--engine", "local", "--jobs", "2"]
    code, _, err = run(["compare", *argv])
    assert code == 0, err
    dest = files["root"] / "engine.html"
    code, _, err = run(["report", *argv, "--out", str(dest)])
    assert code == 0, err
    assert given == [{"n_jobs": 2, "engine": "local", "train_workers": 1}] * 2
    # --train-workers reaches the panel, whose check then asks for Ray
    code, _, err = run(
        ["compare", *argv, "--models", "naive", "lstm", "--train-workers", "2"]
    )
    assert code == 2 and "error: --train-workers 2 trains on Ray Train workers" in err
    assert given[-1] == {"n_jobs": 2, "engine": "local", "train_workers": 2}


def test_compare_train_workers_are_checked_in_cli_words(files):
    argv = ["compare", "--csv", str(files["long"]), "--horizon", "7", "--quiet"]
    code, _, err = run([*argv, "--models", "naive", "theta", "--train-workers", "2"])
    assert code == 2
    assert "none of the models compared (Naive, Theta) has a network" in err
    assert "add ConvLSTM or LSTM" in err and "Traceback" not in err
    code, _, err = run([*argv, "--train-workers", "0"])
    assert code == 2 and "error: --train-workers must be at least 1, got 0" in err
    one = ["--dataset", "air_passengers", "--train-workers", "2", "--quiet"]
    report = ["report", *one, "--out", str(files["root"] / "one.html")]
    for command in (["compare", *one], report):
        code, _, err = run(command)
        assert code == 2
        assert "--train-workers trains one network over many series" in err


def test_forecast_gives_a_local_models_panel_fit_the_engine(files, monkeypatch):
    given = []
    original = BaseForecaster.fit_panel

    @functools.wraps(original)
    def recording(self, panel, **kwargs):
        given.append(kwargs)
        return original(self, panel, **kwargs)

    monkeypatch.setattr(BaseForecaster, "fit_panel", recording)
    argv = ["forecast", "--csv", str(files["long"]), "--model", "naive"]
    code, _, err = run([*argv, "--horizon", "3", "--engine", "local", "--jobs", "2"])
    assert code == 0, err
    assert given == [{"n_jobs": 2, "engine": "local"}]


def test_no_id_reads_a_file_of_stores_as_one_series_combined_by_agg(files):
    argv = ["forecast", "--csv", str(files["long"]), "--model", "naive"]
    code, out, err = run([*argv, "--horizon", "2", "--no-id", "--agg", "sum"])
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert "series" not in df.columns and len(df) == 2  # one series
    long = pd.read_csv(files["long"])
    last_day = long.groupby("date")["sales"].sum().iloc[-1]
    assert df["forecast"].iloc[0] == pytest.approx(last_day)
    assert "summed 126 values where rows share a timestamp" in err
    # without --no-id the same file is three stores
    code, out, _ = run([*argv, "--horizon", "2"])
    assert code == 0 and pd.read_csv(io.StringIO(out))["series"].nunique() == 3


def test_no_id_conflicts_are_said_in_cli_words(files):
    argv = ["compare", "--csv", str(files["long"]), "--no-id"]
    code, _, err = run([*argv, "--series", "A"])
    assert code != 0 and "drop one of them" in err
    code, _, err = run([*argv, "--id-col", "store"])
    assert code == 2  # argparse's usage, on the command's stderr
    assert "not allowed with argument --no-id" in err
    code, _, err = run(["compare", "--dataset", "air_passengers", "--no-id"])
    assert code != 0 and "--no-id is for a CSV file" in err


def test_a_panel_forecast_below_zero_of_sales_gets_a_note(tmp_path):
    # two stores whose sales fall to zero: Theta's trend goes below it
    months = pd.date_range("2019-01-01", periods=36, freq="MS")
    falling = np.maximum(0.0, 30.0 - np.arange(36.0))
    rows = [
        (s, m.strftime("%Y-%m"), v)
        for s in ("A", "B")
        for m, v in zip(months, falling, strict=True)
    ]
    path = tmp_path / "falling.csv"
    pd.DataFrame(rows, columns=["store", "month", "sales"]).to_csv(path, index=False)
    for argv in (
        ["forecast", "--csv", str(path), "--model", "Theta", "--out", "-"],
        ["compare", "--csv", str(path), "--models", "Theta,Naive", "--quiet"],
    ):
        code, _, err = run(argv)
        assert code == 0, err
        assert "Theta forecasts below zero on 2 of the 2 series" in err
    # the JSON and the HTML report carry it too, for one series as for many
    one = tmp_path / "one.csv"
    pd.DataFrame({"month": months.strftime("%Y-%m"), "sales": falling}).to_csv(
        one, index=False
    )
    for source in (path, one):
        argv = ["compare", "--csv", str(source), "--models", "Theta,Naive"]
        code, out, err = run([*argv, "--json", "--quiet"])
        assert code == 0, err
        # (one series: Theta is marked best, and the note says so)
        said = re.compile(r"Theta (\(marked best\) )?forecasts below zero")
        assert any(said.search(n) for n in json.loads(out)["notes"])
        report = tmp_path / "report.html"
        code, _, err = run(["report", *argv[1:], "--out", str(report)])
        assert code == 0, err
        assert said.search(report.read_text(encoding="utf-8"))


def test_more_jobs_than_cores_run_as_many_as_the_cores(files, monkeypatch):
    import convlstm.cli

    monkeypatch.setattr(convlstm.cli, "usable_cores", lambda: 2)
    seen = []
    real = convlstm.cli.compare_panel
    monkeypatch.setattr(
        convlstm.cli,
        "compare_panel",
        lambda *a, **k: seen.append(k["n_jobs"]) or real(*a, **k),
    )
    argv = ["compare", "--csv", str(files["long"]), "--models", "naive"]
    argv += ["--horizon", "7", "--quiet", "--engine", "local"]
    code, _, err = run([*argv, "--jobs", "8"])
    assert code == 0, err
    assert "note: --jobs 8 is more than the 2 cores here: running 2 at a time" in err
    assert seen == [2]
    code, _, err = run([*argv, "--jobs", "2"])
    assert code == 0 and "more than the" not in err


class _Broken(NaiveForecaster):
    """Fails on every series, and says so on stdout first (as Ray's
    worker-died lines do)."""

    display_name = "Broken"

    def fit(self, y):
        print("(raylet) A worker died or was killed while executing a task")
        from convlstm import DataError

        raise DataError("the worker running it died")


def test_a_panel_run_where_every_model_failed_is_an_error(files):
    register(ModelSpec(name="Broken", target=_Broken, kind="naive", baseline=False))
    try:
        argv = ["compare", "--csv", str(files["long"]), "--models", "Broken"]
        code, out, err = run([*argv, "--folds", "1", "--quiet"])
        assert code == 2, err
        assert "error: no model forecast any series (Broken: " in err
        code, out, err = run([*argv, "--folds", "1", "--quiet", "--json"])
        assert code == 2
        assert "no model forecast any series" in json.loads(out)["error"]
        # stray prints go to stderr: stdout holds the JSON alone
        code, out, err = run(
            [*argv[:-1], "Broken,Naive", "--folds", "1", "--quiet", "--json"]
        )
        assert code == 0, err
        assert json.loads(out)["best"] == "Naive"
        assert "(raylet) A worker died" in err
    finally:
        unregister("Broken")


def test_a_note_of_the_reader_is_not_printed_twice(tmp_path):
    # two products stop selling early: the reader says so, and the run's notes
    # hold the same sentence; stderr says it once
    days = pd.date_range("2023-01-01", periods=200, freq="D")
    rows = [
        (d, p, 5 + i % 7)
        for p, stop in (("a", 200), ("b", 200), ("old", 90))
        for i, d in enumerate(days[:stop])
    ]
    path = tmp_path / "sales.csv"
    pd.DataFrame(rows, columns=["date", "product", "units"]).to_csv(path, index=False)
    code, _, err = run(
        [
            "compare",
            "--csv",
            str(path),
            "--models",
            "naive",
            "--horizon",
            "7",
            "--folds",
            "1",
            "--quiet",
        ]
    )
    assert code == 0, err
    assert err.count("before the newest") == 1, err


def test_a_floor_holds_forecasts_at_or_above_it_in_every_command(tmp_path):
    # counts fading to 0 in two stores, one series alone too
    rng = np.random.default_rng(1)
    months = pd.date_range("2020-01-01", periods=60, freq="MS")
    frames = [
        pd.DataFrame(
            {
                "store": store,
                "month": months.strftime("%Y-%m"),
                "units": np.maximum(
                    0, 8 - np.arange(60) * 0.15 + rng.normal(0, 1.5, 60)
                ).round(),
            }
        )
        for store in ("A", "B")
    ]
    many = tmp_path / "many.csv"
    pd.concat(frames).to_csv(many, index=False)
    one = tmp_path / "one.csv"
    frames[0].drop(columns="store").to_csv(one, index=False)
    trend = ["--models", "Theta,Naive", "--quiet", "--json"]
    for path in (one, many):
        code, out, err = run(["compare", "--csv", str(path), *trend])
        assert code == 0, err
        free = json.loads(out)
        assert min(r["forecast"] for r in free["future"]) < 0
        assert "or forecast with a floor of 0 (floor=..., --floor" in err
        code, out, err = run(["compare", "--csv", str(path), *trend, "--floor", "0"])
        assert code == 0, err
        held = json.loads(out)
        assert held["floor"] == 0 and "below zero" not in err
        assert min(r["forecast"] for r in held["future"]) == 0
        assert all(r["lower_80"] >= 0 for r in held["future"] if "lower_80" in r)
        code, out, err = run(
            ["forecast", "--csv", str(path), "--model", "Theta", "--floor", "0"]
        )
        assert code == 0, err
        assert pd.read_csv(io.StringIO(out))["forecast"].min() == 0
    # a floor a series goes below is refused, naming it
    code, _, err = run(["compare", "--csv", str(many), *trend, "--floor", "1"])
    assert code == 2
    assert "2 series go below the floor of 1: 'A' (lowest 0)" in err
    code, out, err = run(
        ["compare", "--csv", str(one), "--models", "Naive", "--floor", "0"]
    )
    assert "points, 2 folds x 12 steps, floor 0, device cpu" in out
    assert "note: a floor of 0: every forecast and interval bound below 0" in err
    # the reports keep it: in the record table, and in a panel's settings
    for path, said in (
        (one, 'Floor</th><td class="text">0<'),
        (many, "&quot;floor&quot;: 0.0"),
    ):
        page = tmp_path / "r.html"
        argv = ["report", "--csv", str(path), *trend[:2], "--floor", "0"]
        code, _, err = run([*argv, "--quiet", "--out", str(page)])
        assert code == 0, err
        assert said in page.read_text()


def test_a_series_named_in_another_case_is_found(files):
    argv = ["forecast", "--csv", str(files["long"]), "--model", "naive"]
    code, out, err = run([*argv, "--horizon", "2", "--series", "b"])
    assert code == 0, err
    assert "read series 'B'" in err and out.count("Naive") == 2
    code, out, err = run(
        ["forecast", "--dataset", "us_macro", "--series", "gdp", "--model", "naive"]
    )
    assert code == 0 and out.count("Naive") == 8, err


def test_the_readme_example_files_read_as_it_says():
    # README's CLI examples use them: one series, three stores, an event log
    from pathlib import Path

    from convlstm import read_csv, to_panel, to_series

    root = Path(__file__).resolve().parents[2] / "docs" / "examples"
    readme = (root.parents[1] / "README.md").read_text()
    for name in ("my.csv", "stores.csv", "sales_log.csv"):
        assert f"docs/examples/{name}" in readme
    assert len(to_series(read_csv(root / "my.csv"))) == 48
    stores = to_panel(read_csv(root / "stores.csv"))
    assert sorted(stores["series"].unique()) == ["A", "B", "C"]
    log = to_series(read_csv(root / "sales_log.csv"), step="D", agg="sum")
    assert log.index.freqstr == "D" and len(log) > 100
