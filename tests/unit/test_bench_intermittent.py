"""bench.intermittent: a seeded panel of slow-moving parts, and its run."""

from __future__ import annotations

from bench import intermittent


def test_the_panel_is_seeded_mostly_zeros_with_obsolete_parts() -> None:
    panel = intermittent.parts(n=7, seed=1)
    assert panel.equals(intermittent.parts(n=7, seed=1))
    assert (panel["value"] >= 0).all() and (panel["value"] == 0).mean() > 0.4
    first = panel[panel["series"] == "P00"]["value"]  # every sixth is obsolete
    assert (first.tail(50) == 0).all()
    assert panel.attrs["freq"] == "W-SUN"


def test_main_prints_the_leaderboard_with_bias(capsys) -> None:
    args = ["--parts", "3", "--horizon", "4", "--folds", "1", "--models", "TSB,Naive"]
    assert intermittent.main(args) == 0
    out = capsys.readouterr().out
    assert "3 parts x 156 weeks" in out and "bias" in out and "TSB" in out
