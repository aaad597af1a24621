"""Look inside the ConvLSTM forecaster: frames, shapes, gates, saliency, ablations.

Everything here runs the REAL model, built and trained by ``ConvLSTMForecaster``
itself, and returns arrays, DataFrames and sentences for the "How it works" page;
the figures are in ``convlstm.plots.explain``, and nothing here renders.
"""

from __future__ import annotations

from .ablation import Ablation, ablation, effect_sentence
from .inside import (
    GateTrace,
    forecast_parts,
    gate_trace,
    path_shares,
    pipeline_table,
    receptive_field,
    saliency,
)
from .subject import (
    SUBJECT_WEIGHTS,
    Subject,
    Window,
    make_window,
    subject_from_model,
    subject_from_params,
    to_data_units,
    train_subject,
)
from .words import (
    fine_tune_text,
    frames_text,
    gates_text,
    parts_text,
    saliency_text,
    training_text,
)

__all__ = [
    "Ablation",
    "GateTrace",
    "Subject",
    "Window",
    "ablation",
    "effect_sentence",
    "fine_tune_text",
    "forecast_parts",
    "frames_text",
    "gate_trace",
    "gates_text",
    "make_window",
    "parts_text",
    "path_shares",
    "pipeline_table",
    "receptive_field",
    "saliency",
    "saliency_text",
    "subject_from_model",
    "subject_from_params",
    "to_data_units",
    "train_subject",
    "SUBJECT_WEIGHTS",
    "training_text",
]
