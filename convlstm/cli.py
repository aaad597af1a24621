"""Command line: ``python -m convlstm forecast | compare | report | datasets``.

Reads one series or a panel of many (id columns detected or named with
``--id-col``); goes through the same public functions as the app; errors become
``error: ...`` on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import json
import logging
import math
import os
import shlex
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, TextIO

import pandas as pd

from . import datasets
from .backtest import fitting
from .compare import DEFAULT_LEVELS, Comparison, compare, make_model
from .data import (
    SPIKE_CHOICES,
    check_series,
    find_id_columns,
    read_csv,
    safe_csv,
    series_of,
    to_panel,
    to_series,
    total_of,
    wide_columns,
    without_closed,
)
from .data.cells import format_number, plural
from .data.columns import price_table_close
from .data.export import in_time_zone
from .data.frequency import check_future
from .data.steps import AGGREGATIONS
from .datasets import default_horizon_folds
from .errors import ConvLSTMError, DataError, PanelFitWarning, ParameterError
from .executor import check_engine, default_engine, usable_cores
from .images.cli import add_images_parser, run_images_command
from .intervals import check_floor, level_label, raise_to_floor
from .models.base import BaseForecaster
from .models.checks import check_horizon
from .models.registry import (
    NETWORK_SETTINGS,
    STARTS,
    canonical_name,
    default_models,
    model_names,
    model_spec,
    network_models,
    network_settings_note,
    params_for,
    route_params,
    route_start,
    start_models,
)
from .models.rules import AUTO_SCRATCH_MARGIN
from .narrative import (
    below_zero_text,
    best_untested_text,
    blank_mase_text,
    closed_text,
    epoch_text,
    filled_scoring_text,
    floor_text,
    one_fold_text,
    panel_below_zero_text,
    panel_run_notes,
    run_start_notes,
    start_notes,
    tie_text,
    unchecked_season_text,
    unchosen_members_text,
    under_coverage_text,
    unscored_text,
)
from .panel_compare import (
    ALL_SERIES,
    PanelComparison,
    check_panel_floor,
    compare_panel,
    default_panel_folds,
    default_panel_horizon,
    some_without_mase,
)
from .record import jsonable

__all__ = ["main"]

EXIT_ERROR = 2
#: How many failed series a model's notes name before counting the rest.
_LISTED = 10
# Network flags (they shape only the models the registry names): dest -> (type, help)
_NETWORK = {
    "kernel_size": (int, "convolution kernel size"),
    "hidden_size": (int, "hidden channels"),
    "num_layers": (int, "stacked recurrent layers"),
    "learning_rate": (float, "optimiser learning rate"),
    "epochs": (int, "training epochs"),
    "batch_size": (int, "mini-batch size"),
    # the names of convlstm.nn.ACTIVATIONS (not imported: that loads torch)
    "activation": (
        str,
        "non-linearity of the output head: relu, tanh, elu or leaky_relu",
    ),
}
# Settings every model that takes them gets: dest -> (type, help)
_SHARED = {
    "lookback": (int, "input window of the neural models, in steps"),
    "seed": (int, "random seed (same seed, same forecast)"),
    "device": (str, "training device: auto, cpu, cuda, mps"),
}
_PARAMS = {**_NETWORK, **_SHARED}


class _CliError(Exception):
    """A usage problem found after parsing (reported like a ConvLSTMError)."""


# ----------------------------------------------------------------- helpers
def _load(
    args: argparse.Namespace,
) -> tuple[pd.Series | pd.DataFrame, str | None]:
    """The data chosen by --dataset or --csv (see :func:`_load_data`), or their
    total with --total: the sum of the series at each time, as one series."""
    if not getattr(args, "total", False):
        return _load_data(args)
    if args.series is not None:
        raise _CliError(
            "--series picks one series, --total adds them all up: drop one of them"
        )
    if getattr(args, "no_id", False):
        raise _CliError(
            "--total adds up the series of a file of many, --no-id reads the file "
            "as one series: drop one of them"
        )
    data, _ = _load_data(args)
    if isinstance(data, pd.Series):
        raise _CliError(
            "--total adds up the series of a file or dataset of many; this one "
            "holds one series: drop --total"
        )
    return total_of(data), None


def _load_data(
    args: argparse.Namespace,
) -> tuple[pd.Series | pd.DataFrame, str | None]:
    """The data chosen by --dataset or --csv: one series, or a panel (a long frame
    ``series, time, value``) when the file or dataset holds several series and
    --series picks none; and the dataset name if any (None when --step or --agg
    read it anew: its own horizon and folds are for its own steps)."""
    steps = _steps(args)
    regrid = args.step is not None or args.agg != "mean" or args.spikes != "keep"
    if args.dataset:
        args.dataset = datasets.resolve(args.dataset)
        for flag, given in (("--no-id", "no_id"), ("--sheet", "sheet")):
            if getattr(args, given, None):
                raise _CliError(
                    f"{flag} is for a CSV file or workbook (--csv); a bundled "
                    "dataset is read as it is"
                )
        if datasets.info(args.dataset).kind == "panel":
            panel = datasets.load_panel(args.dataset)
            name = None if regrid else args.dataset
            if regrid:
                panel = to_panel(panel, "time", "value", ["series"], **steps)
            if args.series is not None:
                return series_of(panel, args.series), name
            return panel, name
        if args.series is not None:
            raise _CliError(
                f"--series: the dataset {args.dataset} holds one series; drop --series"
            )
        y = datasets.load(args.dataset)
        return (to_series(y, **steps), None) if regrid else (y, args.dataset)
    try:
        frame = read_csv(
            sys.stdin.buffer if args.csv == "-" else args.csv,
            sheet=getattr(args, "sheet", None),
        )
    except FileNotFoundError:
        raise _CliError(f"file not found: {args.csv}") from None
    except IsADirectoryError:
        raise _CliError(f"{args.csv} is a folder, not a CSV file") from None
    columns = {"time_col": args.time_col, "value_col": args.value_col}
    if getattr(args, "no_id", False):
        return _one_series(frame, args), None
    if args.series is not None:
        if not args.id_col:
            # the rows of that series only: the others may be of another
            # frequency, or too short, and need not be read
            return to_series(frame, **columns, series=args.series, **steps), None
        panel = to_panel(frame, **columns, id_cols=args.id_col, **steps)
        return series_of(panel, args.series), None
    panel = _panel_of(frame, args)
    if panel is not None:
        return panel, None
    return to_series(frame, **columns, **steps), None


def _one_series(frame: pd.DataFrame, args: argparse.Namespace) -> pd.Series:
    """The file as one series whatever columns it holds (--no-id): the value
    column given, or the first numeric one, every row of a time combined."""
    if args.series is not None:
        raise _CliError(
            "--series picks one series of several, --no-id reads the file as one "
            "series: drop one of them"
        )
    value_col = args.value_col
    if value_col is None:
        wide = wide_columns(frame, args.time_col)
        if wide:
            listed = ", ".join(repr(c) for c in wide[:6])
            raise _CliError(
                "--no-id reads one column of values, and the file has several "
                f"({listed}{', ...' if len(wide) > 6 else ''}): choose it with "
                "--value-col"
            )
    panel = to_panel(
        frame,
        time_col=args.time_col,
        value_col=value_col,
        id_cols=[],
        **_steps(args),
    )
    return series_of(panel, str(panel["series"].iloc[0]))


def _steps(args: argparse.Namespace) -> dict[str, Any]:
    """The reader's options of --step, --agg and --spikes."""
    return {"step": args.step, "agg": args.agg, "spikes": args.spikes}


