"""Grading benchmark: submit-to-score, a burst of learners, batch regrade, service memory.

Run by `make bench`. It releases the real catalogue into throw-away projects, starts the
grading service as `kurskit start` does (with header identity, so that many learners can
submit) and measures, in this order:
  submit:   N single submissions one after another (API round trip incl. gradebook write)
  burst:    M distinct learners submitting at the same moment; submit-to-score per learner,
            then what the attempts folder, the ledger and the gradebook hold
  regrade:  K stored submissions (every module, several answer patterns) graded serially by
            `nbgrader autograde` (the baseline of this run) and by `kurskit grade --all
            --restart` on an identical copy; every score per submission and grade id compared
The result lines (the baseline first):
  baseline: nbgrader autograde … s per submission (…)
  submit-p95: … s (N single submissions)
  burst: M submitted, … graded, … lost, … duplicated, p95 … s
  autograde-speedup: …x over nbgrader autograde (K submissions, scores identical)
  service-rss: … MB peak during burst
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from answer_patterns import PATTERNS, answers_for  # noqa: E402
from nbgrader_reference import gradebook_snapshot, nbgrader_autograde, store  # noqa: E402

from conftest import free_port, make_project  # noqa: E402
from kurskit.authoring.catalog import load_catalog  # noqa: E402
from kurskit.release.build import release_all  # noqa: E402
from kurskit.start import service_command, wait_for_port  # noqa: E402

HEADER = "X-Kurskit-Learner"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (VmRSS from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        process = int(status.parent.name)
        children.setdefault(int(fields.get("PPid", "0")), []).append(process)
        rss[process] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [pid]
    while todo:
        process = todo.pop()
        total += rss.get(process, 0)
        todo.extend(children.get(process, []))
    return total / 1024


class Service:
    """The grading service as `kurskit start` runs it, one learner per request header."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            service_command(self.port), cwd=root, stdout=subprocess.DEVNULL,
            env={**os.environ, "KURSKIT_ROOT": str(root), "KURSKIT_IDENTITY": "header"})
        if not wait_for_port(self.port, 120, self.process):
            raise RuntimeError("the grading service did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def submit(client: httpx.AsyncClient, learner: str, module_id: str,
                 answers: dict) -> tuple[float, int, bool]:
    """(submit-to-score seconds, acknowledging status, got a score) for one learner."""
    headers = {HEADER: learner}
    # question pools: leave out the variants the service did not draw for this learner
    hidden = set((await client.get(f"/api/v1/modules/{module_id}/draw",
                                   headers=headers)).json().get("hidden", []))
    answers = {qid: value for qid, value in answers.items() if qid not in hidden}
    started = time.perf_counter()
    response = await client.post(f"/api/v1/modules/{module_id}/submissions",
                                 json={"answers": answers}, headers=headers)
    status = response.status_code
    body = response.json()
    while response.status_code == 202:  # stored; the grade comes later
        await asyncio.sleep(0.2)
        response = await client.get(body["status_url"], headers=headers)
    return time.perf_counter() - started, status, response.status_code in (200, 201)


def run_single(service: Service, catalog, count: int) -> list[float]:
    modules = catalog.modules

    async def run() -> list[float]:
        async with httpx.AsyncClient(base_url=service.url, timeout=120) as client:
            for warm in range(3):  # first requests load modules and compile tests
                module = modules[warm % len(modules)]
                await submit(client, f"warm-{warm}", module.id, answers_for(module, "solution"))
            times = []
            for number in range(count):
                module = modules[number % len(modules)]
                answers = answers_for(module, PATTERNS[number % len(PATTERNS)])
                seconds, status, scored = await submit(client, f"einzel-{number:04d}",
                                                       module.id, answers)
                if not scored:
                    raise RuntimeError(f"single submission {number} failed ({status})")
                times.append(seconds)
            return times

    return asyncio.run(run())


def run_burst(service: Service, catalog, count: int) -> tuple[list[float], int, float]:
    """All learners at once; (submit-to-score times, acknowledged, peak RSS MB)."""
    modules = catalog.modules
    requests = []
    for number in range(count):
        module = modules[number % len(modules)]
        requests.append((f"welle-{number:04d}", module.id,
                         answers_for(module, PATTERNS[number % len(PATTERNS)])))
    peak = [tree_rss_mb(service.process.pid)]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            peak.append(tree_rss_mb(service.process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)

    async def run() -> list[tuple[float, int, bool]]:
        limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=count + 10)
        async with httpx.AsyncClient(base_url=service.url, timeout=120, limits=limits) as client:
            return await asyncio.gather(*[submit(client, *r) for r in requests])

    sampler.start()
    try:
        results = asyncio.run(run())
    finally:
        sampling.set()
        sampler.join()
    times = [seconds for seconds, _, scored in results if scored]
    acknowledged = sum(1 for _, status, _ in results if status in (201, 202))
    return times, acknowledged, max(peak)


