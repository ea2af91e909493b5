"""What every request of the grading service needs: its settings, the catalogue, the
release notebooks and the grader. One `Services` per app, made by `create_app`."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from kurskit import deployment, durable, layout
from kurskit.authoring.catalog import Module, load_catalog
from kurskit.grading import attempts
from kurskit.grading.grader import Grader, make_grader
from kurskit.grading.submission import ReleaseCache
from kurskit.qualification.draw import Draw, draw_for, installation_key
from kurskit.service.identity import IdentityProvider, identity_from_env
from kurskit.service.limits import RateLimit

log = logging.getLogger("kurskit.service")


@dataclass
class ServiceSettings:
    courses_dir: Path
    grading_root: Path
    identity: IdentityProvider
    max_body_bytes: int = 64 * 1024
    # host names served (DNS rebinding): `KURSKIT_ALLOWED_HOSTS`, else the loopback names
    allowed_hosts: tuple[str, ...] = deployment.DEFAULT_ALLOWED_HOSTS
    # how long a submission request waits for its grade before answering 202
    wait_seconds: float = 10.0
    # grade in a child process (the service's second core) instead of a thread
    grading_process: bool = False
    # behind JupyterHub's proxy: the service's path prefix (/services/grading/)
    path_prefix: str = ""
    # submissions one learner may make per minute (0: no limit)
    submit_rate: int = deployment.DEFAULT_SUBMIT_RATE

    @classmethod
    def from_env(cls) -> ServiceSettings:
        """As configured by the deployment's environment (used by `kurskit start`)."""
        project = layout.Project.from_env(Path("."))
        return cls(courses_dir=project.courses, grading_root=project.grading,
                   identity=identity_from_env(), allowed_hosts=deployment.allowed_hosts(),
                   wait_seconds=float(os.environ.get(deployment.GRADE_WAIT, "10")),
                   grading_process=os.environ.get(deployment.GRADING_PROCESS, "1") != "0",
                   path_prefix=os.environ.get(deployment.HUB_SERVICE_PREFIX, ""),
                   submit_rate=int(os.environ.get(deployment.SUBMIT_RATE,
                                                  deployment.DEFAULT_SUBMIT_RATE)))


class Services:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.root = settings.grading_root
        self.catalog = load_catalog(settings.courses_dir)
        self.grader: Grader = make_grader(settings.grading_root, settings.courses_dir,
                                          self.catalog, child_process=settings.grading_process)
        self._releases = ReleaseCache()
        self.submissions = RateLimit(settings.submit_rate, 60.0)
        self._draw_key: bytes | None = None

    def draw(self, module: Module, learner: str) -> Draw:
        """The learner's draw of the module's question pools for the next attempt."""
        if not module.notebook.pools:
            return Draw(len(attempts.list_attempts(self.root, learner, module.id)) + 1, {},
                        frozenset())
        if self._draw_key is None:
            self._draw_key = installation_key(self.root)
        number = len(attempts.list_attempts(self.root, learner, module.id)) + 1
        return draw_for(module, learner, number, self._draw_key)

    def sweep_staging(self) -> None:
        """Remove staging files and folders that writes interrupted by a crash left."""
        for folder in layout.staging_roots(self.root):
            for path in durable.sweep_staging(folder):
                log.warning("removed %s, left by an interrupted write", path)

    def release_path(self, module: Module) -> Path:
        return layout.release_notebook(self.root, module.id, module.filename)

    def release(self, module: Module) -> NotebookNode:
        return self._releases.read(self.release_path(module))
