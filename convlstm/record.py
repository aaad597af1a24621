"""Reproducibility record: data fingerprint, parameters, seed, device and versions.

A JSON-serialisable dict saved beside a result, a check that a re-run matches, and
the record carried inside a portable model bundle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import math
import platform
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from .data.frequency import freq_of
from .errors import DataError

logger = logging.getLogger(__name__)

RECORD_SCHEMA = 1

# distribution name -> key in record["versions"]
_PACKAGES = {
    "numpy": "numpy",
    "pandas": "pandas",
    "scipy": "scipy",
    "statsmodels": "statsmodels",
    "torch": "torch",
    "plotly": "plotly",
    "convlstm-forecast": "convlstm",
}

# Summary columns that measure time, never reproducible.
TIMING_COLUMNS = ("fit_seconds", "seconds", "predict_seconds")


def data_fingerprint(y: pd.Series) -> dict[str, Any]:
    """Describe a series and hash its content.

    The hash covers the float64 values (NaN canonicalised) and the timestamps (as
    int64 nanoseconds since the epoch, plus the time zone), so it does not depend on
    the series name, its pandas datetime unit or the pandas version.

    Args:
        y: the series the models were fitted on (e.g. from ``data.to_series``).

    Returns:
        A dict with keys sha256 (hex), length, start and end (ISO strings or None),
        freq (:func:`~convlstm.data.freq_of`, None when the index has no
        freq), name (str or None) and notes (list[str], the repairs from
        ``y.attrs["notes"]``).

    Raises:
        DataError: if ``y`` is not a Series or its values are not numeric.
    """
    if not isinstance(y, pd.Series):
        raise DataError(f"expected a pandas Series, got {type(y).__name__}")
    try:
        values = y.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        raise DataError(
            f"series {y.name!r} has non-numeric values; load it with to_series"
        ) from None
    values = np.where(np.isnan(values), np.nan, values).astype("<f8")

    digest = hashlib.sha256()
    digest.update(b"values\0")
    digest.update(values.tobytes())
    index = y.index
    digest.update(b"index\0")
    if isinstance(index, pd.DatetimeIndex):
        digest.update(str(index.tz).encode() + b"\0")
        try:
            stamps = index.as_unit("ns").asi8
        except pd.errors.OutOfBoundsDatetime:
            # before 1677 or after 2262: seconds (any such index hashes alike)
            digest.update(b"s\0")
            stamps = index.as_unit("s").asi8
        digest.update(stamps.astype("<i8").tobytes())
        start = index[0].isoformat() if len(index) else None
        end = index[-1].isoformat() if len(index) else None
        freq = freq_of(index)
    else:
        digest.update("\0".join(map(str, index)).encode())
        start = str(index[0]) if len(index) else None
        end = str(index[-1]) if len(index) else None
        freq = None

    notes = y.attrs.get("notes") or []
    if isinstance(notes, str):
        notes = [notes]
    return {
        "sha256": digest.hexdigest(),
        "length": len(y),
        "start": start,
        "end": end,
        "freq": None if freq is None else str(freq),
        "name": None if y.name is None else str(y.name),
        "notes": [str(n) for n in notes],
    }


def make_record(
    y: pd.Series,
    *,
    params: Mapping[str, Any],
    models: Iterable[str],
    horizon: int,
    folds: int,
    seed: int | None,
    device: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Collect everything needed to reproduce (and recognise) a comparison run.

    Args:
        y: the series used.
        params: the model parameters passed to ``compare``.
        models: the model names compared.
        horizon: forecast horizon.
        folds: backtest folds.
        seed: random seed.
        device: the device the neural models ran on ("cpu", "cuda", ...).
        extra: anything else worth keeping (e.g. dataset name, metrics summary).

    Returns:
        A JSON-serialisable dict with keys schema, created_utc (ISO 8601, UTC), data
        (:func:`data_fingerprint`), models, horizon, folds, seed, device, parameters,
        versions (python, numpy, pandas, scipy, statsmodels, torch, plotly, convlstm;
        None when not installed), platform (system, release, machine, python
        implementation) and extra. Values that JSON cannot hold are converted
        (numpy scalars to numbers, tuples to lists, timestamps to ISO strings, other
        objects to ``str``).
    """
    record = {
        "schema": RECORD_SCHEMA,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data": data_fingerprint(y),
        "models": [str(m) for m in models],
        "horizon": horizon,
        "folds": folds,
        "seed": seed,
        "device": str(device),
        "parameters": dict(params),
        "versions": package_versions(),
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "python_implementation": platform.python_implementation(),
        },
        "extra": dict(extra) if extra is not None else {},
    }
    return jsonable(record)


