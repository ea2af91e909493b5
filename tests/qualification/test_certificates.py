"""A passed course earns a certificate: PDF/UA, verifiable, revocable (real service and
nbgrader, real WeasyPrint, the PDF read back with pikepdf and poppler's pdftotext)."""

import io
import shutil
import subprocess

import pikepdf
import pytest
from answer_patterns import answers_for
from fastapi.testclient import TestClient

from kurskit import nbgrader_course
from kurskit.authoring.catalog import load_catalog
from kurskit.cli import main
from kurskit.qualification import certificates
from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.identity import LocalIdentity

pytestmark = pytest.mark.nbgrader


def service(project, learner="anna"):
    return TestClient(create_app(ServiceSettings(
        courses_dir=project.courses, grading_root=project.grading,
        identity=LocalIdentity(learner))), base_url="http://localhost")


@pytest.fixture(scope="module")
def passed_course(tmp_path_factory):
    """Anna passed both modules of the fixture course (one service, one release)."""
    from conftest import FIXTURES, make_project
    from kurskit.release.build import release_all

    project = make_project(tmp_path_factory.mktemp("zertifikat") / "projekt",
                           FIXTURES / "courses")
    release_all(project)
    catalog = load_catalog(project.courses)
    first, *others = catalog.modules
    with service(project) as client:
        def solved(module):  # the right answers to the questions drawn for Anna
            drawn = client.get(f"/api/v1/modules/{module.id}/draw").json()["drawn"]
            return {"answers": answers_for(module, "solution", drawn)}

        results = [client.post(f"/api/v1/modules/{first.id}/submissions",
                               json=solved(first)).json()]
        # the trainer enters Anna's name, as formgrader's "Manage Students" does
        with nbgrader_course.open_gradebook(project.grading) as book:
            book.update_or_create_student("anna", first_name="Anna", last_name="Muster")
        results += [client.post(f"/api/v1/modules/{m.id}/submissions", json=solved(m)).json()
                    for m in others]
        listing = client.get("/api/v1/certificates").json()
        pdf = client.get(listing[0]["pdf_url"]) if listing else None
    return project, results, listing, pdf


def test_the_last_module_passed_issues_the_certificate(passed_course):
    _, results, listing, _ = passed_course
    assert results[0]["certificate"] is None  # one module of two: no certificate yet
    assert results[1]["module_passed"] and results[1]["certificate"]
    [cert] = listing
    assert cert["code"] == results[1]["certificate"] and cert["status"] == "valid"
    assert cert["pdf_url"] == f"/api/v1/certificates/{cert['code']}/pdf"
    assert cert["verify_url"].endswith(f"/zertifikat/{cert['code']}")
    assert certificates.well_formed(cert["code"])


def test_the_pdf_is_tagged_german_pdf_ua_and_says_what_it_certifies(passed_course):
    _, _, listing, response = passed_course
    assert response.status_code == 200 and response.headers["content-type"] == \
        "application/pdf"
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert str(pdf.Root.Lang) == "de"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in pdf.Root
        kinds = {str(k.get("/S")) for k in _struct_elements(pdf.Root.StructTreeRoot)}
        assert {"/H1", "/P", "/L", "/LI", "/Figure"} <= kinds
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"].startswith("Zertifikat: Beispielkurs für Tests")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content,
                          capture_output=True, check=True).stdout.decode()
    for expected in ("Zertifikat", "Anna Muster", "Beispielkurs für Tests", "Kurzes Beispielmodul",
                     "Personenbezogene Daten und Privatsphäre", "Kompetenzstufe 2",
                     "Stadt Musterstadt", listing[0]["code"]):
        assert expected in text, expected


def _struct_elements(node, depth=0):
    if depth > 30:
        return
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _struct_elements(kid, depth + 1)


def test_verification_says_only_status_course_date_and_holder(passed_course):
    project, _, listing, _ = passed_course
    code = listing[0]["code"]
    with service(project, learner="bernd") as client:
        shown = client.get(f"/api/v1/verify/{code}").json()
        assert set(k for k, v in shown.items() if v is not None) == {
            "code", "status", "course_title", "issued_on", "holder"}
        # the name the trainer entered in the gradebook, not the login
        assert (shown["status"], shown["holder"]) == ("valid", "Anna Muster")
        altered = code[:-1] + ("0" if code[-1] != "0" else "1")
        assert client.get(f"/api/v1/verify/{altered}").json()["status"] == "altered"
        unknown = certificates.new_code()
        assert client.get(f"/api/v1/verify/{unknown}").json()["status"] == "unknown"
        # another learner can neither list nor download it
        assert client.get("/api/v1/certificates").json() == []
        assert client.get(listing[0]["pdf_url"]).status_code == 404


def test_trainers_revoke_by_api_and_cli_and_verification_shows_it(passed_course, monkeypatch):
    project, _, listing, _ = passed_course
    code = listing[0]["code"]
    monkeypatch.setenv("KURSKIT_TRAINER_TOKEN", "geheim-123")
    url = f"/api/v1/certificates/{code}/revoke"
    with service(project) as client:
        refused = client.post(url, json={"reason": "Irrtum"})
        assert refused.status_code == 403 and refused.json()["message_de"]
        assert client.get(f"/api/v1/verify/{code}").json()["status"] == "valid"
        done = client.post(url, json={"reason": "Täuschungsversuch"},
                           headers={"Authorization": "Bearer geheim-123"})
        assert done.status_code == 200 and done.json()["status"] == "revoked"
        assert client.get(f"/api/v1/verify/{code}").json()["revoked_reason"] == \
            "Täuschungsversuch"
    assert main(["--root", str(project.root), "certificates", "revoke", code,
                 "--reason", "Erneut geprüft", "--actor", "trainer"]) == 0
    assert certificates.find(project.grading, code).revoked_reason == "Erneut geprüft"
    assert main(["--root", str(project.root), "certificates", "revoke",
                 certificates.new_code(), "--reason", "x y z"]) == 1


def test_auskunft_lists_the_certificate_and_erasure_removes_it(passed_course, tmp_path):
    import json
    import zipfile

    project, _, listing, _ = passed_course
    code = listing[0]["code"]
    output = tmp_path / "auskunft.zip"
    assert main(["--root", str(project.root), "privacy", "export", "anna",
                 "--output", str(output), "--actor", "dsb"]) == 0
    with zipfile.ZipFile(output) as archive:
        data = json.loads(archive.read("data.json"))
    assert [c["pruefcode"] for c in data["zertifikate"]] == [code]
    assert main(["--root", str(project.root), "privacy", "erase", "anna", "--yes",
                 "--actor", "dsb"]) == 0
    with service(project, learner="bernd") as client:
        assert client.get(f"/api/v1/verify/{code}").json()["status"] == "unknown"
