"""Error types: every error the library raises on purpose derives from ConvLSTMError."""


class ConvLSTMError(Exception):
    """Base class of every error raised on purpose by the library.

    Messages say what is wrong, where, and what to do about it; they are meant to be
    shown to the user as they are.
    """


class DataError(ConvLSTMError, ValueError):
    """The input data (a file, a series, a column) cannot be used as it is."""


class ParameterError(ConvLSTMError, ValueError):
    """A setting (hyperparameter, horizon, level, option) cannot be used as given."""


class NotFittedError(ConvLSTMError, AttributeError):
    """A forecaster was asked to predict (or save) before ``fit`` was called."""


class TrainingError(ConvLSTMError, RuntimeError):
    """Training failed: non-finite (NaN/inf) loss or out of memory."""


class PanelFitWarning(UserWarning):
    """Some series of a panel could not be fitted: they have no forecast, and the
    model's ``failed_`` says why (the comparison and the CLI report them in
    their own words and silence this warning)."""
