"""Data page: choose a bundled dataset or upload a CSV, and see what was read; for a
file of many series, their overview and the series to train on."""

import pandas as pd
import streamlit as st

import ui
from convlstm import ConvLSTMError, data, narrative, plots
from convlstm.data.cells import format_time
from convlstm.data.steps import AGG_NOUNS, STEPS, frequency_words, step_words

#: The choices of "Rows in one step", in the words the page shows.
AGG_WORDS = {
    "mean": "Average",
    "sum": "Sum",
    "last": "Last value",
    "min": "Smallest",
    "max": "Largest",
    "count": "Count of rows",
}

ui.ensure_navigation()
st.title("Data")  # no icon: a screen reader reads its name
st.caption(
    "Choose the series to forecast. Everything the reader repaired or decided is "
    "listed below the chart. A file of many series (one column naming the store, "
    "region..., or one column per series) shows them all; Train & compare takes them "
    "all, or the one you pick."
)


def step_label(step: str) -> str:
    """A choice of *Steps* in words: "As in the file", "Daily", "Hourly,
    10:00-20:00 every day", "Hourly, 17:00-02:00, Tue-Sun"."""
    if not step:
        return "As in the file"
    words = step if step in STEPS else frequency_words(step)
    return words[:1].upper() + words[1:]  # "Tue-Sun" kept so


def picker_step(freq: str) -> str:
    """A step the reader names (a pandas frequency, "B") as the *Steps* picker
    names it ("business-days"); opening hours and days as they are."""
    return {v: k for k, v in STEPS.items()}.get(freq, freq)


def steps_controls(src: ui.Source) -> None:
    """*Steps* and *Rows in one step*: the data read in regular steps (an event
    log as daily sums, half-hours as days), each step's rows combined as chosen."""
    ui.mark_column_widgets()
    # the session state holds the choices (set from the data choice when the
    # widgets are new), so that a new dataset or file starts from its own steps
    st.session_state.setdefault("step", src.get("step") or ui.OWN_STEPS)
    st.session_state.setdefault("agg", src.get("agg", "mean"))
    st.session_state.setdefault("spikes", src.get("spikes", "keep") == "fill")
    s1, s2, s3 = st.columns(3, vertical_alignment="bottom")
    # a step the reader suggested (the opening hours that hold every series') is
    # offered too once chosen
    chosen = src.get("step")
    extra = [chosen] if chosen and chosen not in STEPS else []
    s1.selectbox(
        "Steps",
        [ui.OWN_STEPS, *STEPS, *extra],
        format_func=step_label,
        key="step",
        on_change=ui.choose_steps,
        help="Read the rows in regular steps: an event log, or times at irregular "
        "moments, as daily or monthly figures (or a bundled dataset in longer "
        "steps). Each step's rows are combined as chosen beside. *Business hours* "
        "are the hours from 09:00 to 17:00 on weekdays (rows outside them are left "
        "out, and said). *As in the file* keeps the data's own steps; hourly "
        "readings kept to other opening hours (10:00 to 20:00 every day, say), "
        "and daily dates kept to some days of the week (a shop closed on "
        "Sundays), are read in those hours or days, the closed ones no gaps.",
    )
    s2.selectbox(
        "Rows in one step",
        list(AGG_WORDS),
        format_func=AGG_WORDS.get,
        key="agg",
        on_change=ui.choose_steps,
        help="How rows that share a time (or a step) become one value: their "
        "average, their sum (sales per day), the last one, the smallest or "
        "largest, or how many there are. With steps, an empty step is 0 for the "
        "sum and the count, and is interpolated otherwise.",
    )
    s3.checkbox(
        "Fill spikes",
        key="spikes",
        on_change=ui.choose_steps,
        help="Values far from their neighbours (over 150 times the series' typical "
        "step from them: a sensor's error code, a typo, a wrong unit; markers "
        "written with nines alone, such as -999, are read as missing anyway), "
        "alone or in a run that comes back to the level before it (up "
        "to a tenth of the series), are read as missing and filled by "
        "straight lines between their neighbours, like gaps; they are not scored. "
        "The notes below say which were filled. Off: they are kept, and a note "
        "points at them.",
    )


src = ui.source()
OTHER_REPAIRS = 50  # series whose repairs the Data page lists beside the chosen one
KINDS = {"bundled": "Bundled dataset", "upload": "Upload a file"}


def _keep_a_kind() -> None:
    """A click on the chosen segment would choose neither: keep the one shown."""
    if st.session_state.get("data_kind") is None:
        st.session_state["data_kind"] = st.session_state.get("data_kind_shown")


