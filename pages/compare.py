"""Train & compare page: training form, the run as a job (live progress that survives
navigation and reloads, Stop, run history) and the comparison results, with prediction
intervals, significance, the reproducibility record, the report and portable model
bundles (drawn by ``ui.results``); for a panel, one run over all its series (drawn
by ``ui.panel_results``) or the chosen series alone."""

import pandas as pd
import streamlit as st

import ui
from convlstm import data
from convlstm.compare import DEFAULT_LEVELS
from convlstm.data.steps import frequency_words

ui.ensure_navigation()
st.title("Train & compare")  # no icon: a screen reader reads its name

autorun = st.session_state.pop(ui.AUTORUN, False)  # "Run forecast" on the home page
src = ui.source()
if not src:
    st.info("Choose a dataset or upload a CSV first.", icon=":material/info:")
    st.page_link("pages/data.py", label="Go to Data", icon=":material/table_chart:")
    st.stop()
with ui.guard():
    panel = ui.current_panel()
    y = ui.current_series()
src = ui.source()  # current_panel picks the first series of a new panel
label = ui.source_label(src)
all_series = panel is not None and ui.scope_choice(panel, str(src["series"]))
if all_series:
    label = ui.panel_label(ui.source_label(src, with_series=False), panel)
    st.caption(
        f"Data: **{ui.escape_md(label)}** · "
        f"{frequency_words(panel.attrs.get('freq'))} · "
        + ui.span_text(
            panel["time"].min(), panel["time"].max(), panel.attrs.get("freq")
        )
    )
else:
    st.caption(
        f"Data: **{ui.escape_md(label)}** · {len(y):,} points · "
        f"{frequency_words(data.freq_of(y.index))} · "
        + ui.span_text(y.index[0], y.index[-1], data.freq_of(y.index))
    )

ui.collect()  # a run that finished while the user was elsewhere lands here
if st.session_state.pop(ui.RUNNING, False):
    st.warning(
        "Training was stopped before it finished, so it left no new results. "
        "Change the settings if you like and train again.",
        icon=":material/stop_circle:",
    )

device = ui.device_name()
# what is going on comes before the form, which fills the first screens of a
# phone (and of a laptop after "Run forecast" on the home page)
error = st.session_state.pop(ui.JOB_ERROR, None)
if error is not None:
    ui.show_error(error)
if ui.current_job() is not None:
    ui.progress_fragment(device)  # progress bar, queue place, Stop, live loss chart
elif st.session_state.get(ui.RESULT):
    ui.show_jump(st.session_state[ui.RESULT])
# a run over all series takes its defaults and bounds from the panel, not from
# the one series chosen on the Data page
lowest = float(
    pd.to_numeric(panel["value"], errors="coerce").min() if all_series else y.min()
)
submitted = ui.training_form(
    ui.longest_series(panel) if all_series else y,
    ui.form_defaults(y, src, panel if all_series else None),
    device,
    bool(all_series),
    running=ui.current_job() is not None,
    lowest=lowest,
)

if autorun or submitted:
    values = ui.submitted_values()
    if not values["models"]:
        st.error("Choose at least one model.", icon=":material/error:")
        st.stop()
    key = ui.form_data_key(src, bool(all_series))
    st.session_state[ui.PARAMS] = {**values, "data_key": key}
    ui.remember_now()  # a reload while it runs gets these settings back
    run = {
        "models": tuple(values["models"]),
        "horizon": int(values["horizon"]),
        "folds": int(values["folds"]),
        "params": ui.compare_params(values),
        "levels": tuple(st.session_state.get(ui.LEVELS) or DEFAULT_LEVELS),
        "label": label,
        "floor": ui.floor_of(values, lowest),
    }
    if all_series:
        ui.submit_panel_training(
            panel,
            **run,
            data_key=ui.panel_key(src),
            max_series=ui.PANEL_SAMPLE,
            include=(str(src["series"]),),  # the series picked on the Data page
        )
    else:
        ui.submit_training(y, **run, data_key=ui.source_key(src))
    st.rerun()  # the sidebar and the form, drawn above, now show the run

training = ui.current_job() is not None

ui.run_history()
result = st.session_state.get(ui.RESULT)
if result and result.get("kind") == "panel":
    ui.show_panel_results(result, src, bool(all_series))
elif result:
    ui.show_results(result, src, y)
elif not training and error is None:
    st.info(
        "Set the controls and press **Train and compare**; nothing trains before.",
        icon=":material/info:",
    )
