"""Plain sentences that say what the app's numbers mean: expected training time, a
re-run's verdict, why a run is a forecast only, where a published benchmark comes
from, a bundle's fingerprint, what kind of model a name is, what a run over many
series covered and which series a model could not forecast. Pages and reports render
them; the wording lives here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .data.cells import and_list, format_time, plural
from .data.hours import closed_words
from .data.numbers import PERCENT_REMOVED
from .errors import ConvLSTMError, ParameterError
from .metrics import clearly_lower
from .models.registry import KINDS, model_spec

#: Points beyond which training the neural models on a CPU takes a minute or more.
LONG_SERIES = 1000
#: Points beyond which each network's fit takes about a minute on a CPU.
VERY_LONG_SERIES = 100_000


def slow_to_train(device: str, points: int) -> bool:
    """Whether training the neural models on ``points`` points will be slow.

    Args:
        device: where they train, ``"cpu"`` or ``"cuda"`` (a ``"cuda:0"`` suffix is
            fine).
        points: length of the series.
    """
    return str(device).split(":")[0] == "cpu" and points > LONG_SERIES


def training_time_note(device: str, points: int) -> str:
    """A sentence warning that training will be slow, or ``""`` when it will not.

    Args:
        device: where the neural models train.
        points: length of the series.
    """
    if not slow_to_train(device, points):
        return ""
    if points > VERY_LONG_SERIES:
        # measured: a ConvLSTM fold of 1,000,000 points took 44-52 s on 2 cores
        return (
            f"With {points:,} points expect several minutes for the neural "
            "models: about a minute per network and fold on a laptop's CPU; fewer "
            "folds are faster."
        )
    return (
        f"With {points:,} points expect a minute or more for the neural models; "
        "fewer folds are faster."
    )


#: Weights from which a network is called big: training it on a CPU is slow.
BIG_NETWORK = 5_000_000


def network_size_note(kernel_size: Any, hidden_size: Any, num_layers: Any) -> str:
    """ "A network of about 411 million weights (1.6 GB, and about 3 times that
    while training)..." for ConvLSTM settings that make a big network (at least
    :data:`BIG_NETWORK` weights), else ``""``. The count is the recurrent
    layers' (4 gates, each a kxk convolution of the input and the state), close
    to the whole net's for big settings."""
    try:
        k = kernel_size if isinstance(kernel_size, list | tuple) else [kernel_size] * 2
        h, layers = int(hidden_size), int(num_layers)
        weights = 4 * h * 2 * h * int(k[0]) * int(k[1]) * layers
    except (TypeError, ValueError, IndexError):
        return ""
    if weights < BIG_NETWORK:
        return ""
    size = weights * 4  # bytes of float32 weights
    shown = f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:,.0f} MB"
    return (
        f"A network of about {weights / 1e6:,.0f} million weights ({shown}, and "
        "about 3 times that while training): on a CPU an epoch can take minutes, "
        "and its first progress comes only after one. Stop ends it within about "
        "15 seconds."
    )


#: How to read a forecast only (0 backtest folds), wherever one is shown.
UNSCORED_READING = (
    "Read these forecasts as sketches with no track record on this data, not as a "
    "verdict on which model is best."
)


def unscored_panel_text() -> str:
    """Why a run over many series is a forecast only (0 backtest folds)."""
    return (
        "The series are too short to hold out any points for a backtest (or the "
        "run chose 0 folds), so no series was scored and there is no leaderboard."
    )


def scoring_min_points(points: int, index: pd.DatetimeIndex) -> int:
    """The fewest points a series of ``points`` points at ``index``'s steps needs
    for a backtest of one step: the first fold's training points and one to
    check (a series shorter than two seasons has no season to keep)."""
    from .backtest import first_fold_min_length
    from .data import season_length

    return 1 + first_fold_min_length(season_length(index), points)


def too_short_to_score_text(
    points: int, index: pd.DatetimeIndex, in_panel: bool = False
) -> str | None:
    """What a series too short for any backtest gets from Train & compare, said
    before it trains (None for a series a backtest can score).

    Args:
        points: length of the series.
        index: its timestamps.
        in_panel: the series is one of several (a run over all of them leaves
            it out of the scores and forecasts it where a model can).
    """
    need = scoring_min_points(points, index)
    if points >= need:
        return None
    return (
        f"{plural(points, 'point')} {'is' if points == 1 else 'are'} too few to "
        f"score the models: a backtest needs at least {need} (it trains on "
        f"{need - 1} and checks the forecast of the next). "
        + (
            "Trained alone, it is forecast without scores by the models that can; "
            "a run over all series scores the others and forecasts this one where "
            "a model can."
            if in_panel
            else "Train & compare forecasts it without scores, leaving out the "
            "models that need more points."
        )
    )


def unscored_text(points: int, index: pd.DatetimeIndex) -> str:
    """Why a comparison is a forecast only (0 backtest folds), and how to get
    scores.

    Args:
        points: length of the series.
        index: its timestamps (their season sets the backtest's minimum).
    """
    need = scoring_min_points(points, index)
    if points < need:
        return (
            f"The series has {points} points; scoring the models needs at least "
            f"{need} (a backtest trains on {need - 1} and checks the forecast of the "
            "next), so nothing was held out to check them on."
        )
    return (
        "This run chose 0 backtest folds, so nothing was held out to check the "
        "models on; choose 1 or more folds to score them."
    )


def as_sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop, to stand alone (the
    CLI prints the same texts after ``note:``)."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def filled_scoring_text(backtest: pd.DataFrame) -> str | None:
    """ "1 of the 24 backtest points was filled in by the reader (a gap in the
    data, first at 1960-07-01) and is not scored" when a backtest's tidy
    forecasts mark filled points (``filled``; a panel's count every series'
    points); else None."""
    if "filled" not in backtest.columns or backtest.empty:
        return None
    keys = ["series", "fold", "step"] if "series" in backtest.columns else []
    points = backtest.drop_duplicates(keys or ["fold", "step"])
    filled = points[points["filled"].astype(bool)]
    if filled.empty:
        return None
    n, total = len(filled), len(points)
    was = "was" if n == 1 else "were"
    when = "timestamp" if "timestamp" in filled.columns else "time"
    first = format_time(pd.Timestamp(filled[when].min()))
    return (
        f"{n} of the {total} backtest points {was} filled in by the reader (a gap "
        f"in the data, or a spike read as missing; first at {first}) "
        f"and {'is' if n == 1 else 'are'} not scored: the scores and intervals use "
        "observed points only"
    )


