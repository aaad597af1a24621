"""Command line: ``--jobs`` and ``--engine`` on compare and forecast."""

import io
import json
import sys

from convlstm.cli import main


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


COMPARE = [
    "compare",
    "--dataset",
    "air_passengers",
    "--models",
    "seasonal-naive",
    "theta",
    "--folds",
    "3",
    "--json",
    "--quiet",
]


def test_compare_jobs_gives_the_same_numbers():
    code, serial, _ = run(COMPARE)
    assert code == 0
    code, parallel, _ = run([*COMPARE, "--jobs", "2", "--engine", "local"])
    assert code == 0
    drop = {"fit_seconds"}

    def scores(text):
        rows = json.loads(text)["summary"]
        return [{k: v for k, v in row.items() if k not in drop} for row in rows]

    assert scores(serial) == scores(parallel)


def test_forecast_takes_the_flags():
    argv = ["forecast", "--dataset", "air_passengers", "--model", "naive"]
    code, out, _ = run([*argv, "--jobs", "2"])
    assert code == 0
    assert out == run(argv)[1]


def test_bad_jobs_and_engine_are_clear_errors(monkeypatch):
    code, _, err = run([*COMPARE, "--jobs", "0"])
    assert code == 2 and "error: --jobs must be at least 1" in err
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    code, _, err = run([*COMPARE, "--engine", "ray"])
    assert code == 2 and "error: engine 'ray' needs Ray: pip install -r" in err
    code, _, err = run([*COMPARE, "--engine", "spark"])
    assert code == 2  # argparse names the choices
