"""Portal benchmark: time-to-interactive of a module in Chromium, kernel memory, CPU split.

Run by `make bench`. It releases the real catalogue into a throw-away project and starts
the grading service and the portal as `kurskit start` does, twice:

1. The default module view (the HTML page, `kurskit.lesson_page`), with many learners
   behind a trusted proxy (header identity, one learner id per browser context). It opens
   the module alone three times (the baseline of this run), then N times at once, each
   learner in their own browser context. A page is interactive when its „Abgeben“ button
   is visible and its script is ready.
2. The Voilà widget view (`kurskit start --module-view voila`) with the module's preheated
   pool sized for the rush (`--pool MODULE=N`): the same N learners at once, for the
   learner kernels' memory and as a reference for the page view.

The last lines are the results:
  voila-tti: … (reference)   session-rss: … MB per learner kernel
  cpu-per-page: …            lesson-tti: p50 … s, p95 … s (N concurrent)
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
PAGE_READY = ("() => document.documentElement.hasAttribute('data-kk-bereit') && ("
              + USABLE_SUBMIT + ")()")


async def open_module(browser, url: str, results: list[float], errors: list[str],
                      hold: float = 0.0, learner: str | None = None,
                      ready: str = USABLE_SUBMIT) -> None:
    """One learner: a fresh browser context opens the module; time until „Abgeben“ works."""
    headers = {"X-Kurskit-Learner": learner} if learner else None  # what the proxy would add
    context = await browser.new_context(extra_http_headers=headers)
    page = await context.new_page()
    started = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=180_000)
        # a cheap check every 50 ms: Playwright's role locator recomputes accessible names
        # over the whole page each poll, which on 20 pages costs more CPU than the pages
        await page.wait_for_function(ready, polling=50, timeout=180_000)
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

    with tempfile.TemporaryDirectory(prefix="kurskit-bench-") as tmp:
        project = make_project(Path(tmp) / "projekt", REPO / "courses")
        release_all(project)
        catalog = load_catalog(project.courses)
        module = catalog.module(args.module)
        assert module is not None, f"unknown module {args.module}"
        course = next(c for c in catalog.courses if module in c.modules)
        pages = measure_pages(project, args)
        voila = measure_voila(project, args, len(catalog.modules),
                              {portal_path(course, module): args.learners})
        shutil.rmtree(project.root / "grading", ignore_errors=True)
    for run in (pages, voila):
        if run.errors:
            print(f"errors ({run.name}): {len(run.errors)} pages failed, first: {run.errors[0]}")
    if not pages.together or not pages.alone or not voila.together or not voila.rss:
        print("lesson-tti: no page became interactive")
        return 1
    baseline = statistics.median(pages.alone)
    print(f"baseline: one learner alone opens the module page, median {baseline:.2f} s "
          f"({BASELINE_VIEWS} page views, same run)")
    voila_p50 = percentile(voila.together, 0.5)
    print(f"voila-tti: p50 {voila_p50:.2f} s, p95 {percentile(voila.together, 0.95):.2f} s "
          f"({len(voila.together)} concurrent, Voilà widget view with a preheated pool; "
          f"{voila_p50 / baseline:.1f}x the baseline; reference)")
    print(f"session-rss: {statistics.median(voila.rss):.0f} MB per learner kernel "
          f"(Voilà view, median of {len(voila.rss)} kernels, max {max(voila.rss):.0f} MB; "
          "the page view starts none)")
    for run in (voila, pages):
        n = len(run.together)
        print(f"cpu-per-page ({run.name}): Chromium {run.cpu['chromium'] / n:.2f} s, portal "
              f"side (Voilà, kernels, service) {run.cpu['portal'] / n:.2f} s ({n} pages, "
              "2 cores shared)")
    print(f"lesson-tti: p50 {percentile(pages.together, 0.5):.2f} s, "
          f"p95 {percentile(pages.together, 0.95):.2f} s ({len(pages.together)} concurrent; "
          f"{percentile(pages.together, 0.5) / baseline:.1f}x the single-learner median)")
    return 0 if not (pages.errors or voila.errors) else 1


class Run:
    def __init__(self, name: str) -> None:
        self.name = name
        self.alone: list[float] = []
        self.together: list[float] = []
        self.errors: list[str] = []
        self.rss: list[float] = []
        self.cpu: dict[str, float] = {}


async def rush(browser, run: Run, url: str, learners: int, hold: float, ready: str,
               kernels_of: int | None = None, header: bool = False) -> None:
    """`learners` open the module at once; CPU split (and kernel RSS) measured meanwhile."""
    async def measure() -> None:
        before = cpu_seconds()
        while len(run.together) + len(run.errors) < learners:
            await asyncio.sleep(0.2)
        after = cpu_seconds()
        run.cpu.update({k: after[k] - before[k] for k in after})
        if kernels_of is not None:
            run.rss.extend(kernel_rss_mb(kernels_of).values())

    print(f"… {learners} learners open the module at once ({run.name})", file=sys.stderr)
    await asyncio.gather(measure(), *[
        open_module(browser, url, run.together, run.errors, hold=hold, ready=ready,
                    learner=f"bench-{n:03d}" if header else None)
        for n in range(learners)])


def measure_pages(project, args) -> Run:
    """The default view: HTML module pages, learners named by a trusted proxy's header."""
    from playwright.async_api import async_playwright

    run = Run("page view")
    with serve_portal(project, "bench", PortalLimits(),
                      service_env={"KURSKIT_IDENTITY": "header"}) as portal:
        url = portal.page_url(args.module)

        async def go() -> None:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for n in range(BASELINE_VIEWS):  # the baseline: one learner at a time
                    await open_module(browser, url, run.alone, run.errors, ready=PAGE_READY,
                                      learner=f"allein-{n}")
                await rush(browser, run, url, args.learners, hold=5.0, ready=PAGE_READY,
                           header=True)
                await browser.close()

        asyncio.run(go())
    return run


def measure_voila(project, args, modules: int, pools: dict[str, int]) -> Run:
    """The Voilà widget view with a preheated pool for the rush (kernel memory)."""
    from playwright.async_api import async_playwright

    run = Run("Voilà view")
    limits = PortalLimits(module_view="voila", pool_size=1, pools=pools,
                          max_sessions=max(60, 2 * args.learners))
    with serve_portal(project, "bench", limits) as portal:
        print(f"… preheating {modules} module pools", file=sys.stderr)
        portal.wait_for_pools(modules, timeout=900)
        url = portal.module_url(args.module)

        async def go() -> None:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                await rush(browser, run, url, args.learners, hold=20.0, ready=USABLE_SUBMIT,
                           kernels_of=portal.voila.pid)
                await browser.close()

        asyncio.run(go())
    return run


if __name__ == "__main__":
    raise SystemExit(main())
