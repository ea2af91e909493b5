"""Crash-proof grading: SIGKILL the real service in the middle of a burst, restart it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from conftest import free_port
from kurskit.grading import inbox
from kurskit.start import service_command, wait_for_port

pytestmark = pytest.mark.nbgrader
MODULE = "beispiel-01-kurz"
RIGHT = {"frist": "72 Stunden", "grundsaetze": ["Zweckbindung", "Datenminimierung"],
         "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                              "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}
LEARNERS, FIRST_WAVE = 60, 20


def start_service(root, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        service_command(port), cwd=root, start_new_session=True,
        env={**os.environ, "KURSKIT_ROOT": str(root), "KURSKIT_IDENTITY": "header",
             "KURSKIT_GRADE_WAIT": "0"})  # 202 as soon as it is stored
    assert wait_for_port(port, 120, process), "the service did not start"
    return process


def kill(process: subprocess.Popen, sig: int) -> None:
    """The service and its grading process (one process group, started by this test)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=30)


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def pending_learners(grading_root) -> set[str]:
    return {json.loads(p.read_text("utf-8"))["learner"]
            for p in (grading_root / "inbox").glob("*.json")}


async def burst(url: str, process: subprocess.Popen, grading_root
                ) -> tuple[dict[str, int], set[str]]:
    """Learners submit while the grading process is stopped (SIGSTOP), so acknowledged
    entries wait in the inbox: a first wave, all acknowledged; then a second wave, and
    SIGKILL as soon as the inbox holds a few of it, the rest still in flight.
    (learner → status, learners acknowledged and still pending just before the kill)."""
    acknowledged: dict[str, int] = {}
    pending_at_kill: set[str] = set()

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

    for child in descendants(process.pid):  # the grading process grades nothing from here
        os.kill(child, signal.SIGSTOP)
    limits = httpx.Limits(max_connections=LEARNERS + 5)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.gather(*[one(client, n) for n in range(FIRST_WAVE)])
        second = [asyncio.create_task(one(client, n)) for n in range(FIRST_WAVE, LEARNERS)]
        while len(pending_learners(grading_root)) < FIRST_WAVE + 3:
            await asyncio.sleep(0.001)
        pending_at_kill.update(pending_learners(grading_root) & set(acknowledged))
        kill(process, signal.SIGKILL)
        await asyncio.gather(*second)
    return acknowledged, pending_at_kill


def test_every_acknowledged_submission_survives_a_sigkill_and_is_graded_once(released_example):
    root = released_example.root
    grading_root = released_example.grading
    port = free_port()
    process = start_service(root, port)
    try:
        # a thread of its own: another test's Playwright may own this thread's event loop
        with ThreadPoolExecutor(1) as thread:
            acknowledged, pending_at_kill = thread.submit(
                asyncio.run, burst(f"http://127.0.0.1:{port}", process, grading_root)
            ).result(timeout=180)
    finally:
        if process.poll() is None:
            kill(process, signal.SIGKILL)
    assert FIRST_WAVE <= len(acknowledged) < LEARNERS, "the kill was not in the middle"
    # acknowledged, not graded when the service died: what the restart must grade, once
    assert len(pending_at_kill) >= FIRST_WAVE, pending_at_kill
    assert not any((grading_root / "attempts" / learner / MODULE / "0001" / "result.json"
                    ).exists() for learner in pending_at_kill)

    restarted = start_service(root, port)
    try:
        # graded at start-up: everything the inbox held whose attempt was stored; what is
        # left is an entry whose attempt the kill cut off before it was stored (never
        # acknowledged; swept after ORPHAN_SECONDS)
        deadline = time.monotonic() + 120
        while inbox.pending(grading_root) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert inbox.pending(grading_root) == [], "the inbox was not graded"
        assert not pending_learners(grading_root) & set(acknowledged)
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
