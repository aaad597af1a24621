"""Saving and loading fitted neural forecasters: the zip bundle, its record, hashes.

A bundle is a zip of ``config.json`` (class, hyperparameters, fitted state, the last
window, the timestamps) and ``model.safetensors`` (the weights), no pickle; a bundle
made for a comparison also carries its reproducibility record (``record.json``).
Torch loads on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import zipfile
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data.cells import format_time
from ..data.frequency import freq_of, offset_of
from ..errors import DataError, NotFittedError
from ..record import data_fingerprint, record_from_json, record_to_json

if TYPE_CHECKING:
    from .neural import NeuralForecaster

__all__ = [
    "BUNDLE_RECORD",
    "FORMAT",
    "bundle_data_check",
    "bundle_model",
    "load_bundle",
    "load_model",
    "model_to_bytes",
    "values_sha256",
]

logger = logging.getLogger(__name__)

FORMAT = "convlstm-forecast/neural-1"
# Largest config.json and weights a bundle may hold (checked before reading them).
MAX_CONFIG_BYTES = 4 * 2**20
MAX_WEIGHT_BYTES = 1024 * 2**20
# Most seasonal indices a stored season adjustment may hold (a year of half-hours).
MAX_SEASON_INDICES = 48 * 366
# The zip member of a model bundle that holds the record (the loader ignores it).
BUNDLE_RECORD = "record.json"
# The zip member of a panel model's bundle with every series' last window.
PANEL_WINDOWS = "panel.safetensors"
# The zip member holding, as a bundle of its own, the second fit of a model that
# forecasts the mean of two (``partner_``: the ConvLSTM's "auto" start kept both).
PARTNER = "partner.zip"


def values_sha256(values: np.ndarray | pd.Series) -> str:
    """SHA-256 of float64 values (little-endian), as bundles store it.

    A fitted neural model keeps this hash of its training values as
    ``data_fingerprint_``.
    """
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype="float64")
    array = np.ascontiguousarray(values, dtype="<f8")
    return hashlib.sha256(array.tobytes()).hexdigest()


def model_to_bytes(model: NeuralForecaster) -> bytes:
    """The fitted neural ``model`` as the bytes of a zip bundle.

    Raises:
        NotFittedError: ``model`` has not been fitted.
    """
    import torch
    from safetensors.torch import save as save_tensors

    if not model.is_fitted:
        raise NotFittedError(
            f"{type(model).__name__} is not fitted yet: call fit(y) before saving it."
        )
    panel = model.fitted_on_panel
    if not panel and not padded_window_ok(model.last_window_):
        raise DataError(
            f"{type(model).__name__}'s last window is damaged (not finite values "
            "after a NaN padding); refit the model before saving it"
        )

    params = {
        k: list(v) if isinstance(v, tuple) else v for k, v in model.get_params().items()
    }
    state = {
        name: getattr(model, name)
        for name in model.FITTED_STATE
        if getattr(model, name, None) is not None
    }
    config = {
        "format": FORMAT,
        "class": type(model).__name__,
        "params": params,
        "state": state,
        "last_window": None if panel else json_floats(model.last_window_),
        "index": None if panel else index_info(model.index_),
        "panel": panel_info(model) if panel else None,
        # the times of the week its data is closed: forecasts there are left out
        "closed": model.__dict__.get("closed_"),
        "torch_version": torch.__version__,
    }
    tensors = {
        k: v.detach().cpu().contiguous() for k, v in model.net_.state_dict().items()
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", json.dumps(config, indent=1))
        zf.writestr("model.safetensors", save_tensors(tensors))
        if panel:
            windows = torch.from_numpy(np.ascontiguousarray(model.panel_windows_))
            zf.writestr(PANEL_WINDOWS, save_tensors({"windows": windows}))
        partner = model.__dict__.get("partner_")
        if partner is not None:
            zf.writestr(PARTNER, model_to_bytes(partner))
    return buffer.getvalue()


def season_adjust_ok(state: Any) -> bool:
    """Whether a stored ``season_adjust_`` is None or a kind with 2 to
    ``MAX_SEASON_INDICES`` finite indices (none near 0 when multiplicative)."""
    if state is None:
        return True
    if not isinstance(state, dict) or set(state) != {"kind", "indices"}:
        return False
    indices = state["indices"]
    if state["kind"] not in ("multiplicative", "additive") or not isinstance(
        indices, list
    ):
        return False
    if not 2 <= len(indices) <= MAX_SEASON_INDICES or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in indices
    ):
        return False
    values = np.asarray(indices, dtype=np.float64)
    if not np.isfinite(values).all():
        return False
    return state["kind"] == "additive" or bool((np.abs(values) >= 1e-10).all())


def blend_ok(blend: Any) -> bool:
    """Whether a stored ``blend_`` (the scratch start's weight in a fit that
    kept both starts) is None or a number from 0 to 1."""
    if blend is None:
        return True
    if not isinstance(blend, int | float) or isinstance(blend, bool):
        return False
    return bool(0.0 <= float(blend) <= 1.0)


def padded_window_ok(window: np.ndarray) -> bool:
    """Whether a last window is finite values after an optional NaN left-padding
    (a series shorter than the window), with at least one value."""
    window = np.asarray(window, dtype=np.float64)
    known = np.isfinite(window)
    if window.ndim != 1 or not known.any():
        return False
    first = int(np.argmax(known))
    return bool(known[first:].all() and np.isnan(window[:first]).all())


def json_floats(values: np.ndarray) -> list[float | None]:
    """Floats for config.json, NaN (padding) as null."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, float)]


