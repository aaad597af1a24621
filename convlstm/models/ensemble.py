"""EnsembleForecaster: the median or validation-weighted mean of registered models.

Members are built through the registry; a comparison hands the ensemble the members'
forecasts it already computed (:meth:`EnsembleForecaster.fit_from_forecasts`), so
nothing is trained twice. A member that fails is reported and left out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd

from ..data import check_series, future_index
from ..errors import ConvLSTMError, DataError, ParameterError
from .base import BaseForecaster
from .checks import check_choice, check_horizon
from .registry import canonical_name, make_model, model_spec, params_for

__all__ = [
    "COMBINES",
    "DEFAULT_MEMBERS",
    "Combination",
    "EnsembleForecaster",
    "inverse_mae_weights",
]

log = logging.getLogger(__name__)

#: The default members: the ConvLSTM and the three statistical models that win most
#: often on short business series.
DEFAULT_MEMBERS = ("ConvLSTM", "ETS", "Theta", "ARIMA")
#: How member forecasts are combined.
COMBINES = ("median", "weighted")


class EnsembleForecaster(BaseForecaster):
    """Combine the forecasts of several registered models, step by step.

    ``combine="median"`` takes the median of the member forecasts at each step
    (robust: one member far off moves it little). ``combine="weighted"`` takes
    their mean weighted by inverse validation MAE: each member is also fitted on
    the training data without its last ``horizon`` points and scored on them, the
    way a backtest fold would score it. In a backtest those validation forecasts
    are exactly the previous fold's, so a comparison reuses them instead of
    training anything again (:meth:`fit_from_forecasts`); this is why validation
    uses the end of the training data rather than some other split.

    A member whose fit fails with a :class:`~convlstm.errors.ConvLSTMError` (too
    short a series for it, say) is left out and reported in ``failed_`` and
    ``note_``; only when every member fails does ``fit`` raise.

    Args:
        horizon: number of steps to forecast.
        members: registered model names (spelled loosely, as in
            :func:`~convlstm.models.registry.canonical_name`); no ensembles.
        combine: "median" or "weighted".
        member_params: settings for the members, as ``compare``'s ``params``:
            shared settings (``seed``, ``epochs``, ...) plus a dict per member name;
            each member takes the ones it accepts. None: the members' defaults.

    Attributes:
        members_: the fitted member models by name (those that did not fail;
            empty when the forecasts were handed over by a comparison).
        forecasts_: the member forecasts (one column per member used).
        weights_: ``{member: weight}`` of the combination (equal for the median).
        failed_: ``{member: reason}`` of the members left out.
        validation_mae_: ``{member: MAE}`` on the validation points ("weighted").
        note_: one sentence on members left out or missing weights; "" if none.
    """

    display_name = "Ensemble"

    def __init__(
        self,
        *,
        horizon: int = 12,
        members: Sequence[str] = DEFAULT_MEMBERS,
        combine: str = "median",
        member_params: Mapping[str, Any] | None = None,
    ) -> None:
        self.horizon = horizon
        self.members = members
        self.combine = combine
        self.member_params = member_params

    # ------------------------------------------------------------ settings

    def member_names(self) -> tuple[str, ...]:
        """The members' registered names, checked.

        Raises:
            ParameterError: ``members`` is empty, not a list of names, names an
                unknown model or an ensemble, or names a model twice.
        """
        members = self.members
        if isinstance(members, str) or not isinstance(members, Sequence):
            raise ParameterError(
                f"members must be a list of model names, got {members!r}"
            )
        if not members:
            raise ParameterError("members must name at least one model")
        names: list[str] = []
        for member in members:
            if not isinstance(member, str):
                raise ParameterError(f"members must be model names, got {member!r}")
            name = canonical_name(member)
            if model_spec(name).kind == "ensemble":
                raise ParameterError(f"an ensemble cannot be a member ({name!r})")
            if name in names:
                raise ParameterError(f"member {name!r} is listed twice")
            names.append(name)
        return tuple(names)

    def needs_validation(self) -> bool:
        """Whether the combination needs the members' validation errors."""
        return self._check_combine() == "weighted"

    def make_member(self, name: str) -> BaseForecaster:
        """An unfitted member built through the registry with its settings."""
        params = self._check_member_params()
        name = canonical_name(name)
        return make_model(name, horizon=self.horizon, **params_for(name, params))

    def _check_combine(self) -> str:
        return str(check_choice("combine", self.combine, COMBINES))

    def _check_member_params(self) -> Mapping[str, Any]:
        params = self.member_params
        if params is None:
            return {}
        if not isinstance(params, Mapping):
            raise ParameterError(
                f"member_params must be a dict of settings or None, got {params!r}"
            )
        return params

    def _check_settings(self) -> tuple[int, tuple[str, ...]]:
        horizon = check_horizon(self.horizon)
        names = self.member_names()
        self._check_combine()
        self._check_member_params()
        return horizon, names

    # ------------------------------------------------------------ fitting

    def fit(self, y: pd.Series) -> Self:
        """Fit every member on ``y`` (and, for "weighted", on ``y`` without its last
        ``horizon`` points to score it) and combine their forecasts.

        Raises:
            ParameterError: a bad setting.
            DataError: every member failed (the message gives each reason).
        """
        horizon, names = self._check_settings()
        y = check_series(y, min_length=1, what="the ensemble")
        forecasts, fitted, failed = _fit_members(self, names, y)
        validation = None
        if self.needs_validation():
            validation = {}
            if len(y) > horizon:
                head, tail = y.iloc[:-horizon], y.to_numpy(dtype=float)[-horizon:]
                checks, _, _ = _fit_members(self, list(forecasts), head)
                validation = {
                    m: float(np.mean(np.abs(tail - f.to_numpy(dtype=float))))
                    for m, f in checks.items()
                }
        return self.fit_from_forecasts(
            y, forecasts, failed=failed, validation=validation, fitted=fitted
        )

    def fit_from_forecasts(
        self,
        y: pd.Series,
        forecasts: Mapping[str, pd.Series],
        *,
        failed: Mapping[str, str] | None = None,
        validation: Mapping[str, float] | None = None,
        fitted: Mapping[str, BaseForecaster] | None = None,
    ) -> Self:
        """Become fitted from member forecasts computed elsewhere (a backtest fold).

        Args:
            y: the training series the members were fitted on.
            forecasts: ``{member: forecast}`` of the next ``horizon`` steps; other
                keys are ignored, members missing from it are left out.
            failed: ``{member: reason}`` of members whose fit failed.
            validation: ``{member: MAE}`` of each member's forecast of the last
                ``horizon`` points of ``y`` from a fit on the points before them
                (needed by "weighted"; members without one get the mean weight).
            fitted: the fitted member models, kept in ``members_``.

        Raises:
            ParameterError: a bad setting.
            DataError: no member has a usable forecast.
        """
        self._check_settings()  # a bad setting is reported before bad data
        y = check_series(y, min_length=1, what="the ensemble")
        combination = self.combine_forecasts(
            forecasts, failed=failed, validation=validation
        )
        index = future_index(y.index, len(combination.values))
        self.forecasts_ = pd.DataFrame(combination.columns, index=index)
        self.failed_ = combination.failed
        self.members_ = {
            m: f for m, f in dict(fitted or {}).items() if m in combination.columns
        }
        self.validation_mae_ = combination.validation_mae
        self.weights_ = combination.weights
        self.note_ = combination.note
        if self.note_:
            log.info("ensemble: %s", self.note_)
        self.index_ = y.index
        return self

    def combine_forecasts(
        self,
        forecasts: Mapping[str, Any],
        *,
        failed: Mapping[str, str] | None = None,
        validation: Mapping[str, float] | None = None,
    ) -> Combination:
        """Combine member forecasts by this ensemble's rule, without fitting.

        What :meth:`fit_from_forecasts` does, as a pure function of the members'
        values (a panel comparison calls it once per series).

        Args:
            forecasts: ``{member: forecast}`` (array-likes of ``horizon`` values);
                other keys are ignored, members missing from it are left out.
            failed: ``{member: reason}`` of members whose fit failed.
            validation: ``{member: MAE}`` for "weighted" (members without one get
                the mean weight).

        Raises:
            ParameterError: a bad setting.
            DataError: no member has a usable forecast.
        """
        horizon, names = self._check_settings()
        failed_ = {m: str(r) for m, r in dict(failed or {}).items() if m in names}
        columns: dict[str, np.ndarray] = {}
        for name in names:
            if name in failed_:
                continue
            if name not in forecasts:
                failed_[name] = "no forecast"
                continue
            values = np.asarray(forecasts[name], dtype=float)
            if values.shape != (horizon,) or not np.isfinite(values).all():
                failed_[name] = f"no finite forecast of {horizon} steps"
                continue
            columns[name] = values
        if not columns:
            reasons = "; ".join(f"{m}: {r}" for m, r in failed_.items())
            raise DataError(f"no member of the ensemble could forecast ({reasons})")
        validation_mae = {
            m: float(v) for m, v in dict(validation or {}).items() if m in columns
        }
        notes = [f"{m} left out: {r}" for m, r in failed_.items()]
        if self.needs_validation():
            weights, missing = inverse_mae_weights(list(columns), validation_mae)
            if missing:
                notes.append(
                    f"no validation error for {', '.join(missing)}: given the mean "
                    "weight"
                )
        else:
            weights = {m: 1.0 / len(columns) for m in columns}
        matrix = np.column_stack(list(columns.values()))
        return Combination(
            values=_combined(matrix, self._check_combine(), weights, list(columns)),
            columns=columns,
            weights=weights,
            failed=failed_,
            validation_mae=validation_mae,
            note="; ".join(notes),
        )

    def predict(self) -> pd.Series:
        """Forecast ``horizon`` steps: the median or weighted mean of the members."""
        self._check_fitted()
        frame = self.forecasts_
        self._check_horizon_fitted(len(frame))
        values = _combined(
            frame.to_numpy(), self._check_combine(), self.weights_, list(frame.columns)
        )
        return pd.Series(
            values.astype(float), index=frame.index.copy(), name=self.display_name
        )