def below_zero_text(
    y: pd.Series, future: pd.DataFrame, best: str | None = None
) -> str | None:
    """ "Theta forecasts below zero (lowest -1.7), though the series never goes
    below zero..." when the history holds no negative value and some model's
    ``future`` (``model, forecast``) does beyond round-off; else None. ``best``:
    the model marked best, named so when it is one of them (on mostly-zero
    counts a forecast just under 0 scores a low MAE)."""
    panel = pd.DataFrame({"series": "", "value": y.to_numpy(dtype=float)})
    below = panel_below_zero_text(panel, future.assign(series=""), one=True, best=best)
    above = above_hundred_text(y, future, best)
    return " ".join(t for t in (below, above) if t) or None


_PERCENT_NAME = re.compile(r"%|percent|pct\b|prozent|pourcent|porcentaje", re.I)


def above_hundred_text(
    y: pd.Series, future: pd.DataFrame, best: str | None = None
) -> str | None:
    """ "ETS forecasts above 100 (highest 104.2), though the series, in percent,
    never goes above 100..." when ``y`` is a percentage (its name says so, or the
    reader took percent signs off its cells), every value lies within 0 to 100,
    and some model's ``future`` (``model, forecast``) goes above 100; else None."""
    if future.empty or len(y) == 0:
        return None
    named = bool(_PERCENT_NAME.search(str(y.name or "")))
    signed = any(PERCENT_REMOVED in str(n) for n in y.attrs.get("notes", []))
    values = y.to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if not (named or signed) or not len(values) or values.min() < 0:
        return None
    if values.max() > 100:
        return None
    above = future[future["forecast"] > 100 * (1 + 1e-9)]
    if above.empty:
        return None
    names = list(dict.fromkeys(above["model"]))
    who = and_list(f"{n} (marked best)" if n == best else n for n in names)
    verb = "forecasts" if len(names) == 1 else "forecast"
    return (
        f"{who} {verb} above 100 (highest {float(above['forecast'].max()):.4g}), "
        "though the series, in percent, never goes above 100: read those steps as "
        "100 if it cannot exceed it (a share, an occupancy, a rate of a whole)."
    )


def closed_text(y: pd.Series, future: pd.DataFrame, horizon: int) -> str | None:
    """ "2 of the 9 steps ahead fall when the series is closed every week (Sat
    09:00, 16:00 and 17:00): the forecasts leave them out" for a series with
    closed times (``y.attrs["closed"]``) and its ``future`` (``model, step``);
    None when none of the steps was left out."""
    closed = y.attrs.get("closed")
    if not closed or future.empty or "step" not in future.columns:
        return None
    left = int(horizon) - int(future.groupby("model")["step"].nunique().max())
    if left <= 0:
        return None
    return (
        f"{left} of the {plural(int(horizon), 'step')} ahead fall when the series is "
        f"closed every week ({closed_words(closed, y.index)}): the forecasts leave "
        f"{'it' if left == 1 else 'them'} out"
    )


def panel_closed_text(
    panel: pd.DataFrame, future: pd.DataFrame, horizon: int
) -> str | None:
    """ "The forecasts of 1 series ('north') leave out the steps ahead that fall
    when it is closed every week..." for a panel with closed times
    (``panel.attrs["closed"]``, by series) and its ``future`` (``series,
    model, step``) where some series' steps were left out; None for none."""
    closed = panel.attrs.get("closed") or {}
    if future.empty or not closed or "step" not in future.columns:
        return None
    fut = future.assign(series=future["series"].astype(str))
    kept = fut.groupby(["series", "model"])["step"].nunique().groupby("series").max()
    names = [s for s in closed if s in kept.index and kept[s] < int(horizon)]
    if not names:
        return None
    shown = [repr(s) for s in names[:5]]
    if len(names) > 5:
        shown.append(f"{len(names) - 5} more")
    return (
        f"The forecasts of {plural(len(names), 'series')} ({and_list(shown)}) leave "
        "out the steps ahead that fall when "
        f"{'it is' if len(names) == 1 else 'they are'} closed every week (the "
        "reader's notes name those times)"
    )


def panel_below_zero_text(
    panel: pd.DataFrame,
    future: pd.DataFrame,
    *,
    one: bool = False,
    best: str | None = None,
) -> str | None:
    """ "Theta forecasts below zero on 3 of the 40 series that never go below
    zero (lowest -4.2, on 'b')..." for a panel (``series, value``) and its
    ``future`` (``series, model, forecast``); None when no model forecasts a
    series that never goes below zero below it beyond round-off. ``one``: the
    panel is one series (the sentence does not count series); ``best``: the
    model marked best, named so."""
    if panel.empty or future.empty:
        return None
    values = panel.assign(series=panel["series"].astype(str))
    history = values.groupby("series", sort=False)["value"]
    low = history.min()
    tiny = 1e-9 * history.agg(lambda v: max(float(v.abs().max()), 1e-300))
    fut = future.assign(series=future["series"].astype(str))
    # of the series forecast (a sampled run forecasts some of the panel's)
    never = low.index[(low >= 0) & low.index.isin(fut["series"])]
    if never.empty:
        return None
    fut = fut[fut["series"].isin(never)]
    below = fut[fut["forecast"] < -tiny.reindex(fut["series"]).to_numpy()]
    if below.empty:
        return None
    names = list(dict.fromkeys(below["model"]))
    who = and_list(f"{n} (marked best)" if n == best else n for n in names)
    verb = "forecasts" if len(names) == 1 else "forecast"
    lowest = below.loc[below["forecast"].idxmin()]
    if one:
        where = f"(lowest {float(lowest['forecast']):.4g}), though the series never"
        where += " goes below zero"
    else:
        n = below["series"].nunique()
        where = (
            f"on {n} of the {len(never)} series that never go below zero (lowest "
            f"{float(lowest['forecast']):.4g}, on {lowest['series']!r})"
        )
    return (
        f"{who} {verb} below zero {where}; for counts, sales or other amounts "
        "that cannot be negative, read those steps as 0, or forecast with a floor "
        "of 0 (floor=..., --floor, or Never below zero on Train & compare)."
    )


def rerun_verdict(match: bool, differences: int, seconds: float) -> str:
    """What a re-run from the reproducibility record showed.

    Args:
        match: whether every metric and forecast came out the same.
        differences: how many numbers differ (ignored when ``match``).
        seconds: how long the re-run took.
    """
    if match:
        return f"Re-run reproduced every metric and forecast ({seconds:.1f} s)."
    return f"Re-run gave different numbers in {differences} place(s):"


def published_benchmark_note(table: pd.DataFrame) -> str:
    """Where a published benchmark table comes from and how it differs from a run.

    Args:
        table: :func:`convlstm.datasets.published_benchmark`'s table (columns
            ``horizon`` and ``folds``, ``attrs["measured"]``).
    """
    measured = table.attrs.get("measured") or "?"
    return (
        f"From bench/RESULTS.md (measured {measured}): default settings, horizon "
        f"{table['horizon'].iloc[0]}, {table['folds'].iloc[0]} folds; neural models "
        "are the mean over seeds 0-2. Your run differs when your settings, horizon "
        "or folds do."
    )


