"""No class of the front ends grows past what a reader can hold: at most 25 attributes and 500 lines.

An attribute is a distinct ``self.NAME = ...`` in the class's own methods (tuple targets, augmented and
annotated assignments included) or a reactive declared on the class. A class past either bound holds
state that belongs to a component of its own (``diglot.tui.missing_models``, ``diglot.tui.arrivals``...).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parents[2] / "tui"
MAX_ATTRIBUTES = 25
MAX_LINES = 500


def _self_targets(target: ast.expr) -> set[str]:
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        return {target.attr}
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(_self_targets(element) for element in target.elts))
    if isinstance(target, ast.Starred):
        return _self_targets(target.value)
    return set()


def _own_nodes(cls: ast.ClassDef) -> list[ast.AST]:
    """The nodes of the class's body and methods, not those of classes nested in it."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = [node for node in cls.body if not isinstance(node, ast.ClassDef)]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.ClassDef))
    return found


def _is_reactive(value: ast.expr | None) -> bool:
    func = value.func if isinstance(value, ast.Call) else None
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in ("reactive", "var")


def attributes(cls: ast.ClassDef) -> set[str]:
    """The instance attributes ``cls`` assigns, and its reactives."""
    names: set[str] = set()
    for node in _own_nodes(cls):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names |= _self_targets(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            names |= _self_targets(node.target)
    for statement in cls.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if _is_reactive(statement.value):
                names.add(statement.target.id)
        elif isinstance(statement, ast.Assign) and _is_reactive(statement.value):
            names |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
    return names


def classes() -> list[tuple[str, ast.ClassDef]]:
    found = []
    for path in sorted(TUI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        nodes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
        found += [(f"{path.relative_to(TUI.parent)}:{node.name}", node) for node in nodes]
    return found


def test_the_measure_counts_attributes_and_reactives():
    source = (
        "class A:\n"
        "    x: reactive[int] = reactive(0)\n"
        "    def __init__(self):\n"
        "        self.a = self.b = 1\n"
        "        self.c, (self.d, self.e) = 1, (2, 3)\n"
        "        self.f: int = 0\n"
        "    def more(self):\n"
        "        self.a += 1\n"
        "        self.g = 2\n"
        "        other.h = 3\n"
        "        class Inner:\n"
        "            def __init__(self):\n"
        "                self.inner = 0\n"
    )
    cls = next(node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef))
    assert attributes(cls) == {"x", "a", "b", "c", "d", "e", "f", "g"}


def test_the_front_ends_have_classes_to_measure():
    assert any(name.endswith(":DiglotApp") for name, _ in classes())


@pytest.mark.parametrize(("name", "cls"), classes(), ids=[name for name, _ in classes()])
def test_no_class_holds_more_than_it_can_explain(name: str, cls: ast.ClassDef):
    lines = (cls.end_lineno or cls.lineno) - cls.lineno + 1
    held = attributes(cls)
    assert len(held) <= MAX_ATTRIBUTES, f"{name}: {len(held)} attributes: {sorted(held)}"
    assert lines <= MAX_LINES, f"{name}: {lines} lines"
