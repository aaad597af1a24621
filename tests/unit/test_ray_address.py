"""A Ray address that does not answer is said at once (Ray retries it for ever);
CONVLSTM_ENGINE is read alike by the CLI and the library."""

import pytest

from convlstm.errors import ConvLSTMError
from convlstm.ray_engine import _check_reachable


def test_an_address_nobody_answers_is_refused_in_words():
    with pytest.raises(ConvLSTMError, match="cannot reach the Ray cluster at"):
        _check_reachable("127.0.0.1:1")
    _check_reachable("auto")  # Ray's own forms are Ray's to check
    _check_reachable("ray://127.0.0.1:10001")


@pytest.mark.parametrize(("value", "engine"), [(" RAY", "ray"), ("", "local")])
def test_the_cli_reads_convlstm_engine_as_the_library_does(monkeypatch, value, engine):
    from convlstm.cli import build_parser

    monkeypatch.setenv("CONVLSTM_ENGINE", value)
    args = build_parser().parse_args(
        ["forecast", "--dataset", "wine", "--model", "ets"]
    )
    assert args.engine == engine
