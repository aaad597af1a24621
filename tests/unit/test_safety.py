"""Safety: no user text rendered as HTML, no pickle, formula-safe CSV exports, an
upload limit, model bundles that cannot run code or exhaust memory, no temp files
left behind, and an HTML report that escapes user text."""

from __future__ import annotations

import ast
import builtins
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import tracemalloc
import types
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from convlstm import (
    ConvLSTMForecaster,
    DataError,
    LSTMForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    backtest,
    compare,
    load_model,
)
from convlstm.cli import main as cli_main
from convlstm.cli import safe_csv as cli_safe_csv

ROOT = Path(__file__).resolve().parents[2]
APP_FILES = sorted(
    [ROOT / "app.py", *(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
)
LIBRARY_FILES = sorted((ROOT / "convlstm").rglob("*.py"))
TINY = {"hidden_size": 4, "num_layers": 1, "epochs": 2, "batch_size": 16}
EVIL_HTML = '</script><img src=x onerror="alert(1)"><script>alert(2)</script>'


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.AST) -> str:
    """Dotted name of a call target: ``st.markdown``, ``torch.load``, ``open``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def _calls(path: Path):
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call):
            yield node, _name(node.func)


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


# ------------------------------------------------------------ (a) raw HTML


def test_app_renders_no_user_text_as_html():
    """``unsafe_allow_html`` (and raw-HTML elements) only with literals: an
    f-string, a variable or ``**kwargs`` could carry user text."""
    assert APP_FILES, "no app files found"
    bad = []
    for path in APP_FILES:
        for node, name in _calls(path):
            unsafe = [
                kw
                for kw in node.keywords
                if kw.arg == "unsafe_allow_html"
                and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
            ]
            raw_html = name.endswith((".html", ".iframe")) and name.split(".")[0] in (
                "st",
                "components",
                "stc",
            )
            args = [*node.args, *(kw.value for kw in node.keywords)]
            if (unsafe or raw_html) and not all(
                isinstance(a, ast.Constant) for a in args
            ):
                bad.append(f"{_where(path, node)} {name}(...)")
    assert not bad, "HTML built from non-literal text: " + ", ".join(bad)


def test_app_passes_no_html_flags_through_variables():
    # ``**kwargs`` could smuggle unsafe_allow_html=True past the check above
    bad = []
    for path in APP_FILES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Constant) and node.value == "unsafe_allow_html":
                bad.append(_where(path, node))
    assert not bad, bad


# ------------------------------------------------------------ (b) no pickle


UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "shelve"}
UNSAFE_CALLS = {
    "pd.read_pickle",
    "pandas.read_pickle",
    "marshal.loads",
    "marshal.load",
    "eval",
    "exec",
    "yaml.load",
    "yaml.unsafe_load",
}


@pytest.mark.parametrize(
    "path",
    LIBRARY_FILES + APP_FILES,
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_pickle_or_unrestricted_loading(path):
    problems = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names = {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names = {(node.module or "").split(".")[0]}
        else:
            names = set()
        for name in names & UNSAFE_MODULES:
            problems.append(f"{_where(path, node)} imports {name}")
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "torch"
            and any(a.name == "load" for a in node.names)
        ):
            problems.append(f"{_where(path, node)} imports torch.load by name")
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        keywords = {kw.arg: kw.value for kw in node.keywords}
        if name in UNSAFE_CALLS:
            problems.append(f"{_where(path, node)} calls {name}")
        if name.endswith("torch.load"):
            flag = keywords.get("weights_only")
            if not (isinstance(flag, ast.Constant) and flag.value is True):
                problems.append(f"{_where(path, node)} torch.load without weights_only")
        if name.endswith(("np.load", "numpy.load")):
            flag = keywords.get("allow_pickle")
            if flag is not None and not (
                isinstance(flag, ast.Constant) and flag.value is False
            ):
                problems.append(f"{_where(path, node)} np.load with allow_pickle")
    assert not problems, problems


# ------------------------------------------------------------ (c) CSV formulas


FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "=1+1",
]


def _ui():
    """The app's shared module (imports streamlit; its caches work without a
    running server)."""
    sys.path.insert(0, str(ROOT))
    try:
        import ui
    finally:
        sys.path.remove(str(ROOT))
    return ui


def _exporters():
    ui = _ui()
    return {
        "cli.safe_csv": lambda frame: cli_safe_csv(frame),
        "ui.safe_csv": lambda frame: ui.safe_csv(frame).decode("utf-8"),
    }


def _cells(text: str) -> list[list[str]]:
    """Rows as a spreadsheet reads them (a bare CR or LF ends a row)."""
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_formula_free(text: str) -> None:
    """Every cell that a spreadsheet would evaluate is either a plain number or
    quoted with a leading apostrophe."""
    for row in _cells(text):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                try:
                    float(cell)
                except ValueError:
                    pytest.fail(f"formula-like cell exported as is: {cell!r}")


@pytest.mark.parametrize("exporter", ["cli.safe_csv", "ui.safe_csv"])
def test_export_neutralises_formulas_in_text_and_headers(exporter):
    export = _exporters()[exporter]
    frame = pd.DataFrame(
        {
            "model": FORMULAS,
            "forecast": [-2.5, -1e6, 3.0, -0.0, 1e-9, -7.0],
            "step": [-1, 2, -3, 4, -5, 6],
        }
    )
    frame["=cmd|' /C calc'!A0"] = "ok"
    text = export(frame)
    _assert_formula_free(text)
    rows = _cells(text)
    header, body = rows[0], rows[1:]
    assert header[3] == "'=cmd|' /C calc'!A0"
    assert [r[0] for r in body] == ["'" + f for f in FORMULAS]
    # plain numbers, negative ones included, stay numbers
    assert [float(r[1]) for r in body] == [-2.5, -1e6, 3.0, -0.0, 1e-9, -7.0]
    assert [r[2] for r in body] == ["-1", "2", "-3", "4", "-5", "6"]


@pytest.mark.parametrize("exporter", ["cli.safe_csv", "ui.safe_csv"])
def test_export_keeps_line_breaks_inside_their_cell(exporter):
    """A carriage return in a text cell must not start a new row: the text after
    it would land at the start of a row, where ``=...`` runs as a formula."""
    export = _exporters()[exporter]
    names = ["\r=1+1", "name\r=2+2", "name\n=3+3", "a\r\n=4+4"]
    frame = pd.DataFrame({"model": names, "forecast": [-1.0, -2.0, -3.0, -4.0]})
    text = export(frame)
    _assert_formula_free(text)
    rows = _cells(text)
    assert len(rows) == 1 + len(names), rows
    assert [r[0] for r in rows[1:]] == ["'\r=1+1", *names[1:]]


def test_app_download_table_with_hostile_model_names_is_formula_free():
    """The page's 'Forecasts (CSV)' download: ``comparison.forecast_table()``
    with model names that are formulas (a backtest names models freely)."""
    ui = _ui()
    idx = pd.date_range("2000-01-01", periods=40, freq="MS")
    y = pd.Series(-50 + np.sin(np.arange(40.0)), index=idx, name="=1+1")
    names = FORMULAS[:3]
    models = {names[0]: NaiveForecaster(), names[1]: SeasonalNaiveForecaster()}
    result = backtest(models, y, 3, 2)
    future = pd.DataFrame(
        {
            "model": names[2],
            "timestamp": pd.date_range("2003-05-01", periods=3, freq="MS"),
            "forecast": [-1.5, -2.5, -3.5],
        }
    )
    from convlstm.compare import Comparison

    comparison = Comparison(backtest=result, summary=pd.DataFrame(), future=future)
    text = ui.safe_csv(comparison.forecast_table()).decode("utf-8")
    _assert_formula_free(text)
    rows = _cells(text)
    column = rows[0].index("model")
    assert {r[column] for r in rows[1:]} == {"'" + n for n in names}
    forecasts = [float(r[rows[0].index("forecast")]) for r in rows[1:]]
    assert forecasts[-3:] == [-1.5, -2.5, -3.5]  # negative numbers stay numbers


def test_cli_forecast_export_is_formula_free(tmp_path):
    path = tmp_path / "hostile.csv"
    rows = ['date,=HYPERLINK("http://x";"y")']
    rows += [f"2020-01-{d:02d},{-100 - d % 7}" for d in range(1, 29)]
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "forecast.csv"
    err = io.StringIO()
    code = cli_main(
        ["forecast", "--csv", str(path), "--model", "naive", "--out", str(out)],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 0, err.getvalue()
    text = out.read_text()
    _assert_formula_free(text)
    assert all(float(r[2]) < 0 for r in _cells(text)[1:])  # numbers, not text


# ------------------------------------------------------------ (d) upload limit


def test_upload_limit_is_set_and_sane():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = config.get("server", {})
    limit = server.get("maxUploadSize")
    assert isinstance(limit, int) and 1 <= limit <= 200, limit
    # Streamlit must not accept files the reader refuses anyway
    from convlstm.data import MAX_BYTES

    # (its uploader counts a megabyte as 10**6 bytes, and so does the reader:
    # the app and the CLI take the same files)
    assert limit * 10**6 == MAX_BYTES
    # protections Streamlit has on by default stay on
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True


# ------------------------------------------------------------ (e) model bundles


@pytest.fixture(scope="module")
def bundle() -> bytes:
    idx = pd.date_range("2000-01-01", periods=60, freq="MS")
    y = pd.Series(np.sin(np.arange(60.0) * np.pi / 6) + 10, index=idx)
    # one fit (a model that kept both starts needs its partner.zip, which the
    # bundles rebuilt below from config and weights leave out)
    model = ConvLSTMForecaster(horizon=3, device="cpu", init="scratch", **TINY).fit(y)
    return model.to_bytes()


def _parts(data: bytes) -> tuple[dict, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return json.loads(zf.read("config.json")), zf.read("model.safetensors")


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


class _Payload:
    """Unpickling this creates ``marker``: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def _pickle(marker: Path) -> bytes:
    import pickle  # only to build the attack; the library never imports it

    return pickle.dumps(_Payload(marker))


