"""The library never imports streamlit and never prints."""

import ast
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[2] / "convlstm"
FILES = sorted(LIB.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(LIB)))
def test_no_streamlit_and_no_print(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert name.split(".")[0] != "streamlit", f"{path.name} imports {name}"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
            and path.name not in ("cli.py", "__main__.py")
        ):
            pytest.fail(f"{path.name}:{node.lineno} calls print()")


def test_files_found():
    assert len(FILES) > 5


def test_only_training_takes_optimisation_steps():
    """The one training loop: no other library module calls ``<optimiser>.step()``."""
    offenders = []
    for path in FILES:
        if path == LIB / "training.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("step", "backward")
            ):
                offenders.append(f"{path.relative_to(LIB)}:{node.lineno}")
    assert not offenders, f"optimisation steps outside training.py: {offenders}"
    training = ast.parse((LIB / "training.py").read_text(encoding="utf-8"))
    steps = [
        n
        for n in ast.walk(training)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "step"
    ]
    assert steps, "training.py should hold the optimiser's step"
