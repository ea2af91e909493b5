"""Room for many kernels: the portal raises its open-file limit and sizes its zmq context,
so kernel websockets keep opening past libzmq's default of 1023 sockets."""

import asyncio
import re
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import zmq

from kurskit.portal.open_files import raise_limits
from kurskit.start import PortalLimits
from portal_server import serve_portal

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
# four zmq sockets per kernel websocket: this many pass libzmq's default of 1023
PAGES = 300


def sockets_until_refused(context: zmq.Context, most: int) -> int:
    opened = []
    try:
        while len(opened) < most:
            opened.append(context.socket(zmq.DEALER))
    except zmq.ZMQError:
        pass
    finally:
        for socket in opened:
            socket.close(linger=0)
    return len(opened)


def test_a_raised_context_opens_more_sockets_than_zmq_allows_by_default():
    default, raised = zmq.Context(), zmq.Context()
    try:
        assert raise_limits(raised) > 2000  # this machine's hard limit leaves room
        assert sockets_until_refused(default, 2000) < 1024
        assert sockets_until_refused(raised, 2000) == 2000
    finally:
        default.term()
        raised.term()


def test_the_open_file_limit_is_raised_to_the_hard_limit():
    """In a process of its own that starts with a service's default soft limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard > 1024, "this machine's hard limit leaves nothing to raise"
    script = ("import resource, zmq; from kurskit.portal.open_files import raise_limits; "
              "raise_limits(zmq.Context()); print(*resource.getrlimit(resource.RLIMIT_NOFILE))")
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))).stdout
    assert shown.split() == [str(hard), str(hard)]


@contextmanager
def service_soft_limit():
    """The portal starts as a systemd service would: 1024 open files unless it raises it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def open_pages(base: str, kernel_id: str) -> tuple[int, list[str]]:
    """PAGES kernel websockets to one kernel at once: how many opened, what went wrong."""
    from tornado.websocket import websocket_connect

    async def one(number: int):
        return await websocket_connect(
            f"{base}/api/kernels/{kernel_id}/channels?session_id=page-{number}")

    outcomes = await asyncio.gather(*[one(n) for n in range(PAGES)], return_exceptions=True)
    opened = [o for o in outcomes if not isinstance(o, BaseException)]
    for socket in opened:
        socket.close()
    return len(opened), sorted({str(o) for o in outcomes if isinstance(o, BaseException)})


@pytest.mark.nbgrader
def test_the_portal_opens_kernel_websockets_past_zmqs_default_socket_limit(released_example):
    import urllib.request

    with service_soft_limit(), serve_portal(released_example, "lernende",
                                            PortalLimits(max_sessions=5)) as portal:
        with urllib.request.urlopen(portal.module_url("beispiel-01-kurz"), timeout=120) as page:
            kernel_id = KERNEL_ID.search(page.read().decode()).group(1)
        base = portal.url.replace("http://", "ws://")
        with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever owns this one
            opened, errors = thread.submit(asyncio.run, open_pages(base, kernel_id)).result()
        assert (opened, errors) == (PAGES, [])
        limits = Path(f"/proc/{portal.voila.pid}/limits").read_text()
        soft, hard = re.search(r"Max open files\s+(\d+)\s+(\d+)", limits).groups()
        assert soft == hard
