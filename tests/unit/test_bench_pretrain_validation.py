"""bench.pretrain_validation: it scores only networks pretrained with --holdout."""

import json

import pytest

from bench import pretrain_validation
from convlstm import pretrained


def test_weights_not_pretrained_with_holdout_are_refused(tmp_path, capsys):
    # the shipped weights saw the points the validation scores
    with pytest.raises(SystemExit) as exc:
        pretrain_validation.main([str(pretrained.WEIGHTS_DIR)])
    assert exc.value.code == 2
    assert "--holdout" in capsys.readouterr().err
    card = json.loads(pretrained.CARD_PATH.read_text())
    card["holdout"] = False
    (tmp_path / "card.json").write_text(json.dumps(card))
    with pytest.raises(SystemExit):
        pretrain_validation.main([str(tmp_path)])


def test_tourism_validation_takes_any_weights(monkeypatch, capsys):
    # no corpus holds Tourism: the shipped weights are scored on its validation
    # parts, with its metrics
    seen = {}

    def fake(weights, model, sample, seed=0, jobs=1, tune=None, on="m3"):
        seen[model] = on
        s = {"mase": 1.5, "mape": 20.0}
        none = {"mase": None, "mape": None}  # no network for yearly series here
        by_type = {"yearly": none, "quarterly": s, "monthly": s}
        return {"overall": s, "by_type": by_type, "seconds": 1.0}

    monkeypatch.setattr(pretrain_validation, "validate", fake)
    args = [str(pretrained.WEIGHTS_DIR), "--set", "tourism", "--sample", "2"]
    assert pretrain_validation.main(args) == 0
    out = capsys.readouterr().out
    assert seen == {pretrain_validation.ZERO_SHOT: "tourism"}
    assert "Tourism validation" in out and "MASE / MAPE" in out
    assert "| 1.500 / 20.00 | - / - | 1.500 / 20.00 | 1.500 / 20.00 |" in out
