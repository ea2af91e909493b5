"""`kurskit build`: release every module with nbgrader, arrange the portal, aggregate the
progress report, build the handbook."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from kurskit import deployment, nbgrader_course
from kurskit.authoring.catalog import Catalog, load_catalog
from kurskit.layout import Project
from kurskit.release.freshness import release_problems
from kurskit.release.portal_folder import build_portal
from kurskit.reporting.progress import make_report


class BuildError(RuntimeError):
    pass


def _clean_catalog(project: Project) -> Catalog:
    catalog = load_catalog(project.courses)
    if catalog.problems:
        raise BuildError("the courses have problems; run `kurskit check`:\n"
                         + "\n".join(str(p) for p in catalog.problems))
    return catalog


def release_all(project: Project, progress: Callable[[str], None] | None = None) -> list[Path]:
    catalog = _clean_catalog(project)
    released = []
    for number, module in enumerate(catalog.modules, start=1):
        if progress:
            progress(f"[{number}/{len(catalog.modules)}] releasing {module.id}")
        released.append(nbgrader_course.release_module(project.grading, module))
    build_portal(catalog, project.grading, project.portal)
    return released


def build_site(project: Project) -> Path:
    """mkdocs build --strict into build/site (the plugin generates the course pages).

    Lesson pages are made from the release notebooks, so they must exist and be newer
    than their sources.
    """
    catalog = _clean_catalog(project)
    stale = release_problems(catalog, project.grading)
    if stale:
        raise BuildError("the handbook is made from the release notebooks; run `kurskit build` "
                         "to release the modules first:\n" + "\n".join(stale))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env[deployment.ROOT] = str(project.root)
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(project.mkdocs_yml)],
        cwd=project.root, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BuildError(f"mkdocs build failed:\n{completed.stdout}{completed.stderr}")
    return project.site


def build(project: Project, progress: Callable[[str], None] | None = None) -> None:
    release_all(project, progress)
    if nbgrader_course.has_gradebook(project.grading):  # nbgrader makes it on release
        make_report(project.grading, load_catalog(project.courses), project.report, progress)
    if progress:
        progress("building the handbook")
    build_site(project)

