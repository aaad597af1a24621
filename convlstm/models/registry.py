"""The model registry: the one list of models, with what the library needs of each.

Name, forecaster class (imported on first use, so importing this module loads
neither torch nor scipy), the settings it starts from, kind, baseline flag, colour,
minimum training length, default membership, the network settings that shape it
and a one-sentence description. Adding a model is one forecaster class plus one
:func:`register` call.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from ..data.cells import and_list
from ..errors import ParameterError
from .rules import (
    ARIMA_MIN_LENGTH,
    PANEL_MIN_POINTS,
    STAT_MIN_LENGTH,
    neural_min_length,
)

if TYPE_CHECKING:
    from .base import BaseForecaster

__all__ = [
    "NETWORK_SETTINGS",
    "STARTS",
    "ModelSpec",
    "canonical_name",
    "check_setting",
    "default_models",
    "loose_key",
    "make_model",
    "min_train_length",
    "model_class",
    "model_colours",
    "model_names",
    "model_spec",
    "model_specs",
    "network_models",
    "network_settings_note",
    "params_for",
    "register",
    "route_params",
    "route_start",
    "start_models",
    "start_of",
    "unregister",
]

Kind = Literal["neural", "statistical", "naive", "ensemble"]
KINDS = ("neural", "statistical", "naive", "ensemble")

#: The settings of the app's network controls (and the CLI's network flags). They
#: shape only the models whose :attr:`ModelSpec.network_params` name them; every
#: other model keeps its own defaults, so that it is compared fairly set up.
NETWORK_SETTINGS = (
    "kernel_size",
    "hidden_size",
    "learning_rate",
    "num_layers",
    "activation",
    "epochs",
    "batch_size",
)

_LABELS = {"num_layers": "layers"}


@dataclass(frozen=True)
class ModelSpec:
    """One registered model.

    Attributes:
        name: display name, used in tables, charts and the ``models`` argument.
        target: the forecaster class, or ``"module:Class"`` to import on first use.
        kind: "neural", "statistical", "naive" or "ensemble" (combines the
            forecasts of other registered models).
        baseline: whether the model is a yardstick the others are tested against.
        colour: its colour in every figure (``"#rrggbb"``), or None for the next
            spare one of the palette.
        min_length: ``min_length(season, horizon)``: fewest training points a fit
            accepts with default settings (``season`` 1 for a series without one).
        default: whether the model is in the default comparison.
        network_params: the :data:`NETWORK_SETTINGS` that shape this model.
        description: one plain sentence saying what the model does (for the app
            and the report); empty if none.
        params: settings the model starts from, given to its class before the
            caller's (which override them): one class can back several entries,
            e.g. the ConvLSTM trained from scratch and from the pretrained net.
    """

    name: str
    target: type | str
    kind: Kind
    baseline: bool
    colour: str | None = None
    min_length: Callable[[int, int], int] = lambda season, horizon: 1
    default: bool = False
    network_params: tuple[str, ...] = ()
    description: str = ""
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def load(self) -> type:
        """Return the forecaster class (importing its module on first use)."""
        if isinstance(self.target, type):
            return self.target
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(module), cls)


def _arima_min_length(season: int, horizon: int) -> int:
    return ARIMA_MIN_LENGTH


def _seasonal_naive_min_length(season: int, horizon: int) -> int:
    return max(season, 1)


def _tsb_min_length(season: int, horizon: int) -> int:
    return 2


def _stat_min_length(season: int, horizon: int) -> int:
    return STAT_MIN_LENGTH


def _pretrained_min_length(season: int, horizon: int) -> int:
    # a season without a pretrained network trains from scratch when the series is
    # long enough, else the non-seasonal network forecasts it: a few points do
    return PANEL_MIN_POINTS


def _ensemble_min_length(season: int, horizon: int) -> int:
    from .ensemble import DEFAULT_MEMBERS  # light: no torch, no scipy

    # an ensemble fits as soon as one member does (the others are left out)
    return min(int(model_spec(m).min_length(season, horizon)) for m in DEFAULT_MEMBERS)


_SPECS: dict[str, ModelSpec] = {}


def loose_key(name: str) -> str:
    """``name`` as loose spellings of it compare: lower case, letters and digits
    only ("Seasonal-naive", "seasonal_naive" -> "seasonalnaive")."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def register(spec: ModelSpec, *, replace: bool = False) -> ModelSpec:
    """Add a model to the registry (at the end of the order) and return its spec.

    Raises:
        ParameterError: a model of that name (ignoring case and punctuation) is
            already registered and ``replace`` is False, or ``kind`` is unknown.
    """
    if spec.kind not in KINDS:
        raise ParameterError(
            f"model kind must be one of {', '.join(map(repr, KINDS))}, "
            f"got {spec.kind!r}"
        )
    clash = [n for n in _SPECS if loose_key(n) == loose_key(spec.name)]
    if clash and not replace:
        raise ParameterError(f"a model named {clash[0]!r} is already registered")
    for name in clash:
        del _SPECS[name]
        _SETTINGS.pop(name, None)
    _SPECS[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    """Remove a model from the registry (for tests and plug-ins)."""
    name = canonical_name(name)
    del _SPECS[name]
    _SETTINGS.pop(name, None)


def model_specs() -> tuple[ModelSpec, ...]:
    """Every registered model, in registry order."""
    return tuple(_SPECS.values())


def canonical_name(name: str) -> str:
    """Return the registered spelling of a model name.

    Matching ignores case, spaces, hyphens and underscores, so ``"seasonal-naive"``
    and ``"convlstm"`` are accepted.

    Raises:
        ParameterError: no such model (the message lists the registered ones).
    """
    if not isinstance(name, str):
        # a forecaster where a name is asked for (compare takes names and their
        # settings as params; backtest and compare_panel take instances)
        raise ParameterError(
            f"expected a model name such as 'ETS', got {type(name).__name__}; "
            f"choose from: {', '.join(model_names())} (backtest and compare_panel "
            "also take forecaster instances)"
        )
    wanted = loose_key(name)
    for canonical in _SPECS:
        if loose_key(canonical) == wanted:
            return canonical
    raise ParameterError(
        f"unknown model {name!r}; choose from: {', '.join(model_names())}"
    )


def model_spec(name: str) -> ModelSpec:
    """The registry entry of a model name (spelled loosely, as in
    :func:`canonical_name`)."""
    return _SPECS[canonical_name(name)]


def model_class(name: str) -> type:
    """The forecaster class of a model name (imports it on first use)."""
    return model_spec(name).load()


def make_model(name: str, *, horizon: int, **params: Any) -> BaseForecaster:
    """Build a forecaster by name, passing only the parameters it accepts.

    Args:
        name: a registered model name (case-insensitive; ``"seasonal-naive"``
            works too).
        horizon: steps to forecast.
        **params: hyperparameters by their usual names (``kernel_size``,
            ``hidden_size``, ``learning_rate``, ``epochs``, ``seed``, ...); the
            ones this model does not take but another does are ignored (one set
            of settings serves a whole comparison). They override the entry's
            own settings (:attr:`ModelSpec.params`).

    Raises:
        ParameterError: unknown model name; a setting no registered model takes
            (a misspelt ``kernal_size``), with the nearest known names.
    """
    spec = model_spec(name)
    cls = spec.load()
    accepted = set(cls.param_names())
    for key, value in params.items():
        if key not in accepted and key != "horizon":
            check_setting(key, value)
    kwargs = {
        k: v
        for k, v in {**spec.params, **params}.items()
        if k in accepted and k != "horizon"
    }
    return cls(horizon=horizon, **kwargs)


def model_names(
    *, kind: Kind | None = None, baseline: bool | None = None
) -> tuple[str, ...]:
    """Registered model names, in registry order, optionally only of one kind or
    only the baselines (``baseline=True``) or only the others (``False``)."""
    return tuple(
        s.name
        for s in _SPECS.values()
        if (kind is None or s.kind == kind)
        and (baseline is None or s.baseline == baseline)
    )


#: The model the defaults add for intermittent data (mostly zeros).
INTERMITTENT_MODEL = "TSB"


def default_models(data: Any = None) -> tuple[str, ...]:
    """The models of the default comparison, in registry order.

    Args:
        data: the series (or long panel: ``series, time, value``) to compare
            them on, if known: for intermittent data (one series mostly zeros, or
            half the series of a panel or more: :func:`~convlstm.data.series.
            zero_shares`) :data:`INTERMITTENT_MODEL` joins them, before the
            ensemble; for business-day data (prices, rates),
            :data:`RANDOM_WALK_MODEL`.
    """
    names = [s.name for s in _SPECS.values() if s.default]
    at = names.index("Ensemble") if "Ensemble" in names else len(names)
    if data is not None and RANDOM_WALK_MODEL in model_names() and _business(data):
        names.insert(at, RANDOM_WALK_MODEL)
        at += 1
    if data is not None and INTERMITTENT_MODEL in model_names() and _intermittent(data):
        names.insert(at, INTERMITTENT_MODEL)
    return tuple(names)


#: The baseline that joins the defaults for business-day and business-hour data
#: (prices, rates): their week (or day) is often no cycle, and the last value is
#: the forecast to beat.
RANDOM_WALK_MODEL = "Naive"


def _business(data: Any) -> bool:
    """Whether ``data`` (a series, or a long panel with ``attrs["freq"]``) is
    read in business days or opening hours (business hours or others)."""
    index = getattr(data, "index", None)
    freq = getattr(getattr(index, "freq", None), "freqstr", None)
    if freq is None and hasattr(data, "attrs"):
        freq = data.attrs.get("freq")
    freq = str(freq or "")
    return freq.upper() in {"B", "C", "BH", "CBH"} or freq.startswith(("cbh(", "cbd("))


def _intermittent(data: Any) -> bool:
    import numpy as np  # noqa: PLC0415  (only when asked about data)

    from ..data.series import zero_shares  # noqa: PLC0415

    if hasattr(data, "columns"):
        if not {"series", "value"} <= set(data.columns) or data.empty:
            return False
        shares = zero_shares(data["value"].to_numpy(float), data["series"].to_numpy())
        return 2 * len(shares) >= data["series"].nunique()
    return not zero_shares(np.asarray(data, dtype=float)).empty


def model_colours() -> dict[str, str]:
    """``{name: colour}`` of every registered model that has a fixed colour."""
    return {s.name: s.colour for s in _SPECS.values() if s.colour}


def min_train_length(names: Iterable[str] | str, season: int, horizon: int) -> int:
    """Fewest training points that every model in ``names`` accepts (1 if none).

    Args:
        names: model names.
        season: the series' shortest natural cycle in steps (1 if none).
        horizon: steps to forecast.
    """
    if isinstance(names, str):
        names = [names]  # one name, not its letters
    return max(
        (int(model_spec(n).min_length(season, horizon)) for n in names), default=1
    )


def network_models() -> tuple[str, ...]:
    """The models the network settings shape (those with ``network_params``)."""
    return tuple(s.name for s in _SPECS.values() if s.network_params)


def route_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Give each network setting only to the models it shapes.

    Shared network settings (:data:`NETWORK_SETTINGS`) of ``params`` move into the
    per-model dicts of the models whose spec names them (a value already given for
    that model alone wins); the other settings stay shared. The result is the
    ``params`` argument of :func:`convlstm.compare`, the way the app builds it.
    """
    out: dict[str, Any] = {}
    network: dict[str, Any] = {}
    for key, value in params.items():
        (network if key in NETWORK_SETTINGS else out)[key] = value
    for spec in _SPECS.values():
        mine = {k: v for k, v in network.items() if k in spec.network_params}
        if mine:
            out[spec.name] = {**mine, **dict(out.get(spec.name) or {})}
    return out


#: Where a model with a pretrained network starts, by name (its ``init`` and
#: ``fine_tune`` settings): the app's "starts from" control and the CLI's
#: ``--start``. "auto" keeps whichever of scratch and the pretrained network
#: forecast the end of the series better (on a 12-step season, both: their mean;
#: on a 4-step one, both, weighted by their check errors; without a season,
#: scratch only where it checked ``AUTO_SCRATCH_MARGIN`` times better).
STARTS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "auto": MappingProxyType({"init": "auto"}),
        "scratch": MappingProxyType({"init": "scratch"}),
        "fine-tuned": MappingProxyType({"init": "pretrained", "fine_tune": True}),
        "zero-shot": MappingProxyType({"init": "pretrained", "fine_tune": False}),
    }
)


def start_models() -> tuple[str, ...]:
    """The registered models a start applies to: those whose class takes
    ``init`` and whose entry does not fix it (as "ConvLSTM (pretrained)" does)."""
    return tuple(
        spec.name
        for spec in _SPECS.values()
        if spec.kind == "neural"  # only these have a pretrained network to load
        and "init" not in spec.params
        and "init" in inspect.signature(spec.load()).parameters
    )


def route_start(params: Mapping[str, Any], start: str) -> dict[str, Any]:
    """``params`` (``compare``'s argument) with ``start`` (a key of
    :data:`STARTS`) given to every model of :func:`start_models`.

    Raises:
        ParameterError: an unknown start.
    """
    if start not in STARTS:
        raise ParameterError(f"start must be one of {', '.join(STARTS)}, got {start!r}")
    out = dict(params)
    for name in start_models():
        out[name] = {**dict(out.get(name) or {}), **STARTS[start]}
    return out


def start_of(params: Mapping[str, Any], name: str) -> str:
    """How model ``name`` starts with ``params`` (a key of :data:`STARTS`; the
    class's default ``init`` where neither ``params`` nor the model's entry sets
    one)."""
    mine = {**model_spec(name).params, **params_for(name, params)}
    init = mine.get("init")
    if init is None:
        init = inspect.signature(model_class(name)).parameters["init"].default
    if init == "pretrained":
        return "fine-tuned" if mine.get("fine_tune", True) else "zero-shot"
    return "auto" if init == "auto" else "scratch"


def params_for(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The settings model ``name`` gets from a ``compare``-style ``params``: the
    shared ones (keys that are not model names) updated by ``params[name]``.
    A model's key may be spelt loosely (``"convlstm"``), as model names are.

    Raises:
        ParameterError: a setting given to model ``name`` alone that it does not
            take (with the names it does take), or a horizon (given once, for
            every model).
    """
    shared: dict[str, Any] = {}
    own: dict[str, Any] = {}
    for key, value in params.items():
        model = _model_key(key) if isinstance(value, Mapping) or value is None else None
        if model is None:
            shared[key] = value
        elif model == name:
            own.update(value or {})
    if "horizon" in shared or "horizon" in own:
        raise ParameterError(
            "horizon is not a setting of one model here: every model forecasts "
            "the horizon given once (horizon=..., --horizon, or Horizon on Train "
            "& compare)"
        )
    if own:
        accepted = set(model_class(name).param_names()) - {"horizon"}
        for key in own:
            if key not in accepted:
                raise ParameterError(
                    f"{name} has no setting {key!r}{_nearest(key, accepted)}"
                )
    return {**shared, **own}


def _model_key(key: Any) -> str | None:
    """The registered model a ``params`` key names (spelt loosely), or None."""
    try:
        return canonical_name(key)
    except ParameterError:
        return None


#: The constructor settings of each model class already looked at.
_SETTINGS: dict[str, frozenset[str]] = {}


def check_setting(key: str, value: Any = None) -> None:
    """Refuse a setting that no registered model takes (a misspelt
    ``kernal_size`` would otherwise be ignored, and the defaults used unsaid).
    Classes already imported are asked first, so a known setting seldom imports
    another model's module.

    Raises:
        ParameterError: no model takes ``key``; the message offers the nearest
            known settings, or the nearest model when ``value`` is a mapping
            (a model's own settings under a misspelt model name).
    """
    specs = sorted(
        _SPECS.values(),
        key=lambda spec: (
            not isinstance(spec.target, type)
            and spec.target.partition(":")[0] not in sys.modules
        ),
    )
    for spec in specs:
        if spec.name not in _SETTINGS:
            _SETTINGS[spec.name] = frozenset(spec.load().param_names())
        if key in _SETTINGS[spec.name]:
            return
    if isinstance(value, Mapping):
        raise ParameterError(
            f"no model is called {key!r} (settings of one model go under its "
            f"name){_nearest(key, model_names())}"
        )
    known = set().union(*_SETTINGS.values()) - {"horizon"}
    raise ParameterError(f"no model has a setting {key!r}{_nearest(key, known)}")


def _nearest(key: str, names: Iterable[str]) -> str:
    """ "; did you mean 'kernel_size'?" for the nearest of ``names``, else the
    names themselves ("; settings: a, b, c")."""
    names = sorted(names)
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; settings: {', '.join(names)}"


def network_settings_note() -> str:
    """One sentence saying which models the network settings shape (for the app's
    form and the CLI's help and output)."""
    shaped = network_models()
    others = [n for n in model_names() if n not in shaped]
    settings = sorted(
        {p for s in _SPECS.values() for p in s.network_params},
        key=NETWORK_SETTINGS.index,
    )
    text = ", ".join(_LABELS.get(p, p.replace("_", " ")) for p in settings)
    if not shaped:
        return "No model takes the network settings."
    sentence = f"The network settings ({text}) shape the {and_list(shaped)} only"
    if others:
        sentence += "; the other models keep their own defaults"
    return sentence + "."


for _spec in (
    ModelSpec(
        name="ConvLSTM",
        target="convlstm.models.neural:ConvLSTMForecaster",
        kind="neural",
        baseline=False,
        colour="#d55e00",  # vermillion
        min_length=_pretrained_min_length,
        default=True,
        network_params=NETWORK_SETTINGS,
        description="The article's network: the recent window folded into frames, a "
        "convolutional LSTM over them, on top of a linear skip and a seasonal anchor; "
        "trained from scratch or started from the network pretrained on thousands "
        "of other series, whichever forecast the end of the series better (on "
        "monthly series both, averaged; on quarterly ones both, weighted by "
        "their checks; on yearly ones scratch only if clearly better).",
    ),
    ModelSpec(
        name="ConvLSTM (pretrained)",
        target="convlstm.models.neural:ConvLSTMForecaster",
        params=MappingProxyType({"init": "pretrained", "fine_tune": True}),
        kind="neural",
        baseline=False,
        colour="#661100",  # dark brown
        min_length=_pretrained_min_length,
        description="The same network started from the one pretrained on "
        "thousands of other series (M1, M3, synthetic; shipped with the app) and "
        "briefly fine-tuned on this series; a season other than 1, 4, 7, 12, 24, "
        "48 or 52 steps trains from scratch. Keeps its own settings.",
    ),
    ModelSpec(
        name="LSTM",
        target="convlstm.models.neural:LSTMForecaster",
        kind="neural",
        baseline=False,
        colour="#0072b2",  # blue
        min_length=neural_min_length,
        default=True,
        description="The ConvLSTM's ablation: the same windows, linear skip, "
        "seasonal anchor and training, with a plain LSTM over the window's values in "
        "place of the convolutional cell.",
    ),
    ModelSpec(
        name="ARIMA",
        target="convlstm.models.arima:ARIMAForecaster",
        kind="statistical",
        baseline=True,
        colour="#009e73",  # bluish green
        min_length=_arima_min_length,
        default=True,
        description="Seasonal ARIMA with its orders chosen automatically by AICc.",
    ),
    ModelSpec(
        name="ETS",
        target="convlstm.models.ets:ETSForecaster",
        kind="statistical",
        baseline=True,
        colour="#56b4e9",  # sky blue
        min_length=_stat_min_length,
        default=True,
        description="Exponential smoothing with its error, trend and season chosen "
        "by AICc.",
    ),
    ModelSpec(
        name="Theta",
        target="convlstm.models.theta:ThetaForecaster",
        kind="statistical",
        baseline=True,
        colour="#cc79a7",  # reddish purple
        min_length=_stat_min_length,
        default=True,
        description="The Theta method: a drifting exponential smoothing of the "
        "deseasonalised series, winner of the M3 competition.",
    ),
    ModelSpec(
        name="Seasonal naive",
        target="convlstm.models.baselines:SeasonalNaiveForecaster",
        kind="naive",
        baseline=True,
        colour="#e69f00",  # orange
        min_length=_seasonal_naive_min_length,
        default=True,
        description="Repeats the last season; with several seasons it picks the one "
        "that forecast the training data best.",
    ),
    ModelSpec(
        name="Naive",
        target="convlstm.models.baselines:NaiveForecaster",
        kind="naive",
        baseline=True,
        colour="#882255",  # wine
        description="Repeats the last value.",
    ),
    ModelSpec(
        name="TSB",
        target="convlstm.models.intermittent:TSBForecaster",
        kind="statistical",
        baseline=True,
        colour="#117733",  # dark green
        min_length=_tsb_min_length,
        description="For intermittent demand (mostly zeros): smooths the chance of "
        "a sale in a step and its size, and forecasts their product, flat; a part "
        "nobody buys any more fades towards 0 (Teunter, Syntetos and Babai's "
        "variant of Croston's method).",
    ),
    ModelSpec(
        name="Ensemble",
        target="convlstm.models.ensemble:EnsembleForecaster",
        kind="ensemble",
        baseline=False,
        colour="#332288",  # indigo
        min_length=_ensemble_min_length,
        default=True,
        description="The median of the ConvLSTM, ETS, Theta and ARIMA forecasts, "
        "step by step; in a comparison it reuses their forecasts, so nothing is "
        "trained twice.",
    ),
):
    register(_spec)
del _spec
