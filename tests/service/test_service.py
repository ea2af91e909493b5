"""The grading service against real nbgrader: grading, attempts, and refusals of bad input."""

import hashlib
import json
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.identity import LocalIdentity

pytestmark = pytest.mark.nbgrader
LOCAL = "http://localhost"  # a host name the service serves (see KURSKIT_ALLOWED_HOSTS)
MODULE = "beispiel-01-kurz"
RIGHT = {"frist": "72 Stunden", "grundsaetze": ["Zweckbindung", "Datenminimierung"],
         "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                              "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}


@pytest.fixture
def client(released_example):
    settings = ServiceSettings(courses_dir=released_example.courses,
                               grading_root=released_example.grading,
                               identity=LocalIdentity("anna"))
    with TestClient(create_app(settings), base_url=LOCAL) as test_client:
        test_client.root = released_example.grading
        yield test_client


def state(root):
    """Everything a refused request must leave untouched: gradebook and stored submissions."""
    files = {}
    for folder in ("attempts", "submitted", "autograded", "inbox"):
        for path in sorted((root / folder).rglob("*")) if (root / folder).exists() else []:
            if path.is_file():
                files[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    gradebook = root / "gradebook.db"
    files["gradebook.db"] = hashlib.sha256(gradebook.read_bytes()).hexdigest()
    return files


def gradebook_score(root, learner):
    from nbgrader.api import Gradebook

    from kurskit.nbgrader_course import db_url

    with Gradebook(db_url(root)) as gradebook:
        return gradebook.find_submission(MODULE, learner).score


def test_right_answers_score_full_points_and_match_the_gradebook(client):
    response = client.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["score"], body["max_score"], body["attempt"]) == (4.0, 4.0, 1)
    assert body["learner"] == "anna"
    assert all(q["correct"] for q in body["questions"])
    assert body["questions"][0]["feedback"].startswith("Art. 33")
    assert gradebook_score(client.root, "anna") == 4.0
    assert (client.root / "submitted" / "anna" / MODULE / "timestamp.txt").is_file()


def test_second_submission_is_a_new_attempt_and_keeps_the_first(client):
    first = client.post(f"/api/v1/modules/{MODULE}/submissions",
                        json={"answers": {"frist": "24 Stunden"}}).json()
    assert first["score"] == 0.0
    assert [q["correct"] for q in first["questions"]] == [False, False, False]
    assert first["questions"][1]["answered"] is False
    first_files = state(client.root)
    second = client.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT}).json()
    assert (second["attempt"], second["score"]) == (2, 4.0)
    assert gradebook_score(client.root, "anna") == 4.0
    after = state(client.root)
    for name, digest in first_files.items():
        if name.startswith("attempts/"):
            assert after[name] == digest  # attempt 1 untouched
    listing = client.get(f"/api/v1/modules/{MODULE}/submissions").json()
    assert [(a["attempt"], a["score"]) for a in listing] == [(1, 0.0), (2, 4.0)]


# the file the code in a hostile answer would create, if anything ever ran it
MARKER = Path(tempfile.gettempdir()) / f"kurskit-eingeschleust-{uuid.uuid4().hex}"
CODE = f"__import__('os').system('touch {MARKER}')"

HOSTILE = [
    ("unknown module", "/api/v1/modules/gibt-es-nicht/submissions", {"answers": {}}, 404,
     "unknown_module"),
    ("unknown grade id", f"/api/v1/modules/{MODULE}/submissions",
     {"answers": {"frist_test": "x"}}, 422, "unknown_question"),
    ("code as an answer", f"/api/v1/modules/{MODULE}/submissions",
     {"answers": {"frist": CODE}}, 422,
     "invalid_answer"),
    ("dunder trick", f"/api/v1/modules/{MODULE}/submissions",
     {"answers": {"rechtsgrundlagen": {"__class__": "__subclasses__"}}}, 422, "invalid_answer"),
    ("wrong type", f"/api/v1/modules/{MODULE}/submissions",
     {"answers": {"grundsaetze": "Zweckbindung"}}, 422, "invalid_answer"),
    ("another learner in the body", f"/api/v1/modules/{MODULE}/submissions",
     {"answers": RIGHT, "learner": "bernd"}, 422, "invalid_request"),
    ("no answers field", f"/api/v1/modules/{MODULE}/submissions", {"antworten": {}}, 422,
     "invalid_request"),
    ("huge payload", f"/api/v1/modules/{MODULE}/submissions",
     {"answers": {"frist": "x" * 100_000}}, 413, "too_large"),
]


