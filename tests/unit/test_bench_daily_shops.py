"""bench.daily_shops: a seeded panel of daily shop sales, and its run."""

from __future__ import annotations

import pandas as pd

from bench import daily_shops


def test_easter_dates() -> None:
    known = {2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05"}
    for year, day in known.items():
        assert daily_shops._easter(year) == pd.Timestamp(day)


def test_the_panel_is_seeded_daily_and_closed_on_the_holidays() -> None:
    panel = daily_shops.shops(stores=2, seed=3)
    assert panel.equals(daily_shops.shops(stores=2, seed=3))
    assert not panel.equals(daily_shops.shops(stores=2, seed=4))
    assert list(panel.columns) == ["store", "date", "sales"]
    one = panel[panel["store"] == "shop 1"].set_index("date")["sales"]
    assert (one.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all()
    assert one.index[-1] == pd.Timestamp("2026-02-28")
    closed = one[(one.index.month == 12) & (one.index.day == 25)]
    assert (closed == 0).all() and len(closed) == 3
    open_days = one[one > 0]
    weekend = open_days[open_days.index.day_of_week >= 5].mean()
    assert weekend > 1.2 * open_days[open_days.index.day_of_week < 5].mean()


def test_main_prints_the_leaderboard(tmp_path, capsys) -> None:
    out = tmp_path / "shops.csv"
    args = ["--stores", "2", "--horizon", "14", "--folds", "1"]
    assert (
        daily_shops.main([*args, "--models", "Seasonal naive", "--csv", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert "2 shops x 1096 days" in printed and "Seasonal naive" in printed
    assert len(pd.read_csv(out)) == 2 * 1096
