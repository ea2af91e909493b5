"""`kurskit start` serves the four parts and says who opens what."""

import re
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import free_port
from kurskit.build import build_site
from kurskit.start import wait_for_port

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
