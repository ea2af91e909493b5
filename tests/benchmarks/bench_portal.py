"""Portal benchmark: time-to-interactive of a module in Chromium, kernel memory, CPU split.

Run by `make bench`. It releases the real catalogue into a throw-away project and starts
the grading service and the portal as `kurskit start` does, with the module's preheated
pool sized for the rush (`kurskit start --pool MODULE=N`). It opens the module alone three
times (the baseline of this run), waits until the pools are full again, then opens it N
times at once, each learner in its own browser context. A page is interactive when its
„Abgeben“ button is visible. The last lines are the results:
  lesson-tti: p50 … s, p95 … s (N concurrent)
  session-rss: … MB per learner kernel
  cpu-per-page: … (who spends the machine's two cores while the pages open)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, make_project  # noqa: E402
from kurskit.build import release_all  # noqa: E402
from kurskit.catalog import load_catalog  # noqa: E402
from kurskit.portal import portal_path  # noqa: E402
from kurskit.start import PortalLimits  # noqa: E402
from portal_server import kernel_rss_mb, serve_portal  # noqa: E402

BASELINE_VIEWS = 3
USABLE_SUBMIT = """() => Array.from(document.querySelectorAll('button')).some(
    b => b.textContent.trim() === 'Abgeben' && !b.disabled && b.offsetParent !== null)"""


async def open_module(browser, url: str, results: list[float], errors: list[str],
                      hold: float = 0.0) -> None:
    """One learner: a fresh browser context opens the module; time until „Abgeben“ shows."""
    context = await browser.new_context()
    page = await context.new_page()
    started = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=180_000)
        # a cheap check every 50 ms: Playwright's role locator recomputes accessible names
        # over the whole page each poll, which on 20 pages costs more CPU than the pages
        await page.wait_for_function(USABLE_SUBMIT, polling=50, timeout=180_000)
        results.append(time.perf_counter() - started)
        await asyncio.sleep(hold)  # keep the page, and so its kernel, open
    except Exception as error:  # a failed page is reported, not hidden
        errors.append(str(error).splitlines()[0])
    finally:
        await context.close()


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by Chromium and by the portal side (Voilà, kernels, service)."""
    totals = {"chromium": 0.0, "portal": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        if b"chromium" in cmdline or b"chrome" in cmdline:
            totals["chromium"] += used
        elif b"kurskit.portal_app" in cmdline or b"ipykernel" in cmdline or b"uvicorn" in cmdline:
            totals["portal"] += used
    return totals


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
        catalog = load_catalog(project.courses)
        module = catalog.module(args.module)
        assert module is not None, f"unknown module {args.module}"
        course = next(c for c in catalog.courses if module in c.modules)
        limits = PortalLimits(pools={portal_path(course, module): args.learners},
                              max_sessions=max(60, 2 * args.learners))
        alone: list[float] = []
        together: list[float] = []
        errors: list[str] = []
        rss: list[float] = []
        cpu: dict[str, float] = {}
        with serve_portal(project, "bench", limits) as portal:
            print(f"… preheating {len(catalog.modules)} module pools", file=sys.stderr)
            portal.wait_for_pools(len(catalog.modules), timeout=600)
            url = portal.module_url(args.module)

            async def run() -> None:
                async with async_playwright() as playwright:
                    browser = await playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                    for _ in range(BASELINE_VIEWS):  # the baseline: one learner at a time
                        await open_module(browser, url, alone, errors)
                    print("… waiting for the pool to refill", file=sys.stderr)
                    portal.wait_for_pools(len(catalog.modules) + BASELINE_VIEWS, timeout=600)

                    async def measure() -> None:
                        before = cpu_seconds()
                        while len(together) + len(errors) < args.learners:
                            await asyncio.sleep(0.2)
                        after = cpu_seconds()
                        cpu.update({k: after[k] - before[k] for k in after})
                        rss.extend(kernel_rss_mb(portal.voila.pid).values())

                    print(f"… {args.learners} learners open the module at once",
                          file=sys.stderr)
                    await asyncio.gather(measure(), *[
                        open_module(browser, url, together, errors, hold=20.0)
                        for _ in range(args.learners)])
                    await browser.close()

            asyncio.run(run())
        shutil.rmtree(project.root / "grading", ignore_errors=True)
    if errors:
        print(f"errors: {len(errors)} pages failed, first: {errors[0]}")
    if not together or not alone or not rss:
        print("lesson-tti: no page became interactive")
        return 1
    print(f"baseline: one learner alone, median {statistics.median(alone):.2f} s "
          f"({BASELINE_VIEWS} page views, same run)")
    print(f"lesson-tti: p50 {percentile(together, 0.5):.2f} s, "
          f"p95 {percentile(together, 0.95):.2f} s ({len(together)} concurrent; "
          f"{percentile(together, 0.5) / statistics.median(alone):.1f}x the single-learner "
          "median)")
    print(f"session-rss: {statistics.median(rss):.0f} MB per learner kernel "
          f"(median of {len(rss)} kernels, max {max(rss):.0f} MB)")
    pages = len(together)
    print(f"cpu-per-page: Chromium {cpu['chromium'] / pages:.2f} s, portal side (Voilà, "
          f"kernels, service) {cpu['portal'] / pages:.2f} s ({pages} pages, 2 cores shared)")
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
