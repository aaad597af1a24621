"""Landing page: what the app does and a first forecast in two clicks."""

import contextlib

import streamlit as st

import ui
from convlstm import ConvLSTMError, narrative
from convlstm.data.steps import frequency_words
from convlstm.models.registry import default_models

ui.ensure_navigation()
st.title("ConvLSTM forecast")  # no icon: a screen reader reads its name
st.markdown(
    "Forecast a time series with a ConvLSTM network and see, on the same "
    "rolling-origin backtest, whether it beats an LSTM (neural, like it), the "
    "statistical models ETS, Theta and ARIMA, a seasonal naive baseline and an "
    "ensemble of them. Bring your own CSV or start from one of the bundled datasets."
)


def listed(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}"


defaults = listed(default_models())
running = ui.current_job() is not None
chosen = bool(st.session_state.get(ui.PARAMS))
replaces = []
if running:
    replaces.append("stops the run in progress")
if chosen:
    replaces.append("puts the settings chosen on Train & compare back to the defaults")
mine = ui.source()
mine = mine if mine and mine.get("kind") == "upload" else None
mine_defaults = defaults
if mine:
    # the models the upload's run gets (TSB joins them for intermittent data)
    with contextlib.suppress(ConvLSTMError):  # the Data page says what is wrong
        panel = ui.current_panel()
        data = panel if panel is not None else ui.current_series()
        mine_defaults = listed(default_models(data))

with st.container(border=True):
    st.subheader("Your first forecast in two clicks")
    if mine:  # the user's own file comes first: a bundled dataset would replace it
        left, right = st.columns([2, 1], vertical_alignment="center")
        left.markdown(
            f":material/upload_file: Your data: **{ui.escape_md(ui.source_label())}**"
        )
        if right.button(
            "Forecast your data",
            type="primary",
            icon=":material/play_arrow:",
            key="quick_run_mine",
            help=f"Backtest {mine_defaults} on your upload with the default settings "
            "and show the comparison."
            + (f" It {' and '.join(replaces)}." if replaces else ""),
            width="stretch",
        ):
            st.session_state.pop(ui.PARAMS, None)  # the library's default settings
            st.session_state[ui.AUTORUN] = True
            st.switch_page("pages/compare.py")
        st.caption("Or a bundled dataset instead of your upload:")
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    name = ui.dataset_picker(
        key="quick_dataset",
        default=ui.bundled_name(),
        where=left,
        help="A bundled dataset; you can upload your own CSV on the Data page.",
    )
    if right.button(
        "Run forecast",
        type="secondary" if mine else "primary",
        icon=":material/play_arrow:",
        key="quick_run",
        help=f"Backtest {defaults} with the default settings and show the "
        "comparison."
        + (f" It {' and '.join(replaces)}." if replaces else "")
        + (" The dataset replaces your upload as the data." if mine else ""),
        width="stretch",
    ):
        ui.choose_bundled(name)
        st.session_state.pop(ui.PARAMS, None)  # the library's default settings
        st.session_state[ui.AUTORUN] = True
        st.switch_page("pages/compare.py")
    info = ui.dataset_info(name)
    st.caption(
        f"{info.description} Unit: {info.unit}. "
        f"Frequency: {frequency_words(info.freq)}. "
        f"Backtest: {info.folds} folds of {info.horizon} steps."
    )
    if running:
        st.caption(
            ":material/warning: A run of yours is in progress: **Run forecast** "
            "stops it and starts this one. To keep it, follow it on Train & compare."
        )
    if narrative.slow_to_train(ui.device_name(), len(ui.load_bundled(name))):
        st.caption(
            ":material/schedule: A long series: on a CPU the neural models take "
            "up to a minute or so here. The progress bar shows how far they are, and "
            "**Stop training** ends the run."
        )

st.subheader("Or go step by step")
col1, col2, col3 = st.columns(3)
with col1, st.container(border=True):
    st.page_link("pages/data.py", label="**1. Data**", icon=":material/table_chart:")
    st.caption(
        "Pick a bundled dataset or upload a CSV or Excel file. See what the reader "
        "repaired (gaps, duplicates, formats) and choose the time and value columns."
    )
with col2, st.container(border=True):
    st.page_link(
        "pages/compare.py",
        label="**2. Train & compare**",
        icon=":material/model_training:",
    )
    st.caption(
        "Set the ConvLSTM's kernel, hidden size and learning rate, train it beside "
        "the baselines on the same folds, and download the forecasts."
    )
with col3, st.container(border=True):
    st.page_link(
        "pages/how_it_works.py", label="**3. How it works**", icon=":material/school:"
    )
    st.caption(
        "The ConvLSTM made visible on your data: its frames, equations, gates, "
        "what it looks at, an ablation, and the pretrained network."
    )
