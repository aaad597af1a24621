"""Library errors shown as ``st.error`` (no traceback); anything else is a bug."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from convlstm import ConvLSTMError

from .text import app_words


@contextmanager
def guard(where: Any = None) -> Iterator[None]:
    """Show a library error as ``st.error`` and stop the page; let bugs propagate.

    Args:
        where: a container to write the message into (default: the page).
    """
    try:
        yield
    except ConvLSTMError as exc:
        show_error(exc, where)
        st.stop()


def show_error(exc: BaseException, where: Any = None) -> None:
    """Write a readable message for a library error (no traceback)."""
    text = app_words(str(exc)) or type(exc).__name__
    (where or st).error(text, icon=":material/error:")