def index_info(index: pd.DatetimeIndex) -> dict[str, Any]:
    """A regular index as first/last timestamp, length, frequency and time zone."""
    return {
        "first": index[0].isoformat(),
        "last": index[-1].isoformat(),
        "length": len(index),
        "freq": freq_of(index),
        "tz": tz_name(index),
    }


def tz_name(index: pd.DatetimeIndex) -> str | None:
    """The name of an index's time zone ("Europe/Paris") that reads back as the
    same zone, else None (naive times; a zone without a name keeps only the UTC
    offsets its timestamps are written with)."""
    tz = index.tz
    if tz is None:
        return None
    name = getattr(tz, "key", None) or getattr(tz, "zone", None)
    path = str(getattr(tz, "_filename", ""))
    if name is None and "zoneinfo/" in path:  # dateutil's zones
        name = path.rsplit("zoneinfo/", 1)[1]
    name = str(name or tz)
    try:
        index[:1].tz_convert(name)
    except (ValueError, KeyError, TypeError):
        return None
    return name


def stored_times(stamps: list[Any], tz: Any, bad: str) -> pd.DatetimeIndex:
    """Timestamps written by ``isoformat`` back in their zone ``tz`` (a name
    from :func:`tz_name`, or None: naive, or the offsets as written)."""
    try:
        if tz is None:
            return pd.DatetimeIndex([pd.Timestamp(t) for t in stamps])
        return pd.DatetimeIndex(pd.to_datetime(list(stamps), utc=True)).tz_convert(
            str(tz)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"{bad}: the stored timestamps or time zone are damaged ({exc})"
        ) from None


def panel_info(model: NeuralForecaster) -> dict[str, Any]:
    """What a panel fit needs to forecast again, besides its weights and windows
    (``PANEL_WINDOWS``): the series, their ends, the frequency, the log flags."""
    return {
        "names": [str(name) for name in model.panel_names_],
        "ends": [t.isoformat() for t in model.panel_ends_],
        "tz": tz_name(model.panel_ends_),
        "freq": freq_of(model.panel_offset_),
        "log": [bool(v) for v in model.panel_log_],
        "season": list(model.__dict__.get("panel_season_") or []),
        "min_context": int(model.panel_min_context_),
        "failed": {str(k): str(v) for k, v in dict(model.failed_).items()},
    }


