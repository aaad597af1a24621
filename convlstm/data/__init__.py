"""Data: CSV bytes -> table -> one regular series or a panel of many; frequencies
and seasons; export.

Dates and frequencies are parsed in this package and nowhere else; this module
re-exports the public names of its submodules, one per concern.
"""

from .columns import reader_picks
from .encoding import MAX_BYTES
from .export import safe_csv
from .frequency import (
    calendar_resolution,
    freq_of,
    future_index,
    infer_freq,
    offset_of,
    season_length,
    seasonal_periods,
)
from .numbers import MAX_ABS_VALUE
from .panel import (
    MAX_PANEL_POINTS,
    MAX_SERIES,
    MIN_PANEL_POINTS,
    TOTAL_NAME,
    find_id_columns,
    natural_key,
    natural_order,
    panel_summary,
    series_of,
    short_cycle_note,
    split_panel,
    stale_series_note,
    to_panel,
    total_of,
    wide_columns,
)
from .reader import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, read_csv
from .series import (
    MIN_POINTS,
    SPIKE_CHOICES,
    check_series,
    closed_mask,
    filled_mask,
    to_series,
    without_closed,
)
from .workbook import workbook_sheets

__all__ = [
    "MAX_ABS_VALUE",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_PANEL_POINTS",
    "MAX_ROWS",
    "MAX_SERIES",
    "MIN_PANEL_POINTS",
    "MIN_POINTS",
    "SPIKE_CHOICES",
    "TOTAL_NAME",
    "check_series",
    "closed_mask",
    "filled_mask",
    "find_id_columns",
    "calendar_resolution",
    "freq_of",
    "offset_of",
    "future_index",
    "infer_freq",
    "natural_key",
    "natural_order",
    "panel_summary",
    "read_csv",
    "reader_picks",
    "workbook_sheets",
    "safe_csv",
    "season_length",
    "seasonal_periods",
    "series_of",
    "split_panel",
    "short_cycle_note",
    "stale_series_note",
    "to_panel",
    "to_series",
    "total_of",
    "wide_columns",
    "without_closed",
]
