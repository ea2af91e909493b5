"""Hostile bodies and ids against the real service: a clean 4xx refusal with `message` and
`message_de`, files and gradebook untouched, no staging file left behind (issue 13)."""

import concurrent.futures
import os
import threading
import time

import pytest
from fastapi.testclient import TestClient
from test_service import LOCAL, MODULE, RIGHT, make_client, state

from conftest import FIXTURES, make_project
from kurskit.release.build import release_all
from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.identity import LocalIdentity

pytestmark = pytest.mark.nbgrader
MODULE_2 = "beispiel-02-weitere"
SURROGATE = b'"a\\ud800b"'  # a lone UTF-16 surrogate, JSON-escaped


@pytest.fixture(scope="module")
def released_once(tmp_path_factory):
    """The fixture course released once for this file (every test here leaves it as it was)."""
    project = make_project(tmp_path_factory.mktemp("feindlich") / "projekt",
                           FIXTURES / "courses")
    release_all(project)
    return project


@pytest.fixture(scope="module")
def client(released_once):
    settings = ServiceSettings(courses_dir=released_once.courses,
                               grading_root=released_once.grading,
                               identity=LocalIdentity("anna"))
    with TestClient(create_app(settings), base_url=LOCAL) as test_client:
        test_client.root = released_once.grading
        test_client.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
        test_client.put(f"/api/v1/modules/{MODULE}/draft",
                        json={"answers": {"frist": "72 Stunden"}})
        test_client.put(f"/api/v1/modules/{MODULE_2}/draft",
                        json={"answers": {"antwortschreiben": "Sehr geehrte Frau Muster"}})
        yield test_client


def leftovers(root):
    """Staging files and folders of interrupted writes anywhere below the course root."""
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*")
                  if p.name.startswith((".tmp-", ".incoming-")))


def raw(client, method, url, body: bytes):
    return client.request(method, url, content=body,
                          headers={"Content-Type": "application/json"})


def assert_refusal(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] and body["message"] and body["message_de"], body
    return body


SURROGATE_CALLS = [
    ("short-text answer", "POST", f"/api/v1/modules/{MODULE_2}/submissions",
     b'{"answers": {"artikel": ' + SURROGATE + b"}}"),
    ("free-text answer", "POST", f"/api/v1/modules/{MODULE_2}/submissions",
     b'{"answers": {"antwortschreiben": ' + SURROGATE + b"}}"),
    ("mapping key", "POST", f"/api/v1/modules/{MODULE}/submissions",
     b'{"answers": {"rechtsgrundlagen": {' + SURROGATE + b': "x"}}}'),
    ("question id", "POST", f"/api/v1/modules/{MODULE}/submissions",
     b'{"answers": {' + SURROGATE + b': "x"}}'),
    ("field name", "POST", f"/api/v1/modules/{MODULE}/submissions",
     b'{"answers": {}, ' + SURROGATE + b": 1}"),
    ("draft", "PUT", f"/api/v1/modules/{MODULE_2}/draft",
     b'{"answers": {"antwortschreiben": ' + SURROGATE + b"}}"),
    ("check", "POST", f"/api/v1/modules/{MODULE_2}/questions/artikel/check",
     b'{"answer": ' + SURROGATE + b"}"),
]


@pytest.mark.parametrize("name, method, url, body", SURROGATE_CALLS,
                         ids=[c[0] for c in SURROGATE_CALLS])
def test_lone_surrogates_are_refused_before_anything_is_written(client, name, method, url,
                                                                body):
    before = state(client.root)
    drafts = [client.get(f"/api/v1/modules/{m}/draft").json() for m in (MODULE, MODULE_2)]
    assert_refusal(raw(client, method, url, body), 422)
    assert state(client.root) == before
    assert [client.get(f"/api/v1/modules/{m}/draft").json() for m in (MODULE, MODULE_2)] == drafts
    assert leftovers(client.root) == []


def test_stale_staging_is_swept_at_start_up(released_once):
    root = released_once.grading
    stale = [root / "attempts" / "anna" / MODULE / ".incoming-abc123",
             root / "drafts" / "anna" / ".tmp-xyz"]
    stale[0].mkdir(parents=True)
    stale[1].parent.mkdir(parents=True, exist_ok=True)
    (stale[0] / "answers.json").write_text("{}")
    stale[1].write_text("{}")
    fresh = root / "drafts" / "anna" / ".tmp-being-written"
    fresh.write_text("{}")
    hour_ago = time.time() - 3600
    for path in stale:
        os.utime(path, (hour_ago, hour_ago))
    with make_client(released_once) as service:
        assert service.get(f"/api/v1/modules/{MODULE}/draft").status_code == 200
    assert not any(path.exists() for path in stale)
    assert fresh.exists()  # perhaps still being written by another process


BAD_IDS = [
    ("301-digit attempt", "GET", f"/api/v1/modules/{MODULE}/submissions/{'9' * 301}", 404),
    ("attempt 0", "GET", f"/api/v1/modules/{MODULE}/submissions/0", 404),
    ("negative attempt", "GET", f"/api/v1/modules/{MODULE}/submissions/-3", 404),
    ("5,000-character module", "GET", f"/api/v1/modules/{'m' * 5000}/draft", 404),
    ("NUL in the module", "GET", f"/api/v1/modules/{MODULE}%00/draft", 404),
    ("5,000-character question", "POST",
     f"/api/v1/modules/{MODULE}/questions/{'q' * 5000}/check", 404),
]


