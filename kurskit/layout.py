"""Where everything lives: the one owner of every path of a kurskit project.

A project root holds the content (`courses/`), nbgrader's course root (`grading/`), the
handbook sources (`site/`, `mkdocs.yml`) and what is built from them (`build/`). Below the
course root nbgrader keeps its own folders (`source/`, `release/`, `submitted/`,
`autograded/`, `gradebook.db`); kurskit adds every attempt (`attempts/`), the inbox of
acknowledged submissions (`inbox/`) and the learners' drafts and „Prüfen“ counters
(`drafts/`, `checks/`). No other module joins these names: it asks here. Ids that become
parts of a path are checked here too, before they touch the file system.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from kurskit import deployment

if TYPE_CHECKING:
    from kurskit.authoring.catalog import Course, Module

LEARNER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_ATTEMPT = 10**7 - 1  # attempt numbers that can name a folder (a learner makes far fewer)
MAX_NAME = 255  # bytes of one file name (NAME_MAX of Linux file systems)
MAX_PORTAL_PATH = 1024  # characters of a module's path below the portal folder

# files of one attempt (attempts/<learner>/<module>/<NNNN>/), besides the module notebook
TIMESTAMP = "timestamp.txt"  # nbgrader's submission time, in nbgrader's format
ANSWERS = "answers.json"  # the validated answers, as the learner sent them
RESULT = "result.json"  # the learner's result, derived from the gradebook
FAILED = "grading-failed.txt"  # why the last grading of the attempt failed
# in submitted/<learner>/<module>/ and autograded/…: which attempt the folder holds
CURRENT_ATTEMPT = ".kurskit-attempt"


def valid_learner_id(learner: str) -> bool:
    """A learner id that is safe as one path part (and as nbgrader's student id)."""
    return bool(LEARNER_ID.match(learner))


def valid_attempt_number(number: int) -> bool:
    """An attempt number that can be the name of an attempt folder."""
    return 1 <= number <= MAX_ATTEMPT


def valid_relative_path(path: str) -> bool:
    """A relative path a client sent (e.g. a module below the portal folder) that the file
    system can take: no NUL byte, no overlong name, text that is valid Unicode."""
    if not path or len(path) > MAX_PORTAL_PATH or "\0" in path:
        return False
    try:
        return all(len(part.encode("utf-8")) <= MAX_NAME for part in path.split("/"))
    except UnicodeEncodeError:
        return False


@dataclass(frozen=True)
class Project:
    """A project root and the folders every part of kurskit reads or builds."""

    root: Path

    @classmethod
    def from_env(cls, default: Path | None = None) -> Project:
        """The root named by $KURSKIT_ROOT, else `default`, else the working directory."""
        return cls(Path(os.environ.get(deployment.ROOT) or default or Path.cwd()).resolve())

    @property
    def courses(self) -> Path:
        return self.root / "courses"

    @property
    def grading(self) -> Path:
        """nbgrader's course root."""
        return self.root / "grading"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def portal(self) -> Path:
        """The release notebooks arranged for the portal, by German titles."""
        return self.root / "build" / "portal"

    @property
    def site(self) -> Path:
        """The built handbook (mkdocs' site_dir)."""
        return self.root / "build" / "site"

    @property
    def report(self) -> Path:
        """The aggregates of `kurskit report`, read by the handbook."""
        return self.root / "build" / "report" / "fortschritt.json"

    # --- multi-user mode (`kurskit start --hub`) ---------------------------------------

    @property
    def hub(self) -> Path:
        """JupyterHub's state: its database (accounts, groups), secrets, generated config."""
        return self.root / "build" / "hub"

    @property
    def hub_config(self) -> Path:
        return self.hub / "jupyterhub_config.py"

    @property
    def hub_db(self) -> Path:
        return self.hub / "jupyterhub.sqlite"

    @property
    def hub_log(self) -> Path:
        return self.hub / "jupyterhub.log"

    @property
    def postgres(self) -> Path:
        """The PostgreSQL cluster `kurskit start --hub` runs when no KURSKIT_DB_URL is set."""
        return self.hub / "postgres"

    @property
    def proxy_command(self) -> Path:
        """configurable-http-proxy, installed from npm by `make install` (deploy/proxy/)."""
        return self.root / "deploy" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def kubernetes(self) -> Path:
        """The Zero to JupyterHub configuration (deploy/kubernetes/)."""
        return self.root / "deploy" / "kubernetes"


# --- nbgrader's course root (grading/) ------------------------------------------------

CONFIG_FILE = "nbgrader_config.py"


def config_file(grading: Path) -> Path:
    return grading / CONFIG_FILE


def gradebook_file(grading: Path) -> Path:
    return grading / "gradebook.db"


def draw_secret_file(grading: Path) -> Path:
    """The installation's key of the question pools' draw (learners never read it)."""
    return grading / ".kurskit-draw-key"


def lock_file(grading: Path) -> Path:
    """kurskit's lock of the course: one nbgrader operation at a time."""
    return grading / ".kurskit.lock"


def exchange_dir(grading: Path) -> Path:
    """nbgrader's exchange, kept inside the course (kurskit does not use it)."""
    return grading / "exchange"


def source_dir(grading: Path, module_id: str) -> Path:
    return grading / "source" / module_id


def release_notebook(grading: Path, module_id: str, filename: str) -> Path:
    """What `nbgrader generate_assignment` writes: the learner's copy, without keys."""
    return grading / "release" / module_id / filename


def submitted_root(grading: Path) -> Path:
    return grading / "submitted"


def submitted_dir(grading: Path, learner: str, module_id: str) -> Path:
    """nbgrader's one current submission of a learner (the newest attempt)."""
    return submitted_root(grading) / learner / module_id


def autograded_dir(grading: Path, learner: str, module_id: str) -> Path:
    return grading / "autograded" / learner / module_id


def feedback_dir(grading: Path, learner: str, module_id: str) -> Path:
    """What `nbgrader generate_feedback` writes for a learner."""
    return grading / "feedback" / learner / module_id


def learner_folders(grading: Path, learner: str) -> list[Path]:
    """Every folder below the course root that belongs to one learner (and only to them)."""
    return [grading / part / learner for part in
            ("attempts", "submitted", "autograded", "feedback", "drafts", "checks")]


def attempts_root(grading: Path) -> Path:
    return grading / "attempts"


def drafts_root(grading: Path) -> Path:
    return grading / "drafts"


def attempts_dir(grading: Path, learner: str, module_id: str) -> Path:
    """Every attempt of a learner at a module, one numbered folder each."""
    return grading / "attempts" / learner / module_id


def attempt_dir(grading: Path, learner: str, module_id: str, number: int) -> Path:
    return attempts_dir(grading, learner, module_id) / f"{number:04d}"


def attempt_number(folder: Path) -> int | None:
    """The number of an attempt folder; None for anything else (staging, locks)."""
    return int(folder.name) if folder.name.isdigit() else None


def staging_roots(grading: Path) -> list[Path]:
    """The folders kurskit writes learners' files into under a staging name first."""
    return [attempts_root(grading), drafts_root(grading), grading / "checks", inbox_dir(grading),
            submitted_root(grading), grading / "autograded"]


def inbox_dir(grading: Path) -> Path:
    """Acknowledged submissions that the gradebook does not record yet."""
    return grading / "inbox"


def draft_file(grading: Path, learner: str, module_id: str) -> Path:
    return drafts_root(grading) / learner / f"{module_id}.json"


def checks_file(grading: Path, learner: str, module_id: str) -> Path:
    """How many „Prüfen“ each question of a module has used."""
    return grading / "checks" / learner / f"{module_id}.json"


def nbgrader_log(grading: Path) -> Path:
    """nbgrader's own log file in the course root (it names learners)."""
    return grading / ".nbgrader.log"


def audit_log(grading: Path) -> Path:
    """kurskit's append-only audit log of staff actions on personal data (JSON lines)."""
    return grading / "audit" / "audit.jsonl"


# --- the portal -----------------------------------------------------------------------

MODULE_PAGES = "lernen"  # the portal's route of the module pages


def _safe(name: str) -> str:
    return name.replace("/", "-").replace("\\", "-").strip()


def portal_path(course: Course, module: Module) -> str:
    """A module below the portal folder, e.g. 'Datenschutz …/01 Grundlagen ….ipynb'.

    Folder and file names carry the German titles, because Voilà's overview lists names.
    """
    number = module.filename.split("-", 1)[0]
    return f"{_safe(course.title)}/{number} {_safe(module.title)}.ipynb"


def portal_url(base: str, course: Course, module: Module) -> str:
    """Where a module opens: its page (or, with `--module-view voila`, a redirect to Voilà)."""
    return f"{base.rstrip('/')}/{MODULE_PAGES}/{quote(portal_path(course, module))}"


VIEWS_FILE = ".ansichten.json"  # hidden: Voilà's overview does not list it


def portal_views(portal_dir: Path) -> Path:
    """Which view each module of the portal opens in: {portal path: "page" | "voila"}."""
    return portal_dir / VIEWS_FILE
