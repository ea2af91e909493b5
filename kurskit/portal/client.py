"""The one client of the grading API, shared by both module views.

The HTML module page (the portal: asynchronous, tornado) and the Voilà widgets (the
learner's kernel: synchronous, standard library only, since every learner has a kernel of
their own) make the same calls. Each call is written once here as a *flow*: a generator
that yields the requests it needs, and the pauses while it waits for a grade, and returns
the outcome. `call` runs a flow with urllib, `acall` with tornado's HTTP client. The
service's address, the identity the deployment hands on, the German message of a refusal
and the polling after a 202 live only here.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from kurskit import deployment
from kurskit.portal.feedback import SERVICE_DOWN, refused

API = "/api/v1"
T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below /api/v1
    body: Any = None
    timeout: float = 30.0
    binary: bool = False  # answer with the raw bytes (a PDF), not JSON


@dataclass(frozen=True)
class Pause:
    seconds: float


Flow = Generator[Request | Pause, Any, T]


class ServiceError(Exception):
    """A call failed; `german` tells the learner why, `status` is HTTP's (503: no service)."""

    def __init__(self, status: int, german: str) -> None:
        super().__init__(german)
        self.status, self.german = status, german


# --- the calls --------------------------------------------------------------------------

def draft(module_id: str) -> Flow[Any]:
    return (yield Request("GET", f"/modules/{module_id}/draft", timeout=5))


def draw(module_id: str) -> Flow[Any]:
    """Which variant of each question pool the caller answers in the next attempt."""
    return (yield Request("GET", f"/modules/{module_id}/draw", timeout=5))


def my_courses() -> Flow[Any]:
    """„Meine Kurse“: the caller's courses and modules with their state."""
    return (yield Request("GET", "/me/courses", timeout=30))


def save_draft(module_id: str, answers: dict[str, Any],
               sequence: int | None = None) -> Flow[Any]:
    body: dict[str, Any] = {"answers": answers}
    if sequence is not None:  # the page's save counter: a late, older save is ignored
        body["sequence"] = sequence
    return (yield Request("PUT", f"/modules/{module_id}/draft", body, timeout=10))


def check(module_id: str, qid: str, answer: Any) -> Flow[Any]:
    return (yield Request("POST", f"/modules/{module_id}/questions/{qid}/check",
                          {"answer": answer}))


def submit(module_id: str, answers: dict[str, Any], timeout: float = 120,
           poll: float = 1.0) -> Flow[dict[str, Any] | None]:
    """Submit and wait for the grade; None when it takes longer than `timeout`."""
    outcome = yield Request("POST", f"/modules/{module_id}/submissions", {"answers": answers},
                            timeout=timeout)
    # 202: stored, but the grade takes longer than the service waits; ask until it is there
    deadline = time.monotonic() + timeout
    while isinstance(outcome, dict) and outcome.get("status") == "grading":
        if time.monotonic() > deadline:
            return None
        yield Pause(poll)
        outcome = yield Request(
            "GET", f"/modules/{module_id}/submissions/{int(outcome['attempt'])}")
    return outcome


def certificates() -> Flow[Any]:
    """The caller's own certificates."""
    return (yield Request("GET", "/certificates", timeout=10))


def certificate_pdf(code: str) -> Flow[bytes]:
    return (yield Request("GET", f"/certificates/{code}/pdf", timeout=60, binary=True))


def verify(code: str) -> Flow[Any]:
    """Public: a certificate's status, course, date and holder."""
    return (yield Request("GET", f"/verify/{code}", timeout=10))


# --- running a flow -----------------------------------------------------------------

def call(flow: Flow[T], forward: Mapping[str, str] | None = None,
         on_pause: Callable[[], None] | None = None) -> T:
    """Run a flow synchronously (the learner's kernel)."""
    try:
        step = next(flow)
        while True:
            if isinstance(step, Pause):
                if on_pause:
                    on_pause()
                time.sleep(step.seconds)
                step = flow.send(None)
            else:
                step = flow.send(_send(step, forward))
    except StopIteration as finished:
        return finished.value


async def acall(flow: Flow[T], forward: Mapping[str, str] | None = None) -> T:
    """Run a flow on tornado's event loop (the portal)."""
    try:
        step = next(flow)
        while True:
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                step = flow.send(None)
            else:
                step = flow.send(await _asend(step, forward))
    except StopIteration as finished:
        return finished.value


def configure_portal(max_calls: int) -> None:
    """How many calls the portal may have open at once (tornado's default of 10 would let
    ten learners who wait for a grade hold up every other learner's page)."""
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=max_calls)


def _url(request: Request) -> str:
    return f"{deployment.service_url()}{API}{request.path}"


def _headers(forward: Mapping[str, str] | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    token = os.environ.get(deployment.HUB_TOKEN)
    if token:  # a hub deployment: the service verifies this token with the hub
        headers["Authorization"] = f"token {token}"
    headers.update(forward or {})
    return headers


def _body(request: Request) -> bytes | None:
    return None if request.body is None else json.dumps(request.body).encode("utf-8")


def _refusal(status: int, body: bytes | None) -> ServiceError:
    try:
        german = json.loads(body or b"")["message_de"]
    except Exception:
        german = refused(status)
    return ServiceError(status, str(german))


def _send(request: Request, forward: Mapping[str, str] | None) -> Any:
    sent = urllib.request.Request(_url(request), data=_body(request),
                                  headers=_headers(forward), method=request.method)
    try:
        with urllib.request.urlopen(sent, timeout=request.timeout) as response:
            raw = response.read()
            return raw if request.binary else json.loads(raw.decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise _refusal(error.code, error.read()) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise ServiceError(503, SERVICE_DOWN) from None


async def _asend(request: Request, forward: Mapping[str, str] | None) -> Any:
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

    sent = HTTPRequest(_url(request), method=request.method, headers=_headers(forward),
                       body=_body(request), request_timeout=request.timeout)
    try:
        response = await AsyncHTTPClient().fetch(sent)
    except HTTPClientError as error:
        if error.response is None or error.code >= 599:
            raise ServiceError(503, SERVICE_DOWN) from None
        raise _refusal(error.code, error.response.body) from None
    except OSError:
        raise ServiceError(503, SERVICE_DOWN) from None
    return response.body if request.binary else json.loads(response.body)
