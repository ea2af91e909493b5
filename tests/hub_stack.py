"""The whole hub stack as `kurskit start --hub` runs it: real JupyterHub, its proxy from npm,
a PostgreSQL cluster of the project's own, the portal, the grading service and formgrader
as hub services — started once per test session (session fixture `hub_stack` in
conftest.py), on a free port, for the fixture course and four accounts.

PostgreSQL runs as `nobody`, so the project lies in a folder every account may enter
(pytest's own temporary folders are private to root).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests

from conftest import FIXTURES, REPO, free_port, make_project
from kurskit.authoring.catalog import load_catalog
from kurskit.hub import accounts
from kurskit.hub.postgres import Cluster
from kurskit.layout import Project, portal_path
from kurskit.release.build import release_all

PASSWORDS = {"anna": "anna-geheim-1", "bert": "bert-geheim-2", "tina": "tina-geheim-3",
             "frieda": "frieda-geheim-4", "carla": "carla-geheim-5"}
# carla passes the fixture course (tests/hub/test_hub_certificates.py)
ROLES = {"anna": "lernende", "bert": "lernende", "tina": "trainer", "frieda": "fuehrung",
         "carla": "lernende"}
MODULE = "beispiel-01-kurz"


@dataclass
class HubStack:
    url: str
    project: Project
    process: subprocess.Popen
    log: Path

    @property
    def db_url(self) -> str:
        return Cluster(self.project.postgres).url()

    def login(self, name: str) -> requests.Session:
        """A browser-like session logged in through the hub's login form."""
        session = requests.Session()
        session.get(f"{self.url}/hub/login")
        answer = session.post(f"{self.url}/hub/login?next=/services/portal/",
                              data={"username": name, "password": PASSWORDS[name],
                                    "_xsrf": session.cookies.get("_xsrf", path="/hub/")})
        assert answer.status_code == 200 and answer.url.startswith(
            f"{self.url}/services/portal/"), (answer.status_code, answer.url)
        return session

    def token(self, session: requests.Session, name: str, *scopes: str) -> str:
        """A hub token of the user (made with their own hub session)."""
        answer = session.post(f"{self.url}/hub/api/users/{name}/tokens",
                              json={"scopes": ["access:services!service=grading", *scopes],
                                    "note": "test"},
                              headers={"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/"),
                                       "Referer": f"{self.url}/hub/token"})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["token"])

    def page_path(self, module_id: str = MODULE) -> str:
        catalog = load_catalog(self.project.courses)
        module = catalog.module(module_id)
        assert module is not None
        course = next(c for c in catalog.courses if module in c.modules)
        return quote(portal_path(course, module))

    def page_url(self, module_id: str = MODULE) -> str:
        return f"{self.url}/services/portal/lernen/{self.page_path(module_id)}"

    def page_token(self, session: requests.Session, module_id: str = MODULE) -> dict[str, str]:
        """The header a module page's script sends with its calls (the page's XSRF token)."""
        found = re.search(r'name="_xsrf" value="([^"]+)"',
                          session.get(self.page_url(module_id)).text)
        assert found, "the module page carries no XSRF token"
        return {"X-XSRFToken": found.group(1)}

    def voila_url(self, module_id: str = MODULE) -> str:
        return f"{self.url}/services/portal/voila/render/{self.page_path(module_id)}"

    def api(self, path: str) -> str:
        return f"{self.url}/services/grading/api/v1{path}"


@contextmanager
def hub_stack() -> Iterator[HubStack]:
    folder = Path(tempfile.mkdtemp(prefix="kurskit-hub-"))
    folder.chmod(0o755)  # PostgreSQL's account must reach its cluster below
    project = make_project(folder / "projekt", FIXTURES / "courses")
    release_all(project)
    (project.grading / "gradebook.db").unlink()  # hub mode writes no SQLite gradebook
    for name, role in ROLES.items():  # the command itself: tests/hub/test_accounts.py
        accounts.add_user(project, name, role, PASSWORDS[name])
    port = free_port()
    log = folder / "start.log"
    env = {**os.environ, "KURSKIT_PROXY_COMMAND": str(
        Project(REPO).proxy_command), "KURSKIT_GRADE_WAIT": "20"}
    env.pop("KURSKIT_DB_URL", None)
    env.pop("KURSKIT_SERVICE_URL", None)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kurskit.cli", "--root", str(project.root), "start", "--hub",
             "--no-build", "--hub-port", str(port)], stdout=out, stderr=subprocess.STDOUT,
            env=env)
    try:
        deadline = time.monotonic() + 240
        while "Beenden mit Strg+C" not in log.read_text(errors="replace"):
            assert process.poll() is None and time.monotonic() < deadline, (
                log.read_text(errors="replace")[-3000:]
                + project.hub_log.read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield HubStack(f"http://127.0.0.1:{port}", project, process, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def login_page_fields(html: str) -> set[str]:
    return set(re.findall(r'<input[^>]*name="([^"]+)"', html))
