"""Portal benchmark: time-to-interactive of a module in Chromium, kernel memory, CPU split.

Run by `make bench`. It releases the real catalogue into a throw-away project and starts
the grading service and the portal as `kurskit start` does, twice:

1. The default module view (the HTML page, `kurskit.portal.lesson_page`), with many learners
   behind a trusted proxy (header identity, one learner id per browser context). Each
   learner has the course overview open in their own browser context; one opens the
   module alone three times (the baseline of this run), then N open it at once. Timed is
   the step from the start of the navigation to the page's `kk-bereit` mark: „Abgeben“
   visible, enabled and wired (browser start-up is not: in an office each learner's
   browser runs on their own PC, here all share the server's two cores).
2. The Voilà widget view (`kurskit start --module-view voila`) with the module's preheated
   pool sized for the rush (`--pool MODULE=N`): the same N learners at once, for the
   learner kernels' memory and as a reference for the page view.

The last lines are the results (lesson-tti last):
  baseline: …   voila-tti: … (reference)   session-rss: … MB per learner kernel
  cpu-per-page: … (per view)   lesson-tti: p50 … s, p95 … s (N concurrent, …)
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
from kurskit.authoring.catalog import load_catalog  # noqa: E402
from kurskit.layout import portal_path  # noqa: E402
from kurskit.release.build import release_all  # noqa: E402
from kurskit.start import PortalLimits  # noqa: E402
from portal_server import kernel_rss_mb, serve_portal  # noqa: E402

BASELINE_VIEWS = 3
# both module views set this User Timing mark once „Abgeben“ is visible, enabled and wired
READY_MARK = "kk-bereit"
MARKED = f"() => performance.getEntriesByName('{READY_MARK}').length > 0"
WHEN_READY = (f"() => [performance.getEntriesByName('{READY_MARK}')[0].startTime, "
              "performance.timeOrigin]")


async def open_module(browser, url: str, run: Run, alone: bool = False, hold: float = 0.0,
                      learner: str | None = None, overview: str | None = None,
                      together: asyncio.Barrier | None = None) -> None:
    """One learner in their own browser context: the course overview is open (as when a
    trainer says "now open module 1"); then the module; time until „Abgeben“ works.

    Each learner's browser runs on their own PC in the office; here all share the server's
    two cores, so the browsers start and show the overview before the clock runs. The
    time is read in the page (the page's `kk-bereit` mark, Navigation Timing's clock: from
    the start of the navigation), so the benchmark's own polling of 20 pages through one
    Playwright driver does not count; the time from the benchmark's `goto` call to the
    mark (which does include the driver) is kept too.
    """
    headers = {"X-Kurskit-Learner": learner} if learner else None  # what the proxy would add
    context = await browser.new_context(extra_http_headers=headers)
    try:
        page = await context.new_page()
        if overview:
            await page.goto(overview, timeout=180_000)
        if together is not None:
            await together.wait()  # every learner is ready: open the module at once
        clicked = time.time()
        await page.goto(url, wait_until="commit", timeout=180_000)
        await page.wait_for_function(MARKED, polling=100, timeout=180_000)
        ready_ms, origin_ms = await page.evaluate(WHEN_READY)
        (run.alone if alone else run.together).append(ready_ms / 1000)
        if not alone:
            run.from_goto.append((origin_ms + ready_ms) / 1000 - clicked)
        await asyncio.sleep(hold)  # keep the page, and so its kernel, open
    except Exception as error:  # a failed page is reported, not hidden
        run.errors.append(str(error).splitlines()[0])
    finally:
        await context.close()


# which processes count as what: the first marker found in a process's command line
PARTS = ((b"chrom", "chromium"), (b"kurskit.portal.app", "portal"), (b"ipykernel", "portal"),
         (b"uvicorn", "portal"))


def cpu_seconds(parts: tuple[tuple[bytes, str], ...] = PARTS) -> dict[str, float]:
    """CPU time used so far by each part (default: Chromium, and the portal side: Voilà,
    kernels, service), over every process of the machine."""
    totals = dict.fromkeys((name for _, name in parts), 0.0)
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        part = next((name for marker, name in parts if marker in cmdline), None)
        if part is not None:
            totals[part] += (int(fields[11]) + int(fields[12])) / tick
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
          f"from navigation start ({BASELINE_VIEWS} page views, same run)")
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
    p50 = percentile(pages.together, 0.5)
    print(f"lesson-tti: p50 {p50:.2f} s, p95 {percentile(pages.together, 0.95):.2f} s "
          f"({len(pages.together)} concurrent, from navigation start; {p50 / baseline:.1f}x the "
          f"single-learner median; from the benchmark's goto: p50 "
          f"{percentile(pages.from_goto, 0.5):.2f} s, "
          f"p95 {percentile(pages.from_goto, 0.95):.2f} s)")
    return 0 if not (pages.errors or voila.errors) else 1


class Run:
    def __init__(self, name: str) -> None:
        self.name = name
        self.alone: list[float] = []
        self.together: list[float] = []  # seconds from navigation start to the mark
        self.from_goto: list[float] = []
        self.errors: list[str] = []
        self.rss: list[float] = []
        self.cpu: dict[str, float] = {}


async def rush(browser, run: Run, url: str, overview: str, learners: int, hold: float,
               kernels_of: int | None = None, header: bool = False) -> None:
    """`learners` open the module at once; CPU split (and kernel RSS) measured meanwhile."""
    together = asyncio.Barrier(learners + 1)

    async def measure() -> None:
        await together.wait()
        before = cpu_seconds()
        while len(run.together) + len(run.errors) < learners:
            await asyncio.sleep(0.2)
        after = cpu_seconds()
        run.cpu.update({k: after[k] - before[k] for k in after})
        if kernels_of is not None:
            run.rss.extend(kernel_rss_mb(kernels_of).values())

    print(f"… {learners} learners open the module at once ({run.name})", file=sys.stderr)
    await asyncio.gather(measure(), *[
        open_module(browser, url, run, hold=hold, overview=overview, together=together,
                    learner=f"bench-{n:03d}" if header else None)
        for n in range(learners)])


def course_overview(page_url: str) -> str:
    """The portal's page of the module's course (what the learner has open before)."""
    base, _, path = page_url.partition("/lernen/")
    return f"{base}/voila/tree/{path.rsplit('/', 1)[0]}"


def measure_pages(project, args) -> Run:
    """The default view: HTML module pages, learners named by a trusted proxy's header."""
    from playwright.async_api import async_playwright

    run = Run("page view")
    with serve_portal(project, "bench", PortalLimits(),
                      service_env={"KURSKIT_IDENTITY": "header"}) as portal:
        url = portal.page_url(args.module)
        overview = course_overview(url)

        async def go() -> None:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for n in range(BASELINE_VIEWS):  # the baseline: one learner at a time
                    await open_module(browser, url, run, alone=True, learner=f"allein-{n}",
                                      overview=overview)
                await rush(browser, run, url, overview, args.learners, hold=5.0, header=True)
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
                await rush(browser, run, url, course_overview(portal.page_url(args.module)),
                           args.learners, hold=20.0, kernels_of=portal.voila.pid)
                await browser.close()

        asyncio.run(go())
    return run


if __name__ == "__main__":
    raise SystemExit(main())
