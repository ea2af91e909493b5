"""Is every module released, and is each release newer than its source?

The handbook's lesson pages and the portal are made from the release notebooks, so a
missing or stale release must stop the build with a message that says what to run.
"""

from __future__ import annotations

from pathlib import Path

from kurskit import layout
from kurskit.authoring.catalog import Catalog


def release_problems(catalog: Catalog, grading_root: Path) -> list[str]:
    """Why the handbook cannot be built from the releases ([] when it can)."""
    problems = []
    for module in catalog.modules:
        release = layout.release_notebook(grading_root, module.id, module.filename)
        if not release.is_file():
            problems.append(f"{module.id}: release notebook missing ({release})")
        elif release.stat().st_mtime < module.path.stat().st_mtime:
            problems.append(f"{module.id}: release notebook is older than its source "
                            f"{module.path}")
    return problems
