"""BaseForecaster: the estimator contract shared by every forecaster.

scikit-learn style: keyword-only hyperparameters stored verbatim in ``__init__``,
validation in ``fit``, fitted attributes end in ``_``, ``predict`` before ``fit``
raises :class:`~convlstm.errors.NotFittedError`.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any, Self

import pandas as pd

from ..errors import NotFittedError, ParameterError

__all__ = ["BaseForecaster"]


class BaseForecaster:
    """Common plumbing: parameters, cloning, repr and the fitted check.

    Subclasses define ``__init__`` with keyword-only hyperparameters (each stored
    under its own name), ``fit(y) -> Self`` and ``predict() -> pd.Series``.
    """

    #: short display name used in tables and charts
    display_name: str = "model"

    @classmethod
    def param_names(cls) -> list[str]:
        """Return the names of the constructor's keyword arguments."""
        sig = inspect.signature(cls.__init__)
        return [
            name
            for name, p in sig.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def get_params(self) -> dict[str, Any]:
        """Return the hyperparameters (the constructor's keyword arguments)."""
        return {name: getattr(self, name) for name in self.param_names()}

    def set_params(self, **params: Any) -> Self:
        """Set hyperparameters by name; unknown names raise ``ParameterError``."""
        valid = set(self.param_names())
        for name, value in params.items():
            if name not in valid:
                raise ParameterError(
                    f"{type(self).__name__} has no parameter {name!r}; "
                    f"valid parameters: {', '.join(sorted(valid))}"
                )
            setattr(self, name, value)
        return self

    def clone(self) -> Self:
        """Return an unfitted copy with the same hyperparameters."""
        return type(self)(**copy.deepcopy(self.get_params()))

    def __repr__(self) -> str:
        defaults = {
            name: p.default
            for name, p in inspect.signature(type(self).__init__).parameters.items()
        }
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if not (defaults.get(k) is v or _safe_eq(defaults.get(k), v))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    @property
    def is_fitted(self) -> bool:
        """Whether ``fit`` has completed on this instance."""
        return getattr(self, "index_", None) is not None

    def _check_fitted(self) -> None:
        if not self.is_fitted:
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet: call fit(y) before "
                "predict()."
            )

    def fit(self, y: pd.Series) -> Self:  # pragma: no cover - interface
        """Fit to the series ``y`` and return ``self``."""
        raise NotImplementedError

    def predict(self) -> pd.Series:  # pragma: no cover - interface
        """Forecast the next ``horizon`` steps after the end of the fitted series."""
        raise NotImplementedError


def _safe_eq(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
