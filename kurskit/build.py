"""`kurskit build`: release every module with nbgrader, arrange the portal, aggregate the
progress report, build the handbook."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kurskit import grading, report
from kurskit.catalog import load_catalog
from kurskit.handbook.lessons import release_problems
from kurskit.module_notebook import Problem
from kurskit.portal import build_portal


class BuildError(RuntimeError):
    pass


@dataclass
class Project:
    """Where things live; every path derives from the project root."""

    root: Path

    @property
    def courses(self) -> Path:
        return self.root / "courses"

    @property
    def grading(self) -> Path:
        return self.root / "grading"

    @property
    def portal(self) -> Path:
        return self.root / "build" / "portal"

    @property
    def site(self) -> Path:
        return self.root / "build" / "site"

    @property
    def report(self) -> Path:
        return self.root / report.OUTPUT

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"


def release_all(project: Project, progress: Callable[[str], None] | None = None) -> list[Path]:
    catalog = load_catalog(project.courses)
    problems: list[Problem] = catalog.problems
    if problems:
        raise BuildError("the courses have problems; run `kurskit check`:\n"
                         + "\n".join(str(p) for p in problems))
    released = []
    for number, module in enumerate(catalog.modules, start=1):
        if progress:
            progress(f"[{number}/{len(catalog.modules)}] releasing {module.id}")
        released.append(grading.release_module(project.grading, module))
    build_portal(catalog, project.grading, project.portal)
    return released


def build_site(project: Project) -> Path:
    """mkdocs build --strict into build/site (the plugin generates the course pages).

    Lesson pages are made from the release notebooks, so they must exist and be newer
    than their sources.
    """
    catalog = load_catalog(project.courses)
    if catalog.problems:
        raise BuildError("the courses have problems; run `kurskit check`:\n"
                         + "\n".join(str(p) for p in catalog.problems))
    stale = release_problems(catalog, project.grading)
    if stale:
        raise BuildError("the handbook is made from the release notebooks; run `kurskit build` "
                         "to release the modules first:\n" + "\n".join(stale))
    env = dict(os.environ, KURSKIT_ROOT=str(project.root), NO_MKDOCS_2_WARNING="1")
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(project.mkdocs_yml)],
        cwd=project.root, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BuildError(f"mkdocs build failed:\n{completed.stdout}{completed.stderr}")
    return project.site


def build(project: Project, progress: Callable[[str], None] | None = None) -> None:
    release_all(project, progress)
    if (project.grading / "gradebook.db").is_file():  # nbgrader makes it on the first release
        report.make_report(project.grading, load_catalog(project.courses), project.report,
                           progress)
    if progress:
        progress("building the handbook")
    build_site(project)
