"""`kurskit start --hub`: the whole platform behind JupyterHub, on PostgreSQL.

The gradebook lives in the database `KURSKIT_DB_URL` names, else in a PostgreSQL cluster
of the project's own (started here, stopped on exit). Before the hub starts, nbgrader's
migrations run against it and every released module missing from it is released into it,
so that formgrader and the fast path find the modules. The hub (with its proxy from npm)
then runs the portal, the grading service and formgrader as its managed services.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from kurskit import deployment, nbgrader_course
from kurskit.authoring.catalog import load_catalog
from kurskit.hub.hub_config import FORMGRADER, PORTAL, HubPorts, hub_settings, write_config
from kurskit.hub.postgres import Cluster
from kurskit.layout import Project, release_notebook
from kurskit.start import PortalLimits, wait_for_port


class HubError(RuntimeError):
    """The hub could not start (English, for operators)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_gradebook(project: Project) -> list[str]:
    """Migrate the gradebook database and release into it what it lacks; the module ids
    released now (none on a second start)."""
    if not project.portal.is_dir():
        raise HubError(f"nothing released in {project.portal}: run `kurskit build` first")
    nbgrader_course.migrate(project.grading)
    with nbgrader_course.open_gradebook(project.grading) as book:
        known = {a.name for a in book.assignments}
        book.db.commit()
    released = []
    for module in load_catalog(project.courses).modules:
        if module.id in known or module.notebook.problems:
            continue
        if release_notebook(project.grading, module.id, module.filename).is_file():
            nbgrader_course.release_module(project.grading, module)
            released.append(module.id)
    return released


def hub_command(project: Project) -> list[str]:
    return [sys.executable, "-m", "jupyterhub", "-f", str(project.hub_config)]


class Children:
    """The processes the hub started (proxy, services). JupyterHub starts its services in
    sessions of their own, so a hub that dies leaves them behind: they are noted while
    the hub runs and stopped afterwards, by process id (and start time, so that a reused
    id is never hit)."""

    def __init__(self, hub: int) -> None:
        self.hub = hub
        self.known: dict[int, str] = {}  # pid -> its start time (/proc/<pid>/stat field 22)

    @staticmethod
    def _stat(pid: int) -> list[str] | None:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        return text[text.rindex(")") + 2:].split()  # after "pid (name) "

    def note(self) -> None:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) not in self.known:
                stat = self._stat(int(entry.name))
                if stat is not None and int(stat[1]) == self.hub:
                    self.known[int(entry.name)] = stat[19]

    def stop(self) -> None:
        alive = [pid for pid, started in self.known.items()
                 if (stat := self._stat(pid)) is not None and stat[19] == started]
        for pid in alive:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in alive if self._stat(pid) is not None]
            time.sleep(0.2)
        for pid in alive:
            os.kill(pid, signal.SIGKILL)


def wait_until_up(url: str, process: subprocess.Popen, children: Children,
                  timeout: float = 600) -> None:
    """Until the hub answers through its proxy (JupyterHub's /hub/health)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children.note()
        if process.poll() is not None:
            raise HubError(f"JupyterHub stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/hub/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise HubError(f"JupyterHub did not answer at {url} within {timeout:.0f} s")


def launch(project: Project, ports: HubPorts, db_url: str,
           limits: PortalLimits | None = None) -> tuple[subprocess.Popen, str]:
    """Write the configuration and start the hub; returns it and the admin service token
    (for kurskit's own calls to the hub API during this run)."""
    admin_token = os.environ.get(deployment.HUB_ADMIN_TOKEN) or secrets.token_hex(32)
    settings = hub_settings(project, ports, db_url, admin_token, dict(os.environ), limits)
    write_config(project, settings)
    log = open(project.hub_log, "ab")  # noqa: SIM115  (the hub's, closed with the process)
    process = subprocess.Popen(hub_command(project), cwd=project.hub, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, deployment.DB_URL: db_url})
    log.close()
    return process, admin_token


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM: the hub stops its services and its proxy; then the rest of its group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def hub_ports(public: int) -> HubPorts:
    return HubPorts(public=public, hub=free_port(), proxy_api=free_port(), portal=free_port(),
                    grading=free_port(), formgrader=free_port())


def start_hub(project: Project, port: int = 8090, limits: PortalLimits | None = None) -> int:
    """Serve everything behind JupyterHub at http://127.0.0.1:<port>/ until Ctrl-C."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    if wait_for_port(port, 0.1):
        print(f"error: port {port} for JupyterHub is already in use", file=sys.stderr)
        return 1
    db_url = deployment.db_url()
    cluster = None if db_url else Cluster(project.postgres)
    process, children = None, None
    try:
        if cluster is not None:
            cluster.start()
            db_url = cluster.url()
        assert db_url is not None
        os.environ[deployment.DB_URL] = db_url  # this process's nbgrader calls, too
        for module_id in prepare_gradebook(project):
            print(f"… released into the gradebook database: {module_id}", flush=True)
        project.hub.mkdir(parents=True, exist_ok=True)
        process, _ = launch(project, hub_ports(port), db_url, limits)
        children = Children(process.pid)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process, children)
        _announce(url, db_url, cluster)
        while process.poll() is None:
            children.note()
            time.sleep(1)
        print(f"error: JupyterHub stopped unexpectedly; see {project.hub_log}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except Exception as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave parts
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if process is not None:
            stop(process)
        if children is not None:
            children.stop()
        if cluster is not None:
            cluster.stop()


def _announce(url: str, db_url: str, cluster: Cluster | None) -> None:
    where = (f"eigener PostgreSQL-Cluster in {Path(cluster.folder)}" if cluster
             else "PostgreSQL aus KURSKIT_DB_URL")
    print("\nkurskit läuft im Mehrbenutzerbetrieb / kurskit is running behind JupyterHub:\n")
    print(f"  Anmeldung (alle):                  {url}/hub/login")
    print(f"  Meine Kurse (Lernende):            {url}/services/{PORTAL}/")
    print(f"  Formgrader (Trainerinnen/Trainer): {url}/services/{FORMGRADER}/formgrader")
    print(f"  Handbuch (Führungskräfte, alle):   {url}/services/{PORTAL}/handbuch/")
    print(f"\n  Bewertungsdatenbank: {where}")
    print(f"  Für kurskit grade/export/privacy: KURSKIT_DB_URL='{db_url}'")
    print("  Konten anlegen: kurskit users add NAME --role lernende|trainer|fuehrung")
    print("  Beenden mit Strg+C.\n", flush=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
