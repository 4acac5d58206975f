"""The layout's import direction, checked by walking every import of the code (README, "Layout"):

    cli -> flows -> site -> ingest -> transforms / expectations / warehouse -> ground floor (benchmart/*.py)

A room imports only rooms below it (siblings on one floor do not import each other), nothing imports a
generic top-level name (`flows`, `transforms`, ...), and there is no import loop between modules.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = {"cli": "cli", "flows": "flows", "site": "site", "ingest": "ingest", "transforms": "transforms", "expectations": "expectations",
         "warehouse": "warehouse", "benchmart": "ground"}
FLOOR = {"cli": 5, "flows": 4, "site": 3, "ingest": 2, "transforms": 1, "expectations": 1, "warehouse": 1, "ground": 0}
GENERIC = {"cli", "flows", "site", "ingest", "transforms", "expectations", "warehouse", "catalog"}


def _modules() -> dict[str, Path]:
    """benchmart.<...> module name -> file, for every module of every room."""
    found = {}
    for folder in ROOMS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            prefix = ["benchmart"] if folder == "benchmart" else ["benchmart", folder]
            found[".".join(prefix + parts)] = path
    return found


MODULES = _modules()


def _room(module: str) -> str:
    parts = module.split(".")
    return ROOMS.get(parts[1], "ground") if len(parts) > 1 and parts[1] in ROOMS else "ground"


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    """(imported benchmart module, line) for every import in the file, resolved to the nearest known module."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        for name in names:
            out += [(name, node.lineno)]
    return out


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for name, _ in _imports(module, path):
            target = _resolve(name) if name.startswith("benchmart") else None
            if target and target != module and not module.startswith(target + "."):  # a package's own __init__ is not an edge up
                graph[module].add(target)
    return graph


def test_the_walk_sees_every_room():
    assert {_room(m) for m in MODULES} == set(FLOOR)
    assert len(MODULES) > 60


def test_rooms_import_only_rooms_below_them():
    wrong = []
    for module, targets in _edges().items():
        for target in targets:
            a, b = _room(module), _room(target)
            if a != b and FLOOR[b] >= FLOOR[a]:
                wrong.append(f"{module} ({a}) imports {target} ({b})")
    assert not wrong, "\n".join(sorted(wrong))


def test_nothing_imports_a_generic_top_level_name():
    wrong = [f"{MODULES[m]}:{line} imports {name}" for m in MODULES for name, line in _imports(m, MODULES[m])
             if name.split(".")[0] in GENERIC]
    assert not wrong, "\n".join(wrong)


def test_there_is_no_import_loop():
    graph, state, loops = _edges(), {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                loops.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not loops, "\n".join(loops)


@pytest.mark.parametrize("bad", ["from benchmart.flows.nightly import nightly", "import benchmart.cli"])
def test_the_walk_catches_an_upward_import(tmp_path, bad):
    """The checker itself can fail: an upward import in a transform is reported."""
    path = ROOT / "transforms" / "names.py"
    edges = {(name, line) for name, line in _imports("benchmart.transforms.names", path)}
    probe = tmp_path / "probe.py"
    probe.write_text(bad + "\n")
    found = [_resolve(n) for n, _ in _imports("benchmart.transforms.probe", probe)]
    assert any(FLOOR[_room(t)] > FLOOR["transforms"] for t in found if t)
    assert edges  # names.py imports something real (polars at least)


def test_the_postgres_marker_selects_the_postgresql_tests():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "postgres", "-p", "no:xdist", str(ROOT / "tests")],
                         capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)
    selected = [line for line in out.stdout.splitlines() if "::" in line]
    assert len(selected) >= 10, out.stdout[-2000:]