def burst_counts(root: Path, prefix: str) -> tuple[int, int, int]:
    """(stored attempts, graded = in ledger and gradebook, duplicated) of the burst."""
    stored = duplicated = 0
    for learner in (root / "attempts").glob(f"{prefix}*"):
        attempts = [p for p in learner.glob("*/*") if p.name.isdigit()]
        stored += min(1, len(attempts))
        duplicated += max(0, len(attempts) - 1)
    with sqlite3.connect(root / "gradebook.db") as db:
        ledger = db.execute("SELECT learner, COUNT(*) FROM kurskit_graded_attempt "
                            "WHERE learner LIKE ? GROUP BY learner", (prefix + "%",)).fetchall()
        in_gradebook = {r[0] for r in db.execute(
            "SELECT student_id FROM submitted_assignment WHERE student_id LIKE ?",
            (prefix + "%",))}
    duplicated += sum(n - 1 for _, n in ledger)
    graded = sum(1 for learner, _ in ledger if learner in in_gradebook)
    return stored, graded, duplicated


def wait_for_empty_inbox(root: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any((root / "inbox").glob("*.json")):
        time.sleep(0.2)


def run_regrade(template: Path, catalog, count: int, workdir: Path,
                ) -> tuple[float, float, bool, int]:
    """(nbgrader seconds, kurskit seconds, identical, compared) over `count` submissions."""
    reference = workdir / "nbgrader"
    shutil.copytree(template, reference, symlinks=True)
    modules = catalog.modules
    expected = set()
    for number in range(count):
        module = modules[number % len(modules)]
        learner = f"massen-{number // len(modules):04d}"
        store(reference / "grading", module, learner,
              answers_for(module, PATTERNS[(number // len(modules)) % len(PATTERNS)]))
        expected.add((learner, module.id))
    fast = workdir / "kurskit"
    shutil.copytree(reference, fast, symlinks=True)

    started = time.perf_counter()
    for module in modules:
        nbgrader_autograde(reference / "grading", module.id)
    nbgrader_seconds = time.perf_counter() - started

    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "kurskit.cli", "--root", str(fast), "grade", "--all", "--restart",
         "--quiet"], capture_output=True, text=True, check=False)
    kurskit_seconds = time.perf_counter() - started
    if completed.returncode != 0:
        print(completed.stdout, completed.stderr, file=sys.stderr)
    by_nbgrader = gradebook_snapshot(reference / "grading")
    by_kurskit = gradebook_snapshot(fast / "grading")
    identical = (completed.returncode == 0 and set(by_nbgrader) == expected
                 and all(by_kurskit.get(key) == by_nbgrader[key] for key in expected))
    if not identical:
        differing = [k for k in expected if by_kurskit.get(k) != by_nbgrader.get(k)]
        print(f"differing submissions: {len(differing)}, e.g. {differing[:3]}", file=sys.stderr)
    return nbgrader_seconds, kurskit_seconds, identical, len(expected)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single", type=int, default=200)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--regrade", type=int, default=1000)
    parser.add_argument("--small", action="store_true", help="CI size: 20/20/30")
    args = parser.parse_args()
    if args.small:
        args.single, args.burst, args.regrade = 20, 20, 30

    with tempfile.TemporaryDirectory(prefix="kurskit-bench-grading-") as tmp:
        template = make_project(Path(tmp) / "vorlage", REPO / "courses")
        release_all(template)
        catalog = load_catalog(template.courses)
        live = Path(tmp) / "dienst"
        shutil.copytree(template.root, live, symlinks=True)

        service = Service(live)
        try:
            single = run_single(service, catalog, args.single)
            burst, acknowledged, peak_mb = run_burst(service, catalog, args.burst)
            wait_for_empty_inbox(live / "grading", 120)
        finally:
            service.stop()
        stored, graded, duplicated = burst_counts(live / "grading", "welle-")
        lost = acknowledged - graded

        nb_seconds, fast_seconds, identical, compared = run_regrade(
            template.root, catalog, args.regrade, Path(tmp))

    per_submission = nb_seconds / compared
    print(f"baseline: nbgrader autograde {per_submission:.2f} s per submission "
          f"({compared} submissions, serial, {nb_seconds:.0f} s in this run)")
    print(f"submit-p95: {percentile(single, 0.95):.2f} s ({len(single)} single submissions; "
          f"p50 {percentile(single, 0.5):.2f} s; "
          f"{per_submission / percentile(single, 0.95):.0f}x under nbgrader's per-submission "
          "time)")
    print(f"burst: {stored} submitted, {graded} graded, {lost} lost, {duplicated} duplicated, "
          f"p95 {percentile(burst, 0.95) if burst else float('nan'):.1f} s "
          f"({args.burst} learners at once, {acknowledged} acknowledged)")
    print(f"autograde-speedup: {nb_seconds / fast_seconds:.1f}x over nbgrader autograde "
          f"({compared} submissions, "
          f"{'scores identical' if identical else 'SCORES DIFFER'}; "
          f"{fast_seconds:.1f} s vs {nb_seconds:.0f} s)")
    print(f"service-rss: {peak_mb:.0f} MB peak during burst (service and its children)")
    ok = identical and lost == 0 and duplicated == 0 and graded == args.burst
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
