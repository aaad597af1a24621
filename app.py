"""Streamlit entry point: page config, navigation and the sidebar summary.

Run with ``streamlit run app.py``. Each screen lives in ``pages/``; add a page by
adding one line to ``ui.PAGE_SPECS``.
"""

import streamlit as st

import ui

ui.configure_page()

PAGES = [
    st.Page(path, title=title, icon=icon, default=(i == 0))
    for i, (path, title, icon) in enumerate(ui.PAGE_SPECS)
]

page = st.navigation(PAGES, position="hidden")
ui.reattach()  # a reloaded tab finds its run again (the token in the address)
ui.navigation_menu()
ui.sidebar_summary()
page.run()