def bundle_fingerprint(model: Any, record: Mapping[str, Any] | None) -> str:
    """The data fingerprint a loaded model bundle carries.

    The record's data hash when the bundle has a record, else the model's own hash
    of its training values, else ``"none"``.

    Args:
        model: the forecaster loaded from the bundle.
        record: the bundle's reproducibility record, or None.
    """
    from_record = ((record or {}).get("data") or {}).get("sha256")
    return str(from_record or getattr(model, "data_fingerprint_", None) or "none")


def epoch_text(epoch: int, epochs: int) -> str:
    """ "epoch 12/200" for progress; the epoch of one of several fits in a row
    (a ``FitEpoch``: the default ConvLSTM checks both starts, then fits) as
    "checking the pretrained start · epoch 12/200", so the count matches the
    epochs the user set instead of running on across the fits."""
    within = getattr(epoch, "within", None)
    fit = getattr(epoch, "fit", "")
    if within is not None and fit:
        return f"{fit} · epoch {within}/{epoch.span}"
    return f"epoch {int(epoch)}/{int(epochs)}"


def _none_lowered(epochs: int) -> str:
    """ "None of 12 epochs of training lowered", or for one epoch "Its one epoch
    of training did not lower"."""
    if epochs == 1:
        return "Its one epoch of training did not lower"
    return f"None of {plural(epochs, 'epoch')} of training lowered"


def kept_epoch_text(name: str, model: Any, backtest: bool = True) -> str | None:
    """Which epoch a neural model's final fit kept, in plain words; None for a
    model that did not train (a zero-shot pretrained net, a statistical model).

    Epoch 0 is the net as it started: the anchor plus the linear skip
    solved from the training windows (or the pretrained weights). When no epoch
    lowers the validation error, that start is kept and the recurrent cells add
    nothing to the final forecast: users comparing the ConvLSTM with the LSTM
    should know.
    """
    history = getattr(model, "history_", None)
    if not history:
        return None
    kept = int(getattr(model, "best_epoch_", 0) or 0)
    epochs = len(history)
    start = getattr(model, "start_", None) or getattr(model, "init", "scratch")
    pretrained = start == "pretrained"
    start = (
        "the pretrained network"
        if pretrained
        else "the anchor plus the linear skip solved from the training windows"
    )
    if kept == 0:
        # the network settings of the app and CLI shape the ConvLSTM only (the
        # LSTM keeps its defaults), so only its note names them
        settings = (
            "; the network settings (kernel size, hidden size, learning rate, "
            "epochs) did not change it"
            if not pretrained and hasattr(model, "kernel_size")
            else ""
        )
        # a comparison's notes rate its backtest too, whose folds train anew
        folds = "; the backtest folds train their own fits" if backtest else ""
        panel = bool(getattr(model, "fitted_on_panel", False))
        if getattr(model, "start_", None) == "both":
            return (
                f"{name}: the network trained on "
                f"{'these series' if panel else 'this series'} kept its start "
                f"(epoch 0: {start}). {_none_lowered(int(epochs))} the error on "
                f"the validation {'windows' if panel else 'window'} (the last "
                f"stretch of {'each series' if panel else 'the series'}), so that "
                "start, not anything learned, is what it adds to its blend with "
                f"the pretrained network{settings}{folds}."
            )
        if panel:
            scope = (
                "windows (the last stretch of each series), so its forecasts beyond "
                "the data come from that start alone (another network kept at its "
                "start forecasts the same)"
            )
        else:
            scope = (
                "window (the last stretch of the series), so on this series its "
                "forecast beyond the data comes from that start alone"
            )
        return (
            f"{name}: the final fit kept its start (epoch 0: {start}). "
            f"{_none_lowered(int(epochs))} the error on the validation "
            f"{scope}{settings}{folds}."
        )
    return (
        f"{name}: the final fit kept epoch {kept} of {epochs}, the one with the "
        f"lowest validation error (epoch 0 would be {start})."
    )


def kept_start_text(name: str, model: Any, backtest: bool = True) -> str | None:
    """:func:`kept_epoch_text` only when the final fit kept its start (epoch 0):
    the note a leaderboard needs, since the network then adds nothing."""
    history = getattr(model, "history_", None)
    if not history or int(getattr(model, "best_epoch_", 0) or 0) != 0:
        return None
    return kept_epoch_text(name, model, backtest)


def floor_text(floor: float | None, scored: bool = True) -> str | None:
    """What a floor did to a run's forecasts, or None without one (``scored``:
    the run had a backtest, whose forecasts were raised too)."""
    if floor is None:
        return None
    text = (
        f"a floor of {floor:g}: every forecast and interval bound below {floor:g} "
        f"is raised to {floor:g}"
    )
    if scored:
        text += ", in the backtest too, so the scores are those of the forecasts shown"
    return text


def one_fold_text(forecasts: pd.DataFrame) -> str | None:
    """What a ranking on one backtest fold rests on (``forecasts``: the
    backtest's rows, with ``fold`` and ``timestamp``, or a panel's with
    ``time``), or None with more folds: one stretch of the series, which may not
    look like the next."""
    if forecasts.empty or forecasts["fold"].nunique() != 1:
        return None
    when = "timestamp" if "timestamp" in forecasts else "time"
    times = pd.DatetimeIndex(forecasts[when])
    return (
        f"the ranking rests on one backtest fold, {format_time(times.min())} to "
        f"{format_time(times.max())}: one stretch of the series, which may not "
        "look like the stretch forecast next (a season turning, say); more folds "
        "give a steadier ranking"
    )


def tie_text(summary: pd.DataFrame) -> str | None:
    """A sentence when the best MAE of a ``summary`` (index: models, column
    ``mae``) is shared by several models (a constant series, a straight line that
    several forecast exactly): the ★ then goes to the first of them in the list,
    which says nothing about which will forecast better. None without a tie."""
    if summary is None or "mae" not in getattr(summary, "columns", ()):
        return None
    mae = pd.to_numeric(summary["mae"], errors="coerce")
    mae = mae[np.isfinite(mae)]
    if len(mae) < 2:
        return None
    low = float(mae.min())
    tied = [
        str(m) for m, v in mae.items() if abs(v - low) <= 1e-9 * max(abs(low), 1e-12)
    ]
    if len(tied) < 2:
        return None
    return (
        f"{and_list(tied)} tie on MAE ({low:.4g}): the best mark goes to the first "
        "of them in the list, and says nothing about which will forecast the "
        "future better"
        + (
            "; every backtest forecast was exact, so the scores cannot tell them apart"
            if low == 0
            else ""
        )
    )