shown = src["kind"] if src else "bundled"
# the state holds the choice, set here before the widget exists: a default
# that changed from one run to the next (the data's kind, then None) made a new
# widget, which showed neither segment chosen on a first visit
if st.session_state.get("data_kind") is None:
    st.session_state["data_kind"] = shown
kind = st.segmented_control(
    "Source",
    list(KINDS),
    format_func=KINDS.get,
    key="data_kind",
    on_change=_keep_a_kind,
    help="Start from a bundled dataset or drag and drop your own CSV file.",
)
kind = kind or shown
st.session_state["data_kind_shown"] = kind

table: pd.DataFrame | None = None  # the raw file, for uploads
if kind == "bundled":
    name = ui.dataset_picker(
        key="dataset",
        default=ui.bundled_name(src),
        help="Bundled datasets with known provenance (see data/README.md).",
        kinds=("series", "panel"),
    )
    if ui.choose_bundled(name):
        st.rerun()  # so the sidebar shows the new choice
    info = ui.dataset_info(name)
    with st.container(border=True):
        st.markdown(f"**{info.title}**  \n{info.description}")
        st.caption(
            f"Unit: {info.unit} · {frequency_words(info.freq)} · season length: "
            f"{info.season_length} · suggested horizon {info.horizon}, "
            f"{info.folds} backtest folds"
            + ("" if src.get("step") is None else " (for its own steps)")
        )
    steps_controls(src)
else:
    uploaded = st.file_uploader(
        "CSV, Excel, Parquet or JSON file",
        type=["csv", "txt", "tsv", "xlsx", "xls", "ods", "parquet", "json", "jsonl"],
        key="upload",
        help=(
            "A table with a time column and at least one numeric column; for many "
            "series, a column naming each series (store, region...), one column "
            "per series, or Nixtla's unique_id, ds, y. Commas, semicolons or tabs; "
            "decimal commas and thousands separators are fine. A workbook (Excel "
            ".xlsx or .xls, LibreOffice .ods) is read from its sheet with the "
            "most numbers; a Parquet "
            "file or the records of a JSON document (an API's answer) as their "
            "table. Up to 50 MB."
        ),
    )
    error_slot = st.container()  # errors appear right under the uploader
    if uploaded is not None:
        content = uploaded.getvalue()
        unread: ConvLSTMError | None = None
        if len(ui.upload_sheets(content)) < 2:  # a workbook's: with its sheet picker
            try:
                ui.read_upload(content)
            except ConvLSTMError as exc:
                unread = exc
        # a file that cannot be read is the current data too: the sidebar and
        # Train & compare then say it needs attention, instead of going on
        # with the file before it
        if ui.choose_upload(uploaded.name, content):
            st.rerun()  # so the sidebar shows the new choice
        if unread is not None:
            ui.show_error(unread, error_slot)
            st.stop()
    elif src and src["kind"] == "upload":
        st.caption("Using the file uploaded earlier:")
        st.text(src["file_name"])
    if not src or src["kind"] != "upload":
        st.info(
            "Drop a CSV, Excel, Parquet or JSON file above to use your own data.",
            icon=":material/upload:",
        )
        st.stop()
    sheet_error: ConvLSTMError | None = None
    try:
        table = ui.read_upload(src["data"], src.get("sheet"))
    except ConvLSTMError as exc:  # shown under the sheet picker, to choose another
        sheet_error, table = exc, None
    sheets = ui.upload_sheets(src["data"])
    if len(sheets) > 1:
        read = table.attrs.get("sheets", [None])[0] if table is not None else None
        shown = src.get("sheet") or read
        if st.session_state.get("sheet") != shown:
            st.session_state["sheet"] = shown if shown in sheets else None
        ui.mark_column_widgets()
        st.selectbox(
            "Sheet",
            sheets,
            index=None,  # the session state holds the choice (set above)
            placeholder="Choose the sheet to read",
            key="sheet",
            on_change=ui.choose_sheet,
            help="The sheet of the workbook to read. The reader picked the one "
            "with the most numbers.",
        )
    if sheet_error is not None:
        ui.show_error(sheet_error)
        st.stop()

src = ui.source()
failure: ConvLSTMError | None = None
panel: pd.DataFrame | None = None
try:
    panel = ui.current_panel()
    y = ui.current_series()
except ConvLSTMError as exc:
    if table is None:
        ui.show_error(exc)
        st.stop()
    failure = exc  # shown with the column choice, so the user can mend it
src = ui.source()  # current_panel picks the first series of a new panel