def read_source(source: str | os.PathLike | bytes | IO[bytes]) -> bytes:
    """The bytes of a bundle given as bytes, a binary file object or a path.

    Raises:
        DataError: the file cannot be read, or was opened in text mode.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if hasattr(source, "read"):
        try:
            data = source.read()
        except UnicodeDecodeError:  # a bundle opened in text mode
            data = ""
        except OSError as exc:
            raise DataError(f"cannot read the model file: {exc}") from None
        if not isinstance(data, bytes | bytearray):
            raise DataError("the model file must be opened in binary mode ('rb')")
        return bytes(data)
    try:
        with open(source, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise DataError(f"cannot read the model file {str(source)!r}: {exc}") from None


def load_model(source: str | os.PathLike | bytes | IO[bytes]) -> NeuralForecaster:
    """Load a fitted neural forecaster saved with ``save`` or ``to_bytes``.

    The weights are loaded onto the CPU (a model trained on a GPU loads anywhere) and
    the model predicts at once, without retraining. Its ``closed_`` holds the
    times of the week its data was closed (a list, a dict by series for a panel,
    None when open at every step): ``predict`` forecasts every step, and
    :func:`convlstm.data.without_closed` leaves those times out, as the app does.

    Args:
        source: a path, the bundle's bytes, or a binary file-like object.

    Raises:
        DataError: the file is not a model bundle, or it is damaged or incomplete.
    """
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load as load_tensors

    from ..errors import ConvLSTMError
    from .neural import NEURAL_CLASSES

    data = read_source(source)
    bad = "not a saved convlstm model bundle"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if not {"config.json", "model.safetensors"} <= names:
                raise DataError(
                    f"{bad}: the zip must hold config.json and model.safetensors"
                )
            sizes = {i.filename: i.file_size for i in zf.infolist()}
            if (
                sizes["config.json"] > MAX_CONFIG_BYTES
                or sizes["model.safetensors"] > MAX_WEIGHT_BYTES
            ):
                raise DataError(f"{bad}: its files are implausibly large")
            config = json.loads(zf.read("config.json").decode("utf-8"))
            weights = zf.read("model.safetensors")
            if max(sizes.get(PANEL_WINDOWS, 0), sizes.get(PARTNER, 0)) > (
                MAX_WEIGHT_BYTES
            ):
                raise DataError(f"{bad}: its files are implausibly large")
            windows = zf.read(PANEL_WINDOWS) if PANEL_WINDOWS in names else None
            partner = zf.read(PARTNER) if PARTNER in names else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise DataError(f"{bad} (not a readable zip file: {exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DataError(f"{bad}: config.json is not valid JSON ({exc})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise DataError(f"{bad}: config.json does not declare format {FORMAT!r}")
    cls = NEURAL_CLASSES.get(config.get("class"))
    if cls is None:
        raise DataError(f"{bad}: unknown model class {config.get('class')!r}")
    try:
        params = dict(config["params"])
        if isinstance(params.get("kernel_size"), list):
            params["kernel_size"] = tuple(params["kernel_size"])
        model = cls(**params)
        for name, value in dict(config["state"]).items():
            if name not in cls.FITTED_STATE:
                raise DataError(f"{bad}: unknown fitted attribute {name!r}")
            setattr(model, name, value)
        model.device_ = "cpu"
        transforms = ("log", "none", *(("per series",) if config.get("panel") else ()))
        if getattr(model, "transform_", "none") not in transforms:
            raise DataError(f"{bad}: unknown transform {model.transform_!r}")
        if not season_adjust_ok(model.__dict__.get("season_adjust_")):
            raise DataError(f"{bad}: the stored season adjustment is damaged")
        if not blend_ok(model.__dict__.get("blend_")):
            raise DataError(f"{bad}: the stored weight of its two starts is damaged")
        if config.get("panel") is not None:
            if windows is None:
                raise DataError(f"{bad}: a panel model without {PANEL_WINDOWS}")
            panel = read_panel(config["panel"], load_tensors(windows), model, bad)
            # before build_net: a panel's net is at least PANEL_MIN_HIDDEN wide
            for name, value in panel.items():
                setattr(model, name, value)
        else:
            panel = None
            last_window = np.asarray(
                [np.nan if v is None else v for v in config["last_window"]],
                dtype=np.float64,
            )
            index = read_index(config["index"], bad)
            if last_window.shape != (model.lookback_,) or not padded_window_ok(
                last_window
            ):
                raise DataError(f"{bad}: the stored last window is damaged")
        model.check_params()
        state = load_tensors(weights)
        # the config could declare any size of net: compare its shapes (built on the
        # meta device, which allocates nothing) with the stored weights first
        with torch.device("meta"):
            expected = {
                k: tuple(v.shape) for k, v in model.build_net().state_dict().items()
            }
        stored = {k: tuple(v.shape) for k, v in state.items()}
        if stored != expected:
            raise DataError(
                f"{bad}: the weights do not match the net its config.json declares"
            )
        net = model.build_net()
        net.load_state_dict(state, strict=True)
    except DataError:
        raise
    except (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        RuntimeError,
        SafetensorError,
        ConvLSTMError,
    ) as exc:
        raise DataError(f"{bad}: {type(exc).__name__}: {exc}") from None
    net.eval()
    model.net_ = net
    if panel is not None:
        model.index_ = None
    else:
        model.last_window_ = last_window
        model.index_ = index
    model.closed_ = read_closed(config.get("closed"), panel is not None, bad)
    if partner is not None:
        model.partner_ = _load_partner(partner, model, bad)
    elif model.__dict__.get("start_") == "both":
        # it forecasts the mean of two fits: without the second it would forecast
        # other numbers than the model saved
        raise DataError(
            f"{bad}: it kept both starts but holds no {PARTNER} (the second fit); "
            "save the model again"
        )
    return model


def _load_partner(data: bytes, model: NeuralForecaster, bad: str) -> NeuralForecaster:
    """The second fit a bundle holds (:data:`PARTNER`): a bundle of its own, of
    the same class and series, holding no partner itself."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            nested = PARTNER in zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        nested = False  # load_model says what is wrong with it
    if nested:
        raise DataError(f"{bad}: its {PARTNER} holds a partner of its own")
    try:
        partner = load_model(data)
    except DataError as exc:
        raise DataError(f"{bad}: its {PARTNER}: {exc}") from None
    if type(partner) is not type(model) or not _same_data(partner, model):
        raise DataError(f"{bad}: its {PARTNER} is not a fit of the same series")
    return partner