def networks_used(fitted: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The networks that fitted models forecast with, which may differ from the
    settings asked for: a network over a panel is widened and a pretrained one
    keeps its own shape. Per model with a network: ``start`` ("scratch",
    "pretrained" or "both"; None for a model without starts), ``shape`` (its
    ``architecture()``), ``epochs_allowed`` (the epochs its training could take
    after the step budget), ``fine_tune`` for a pretrained start (and ``tuned``,
    whether the fine-tune kept any step) and, where both starts were kept,
    ``pretrained_shape`` (and ``blend``, the scratch start's weight, where it
    is not their mean)."""
    out: dict[str, dict[str, Any]] = {}
    for name, model in fitted.items():
        if not callable(getattr(model, "architecture", None)):
            continue
        entry: dict[str, Any] = {
            "start": getattr(model, "start_", None),
            "shape": dict(model.architecture()),
        }
        allowed = getattr(model, "epochs_allowed_", None)
        if allowed is not None and entry["start"] != "pretrained":
            entry["epochs_allowed"] = int(allowed)
        if entry["start"] == "pretrained":
            entry["fine_tune"] = bool(getattr(model, "fine_tune", True))
            if entry["fine_tune"] and getattr(model, "history_", None):
                # False: no step of the fine-tune lowered the validation error,
                # so the network forecasts as it was pretrained
                entry["tuned"] = int(getattr(model, "best_epoch_", 0) or 0) > 0
        partner = getattr(model, "partner_", None)
        if entry["start"] == "both" and partner is not None:
            entry["pretrained_shape"] = dict(partner.architecture())
            blend = model.__dict__.get("blend_")
            if blend is not None:  # the scratch start's weight (else the mean)
                entry["blend"] = float(blend)
        out[str(name)] = jsonable(entry)
    return out


def package_versions() -> dict[str, str | None]:
    """Return the versions of Python and the main libraries, without importing them.

    Versions come from installed package metadata, so torch is not imported; the
    convlstm version falls back to ``convlstm.__version__`` when the package is not
    installed.
    """
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for dist, key in _PACKAGES.items():
        try:
            versions[key] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[key] = None
    if versions["convlstm"] is None:
        package = sys.modules.get(__package__ or "convlstm")
        versions["convlstm"] = getattr(package, "__version__", None)
    if versions["convlstm"] and (commit := source_commit()):
        versions["convlstm"] = f"{versions['convlstm']}+g{commit}"
    return versions


def source_commit(start: Path | None = None) -> str | None:
    """The first 10 hex digits of the git commit the code runs from, read from the
    checkout's ``.git`` (no git command), or None outside one: a record then
    tells two versions of the code apart where the package version does not.
    Changes not committed are not seen."""
    here = (start or Path(__file__)).resolve().parent
    for folder in (here, *here.parents[:2]):
        git = folder / ".git"
        if git.is_file():  # a worktree: "gitdir: <path>"
            text = git.read_text(errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            git = (folder / text.removeprefix("gitdir:").strip()).resolve()
        if not git.is_dir():
            continue
        try:
            head = (git / "HEAD").read_text().strip()
            if not head.startswith("ref:"):
                return head[:10] if _is_hex(head) else None
            ref = head.removeprefix("ref:").strip()
            for base in (git, _common_dir(git)):
                if (base / ref).is_file():
                    value = (base / ref).read_text().strip()
                    return value[:10] if _is_hex(value) else None
                packed = base / "packed-refs"
                if packed.is_file():
                    for line in packed.read_text().splitlines():
                        parts = line.split()
                        if len(parts) == 2 and parts[1] == ref and _is_hex(parts[0]):
                            return parts[0][:10]
        except OSError:
            return None
        return None
    return None


def _common_dir(git: Path) -> Path:
    """A worktree's shared git folder (its ``commondir``), else ``git``."""
    common = git / "commondir"
    if common.is_file():
        return (git / common.read_text().strip()).resolve()
    return git


def _is_hex(text: str) -> bool:
    return len(text) >= 10 and all(c in "0123456789abcdef" for c in text.lower())


def record_to_json(record: Mapping[str, Any], *, indent: int | None = 2) -> str:
    """Serialise a record (from :func:`make_record`) to a JSON string."""
    return json.dumps(jsonable(dict(record)), indent=indent, allow_nan=False)


def record_from_json(text: str | bytes) -> dict[str, Any]:
    """Parse a record written by :func:`record_to_json`.

    Raises:
        DataError: if the text is not JSON or not a record (no "data" fingerprint).
    """
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"reproducibility record is not valid JSON: {exc}") from None
    if not isinstance(record, dict) or not isinstance(record.get("data"), dict):
        raise DataError(
            "reproducibility record must be a JSON object with a 'data' fingerprint"
        )
    return record