if table is not None:
    # Column choice for uploads: the reader's pick is the default; none when the
    # reader could not read the file (the user picks them).
    columns = [str(c) for c in table.columns]
    attrs = y.attrs if failure is None else {}

    picked_time = src.get("time_col") or attrs.get("time_col")
    picked_value = src.get("value_col") or attrs.get("value_col")
    if failure is None:
        picked_value = picked_value or y.name
    else:  # what the reader tried, so the pickers show the columns the error names
        picked_time, picked_value = ui.upload_picks(
            src["data"], picked_time, picked_value, src.get("sheet")
        )
    # A file of several numeric columns and no id column may hold one series per
    # column: offered first in the value picker, the reader's single pick stays.
    wide = ui.upload_wide_columns(src["data"], picked_time, src.get("sheet"))
    picked_ids = src.get("id_cols")
    if picked_ids is None:
        picked_ids = (panel.attrs.get("id_cols") if panel is not None else None) or []
    offer_wide = bool(src.get("wide") or (wide and not picked_ids))
    every = f"All {len(wide)} numeric columns" if wide else "All numeric columns"
    every += ", one series each"
    if src.get("wide"):
        picked_value = ui.EVERY_COLUMN
    # the time column is no value to forecast (the one chosen now, else the pick)
    timed = st.session_state.get("time_col")
    timed = timed if timed in columns else picked_time
    valued = [c for c in columns if c != timed]
    values = [ui.EVERY_COLUMN, *valued] if offer_wide else valued
    # The pickers show the choice, or the reader's pick; a picker left empty by
    # a read that failed shows the pick of a read that now works (other steps).
    # A value the browser still holds from the previous file (not among this
    # file's columns) is replaced too, else the picker shows a column the file
    # does not have.
    for key, picked, options in (
        ("time_col", picked_time, columns),
        ("value_col", picked_value, values),
    ):
        if st.session_state.get(key) not in options:
            st.session_state[key] = picked if picked in options else None
    ui.mark_column_widgets()
    c1, c2, c3 = st.columns(3)
    c1.selectbox(
        "Time column",
        columns,
        index=None,  # the session state holds the choice (set above)
        placeholder="Choose the column of times",
        key="time_col",
        on_change=ui.choose_column,
        args=("time_col",),
        help="The column holding dates or times. The reader picked one for you.",
    )
    c2.selectbox(
        "Value column",
        values,
        index=None,  # the session state holds the choice (set above)
        format_func=lambda c: every if c == ui.EVERY_COLUMN else c,
        placeholder="Choose the column to forecast",
        key="value_col",
        on_change=ui.choose_value_column,
        help="The numeric column to forecast; or, first in the list when the file "
        "has several and no id column, every numeric column read as a series of "
        "its own (a file with one column per store, region...).",
    )
    # an id column the reader added (series stacked one after another) is
    # offered too, so that clearing it reads the file as one series
    detected = ui.upload_id_columns(
        src["data"],
        picked_time,
        src.get("value_col"),
        src.get("step"),
        src.get("sheet"),
    )
    added = [c for c in [*picked_ids, *detected] if c not in columns]
    added = list(dict.fromkeys(added))
    # the time column and a chosen value column name no series: not offered
    naming = [c for c in columns + added if c not in (timed, src.get("value_col"))]
    if src.get("id_cols") is None:  # not chosen: the reader's pick, as it reads now
        st.session_state["id_cols"] = [c for c in picked_ids if c in naming]
    else:  # chosen (and maybe back from another page): what is still offered
        held = st.session_state.get("id_cols", src["id_cols"])
        st.session_state["id_cols"] = [c for c in held if c in naming]
    c3.multiselect(
        "Series id columns",
        naming,
        key="id_cols",  # the session state holds the choice (set above)
        on_change=ui.choose_column,
        args=("id_cols",),
        help="Columns that name the series (store, region...): each value, or "
        "combination of values, is one series. The reader picked them for you; "
        "clear them to read the file as one series.",
    )
    steps_controls(src)
    built = [c for c in (picked_time, picked_value) if c and c not in columns]
    if failure is None and built and not src.get("wide"):
        # a time joined from parts, a table reshaped: no column of the file to show
        listed = " and ".join(f"**{ui.escape_md(str(c))}**" for c in built)
        st.caption(
            f"The reader built {listed} from this file's layout (*What the reader "
            "did*, under the chart, says how); the pickers list the file's own "
            "columns, to read it another way."
        )
    if offer_wide and not src.get("wide"):
        st.caption(
            f"This file has {len(wide)} numeric columns that change over time. To "
            "read each one as a series of its own and compare models on all of "
            f"them, choose **{every}** as the value column."
        )

if failure is not None:
    ui.show_error(failure, error_slot)
    error_slot.caption(
        "Choose the time and value columns, or regular steps, below to read the "
        "file another way."
    )
    suggested = getattr(failure, "suggested_step", None)
    if suggested and suggested != src.get("step"):
        named = picker_step(suggested)
        # rows combined as the reader suggests (an event log's summed) unless
        # the user chose how already
        agg = getattr(failure, "suggested_agg", None)
        if src.get("agg", "mean") != "mean":
            agg = None
        error_slot.button(
            f"Read the data in {step_words(suggested)}"
            + (f" as {AGG_NOUNS[agg]}" if agg else ""),
            on_click=ui.read_in_step,
            args=(named, agg),
            icon=":material/schedule:",
        )
    st.stop()

