"""The package's layering stays true: imports point down only, and no module cycle.

Layers, bottom to top (README, "Layout"): base (errors, records, atomic) < text < formats <
align < terms < tm < build < cli, web. A module may import its own layer or lower ones. Every
import statement counts (lazy imports inside functions too); imports under ``if
TYPE_CHECKING:`` are annotations only and count for the direction, not for cycles. The
package's own ``__init__`` (a lazy facade over the public names) and ``__main__`` sit outside.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import ROOT

LAYERS = {"errors": 0, "records": 0, "atomic": 0, "paths": 0, "hosts": 0, "text": 1, "formats": 2, "align": 3,
          "terms": 4, "tm": 5, "build": 6, "cli": 7, "web": 7}
PEERS_APART = {"cli": "web", "web": "cli"}  # the two user interfaces never import each other
OUTSIDE = {"zhtm", "zhtm.__main__"}


def module_name(package_root: Path, path: Path) -> str:
    parts = path.relative_to(package_root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(package_root: Path) -> dict[str, list[tuple[str, int, bool]]]:
    """module -> [(imported zhtm module, line, annotations only)] for every module."""
    graph: dict[str, list[tuple[str, int, bool]]] = {}
    top = package_root.name
    for path in sorted(package_root.rglob("*.py")):
        name = module_name(package_root, path)
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        typing_only = _type_checking_lines(tree)
        found = []
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                if not node.module:  # from . import x: x may be a module
                    targets = [f"{stem}.{a.name}" for a in node.names]
                else:
                    targets = [stem]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target == top or target.startswith(top + "."):
                    found.append((target, node.lineno, node.lineno in typing_only))
        graph[name] = found
    return graph


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(package_root: Path) -> list[str]:
    """Every upward or sideways-forbidden import and every cycle, as readable lines."""
    graph = imports_of(package_root)
    known = set(graph)
    problems = []
    edges: dict[str, set[str]] = {m: set() for m in graph}
    for module, found in graph.items():
        if module in OUTSIDE:
            continue
        own = layer_of(module)
        for target, line, typing_only in found:
            # `from zhtm.x import name` and `from zhtm.x import module` both land on a module
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target == "zhtm":  # __version__ only
                continue
            other = layer_of(target)
            if own not in LAYERS or other not in LAYERS:
                problems.append(f"{module}:{line}: {target} is in no known layer")
                continue
            if LAYERS[other] > LAYERS[own] or PEERS_APART.get(own) == other:
                problems.append(f"{module}:{line}: imports {target} ({other} is above {own})")
            if not typing_only and target != module:
                edges[module].add(target)
    problems += [f"import cycle: {' -> '.join(c)}" for c in _cycles(edges)]
    return problems


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component larger than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component) + [sorted(component)[0]])

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_zhtm_imports_point_down_and_form_no_cycle() -> None:
    assert violations(ROOT / "src" / "zhtm") == []


def test_every_module_sits_in_a_layer() -> None:
    modules = imports_of(ROOT / "src" / "zhtm")
    loose = [m for m in modules if m not in OUTSIDE and layer_of(m) not in LAYERS]
    assert loose == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / "zhtm" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "zhtm"


@pytest.mark.parametrize("files, expected", [
    ({"formats/__init__.py": "", "terms/__init__.py": "",
      "formats/tbx.py": "def f():\n    from ..terms.extract import x\n",
      "terms/extract.py": "x = 1\n"},
     "zhtm.formats.tbx:2: imports zhtm.terms.extract (terms is above formats)"),
    ({"text/__init__.py": "", "cli/__init__.py": "",
      "text/segment.py": "import zhtm.cli.main\n", "cli/main.py": ""},
     "zhtm.text.segment:1: imports zhtm.cli.main (cli is above text)"),
    ({"web/__init__.py": "", "cli/__init__.py": "",
      "web/app.py": "from zhtm.cli import main\n"},
     "zhtm.web.app:1: imports zhtm.cli (cli is above web)"),
    ({"tm/__init__.py": "", "tm/a.py": "from . import b\n", "tm/b.py": "from .a import f\n"},
     "import cycle: zhtm.tm.a -> zhtm.tm.b -> zhtm.tm.a"),
])
def test_the_check_finds_upward_imports_and_cycles(tmp_path: Path, files, expected) -> None:
    assert violations(_tree(tmp_path, files)) == [expected]


def test_annotation_only_imports_make_no_cycle(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "tm/__init__.py": "",
        "tm/fuzzy.py": "from .bound import f\n",
        "tm/bound.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .fuzzy import X\n"})
    assert violations(root) == []
