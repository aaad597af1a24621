"""Streamlit entry point: page config, navigation and the sidebar summary.

Run with ``streamlit run app.py``. Each screen lives in ``pages/``; add a page by
adding one ``st.Page`` line to ``PAGES``.
"""

import streamlit as st

import ui

ui.configure_page()

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/table_chart:"),
    st.Page(
        "pages/compare.py", title="Train & compare", icon=":material/model_training:"
    ),
    st.Page("pages/how_it_works.py", title="How it works", icon=":material/school:"),
]

page = st.navigation(PAGES)
ui.sidebar_summary()
page.run()