@pytest.mark.parametrize("name, url, body, status, code", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_bad_input_is_refused_and_changes_nothing(client, name, url, body, status, code):
    client.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
    before = state(client.root)
    response = client.post(url, json=body)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["error"] == code
    assert error["message"] and error["message_de"]
    assert state(client.root) == before
    assert gradebook_score(client.root, "anna") == 4.0
    assert not MARKER.exists()


def test_code_in_a_text_answer_is_stored_and_graded_as_text(client):
    """Where any text is an answer (short text, free text), code is accepted as text: it is
    stored as a string literal and graded as one; nothing runs it."""
    response = client.post("/api/v1/modules/beispiel-02-weitere/submissions",
                           json={"answers": {"artikel": CODE, "antwortschreiben": CODE}})
    assert response.status_code == 201, response.text
    assert {q["id"]: q["points"] for q in response.json()["questions"]}["artikel"] == 0.0
    assert not MARKER.exists()


def test_malformed_json_is_refused(client):
    response = client.post(f"/api/v1/modules/{MODULE}/submissions", content=b"{nicht json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["message_de"]


def test_openapi_documents_the_submission_endpoint(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/modules/{module_id}/submissions"]["post"]
    assert "201" in post["responses"] and "404" in post["responses"]
    assert "learner" not in spec["components"]["schemas"]["SubmissionRequest"]["properties"]


def test_module_listing_carries_no_key(client):
    modules = client.get("/api/v1/modules").json()
    assert [m["id"] for m in modules] == [MODULE, "beispiel-02-weitere"]
    text = str(modules)
    assert "Art. 33 DSGVO" not in text  # the explanation stays on the grading side


def test_release_older_than_the_source_is_refused_without_writing(client):
    import nbformat

    release = client.root / "release" / MODULE / "01-kurz.ipynb"
    notebook = nbformat.read(release, 4)
    notebook.cells = [c for c in notebook.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") != "frist"]
    nbformat.write(notebook, release)
    before = state(client.root)
    response = client.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
    assert response.status_code == 409 and response.json()["error"] == "module_outdated"
    assert state(client.root) == before


def test_free_text_is_reported_pending_with_its_points(client):
    answers = {"ablauf": ["Antrag annehmen", "Antrag prüfen", "Bescheid versenden"],
               "meldefrist": 72, "artikel": "Art. 33", "antwortschreiben": "Sehr geehrter Herr"}
    response = client.post("/api/v1/modules/beispiel-02-weitere/submissions",
                           json={"answers": answers})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["score"], body["max_score"], body["pending_points"]) == (3.0, 8.0, 2.0)
    free = next(q for q in body["questions"] if q["id"] == "antwortschreiben")
    assert free["pending"] is True and free["points"] is None
    assert "Trainerin oder ein Trainer" in free["feedback"]
    assert "Bewertungshinweise" not in response.text  # trainer guidance stays private


def test_pruefen_checks_one_answer_without_touching_the_gradebook(client):
    client.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
    before = state(client.root)
    url = f"/api/v1/modules/{MODULE}/questions/frist/check"
    wrong = client.post(url, json={"answer": "24 Stunden"})
    assert wrong.status_code == 200, wrong.text
    # right or wrong and the author's hint — never the explanation, which names the answer
    assert wrong.json() == {"question": "frist", "correct": False,
                            "feedback": "Noch nicht richtig.",
                            "hint": "Lesen Sie Art. 33 Abs. 1 DSGVO: Die Frist ist in Stunden "
                                    "angegeben.", "checks_left": 1}
    assert "72" not in wrong.text
    right = client.post(url, json={"answer": "72 Stunden"}).json()
    assert right["correct"] is True and right["checks_left"] == 0
    assert right["feedback"] == "Richtig." and right["hint"] == ""
    refused = client.post(url, json={"answer": "72 Stunden"})
    assert refused.status_code == 409 and refused.json()["error"] == "no_checks_left"
    assert "Prüfversuche" in refused.json()["message_de"]
    other = client.post(f"/api/v1/modules/{MODULE}/questions/grundsaetze/check",
                        json={"answer": ["Zweckbindung"]}).json()  # others keep their checks
    assert other["correct"] is False and other["checks_left"] == 1
    assert "frist" not in other["feedback"]
    assert {k: v for k, v in state(client.root).items() if not k.startswith("checks")} == before


@pytest.mark.parametrize("question, body, status", [
    ("gibt_es_nicht", {"answer": "x"}, 404),
    ("frist", {"answer": "__import__('os')"}, 422),
    ("frist", {"answer": None}, 422),
    ("frist", {"answer": "72 Stunden", "learner": "bernd"}, 422),
])
def test_pruefen_refuses_bad_input(client, question, body, status):
    response = client.post(f"/api/v1/modules/{MODULE}/questions/{question}/check", json=body)
    assert response.status_code == status
    assert response.json()["message_de"]


def test_partial_credit_stays_hidden_in_pruefen(client):
    """Points for a partly right true/false group would let a learner find the wrong
    statement by elimination: „Prüfen“ says right or wrong for the whole question only."""
    truth = {"Die DSGVO gilt seit 2018.": True, "Behörden stützen sich auf lit. f.": False,
             "Auch Papierakten können unter die DSGVO fallen.": True,
             "Eine Datenpanne muss nie gemeldet werden.": True}
    result = client.post("/api/v1/modules/beispiel-02-weitere/questions/aussagen/check",
                         json={"answer": truth}).json()
    assert result["correct"] is False
    assert "points" not in result and "max_points" not in result
    assert "1.5" not in json.dumps(result)
    free = client.post("/api/v1/modules/beispiel-02-weitere/questions/antwortschreiben/check",
                       json={"answer": "Text"})
    assert free.status_code == 409 and free.json()["error"] == "not_checkable"


def test_drafts_keep_valid_answers_and_survive_a_new_service(client, released_example):
    url = f"/api/v1/modules/{MODULE}/draft"
    assert client.get(url).json()["answers"] == {}
    saved = client.put(url, json={"answers": {"frist": "72 Stunden", "grundsaetze": None}})
    assert saved.status_code == 200 and saved.json()["answers"] == {"frist": "72 Stunden"}
    assert client.put(url, json={"answers": {"frist": "99 Stunden"}}).status_code == 422
    assert client.put(url, json={"answers": {"x": 1}}).status_code == 422
    settings = ServiceSettings(courses_dir=released_example.courses,
                               grading_root=released_example.grading,
                               identity=LocalIdentity("anna"))
    with TestClient(create_app(settings), base_url=LOCAL) as restarted:  # still has it
        draft = restarted.get(url).json()
        assert draft["answers"] == {"frist": "72 Stunden"} and draft["saved_at"]
        assert draft["checks_left"] == {"frist": 2, "grundsaetze": 2, "rechtsgrundlagen": 2}
    other = ServiceSettings(courses_dir=released_example.courses,
                            grading_root=released_example.grading,
                            identity=LocalIdentity("bernd"))
    with TestClient(create_app(other), base_url=LOCAL) as bernd:  # drafts are per learner
        assert bernd.get(url).json()["answers"] == {}


# --- hostile input: more shapes, each refused before anything is written ---------------

MORE_HOSTILE = [
    ("answers not a mapping", {"answers": ["72 Stunden"]}, 422, "invalid_request"),
    ("nested too deep", {"answers": {"rechtsgrundlagen": {"a": [[[["x"]]]]}}}, 422,
     "invalid_answer"),
    ("number too large", {"answers": {"frist": 10**30}}, 422, "invalid_answer"),
    ("learner hidden among the answers", {"answers": {"learner": "bernd"}}, 422,
     "unknown_question"),
    ("student field", {"answers": RIGHT, "student_id": "bernd"}, 422, "invalid_request"),
    ("cell source smuggled", {"answers": {"frist": "72 Stunden\nimport os"}}, 422,
     "invalid_answer"),
]


@pytest.mark.parametrize("name, body, status, code", MORE_HOSTILE,
                         ids=[h[0] for h in MORE_HOSTILE])
def test_more_bad_input_is_refused_and_changes_nothing(client, name, body, status, code):
    client.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
    before = state(client.root)
    response = client.post(f"/api/v1/modules/{MODULE}/submissions", json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code and response.json()["message_de"]
    assert state(client.root) == before
    assert not list((client.root / "inbox").glob("*.json"))


def test_non_finite_numbers_in_raw_json_are_refused(client):
    before = state(client.root)
    response = client.post(f"/api/v1/modules/{MODULE}/submissions",
                           content=b'{"answers": {"frist": NaN}}',
                           headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert state(client.root) == before


def test_a_huge_body_without_content_length_is_refused(client):
    before = state(client.root)

    def chunks():
        yield b'{"answers": {"frist": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}}'

    response = client.post(f"/api/v1/modules/{MODULE}/submissions", content=chunks(),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert state(client.root) == before


# --- acknowledgement, 202 and restarts --------------------------------------------------

def make_client(project, identity=None, **settings):
    return TestClient(base_url=LOCAL, app=create_app(ServiceSettings(
        courses_dir=project.courses, grading_root=project.grading,
        identity=identity or LocalIdentity("anna"), **settings)))


def ledger(root):
    import sqlite3

    with sqlite3.connect(root / "gradebook.db") as db:
        return db.execute("SELECT learner, module, attempt FROM kurskit_graded_attempt "
                          "ORDER BY learner, module, attempt").fetchall()


def test_slow_grading_answers_202_and_the_status_url_gives_the_result(released_example):
    with make_client(released_example, wait_seconds=0) as slow:
        response = slow.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
        assert response.status_code == 202, response.text
        pending = response.json()
        assert pending["status"] == "grading" and pending["attempt"] == 1
        for _ in range(50):
            status = slow.get(pending["status_url"])
            if status.status_code == 200:
                break
        assert status.status_code == 200 and status.json()["score"] == 4.0
    assert ledger(released_example.grading) == [("anna", MODULE, 1)]


def test_status_of_an_unknown_attempt_is_404(client):
    response = client.get(f"/api/v1/modules/{MODULE}/submissions/7")
    assert response.status_code == 404 and response.json()["message_de"]


def test_acknowledged_submissions_are_graded_after_a_restart(released_example):
    """Entries in the inbox (acknowledged, never graded: the service died) are graded at start."""
    import nbformat

    from kurskit.grading import inbox
    from kurskit.grading.submission import build_submission

    root = released_example.grading
    release = nbformat.read(root / "release" / MODULE / "01-kurz.ipynb", 4)
    answers = {"frist": "72 Stunden", "grundsaetze": None, "rechtsgrundlagen": None}
    for learner in ("anna", "bernd"):
        inbox.accept(root, learner, MODULE, "01-kurz.ipynb", build_submission(release, answers),
                     answers)
    assert len(inbox.pending(root)) == 2
    with make_client(released_example) as restarted:
        for _ in range(100):
            if not inbox.pending(root):
                break
            restarted.get("/api/v1/health")
        assert restarted.get(f"/api/v1/modules/{MODULE}/submissions/1").json()["score"] == 1.0
    assert ledger(root) == [("anna", MODULE, 1), ("bernd", MODULE, 1)]
    assert gradebook_score(root, "bernd") == 1.0


def test_an_entry_graded_just_before_a_crash_is_not_graded_twice(released_example):
    """The gradebook committed but the inbox entry survived: the ledger says it is done."""
    root = released_example.grading
    with make_client(released_example) as first:
        first.post(f"/api/v1/modules/{MODULE}/submissions", json={"answers": RIGHT})
    # the crash: the inbox entry is back, as if its removal never reached the disk
    from kurskit.grading import inbox

    entry = inbox.Entry("anna", MODULE, 1, "01-kurz.ipynb", "2026-01-01T00:00:00+00:00")
    (root / "inbox" / entry.name).write_text(json.dumps(entry.__dict__), "utf-8")
    before = state(root)
    with make_client(released_example) as second:
        for _ in range(100):
            if not inbox.pending(root):
                break
            second.get("/api/v1/health")
        assert second.get(f"/api/v1/modules/{MODULE}/submissions/1").json()["score"] == 4.0
    assert not inbox.pending(root)
    assert ledger(root) == [("anna", MODULE, 1)]
    assert state(root)["gradebook.db"] == before["gradebook.db"]  # nothing written again


def test_submissions_arriving_together_share_one_gradebook_transaction(released_example):
    import nbformat

    from kurskit.grading import inbox
    from kurskit.grading.submission import build_submission

    root = released_example.grading
    release = nbformat.read(root / "release" / MODULE / "01-kurz.ipynb", 4)
    for number in range(12):
        inbox.accept(root, f"l{number:02d}", MODULE, "01-kurz.ipynb",
                     build_submission(release, RIGHT), RIGHT)
    with make_client(released_example) as service:
        grader = service.app.state.services.grader
        deadline = time.monotonic() + 120  # each submission is graded in a forked child
        while inbox.pending(root) or not grader.batches:
            assert time.monotonic() < deadline, "the 12 queued submissions were not graded"
            service.get("/api/v1/health")
            time.sleep(0.1)
        assert list(grader.batches) == [12]
    assert len(ledger(root)) == 12


# --- identity from a trusted proxy header ----------------------------------------------

def test_header_identity_serves_many_learners_and_ignores_the_body(released_example):
    from kurskit.service.identity import HeaderIdentity

    url = f"/api/v1/modules/{MODULE}/submissions"
    with make_client(released_example, identity=HeaderIdentity()) as proxy:
        anna = proxy.post(url, json={"answers": RIGHT}, headers={"X-Kurskit-Learner": "anna"})
        bernd = proxy.post(url, json={"answers": {}}, headers={"X-Kurskit-Learner": "bernd"})
        assert (anna.json()["learner"], anna.json()["score"]) == ("anna", 4.0)
        assert (bernd.json()["learner"], bernd.json()["score"]) == ("bernd", 0.0)
        before = state(released_example.grading)
        for headers in ({}, {"X-Kurskit-Learner": "../anna"},
                        {"X-Kurskit-Learner": "Anna Admin"}):
            refused = proxy.post(url, json={"answers": RIGHT}, headers=headers)
            assert refused.status_code == 401 and refused.json()["message_de"]
        smuggled = proxy.post(url, json={"answers": RIGHT, "learner": "anna"},
                              headers={"X-Kurskit-Learner": "bernd"})
        assert smuggled.status_code == 422
        assert state(released_example.grading) == before
        assert [a["attempt"] for a in proxy.get(
            url, headers={"X-Kurskit-Learner": "bernd"}).json()] == [1]
