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