def same_bands_text(future: pd.DataFrame, levels: Iterable[float]) -> str | None:
    """ "At 3 of the 12 steps the 80% and 95% ranges are the same..." for one
    model's future rows with bounds (``lower_80``, ``upper_80``, ...) where two
    levels' bounds coincide; None when none do."""
    from .intervals import level_label, lower_column, upper_column

    order = sorted(float(lv) for lv in levels)
    for low, high in zip(order, order[1:], strict=False):
        columns = [lower_column(low), lower_column(high), upper_column(low)]
        columns.append(upper_column(high))
        if not set(columns) <= set(future.columns) or future.empty:
            continue
        lo1, lo2, hi1, hi2 = (future[c].to_numpy(dtype=float) for c in columns)
        same = np.isfinite(lo2) & np.isclose(lo1, lo2) & np.isclose(hi1, hi2)
        if same.any():
            a, b = level_label(low), level_label(high)
            return (
                f"At {int(same.sum())} of the {len(future)} steps the {a}% and {b}% "
                f"ranges are the same: with this few backtest errors both take the "
                "largest of them there; more folds tell the levels apart."
            )
    return None


#: A step's band this much narrower than an earlier step's is worth a word.
NARROWER = 0.8
#: Errors per band under which its width is said to vary by chance.
FEW_ERRORS = 20