def _same_data(partner: NeuralForecaster, model: NeuralForecaster) -> bool:
    """Whether two fits are of the same series: the same index, or (panels) the
    same frequency and the same end of every series both forecast."""
    if partner.fitted_on_panel != model.fitted_on_panel:
        return False
    if not model.fitted_on_panel:
        return bool(partner.index_.equals(model.index_))
    ends = dict(zip(partner.panel_names_, partner.panel_ends_, strict=True))
    return partner.panel_offset_ == model.panel_offset_ and all(
        ends.get(name, end) == end
        for name, end in zip(model.panel_names_, model.panel_ends_, strict=True)
    )


def read_index(info: Mapping[str, Any], bad: str) -> pd.DatetimeIndex:
    """The index stored by :func:`index_info`, checked."""
    freq = offset_of(info["freq"])
    length = info["length"]
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise DataError(f"{bad}: the stored series length is not a positive number")
    first, last = stored_times([info["first"], info["last"]], info.get("tz"), bad)
    index = pd.date_range(first, periods=length, freq=freq)
    if index[-1] != last:
        raise DataError(f"{bad}: the stored timestamps do not fit the frequency")
    return index


#: Minutes in a week: the times a series is closed are minutes after Monday 00:00.
_WEEK_MINUTES = 7 * 24 * 60


def read_closed(
    info: Any, panel: bool, bad: str
) -> list[int] | dict[str, list[int]] | None:
    """The closed times stored by :func:`model_to_bytes` (None in bundles before
    2026-12-07, and for data open at every step), checked: a list of minutes of
    the week, or for a panel a list per series."""

    def minutes(values: Any) -> list[int]:
        if not isinstance(values, list) or not all(
            isinstance(m, int) and not isinstance(m, bool) and 0 <= m < _WEEK_MINUTES
            for m in values
        ):
            raise DataError(f"{bad}: the stored closed times are damaged")
        return values

    if info is None:
        return None
    if panel:
        if not isinstance(info, dict):
            raise DataError(f"{bad}: the stored closed times are damaged")
        return {str(name): minutes(values) for name, values in info.items()}
    return minutes(info)


def read_panel(
    info: Mapping[str, Any], tensors: Mapping[str, Any], model: Any, bad: str
) -> dict[str, Any]:
    """The panel state stored by :func:`panel_info` and its windows, checked."""
    names = [str(name) for name in info["names"]]
    ends = stored_times(list(info["ends"]), info.get("tz"), bad)
    log = np.asarray(info["log"], dtype=bool)
    windows = tensors["windows"].numpy().astype(np.float64)
    if (
        not names
        or len(set(names)) != len(names)
        or len(ends) != len(names)
        or log.shape != (len(names),)
        or windows.shape != (len(names), model.lookback_)
        or not all(padded_window_ok(w) for w in windows)
    ):
        raise DataError(f"{bad}: the stored panel (series, ends, windows) is damaged")
    min_context = info["min_context"]
    if not isinstance(min_context, int) or isinstance(min_context, bool):
        raise DataError(f"{bad}: the stored panel's min_context is not a number")
    seasons = info.get("season") or []  # bundles before 2026-12-06 hold none
    if not isinstance(seasons, list) or (
        seasons
        and (len(seasons) != len(names) or not all(map(season_adjust_ok, seasons)))
    ):
        raise DataError(f"{bad}: the stored season adjustment is damaged")
    return {
        "panel_names_": names,
        "panel_ends_": ends,
        "panel_offset_": offset_of(info["freq"]),
        "panel_log_": log,
        "panel_season_": seasons or None,
        "panel_windows_": windows,
        "panel_min_context_": min_context,
        "failed_": {str(k): str(v) for k, v in dict(info["failed"]).items()},
    }


