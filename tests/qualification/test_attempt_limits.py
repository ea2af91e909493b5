"""Attempts allowed, grading method and review point against the real service and nbgrader."""

import hashlib

import pytest
import yaml
from fastapi.testclient import TestClient
from nbgrader_reference import gradebook_snapshot

from kurskit import layout
from kurskit.authoring.catalog import load_catalog
from kurskit.grading import regrade
from kurskit.qualification.review import LATER_DE
from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.identity import LocalIdentity

pytestmark = pytest.mark.nbgrader
MODULE = "beispiel-01-kurz"
URL = f"/api/v1/modules/{MODULE}/submissions"
RIGHT = {"frist": "72 Stunden", "grundsaetze": ["Zweckbindung", "Datenminimierung"],
         "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                              "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}
HALF = {"frist": "72 Stunden"}  # 1 of 4 points: not passed


def with_settings(project, **settings):
    manifest_path = project.courses / "beispiel" / "course.yml"
    manifest = yaml.safe_load(manifest_path.read_text("utf-8"))
    manifest.update(settings)
    manifest_path.write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")


def service(project):
    settings = ServiceSettings(courses_dir=project.courses, grading_root=project.grading,
                               identity=LocalIdentity("anna"))
    return TestClient(create_app(settings), base_url="http://localhost")


def files(root):
    found = {}
    for folder in ("attempts", "submitted", "autograded", "inbox"):
        base = root / folder
        for path in sorted(base.rglob("*")) if base.exists() else []:
            if path.is_file():
                found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    found["gradebook.db"] = hashlib.sha256((root / "gradebook.db").read_bytes()).hexdigest()
    return found


def explanations(project):
    module = load_catalog(project.courses).module(MODULE)
    return [e.explanation for e in module.notebook.exercises]


def assert_no_explanation(text, project):
    for explanation in explanations(project):
        assert explanation not in text


def test_an_attempt_over_the_limit_is_refused_before_anything_is_written(released_example):
    with service(released_example) as client:
        for number in (1, 2, 3):
            assert client.post(URL, json={"answers": {}}).json()["attempt"] == number
        before = files(released_example.grading)
        refused = client.post(URL, json={"answers": RIGHT})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"] == "attempts_exhausted"
        assert "alle 3 erlaubten Versuche" in refused.json()["message_de"]
        assert files(released_example.grading) == before
        assert not list((released_example.grading / "attempts").rglob(".incoming*"))


def test_no_explanation_before_the_review_point_in_any_answer(released_example):
    with service(released_example) as client:
        first = client.post(URL, json={"answers": HALF})
        body = first.json()
        assert (body["score"], body["module_passed"], body["attempts_left"]) == (1.0, False, 2)
        assert body["review"] == "correctness"
        assert [q["correct"] for q in body["questions"]] == [True, False, False]
        assert {q["feedback"] for q in body["questions"]} == {LATER_DE}
        assert_no_explanation(first.text, released_example)
        # every other answer the learner can get before the review point: the status URL,
        # the listing, the draft, „Prüfen“ of each question
        answers = [client.get(f"{URL}/1").text, client.get(URL).text,
                   client.get(f"/api/v1/modules/{MODULE}/draft").text,
                   client.get(f"/api/v1/modules/{MODULE}").text]
        for qid in ("frist", "grundsaetze"):
            answers.append(client.post(f"/api/v1/modules/{MODULE}/questions/{qid}/check",
                                       json={"answer": "24 Stunden" if qid == "frist"
                                             else ["Gewinnmaximierung"]}).text)
        for text in answers:
            assert_no_explanation(text, released_example)
        # passing is the review point: now the explanations come
        passed = client.post(URL, json={"answers": RIGHT}).json()
        assert passed["module_passed"] is True and passed["review"] == "full"
        assert passed["questions"][0]["feedback"].startswith("Art. 33")
        assert "Die Erklärungen" not in LATER_DE
        again = client.get(f"{URL}/1").json()  # and for the earlier attempt too
        assert again["review"] == "full"


