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


ROOT = LIB.parent
PROJECT = ("convlstm", "ui", "pages", "bench")
PROJECT_FILES = sorted(
    [ROOT / "app.py"] + [p for d in PROJECT for p in (ROOT / d).rglob("*.py")]
)


def _private_imports(source: str, where: str) -> list[str]:
    """``from <project module> import _name`` statements of one file."""
    tree = ast.parse(source, filename=where)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module or ""
        if node.level == 0 and module.split(".")[0] not in PROJECT:
            continue
        for alias in node.names:
            name = alias.name
            if name.startswith("_") and not (
                name.startswith("__") and name.endswith("__")
            ):
                found.append(f"{where}:{node.lineno} imports {name}")
    return found


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_imported_across_modules(path):
    where = str(path.relative_to(ROOT))
    assert _private_imports(path.read_text(encoding="utf-8"), where) == []


def test_private_import_check_catches_one():
    source = (
        "from bench.run import _x\n"
        "from .run import _y as y\n"
        "from convlstm.data import season_length as _season_length\n"
        "from pandas import _libs\n"
        "from convlstm import __version__\n"
    )
    assert len(_private_imports(source, "probe.py")) == 2


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
