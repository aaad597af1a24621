"""The interval benchmark (bench.intervals): one series' records and the table."""

import math

from bench import intervals


def test_one_series_gives_checked_bounds_per_later_fold_and_third():
    (sid,) = intervals.competition.series_ids(
        intervals.COLLECTIONS["M3"], ["quarterly"], 1, 0
    )
    records = intervals.run_series(("M3", sid, ("Naive", "Theta"), 3))
    assert records, "a quarterly M3 series has room for 2 folds or more"
    assert {r["model"] for r in records} == {"Naive", "Theta"}
    assert {r["third"] for r in records} == {"early", "middle", "late"}
    for r in records:
        for key in ("80", "95"):
            if r[f"unbounded_{key}"]:
                assert math.isnan(r[f"cov_{key}"])
            else:
                assert r[f"cov_{key}"] in (0.0, 1.0)
                assert r[f"width_{key}"] >= 0
                assert r[f"score_{key}"] >= r[f"width_{key}"]
    table = intervals.summarise(records)
    assert list(table["third"][:3]) == ["early", "middle", "late"]
    assert table["points"].sum() == len(records)
