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


def _compare_json(path, *extra) -> dict:
    import json

    out, err = io.StringIO(), io.StringIO()
    argv = ["compare", "--csv", str(path), "--models", "naive", "--horizon", "2"]
    argv += ["--folds", "1", "--json", "--quiet", *extra]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_the_cli_json_names_the_zone_and_marks_its_forecasts(tmp_path):
    path = tmp_path / "berlin.csv"
    path.write_bytes(_berlin_csv())
    one = _compare_json(path)
    assert one["time_zone"] == "UTC"
    assert one["future"] and all(
        r["timestamp"].endswith("+00:00") for r in one["future"]
    )
    path.write_bytes(_berlin_csv(sensors=("a", "b")))
    many = _compare_json(path)
    assert many["time_zone"] == "UTC"
    assert many["future"] and all(
        r["timestamp"].endswith("+00:00") for r in many["future"]
    )


def test_the_cli_json_of_times_as_written_has_no_zone(tmp_path):
    path = tmp_path / "days.csv"
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    path.write_text(
        "date,sales\n" + "".join(f"{d:%Y-%m-%d},{i % 7}\n" for i, d in enumerate(days))
    )
    payload = _compare_json(path)
    assert payload["time_zone"] is None
    assert not any("+00:00" in r["timestamp"] for r in payload["future"])


def test_the_report_says_the_times_are_utc():
    from convlstm.report import build_panel_report, build_report

    y = to_series(read_csv(_berlin_csv()), time_col="time", value_col="temp")
    result = compare(y, models=["naive"], horizon=3, folds=1)
    page = build_report(y, result, record=result.record)
    assert "Time zone" in page and "converted to UTC" in page
    panel = to_panel(read_csv(_berlin_csv(sensors=("a", "b"))))
    result = compare_panel(panel, models=["naive"], horizon=3, folds=1)
    assert "converted to UTC" in build_panel_report(panel, result)
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    plain = pd.Series(np.arange(60.0) % 7, index=days, name="sales")
    result = compare(plain, models=["naive"], horizon=3, folds=1)
    page = build_report(plain, result, record=result.record)
    assert "Time zone" not in page


def test_local_midnights_stored_in_utc_keep_their_days():
    # daily values at Berlin midnight, exported in UTC: 23:00 in winter and
    # 22:00 in summer of the day before; read as the days they start
    local = pd.date_range("2023-01-01", periods=120, freq="D", tz="Europe/Berlin")
    utc = local.tz_convert("UTC")
    text = "date,value\n" + "".join(
        f"{t:%Y-%m-%dT%H:%M:%SZ},{i % 7}\n" for i, t in enumerate(utc)
    )
    frame = pd.DataFrame({"ts": utc, "value": np.arange(120) % 7})
    for table in (read_csv(text.encode()), frame):
        y = to_series(table)
        assert y.index[0] == pd.Timestamp("2023-01-01") and len(y) == 120
        assert y.index.freqstr == "D" and "time_zone" not in y.attrs
        assert (y.to_numpy() == np.arange(120) % 7).all()
        said = " ".join(y.attrs["notes"])
        assert "fall at 22:00 and 23:00 UTC, an hour apart" in said
        assert "(2023-01-01 for 2022-12-31 23:00 UTC)" in said
    # hourly readings across the clock change stay in UTC; so do two readings
    # a day at those times
    assert to_series(read_csv(_berlin_csv()), value_col="temp").attrs["time_zone"]
    days = pd.date_range("2023-01-01", periods=60, freq="D", tz="UTC")
    twice = (days + pd.Timedelta(hours=22)).append(days + pd.Timedelta(hours=23))
    evenings = pd.DataFrame({"ts": twice.sort_values(), "value": 1.0})
    said = " ".join(to_series(evenings, step="daily").attrs["notes"])
    assert "local midnight" not in said
