"""The learner portal: release notebooks arranged by course, with a German overview.

Folder and file names carry the German titles, because Voilà's overview lists names.
The notebooks are copies of nbgrader's release versions: no key ever lands here.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

from kurskit.catalog import Catalog, Course, Module

TEMPLATES = Path(__file__).parent / "templates"  # put on JUPYTER_PATH for Voilà
TEMPLATE_NAME = "kurskit"


def _safe(name: str) -> str:
    return name.replace("/", "-").replace("\\", "-").strip()


def portal_path(course: Course, module: Module) -> str:
    """Path of a module below the portal root, e.g. 'Datenschutz …/01 Grundlagen ….ipynb'."""
    number = module.filename.split("-", 1)[0]
    return f"{_safe(course.title)}/{number} {_safe(module.title)}.ipynb"


def portal_url(base: str, course: Course, module: Module) -> str:
    """Where a module opens: its page (or, with `--module-view voila`, a redirect to Voilà)."""
    return f"{base.rstrip('/')}/lernen/{quote(portal_path(course, module))}"


def build_portal(catalog: Catalog, grading_root: Path, portal_dir: Path) -> list[Path]:
    """Copy every released module into portal_dir; returns the notebooks written."""
    if portal_dir.exists():
        shutil.rmtree(portal_dir)
    portal_dir.mkdir(parents=True)
    written = []
    for course in catalog.courses:
        for module in course.modules:
            release = grading_root / "release" / module.id / module.filename
            if not release.is_file():
                raise FileNotFoundError(f"{module.id} has not been released: {release} missing")
            target = portal_dir / portal_path(course, module)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(release, target)
            written.append(target)
    return written