if panel is not None:
    ui.panel_section(panel)
    chosen = str(src.get("series"))
    # the total is no series of the file: its name alone
    shown = chosen if ui.offers_total(panel, chosen) else f"Series {chosen}"
    st.markdown(f"**{ui.escape_md(shown)}**")

freq = data.freq_of(y.index)
row = ui.metric_row()
row.metric(
    "Points", f"{len(y):,}", help="Length of the series after repairs.", width="content"
)
row.metric(
    "Frequency",
    frequency_words(freq, short=True),
    help=f"Inferred from the timestamps: {frequency_words(freq)} ("
    + {"cbh(": "opening hours ", "cbd(": "opening days "}.get(
        (freq or "")[:4], "pandas alias "
    )
    + f"{freq}).",
    width="content",
)
cycles = data.seasonal_periods(y.index)
longer = [c for c in cycles[1:] if len(y) >= 2 * c]  # the models use these
row.metric(
    "Season length",
    " and ".join(str(c) for c in (data.season_length(y), *longer)),
    help="Steps in one natural cycle"
    + (
        f" ({data.season_length(y)}, which scales MASE); the longer cycles "
        f"({' and '.join(map(str, longer))} steps), which the series holds twice, "
        "are modelled too: ETS, Theta and ARIMA decompose them (MSTL), the "
        "seasonal naive may copy one (a year of daily data as 364 days, on the same "
        "weekday)."
        if longer
        else "."
    ),
    width="content",
)
row.metric(
    "Start",
    ui.short_time(y.index[0], freq),
    help=f"The first timestamp: {format_time(y.index[0])}.",
    width="content",
)
row.metric(
    "End",
    ui.short_time(y.index[-1], freq),
    help=f"The last timestamp: {format_time(y.index[-1])}.",
    width="content",
)

if short := narrative.too_short_to_score_text(len(y), y.index, panel is not None):
    st.info(short, icon=":material/short_text:")

st.plotly_chart(plots.series_figure(y), key="series_chart")

notes = list(y.attrs.get("notes", []))
with st.container(border=True):
    st.markdown("**What the reader did**")
    time_col = y.attrs.get("time_col", "?")
    value_col = y.attrs.get("value_col", y.name)
    st.markdown(
        f"Time column: **{ui.escape_md(time_col)}** · value column: "
        f"**{ui.escape_md(value_col)}**"
    )
    if notes:
        st.markdown(
            "\n".join(f"- {ui.escape_md(ui.app_words(note))}" for note in notes)
        )
    else:
        st.caption("No repairs were needed.")
    # rows summed in plain steps that fall only in opening hours or days: the
    # step that leaves the closed ones out (a note says so)
    closed_step = (y if panel is None else panel).attrs.get("closed_step")
    if closed_step and closed_step != src.get("step"):
        st.button(
            f"Read the data in {step_words(closed_step)}",
            on_click=ui.read_in_step,
            args=(picker_step(closed_step),),
            icon=":material/schedule:",
        )
    if panel is not None:
        # the other series' own repairs (a meter offline for two days, say):
        # every one of them trains too
        others = {
            name: fixes
            for name, fixes in (panel.attrs.get("repairs") or {}).items()
            if fixes and str(name) != str(y.name)
        }
        if others:
            shown = list(others.items())[:OTHER_REPAIRS]
            more = len(others) - len(shown)
            with st.expander(
                f"Repairs of the other series ({len(others):,} series)",
                icon=":material/build:",
            ):
                st.markdown(
                    "\n".join(
                        f"- series {ui.escape_md(name)}: "
                        + "; ".join(ui.escape_md(ui.app_words(f)) for f in fixes)
                        for name, fixes in shown
                    )
                    + (f"\n- and {more:,} more series" if more > 0 else "")
                )

left, right = st.columns(2)
with left:
    st.markdown("**Series** (after repairs)")
    st.dataframe(
        y.rename(str(y.name)).to_frame(),
        height=300,
        key="series_table",
        column_config={
            "_index": st.column_config.DatetimeColumn(
                "Time", format=ui.time_format(y.index, data.freq_of(y.index))
            )
        },
    )
if table is not None:
    with right:
        st.markdown("**File preview** (first 200 rows, as read)")
        st.dataframe(table.head(200), height=300, key="file_preview")

st.page_link(
    "pages/compare.py", label="Next: train and compare", icon=":material/arrow_forward:"
)
