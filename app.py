"""Streamlit entry point: page config, navigation and the sidebar summary.

Run with ``streamlit run app.py``. Each screen lives in ``pages/``; add a page by
adding one line to ``ui.PAGE_SPECS``.

Everything runs under ``if __name__ == "__main__"``: Streamlit runs this file as
``__main__``, while the training workers (processes started with "spawn") import
it as ``__mp_main__`` and must not draw the app, start an executor of their own
or load Streamlit.
"""


def main() -> None:
    """Draw the app's frame and the page the user is on."""
    import streamlit as st  # noqa: PLC0415 (not in the training workers)

    import ui  # noqa: PLC0415

    ui.configure_page()
    pages = [
        st.Page(path, title=title, icon=icon, default=(i == 0))
        for i, (path, title, icon) in enumerate(ui.PAGE_SPECS)
    ]
    page = st.navigation(pages, position="hidden")
    ui.reattach()  # a reloaded tab finds its run again (the token in the address)
    ui.collect()  # a finished run lands before the sidebar names the last result
    ui.lost_notice()  # a run lost with the server, said on the page the user is on
    ui.navigation_menu()
    ui.sidebar_summary(show_run=page.url_path != "compare")  # it has its own
    page.run()


if __name__ == "__main__":
    main()
