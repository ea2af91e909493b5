"""Shared fixtures: throw-away kurskit projects built from the fixture course or the real one."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kurskit import grading
from kurskit.build import Project, release_all
from kurskit.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def no_running_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widget tests must never reach a developer's running grading service."""
    monkeypatch.setenv("KURSKIT_SERVICE_URL", "http://127.0.0.1:9")


def make_project(root: Path, courses: Path) -> Project:
    """A project root with the given courses, the tracked nbgrader config and handbook."""
    shutil.copytree(courses, root / "courses")
    (root / "grading").mkdir(parents=True)
    shutil.copy2(REPO / "grading" / grading.CONFIG_FILE, root / "grading" / grading.CONFIG_FILE)
    shutil.copytree(REPO / "site", root / "site")
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return Project(root)


@pytest.fixture
def example_project(tmp_path: Path) -> Project:
    """The small fixture course (one module, one question of each type), not released."""
    return make_project(tmp_path / "projekt", FIXTURES / "courses")


@pytest.fixture
def released_example(example_project: Project) -> Project:
    """The fixture course released through real nbgrader, portal arranged."""
    release_all(example_project)
    return example_project


@pytest.fixture(scope="session")
def released_real(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The real catalogue from courses/, released once per test session."""
    project = make_project(tmp_path_factory.mktemp("echt") / "projekt", REPO / "courses")
    release_all(project)
    return project


@pytest.fixture(scope="session")
def real_catalog():
    return load_catalog(REPO / "courses")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Real Chromium driven by Playwright; skipped without it unless KURSKIT_REQUIRE_BROWSER=1."""
    _require(CHROMIUM.exists(), "/usr/bin/chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _require(condition: bool, what: str) -> None:
    if not condition:
        if os.environ.get("KURSKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KURSKIT_REQUIRE_BROWSER=1 but {what}")
        pytest.skip(what)


def axe_violations(page) -> list[str]:
    """Run axe-core (from npm) with the WCAG 2.1 A/AA rules; one line per violation."""
    _require(AXE.is_file(), f"{AXE} is missing (npm ci --prefix tests/js)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG21_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(f"{n['target']} {n['html'][:120]}" for n in v["nodes"][:5])
            for v in result["violations"]]
