"""Shared Streamlit code for the app; pages import this package and ``convlstm``.

The modules, one concern each: ``state`` (session-state keys, the data choice),
``loaders`` (cached datasets and uploads), ``errors`` (library errors on screen),
``text`` (escaping, safe CSV, formats), ``models`` (the model list), ``form`` (the
training form), ``progress`` (throttled progress), ``widgets`` (the dataset picker,
a panel's overview),
``results`` (the comparison's results) and ``navigation`` (the app's frame).
The names below are the package's public face: ``import ui; ui.X``.
"""

from __future__ import annotations

from .errors import guard, show_error
from .form import (
    KERNEL_SIZES,
    LEARNING_RATES,
    LEVEL_OPTIONS,
    LONG_SERIES,
    PARAM_KEYS,
    activations,
    compare_params,
    device_name,
    form_defaults,
    submitted_values,
    training_form,
)
from .loaders import (
    current_panel,
    current_series,
    dataset_info,
    default_horizon_folds,
    load_bundled,
    load_bundled_panel,
    read_upload,
    source_label,
    upload_series,
)
from .navigation import (
    PAGE_SPECS,
    configure_page,
    ensure_navigation,
    navigation_menu,
    sidebar_summary,
)
from .progress import ProgressBar, Throttle, TrainingPanel, epoch_callback, event_text
from .results import show_results
from .state import (
    AUTORUN,
    DEFAULT_DATASET,
    LEVELS,
    PARAMS,
    RESULT,
    RUNNING,
    SOURCE,
    Source,
    bundled_name,
    choose_bundled,
    choose_column,
    choose_series,
    choose_upload,
    source,
    source_key,
)
from .text import dash_missing, escape_md, forecast_table, safe_csv, slug, time_format
from .widgets import dataset_picker, panel_section

__all__ = [
    "AUTORUN",
    "DEFAULT_DATASET",
    "KERNEL_SIZES",
    "LEARNING_RATES",
    "LEVELS",
    "LEVEL_OPTIONS",
    "LONG_SERIES",
    "PAGE_SPECS",
    "PARAMS",
    "PARAM_KEYS",
    "RESULT",
    "RUNNING",
    "SOURCE",
    "ProgressBar",
    "Source",
    "Throttle",
    "TrainingPanel",
    "activations",
    "bundled_name",
    "choose_bundled",
    "choose_column",
    "choose_series",
    "choose_upload",
    "compare_params",
    "configure_page",
    "current_panel",
    "current_series",
    "dash_missing",
    "dataset_info",
    "dataset_picker",
    "default_horizon_folds",
    "device_name",
    "ensure_navigation",
    "epoch_callback",
    "escape_md",
    "event_text",
    "forecast_table",
    "form_defaults",
    "guard",
    "load_bundled",
    "load_bundled_panel",
    "navigation_menu",
    "panel_section",
    "read_upload",
    "safe_csv",
    "show_error",
    "show_results",
    "sidebar_summary",
    "slug",
    "source",
    "source_key",
    "source_label",
    "submitted_values",
    "time_format",
    "training_form",
    "upload_series",
]
