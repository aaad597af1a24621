"""Widgets more than one page draws: the one dataset picker."""

from __future__ import annotations

from typing import Any

import streamlit as st

from convlstm import datasets

from .loaders import dataset_info
from .state import DEFAULT_DATASET


def dataset_picker(
    *, key: str, help: str, default: str | None = None, where: Any = None
) -> str:
    """A "Dataset" select box over the bundled datasets, shown by their titles.

    Args:
        key: the widget key (each page keeps its own).
        help: the widget's tooltip.
        default: the dataset selected first (``DEFAULT_DATASET`` when None).
        where: the container to draw it in (default: the page).

    Returns:
        The chosen dataset's name.
    """
    names = datasets.names()
    default = default or DEFAULT_DATASET
    return (where or st).selectbox(
        "Dataset",
        names,
        index=names.index(default) if default in names else 0,
        format_func=lambda n: dataset_info(n).title,
        key=key,
        help=help,
    )
