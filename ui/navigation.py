"""The app's frame: page config, the page list, the sidebar menu and summary, and
the one workaround for Streamlit's legacy ``pages/`` folder handling."""

from __future__ import annotations

import numpy as np
import streamlit as st

from convlstm import ConvLSTMError, best_model
from convlstm.data import freq_of
from convlstm.data.cells import plural
from convlstm.data.steps import frequency_words

from .jobs import sidebar_progress
from .loaders import current_series, source_label
from .panel_results import result_line as panel_result_line
from .state import RESULT, source
from .text import escape_md, span_text

#: The app's pages: (file, title, icon). app.py routes with these and the sidebar
#: menu links them; add a page by adding one line here.
PAGE_SPECS = (
    ("pages/home.py", "Home", ":material/home:"),
    ("pages/data.py", "Data", ":material/table_chart:"),
    ("pages/compare.py", "Train & compare", ":material/model_training:"),
    ("pages/how_it_works.py", "How it works", ":material/school:"),
)


def configure_page() -> None:
    """Page title, icon and wide layout (called by ``app.py``)."""
    st.set_page_config(
        page_title="ConvLSTM forecast",
        page_icon="📈",
        layout="wide",
    )


def navigation_menu() -> None:
    """The sidebar menu, drawn by the app itself.

    Streamlit's own menu is switched off (``client.showSidebarNavigation``) because,
    with page files in ``pages/``, the first visitor after a server start who opens a
    page URL directly would get the legacy file-name menu instead of this one.
    """
    with st.sidebar:
        for path, title, icon in PAGE_SPECS:
            st.page_link(path, label=title, icon=icon)
        st.divider()


def frame() -> None:
    """Everything ``app.py`` draws around a page: config, menu and summary."""
    configure_page()
    navigation_menu()
    sidebar_summary()


def ensure_navigation() -> bool:
    """Give a page the app's frame when Streamlit ran it without ``app.py``.

    Streamlit treats a folder called ``pages/`` as a legacy multipage app until
    the first ``st.navigation`` call in the process: the first visitor after a
    server start who opens a page's URL directly (``/data``), and AppTest's
    ``switch_page``, run the page file alone. Then this draws the frame that
    ``app.py`` would, and turns the legacy mode off so that the next run goes
    through ``app.py``. Pages call this first. This is the app's only workaround
    for the legacy mode; tests/app/test_navigation.py fails when Streamlit
    changes the behaviour it works around.

    Returns:
        True when the page ran alone and the frame was drawn here.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        return False
    PagesManager.uses_pages_directory = False
    frame()
    return True


def sidebar_summary(show_run: bool = True) -> None:
    """Show the current dataset, the run in flight (unless ``show_run`` is False:
    the Train & compare page draws its own) and the last result in the sidebar."""
    if show_run:
        sidebar_progress()
    with st.sidebar:
        st.caption("CURRENT DATA")
        src = source()
        if not src:
            st.markdown("No data chosen yet.")
        else:
            st.markdown(f"**{escape_md(source_label(src))}**")
            try:
                y = current_series()
            except ConvLSTMError:
                st.caption("The file needs attention on the Data page.")
            else:
                if y is not None:
                    st.caption(
                        f"{len(y):,} points, {frequency_words(freq_of(y.index))}, "
                        + span_text(y.index[0], y.index[-1], freq_of(y.index))
                    )
        st.caption("LAST RESULT")
        result = st.session_state.get(RESULT)
        if not result:
            st.markdown("No comparison run yet.")
            return
        if result.get("kind") == "panel":
            st.markdown(panel_result_line(result))
        elif not getattr(result["comparison"], "scored", True):
            models = len(result["comparison"].summary)
            st.markdown(f"A forecast only, unscored ({plural(models, 'model')})")
        else:
            summary = result["comparison"].summary
            best = best_model(summary) or "?"
            mae = float(summary.loc[best, "mae"]) if best in summary.index else np.nan
            st.markdown(f"Best: **{escape_md(best)}** (MAE {mae:,.4g})")
        st.caption(
            f"on {escape_md(result['label'])}, {result['device'].upper()}, "
            f"seed {result['params'].get('seed')}"
        )
