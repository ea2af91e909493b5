"""Shared fixtures: throw-away kurskit projects built from the fixture course or the real one."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kurskit import layout, nbgrader_course
from kurskit.authoring.catalog import load_catalog
from kurskit.layout import Project
from kurskit.release.build import release_all

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
    shutil.copy2(layout.config_file(REPO / "grading"), layout.config_file(root / "grading"))
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


# Learners of the graded fixture course: distinctive ids and names, so that a test that
# greps the built site for them cannot miss a leak or trip over an ordinary word.
LEARNER_NAMES = {
    "lern-q7-anna": ("Annegret", "Quastenberg"),
    "lern-q7-bernd": ("Bernwald", "Zylinsky"),
    "lern-q7-carla": ("Carlotta", "Wendebrunn"),
    "lern-q7-dirk": ("Dirkmar", "Hollerbusch"),
    "lern-q7-emma": ("Emmeline", "Sturmfeder"),
    "lern-q7-fritz": ("Fritzhold", "Kranichsteg"),
}
FULL = {"frist": "72 Stunden", "grundsaetze": ["Datenminimierung", "Zweckbindung"],
        "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                             "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}
# (learner, module, answers, submitted at): module 01 has six learners (four pass, 60 % of
# 4 points), module 02 only three — too few to be shown anywhere
GRADED_SUBMISSIONS = [
    ("lern-q7-anna", "01", FULL, "2026-03-02 10:00"),
    ("lern-q7-bernd", "01", FULL, "2026-03-03 11:00"),
    ("lern-q7-fritz", "01", {"frist": "72 Stunden"}, "2026-03-04 09:00"),
    ("lern-q7-carla", "01", {"frist": "72 Stunden",
                             "rechtsgrundlagen": FULL["rechtsgrundlagen"]}, "2026-03-10 14:00"),
    ("lern-q7-dirk", "01", {"frist": "72 Stunden", "grundsaetze": FULL["grundsaetze"]},
     "2026-03-11 15:00"),
    ("lern-q7-emma", "01", {"frist": "72 Stunden"}, "2026-03-18 08:30"),
    ("lern-q7-fritz", "01", FULL, "2026-03-19 16:00"),
    ("lern-q7-anna", "02", {"meldefrist": 72}, "2026-03-05 10:00"),
    ("lern-q7-bernd", "02", {"meldefrist": 24}, "2026-03-12 10:00"),
    ("lern-q7-carla", "02", {"meldefrist": 72, "artikel": "Art. 33"}, "2026-03-20 10:00"),
]


def submit_as(project: Project, learner: str, module_id: str, notebook: str,
              answers: dict, submitted_at: str) -> None:
    """Store an attempt as the grading service does, dated `submitted_at` (UTC), autograde."""
    from datetime import UTC, datetime

    from kurskit.grading import attempts
    from kurskit.grading.notebook_files import read_notebook
    from kurskit.grading.submission import build_submission

    root = project.grading
    release = read_notebook(layout.release_notebook(root, module_id, notebook))
    with nbgrader_course.course_lock(root):
        attempt = attempts.store(root, learner, module_id, notebook,
                                 build_submission(release, answers), answers)
        stamp = datetime.strptime(submitted_at, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        (attempt.path / layout.TIMESTAMP).write_text(
            stamp.strftime(nbgrader_course.TIMESTAMP_FORMAT), "utf-8")
        attempts.make_current(root, attempt)
        nbgrader_course.autograde(root, module_id, learner, notebook, lock=False)


@pytest.fixture(scope="session")
def graded_example(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The fixture course released, with ten submissions of six named learners graded by
    real nbgrader (see GRADED_SUBMISSIONS)."""
    from nbgrader.api import Gradebook

    project = make_project(tmp_path_factory.mktemp("benotet") / "projekt", FIXTURES / "courses")
    release_all(project)
    with Gradebook(nbgrader_course.db_url(project.grading)) as gradebook:
        for learner, (first, last) in LEARNER_NAMES.items():
            gradebook.update_or_create_student(learner, first_name=first, last_name=last,
                                               email=f"{first}.{last}@example.org".lower())
    notebooks = {"01": "01-kurz.ipynb", "02": "02-weitere.ipynb"}
    modules = {"01": "beispiel-01-kurz", "02": "beispiel-02-weitere"}
    for learner, module, answers, when in GRADED_SUBMISSIONS:
        submit_as(project, learner, modules[module], notebooks[module], answers, when)
    return project


@pytest.fixture(scope="session")
def serve_site():
    """Serve a built handbook over HTTP on a free port (as `kurskit start` does)."""
    import subprocess
    import sys

    from kurskit.start import wait_for_port

    servers = []

    def serve(site: Path) -> str:
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers.append(server)
        assert wait_for_port(port, 30, server)
        return f"http://127.0.0.1:{port}"

    yield serve
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def hub_stack():
    """`kurskit start --hub` for the fixture course and four accounts, once per session
    (tests/hub_stack.py); skipped without PostgreSQL or the proxy unless
    KURSKIT_REQUIRE_BROWSER=1."""
    from hub_stack import hub_stack as start_hub_stack
    from kurskit.hub.postgres import PostgresError, program

    try:
        program("initdb")
    except PostgresError as missing:
        _require(False, str(missing))
    _require(Project(REPO).proxy_command.exists(),
             "configurable-http-proxy is missing (make install: npm ci --prefix deploy/proxy)")
    with start_hub_stack() as stack:
        yield stack
