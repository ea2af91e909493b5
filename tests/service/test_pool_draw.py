"""The grading service owns the draw of question pools (fixture module with pool `pflichten`)."""

import hashlib

import pytest
from fastapi.testclient import TestClient

from kurskit.authoring.catalog import load_catalog
from kurskit.qualification.draw import NOT_DRAWN_DE, draw_for, installation_key
from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.identity import LocalIdentity

pytestmark = pytest.mark.nbgrader
MODULE = "beispiel-02-weitere"
API = f"/api/v1/modules/{MODULE}"
VARIANTS = {"auskunftsfrist": "binnen eines Monats", "dsb_pflicht": "ja, jede Behörde",
            "aufsicht": "die oder der Landesbeauftragte für den Datenschutz"}


@pytest.fixture
def client(released_example):
    settings = ServiceSettings(courses_dir=released_example.courses,
                               grading_root=released_example.grading,
                               identity=LocalIdentity("anna"))
    with TestClient(create_app(settings), base_url="http://localhost") as test_client:
        test_client.project = released_example
        yield test_client


def _files(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".lock"}


def test_the_draw_is_stable_across_reloads_and_names_one_variant(client):
    first = client.get(f"{API}/draw")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["attempt"] == 1
    assert body["drawn"]["pflichten"] in VARIANTS
    assert sorted(body["hidden"]) == sorted(set(VARIANTS) - {body["drawn"]["pflichten"]})
    assert all(client.get(f"{API}/draw").json() == body for _ in range(3))
    info = client.get(API).json()
    assert {q["id"]: q["pool"] for q in info["questions"]}["aufsicht"] == "pflichten"
    assert info["max_score"] == 8.0  # the pool counts once
    assert "/api/v1/modules/{module_id}/draw" in client.get("/openapi.json").json()["paths"]


def test_the_draw_depends_on_learner_and_attempt_and_the_installation_key(client):
    root = client.project.grading
    module = load_catalog(client.project.courses).module(MODULE)
    key = installation_key(root)
    assert installation_key(root) == key and len(key) == 32
    by_attempt = {draw_for(module, "anna", n, key).drawn["pflichten"] for n in range(1, 30)}
    assert by_attempt == set(VARIANTS)  # every variant comes up over the attempts
    by_key = {draw_for(module, "anna", 1, bytes([n]) * 32).drawn["pflichten"] for n in range(30)}
    assert len(by_key) > 1


def test_a_submission_answers_the_drawn_variant_and_the_next_attempt_draws_anew(client):
    root = client.project.grading
    module = load_catalog(client.project.courses).module(MODULE)
    drawn = client.get(f"{API}/draw").json()["drawn"]["pflichten"]
    response = client.post(f"{API}/submissions", json={"answers": {drawn: VARIANTS[drawn]}})
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["drawn"] == {"pflichten": drawn}
    pooled = [q for q in result["questions"] if q["pool"] == "pflichten"]
    assert [(q["id"], q["points"], q["max_points"]) for q in pooled] == [(drawn, 1.0, 1.0)]
    assert result["score"] == 1.0 and result["max_score"] == 8.0
    second = client.get(f"{API}/draw").json()
    assert second["attempt"] == 2
    assert second["drawn"] == draw_for(module, "anna", 2, installation_key(root)).drawn


@pytest.mark.parametrize("method, path, body", [
    ("post", "/submissions", lambda q: {"answers": {q: VARIANTS[q]}}),
    ("put", "/draft", lambda q: {"answers": {q: VARIANTS[q]}}),
    ("post", "/questions/{q}/check", lambda q: {"answer": VARIANTS[q]}),
])
def test_a_variant_not_drawn_is_refused_and_nothing_is_written(client, method, path, body):
    root = client.project.grading
    hidden = client.get(f"{API}/draw").json()["hidden"][0]
    before = _files(root)
    response = getattr(client, method)(API + path.format(q=hidden), json=body(hidden))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "not_drawn"
    assert response.json()["message_de"] == NOT_DRAWN_DE
    assert _files(root) == before
