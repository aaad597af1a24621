"""HTML report: self-contained, has every section, escapes all user text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from convlstm.intervals import conformal_intervals, interval_coverage
from convlstm.record import make_record
from convlstm.report import build_report
from convlstm.significance import compare_to_baseline

EVIL = "<script>alert(1)</script>"
EVIL_MODEL = 'Seasonal <img src=x onerror="alert(2)">'


@dataclass
class FakeBacktest:
    forecasts: pd.DataFrame
    summary: pd.DataFrame


@dataclass
class FakeComparison:
    """The attributes of compare.Comparison that the report reads."""

    backtest: FakeBacktest
    summary: pd.DataFrame
    future: pd.DataFrame
    fitted: dict = field(default_factory=dict)
    histories: dict = field(default_factory=dict)
    device: str = "cpu"
    seconds: float = 1.5


def make_comparison(
    y: pd.Series, horizon: int = 6, folds: int = 8, noise: dict | None = None
):
    rng = np.random.default_rng(0)
    noise = noise or {"ConvLSTM": 0.5, "ARIMA": 1.5, EVIL_MODEL: 3.0}
    test = y.iloc[-horizon * folds :]
    rows = []
    for model, sd in noise.items():
        for f in range(folds):
            part = test.iloc[f * horizon : (f + 1) * horizon]
            for s, (ts, actual) in enumerate(part.items()):
                rows.append(
                    {
                        "model": model,
                        "fold": f + 1,
                        "cutoff": part.index[0] - y.index.freq,
                        "timestamp": ts,
                        "step": s + 1,
                        "actual": actual,
                        "forecast": actual + rng.normal(0, sd),
                    }
                )
    forecasts = pd.DataFrame(rows)
    err = forecasts.actual - forecasts.forecast
    summary = (
        forecasts.assign(ae=err.abs(), se=err**2)
        .groupby("model", sort=False)
        .agg(mae=("ae", "mean"), rmse=("se", "mean"))
    )
    summary["rmse"] = np.sqrt(summary["rmse"])
    summary["mape"] = summary["mae"]
    summary["smape"] = summary["mae"]
    summary["mase"] = summary["mae"] / 2
    summary["fit_seconds"] = 0.01
    summary["best"] = summary["mae"] == summary["mae"].min()
    index = pd.date_range(y.index[-1], periods=horizon + 1, freq=y.index.freq)[1:]
    future = pd.concat(
        pd.DataFrame({"model": m, "timestamp": index, "forecast": y.iloc[-horizon:]})
        for m in noise
    ).reset_index(drop=True)
    return FakeComparison(FakeBacktest(forecasts, summary), summary, future)


@pytest.fixture
def y():
    n = 120
    t = np.arange(n)
    s = pd.Series(
        50 + 10 * np.sin(2 * np.pi * t / 12) + 0.2 * t,
        index=pd.date_range("2010-01-01", periods=n, freq="MS"),
        name=EVIL,
    )
    s.attrs["notes"] = [f"picked column {EVIL!r} as value", "filled 2 <b>gaps</b>"]
    return s


@pytest.fixture
def parts(y):
    comp = make_comparison(y)
    bt = comp.backtest.forecasts
    record = make_record(
        y,
        params={"hidden_size": 8, "note": EVIL},
        models=list(comp.summary.index),
        horizon=6,
        folds=8,
        seed=0,
        device="cpu",
        extra={"dataset": EVIL},
    )
    return {
        "comparison": comp,
        "record": record,
        "intervals": conformal_intervals(bt, comp.future, levels=(0.8, 0.95)),
        "coverage": interval_coverage(bt, levels=(0.8, 0.95)),
        "significance": compare_to_baseline(bt),
    }


@pytest.fixture
def report(y, parts):
    return build_report(
        y,
        parts["comparison"],
        record=parts["record"],
        intervals=parts["intervals"],
        coverage=parts["coverage"],
        significance=parts["significance"],
    )


def test_report_is_one_self_contained_document(report):
    assert report.startswith("<!DOCTYPE html>")
    assert report.count("<html") == 1 and report.rstrip().endswith("</html>")
    # plotly.js is inlined exactly once, and nothing is fetched from elsewhere
    assert report.count("* plotly.js v") == 1
    assert report.count("window.PlotlyConfig") == 1
    assert len(report) > 1_000_000  # the bundle is in the page
    assert not re.search(r"<script[^>]*\bsrc=", report)
    assert not re.search(r"<link\b", report)
    markup = re.sub(r"<script>.*?</script>", "", report, flags=re.S)
    assert not re.search(r"<[^>]*\s(src|href)\s*=", markup)
    assert "http" not in markup


def test_report_has_every_section(report, parts):
    for marker in (
        'id="summary"',
        'id="data-summary"',
        'id="forecast-chart"',
        'id="backtest-chart"',
        'id="metrics"',
        'id="record"',
        'id="record-json"',
    ):
        assert report.count(marker) == 1, marker
    assert parts["record"]["data"]["sha256"] in report
    assert "95% coverage" in report and "80% width" in report
    # the verdict carries its p-value, as on the app's page: no column of p too
    assert "Against ARIMA (Diebold-Mariano)" in report and "p vs" not in report
    assert "could be checked on these folds" not in report
    assert "ConvLSTM beats ARIMA" in report
    assert "120 points" in report


def test_summary_names_winner_gain_significance_and_coverage(report):
    summary = re.search(r'<div class="summary" id="summary">(.*?)</div>', report, re.S)
    text = summary.group(1)
    assert "<b>ConvLSTM</b> had the lowest average error" in text
    assert "over 8 backtest folds of 6 steps each" in text
    assert "lower than ARIMA, the best statistical baseline" in text
    assert "statistically significant" in text
    assert re.search(r"80% intervals covered \d+%", text)


def test_user_text_is_escaped_everywhere(report):
    assert "<script>alert" not in report
    assert "<img src=x" not in report
    assert "<b>gaps</b>" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "filled 2 &lt;b&gt;gaps&lt;/b&gt;" in report
    assert "Seasonal &lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in report


def test_custom_title_is_escaped(y, parts):
    html = build_report(
        y, parts["comparison"], record=parts["record"], title=f"Q3 {EVIL}"
    )
    assert "<title>Q3 &lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "<script>alert" not in html


def test_report_without_optional_parts(y, parts):
    html = build_report(y, parts["comparison"], record=parts["record"])
    assert 'id="forecast-chart"' in html and 'id="metrics"' in html
    assert "coverage" not in html.split('id="metrics"')[1].split("</table>")[0]
    assert "had the lowest average error" in html


def test_the_record_names_the_networks_that_ran(y, parts):
    shape = {"kernel_size": 5, "hidden_size": 16, "num_layers": 1}
    record = {
        **parts["record"],
        "extra": {"networks": {"ConvLSTM": {"start": "scratch", "shape": shape}}},
    }
    html = build_report(y, parts["comparison"], record=record)
    section = html[html.index('id="record"') :]
    assert "ConvLSTM: kernel 5, hidden 16, 1 layer<" in section


def test_report_when_a_baseline_wins(y, parts):
    comp = parts["comparison"]
    summary = comp.summary.copy()
    summary["best"] = summary.index == "ARIMA"
    summary.loc["ARIMA", "mae"] = 0.1
    comp = FakeComparison(comp.backtest, summary, comp.future)
    html = build_report(y, comp, record=parts["record"])
    assert "No neural model beat this statistical baseline" in html
    assert '<tr class="best"><td class="text">ARIMA</td>' in html


def test_panel_report_covers_every_series_and_escapes_names():
    from convlstm import build_panel_report, compare_panel

    names = ["north", "south", EVIL, "east", "west"]
    frames = []
    for i, name in enumerate(names):
        t = np.arange(30)
        values = 10 + i + np.sin(2 * np.pi * t / 12) + 0.1 * t
        times = pd.date_range("2015-01-01", periods=30, freq="MS")
        frames.append(pd.DataFrame({"series": name, "time": times, "value": values}))
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs = {"freq": "MS", "notes": [f"read {EVIL}"]}
    result = compare_panel(
        panel, models=["Naive", "Seasonal naive"], horizon=3, folds=2, n_jobs=1
    )
    report = build_panel_report(panel, result, charts=2)
    assert report.count("<script") == report.count("</script>")
    assert EVIL not in report and "&lt;script&gt;alert(1)" in report
    per_series = report[report.index('id="per-series"') :]
    per_series = per_series[: per_series.index("</table>")]
    for name in ("north", "south", "east", "west", "&lt;script&gt;"):
        assert name in per_series
    for marker in ('id="summary"', 'id="panel-summary"', 'id="series-chart-0"'):
        assert report.count(marker) == 1, marker
    assert 'id="series-chart-2"' not in report
    assert "the first 2 of 5 series; the forecasts CSV holds every one" in report
    # by default a shop's handful of products all get a chart
    default = build_panel_report(panel, result)
    assert 'id="series-chart-4"' in default and "holds every one" not in default
    assert f"<b>{result.best}</b>" in report
    assert f"Checked on held-out backtest folds, {result.best}'s 80%" in report


def _summary_text(y, noise):
    comp = make_comparison(y, noise=noise)
    html = build_report(y, comp, record={})
    return re.search(r'<div class="summary" id="summary">(.*?)</div>', html, re.S)[1]


def test_wording_names_kinds_ets_vs_convlstm(y):
    """ETS is statistical, not neural; ConvLSTM is neural; the ensemble is neither."""
    text = _summary_text(y, {"ETS": 0.5, "ConvLSTM": 2.0})
    assert "No neural model beat this statistical baseline" in text
    assert "the best of them, ConvLSTM" in text
    text = _summary_text(y, {"ETS": 2.0, "ConvLSTM": 0.5})
    assert "lower than ETS, the best statistical baseline" in text
    text = _summary_text(y, {"ETS": 0.5, "ConvLSTM": 2.0, "Ensemble": 1.5})
    assert "No neural or ensemble model beat this statistical baseline" in text
    assert "the best of them, Ensemble" in text
    text = _summary_text(y, {"Seasonal naive": 2.0, "Ensemble": 0.5})
    assert "lower than Seasonal naive, the best naive baseline" in text
    assert "neural" not in text


def test_the_convlstm_start_note_is_listed_and_escaped(y, parts):
    from types import SimpleNamespace

    comp = parts["comparison"]
    comp.fitted = {
        "ConvLSTM": SimpleNamespace(init_note_=f"started from scratch {EVIL}"),
        "ARIMA": SimpleNamespace(),
    }
    html = build_report(y, comp, record=parts["record"])
    assert '<ul id="start-notes"><li>ConvLSTM: started from scratch ' in html
    assert "<script>alert" not in html
    # a network kept at its start, and folds that started otherwise, are said
    comp.fitted = {
        "ConvLSTM": SimpleNamespace(
            history_=[{"epoch": 1}], best_epoch_=0, start_="scratch"
        )
    }
    comp.backtest.fold_starts = {"ConvLSTM": ["pretrained", "scratch"]}
    html = build_report(y, comp, record=parts["record"])
    notes = html[html.index('id="start-notes"') :].split("</ul>")[0]
    assert "ConvLSTM: the final fit kept its start" in notes
    assert "ConvLSTM&#x27;s backtest folds" in notes
    del comp.fitted
    assert 'id="start-notes"' not in build_report(y, comp, record=parts["record"])


def test_the_panel_summary_says_how_many_series_its_mean_is_over():
    from convlstm import build_panel_report, compare_panel

    times = pd.date_range("2015-01-01", periods=30, freq="MS")
    rising = 10 + np.arange(30.0) + np.sin(np.arange(30.0))
    frames = [
        pd.DataFrame({"series": "a", "time": times, "value": rising}),
        pd.DataFrame({"series": "b", "time": times, "value": rising * 2}),
        pd.DataFrame({"series": "flat", "time": times, "value": 5.0}),  # no MASE
    ]
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs = {"freq": "MS"}
    result = compare_panel(panel, models=["Naive"], horizon=3, folds=1, n_jobs=1)
    report = build_panel_report(panel, result, charts=1)
    assert "over 3 series" in report
    assert "the mean of the 2 series with a MASE" in report
    table = report[report.index('id="panel-summary"') :].split("</table>")[0]
    assert "<th>With MASE</th>" in table and "<td>2</td>" in table


def test_a_combination_in_the_report_says_what_it_combines():
    from convlstm.report import _combination_notes

    notes = _combination_notes(["Naive", "Ensemble"])
    assert "<b>Ensemble</b>: The median of the ConvLSTM, ETS, Theta and ARIMA" in notes
    assert _combination_notes(["Naive", "Theta"]) == ""


def test_the_panel_report_holds_its_settings_and_versions():
    from convlstm import build_panel_report, compare_panel

    times = pd.date_range("2015-01-01", periods=30, freq="MS")
    panel = pd.concat(
        [
            pd.DataFrame({"series": s, "time": times, "value": k + np.arange(30.0)})
            for k, s in enumerate("ab")
        ],
        ignore_index=True,
    )
    panel.attrs = {"freq": "MS"}
    result = compare_panel(panel, models=["Naive"], horizon=3, folds=1, n_jobs=1)
    report = build_panel_report(panel, result, settings={"seed": 7})
    section = report[report.index('id="panel-settings"') :]
    assert "&quot;seed&quot;: 7" in section and "&quot;convlstm&quot;" in section
    assert "&quot;networks&quot;: {}" in section  # no network ran

    class Wide:  # a panel's network is wider than the setting asked for
        start_ = "scratch"

        def architecture(self):
            return {"kernel_size": 3, "hidden_size": 16, "num_layers": 2}

    result.fitted = {"ConvLSTM": Wide()}
    report = build_panel_report(panel, result, settings={"hidden_size": 8})
    section = report[report.index('id="panel-settings"') :]
    assert "&quot;hidden_size&quot;: 16" in section
    assert "by convlstm-forecast 0." in report


def test_the_frequency_is_written_in_words():
    from convlstm.report import _frequency_cell

    assert _frequency_cell("MS") == "monthly (MS)"
    assert _frequency_cell("QS-JAN") == "quarterly (QS-JAN)"
    assert _frequency_cell(None) == "–"


def test_a_tie_for_the_lowest_error_is_said_as_a_tie():
    from convlstm.report import _plain_summary

    summary = pd.DataFrame({"mae": [2.0, 2.0, 3.0]}, index=["Theta", "Naive", "ETS"])
    text = _plain_summary(
        summary, "Theta", None, None, {"folds": 2, "horizon": 3}, None
    )
    assert "<b>Theta</b> and Naive had the same lowest average error (MAE 2)" in text
    alone = _plain_summary(summary.iloc[[0, 2]], "Theta", None, None, {}, None)
    assert "<b>Theta</b> had the lowest average error (MAE 2)." in alone


def test_a_level_no_model_could_be_checked_at_is_one_sentence_not_columns(y, parts):
    """Two folds of 6 steps are too few held-out values for a 95% interval: its
    columns were dashes in every row and pushed the table past a 1024 px screen."""
    coverage = parts["coverage"].copy()
    coverage.loc[coverage["level"] == 0.95, ["coverage", "mean_width"]] = np.nan
    report = build_report(
        y,
        parts["comparison"],
        record=parts["record"],
        intervals=parts["intervals"],
        coverage=coverage,
        significance=parts["significance"],
    )
    table = re.search(r'<table id="metrics">.*?</table>', report, re.S).group(0)
    assert "80% coverage" in table and "95% coverage" not in table
    assert "No model's 95% interval could be checked on these folds" in report
