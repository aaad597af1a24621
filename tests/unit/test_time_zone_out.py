"""Times written with changing UTC offsets are read as UTC, and the forecasts say
so: the series' ``time_zone``, the forecast tables and CSVs (+00:00), the charts'
time axis."""

import io

import numpy as np
import pandas as pd

from convlstm import compare, compare_panel, plots, to_panel, to_series
from convlstm.cli import main
from convlstm.data import read_csv, safe_csv


def _berlin_csv(hours: int = 24 * 20, sensors=("a",)) -> bytes:
    # hourly readings in Berlin time across the clock change of 2024-03-31
    local = pd.date_range("2024-03-20", periods=hours, freq="h", tz="Europe/Berlin")
    rows = ["sensor,time,temp"]
    for k, sensor in enumerate(sensors):
        for i, ts in enumerate(local):
            rows.append(f"{sensor},{ts.isoformat()},{10 + k + np.sin(i / 4):.3f}")
    return ("\n".join(rows) + "\n").encode()


def test_a_series_converted_to_utc_says_so_down_to_its_forecasts():
    y = to_series(read_csv(_berlin_csv()), time_col="time", value_col="temp")
    assert y.attrs["time_zone"] == "UTC"
    result = compare(y, models=["naive"], horizon=3, folds=1)
    assert result.time_zone == "UTC"
    text = safe_csv(result.forecast_table())
    future = [line for line in text.splitlines() if line.startswith("future")]
    assert future and all("+00:00" in line for line in future)
    assert plots.forecast_figure(y, result).layout.xaxis.title.text == "time (UTC)"
    assert plots.series_figure(y).layout.xaxis.title.text == "time (UTC)"


def test_times_as_written_carry_no_zone():
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    rows = "".join(f"{d:%Y-%m-%d},{i % 7}\n" for i, d in enumerate(days))
    csv = "date,sales\n" + rows
    y = to_series(read_csv(csv.encode()))
    assert "time_zone" not in y.attrs
    table = compare(y, models=["naive"], horizon=3, folds=1).forecast_table()
    assert "+00:00" not in safe_csv(table)
    assert plots.series_figure(y).layout.xaxis.title.text is None


def test_a_panel_in_utc_marks_every_series_forecast():
    panel = to_panel(read_csv(_berlin_csv(sensors=("a", "b"))))
    assert panel.attrs["time_zone"] == "UTC"
    result = compare_panel(panel, models=["naive"], horizon=3, folds=1)
    assert result.future_table()["timestamp"].dt.tz is not None


def test_the_cli_writes_utc_offsets(tmp_path):
    path = tmp_path / "berlin.csv"
    path.write_bytes(_berlin_csv())
    out, err = io.StringIO(), io.StringIO()
    argv = ["forecast", "--csv", str(path), "--model", "naive", "--horizon", "2"]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    stamps = pd.read_csv(io.StringIO(out.getvalue()))["timestamp"]
    assert all(s.endswith("+00:00") for s in stamps)
