"""The scaling benchmark (bench.scale): its section of RESULTS.md, the million-series
arithmetic, the M3 panel and a tiny run without Ray."""

from __future__ import annotations

from bench import scale

OLD = "# Benchmark results\n\nintro\n\n## Protocol\n\np\n\n## Notes\n\nn\n"


def test_put_section_appends_then_replaces_and_keeps_the_rest() -> None:
    once = scale.put_section(OLD, "## Scaling\n\nfirst\n")
    assert once == OLD + "\n## Scaling\n\nfirst\n"
    twice = scale.put_section(once, "## Scaling\n\nsecond\n")
    assert twice == OLD + "\n## Scaling\n\nsecond\n"
    middle = scale.put_section(OLD, "## Protocol\n\nnew\n")
    assert middle == OLD.replace("\n\np\n", "\n\nnew\n")


FITS = {
    "command": "python -m bench.scale fits",
    "measured": "2026-12-02 06:00 UTC",
    "uptime": "load average: 0.10, 0.10, 0.10",
    "runs": [
        {
            "model": "ETS",
            "series": 1428,
            "setup": "2 local workers",
            "workers": 2,
            "wall": 7.14,
            "speedup": 1.9,
            "per_core": 100.0,
            "cpu": 14.28,
            "per_cpu_s": 100.0,
            "failed": 0,
            "same": True,
        }
    ],
    "overhead_ms": {"local": 0.3},
    "tasks": 200,
    "memory": {
        "series": 100,
        "before": {"rss": 150.0},
        "after": {"rss": 200.0, "pss": 100.0, "private": 40.0, "peak_rss": 210.0},
        "parent": {"rss": 300.0},
        "model_bytes": 2048.0,
        "forecast_bytes": 300.0,
    },
}


def test_the_million_series_arithmetic() -> None:
    text = "\n".join(scale.estimate(FITS))
    assert "1,000,000 / 100 = 10,000 core-seconds = 2.8 core-hours" in text
    assert "10,000 / 3,600 = 2.8 cores busy for the hour" in text
    assert "0.1 nodes of 32 cores" in text
    assert "32 x 40 MiB private + 160 MiB shared = 1.4 GiB" in text
    assert "fitted models = 1.9 GiB" in text


def test_render_labels_the_numbers() -> None:
    text = scale.render({"fits": FITS})
    assert text.startswith(scale.TITLE + "\n")
    assert "states the load average when it ended" in text
    assert "| ETS | 1428 | 2 local workers | 7.14 | 1.9x | 100.0 | 14.28 |" in text
    assert "load average: 0.10" in text and "`python -m bench.scale fits`" in text


TRAIN = {
    "command": "python -m bench.scale train",
    "measured": "2026-12-02 06:00 UTC",
    "uptime": "load average: 0.20, 0.10, 0.10",
    "series": 1428,
    "seed": 0,
    "empty_run": 20.5,
    "runs": [
        {
            "setup": "1 process (local)",
            "workers": 1,
            "wall": 32.0,
            "epochs": 40,
            "steps": 640,
            "params": 1024,
            "best_epoch": 38,
            "val_loss": 0.5,
            "smape": 15.2,
        },
        {
            "setup": "Ray Train, 2 workers (gloo)",
            "workers": 2,
            "wall": 61.2,
            "epochs": 40,
            "steps": 640,
            "params": 1024,
            "best_epoch": 38,
            "val_loss": 0.5,
            "smape": 15.3,
        },
    ],
}


def test_render_labels_the_training_numbers() -> None:
    text = scale.render({"train": TRAIN})
    assert "### Data-parallel training of the global ConvLSTM" in text
    assert "| Ray Train, 2 workers (gloo) | 61.2 | 40 | 38 | 0.5 | 15.3 |" in text
    assert "took 20.5 s (the trainer's start-up and tear-down)" in text
    assert "50 ms in one process, 64 ms on 2 workers" in text
    assert "start-up (20.5 s) is 64% of the whole one-process fit" in text


def test_monthly_panel() -> None:
    panel = scale.monthly_panel(3)
    assert panel["series"].nunique() == 3
    assert list(panel.columns) == ["series", "time", "value"]
    assert panel.attrs["freq"] == "MS"
    same, tests = scale.monthly_parts(3)
    assert same.equals(panel)
    assert sorted(tests) == sorted(panel["series"].unique())
    assert all(len(t) == scale.HORIZON for t in tests.values())


def test_a_tiny_run_without_ray(capsys) -> None:
    argv = ["fits", "--limit", "6", "--arima-limit", "2", "--no-ray"]
    argv += ["--tasks", "4", "--memory-series", "3", "--no-write"]
    assert scale.main(argv) == 0
    out = capsys.readouterr().out
    assert "| ETS | 6 | 2 local workers |" in out
    assert "| ARIMA | 2 | 1 local worker |" in out
    assert "A million series, on paper" in out
