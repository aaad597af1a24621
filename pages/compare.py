"""Train & compare page: training form, live progress and the comparison results,
with prediction intervals, significance, the reproducibility record, the report and
portable model bundles (drawn by ``ui.results``)."""

from datetime import datetime

import streamlit as st

import ui
from convlstm import ConvLSTMError, compare
from convlstm.compare import DEFAULT_LEVELS

ui.ensure_navigation()
st.title(":material/model_training: Train & compare")

autorun = st.session_state.pop(ui.AUTORUN, False)  # "Run forecast" on the home page
src = ui.source()
if not src:
    st.info("Choose a dataset or upload a CSV first.", icon=":material/info:")
    st.page_link("pages/data.py", label="Go to Data", icon=":material/table_chart:")
    st.stop()
with ui.guard():
    y = ui.current_series()
label = ui.source_label(src)
st.caption(
    f"Data: **{ui.escape_md(label)}** · {len(y):,} points · {y.index.freqstr} "
    f"· {y.index[0]:%Y-%m-%d} to {y.index[-1]:%Y-%m-%d}"
)

if st.session_state.pop(ui.RUNNING, False):
    st.warning(
        "Training was stopped before it finished, so it left no new results. "
        "Change the settings if you like and train again.",
        icon=":material/stop_circle:",
    )

device = ui.device_name()
submitted = ui.training_form(y, ui.form_defaults(y, src), device)

run_now = autorun or submitted
if run_now:
    values = ui.submitted_values()
    if not values["models"]:
        st.error("Choose at least one model.", icon=":material/error:")
        st.stop()
    st.session_state[ui.PARAMS] = {**values, "data_key": ui.source_key(src)}
    params = ui.compare_params(values)
    panel = ui.TrainingPanel(device)  # progress bar, Stop button, live loss chart
    st.session_state[ui.RUNNING] = True
    try:
        result = compare(
            y,
            models=tuple(values["models"]),
            horizon=int(values["horizon"]),
            folds=int(values["folds"]),
            params=params,
            progress=panel,
            levels=st.session_state.get(ui.LEVELS) or DEFAULT_LEVELS,
            extra={"data": label},
        )
    except ConvLSTMError as exc:
        st.session_state.pop(ui.RUNNING, None)
        ui.show_error(exc)
        st.stop()
    st.session_state.pop(ui.RUNNING, None)
    st.session_state[ui.RESULT] = {
        "comparison": result,
        "y": y,
        "label": label,
        "data_key": ui.source_key(src),
        "params": {**params, "horizon": values["horizon"], "folds": values["folds"]},
        "device": str(result.device),
        "finished": datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    st.rerun()  # redraw sidebar and results from session state

result = st.session_state.get(ui.RESULT)
if result:
    ui.show_results(result, src, y)
elif not run_now:
    st.info(
        "Set the controls and press **Train and compare**; nothing trains before.",
        icon=":material/info:",
    )