def _panel_of(frame: pd.DataFrame, args: argparse.Namespace) -> pd.DataFrame | None:
    """The file as a panel when it holds several series: id columns (named with
    --id-col or detected) or a wide table of several value columns. None for one
    series, which takes the single-series reader (and its messages)."""
    columns = {"time_col": args.time_col, "value_col": args.value_col}
    steps = _steps(args)
    if args.id_col:
        ids = list(dict.fromkeys(args.id_col))  # --id-col store --id-col store
        return to_panel(frame, **columns, id_cols=ids, **steps)
    try:
        ids = find_id_columns(frame, **columns, step=args.step)
    except DataError:
        return None  # the single-series reader says what is wrong
    if ids:
        return to_panel(frame, **columns, **steps)
    if args.value_col is not None or price_table_close(frame) is not None:
        return None  # one series: the value column chosen, or a table's close
    try:
        panel = to_panel(frame, time_col=args.time_col, id_cols=[], **steps)
    except DataError:
        return None
    return panel if panel["series"].nunique() > 1 else None


def _check_out(path: str | None) -> None:
    """Refuse an --out that cannot be written before the run, not after it
    ("-" is standard output, as ``--csv -`` is standard input)."""
    if path is None or path == "-":
        return
    if not path.strip():
        raise _CliError("--out is empty; give the name of a file (or - for stdout)")
    if os.path.isdir(path):
        raise _CliError(f"--out {path} is a folder; give the name of a file in it")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _CliError(
            f"--out {path}: the folder {folder} does not exist; create it first "
            "or write somewhere else"
        )
    if not os.access(folder, os.W_OK):
        raise _CliError(f"--out {path}: cannot write in the folder {folder}")


def _read_notes(y: pd.Series | pd.DataFrame, dataset: str | None) -> list[str]:
    """The repairs and choices made while reading a user's CSV (a series left
    out as too short, a column picked...); none for a bundled dataset, which is
    clean, so its notes would only be noise."""
    return [] if dataset is not None else list(y.attrs.get("notes", []) or [])


def _print_notes(y: pd.Series | pd.DataFrame, dataset: str | None, err: TextIO) -> None:
    """:func:`_read_notes`, each on a line of ``err``."""
    for note in _read_notes(y, dataset):
        print(f"note: {note}", file=err)


def _pick(given: int | None, default: int) -> int:
    return default if given is None else given


def _params(args: argparse.Namespace, err: TextIO) -> dict[str, Any]:
    """The ``compare`` params of the flags, each network setting routed to the
    models it shapes, as the app does; says so on ``err`` when one is given."""
    given = {k: getattr(args, k) for k in _PARAMS if getattr(args, k) is not None}
    if any(k in NETWORK_SETTINGS for k in given):
        try:
            models = _chosen(args)
        except ConvLSTMError:  # an unknown name: said where the models are read
            models = []
        # said when a chosen model keeps its own settings
        if not models or any(m not in network_models() for m in models):
            print(f"note: {network_settings_note()}", file=err)
    params = route_params(given)
    start = getattr(args, "start", None)
    if start is None:
        return params
    chosen = _chosen(args)
    takers = start_models()
    if not any(name in takers for name in chosen):
        print(
            f"note: --start {start} applies to {', '.join(takers)} only; the "
            "models chosen keep their own start",
            file=err,
        )
    return route_start(params, start)


def _chosen(args: argparse.Namespace) -> list[str]:
    """The models the command runs (``forecast``'s one, ``compare``'s list)."""
    if hasattr(args, "model"):
        return [canonical_name(args.model)]
    return _models(getattr(args, "models", None))


def _models(values: Sequence[str] | None, data: Any = None) -> list[str]:
    """The models of ``--models``, else the defaults for ``data`` (TSB joins
    them for intermittent data: :func:`~convlstm.models.registry.default_models`)."""
    if not values:
        return list(default_models(data))
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                names.append(canonical_name(part.strip()))
    return names