def narrower_bands_text(future: pd.DataFrame, levels: Iterable[float]) -> str | None:
    """ "The 80% band is narrower further ahead at 5 of the 8 steps..." for one
    model's future rows with bounds and calibration counts (as
    :func:`~convlstm.intervals.conformal_intervals` gives them) where the lowest
    level's band at a step is under :data:`NARROWER` times an earlier step's,
    and rests on fewer than :data:`FEW_ERRORS` backtest errors: its width then
    varies by chance, not with the horizon. None otherwise."""
    from .intervals import calibration_columns, level_label, lower_column, upper_column

    if future.empty or not levels:
        return None
    low = min(float(lv) for lv in levels)
    n_col = calibration_columns(low)[1]
    columns = [lower_column(low), upper_column(low), n_col]
    if not set(columns) <= set(future.columns):
        return None
    rows = future.sort_values("step") if "step" in future.columns else future
    steps = (
        rows["step"].to_numpy(dtype=int)
        if "step" in rows.columns
        else np.arange(1, len(rows) + 1)
    )
    width = (rows[columns[1]] - rows[columns[0]]).to_numpy(dtype=float)
    counts = pd.to_numeric(rows[n_col], errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(width)
    if finite.sum() < 2 or not np.isfinite(counts[finite]).all():
        return None
    if counts[finite].max() >= FEW_ERRORS:
        return None
    widest = np.maximum.accumulate(np.where(finite, width, -np.inf))
    narrower = finite & (width < NARROWER * np.concatenate(([-np.inf], widest[:-1])))
    if not narrower.any():
        return None
    first = int(np.flatnonzero(narrower)[0])
    before = int(np.argmax(np.where(finite[:first], width[:first], -np.inf)))
    lo, hi = int(np.nanmin(counts[finite])), int(np.nanmax(counts[finite]))
    few = f"{lo}" if lo == hi else f"{lo} to {hi}"
    return (
        f"The {level_label(low)}% band is narrower further ahead at "
        f"{int(narrower.sum())} of the {len(rows)} steps (step {steps[first]}: "
        f"{width[first] / width[before]:.0%} of step {steps[before]}'s width): each "
        f"step's band rests on the few backtest errors near it ({few} here), so "
        "its width varies by chance; more folds steady it."
    )


def merge_model_notes(notes: Iterable[str], models: Iterable[str]) -> list[str]:
    """``notes`` with those that say the same of several ``models`` ("ETS: steps
    1-12 pooled...", "Theta: steps 1-12 pooled...") said once ("ETS and Theta:
    steps 1-12 pooled...", or "every model: ..." when all of three or more say
    it), where the first of them stood; the rest as they are, each once."""
    names = sorted({str(m) for m in models}, key=len, reverse=True)
    groups: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []  # ("said", rest) or ("plain", note)
    for note in dict.fromkeys(str(n) for n in notes):
        model = next((m for m in names if note.startswith(f"{m}: ")), None)
        if model is None:
            order.append(("plain", note))
            continue
        rest = note[len(model) + 2 :]
        if rest not in groups:
            groups[rest] = []
            order.append(("said", rest))
        if model not in groups[rest]:
            groups[rest].append(model)
    every = set(names)

    def who(group: list[str]) -> str:
        return (
            "every model" if len(group) > 2 and set(group) == every else and_list(group)
        )

    return [
        f"{who(groups[text])}: {text}" if kind == "said" else text
        for kind, text in order
    ]


def blank_mase_text(summary: pd.DataFrame) -> str | None:
    """ "Theta has no MASE: ..." when a model of a ``summary`` (index: models,
    columns ``mae``, ``mase``) scored an MAE but no MASE: a backtest fold trained
    on a part that repeats exactly, where the seasonal naive forecast, MASE's
    scale, makes no error, and the model missed. None otherwise."""
    if summary is None or not {"mae", "mase"} <= set(getattr(summary, "columns", ())):
        return None
    mae = pd.to_numeric(summary["mae"], errors="coerce")
    mase = pd.to_numeric(summary["mase"], errors="coerce")
    blank = [str(m) for m in summary.index if np.isfinite(mae[m]) and np.isnan(mase[m])]
    if not blank:
        return None
    has = "has" if len(blank) == 1 else "have"
    return (
        f"{and_list(blank)} {has} no MASE: in a backtest fold the series repeats "
        "itself exactly, so the seasonal naive forecast (MASE's yardstick) makes no "
        "error there and any miss is infinitely many times it; compare MAE instead"
    )


def best_untested_text(
    significance: pd.DataFrame | None, best: str | None
) -> str | None:
    """A sentence when the model marked best is no significantly better than the
    best baseline (``significance``: ``Comparison.significance``, each model
    against that baseline): on a random walk a model "wins" by a few percent that
    the test says chance could give. None when it is the baseline, or beats it
    significantly, or was not tested."""
    if significance is None or significance.empty or not best:
        return None
    row = significance[significance["model"] == best]
    if row.empty:
        return None
    row = row.iloc[0]
    p = float(row["p_value"])
    if math.isnan(p) or bool(row["significant"]):
        return None
    from .significance import format_p  # (it reads this module's words)

    return (
        f"{best}, marked best, is not significantly better than "
        f"{row['baseline']}, the best baseline (Diebold-Mariano test, p "
        f"{format_p(p)}): on these folds the two cannot be told apart"
    )


def percent_errors_text(values: Any) -> str | None:
    """A caveat on MAPE and sMAPE for data that cross zero or come near it
    (temperature anomalies, net flows, counts with zeros): both divide by the
    values, so they blow up there; None for data well away from zero."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    size = float(np.median(np.abs(v)))
    crosses = v.min() < 0 < v.max()
    near = size > 0 and float(np.abs(v).min()) < 0.05 * size
    if not (crosses or near or size == 0):
        return None
    where = "cross zero" if crosses else "come near zero"
    return (
        f"the data {where}: MAPE and sMAPE divide by the values, so they grow "
        "without bound there and rank models by a few points; read MASE or MAE"
    )


def unchecked_season_text(
    y: pd.Series, fitted: Mapping[str, Any], forecasts: pd.DataFrame
) -> str | None:
    """A sentence on the seasons a model's final fit uses that none of its
    backtest fits could: a season needs two cycles of history (104 weekly
    points for a year), which the whole series may hold and the folds' shorter
    training parts not. The scores then test a forecast without that season,
    and the one shown has it. None when every final season was there in the
    last fold.

    Args:
        y: the series compared.
        fitted: the models refit on the whole series (``Comparison.fitted``),
            with ``periods_`` where they choose seasons.
        forecasts: the backtest's rows (with ``cutoff``).
    """
    if forecasts.empty or "cutoff" not in forecasts:
        return None
    trained = int((y.index <= pd.Timestamp(forecasts["cutoff"].max())).sum())
    found = {
        name: [int(p) for p in getattr(model, "periods_", ()) if trained < 2 * p]
        for name, model in fitted.items()
    }
    found = {name: periods for name, periods in found.items() if periods}
    if not found:
        return None
    names = list(found)
    periods = sorted({p for ps in found.values() for p in ps})
    steps = and_list(str(p) for p in periods)
    return (
        f"{and_list(names)} {'forecasts' if len(names) == 1 else 'forecast'} with a "
        f"season of {steps} steps, fitted on the whole series ({len(y)} points), "
        f"which the backtest's fits could not use: they held at most {trained} "
        f"points, fewer than two cycles ({2 * periods[0]}); the scores test "
        f"{'its' if len(names) == 1 else 'their'} forecasts without that season, "
        "so read the forecast shown with care (a one-off peak of the last cycles "
        "may come back in it); fewer or shorter folds, or more history, test it"
    )


def alike_forecasts(forecasts: pd.DataFrame, names: list[str]) -> list[str]:
    """The models of ``names`` whose backtest forecasts (``model, forecast``
    rows) equal another's of them to round-off on every fold, in ``names``'
    order. Networks of different designs forecast alike only when each kept its
    start, the anchor plus the linear skip, which no recurrent part shapes."""
    series = {
        n: forecasts.loc[forecasts["model"] == n, "forecast"].to_numpy(dtype=float)
        for n in names
    }
    alike: list[str] = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            x, y = series[a], series[b]
            if len(x) and x.shape == y.shape and np.allclose(x, y, rtol=1e-9, atol=0):
                alike += [n for n in (a, b) if n not in alike]
    return [n for n in names if n in alike]


def alike_networks_text(
    forecasts: pd.DataFrame, fitted: Mapping[str, Any]
) -> str | None:
    """What a leaderboard should say when two of its networks (the ConvLSTM
    and the LSTM, say) forecast exactly alike in the backtest: in every fold
    each kept its start, so their scores rate that start, not the networks.
    None otherwise."""
    networks = [n for n, m in fitted.items() if hasattr(m, "history_")]
    alike = alike_forecasts(forecasts, networks)
    if len(alike) < 2:
        return None
    return (
        f"{and_list(alike)} forecast exactly alike in the backtest: in every fold "
        "each kept its start (the anchor plus the linear skip solved "
        "from the training windows), which their recurrent parts do not shape, "
        "so their scores rate that linear start, not the networks"
    )


def start_notes(
    name: str, model: Any, folds: Iterable[str] = (), backtest: bool = True
) -> list[str]:
    """What a fitted model's start says: its ``init_note_`` (which start the
    ConvLSTM kept, and why), :func:`fold_start_text` when its backtest folds
    (their ``start_`` each, in ``folds``) started otherwise, and
    :func:`kept_start_text` when its training kept the start (``backtest``: the
    fit is a comparison's, whose folds train their own fits)."""
    notes = []
    if note := getattr(model, "init_note_", None):
        notes.append(f"{name}: {note}")
    if text := fold_start_text(name, getattr(model, "start_", None), list(folds)):
        notes.append(text)
    if text := kept_start_text(name, model, backtest):
        notes.append(text)
    if text := rollout_text(name, model):
        notes.append(text)
    if text := ensemble_members_text(name, model):
        notes.append(text)
    if text := chosen_form_text(name, model, backtest):
        notes.append(text)
    return notes


def chosen_form_text(name: str, model: Any, backtest: bool = False) -> str | None:
    """ "ARIMA chose SARIMA(1,1,1)(0,1,1)[12] by AICc", "ETS chose ETS(A,Ad,N) by
    AICc, without the season of 12: ..." for a fitted ARIMA or ETS (the form
    each picked among its candidates), "Theta found no season of 12 ..." for a
    Theta whose test passed no season; None for other models. With
    ``backtest`` (the fit is a comparison's final one) it says that the
    backtest's folds chose their own forms."""
    state = getattr(model, "__dict__", {})
    where = (
        " for the forecast beyond the data (each backtest fold chose again, on "
        "the data before it)"
        if backtest
        else ""
    )
    if "method_" in state and "order_" in state:
        text = f"{name} chose {state['method_']} by AICc{where}"
        if state.get("log_for_sign_"):
            text += (
                "; on log, since on the original scale its forecast went below "
                "zero on a series that never does"
            )
        return text
    if "theta_" in state and "periods_" in state:
        return _theta_season_text(name, model, where)
    if "candidates_" not in state or "spec_" not in state:
        return None
    spec = str(state["spec_"])
    text = f"{name} chose {spec} by AICc{where}"
    periods = state.get("periods_") or ()
    if periods and spec.startswith("ETS(") and spec.endswith(",N)"):
        m, n = int(periods[0]), len(state.get("index_", ()))
        text += (
            f", without the season of {m}: on {n} points its seasonal forms, "
            f"which fit {m - 1} more starting values, scored worse"
        )
    if passed := list(state.get("passed_over_") or ()):
        text += (
            f"; it passed over {and_list(passed)}, of lower AICc, whose "
            f"forecast{'s' if len(passed) > 1 else ''} went below zero on a series "
            "that never does"
        )
    return text


def _theta_season_text(name: str, model: Any, where: str) -> str | None:
    """ "Theta found no season of 12 ...": a fitted Theta whose seasonality test
    did not pass on a series that holds two cycles of its frequency's season;
    None when it kept a season, or the series is too short to test one."""
    from .data import season_length

    state = model.__dict__
    index = state.get("index_")
    if state["periods_"] or index is None:
        return None
    chosen = getattr(model, "season_length", None)
    m = int(chosen) if chosen else season_length(index)
    if m < 2 or len(index) < 2 * m:
        return None
    return (
        f"{name} found no season of {m} on {len(index)} points{where}: its test "
        f"(the lag-{m} autocorrelation, significant at 90%) did not pass, so it "
        "forecasts without a season; on a short series with a trend the test "
        "can miss a season that seasonal naive or ETS keeps"
    )


def ensemble_members_text(name: str, model: Any) -> str | None:
    """ "Ensemble: combines ConvLSTM alone (ETS, Theta, ARIMA could not forecast
    this series), so it is that model's forecast" when some members of a fitted
    ensemble were left out; None when all took part (or ``model`` is none)."""
    failed = dict(getattr(model, "__dict__", {}).get("failed_") or {})
    used = list((getattr(model, "__dict__", {}).get("weights_") or {}).keys())
    if not failed or not used:
        return None
    left = and_list(list(failed))
    if len(used) == 1:
        return (
            f"{name}: combines {used[0]} alone ({left} could not forecast this "
            f"series), so it is {used[0]}'s forecast"
        )
    return f"{name}: combines {and_list(used)} ({left} could not forecast this series)"


def rollout_text(name: str, model: Any) -> str | None:
    """ "ConvLSTM: its pretrained network forecasts 24 steps at a time; steps
    25-60 feed its own forecasts back in..." when a fitted network (or the
    pretrained half of a mean of both starts) forecasts further than its heads
    reach; None otherwise."""
    state = getattr(model, "__dict__", {})
    for net_model in (model, state.get("partner_")):
        net = getattr(net_model, "__dict__", {}).get("net_")
        if net is None:
            continue
        heads = int(getattr(net, "horizon", 0) or 0)
        steps = int(getattr(net_model, "fitted_horizon", 0) or 0)
        if 0 < heads < steps:
            return (
                f"{name}: its pretrained network forecasts {heads} steps at a time; "
                f"steps {heads + 1}-{steps} feed its own forecasts back in as the "
                "newest values and forecast again, so they rest on forecasts rather "
                "than data"
            )
    return None


def run_start_notes(
    fitted: Mapping[str, Any],
    forecasts: pd.DataFrame | None,
    fold_starts: Mapping[str, Iterable[str]] | None = None,
    fold_seasons: Mapping[str, Sequence[tuple[int, bool]]] | None = None,
) -> list[str]:
    """A run's notes on how its networks started: :func:`start_notes` of each
    fitted model (with its backtest folds' starts, from ``fold_starts``), and
    :func:`fold_season_text` (the folds' seasons, from ``fold_seasons``), then
    :func:`alike_networks_text` on the run's backtest ``forecasts``."""
    folds = fold_starts or {}
    seasons = fold_seasons or {}
    scored = forecasts is not None and not forecasts.empty
    notes = []
    for name, model in fitted.items():
        notes += start_notes(name, model, folds.get(name) or [], scored)
        if text := fold_season_text(name, model, seasons.get(name) or []):
            notes.append(text)
    if scored and (alike := alike_networks_text(forecasts, fitted)):
        notes.append(alike)
    return notes


_START_WORDS = {
    "scratch": "from scratch",
    "pretrained": "from the pretrained network",
    "both": "from both (their mean, or weighted by their checks)",
}


def fold_start_text(name: str, final: str | None, folds: list[str]) -> str | None:
    """What a leaderboard should say when a network's backtest folds started
    otherwise than its final fit (``start_`` of each): the scores rate the folds'
    fits, trained on less of the series, not the forecast beyond the data. None
    when every fold started as the final fit did (or nothing is known)."""
    if not final or not folds or set(folds) == {final}:
        return None
    counts = {s: folds.count(s) for s in dict.fromkeys(folds)}
    parts = [
        f"{_START_WORDS.get(s, s)} ({n} of {plural(len(folds), 'fold')})"
        if len(counts) > 1
        else _START_WORDS.get(s, s)
        for s, n in counts.items()
    ]
    return (
        f"{name}'s backtest folds, trained on less of the series, started "
        f"{' and '.join(parts)}, while its fit on the whole series started "
        f"{_START_WORDS.get(final, final)}: its scores rate the folds' fits, not "
        "the fit that forecasts beyond the data"
    )


def fold_season_text(
    name: str, model: Any, folds: Sequence[tuple[int, bool]]
) -> str | None:
    """What a leaderboard should say when a model that chooses its form (ETS,
    Theta, ARIMA) forecast without the season in backtest folds while its final
    fit (``model``) kept it: the scores rate forecasts without a season, made
    from less of the series. ``folds``: (training points, kept a season) of
    each fold. None when no fold dropped a season the final fit keeps."""
    keeps = getattr(model, "keeps_season", None)
    if not folds or keeps is None or not keeps():
        return None
    dropped = [points for points, kept in folds if not kept]
    if not dropped:
        return None
    index = getattr(model, "index_", None)
    n = 0 if index is None else len(index)
    if len(folds) == 1:
        which = "in its one backtest fold"
    elif len(dropped) == len(folds):
        which = f"in all {plural(len(folds), 'backtest fold')}"
    else:
        which = f"in {len(dropped)} of its {plural(len(folds), 'backtest fold')}"
    on = and_list([str(p) for p in dropped])
    whole = f"on all {n} points" if n else "on the whole series"
    return (
        f"{name} forecast without the season {which} (trained on {on} points), "
        f"while its fit {whole} keeps it: those folds' scores rate forecasts "
        "without a season, not the one beyond the data (fewer folds, or a "
        "shorter horizon, leave the folds more history)"
    )


def panel_fold_season_text(
    name: str, dropped: int, fits: int, series: int, points: tuple[int, int]
) -> str | None:
    """The panel's :func:`fold_season_text`: ``name`` forecast without the season
    in ``dropped`` of its ``fits`` backtest fits (series x folds) of the
    ``series`` series whose final fit keeps one, trained on ``points`` (fewest,
    most) points. None when it dropped none."""
    if not dropped or not fits:
        return None
    low, high = points
    span = str(low) if low == high else f"{low} to {high}"
    return (
        f"{name} forecast without the season in {dropped} of its {fits} backtest "
        f"fits (series x folds, trained on {span} points) of the "
        f"{plural(series, 'series')} whose fit on all the data keeps it: those "
        "fits' scores rate forecasts without a season, not the ones beyond the "
        "data"
    )


def panel_bundle_text(model: str, known: int, shared: int, current: int) -> str:
    """What an uploaded panel bundle forecasts, against the run on screen.

    Args:
        model: the bundle's model name.
        known: how many series the bundle's model was trained on.
        shared: how many of the current run's series it knows.
        current: how many series the current run covers.
    """
    what = f"{model} trained on {known} series forecasts each of them"
    if shared == current:
        return f"{what}; it knows every series of this run."
    if shared == 0:
        return (
            f"{what}; none of them is among this run's {current} series: it "
            "forecasts the data it was trained on, not this panel."
        )
    return (
        f"{what}; it knows {shared} of this run's {current} series, the rest it "
        "cannot forecast without retraining."
    )


def panel_scope_note(series: int, limit: int) -> str:
    """What a run over every series of a panel covers.

    Args:
        series: how many series the panel holds.
        limit: the most series one run trains on (``compare_panel``'s
            ``max_series``); larger panels are sampled.
    """
    if series <= limit:
        return (
            f"Every model is trained and scored on all {series:,} series in one run; "
            "the neural models learn one network across them."
        )
    return (
        f"This panel holds {series:,} series: one run trains and scores a random "
        f"sample of {limit:,} of them (the same sample for the same seed)."
    )


def panel_run_notes(panel: pd.DataFrame, result: Any) -> list[str]:
    """What a panel run says beside its own notes (``result.notes``), for the
    CLI and the report: forecasts below zero, steps left out where a series is
    closed, filled points not scored, a best
    model that loses most head-to-heads, MAPE and sMAPE near zero.

    Args:
        panel: the panel compared (``series, time, value``).
        result: its :class:`~convlstm.panel_compare.PanelComparison`.
    """
    notes = []
    if below := panel_below_zero_text(panel, result.future):
        notes.append(below)
    if closed := panel_closed_text(panel, result.future, result.horizon):
        notes.append(closed)
    if filled := filled_scoring_text(result.forecasts):
        notes.append(filled)
    if contest := head_to_head_text(result.per_series, result.best):
        notes.append(contest)
    if result.folds and (percent := percent_errors_text(panel["value"])):
        notes.append(percent)
    return notes


def head_to_head_text(per_series: pd.DataFrame, best: str | None) -> str | None:
    """A sentence when the panel's best model (``best``: lowest mean MASE) loses
    most head-to-heads: another model has the lower MASE on over half of the
    series both were scored on (the one that does so most often). A mean is
    pulled up by a few series a model misses badly: the sentence says so, with
    both medians, where the other's median is the lower; where it is not, the
    other's wins are narrower than its losses, and the sentence says that.
    None when no model beats ``best`` on most series.

    Args:
        per_series: ``PanelComparison.per_series`` (series, model, mase...).
        best: the model marked best.
    """
    if not best or per_series.empty:
        return None
    mase = per_series.pivot_table(
        index="series", columns="model", values="mase", aggfunc="first"
    )
    if best not in mase.columns:
        return None
    found: tuple[float, str, int, int] | None = None
    for name in mase.columns:
        if name == best:
            continue
        both = mase[[best, name]].dropna()
        if len(both) < 2:
            continue
        wins = int(clearly_lower(both[name], both[best]).sum())
        share = wins / len(both)
        if share > 0.5 and (found is None or share > found[0]):
            found = (share, str(name), wins, len(both))
    if found is None:
        return None
    share, name, wins, common = found
    medians = mase[[best, name]].dropna().median()
    said = f"median MASE {name} {medians[name]:.3f}, {best} {medians[best]:.3f}"
    text = (
        f"{best} has the lowest mean MASE, but {name} scores lower on "
        f"{wins} of {common} series ({share:.0%})"
    )
    if medians[name] < medians[best]:
        return (
            f"{text}: a few series it misses badly pull its mean up ({said}); on a "
            f"typical series, {name} is the better pick"
        )
    return (
        f"{text}, by less than it loses by on the others: its median is no lower "
        f"({said}), so {best} stays the better pick"
    )


def panel_failures(
    failed: Mapping[str, Mapping[str, str]], listed: int = 3, scored: bool = True
) -> list[str]:
    """One sentence per model that could not forecast some series (or the panel).

    Args:
        failed: ``{model: {series: message}}`` (``PanelComparison.failed``; a
            failure on the whole panel under ``panel_compare.ALL_SERIES``).
        listed: how many series each sentence names with their messages.
        scored: the run was scored (a forecast only has no scores to leave the
            series out of: the sentence says they have no forecast).
    """
    from .panel_compare import ALL_SERIES as whole

    out = []
    for model, by_series in failed.items():
        if not by_series:
            continue
        if whole in by_series:
            out.append(f"{model} failed on the whole panel: {by_series[whole]}")
            continue
        items = list(by_series.items())
        named = "; ".join(f"{name}: {message}" for name, message in items[:listed])
        more = len(items) - listed
        rest = f"; and {more:,} more" if more > 0 else ""
        n = len(items)
        then = (
            f"{'it is' if n == 1 else 'they are'} left out of its scores"
            if scored
            else f"{'that series has' if n == 1 else 'those series have'} no "
            "forecast from it"
        )
        out.append(f"{model} could not forecast {n:,} series ({named}{rest}); {then}.")
    return out


def model_kind(name: str) -> str | None:
    """The registry's kind of a model ("neural", "statistical", "naive" or
    "ensemble"), or None for a name the registry does not know."""
    try:
        return model_spec(str(name)).kind
    except (KeyError, ParameterError):
        return None


def kinds_phrase(names: Iterable[str], *, default: str = "other") -> str:
    """The kinds of some models in words, in the registry's order of kinds.

    ``["ConvLSTM", "LSTM"]`` -> ``"neural"``, ``["ConvLSTM", "Ensemble"]`` ->
    ``"neural or ensemble"``, ``["ETS", "Seasonal naive"]`` ->
    ``"statistical or naive"``.

    Args:
        names: model names; names the registry does not know count as ``default``.
        default: the word for unknown names, and the phrase when ``names`` is empty.
    """
    found = {model_kind(n) or default for n in names}
    words = [k for k in KINDS if k in found] + sorted(found - set(KINDS))
    if not words:
        return default
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def shape_words(
    shape: Mapping[str, Any], learning_rate: Any = None, epochs: Any = None
) -> str:
    """ "kernel 3, hidden 16, learning rate 0.003, 2 layers, up to 30 epochs" of
    a network's shape (``architecture()``; "3 nets averaged" where it names
    ``members``) and training."""
    kernel = shape.get("kernel_size")
    if isinstance(kernel, list | tuple):
        kernel = "x".join(str(k) for k in kernel)
    words = [f"kernel {kernel}"] if kernel is not None else []
    if shape.get("hidden_size") is not None:
        words.append(f"hidden {shape['hidden_size']}")
    if learning_rate is not None:
        words.append(f"learning rate {learning_rate:g}")
    if shape.get("num_layers") is not None:
        words.append(plural(int(shape["num_layers"]), "layer"))
    if int(shape.get("members") or 1) > 1:  # a pretrained network of several
        words.append(f"{int(shape['members'])} nets averaged")
    if epochs is not None:
        words.append(f"up to {epochs} epochs")
    return ", ".join(words)


def network_words(used: Mapping[str, Any] | None, settings: Mapping[str, Any]) -> str:
    """What network a model forecast with, from its entry of
    :func:`~convlstm.record.networks_used` (its start and shape); the run's
    ``settings`` where the model was not kept (``used`` None)."""
    lr, epochs = settings.get("learning_rate"), settings.get("epochs")
    if not used:
        return shape_words(settings, lr, epochs)
    start = used.get("start")
    if start == "pretrained":
        how = "fine-tuned" if used.get("fine_tune", True) else "zero-shot"
        if how == "fine-tuned" and used.get("tuned") is False:
            how = "as pretrained (no fine-tuning step lowered its validation error)"
        return f"the pretrained network ({shape_words(used['shape'])}), {how}"
    own = shape_words(used["shape"], lr, epochs)
    # each aside right after the word it explains
    asked, got = settings.get("hidden_size"), used["shape"].get("hidden_size")
    if asked is not None and got is not None and int(asked) < int(got):
        # one network over a panel is widened (PANEL_MIN_HIDDEN)
        own = own.replace(
            f"hidden {got}",
            f"hidden {got} ({asked} asked: a network over many series has at "
            f"least {got})",
            1,
        )
    allowed = used.get("epochs_allowed")
    if epochs is not None and allowed is not None and int(allowed) < int(epochs):
        # the step budget caps a long series' epochs: the setting is not the count
        own = own.replace(
            f"up to {epochs} epochs",
            f"up to {epochs} epochs ({allowed} here: a step budget bounds the "
            "training time)",
            1,
        )
    if start == "both" and used.get("pretrained_shape"):
        blend = used.get("blend")
        how = (
            "the mean"
            if blend is None or abs(float(blend) - 0.5) < 1e-9
            else f"a weighted mean ({round(100 * float(blend))}% and "
            f"{100 - round(100 * float(blend))}%, by their checks)"
        )
        return (
            f"{how} of a network trained from scratch ({own}) and the "
            f"pretrained network ({shape_words(used['pretrained_shape'])})"
        )
    return own


def unchosen_members_text(
    chosen: Iterable[str] | Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
) -> str | None:
    """ "Ensemble also trains ConvLSTM and ARIMA, its members not chosen, to
    combine them; ..." when a chosen ensemble has members that were not chosen;
    else None.

    Args:
        chosen: the model names of a run, or its ``{name: unfitted model}``.
        params: the run's settings (flat or per model, as ``compare`` takes
            them), to build the named models.
    """
    from .backtest import helper_members, is_combiner
    from .models.registry import make_model, params_for

    if isinstance(chosen, Mapping):
        named = dict(chosen)
    else:
        named = {}
        for name in chosen:
            named[name] = None
            try:
                if model_spec(name).kind != "ensemble":
                    continue
                named[name] = make_model(
                    name, horizon=1, **params_for(name, dict(params or {}))
                )
            except ConvLSTMError:  # an unknown name or bad settings: said elsewhere
                continue
    sentences = []
    for name, proto in named.items():
        if proto is None or not is_combiner(proto):
            continue
        try:
            extra = list(helper_members({name: proto}))
        except ConvLSTMError:
            continue
        extra = [m for m in extra if m not in named]
        if not extra:
            continue
        one = len(extra) == 1
        sentences.append(
            f"{name} also trains {and_list(extra)}, its "
            f"{'member' if one else 'members'} not chosen, to combine "
            f"{'it' if one else 'them'}; {'it is' if one else 'they are'} not "
            f"scored on {'its' if one else 'their'} own (choose "
            f"{'it' if one else 'them'} to see the scores)"
        )
    return "; ".join(sentences) or None


#: A measured coverage is called clearly under its level when that few hits or
#: fewer would come by chance less often than this (binomial, at the level).
UNDER_COVER_P = 0.05


def under_coverage_text(coverage: pd.DataFrame | None, best: str | None) -> str | None:
    """ "ARIMA (marked best) covered 42% of 12 held-out values with its 80%
    intervals..." when the measured coverage of the model marked ``best`` is
    clearly under a level (:data:`UNDER_COVER_P`); None otherwise or without a
    best model."""
    if best is None or coverage is None or coverage.empty or "n" not in coverage:
        return None
    from scipy.stats import binom

    from .intervals import level_label

    rows = coverage[(coverage["model"].astype(str) == str(best)) & (coverage["n"] > 0)]
    for r in rows.sort_values("level").itertuples():
        n, share = int(r.n), float(r.coverage)
        if not np.isfinite(share) or share >= r.level:
            continue
        hits = int(round(share * n))
        if binom.cdf(hits, n, float(r.level)) >= UNDER_COVER_P:
            continue
        pct = level_label(r.level)
        return (
            f"{best} (marked best) covered {share:.0%} of {n} held-out values with "
            f"its {pct}% intervals, clearly under {pct}% (so few would fall inside "
            "by chance in under 1 run in 20): its bands are likely too narrow for "
            "this series, so read them as a lower bound on the uncertainty; more "
            "folds calibrate them on more errors"
        )
    return None


def coverage_points_text(coverage: pd.DataFrame | None) -> str | None:
    """ "Seasonal naive's 80% coverage is measured on 450 held-out points and its
    95% on 300 (...)" for the models whose levels were scored on different points
    (a wider level's interval is unbounded where too few errors calibrate it), so
    that a wider level covering less is not read as a bug; else None."""
    if coverage is None or coverage.empty or "n" not in coverage:
        return None
    from .intervals import level_label

    parts = []
    for model, rows in coverage.groupby("model", sort=False):
        rows = rows[rows["n"] > 0].sort_values("level")
        if rows["n"].nunique() < 2:
            continue
        counts = " and ".join(
            f"its {level_label(r.level)}% on {int(r.n)}" for r in rows.itertuples()
        )
        parts.append(f"{model} measured {counts}")
    if not parts:
        return None
    return (
        f"coverage of different levels is measured on different held-out points "
        f"({'; '.join(parts)}): a wider interval is unbounded, and left out, where "
        "too few earlier errors calibrate it, so a wider level may show less "
        "coverage than a narrower one"
    )