@pytest.mark.parametrize("name, method, url, status", BAD_IDS, ids=[b[0] for b in BAD_IDS])
def test_ids_that_break_the_file_system_are_404(client, name, method, url, status):
    before = state(client.root)
    body = b'{"answer": "72 Stunden"}' if method == "POST" else None
    assert_refusal(client.request(method, url, content=body,
                                  headers={"Content-Type": "application/json"}), status)
    assert state(client.root) == before


UNPARSABLE = [
    ("invalid UTF-8", b'{"answers": {"frist": "\xff\xfe"}}'),
    ("10,000-digit number", b'{"answers": {"frist": ' + b"9" * 10_000 + b"}}"),
    ("nesting deeper than 1,000", b'{"answers": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
]


@pytest.mark.parametrize("name, body", UNPARSABLE, ids=[u[0] for u in UNPARSABLE])
def test_unparsable_bodies_get_the_documented_refusal(client, name, body):
    before = state(client.root)
    refusal = assert_refusal(raw(client, "POST", f"/api/v1/modules/{MODULE}/submissions",
                                 body), 400)
    assert refusal["error"] == "invalid_request"
    assert state(client.root) == before


def test_unknown_routes_and_methods_are_refused_with_the_documented_body(client):
    assert assert_refusal(client.get("/api/v1/gibt-es-nicht"), 404)["error"] == "not_found"
    assert assert_refusal(client.delete(f"/api/v1/modules/{MODULE}/draft"),
                          405)["error"] == "method_not_allowed"


# --- item 9: the event loop stays free, an acknowledged attempt never answers 500 --------

class SlowGrader:
    """A grader whose hand-over blocks (a grading process restarting) and then fails."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.entered = threading.Event()

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def submit(self, entry, notebook):
        self.entered.set()
        time.sleep(self.seconds)
        raise RuntimeError("the grading process did not start")

    def job(self, learner, module, attempt):
        return None


def test_a_blocked_grader_neither_stalls_other_requests_nor_turns_into_a_500(released_once):
    import asyncio

    import httpx

    app = create_app(ServiceSettings(courses_dir=released_once.courses,
                                     grading_root=released_once.grading,
                                     identity=LocalIdentity("blockiert"), wait_seconds=0.5))
    grader = SlowGrader(6.0)
    app.state.services.grader = grader

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL) as http:
            started = time.monotonic()
            submitted = asyncio.create_task(http.post(
                f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT}))
            while not grader.entered.is_set():  # the submission is in the hand-over now
                await asyncio.sleep(0.05)
            draft = await http.get(f"/api/v1/modules/{MODULE}/draft")
            return draft, time.monotonic() - started, await submitted

    # a loop of its own, in a thread: an earlier browser test's Playwright may hold this one's
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        draft, seconds, submitted = pool.submit(asyncio.run, scenario()).result()
    # submitted, handed over and a draft answered while the hand-over still blocks (6 s)
    assert draft.status_code == 200 and seconds < 3.0, seconds
    assert submitted.status_code == 202, submitted.text
    body = submitted.json()
    assert body["status_url"] == f"/api/v1/modules/{MODULE}/submissions/{body['attempt']}"
    attempt = released_once.grading / "attempts" / "blockiert" / MODULE / f"{body['attempt']:04d}"
    assert (attempt / "answers.json").is_file()  # stored: a trainer or a restart grades it


# --- item 11: drafts are not last-writer-wins ----------------------------------------------

def test_a_slow_older_draft_save_never_overwrites_a_newer_one(client):
    url = f"/api/v1/modules/{MODULE}/draft"
    newer = client.put(url, json={"answers": {"frist": "72 Stunden"}, "sequence": 2000})
    assert newer.status_code == 200, newer.text
    late = client.put(url, json={"answers": {"frist": "24 Stunden"}, "sequence": 1000})
    assert late.status_code == 200
    assert client.get(url).json()["answers"] == {"frist": "72 Stunden"}
    assert client.put(url, json={"answers": {"frist": "eine Woche"},
                                 "sequence": 2001}).json()["answers"] == {"frist": "eine Woche"}
    client.put(url, json={"answers": {"frist": "72 Stunden"}})  # no counter: kept as before
    assert client.get(url).json()["answers"] == {"frist": "72 Stunden"}


# --- item 12: bounded growth --------------------------------------------------------------

def test_submissions_are_rate_limited_in_german_and_the_listing_is_paged(released_once):
    with make_client(released_once, identity=LocalIdentity("eilig"), submit_rate=2) as fast:
        url = f"/api/v1/modules/{MODULE}/submissions"
        for _ in range(2):
            assert fast.post(url, json={"answers": RIGHT}).status_code in (201, 202)
        before = state(released_once.grading)
        refused = fast.post(url, json={"answers": RIGHT})
        assert assert_refusal(refused, 429)["error"] == "too_many_submissions"
        assert "warten Sie eine Minute" in refused.json()["message_de"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert state(released_once.grading) == before  # nothing stored for it
        assert [a["attempt"] for a in fast.get(url, params={"limit": 1, "offset": 1}).json()
                ] == [2]
        assert len(fast.get(url).json()) == 2
        assert_refusal(fast.get(url, params={"limit": 10**6}), 422)


def test_the_rate_limit_remembers_a_bounded_number_of_learners():
    from kurskit.service.limits import RateLimit

    limit = RateLimit(count=1, seconds=60, keys=3)
    assert limit.retry_after("a", now=0) == 0
    assert limit.retry_after("a", now=1) == 59
    for key in "bcde":
        assert limit.retry_after(key, now=2) == 0
    assert len(limit._events) == 3
    assert limit.retry_after("a", now=61) == 0  # the window has passed
