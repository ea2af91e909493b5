"""The learner portal and the grading service as `kurskit start` runs them, on free ports.

Shared by the browser tests, the portal tests and the portal benchmark.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from conftest import free_port
from kurskit.authoring.catalog import load_catalog
from kurskit.layout import Project, portal_path
from kurskit.start import PortalLimits, service_command, voila_command, voila_env, wait_for_port


@dataclass
class Portal:
    url: str
    service_url: str
    project: Project
    voila: subprocess.Popen
    service: subprocess.Popen
    log: Path

    def module_url(self, module_id: str) -> str:
        """The module in Voilà (the widget view)."""
        return f"{self.url}/voila/render/{self._path(module_id)}"

    def page_url(self, module_id: str) -> str:
        """The module as the portal's HTML page (the default view)."""
        return f"{self.url}/lernen/{self._path(module_id)}"

    def _path(self, module_id: str) -> str:
        catalog = load_catalog(self.project.courses)
        module = catalog.module(module_id)
        assert module is not None, module_id
        course = next(c for c in catalog.courses if module in c.modules)
        return quote(portal_path(course, module))

    def kernel_pids(self) -> set[int]:
        """The portal's learner and pool kernels (ipykernel children of Voilà)."""
        return set(kernel_rss_mb(self.voila.pid))

    def wait_for_pools(self, notebooks: int, timeout: float = 180) -> None:
        """Until Voilà logs that the pool of each of `notebooks` notebooks is filled."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.read_text(errors="replace").count("is filled with") >= notebooks:
                return
            assert self.voila.poll() is None, self.log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        raise TimeoutError(f"kernel pools not filled after {timeout} s")

    def wait_until_quiet(self, quiet: float = 0.2, window: float = 5.0,
                         timeout: float = 1800) -> None:
        """Voilà logs a pool as filled when its kernels start; it then runs the notebook in
        each of them. Wait until Voilà and its kernels use under `quiet` of a core."""
        tick = os.sysconf("SC_CLK_TCK")

        def used() -> float:
            total = 0.0
            for pid in (self.voila.pid, *kernel_rss_mb(self.voila.pid)):
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / tick
            return total

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = used()
            time.sleep(window)
            if used() - before < quiet * window:
                return
        raise TimeoutError("the pool's kernels did not settle")


def kernel_rss_mb(parent: int) -> dict[int, float]:
    """Resident memory (MB) of every ipykernel process started by `parent`, by pid."""
    found = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if b"ipykernel" in cmdline and int(fields.get("PPid", "0")) == parent:
            found[int(status.parent.name)] = int(fields["VmRSS"].split()[0]) / 1024
    return found


@contextmanager
def serve_portal(project: Project, learner: str, limits: PortalLimits | None = None,
                 log: Path | None = None,
                 service_env: dict[str, str] | None = None,
                 start_timeout: float = 60,
                 portal_env: dict[str, str] | None = None) -> Iterator[Portal]:
    voila_port, service_port = free_port(), free_port()
    service_url = f"http://127.0.0.1:{service_port}"
    log = log or project.root / "voila.log"
    service = subprocess.Popen(
        service_command(service_port), cwd=project.root,
        env={**os.environ, "KURSKIT_ROOT": str(project.root), "KURSKIT_LEARNER": learner,
             **(service_env or {})})
    with open(log, "w") as log_file:
        voila = subprocess.Popen(
            voila_command(project.portal, voila_port, limits), cwd=project.root,
            env={**os.environ, **voila_env(service_url), **(portal_env or {})},
            stdout=log_file, stderr=log_file)
    try:
        assert (wait_for_port(service_port, start_timeout, service)
                and wait_for_port(voila_port, start_timeout, voila))
        yield Portal(f"http://127.0.0.1:{voila_port}", service_url, project, voila, service, log)
    finally:
        for process in (voila, service):
            process.terminate()
            try:
                process.wait(timeout=60)  # Voilà shuts its kernels down first
            except subprocess.TimeoutExpired:
                kernels = kernel_rss_mb(process.pid)  # its kernels, by pid, before they orphan
                process.kill()
                process.wait(timeout=30)
                for pid in kernels:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
