"""`kurskit start` serves the four parts and says who opens what."""

import re
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import free_port
from kurskit.release.build import build_site
from kurskit.start import PortalLimits, voila_command, wait_for_port

pytestmark = pytest.mark.nbgrader


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


def test_start_serves_portal_lab_handbook_and_service(released_real):
    build_site(released_real)
    ports = {name: free_port() for name in ("portal", "lab", "handbook", "service")}
    command = [sys.executable, "-m", "kurskit.cli", "--root", str(released_real.root), "start",
               "--no-build", "--learner", "start-test",
               *[f"--{name}-port={port}" for name, port in ports.items()]]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    try:
        output = ""
        deadline = time.monotonic() + 180
        while "Beenden mit Strg+C" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output += line
        assert "Beenden mit Strg+C" in output, output
        for audience in ("Lernende", "Trainerinnen und Trainer", "Führungskräfte"):
            assert audience in output
        token = re.search(r"token=([\w-]+)", output).group(1)

        status, portal = get(f"http://127.0.0.1:{ports['portal']}/")
        assert status == 200 and "Ihre Kurse" in portal and "Datenschutz in der Kommune" in portal
        status, lab = get(f"http://127.0.0.1:{ports['lab']}/formgrader?token={token}")
        assert status == 200 and "formgrader" in lab.lower()
        with pytest.raises(urllib.error.HTTPError):  # token auth is on
            get(f"http://127.0.0.1:{ports['lab']}/api/contents")
        status, handbook = get(f"http://127.0.0.1:{ports['handbook']}/")
        assert status == 200 and "kurskit" in handbook
        status, health = get(f"http://127.0.0.1:{ports['service']}/api/v1/health")
        assert status == 200 and '"identity":"local"' in health
    finally:
        process.terminate()  # SIGTERM to kurskit alone: it must stop its parts itself
        assert process.wait(timeout=60) == 0
        for port in ports.values():
            assert not wait_for_port(port, 0.2), f"port {port} still served after stop"


def test_portal_limits_reach_the_portal_command(tmp_path):
    limits = PortalLimits(pool_size=2, pools={"Kurs/01 Modul.ipynb": 20}, max_sessions=7,
                          cull_idle=300)
    command = voila_command(tmp_path, 8866, limits)
    assert command[1:3] == ["-m", "kurskit.portal.app"]
    for option in ("--PortalApp.pool_size=2", "--PortalApp.pools=Kurs/01 Modul.ipynb=20",
                   "--PortalApp.max_sessions=7",
                   "--MappingKernelManager.cull_idle_timeout=300"):
        assert option in command


def test_a_pool_for_an_unknown_module_is_refused_before_anything_starts(example_project):
    result = subprocess.run(
        [sys.executable, "-m", "kurskit.cli", "--root", str(example_project.root), "start",
         "--no-build", "--pool", "gibt-es-nicht=5"], capture_output=True, text=True,
        timeout=60)
    assert result.returncode == 2
    assert "--pool 'gibt-es-nicht=5'" in result.stderr and "MODULE=SIZE" in result.stderr


def _processes_naming(words: list[str]) -> list[str]:
    """Command lines of running processes that name any of `words` (e.g. our ports)."""
    from pathlib import Path

    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if any(word in text for word in words):
            found.append(f"{cmdline.parent.name}: {text[:200]}")
    return found


def test_sigterm_while_the_parts_still_start_stops_every_started_part(released_example):
    """SIGTERM while `kurskit start` still waits for its parts' ports: no part keeps running."""
    ports = {name: free_port() for name in ("portal", "lab", "handbook", "service")}
    command = [sys.executable, "-m", "kurskit.cli", "--root", str(released_example.root),
               "start", "--no-build", "--learner", "start-test",
               *[f"--{name}-port={port}" for name, port in ports.items()]]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    try:
        # the handbook (a static file server) listens at once, the lab only after seconds
        assert wait_for_port(ports["handbook"], 60, process)
        assert not wait_for_port(ports["lab"], 0.1), "too late: every part is up already"
        process.terminate()
        assert process.wait(timeout=30) == 0
        assert "Beenden mit Strg+C" not in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
    time.sleep(0.5)
    for port in ports.values():
        assert not wait_for_port(port, 0.2), f"port {port} still served after SIGTERM"
    left = _processes_naming([f"--port={ports['lab']}", f"Voila.port={ports['portal']}",
                              f"--port {ports['service']}", f" {ports['handbook']} --bind"])
    assert left == [], left
