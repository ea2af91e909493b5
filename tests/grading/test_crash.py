"""Crash-proof grading: SIGKILL the real service in the middle of a burst, restart it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import free_port
from kurskit.start import service_command, wait_for_port

pytestmark = pytest.mark.nbgrader
MODULE = "beispiel-01-kurz"
RIGHT = {"frist": "72 Stunden", "grundsaetze": ["Zweckbindung", "Datenminimierung"],
         "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                              "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}
LEARNERS = 60


def start_service(root, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        service_command(port), cwd=root, start_new_session=True,
        env={**os.environ, "KURSKIT_ROOT": str(root), "KURSKIT_IDENTITY": "header"})
    assert wait_for_port(port, 120, process), "the service did not start"
    return process


def kill(process: subprocess.Popen, sig: int) -> None:
    """The service and its grading process (one process group, started by this test)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=30)


async def burst(url: str, process: subprocess.Popen) -> dict[str, int]:
    """All learners at once; SIGKILL once a few have been acknowledged. learner → status."""
    acknowledged: dict[str, int] = {}

    async def one(client: httpx.AsyncClient, number: int) -> None:
        learner = f"c{number:02d}"
        answers = RIGHT if number % 2 else {"frist": "24 Stunden"}
        try:
            response = await client.post(f"/api/v1/modules/{MODULE}/submissions",
                                         json={"answers": answers},
                                         headers={"X-Kurskit-Learner": learner})
        except httpx.HTTPError:
            return  # never acknowledged: it may or may not have been stored
        if response.status_code in (201, 202):
            acknowledged[learner] = response.status_code

    async def killer() -> None:
        while len(acknowledged) < 5:
            await asyncio.sleep(0.005)
        kill(process, signal.SIGKILL)

    limits = httpx.Limits(max_connections=LEARNERS + 5)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.gather(killer(), *[one(client, n) for n in range(LEARNERS)])
    return acknowledged


def test_every_acknowledged_submission_survives_a_sigkill_and_is_graded_once(released_example):
    root = released_example.root
    grading_root = released_example.grading
    port = free_port()
    process = start_service(root, port)
    try:
        # a thread of its own: another test's Playwright may own this thread's event loop
        with ThreadPoolExecutor(1) as thread:
            acknowledged = thread.submit(
                asyncio.run, burst(f"http://127.0.0.1:{port}", process)).result()
    finally:
        if process.poll() is None:
            kill(process, signal.SIGKILL)
    assert 5 <= len(acknowledged) < LEARNERS, "the kill was not in the middle of the burst"

    restarted = start_service(root, port)
    try:
        deadline = time.monotonic() + 120
        while any((grading_root / "inbox").glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any((grading_root / "inbox").glob("*.json")), "the inbox was not graded"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for learner in acknowledged:
                result = client.get(f"/api/v1/modules/{MODULE}/submissions/1",
                                    headers={"X-Kurskit-Learner": learner})
                assert result.status_code == 200, (learner, result.text)
                expected = 4.0 if int(learner[1:]) % 2 else 0.0
                assert result.json()["score"] == expected
    finally:
        kill(restarted, signal.SIGTERM)

    with sqlite3.connect(grading_root / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ledger = db.execute("SELECT learner, module, attempt FROM kurskit_graded_attempt"
                            ).fetchall()
        scores = dict(db.execute(
            "SELECT sa.student_id, SUM(COALESCE(g.manual_score, g.auto_score, 0)) "
            "FROM submitted_assignment sa JOIN submitted_notebook sn ON sn.assignment_id = sa.id "
            "JOIN grade g ON g.notebook_id = sn.id GROUP BY sa.student_id").fetchall())
    assert len(ledger) == len(set(ledger)), "an attempt was graded twice"
    graded = {learner for learner, _, _ in ledger}
    assert set(acknowledged) <= graded, f"lost: {sorted(set(acknowledged) - graded)}"
    assert all(attempt == 1 for _, _, attempt in ledger)
    assert graded == set(scores), "ledger and gradebook disagree"
    for learner in acknowledged:
        assert scores[learner] == (4.0 if int(learner[1:]) % 2 else 0.0)
    # whatever was stored but not acknowledged is complete or absent, never half-written
    for folder in (grading_root / "attempts").glob("c*/*/[0-9]*"):
        assert {p.name for p in folder.iterdir()} >= {"01-kurz.ipynb", "timestamp.txt",
                                                       "answers.json"}