class _ProgressBar:
    """A one-line ``\\r`` progress bar on a terminal; on a pipe or log file, one
    line per model and stage instead of a line per epoch."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last: tuple[str, str] | None = None
        self.width = 0

    def __call__(self, event: Any) -> None:
        if self.tty:
            filled = int(round(event.fraction * 24))
            text = (
                f"[{'#' * filled}{'.' * (24 - filled)}] {event.fraction:4.0%} "
                f"{event.model} {event.stage}"
            )
            if event.epoch is not None and event.epochs:
                text += f" {epoch_text(event.epoch, event.epochs)}"
                if event.train_loss is not None:
                    text += f" loss {event.train_loss:.4g}"
            pad = max(self.width - len(text), 0)
            self.width = len(text)
            self.stream.write("\r" + text + " " * pad)
            self.stream.flush()
        elif (event.model, event.stage) != self.last:
            self.last = (event.model, event.stage)
            self.stream.write(f"{event.fraction:4.0%} {event.model} {event.stage}\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _fmt(x: Any, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float):
        return format_number(x, digits)
    return str(x)


def _table(summary: pd.DataFrame) -> str:
    head = ("model", "MAE", "RMSE", "MASE", "bias", "fit s", "")
    rows = [head]
    order = summary.sort_values("mae", na_position="last")
    for name, row in order.iterrows():
        rows.append(
            (
                str(name),
                _fmt(row["mae"]),
                _fmt(row["rmse"]),
                _fmt(row["mase"], 3),
                _fmt(row.get("bias", math.nan), 3),
                f"{row['fit_seconds']:.1f}",
                "* best" if row["best"] else "",
            )
        )
    return "\n".join(_aligned(rows))


def _floor_words(floor: float | None) -> str:
    """The floor as the header line says it (", floor 0"), or "" for none."""
    return "" if floor is None else f", floor {floor:g}"


def _future_table(future: pd.DataFrame) -> str:
    """The future forecasts, one row per timestamp and one column per model."""
    wide = future.pivot(index="timestamp", columns="model", values="forecast")
    models = list(dict.fromkeys(future["model"]))
    rows = [("timestamp", *models)]
    for ts, row in wide[models].iterrows():
        when = ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
        rows.append((when, *(_fmt(row[m]) for m in models)))
    return "\n".join(_aligned(rows))


# ---------------------------------------------------------------- commands
def _cmd_datasets(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rows = [("name", "title", "freq", "points", "season", "horizon", "folds")]
    for name in [*datasets.names(), *datasets.names("panel")]:
        meta = datasets.info(name)
        if meta.kind == "panel":  # many series: their count, and each one's length
            panel = datasets.load_panel(name)
            sizes = panel.groupby("series").size()
            n = f"{len(sizes)} x {sizes.max()}"
        else:
            n = str(len(datasets.load(name)))
        rows.append(
            (
                name,
                meta.title,
                meta.freq,
                n,
                str(meta.season_length),
                str(meta.horizon),
                str(meta.folds),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        out.write("\n")
    return 0


def _cmd_forecast(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    name = canonical_name(args.model)
    _check_out(args.out)
    _engine_jobs(args)  # one series, one model: a single fit in this process
    _train_workers(args)
    y, dataset = _load(args)
    _print_notes(y, dataset, err)
    if isinstance(y, pd.DataFrame):
        return _forecast_panel(args, name, y, dataset, out, err)
    _one_train_worker(args)
    horizon = _pick(args.horizon, default_horizon_folds(y, dataset)[0])
    check_future(check_series(y, min_length=1).index, check_horizon(horizon))
    floor = check_floor(args.floor, y.to_numpy(dtype=float))
    model = make_model(name, horizon=horizon, **params_for(name, _params(args, err)))
    with fitting(name):
        pred = model.fit(y).predict()
    for note in start_notes(name, model, backtest=False):
        print(f"note: {note}", file=err)
    frame = pd.DataFrame(
        {
            "timestamp": _zoned_times(pred.index, y.attrs.get("time_zone")),
            "model": name,
            "forecast": pred.to_numpy(dtype=float),
        }
    )
    frame = without_closed(raise_to_floor(frame, floor), y.attrs.get("closed"))
    if raised := floor_text(floor, scored=False):
        print(f"note: {raised}", file=err)
    if below := below_zero_text(y, frame):
        print(f"note: {below}", file=err)
    if args.out and args.out != "-":
        _write_csv(frame, args.out, f"{len(frame)} forecasts", err)
    else:
        out.write(safe_csv(frame))
    return 0


def _forecast_panel(
    args: argparse.Namespace,
    name: str,
    panel: pd.DataFrame,
    dataset: str | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """Fit one model on every series of a panel; rows ``series, timestamp, model,
    forecast``."""
    horizon = args.horizon
    if horizon is None:
        horizon = (
            datasets.info(dataset).horizon
            if dataset is not None
            else default_panel_horizon(panel)
        )
    floor = check_panel_floor(args.floor, panel)
    model = make_model(name, horizon=horizon, **params_for(name, _params(args, err)))
    kwargs: dict[str, Any] = {}
    accepted = inspect.signature(model.fit_panel).parameters
    if "n_jobs" in accepted:
        kwargs["n_jobs"] = args.jobs
    if "engine" in accepted:
        kwargs["engine"] = args.engine
    if _train_workers(args) > 1:
        if "train_workers" not in accepted:
            raise _CliError(
                f"--train-workers: {name} has no network to train on several "
                "workers; use ConvLSTM or LSTM"
            )
        kwargs["train_workers"] = args.train_workers
    try:
        with warnings.catch_warnings():  # failures are printed below
            warnings.simplefilter("ignore", PanelFitWarning)
            with _ray_train_in_cli_words(args):
                pred = model.fit(panel, **kwargs).predict()
    except DataError:
        if _takes_panel(model):
            raise
        raise _CliError(
            f"{name} does not forecast many series at once yet; pick one with "
            "--series NAME, or choose a model that does with --model: "
            + ", ".join(_local_panel_models())
        ) from None
    _print_failures({name: dict(pred.attrs.get("failed") or {})}, err)
    pred = raise_to_floor(pred, floor)
    pred = without_closed(pred, panel.attrs.get("closed"), "time", "series")
    if raised := floor_text(floor, scored=False):
        print(f"note: {raised}", file=err)
    if below := panel_below_zero_text(panel, pred.assign(model=name)):
        print(f"note: {below}", file=err)
    frame = pd.DataFrame(
        {
            "series": pred["series"].astype(str).to_numpy(),
            "timestamp": _zoned_times(pred["time"], panel.attrs.get("time_zone")),
            "model": name,
            "forecast": pred["forecast"].to_numpy(dtype=float),
        }
    )
    if args.out and args.out != "-":
        n = frame["series"].nunique()
        _write_csv(frame, args.out, f"{len(frame)} forecasts of {n} series", err)
    else:
        out.write(safe_csv(frame))
    return 0


def _zoned_times(times: Any, time_zone: str | None) -> pd.DatetimeIndex:
    """``times`` in ``time_zone`` where the data's times are in one (see
    :func:`~convlstm.data.export.in_time_zone`), so the forecasts CSV writes them
    as ``compare --out`` does: "2025-01-01" for dates, "2025-01-01 13:00:00" with
    a clock time, and the UTC offset of a time zone."""
    index = pd.DatetimeIndex(times)
    if time_zone and index.tz is None:
        index = index.tz_localize(time_zone)
    return index


def _takes_panel(model: BaseForecaster | type) -> bool:
    """Whether ``fit`` takes a panel: a local model fitted per series, or one with
    its own panel path."""
    cls = model if isinstance(model, type) else type(model)
    return bool(cls.supports_panel) or cls.fit_panel is not BaseForecaster.fit_panel


def _local_panel_models() -> list[str]:
    """The statistical and naive models: local models, fitted series by series
    (listed from the registry; no model library is imported to list them)."""
    return [n for n in model_names() if model_spec(n).kind in ("statistical", "naive")]


def _print_failures(failed: dict[str, dict[str, str]], err: TextIO) -> None:
    """One note per failed series (the first few of each model)."""
    for model, by_series in failed.items():
        for series, message in list(by_series.items())[:_LISTED]:
            where = "every series" if series == ALL_SERIES else f"series {series}"
            print(f"note: {model} failed on {where}: {message}", file=err)
        if len(by_series) > _LISTED:
            more = len(by_series) - _LISTED
            print(f"note: {model} failed on {more} more series", file=err)


def _run_compare(
    args: argparse.Namespace,
    y: pd.Series,
    dataset: str | None,
    err: TextIO,
    **options: Any,
) -> tuple[Comparison, list[str]]:
    """Run compare() on the series with the flags' settings and a progress bar;
    the result and its notes (said on ``err`` too)."""
    models = _models(args.models, y)
    d_horizon, d_folds = default_horizon_folds(y, dataset)
    jobs = _engine_jobs(args, err)
    _one_train_worker(args)
    bar = None if args.quiet else _ProgressBar(err)
    result_params = _params(args, err)
    try:
        result = compare(
            y,
            models=models,
            horizon=_pick(args.horizon, d_horizon),
            folds=_pick(args.folds, d_folds),
            params=result_params,
            progress=bar,
            jobs=jobs,
            engine=args.engine,
            floor=args.floor,
            **options,
        )
    finally:
        if bar is not None:
            bar.close()
    notes = _run_notes(y, result, models, result_params)
    for note in notes:
        print(f"note: {note}", file=err)
    return result, notes


def _run_notes(
    y: pd.Series, result: Comparison, models: list[str], params: dict[str, Any]
) -> list[str]:
    """What a compare run says beside its scores (the ``note:`` lines, and the
    JSON's ``notes``): models left out, members trained unchosen, how each
    network started, forecasts below zero, filled points not scored."""
    notes = [f"{name} left out: {why}" for name, why in result.left_out.items()]
    if trains_too := unchosen_members_text(models, params):
        notes.append(trains_too)
    bt = result.backtest
    notes += run_start_notes(
        result.fitted, bt.forecasts, bt.fold_starts, bt.fold_seasons
    )
    if one := one_fold_text(result.backtest.forecasts):
        notes.append(one)
    if blank := blank_mase_text(result.summary):
        notes.append(blank)
    if tie := tie_text(result.summary):
        notes.append(tie)
    elif untested := best_untested_text(result.significance, result.best):
        notes.append(untested)
    if unchecked := unchecked_season_text(y, result.fitted, result.backtest.forecasts):
        notes.append(unchecked)
    if raised := floor_text(result.floor, result.scored):
        notes.append(raised)
    if below := below_zero_text(y, result.future, result.best):
        notes.append(below)
    if closed := closed_text(y, result.future, result.backtest.horizon):
        notes.append(closed)
    if under := under_coverage_text(getattr(result, "coverage", None), result.best):
        notes.append(under)
    if filled := filled_scoring_text(result.backtest.forecasts):
        notes.append(filled)
    return notes


def _run_panel(
    args: argparse.Namespace,
    panel: pd.DataFrame,
    dataset: str | None,
    err: TextIO,
    **options: Any,
) -> PanelComparison:
    """Run compare_panel() on the panel with the flags' settings and a progress
    bar; its notes and failures go to ``err``."""
    models = _models(args.models, panel)
    _engine_jobs(args, err)
    train_workers = _train_workers(args)
    horizon, folds = args.horizon, args.folds
    if dataset is not None:
        meta = datasets.info(dataset)
        horizon, folds = _pick(horizon, meta.horizon), _pick(folds, meta.folds)
    if folds is None:  # 0 (a forecast only) when no series can hold a fold
        folds = default_panel_folds(panel, horizon)
    bar = None if args.quiet else _ProgressBar(err)
    try:
        with _ray_train_in_cli_words(args):
            result = compare_panel(
                panel,
                models=models,
                horizon=horizon,
                folds=folds,
                params=_params(args, err),
                n_jobs=args.jobs,
                engine=args.engine,
                train_workers=train_workers,
                progress=bar,
                floor=args.floor,
                **options,
            )
    finally:
        if bar is not None:
            bar.close()
    read = set(_read_notes(panel, dataset))  # printed when the file was read
    for note in result.notes:
        if note not in read:
            print(f"note: {note}", file=err)
    failed = dict(result.failed)
    for name in result.failed_models:
        if name in model_names() and not _takes_panel(model_spec(name).load()):
            del failed[name]
            print(
                f"note: {name} left out: it does not forecast many series at once "
                "yet; compare it on one series with --series NAME",
                file=err,
            )
    _print_failures(failed, err)
    for note in panel_run_notes(panel, result):
        print(f"note: {note}", file=err)
    if result.per_series.empty and result.future.empty and not result.stopped:
        # every model failed everywhere: an error, not an empty leaderboard
        first = [
            f"{name}: {next(iter(messages.values()))}"
            for name, messages in result.failed.items()
            if messages
        ]
        raise _CliError(
            "no model forecast any series"
            + (f" ({'; '.join(first[:3])})" if first else "")
        )
    return result


def _cmd_compare(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.out == "-":
        raise _CliError(
            "--out -: the scores go to standard output; give the forecasts CSV a "
            "file name"
        )
    if args.out is not None:
        _check_out(args.out)
    y, dataset = _load(args)
    _print_notes(y, dataset, err)
    if isinstance(y, pd.DataFrame):
        return _compare_panel(args, y, dataset, out, err)
    result, notes = _run_compare(args, y, dataset, err)
    horizon, folds = result.backtest.horizon, result.backtest.folds
    table = result.forecast_table() if args.out or args.json else None
    if args.out:
        _write_csv(table, args.out, f"{len(table)} rows of forecasts", err)
        for note in result.interval_notes():  # the file's intervals
            print(f"note: intervals: {note}", file=err)
    if args.json:
        summary = result.summary.reset_index()
        payload = {
            "dataset": dataset,
            "points": len(y),
            "horizon": horizon,
            "folds": folds,
            "device": result.device,
            "seconds": round(result.seconds, 3),
            "best": result.best,
            "scored": result.scored,
            "summary": _records(_with_coverage(summary, result)),
            "future": _records(_future_with_bands(table)),
            "interval_notes": result.interval_notes(),
            "time_zone": result.time_zone,
            "left_out": dict(result.left_out),
            "floor": result.floor,
            "notes": notes,
            "read_notes": _read_notes(y, dataset),
        }
        _write_json(payload, out)
    else:
        where = _where(args)
        if getattr(args, "total", False):
            where += f" ({str(y.name).lower()})"
        runs = (
            f"{plural(folds, 'fold')} x {horizon} steps"
            if folds
            else f"{horizon} steps ahead"
        )
        out.write(
            f"{where}: {len(y)} points, {runs}{_floor_words(result.floor)}, "
            f"device {result.device}, "
            f"{result.seconds:.1f}s\n"
        )
        if result.scored:
            out.write(_table(result.summary) + "\n")
        else:
            out.write(
                "a forecast only, unscored: " + unscored_text(len(y), y.index) + "\n"
            )
            out.write(_future_table(result.future) + "\n")
    return 0


def _write_csv(frame: pd.DataFrame, path: str, what: str, err: TextIO) -> None:
    """``frame`` as a formula-safe CSV at ``path``; "wrote {what} to {path}" on
    ``err``."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(safe_csv(frame))
    except OSError as exc:
        raise _CliError(f"--out: cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {what} to {path}", file=err)


def _write_json(payload: dict[str, Any], out: TextIO) -> None:
    json.dump(payload, out, indent=2, allow_nan=False)
    out.write("\n")


def _write_json_safely(payload: dict[str, Any], out: TextIO, err: TextIO) -> None:
    """:func:`_write_json` for an error: an output that cannot be written (a full
    disk, a closed pipe) is said on ``err``, not raised from the error handler."""
    try:
        _write_json(payload, out)
        out.flush()
    except OSError as exc:
        print(f"error: cannot write the JSON output: {exc}", file=err)


def _future_with_bands(table: pd.DataFrame) -> pd.DataFrame:
    """The future forecasts of a ``Comparison.forecast_table`` with their step
    and prediction-interval bounds (lower_80, upper_80, ...; none on an unscored
    run), in the run's time zone."""
    future = table[table["section"] == "future"]
    bands = [c for c in future.columns if c.startswith(("lower_", "upper_"))]
    keep = ["model", "timestamp", "step", "forecast", *bands]
    return future[[c for c in keep if c in future.columns]].reset_index(drop=True)


def _with_coverage(
    summary: pd.DataFrame, result: Comparison | PanelComparison, *, widths: bool = True
) -> pd.DataFrame:
    """``summary`` with each level's measured coverage and mean width
    (coverage_80, width_80, ...) where the run measured them; without the widths
    when ``widths`` is False (a panel's are in units of each series' MASE scale,
    not the data's)."""
    coverage = getattr(result, "coverage", None)
    if coverage is None or coverage.empty:
        return summary
    out = summary.copy()
    for level, rows in coverage.groupby("level", sort=True):
        label = level_label(level)
        by_model = rows.set_index("model")
        out[f"coverage_{label}"] = out["model"].map(by_model["coverage"])
        if widths:
            out[f"width_{label}"] = out["model"].map(by_model["mean_width"])
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: jsonable(v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _compare_panel(
    args: argparse.Namespace,
    panel: pd.DataFrame,
    dataset: str | None,
    out: TextIO,
    err: TextIO,
) -> int:
    # intervals for the CSV and the JSON; the printed table shows none
    levels = DEFAULT_LEVELS if args.out or args.json else ()
    result = _run_panel(args, panel, dataset, err, levels=levels)
    if args.out:
        table = result.future_table()
        _write_csv(table, args.out, f"{len(table)} rows of forecasts", err)
    if args.json:
        payload = {
            "dataset": dataset,
            "series": len(result.series),
            "horizon": result.horizon,
            "folds": result.folds,
            "season_length": result.season_length,
            "seconds": round(result.seconds, 3),
            "best": result.best,
            "summary": _records(
                _with_coverage(result.summary.reset_index(), result, widths=False)
            ),
            "per_series": _records(result.per_series),
            "future": _panel_future(result.future, result.time_zone),
            "time_zone": result.time_zone,
            "failed": result.failed,
            "floor": result.floor,
            "notes": [*result.notes, *panel_run_notes(panel, result)],
            "read_notes": _read_notes(panel, dataset),
        }
        _write_json(payload, out)
        return 0
    where = _where(args)
    if result.folds:
        out.write(
            f"{where}: {len(result.series)} series, {plural(result.folds, 'fold')} "
            f"x {result.horizon} steps per series{_floor_words(result.floor)}, "
            f"{result.seconds:.1f}s\n"
        )
        out.write(_panel_table(result.summary) + "\n")
    else:
        out.write(
            f"{where}: {len(result.series)} series, {result.horizon} steps ahead, "
            f"a forecast only (0 folds, unscored){_floor_words(result.floor)}, "
            f"{result.seconds:.1f}s\n"
        )
        for name in result.series:
            future = result.series_frames(name)[1]
            if not future.empty:
                out.write(f"\n{name}\n{_future_table(future)}\n")
    return 0


def _panel_future(
    future: pd.DataFrame, time_zone: str | None = None
) -> list[dict[str, Any]]:
    """The panel's final forecasts (every model refit on all data) as JSON
    records in the words of the single-series payload's ``future``, with the
    series: ``series, timestamp, model, step, forecast``, then the prediction-interval
    bounds where the run made them (lower_80, upper_80, ...), one per series,
    model and step (none for a series without future timestamps, or a model that
    failed on it); a NaN forecast or an unbounded level becomes null. Times in
    ``time_zone`` (the data's, where the reader converted them) carry its
    offset."""
    bands = [c for c in future.columns if str(c).startswith(("lower_", "upper_"))]
    frame = future[["series", "time", "model", "step", "forecast", *bands]]
    return _records(
        in_time_zone(frame.rename(columns={"time": "timestamp"}), time_zone)
    )


def _panel_table(summary: pd.DataFrame) -> str:
    """The panel leaderboard, best mean MASE first, then the win shares."""
    wins = [c for c in summary.columns if str(c).startswith("wins vs ")]
    apart = some_without_mase(summary)  # a column of the series with a MASE
    head = ("model", "series", *(("with MASE",) if apart else ()), "mean MASE")
    head += ("median MASE", "sMAPE", "MAE", "bias", "fit s")
    head += tuple(c.removeprefix("wins ") for c in wins) + ("",)
    rows = [head]
    order = summary.sort_values("mean_mase", na_position="last", kind="stable")
    for name, row in order.iterrows():
        cells = (
            str(name),
            str(int(row["series"])),
            *((str(int(row["mase_series"])),) if apart else ()),
            _fmt(row["mean_mase"], 3),
            _fmt(row["median_mase"], 3),
            _fmt(row["mean_smape"]),
            _fmt(row["mean_mae"]),
            _fmt(row.get("mean_bias", math.nan), 3),
            f"{row['fit_seconds']:.1f}",
        )
        cells += tuple(_share(row[c]) for c in wins)
        rows.append(cells + ("* best" if row["best"] else "",))
    lines = _aligned(rows)
    if wins:
        named = " / ".join(str(c).removeprefix("wins vs ") for c in wins)
        lines.append(
            f"vs {named}: share of series where the model's MASE is lower than "
            "that model's (each series scored on its own last folds)"
        )
    return "\n".join(lines)


def _share(x: Any) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as text columns: the first left-aligned, the last free, others right."""
    n = len(rows[0])
    widths = [max(len(r[i]) for r in rows) for i in range(n)]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [
            r[i].rjust(widths[i]) for i in range(1, n - 1)
        ]
        lines.append("  ".join(cells + [r[-1]]).rstrip())
    return lines


def _cmd_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .report import build_panel_report, build_report

    _check_out(args.out)
    y, dataset = _load(args)
    _print_notes(y, dataset, err)
    title = None
    if dataset is not None:
        title = f"Forecast report: {datasets.info(dataset).title}"
    if isinstance(y, pd.DataFrame):
        panel = _run_panel(args, y, dataset, err, levels=args.level)
        settings = _params(args, io.StringIO())  # its note was printed by the run
        html = build_panel_report(y, panel, title=title, settings=settings)
        best, horizon, folds = panel.best, panel.horizon, panel.folds
        seconds = panel.seconds
    else:
        # the file's name only: the report may travel, the local path need not
        source = (
            {"dataset": args.dataset}
            if args.dataset
            else {"csv": os.path.basename(args.csv)}
        )
        if getattr(args, "sheet", None):
            source["sheet"] = args.sheet
        result, _ = _run_compare(args, y, dataset, err, levels=args.level, extra=source)
        html = build_report(y, result, record=result.record, title=title)
        best, seconds = result.best, result.seconds
        horizon, folds = result.backtest.horizon, result.backtest.folds
    if args.out == "-":
        out.write(html)
    else:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(html)
    print(
        f"wrote {'the report to stdout' if args.out == '-' else args.out} "
        f"({len(html) / 1e6:.1f} MB): best {best or 'none'}, "
        f"{plural(folds, 'fold')} x {horizon} steps, {seconds:.1f}s",
        file=err,
    )
    return 0


def _where(args: argparse.Namespace) -> str:
    """The data's name in a summary line: the dataset, or the file (and its
    sheet, when one was asked for)."""
    if args.dataset:
        return args.dataset
    sheet = getattr(args, "sheet", None)
    return f"{args.csv} (sheet {sheet})" if sheet else args.csv


# ------------------------------------------------------------------ parser
def _add_source(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", help="a bundled dataset (see: datasets)")
    src.add_argument(
        "--csv",
        help="a CSV file, workbook (Excel .xlsx or .xls, OpenDocument .ods), "
        "Parquet file or JSON document "
        "('-': read it from standard input): one series (time and value columns), "
        "or many (id columns such as store or region, or one value column per "
        "series)",
    )
    p.add_argument(
        "--sheet",
        help="the sheet of an Excel workbook to read (default: the one with the "
        "most numbers)",
    )
    p.add_argument("--time-col", help="time column of the CSV (default: detected)")
    p.add_argument("--value-col", help="value column of the CSV (default: detected)")
    ids = p.add_mutually_exclusive_group()
    ids.add_argument(
        "--id-col",
        action="append",
        metavar="NAME",
        help="a column naming the series (repeat for several; default: detected)",
    )
    ids.add_argument(
        "--no-id",
        action="store_true",
        help="read the file as one series even where the reader finds id columns "
        "(or series stacked one after another): rows that share a time are "
        "combined by --agg",
    )
    p.add_argument(
        "--series",
        metavar="NAME",
        help="of a file or dataset of many series, use this one only (id values "
        "joined with ' / ')",
    )
    p.add_argument(
        "--total",
        action="store_true",
        help="of a file or dataset of many series, forecast their total (their sum "
        "at each time; a series counts as 0 where it has no rows)",
    )
    p.add_argument(
        "--step",
        metavar="STEP",
        help="read the rows in regular steps (hourly, business-hours, daily, "
        "business-days, weekly, monthly, quarterly, yearly, or a pandas frequency "
        "such as 15min), "
        "each step's rows "
        "combined by --agg: an event log or irregular times as daily sums, say "
        "(default: the file's own steps)",
    )
    p.add_argument(
        "--agg",
        default="mean",
        choices=tuple(AGGREGATIONS),
        help="how rows that share a time (or a --step) are combined (default: "
        "mean; with --step, an empty step is 0 for sum and count)",
    )
    p.add_argument(
        "--spikes",
        default="keep",
        choices=SPIKE_CHOICES,
        help="values far from their neighbours (a sensor's error code such as "
        "812, a typo; markers written with nines alone, such as -999, are read "
        "as missing anyway): keep them, with a note (default), or fill them like "
        "missing values (straight lines between their neighbours, not scored)",
    )
    p.add_argument("--horizon", type=int, help="steps to forecast")


def _add_params(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "network settings (defaults: each model's own)", network_settings_note()
    )
    for dest, (kind, text) in _NETWORK.items():
        g.add_argument("--" + dest.replace("_", "-"), type=kind, help=text)
    g = p.add_argument_group("other settings (defaults: each model's own)")
    for dest, (kind, text) in _SHARED.items():
        g.add_argument("--" + dest.replace("_", "-"), type=kind, help=text)
    g.add_argument(
        "--start",
        choices=tuple(STARTS),
        help="where the ConvLSTM starts: auto keeps whichever of scratch and the "
        "pretrained network forecast the end of the series better (on a monthly "
        "series both, forecasting their mean, on a quarterly one both, weighted by "
        "their checks, on a yearly one scratch only if it checked "
        f"{AUTO_SCRATCH_MARGIN:g} times better); fine-tuned and "
        "zero-shot start from the pretrained network (default: the model's own; "
        "with many series, auto forecasts the mean of one network trained on "
        "them all and the pretrained one fine-tuned on them)",
    )
    g.add_argument(
        "--floor",
        type=float,
        metavar="VALUE",
        help="no forecast or interval bound goes below VALUE: --floor 0 for counts, "
        "sales and other amounts that cannot be negative (forecasts under it are "
        "raised to it, in the backtest too, before scoring; default: none)",
    )


def _add_engine(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help=f"{what} at once, each in a worker process (default 1: one after "
        "another; the numbers are the same). With many series: workers fitting "
        "the series of a local model (default: every core, or with --engine ray "
        "every CPU of the cluster, when that pays off)",
    )
    p.add_argument(
        "--engine",
        choices=("local", "ray"),
        default=default_engine(),  # CONVLSTM_ENGINE read as the library reads it
        help="where the work runs: local worker processes, or Ray "
        "(default: $CONVLSTM_ENGINE, else local)",
    )


def _engine_jobs(args: argparse.Namespace, err: TextIO | None = None) -> int:
    """Check ``--engine`` and ``--jobs``; return the number of jobs. More local
    jobs than cores run as many as the cores (more workers would only share
    them, each with its own memory: 100 on 2 cores ran 5 times slower), said on
    ``err`` when given."""
    check_engine(args.engine)
    jobs = _at_least_one(args.jobs, "--jobs")
    cores = usable_cores()
    if args.engine == "local" and jobs > cores:
        if err is not None:
            print(
                f"note: --jobs {jobs} is more than the {plural(cores, 'core')} "
                f"here: running {cores} at a time (more workers would only share "
                "the cores, each with its own memory, and run slower)",
                file=err,
            )
        jobs = args.jobs = cores
    return jobs


def _add_train_workers(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--train-workers",
        type=int,
        help="with many series: Ray Train workers that train each neural model's "
        "one network data-parallel (needs --engine ray; default 1: this process)",
    )


def _train_workers(args: argparse.Namespace) -> int:
    """Check ``--train-workers`` (on commands that have it); return it (1 unset)."""
    return _at_least_one(getattr(args, "train_workers", None), "--train-workers")


@contextlib.contextmanager
def _ray_train_in_cli_words(args: argparse.Namespace) -> Iterator[None]:
    """The library's "train_workers=2 needs the Ray engine ... engine='ray'" as
    the flags that fix it (the library checks the models first, so that a model
    without a network is said before the engine)."""
    try:
        yield
    except ParameterError as exc:
        if "needs the Ray engine" not in str(exc):
            raise
        raise _CliError(
            f"--train-workers {args.train_workers} trains on Ray Train workers: "
            "add --engine ray (pip install -r requirements-ray.txt), or leave "
            "--train-workers out"
        ) from exc


def _at_least_one(value: int | None, flag: str) -> int:
    """A count flag's value: 1 when unset, else at least 1."""
    if value is None:
        return 1
    if value < 1:
        raise ParameterError(f"{flag} must be at least 1, got {value}")
    return int(value)


def _one_train_worker(args: argparse.Namespace) -> None:
    """Refuse ``--train-workers`` above 1 on one series (nothing to share)."""
    if _train_workers(args) > 1:
        raise _CliError(
            "--train-workers trains one network over many series: use a file or "
            "dataset of many series (without --series)"
        )


def _add_models(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--folds",
        type=int,
        help="backtest folds (0: a forecast only, unscored; default: 0 for a series "
        "too short to hold out a point)",
    )
    p.add_argument(
        "--models",
        nargs="+",
        help=f"models to compare, from: {', '.join(model_names())} (case, spaces "
        "and hyphens are ignored: convlstm-pretrained is the ConvLSTM started from "
        f"the pretrained network; default: {', '.join(default_models())}, and "
        "TSB before the Ensemble where the data are mostly zeros)",
    )


class _UsageError(Exception):
    """A command line argparse refused (its message), raised instead of exiting
    so that ``main`` can also answer ``--json`` with it."""

    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message, self)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m convlstm``."""
    parser = _Parser(
        prog="python -m convlstm",
        description="ConvLSTM time-series forecasting beside honest baselines.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    f = sub.add_parser(
        "forecast",
        help="fit one model and forecast the future",
        description="Fit one model on the whole series and write its point "
        "forecasts (timestamp, model, forecast). For prediction intervals, "
        "calibrated on backtest errors, use compare --out (or report).",
    )
    _add_source(f)
    f.add_argument(
        "--model",
        default="ConvLSTM",
        help=f"one of: {', '.join(model_names())} (case-insensitive; default ConvLSTM)",
    )
    f.add_argument("--out", help="write the forecast CSV here (default, or -: stdout)")
    _add_engine(f, "fits (one series and one model: a single fit)")
    _add_train_workers(f)
    _add_params(f)
    f.add_argument("--quiet", action="store_true", help="no progress on stderr")

    c = sub.add_parser("compare", help="backtest models on the same folds")
    _add_source(c)
    _add_models(c)
    c.add_argument("--json", action="store_true", help="machine-readable output")
    c.add_argument(
        "--out",
        help="also write the forecasts CSV here (as the app's download): one "
        "series' backtest and future forecasts with their 80%% and 95%% intervals; "
        "of many series, every series' future forecasts with their intervals",
    )
    c.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _add_engine(c, "backtest folds")
    _add_train_workers(c)
    _add_params(c)

    r = sub.add_parser(
        "report",
        help="compare models and write a self-contained HTML report",
        description="Backtest models, add prediction intervals and significance "
        "tests, and write one offline HTML file for stakeholders.",
    )
    _add_source(r)
    _add_models(r)
    r.add_argument(
        "--level",
        type=float,
        nargs="+",
        default=list(DEFAULT_LEVELS),
        help="prediction-interval levels (default: 0.8 0.95)",
    )
    r.add_argument("--out", required=True, help="the HTML file to write (-: stdout)")
    r.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _add_engine(r, "backtest folds")
    _add_train_workers(r)
    _add_params(r)

    sub.add_parser("datasets", help="list the bundled datasets")
    add_images_parser(sub)
    return parser


class _OneLine(logging.Formatter):
    """A library log record as one line, without its traceback: the command
    reports each failure in its own words."""

    def format(self, record: logging.LogRecord) -> str:
        return f"note: {record.getMessage()}"


@contextlib.contextmanager
def _library_log(err: TextIO, quiet: bool) -> Iterator[None]:
    """While a command runs, the library's warnings (a worker ended, a job that
    failed) go to ``err`` as ``note:`` lines; none with ``--quiet``."""
    logger = logging.getLogger("convlstm")
    handler = logging.StreamHandler(err)
    handler.setFormatter(_OneLine())
    handler.setLevel(logging.CRITICAL + 1 if quiet else logging.WARNING)
    kept = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = kept


def _suggested_options(exc: BaseException) -> dict[str, str]:
    """The options that read the data as a refusal suggests (``step``: the
    step it offers; ``agg``: how to combine each step's rows, when it says);
    {} when it suggests none."""
    step = getattr(exc, "suggested_step", None)
    if not step:
        return {}
    fix = {"step": str(step)}
    if agg := getattr(exc, "suggested_agg", None):
        fix["agg"] = str(agg)
    return fix


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; return the exit status (0 ok, 2 error)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        exc.parser.print_usage(err)
        print(f"{exc.parser.prog}: error: {exc}", file=err)
        if "--json" in (sys.argv[1:] if argv is None else list(argv)):
            # a program reading the JSON gets the error there too
            _write_json_safely({"error": str(exc)}, out, err)
        return EXIT_ERROR
    except SystemExit as exc:  # --help, or argparse's own exit
        return int(exc.code or 0)
    commands = {
        "datasets": _cmd_datasets,
        "forecast": _cmd_forecast,
        "compare": _cmd_compare,
        "report": _cmd_report,
        "images": run_images_command,
    }
    try:
        # the command writes its output to ``out``; anything else that prints
        # (Ray's worker-died lines, a library's stray print) goes to stderr, so
        # that ``--json`` output stays one JSON document
        with (
            _library_log(err, quiet=getattr(args, "quiet", False)),
            contextlib.redirect_stdout(err),
        ):
            return commands[args.command](args, out, err)
    except (ConvLSTMError, _CliError, OSError) as exc:
        message = str(exc)
        if isinstance(exc, OSError) and exc.filename and not message:
            message = f"cannot read {exc.filename}"
        print(f"error: {message}", file=err)
        fix = _suggested_options(exc)
        if fix:  # the step the reader offers, as the app's button reads it
            options = " ".join(f"--{k} {shlex.quote(v)}" for k, v in fix.items())
            print(f"hint: run it again with {options}", file=err)
        if getattr(args, "json", False):
            # a program reading the JSON gets the error there too
            answer: dict[str, Any] = {"error": message}
            if fix:
                answer["suggested_options"] = fix
            _write_json_safely(answer, out, err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=err)
        return 130
