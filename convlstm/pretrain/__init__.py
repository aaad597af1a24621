"""Pretraining: the corpus a pretrained network learns from (:mod:`.corpus`)."""

from .corpus import (
    FAMILIES,
    KINDS,
    LENGTHS,
    START,
    SYNTHETIC_ONLY,
    Family,
    build_corpus,
    competition_panel,
    family_of,
    synthetic_panel,
    without_season,
)

__all__ = [
    "FAMILIES",
    "KINDS",
    "LENGTHS",
    "START",
    "SYNTHETIC_ONLY",
    "Family",
    "build_corpus",
    "competition_panel",
    "family_of",
    "synthetic_panel",
    "without_season",
]
