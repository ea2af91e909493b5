"""Mandatory trainings on the managers' page: valid-certificate quota, expiring soon, no
group under 5 (real certificate table in a gradebook database file)."""

from datetime import date

from kurskit.authoring.catalog import load_catalog
from kurskit.handbook.progress import progress_page
from kurskit.qualification import certificates
from kurskit.qualification.certificates import Certificate
from kurskit.reporting.mandatory import quotas
from kurskit.reporting.progress import aggregate

TODAY = date(2026, 12, 2)


def certificate(grading, learner, valid_until, revoked=False):
    cert = certificates.issue(grading, Certificate(
        code=certificates.new_code(), learner=learner, course="beispiel",
        course_title="Beispielkurs für Tests", holder=learner, issued_on="2026-01-10",
        valid_until=valid_until))
    if revoked:
        certificates.revoke(grading, cert.code, "Test")


def test_quota_of_valid_certificates_and_those_expiring_in_90_days(example_project):
    grading = example_project.grading
    (grading / "gradebook.db").touch()
    catalog = load_catalog(example_project.courses)
    course = catalog.courses[0]
    course.manifest["pflicht"] = True
    module = course.modules[0].id
    certificate(grading, "l1", "2027-06-01")
    certificate(grading, "l2", "2027-01-15")  # expires within 90 days
    certificate(grading, "l3", "2026-11-30")  # expired
    certificate(grading, "l4", "2027-06-01", revoked=True)
    learners = {module: {"l1", "l2", "l3", "l4", "l5", "l6"}}
    [quota] = quotas(grading, catalog, learners, 5, today=TODAY)
    assert (quota["learners"], quota["valid"], quota["valid_percent"], quota["expiring"]) == (
        6, 2, 33, 1)
    page = progress_page({**aggregate(catalog, [], []), "mandatory": [quota]})
    assert "## Pflichtfortbildungen" in page["fortschritt.md"]
    assert "| Beispielkurs für Tests | 6 | 2 | 33 % | 1 |" in page["fortschritt.md"]


def test_a_group_under_five_shows_no_figures(example_project):
    grading = example_project.grading
    (grading / "gradebook.db").touch()
    catalog = load_catalog(example_project.courses)
    catalog.courses[0].manifest["pflicht"] = True
    certificate(grading, "l1", "2027-06-01")
    [quota] = quotas(grading, catalog, {catalog.modules[0].id: {"l1", "l2", "l3", "l4"}}, 5,
                     today=TODAY)
    assert quota["suppressed"] and quota["valid"] is None and quota["learners"] is None
    catalog.courses[0].manifest["pflicht"] = False
    assert quotas(grading, catalog, {}, 5, today=TODAY) == []
