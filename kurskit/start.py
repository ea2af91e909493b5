"""`kurskit start`: serve the four parts on one machine and say who opens what.

Each part is a plain subprocess (Voilà, JupyterLab, the grading service, a static file
server for the handbook); Ctrl-C stops them all.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kurskit import deployment
from kurskit.layout import Project
from kurskit.portal.assets import VOILA_TEMPLATE, VOILA_TEMPLATES


@dataclass
class Ports:
    portal: int = 8866
    lab: int = 8888
    handbook: int = 8000
    service: int = 8870


@dataclass
class Part:
    name: str
    audience: str
    url: str
    command: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0


def service_command(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "--factory", "kurskit.service.app:app_from_env",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]


@dataclass
class PortalLimits:
    """How many learners the portal serves and how fast (see kurskit.portal.app)."""

    # "auto": as `kurskit build` chose per module (Voilà where a module has an interactive
    # element); forced for all: "page" (HTML form, no kernel) or "voila" (the widget app)
    module_view: str = "auto"
    pool_size: int = 0  # preheated kernels per module (Voilà view)
    pools: dict[str, int] = field(default_factory=dict)  # portal path -> pool size
    max_sessions: int = 60  # learner kernels at once (≈ 60 MB each)
    cull_idle: int = 900  # seconds before an idle kernel without a browser is stopped
    # refill a pool this many seconds after a page took a kernel: preheating costs a
    # second of CPU per kernel, better spent after a rush of learners than during it
    fill_delay: float = 10.0


def voila_command(portal_dir: Path, port: int, limits: PortalLimits | None = None) -> list[str]:
    limits = limits or PortalLimits()
    pools = [f"--PortalApp.pools={path}={size}" for path, size in limits.pools.items()]
    return [sys.executable, "-m", "kurskit.portal.app", str(portal_dir), "--no-browser",
            f"--Voila.port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
            f"--VoilaConfiguration.template={VOILA_TEMPLATE}",
            "--VoilaConfiguration.strip_sources=True",
            "--VoilaConfiguration.show_tracebacks=False",
            "--VoilaConfiguration.theme=light", "--VoilaConfiguration.classic_tree=True",
            f"--PortalApp.module_view={limits.module_view}",
            f"--PortalApp.pool_size={limits.pool_size}", *pools,
            f"--PortalApp.max_sessions={limits.max_sessions}",
            f"--VoilaKernelManager.fill_delay={limits.fill_delay}",
            f"--MappingKernelManager.cull_idle_timeout={limits.cull_idle}",
            f"--MappingKernelManager.cull_interval={max(1, min(60, limits.cull_idle // 2))}",
            # a large pool starts its kernels at once: on two busy cores one may need more
            # than Voilà's 60 s to answer, and a pool kernel that gives up is lost
            "--VoilaExecutor.startup_timeout=300",
            # nbclient waits 4 s for a cell's output after the kernel's reply, then renders
            # the page without it: while such a pool runs its notebooks, a page lost elements
            "--VoilaExecutor.iopub_timeout=120",
            # unix sockets, not TCP ports: dozens of kernels starting at once pick random free
            # ports and race for them ("Address already in use" → a dead pool kernel → 500)
            "--KernelManager.transport=ipc"]


def voila_env(service_url: str) -> dict[str, str]:
    paths = [str(VOILA_TEMPLATES),
             *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {"JUPYTER_PATH": os.pathsep.join(paths), deployment.SERVICE_URL: service_url}


def parts(project: Project, ports: Ports, token: str, learner: str,
          limits: PortalLimits | None = None) -> list[Part]:
    service_url = f"http://127.0.0.1:{ports.service}"
    return [
        Part("Lernportal (Voilà)", "Lernende", f"http://127.0.0.1:{ports.portal}/",
             voila_command(project.portal, ports.portal, limits), project.root,
             voila_env(service_url), ports.portal),
        Part("JupyterLab mit nbgrader-Formgrader", "Trainerinnen und Trainer",
             f"http://127.0.0.1:{ports.lab}/lab?token={token}",
             [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={ports.lab}",
              "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--allow-root",
              f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={project.grading}"],
             project.grading, {}, ports.lab),
        Part("Handbuch", "Führungskräfte (und alle)", f"http://127.0.0.1:{ports.handbook}/",
             [sys.executable, "-m", "http.server", str(ports.handbook), "--bind", "127.0.0.1",
              "--directory", str(project.site)], project.root, {}, ports.handbook),
        Part("Bewertungsdienst (API, OpenAPI-Beschreibung)", "Lernportal und Entwickler",
             f"{service_url}/openapi.json", service_command(ports.service), project.root,
             {deployment.ROOT: str(project.root), deployment.LEARNER: learner}, ports.service),
    ]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def start(project: Project, ports: Ports | None = None, learner: str = "lernende",
          token: str | None = None, limits: PortalLimits | None = None) -> int:
    ports = ports or Ports()
    token = token or secrets.token_urlsafe(24)
    # stop cleanly on Ctrl+C and on SIGTERM, also when started in the background
    # (where a shell leaves SIGINT ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    running: list[tuple[Part, subprocess.Popen]] = []
    try:  # every exit path, also Ctrl+C or SIGTERM while the parts still start, stops them
        return _serve(project, ports, token, learner, limits, running)
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(running)


def _serve(project: Project, ports: Ports, token: str, learner: str,
           limits: PortalLimits | None, running: list[tuple[Part, subprocess.Popen]]) -> int:
    """Start each part (recorded in `running` at once), wait for its port, then serve."""
    for part in parts(project, ports, token, learner, limits):
        busy = wait_for_port(part.port, 0.1)
        if busy:
            print(f"error: port {part.port} for {part.name} is already in use", file=sys.stderr)
            return 1
        process = subprocess.Popen(part.command, cwd=part.cwd, env={**os.environ, **part.env},
                                   start_new_session=True)
        running.append((part, process))
    for part, process in running:
        if not wait_for_port(part.port, 120, process):
            print(f"error: {part.name} did not start (port {part.port})", file=sys.stderr)
            return 1
    print("\nkurskit läuft / kurskit is running:\n")
    for part, _ in running:
        print(f"  {part.name:45} für {part.audience}:\n      {part.url}")
    print(f"\n  Lernende/r in diesem lokalen Betrieb: {learner}")
    print("  Beenden mit Strg+C.\n", flush=True)
    while all(process.poll() is None for _, process in running):
        time.sleep(1)
    failed = [part.name for part, process in running if process.poll() is not None]
    print(f"error: stopped unexpectedly: {', '.join(failed)}", file=sys.stderr)
    return 1


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(running: list[tuple[Part, subprocess.Popen]]) -> None:
    """Stop every started part with its whole process group (a part's own children, e.g.
    the service's grading process, too); a second Ctrl+C meanwhile does not cut this short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for _, process in running:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for _, process in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        _signal_group(process, signal.SIGKILL if process.poll() is None else signal.SIGTERM)
        process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone
        os.killpg(process.pid, signum)
