"""Voilà's bundle, fetched while the learner still reads the page the module opens from.

A Voilà module page loads about 90 scripts, style sheets and a font (Voilà's bundle chunks,
the widget extensions') one batch after another as its scripts ask for them. When a whole
office opens a module at once, each of those requests queues in the portal's one event loop
behind the other learners' pages and kernel messages: a first visit then waited ≈ 0.8 s
longer than one with the files in the browser's cache. So the pages a learner opens an
interactive module from (the course overview, „Meine Kurse“) name these files as
`<link rel="prefetch">`: the browser fetches them at idle priority while the learner reads,
and Chromium takes a prefetched file from its cache, without asking the server again, when
a page needs it within 5 minutes. That rule does not hold for files the server marks
`no-cache`, as jupyter_server marks the widget extensions' files: the listed ones carry a hash
of their content in their names, so the portal serves them as immutable (`immutable_paths`).

`voila_bundle.txt` lists the files (what Chromium loaded for a module page with the pinned
Voilà and ipywidgets, the addresses as the page asks for them); the browser test in
`tests/portal/test_elements_browser.py` compares it with what Chromium loads now and names
the lines to change after an upgrade.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib.resources import files

# a webpack file name that carries its content's hash: `718.a7a3f80ef4813fab.js`
HASHED = re.compile(r"/[\w.-]*\.[0-9a-f]{16,}\.js$")


@cache
def bundle() -> tuple[str, ...]:
    """The listed files, below the portal's base URL."""
    text = files("kurskit.portal").joinpath("voila_bundle.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


@cache
def prefetch_links(base_url: str) -> str:
    """`<link rel="prefetch">` for every file of the bundle, for a page's head."""
    return "".join(f'<link rel="prefetch" href="{html.escape(base_url + path)}">'
                   for path in bundle())


def immutable_paths(base_url: str) -> list[str]:
    """The widget extensions' listed files, for jupyter_server's `static_immutable_cache`
    (prefixes of request paths): each name carries its content's hash, so a new version
    is a new address and a browser may keep this one for good."""
    return [base_url + path.split("?")[0] for path in bundle()
            if "/labextensions/" in path and HASHED.search(path.split("?")[0])]
