"""The house rules of the package, read from its own imports (nothing is run).

One package per stage of the data flow; no import cycle; grading never imports the HTTP
layer or the portal; the portal reaches grading only over HTTP, through its one client;
authoring never imports nbgrader; small modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "kurskit"
MAX_LINES = 400
STAGES = ["authoring", "release", "portal", "service", "grading", "reporting", "handbook"]


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions (TYPE_CHECKING too)."""
    found = set()
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1],
                                 *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


SOURCES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
IMPORTS = {name: {i for i in imports_of(path) if i in SOURCES or not i.startswith("kurskit")}
           for name, path in SOURCES.items()}


def kurskit_imports(name: str) -> set[str]:
    return {i for i in IMPORTS[name] if i in SOURCES and i != name}


def reaching(prefix: str, forbidden: str) -> list[tuple[str, str]]:
    return [(name, imported) for name in SOURCES if name.startswith(prefix)
            for imported in IMPORTS[name]
            if imported == forbidden or imported.startswith(forbidden + ".")]


def test_every_stage_of_the_data_flow_has_its_own_package():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage


def test_there_is_no_import_cycle():
    # `from kurskit.grading import inbox` names the package too; a package's __init__ imports
    # nothing (test below), so only edges between modules can close a cycle
    graph = {name: {i for i in kurskit_imports(name) if SOURCES[i].name != "__init__.py"}
             for name in SOURCES}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for imported in graph[name]:
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported):], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("prefix, forbidden", [
    ("kurskit.grading", "kurskit.service"),  # grading never imports the HTTP layer
    ("kurskit.grading", "kurskit.portal"),
    ("kurskit.portal", "kurskit.grading"),  # the portal reaches grading only over HTTP
    ("kurskit.portal", "kurskit.service"),
    ("kurskit.authoring", "nbgrader"),  # authoring never imports nbgrader
    ("kurskit.authoring", "kurskit.grading"),
    ("kurskit.authoring", "kurskit.nbgrader_course"),
    ("kurskit.reporting", "kurskit.service"),
    ("kurskit.layout", "kurskit.authoring"),  # only its type hints name the catalogue
])
def test_a_stage_never_reaches_into_another_it_must_not_know(prefix, forbidden):
    found = reaching(prefix, forbidden)
    if (prefix, forbidden) == ("kurskit.layout", "kurskit.authoring"):
        source = SOURCES["kurskit.layout"].read_text("utf-8")
        assert "if TYPE_CHECKING:\n    from kurskit.authoring" in source
        found = []
    assert found == []


def test_the_portal_has_one_client_of_the_grading_api():
    http = ("urllib.request", "tornado.httpclient", "httpx", "requests")
    callers = sorted({name for name in SOURCES if name.startswith("kurskit.portal")
                      for imported in IMPORTS[name] if imported.startswith(http)})
    assert callers == ["kurskit.portal.client"]


def test_a_package_face_imports_nothing():
    """Importing `kurskit.exercises` in a learner's kernel must not drag in a whole stage."""
    faces = {name: IMPORTS[name] - {"__future__"} for name, path in SOURCES.items()
             if path.name == "__init__.py"}
    assert faces == {name: set() for name in faces}


def test_every_module_is_small():
    large = {name: n for name, path in SOURCES.items()
             if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert large == {}


def test_course_notebooks_and_hidden_tests_keep_their_import_paths():
    assert "kurskit.exercises" in SOURCES and "kurskit.checks" in SOURCES
    assert kurskit_imports("kurskit.checks") == {"kurskit.authoring.checks"}
