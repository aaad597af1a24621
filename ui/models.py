"""The app's one view of the model list: names offered, defaults, which are neural,
and which one is best in a comparison.

TODO(registry): read all of these from the model registry (names, kinds) and its
NaN-safe best-model function; nothing else in ``ui/`` or ``pages/`` lists models.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from convlstm import MODEL_NAMES
from convlstm.compare import NEURAL_MODELS

#: Models the training form starts with.
DEFAULT_MODELS = ("ConvLSTM", "LSTM", "ARIMA", "Seasonal naive")


def model_names() -> list[str]:
    """Every model the training form offers, in display order."""
    return list(MODEL_NAMES)  # TODO(registry): registry names


def neural_names(names: Iterable[str]) -> list[str]:
    """Those of ``names`` that are neural models (they can be saved as bundles)."""
    return [m for m in names if m in NEURAL_MODELS]  # TODO(registry): registry kind


def best_model(comparison: Any) -> str | None:
    """The comparison's best model (lowest backtest MAE), or None when none is."""
    # TODO(registry): the registry's NaN-safe best-model function.
    summary = comparison.summary
    best = [m for m in summary.index if bool(summary.loc[m, "best"])]
    return best[0] if best else None
