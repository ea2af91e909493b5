"""The one client of the grading API: the same calls, errors and polling for both views.

Every test runs the same flow through both transports: urllib (the learner's kernel) and
tornado (the portal), against a small real HTTP server standing in for the service.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from kurskit import deployment
from kurskit.portal import client
from kurskit.portal.client import ServiceError
from kurskit.portal.feedback import SERVICE_DOWN


class FakeService(http.server.ThreadingHTTPServer):
    """Answers each request with the next scripted (status, body); records what it got."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[tuple[int, Any]] = []
        self.seen: list[tuple[str, str, dict[str, str], Any]] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeService

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        status, reply = self.server.script.pop(0)
        data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeService]:
    server = FakeService()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(deployment.SERVICE_URL, f"http://127.0.0.1:{server.server_port}")
    yield server
    server.shutdown()


def run(transport: str, flow: client.Flow[Any], **options: Any) -> Any:
    if transport == "kernel":
        return client.call(flow, **options)
    # a thread of its own: another test's Playwright may own this thread's event loop
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, client.acall(flow, **options)).result()


TRANSPORTS = pytest.mark.parametrize("transport", ["kernel", "portal"])
GRADING = {"module": "m", "attempt": 3, "status": "grading",
           "status_url": "/api/v1/modules/m/submissions/3"}
RESULT = {"module": "m", "attempt": 3, "score": 4.0, "max_score": 4.0, "questions": []}


@TRANSPORTS
def test_a_202_is_polled_until_the_grade_is_there(service, transport):
    service.script = [(202, GRADING), (202, GRADING), (202, GRADING), (200, RESULT)]
    outcome = run(transport, client.submit("m", {"frist": "72 Stunden"}, poll=0.01))
    assert outcome == RESULT
    assert [(method, path) for method, path, _, _ in service.seen] == [
        ("POST", "/api/v1/modules/m/submissions"),
        *[("GET", "/api/v1/modules/m/submissions/3")] * 3]
    assert service.seen[0][3] == {"answers": {"frist": "72 Stunden"}}


def test_the_kernel_is_told_each_time_it_waits(service):
    service.script = [(202, GRADING), (202, GRADING), (200, RESULT)]
    waits: list[int] = []
    client.call(client.submit("m", {}, poll=0.01), on_pause=lambda: waits.append(1))
    assert len(waits) == 2


@TRANSPORTS
def test_grading_that_takes_too_long_gives_none_not_an_error(service, transport):
    service.script = [(202, GRADING)] * 50
    assert run(transport, client.submit("m", {}, timeout=0.05, poll=0.02)) is None


@TRANSPORTS
def test_a_refusal_carries_the_services_german_message(service, transport):
    service.script = [(422, {"error": "invalid_answer", "message": "not an option",
                             "message_de": "Ungültige Antwort: bitte neu wählen."})]
    with pytest.raises(ServiceError) as refused:
        run(transport, client.check("m", "frist", "x"))
    assert (refused.value.status, refused.value.german) == (
        422, "Ungültige Antwort: bitte neu wählen.")


@TRANSPORTS
def test_a_refusal_without_a_german_message_still_speaks_german(service, transport):
    service.script = [(500, b"Internal Server Error")]
    with pytest.raises(ServiceError, match=r"abgelehnt \(Fehler 500\)"):
        run(transport, client.draft("m"))


@TRANSPORTS
def test_no_service_means_a_german_message_and_503(monkeypatch, transport):
    monkeypatch.setenv(deployment.SERVICE_URL, "http://127.0.0.1:9")
    with pytest.raises(ServiceError) as down:
        run(transport, client.save_draft("m", {"frist": "72 Stunden"}))
    assert (down.value.status, down.value.german) == (503, SERVICE_DOWN)


@TRANSPORTS
def test_the_deployment_hands_on_identity_never_the_body(service, transport, monkeypatch):
    monkeypatch.setenv(deployment.HUB_TOKEN, "hub-token-of-anna")
    service.script = [(200, {"answers": {}})]
    run(transport, client.draft("m"), forward={"X-Kurskit-Learner": "anna"})
    method, path, headers, body = service.seen[0]
    assert (method, path, body) == ("GET", "/api/v1/modules/m/draft", None)
    assert headers["Authorization"] == "token hub-token-of-anna"
    assert headers["X-Kurskit-Learner"] == "anna"
