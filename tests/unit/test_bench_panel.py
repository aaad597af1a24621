"""bench.panel: the synthetic panel and a tiny run of one net over it."""

import numpy as np

from bench import panel


def test_synthetic_panel_is_seeded_and_spans_scales():
    a = panel.synthetic_panel(50, 30, seed=1)
    b = panel.synthetic_panel(50, 30, seed=1)
    assert a.equals(b) and len(a) == 1500 and a["series"].nunique() == 50
    levels = a.groupby("series")["value"].mean()
    assert levels.max() / levels.min() > 100


def test_tiny_run_writes_the_measurements(tmp_path, monkeypatch):
    out = tmp_path / "PANEL.md"
    argv = ["--model", "LSTM", "--series", "40", "20", "--length", "30"]
    assert panel.main([*argv, "--horizon", "3", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| measure | 40 series | 20 series |" in text
    assert "monthly series x 30 points" in text
    assert "peak RSS of the whole run" in text
    rows = [line for line in text.splitlines() if line.startswith("| forecast rows")]
    assert rows == ["| forecast rows, all finite | 120, True | 60, True |"]
    assert np.isfinite(panel.peak_rss_mib())