def test_round_trip_still_works(bundle):
    model = load_model(bundle)
    assert np.isfinite(model.predict()).all()


def test_pickle_payload_as_weights_is_refused_and_never_run(bundle, tmp_path):
    marker = tmp_path / "pwned"
    config, _ = _parts(bundle)
    data = _zip(
        {"config.json": json.dumps(config), "model.safetensors": _pickle(marker)}
    )
    with pytest.raises(DataError):
        load_model(data)
    assert not marker.exists()


def test_extra_pickle_member_is_never_run(bundle, tmp_path):
    marker = tmp_path / "pwned"
    config, weights = _parts(bundle)
    data = _zip(
        {
            "config.json": json.dumps(config),
            "model.safetensors": weights,
            "data.pkl": _pickle(marker),
            "model.pt": _pickle(marker),
        }
    )
    assert np.isfinite(load_model(data).predict()).all()
    assert not marker.exists()


def test_torch_save_file_is_refused_and_never_run(tmp_path):
    import torch

    marker = tmp_path / "pwned"
    buf = io.BytesIO()
    torch.save({"weights": _Payload(marker)}, buf)
    with pytest.raises(DataError):
        load_model(buf.getvalue())
    assert not marker.exists()


def test_path_traversal_names_write_nothing(bundle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config, weights = _parts(bundle)
    outside = tmp_path.parent / f"{tmp_path.name}_escaped.txt"
    data = _zip(
        {
            "config.json": json.dumps(config),
            "model.safetensors": weights,
            f"../{outside.name}": "x",
            "../../../../../../tmp/convlstm_escaped.txt": "x",
            "/tmp/convlstm_absolute.txt": "x",
        }
    )
    load_model(data)
    assert not outside.exists()
    assert list(tmp_path.iterdir()) == []
    assert not Path("/tmp/convlstm_escaped.txt").exists()
    assert not Path("/tmp/convlstm_absolute.txt").exists()


def _mutated(bundle: bytes, change) -> bytes:
    config, weights = _parts(bundle)
    change(config)
    return _zip({"config.json": json.dumps(config), "model.safetensors": weights})


def _set(path: tuple[str, ...], value):
    def change(config):
        node = config
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


BAD_BUNDLES = {
    "not a zip": lambda b: b"PK\x03\x04 not really a zip",
    "empty zip": lambda b: _zip({}),
    "weights missing": lambda b: _zip({"config.json": json.dumps(_parts(b)[0])}),
    "config missing": lambda b: _zip({"model.safetensors": _parts(b)[1]}),
    "config not json": lambda b: _zip(
        {"config.json": "{nope", "model.safetensors": _parts(b)[1]}
    ),
    "config not utf-8": lambda b: _zip(
        {"config.json": b"\xff\xfe{", "model.safetensors": _parts(b)[1]}
    ),
    "config is a list": lambda b: _zip(
        {"config.json": "[]", "model.safetensors": _parts(b)[1]}
    ),
    "deeply nested config": lambda b: _zip(
        {"config.json": "[" * 100_000 + "]" * 100_000, "model.safetensors": b"x"}
    ),
    "unknown class": lambda b: _mutated(b, _set(("class",), "os.system")),
    "unknown parameter": lambda b: _mutated(b, _set(("params", "__class__"), 1)),
    "unknown state": lambda b: _mutated(b, _set(("state", "net_"), "x")),
    "hidden size out of range": lambda b: _mutated(
        b, _set(("params", "hidden_size"), 10**6)
    ),
    "negative length": lambda b: _mutated(b, _set(("index", "length"), -5)),
    "zero length": lambda b: _mutated(b, _set(("index", "length"), 0)),
    "length of 1e12": lambda b: _mutated(b, _set(("index", "length"), 10**12)),
    "bad frequency": lambda b: _mutated(b, _set(("index", "freq"), "bogus")),
    "bad timestamp": lambda b: _mutated(b, _set(("index", "first"), "yesterday")),
    "short last window": lambda b: _mutated(b, _set(("last_window",), [1.0])),
    "text last window": lambda b: _mutated(b, _set(("last_window",), "abc")),
    "huge horizon": lambda b: _mutated(b, _set(("params", "horizon"), 10**9)),
    "truncated weights": lambda b: _zip(
        {
            "config.json": json.dumps(_parts(b)[0]),
            "model.safetensors": _parts(b)[1][:50],
        }
    ),
    "random weights": lambda b: _zip(
        {"config.json": json.dumps(_parts(b)[0]), "model.safetensors": os.urandom(500)}
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BUNDLES))
def test_damaged_bundle_raises_data_error(bundle, case):
    data = BAD_BUNDLES[case](bundle)
    with pytest.raises(DataError, match="not a saved convlstm model bundle"):
        load_model(data)


def test_zip_bomb_config_is_refused_without_reading_it(bundle):
    # 64 MiB of spaces compress to ~64 KiB; reading it would cost >128 MiB
    _, weights = _parts(bundle)
    data = _zip(
        {"config.json": b" " * (64 * 2**20) + b"{}", "model.safetensors": weights}
    )
    assert len(data) < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(DataError):
            load_model(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"read {peak / 2**20:.0f} MiB for a refused bundle"


_BUILD_PROBE = """
import resource, sys
from convlstm import load_model
from convlstm.errors import DataError
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    load_model(data)
    outcome = "loaded"
except DataError:
    outcome = "DataError"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(outcome, (after - before) // 1024)
"""


def test_config_declaring_a_huge_net_is_refused_before_allocating(bundle, tmp_path):
    """A 2 KB file whose config asks for a net of hundreds of millions of weights
    must be refused from the weights' header, not after allocating the net."""

    def bigger(config):
        config["params"].update(hidden_size=512, num_layers=4, kernel_size=7)

    path = tmp_path / "big.zip"
    path.write_bytes(_mutated(bundle, bigger))
    run = subprocess.run(
        [sys.executable, "-c", _BUILD_PROBE, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    outcome, grown_mib = run.stdout.split()
    assert outcome == "DataError"
    assert int(grown_mib) < 256, f"allocated {grown_mib} MiB to refuse a 2 KB file"


# ------------------------------------------------------------ (f) temp files


def test_cli_compare_and_save_leave_no_temporary_files(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.chdir(work)
    system_tmp = Path(tempfile.gettempdir())
    assert system_tmp == scratch

    idx = pd.date_range("2000-01-01", periods=72, freq="MS")
    values = 100 + 10 * np.sin(np.arange(72) * np.pi / 6)
    source = work / "series.csv"
    source.write_text(
        "month,sales\n"
        + "".join(f"{t:%Y-%m-%d},{v:.3f}\n" for t, v in zip(idx, values, strict=True))
    )
    out, err = io.StringIO(), io.StringIO()
    flags = ["--epochs", "2", "--hidden-size", "4", "--device", "cpu"]
    assert (
        cli_main(
            ["forecast", "--csv", "series.csv", "--out", "f.csv", *flags],
            stdout=out,
            stderr=err,
        )
        == 0
    ), err.getvalue()
    assert (
        cli_main(
            [
                "compare",
                "--csv",
                "series.csv",
                "--json",
                "--quiet",
                "--folds",
                "1",
                "--models",
                "convlstm,lstm,arima,seasonal-naive",
                *flags,
            ],
            stdout=out,
            stderr=err,
        )
        == 0
    ), err.getvalue()
    assert (
        cli_main(
            [
                "report",
                "--csv",
                "series.csv",
                "--out",
                "r.html",
                "--quiet",
                "--folds",
                "1",
                "--models",
                "convlstm,seasonal-naive",
                *flags,
            ],
            stdout=out,
            stderr=err,
        )
        == 0
    ), err.getvalue()
    y = pd.Series(values, index=idx, name="sales")
    result = compare(
        y,
        models=("ConvLSTM", "LSTM", "ARIMA"),
        horizon=12,
        folds=1,
        params={**TINY, "device": "cpu"},
    )
    for name in ("ConvLSTM", "LSTM"):
        path = work / f"{name}.zip"
        result.fitted[name].save(path)
        loaded = load_model(path)
        assert isinstance(loaded, ConvLSTMForecaster | LSTMForecaster)
        loaded.to_bytes()
    from convlstm.record import make_record
    from convlstm.report import build_report

    record = make_record(
        y,
        params=TINY,
        models=list(result.summary.index),
        horizon=12,
        folds=1,
        seed=0,
        device="cpu",
    )
    build_report(y, result, record=record)

    assert sorted(p.name for p in scratch.iterdir()) == []
    expected = {"series.csv", "f.csv", "r.html", "ConvLSTM.zip", "LSTM.zip"}
    assert {p.name for p in work.iterdir()} == expected


# ------------------------------------------------------------ (g) HTML report


def _report_with_hostile_text() -> str:
    from convlstm.record import make_record
    from convlstm.report import build_report

    idx = pd.date_range("2000-01-01", periods=60, freq="MS")
    y = pd.Series(10 + np.sin(np.arange(60.0) * np.pi / 6), index=idx, name=EVIL_HTML)
    y.attrs["notes"] = [f"picked column {EVIL_HTML!r}", '"><svg onload=alert(3)>']
    models = {EVIL_HTML: NaiveForecaster(), "Seasonal naive": SeasonalNaiveForecaster()}
    result = backtest(models, y, 6, 2)
    summary = result.summary.copy()
    summary["best"] = summary["mae"] == summary["mae"].min()
    future = pd.DataFrame(
        {
            "model": EVIL_HTML,
            "timestamp": pd.date_range("2005-01-01", periods=6, freq="MS"),
            "forecast": np.ones(6),
        }
    )
    comparison = types.SimpleNamespace(
        backtest=result, summary=summary, future=future, device="cpu", seconds=1.0
    )
    record = make_record(
        y,
        params={"note": EVIL_HTML},
        models=[EVIL_HTML],
        horizon=6,
        folds=2,
        seed=0,
        device="cpu",
        extra={"dataset": EVIL_HTML, "file": '" onmouseover="alert(4)'},
    )
    return build_report(y, comparison, record=record, title=EVIL_HTML)


def test_report_escapes_user_text_in_markup_and_charts():
    report = _report_with_hostile_text()
    # no injected element anywhere, including inside the charts' JSON
    assert "<img src=x" not in report
    assert "<svg onload" not in report
    assert "<script>alert" not in report
    assert 'onmouseover="alert' not in report
    # every <script> the page opens is closed by its own tag: user text cannot
    # end a script block early
    opened = len(re.findall(r"<script\b", report))
    closed = report.count("</script>")
    assert opened == closed
    markup = re.sub(r"<script\b.*?</script>", "", report, flags=re.S)
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", markup))
    assert not tags & {"img", "svg", "iframe", "object", "embed"}, tags


def test_app_chart_download_escapes_series_name():
    """The page's 'Chart (HTML)' download is ``fig.to_html()`` of a figure titled
    and labelled with the user's column name."""
    from convlstm import plots

    idx = pd.date_range("2000-01-01", periods=48, freq="MS")
    y = pd.Series(np.arange(48.0), index=idx, name=EVIL_HTML)
    html = plots.series_figure(y).to_html(include_plotlyjs=False, full_html=True)
    assert "<img src=x" not in html and "<script>alert" not in html
    assert len(re.findall(r"<script\b", html)) == html.count("</script>")


def test_exported_numbers_carry_no_binary_float_noise():
    import pandas as pd

    from convlstm.data import safe_csv

    frame = pd.DataFrame({"forecast": [729.6899999999999, 23.0, float("nan")]})
    assert safe_csv(frame).split("\r\n")[1:3] == ["729.69", "23.0"]
