"""bench.short_uploads: its held-out series, origins, splits and tables."""

from __future__ import annotations

import numpy as np
import pytest

from bench import short_uploads as su
from convlstm import pretrained
from convlstm.data import season_length


@pytest.mark.parametrize("case", su.CASES, ids=lambda c: c.name)
def test_the_held_out_series_are_regular_and_have_their_season(case):
    y = su.load(case.name)
    assert y.notna().all() and y.index.freq is not None
    assert season_length(y.index) == case.season
    assert case.season in pretrained.FAMILY_OF_SEASON
    points = su.origins(case, len(y))
    assert points[0] == max(case.lengths)
    assert points[-1] + case.season <= len(y)
    assert np.all(np.diff(points) == case.step)


def test_hiding_a_family_restores_it():
    before = list(pretrained.FAMILY_OF_SEASON.items())
    with su._without_family(7):
        assert 7 not in pretrained.FAMILY_OF_SEASON
    assert before == list(pretrained.FAMILY_OF_SEASON.items())
    with pytest.raises(RuntimeError), su._without_family(24):
        raise RuntimeError
    assert before == list(pretrained.FAMILY_OF_SEASON.items())


def test_tables_split_origins_in_halves_and_compare_with_seasonal_naive():
    done = []
    for origin, value in ((10, 1.0), (20, 1.0), (30, 3.0), (40, 3.0)):
        for model in su.MODELS:
            score = value * (0.5 if model == "ConvLSTM after" else 1.0)
            done.append((0, 14, origin, model, score, ""))
    done.append((0, 14, 40, "ETS", float("nan"), "ETS failed"))
    mean = su.table(done[:-1], markdown=True)
    assert "| electricity, daily | validation | 2 | 1.000 | 0.500 |" in mean
    assert "| electricity, daily | test | 2 | 3.000 | 1.500 |" in mean
    assert "100%" in mean
    relative = su.table(done[:-1], markdown=False, relative=True)
    assert "0.500" in relative and "2.000" not in relative
    assert "1 fit(s) failed" in su.table(done, markdown=False)
