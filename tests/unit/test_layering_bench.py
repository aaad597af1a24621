"""The library does not read the benchmark folder: no file under convlstm/ imports
bench or names a path into it (docstrings and comments may mention it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[2] / "convlstm"
FILES = sorted(LIB.rglob("*.py"))
# "bench" as a path component ("bench/results.json", the part "bench") or a module
# ("bench.run").
_BENCH = re.compile(r"(^|[/\\])bench([/\\.]|$)")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                out.add(id(body[0].value))
    return out


def bench_references(source: str) -> list[str]:
    """Imports of bench and strings naming the bench folder, outside docstrings."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "bench"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            if (node.module or "").split(".")[0] == "bench":
                found.append(node.module)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and _BENCH.search(node.value)
        ):
            found.append(f"line {node.lineno}: {node.value!r}")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(LIB)))
def test_library_does_not_refer_to_bench(path):
    assert bench_references(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import bench.run",
        "from bench import run",
        "from bench.run import write",
        'RESULTS = ROOT / "bench" / "results.json"',
        'RESULTS = Path("bench/results.json")',
        'importlib.import_module("bench.run")',
    ],
)
def test_detector_finds_each_way_of_reaching_bench(source):
    assert bench_references(source)


def test_detector_allows_docstrings_and_other_words():
    source = '"""Measured with ``python -m bench.run``."""\nx = "benchmark"\n'
    assert bench_references(source) == []