def compare_results(
    summary_a: pd.DataFrame,
    summary_b: pd.DataFrame,
    rtol: float = 1e-6,
    *,
    atol: float = 1e-12,
    ignore: Iterable[str] = TIMING_COLUMNS,
) -> tuple[bool, pd.DataFrame]:
    """Tell whether two metric summaries (e.g. a run and its re-run) match.

    Summaries are indexed by model (or have a "model" column). Numeric cells are
    compared with ``|a - b| <= atol + rtol * |b|`` (NaN equals NaN), other cells for
    equality; timing columns in ``ignore`` are skipped.

    Returns:
        ``(match, diffs)``: ``diffs`` has one row per mismatching cell, columns model,
        metric, a, b, abs_diff, rel_diff (NaN where not numeric); a model or column
        present in only one summary is a mismatch with the other side NaN. Empty
        when ``match`` is True.
    """
    a, b = _by_model(summary_a, "summary_a"), _by_model(summary_b, "summary_b")
    skip = set(ignore)
    models = list(dict.fromkeys([*a.index, *b.index]))
    metrics = [c for c in dict.fromkeys([*a.columns, *b.columns]) if c not in skip]
    rows = []
    for model in models:
        for metric in metrics:
            va = _cell(a, model, metric)
            vb = _cell(b, model, metric)
            same, abs_diff, rel_diff = _same(va, vb, rtol, atol)
            if not same:
                rows.append(
                    {
                        "model": model,
                        "metric": metric,
                        "a": va,
                        "b": vb,
                        "abs_diff": abs_diff,
                        "rel_diff": rel_diff,
                    }
                )
    diffs = pd.DataFrame(
        rows, columns=["model", "metric", "a", "b", "abs_diff", "rel_diff"]
    )
    return diffs.empty, diffs


_MISSING = object()


def _by_model(summary: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(summary, pd.DataFrame):
        raise DataError(f"{what} must be a pandas DataFrame")
    if "model" in summary.columns:
        summary = summary.set_index("model")
    twice = summary.index[summary.index.duplicated()]
    if len(twice):
        raise DataError(f"{what} has more than one row of model {twice[0]!r}")
    return summary


def _cell(frame: pd.DataFrame, model: Any, metric: str) -> Any:
    if model not in frame.index or metric not in frame.columns:
        return _MISSING
    value = frame.at[model, metric]
    return value.item() if isinstance(value, np.generic) else value


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _same(va: Any, vb: Any, rtol: float, atol: float) -> tuple[bool, float, float]:
    if va is _MISSING or vb is _MISSING:
        return False, math.nan, math.nan
    if _is_number(va) and _is_number(vb):
        fa, fb = float(va), float(vb)
        if math.isnan(fa) and math.isnan(fb):
            return True, 0.0, 0.0
        diff = abs(fa - fb)
        rel = diff / abs(fb) if fb != 0 else (0.0 if diff == 0 else math.inf)
        return bool(diff <= atol + rtol * abs(fb)), diff, rel
    if pd.isna(va) is True and pd.isna(vb) is True:
        return True, math.nan, math.nan
    return bool(va == vb), math.nan, math.nan


def jsonable(obj: Any) -> Any:
    """Convert ``obj`` recursively into plain JSON types (non-finite floats -> None)."""
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        items = sorted(obj, key=str) if isinstance(obj, set | frozenset) else obj
        return [jsonable(v) for v in items]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, pd.Timestamp | dt.datetime | dt.date):
        return obj.isoformat()
    if isinstance(obj, PurePath):
        return str(obj)
    return str(obj)
