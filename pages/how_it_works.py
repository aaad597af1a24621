"""How it works: the ConvLSTM made visible on the current data (teaching page).

Thin: picks the data and the shared settings, then draws each tab with the
section helpers of ``ui.how_it_works`` (which call ``convlstm.explain``).
"""

from __future__ import annotations

import streamlit as st

import ui
from convlstm import data
from convlstm.data.steps import frequency_words
from ui import how_it_works as hiw
from ui.images import images_section

ui.ensure_navigation()

TABS = (
    "Series to frames",
    "The ConvLSTM cell",
    "Inside a trained model",
    "Kernel sizes & ablation",
    "Moving blob",
    "Pretrained network",
)


# ---------------------------------------------------------------- data and settings

st.title("How it works")  # no icon: a screen reader reads its name
st.markdown(
    "What the ConvLSTM forecaster does with your series, drawn from the **real** "
    "model: its frames, tensor shapes, gates and what it looks at. Nothing here is "
    "a sketch: every number comes from running the network."
)

src = ui.source()
if src:
    with ui.guard():
        y = ui.current_series()
    label = ui.source_label(src)
    data_key = ui.source_key(src)
    need = hiw.too_short_to_teach(y)
    if need is not None:
        st.info(
            f"**{ui.escape_md(label)}** has {len(y)} points; this page trains the "
            f"network from scratch on the series, which needs at least {need}. It "
            "shows a bundled dataset instead (Train & compare still forecasts "
            "yours).",
            icon=":material/info:",
        )
        src = None
if not src:
    name = ui.dataset_picker(
        key="hiw_dataset",
        help="No data is chosen on the Data page yet, so pick a bundled dataset.",
    )
    src = ui.Source(kind="bundled", name=name)
    y = ui.load_bundled(name)
    label = ui.dataset_info(name).title
    data_key = ui.source_key(src)

defaults = ui.form_defaults(y, src)
horizon, default_folds = ui.default_horizon_folds(y, src)
# the horizon of the last run on this data (Train & compare), where it fits
horizon = hiw.teaching_horizon(y, defaults.get("horizon"), horizon)
long_series = len(y) > ui.LONG_SERIES
st.caption(
    f"Data: **{ui.escape_md(label)}** · {len(y):,} points · "
    f"{frequency_words(data.freq_of(y.index))} · "
    f"forecast horizon {horizon} steps"
)

settings = hiw.model_settings(defaults)
params = {
    "horizon": horizon,
    "lookback": int(defaults.get("lookback") or 0) or None,
    "activation": defaults["activation"],
    "learning_rate": float(defaults["learning_rate"]),
    "batch_size": int(defaults["batch_size"]),
    "seed": int(defaults["seed"]),
    **settings,
}
settings_key = (data_key, tuple(sorted((k, str(v)) for k, v in params.items())))

subject = hiw.fresh_subject(y, params, settings_key)

tabs = st.tabs(TABS, key="hiw_tab", on_change="rerun")
with tabs[0]:
    if tabs[0].open:
        hiw.frames_section(subject, y, horizon)
with tabs[1]:
    if tabs[1].open:
        hiw.cell_section(subject, settings["kernel_size"])
with tabs[2]:
    if tabs[2].open:
        hiw.inside_section(y, params, settings_key, data_key, long_series)
with tabs[3]:
    if tabs[3].open:
        hiw.ablation_section(
            y, horizon, params, settings_key, default_folds, long_series
        )
with tabs[4]:
    if tabs[4].open:
        hiw.blob_section()
with tabs[5]:
    if tabs[5].open:
        hiw.pretrained_section(y, horizon, int(defaults["seed"]), data_key)

images_section()
