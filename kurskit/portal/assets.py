"""Files the portal serves: Voilà's `kurskit` template (the overview and the Voilà view)
and the module page's template, stylesheet and script."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
VOILA_TEMPLATES = HERE / "templates"  # put on JUPYTER_PATH for Voilà
VOILA_TEMPLATE = "kurskit"
PAGE_TEMPLATES = HERE / "templates" / "lernseite"
STATIC = HERE / "static"
