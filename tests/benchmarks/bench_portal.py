"""Portal benchmark: time-to-interactive of a module in Chromium, and kernel memory.

Run by `make bench`. It releases the real catalogue into a throw-away project, starts the
grading service and Voilà as `kurskit start` does, then opens one module alone (the
baseline of this run) and N times at once, each in its own browser context. A page is
interactive when its „Abgeben“ button is visible. The last lines are the results:
  lesson-tti: p50 … s, p95 … s (N concurrent)
  session-rss: … MB per learner kernel
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, free_port, make_project  # noqa: E402
from kurskit.build import release_all  # noqa: E402
from kurskit.portal import portal_path  # noqa: E402
from kurskit.start import service_command, voila_command, voila_env, wait_for_port  # noqa: E402


def kernel_rss_mb(parent: int) -> list[float]:
    """Resident memory of every ipykernel process below `parent`."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if "ipykernel" in cmdline and int(fields.get("PPid", "0")) == parent:
            found.append(int(fields["VmRSS"].split()[0]) / 1024)
    return found


async def open_module(browser, url: str, results: list[float], errors: list[str],
                      hold: float = 0.0) -> None:
    """One learner: a fresh browser context opens the module; time until „Abgeben“ shows."""
    context = await browser.new_context()
    page = await context.new_page()
    started = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=180_000)
        await page.get_by_role("button", name="Abgeben").wait_for(timeout=180_000)
        results.append(time.perf_counter() - started)
        await asyncio.sleep(hold)  # keep the page, and so its kernel, open
    except Exception as error:  # a failed page is reported, not hidden
        errors.append(str(error).splitlines()[0])
    finally:
        await context.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--module", default="datenschutz-01-grundlagen")
    args = parser.parse_args()
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="kurskit-bench-") as tmp:
        project = make_project(Path(tmp) / "projekt", REPO / "courses")
        release_all(project)
        from kurskit.catalog import load_catalog

        catalog = load_catalog(project.courses)
        module = catalog.module(args.module)
        course = next(c for c in catalog.courses if c.id == module.course_id)
        voila_port, service_port = free_port(), free_port()
        service = subprocess.Popen(service_command(service_port), cwd=project.root, env={
            **os.environ, "KURSKIT_ROOT": str(project.root), "KURSKIT_LEARNER": "bench"})
        voila = subprocess.Popen(
            voila_command(project.portal, voila_port), cwd=project.root,
            env={**os.environ, **voila_env(f"http://127.0.0.1:{service_port}")},
            stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            assert wait_for_port(service_port, 60, service)
            assert wait_for_port(voila_port, 60, voila)
            url = (f"http://127.0.0.1:{voila_port}/voila/render/"
                   f"{quote(portal_path(course, module))}")
            alone: list[float] = []
            together: list[float] = []
            errors: list[str] = []
            rss: list[float] = []

            async def run() -> None:
                async with async_playwright() as playwright:
                    browser = await playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                    for _ in range(3):  # the baseline: one learner at a time
                        await open_module(browser, url, alone, errors)

                    async def measure_rss() -> None:
                        while len(together) < args.learners and len(errors) < args.learners:
                            await asyncio.sleep(0.5)
                        rss.extend(kernel_rss_mb(voila.pid))

                    await asyncio.gather(measure_rss(), *[
                        open_module(browser, url, together, errors, hold=30.0)
                        for _ in range(args.learners)])
                    await browser.close()

            asyncio.run(run())
        finally:
            for process in (voila, service):
                process.terminate()
                process.wait(timeout=30)
            shutil.rmtree(project.root / "grading", ignore_errors=True)
    if errors:
        print(f"errors: {len(errors)} pages failed, first: {errors[0]}")
    if not together or not alone or not rss:
        print("lesson-tti: no page became interactive")
        return 1
    print(f"baseline: one learner alone, median {statistics.median(alone):.2f} s "
          f"(3 page views, same run)")
    print(f"lesson-tti: p50 {percentile(together, 0.5):.2f} s, "
          f"p95 {percentile(together, 0.95):.2f} s ({len(together)} concurrent; "
          f"{percentile(together, 0.5) / statistics.median(alone):.1f}x the single-learner "
          "median)")
    print(f"session-rss: {statistics.median(rss):.0f} MB per learner kernel "
          f"(median of {len(rss)} kernels, max {max(rss):.0f} MB)")
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