def bundle_model(model: Any, record: Mapping[str, Any] | None = None) -> bytes:
    """Return a fitted neural model as a portable bundle with its record inside.

    The bundle is the model's own zip (``model.to_bytes()``: config.json with the
    hyperparameters, model.safetensors with the weights) plus ``record.json``: the
    record of the run that trained it, whose ``data`` fingerprint identifies the
    training series. ``load_model`` reads the bundle as usual and ignores the
    extra member.

    Args:
        model: a fitted ``ConvLSTMForecaster`` or ``LSTMForecaster``.
        record: the run's record (``Comparison.record``); None adds no record.

    Raises:
        DataError: the model cannot be bundled (not a fitted neural model).
    """
    to_bytes = getattr(model, "to_bytes", None)
    if to_bytes is None:
        raise DataError(
            f"{type(model).__name__} cannot be saved as a bundle; only the neural "
            "models (ConvLSTM, LSTM) can (the baselines refit in a moment)"
        )
    data = to_bytes()
    if record is None:
        return data
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(BUNDLE_RECORD, record_to_json(record))
    return buffer.getvalue()


def load_bundle(data: bytes) -> tuple[Any, dict[str, Any] | None]:
    """Load a bundle from :func:`bundle_model` (or a plain ``save``/``to_bytes``).

    Returns:
        ``(model, record)``: the fitted model, ready to ``predict()`` without
        retraining, and the record stored with it (None if the bundle has none).

    Raises:
        DataError: not a model bundle, or a damaged one.
    """
    model = load_model(bytes(data))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        if BUNDLE_RECORD not in zf.namelist():
            return model, None
        text = zf.read(BUNDLE_RECORD)
    return model, record_from_json(text)


def _when(stamp: Any) -> str:
    """A recorded timestamp as a message shows it (the date alone at midnight)."""
    try:
        return format_time(pd.Timestamp(stamp))
    except (TypeError, ValueError):
        return str(stamp)


def bundle_history(model: Any) -> pd.Series | None:
    """The last values a bundled model was trained on, on their timestamps (its
    last window: what its forecast continues), or None when it keeps none."""
    window = getattr(model, "last_window_", None)
    index = getattr(model, "index_", None)
    if window is None or index is None or not len(index):
        return None
    values = np.asarray(window, dtype=float)[-len(index) :]
    history = pd.Series(values, index=index[-len(values) :], name="history")
    return history.dropna()


def bundle_data_check(
    model: Any, record: Mapping[str, Any] | None, y: pd.Series
) -> tuple[bool, str]:
    """Tell whether a loaded bundle was trained on the series ``y``.

    With a record, its data fingerprint (values, timestamps) is compared with
    :func:`~convlstm.record.data_fingerprint` of ``y``; without one, the model's own
    ``data_fingerprint_`` (:func:`values_sha256` of the training values) is.

    Returns:
        ``(same, message)``: a plain-words explanation either way.
    """
    if record is not None and (record.get("data") or {}).get("sha256"):
        trained = record["data"]
        same = trained["sha256"] == data_fingerprint(y)["sha256"]
        what = (
            f"{trained.get('length')} points, {_when(trained.get('start'))} to "
            f"{_when(trained.get('end'))}"
        )
    else:
        trained_hash = getattr(model, "data_fingerprint_", None)
        if trained_hash is None:
            return False, "The bundle carries no data fingerprint to check."
        same = trained_hash == values_sha256(y)
        what = ""
    if same:
        return True, "The model was trained on this data" + (
            f" ({what})." if what else ": its values match."
        )
    return False, (
        "The model was trained on other data"
        + (f" ({what})" if what else "")
        + f" than the current series ({len(y)} points); its forecast continues "
        "its own training data."
    )