@dataclass(frozen=True)
class Combination:
    """Member forecasts combined by :meth:`EnsembleForecaster.combine_forecasts`.

    Attributes:
        values: the combined forecast, ``horizon`` values.
        columns: the member forecasts used, by member.
        weights: ``{member: weight}`` (equal for the median).
        failed: ``{member: reason}`` of the members left out.
        validation_mae: ``{member: MAE}`` of the members used that had one.
        note: one sentence on members left out or missing weights; "" if none.
    """

    values: np.ndarray
    columns: dict[str, np.ndarray]
    weights: dict[str, float]
    failed: dict[str, str]
    validation_mae: dict[str, float]
    note: str


def _combined(
    matrix: np.ndarray, combine: str, weights: Mapping[str, float], members: list[str]
) -> np.ndarray:
    """The median (per step) or weighted mean of ``matrix`` (steps x members)."""
    if combine == "median":
        return np.median(matrix, axis=1).astype(float)
    w = np.array([weights[m] for m in members])
    return (matrix @ w).astype(float)


def inverse_mae_weights(
    members: Sequence[str], validation_mae: Mapping[str, float]
) -> tuple[dict[str, float], list[str]]:
    """Weights proportional to 1 / validation MAE, summing to 1.

    A member without a finite validation MAE gets the mean raw weight of the
    others (equal weights when none has one); members with a zero MAE share all
    the weight.

    Returns:
        ``(weights, members_without_a_validation_error)``.
    """
    mae = {m: float(validation_mae.get(m, np.nan)) for m in members}
    known = {m: v for m, v in mae.items() if np.isfinite(v) and v >= 0}
    missing = [m for m in members if m not in known]
    if any(v == 0 for v in known.values()):
        raw = {m: float(known.get(m) == 0) for m in members}
    elif known:
        raw = {m: 1.0 / v for m, v in known.items()}
        mean = float(np.mean(list(raw.values())))
        raw.update(dict.fromkeys(missing, mean))
    else:
        raw = dict.fromkeys(members, 1.0)
    total = sum(raw.values())
    return {m: raw[m] / total for m in members}, missing


def _fit_members(
    ensemble: EnsembleForecaster, names: Sequence[str], y: pd.Series
) -> tuple[dict[str, pd.Series], dict[str, BaseForecaster], dict[str, str]]:
    """Fit each member on ``y``; a ConvLSTMError leaves that member out, but a
    bad setting (ParameterError) is the caller's to fix, so it is raised: an
    "ensemble" of one member would otherwise be scored as the ensemble."""
    forecasts, fitted, failed = {}, {}, {}
    for name in names:
        model = ensemble.make_member(name)
        try:
            forecasts[name] = model.fit(y).predict()
        except ParameterError:
            raise
        except ConvLSTMError as exc:
            log.info("ensemble member %s failed: %s", name, exc)
            failed[name] = str(exc)
            continue
        fitted[name] = model
    return forecasts, fitted, failed
