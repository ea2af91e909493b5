"""The portal server: preheated pools, the session cap with its German page, idle culling,
and drafts that a preheated page picks up when a learner takes it."""

import asyncio
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kurskit.portal.app import SessionCount
from kurskit.start import PortalLimits
from portal_server import serve_portal

pytestmark = pytest.mark.nbgrader
LEARNER = "portal-lernende"
FIRST = "beispiel-01-kurz"


class FakePoolManager:
    """Just the calls a page makes on Voilà's kernel manager (unit test of own counting)."""

    def __init__(self) -> None:
        self.kernels: list[str] = ["pool-a", "pool-b"]  # preheated, no learner yet

    async def start_kernel(self, **kwargs) -> str:
        self.kernels.append(f"direct-{len(self.kernels)}")
        return self.kernels[-1]

    async def get_rendered_notebook(self, notebook_name: str, **kwargs) -> tuple:
        return None, [], "pool-a"

    def list_kernel_ids(self) -> list[str]:
        return list(self.kernels)


def run(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API may own this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_sessions_count_pages_not_pooled_kernels():
    manager = FakePoolManager()
    sessions = SessionCount(manager)
    assert len(sessions) == 0  # pooled kernels are no learners

    run(manager.get_rendered_notebook("a.ipynb"))
    assert len(sessions) == 1
    run(manager.start_kernel(kernel_name="python3"))
    assert len(sessions) == 2
    manager.kernels.remove("pool-a")  # closed or culled
    assert len(sessions) == 1


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_a_full_portal_answers_with_a_german_page_and_retry_after(released_example):
    limits = PortalLimits(pool_size=1, max_sessions=1)
    with serve_portal(released_example, LEARNER, limits) as portal:
        portal.wait_for_pools(2)
        url = portal.module_url(FIRST)
        status, _, _ = fetch(url)  # the two pooled kernels do not count as learners
        assert status == 200

        status, page, headers = fetch(url)
        assert status == 503
        assert headers.get("Retry-After") == "120"
        assert '<html lang="de">' in page
        assert "Das Lernportal ist gerade voll ausgelastet" in page
        assert "Traceback" not in page and "Portal full" not in page

        status, overview, _ = fetch(portal.url + "/")  # the overview is never refused
        assert status == 200 and "Ihre Kurse" in overview


def test_idle_kernels_without_a_page_are_culled_and_the_pool_kept(released_example):
    limits = PortalLimits(pool_size=1, max_sessions=5, cull_idle=3)
    with serve_portal(released_example, LEARNER, limits) as portal:
        portal.wait_for_pools(2)
        pooled = portal.kernel_pids()
        assert len(pooled) == 2

        status, _, _ = fetch(portal.module_url(FIRST))  # takes a pooled kernel, never connects
        assert status == 200
        deadline = time.monotonic() + 60
        while "Culling 'idle' kernel" not in portal.log.read_text():
            assert time.monotonic() < deadline, portal.log.read_text()[-2000:]
            time.sleep(0.5)
        portal.wait_for_pools(3)  # Voilà refilled the pool of the first module
        refilled = portal.kernel_pids()
        assert len(refilled) == 2 and len(pooled - refilled) == 1  # the learner's kernel went
        time.sleep(limits.cull_idle * 3)
        assert portal.kernel_pids() == refilled  # pooled kernels are never culled


@pytest.mark.browser
def test_a_preheated_page_shows_the_draft_saved_after_it_was_heated(chromium,
                                                                    released_example):
    """The pooled kernel read the draft before the learner came; it must read it again."""
    limits = PortalLimits(pool_size=1, max_sessions=5)
    with serve_portal(released_example, LEARNER, limits) as portal:
        portal.wait_for_pools(2)
        time.sleep(1)  # the pooled page has read its (empty) draft by now
        request = urllib.request.Request(
            f"{portal.service_url}/api/v1/modules/{FIRST}/draft", method="PUT",
            data=json.dumps({"answers": {"frist": "72 Stunden"}}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200

        page = chromium.new_page()
        try:
            page.goto(portal.module_url(FIRST))
            page.get_by_role("button", name="Abgeben").wait_for(timeout=60_000)
            page.get_by_text("1 von 3 Fragen beantwortet").wait_for(timeout=15_000)
            assert page.get_by_role("radio", name="72 Stunden").is_checked()
        finally:
            page.close()


def test_kernels_talk_to_the_portal_over_unix_sockets_not_tcp_ports(released_example):
    """Dozens of pool kernels starting at once raced for free TCP ports, and a kernel that
    lost the race was a dead pool kernel (its page answered 500): kernels use ipc."""
    import psutil

    with serve_portal(released_example, LEARNER, PortalLimits(pool_size=1)) as portal:
        portal.wait_for_pools(2)
        kernels = portal.kernel_pids()
        assert len(kernels) == 2
        for pid in kernels:
            process = psutil.Process(pid)
            connection_file = process.cmdline()[process.cmdline().index("-f") + 1]
            with open(connection_file) as config:
                connection = json.load(config)
            # ipc: the kernel's five channels are socket files, no port to race for
            assert connection["transport"] == "ipc"
            assert Path(f"{connection['ip']}-{connection['shell_port']}").is_socket()