def test_the_last_attempt_is_a_review_point_too(released_example):
    with service(released_example) as client:
        for _ in range(2):
            assert client.post(URL, json={"answers": {}}).json()["review"] == "correctness"
        last = client.post(URL, json={"answers": {}})
        assert last.json()["review"] == "full" and last.json()["attempts_left"] == 0
        assert "Art. 33" in last.text


def counted(project):
    row = gradebook_snapshot(project.grading)[("anna", MODULE)]
    marker = layout.submitted_dir(project.grading, "anna", MODULE) / layout.CURRENT_ATTEMPT
    return row["score"], int(marker.read_text())


@pytest.mark.parametrize("method, scores, expected", [
    ("highest", [4.0, 1.0, 0.0], (4.0, 1)),
    ("last", [4.0, 1.0, 0.0], (0.0, 3)),
    ("first", [1.0, 4.0, 0.0], (1.0, 1)),
])
def test_the_gradebook_counts_the_attempt_the_grading_method_selects(
        released_example, method, scores, expected):
    with_settings(released_example, grading_method=method, attempts_allowed=5)
    answers = {4.0: RIGHT, 1.0: HALF, 0.0: {}}
    with service(released_example) as client:
        for score in scores:
            result = client.post(URL, json={"answers": answers[score]}).json()
            assert result["score"] == score  # the learner sees each attempt's own score
    assert counted(released_example) == expected


def test_an_older_attempt_never_overwrites_the_counted_one(released_example):
    """`kurskit grade` read nbgrader's submission (attempt 1) before the service counted
    attempt 2: the run must leave attempt 2 in the gradebook (grading method: last)."""
    with_settings(released_example, grading_method="last")
    with service(released_example) as client:
        client.post(URL, json={"answers": RIGHT})
        client.post(URL, json={"answers": HALF})
    assert counted(released_example) == (1.0, 2)
    grading = released_example.grading
    submitted = layout.submitted_dir(grading, "anna", MODULE)
    first = layout.attempt_dir(grading, "anna", MODULE, 1)
    (submitted / "01-kurz.ipynb").write_bytes((first / "01-kurz.ipynb").read_bytes())
    (submitted / layout.TIMESTAMP).write_bytes((first / layout.TIMESTAMP).read_bytes())
    (submitted / layout.CURRENT_ATTEMPT).write_text("1")
    reports = regrade.regrade(grading, [MODULE], methods={MODULE: "last"})
    assert (reports[MODULE].graded, reports[MODULE].skipped) == (0, 1)
    assert gradebook_snapshot(grading)[("anna", MODULE)]["score"] == 1.0


def test_a_retried_older_attempt_leaves_the_newer_one_counted(released_example):
    """The worker grades attempt 2, then a retry of attempt 1 finishes (grading method
    last): the gradebook keeps attempt 2."""
    from kurskit.grading.fast_path import grade_notebook
    from kurskit.grading.gradebook_writer import GradebookWriter, Record
    from kurskit.grading.notebook_files import read_notebook

    with_settings(released_example, grading_method="last")
    with service(released_example) as client:
        client.post(URL, json={"answers": HALF})
        client.post(URL, json={"answers": RIGHT})
    grading = released_example.grading
    writer = GradebookWriter(grading)
    try:
        with writer.gradebook.engine.begin() as connection:  # attempt 1 not graded yet
            from sqlalchemy import text
            connection.execute(text("DELETE FROM kurskit_graded_attempt WHERE attempt = 1"))
        version = writer.version(MODULE)
        folder = layout.attempt_dir(grading, "anna", MODULE, 1)
        graded = grade_notebook(version, read_notebook(folder / "01-kurz.ipynb"))
        stamp = (folder / layout.TIMESTAMP).read_text().strip()
        [recorded] = writer.record([Record("anna", version, stamp, graded, attempt=1,
                                           method="last")])
    finally:
        writer.close()
    assert recorded is not None and not isinstance(recorded, Exception)
    assert (recorded.counted, recorded.score) == (False, 1.0)
    assert gradebook_snapshot(grading)[("anna", MODULE)]["score"] == 4.0
