"""Seeded random uploads (``tests.fuzz``) end in a forecast or a ConvLSTMError,
never a crash: a few seeds of what ``python -m tests.fuzz`` searches further."""

from tests.fuzz import crashes


def test_random_uploads_end_in_a_forecast_or_a_clear_error():
    found = crashes(0, files=40, models=("Seasonal naive", "Theta"))
    assert not found, "\n\n".join(f"{c.stage}: {c.error}\n{c.trace}" for c in found)
