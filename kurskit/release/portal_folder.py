"""The learner portal's folder: release notebooks arranged by course, under German titles.

Voilà's overview lists names, so folders and files carry the course and module titles
(`layout.portal_path`). The notebooks are copies of nbgrader's release versions: no key
ever lands here. Beside them, `layout.portal_views` records the lightest view that can
show each module: Voilà for a module with an interactive element, the HTML page otherwise.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kurskit import layout
from kurskit.authoring.catalog import Catalog


def build_portal(catalog: Catalog, grading_root: Path, portal_dir: Path) -> list[Path]:
    """Copy every released module into portal_dir; returns the notebooks written."""
    if portal_dir.exists():
        shutil.rmtree(portal_dir)
    portal_dir.mkdir(parents=True)
    written, views = [], {}
    for course in catalog.courses:
        for module in course.modules:
            release = layout.release_notebook(grading_root, module.id, module.filename)
            if not release.is_file():
                raise FileNotFoundError(f"{module.id} has not been released: {release} missing")
            target = portal_dir / layout.portal_path(course, module)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(release, target)
            written.append(target)
            views[layout.portal_path(course, module)] = module.view
    layout.portal_views(portal_dir).write_text(
        json.dumps(views, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    return written
