"""The gradebook on PostgreSQL: a real cluster of the test's own (as `kurskit start --hub`
runs it), nbgrader's migrations, kurskit's own tables, and the grading service with
`KURSKIT_DB_URL` writing its submissions there."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from conftest import FULL, _require
from kurskit import nbgrader_course
from kurskit.hub.postgres import Cluster, PostgresError, program
from kurskit.hub.run import prepare_gradebook
from kurskit.layout import Project
from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.identity import LocalIdentity


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    try:
        program("initdb")
    except PostgresError as missing:
        _require(False, str(missing))
    folder = Path(tempfile.mkdtemp(prefix="kurskit-pg-"))
    folder.chmod(0o755)
    cluster = Cluster(folder / "postgres")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        assert cluster.pid() is None
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def on_postgres(cluster: Cluster, released_example: Project,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    """The released fixture course with its gradebook in a fresh PostgreSQL database."""
    name = f"t{released_example.root.parent.name[-8:]}".replace("-", "_").lower()
    cluster.create_database(name)
    monkeypatch.setenv("KURSKIT_DB_URL", cluster.url(name))
    yield released_example


def schema_and_rows(url: str) -> dict[str, object]:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        found: dict[str, object] = {}
        with engine.connect() as connection:
            for table in sorted(inspector.get_table_names()):
                columns = [(c["name"], str(c["type"])) for c in inspector.get_columns(table)]
                rows = connection.execute(sa.text(f'SELECT * FROM "{table}"')).all()
                found[table] = (columns, sorted(map(repr, rows)))
        return found
    finally:
        engine.dispose()


def test_the_cluster_listens_on_no_tcp_port_and_belongs_to_nobody(cluster: Cluster):
    settings = (cluster.data / "postmaster.opts").read_text()
    assert "listen_addresses=" in settings.replace("'", "").replace('"', "")
    assert cluster.folder.stat().st_mode & 0o077 == 0  # the socket folder is private


def test_a_second_start_on_the_same_database_changes_nothing(on_postgres: Project):
    url = nbgrader_course.db_url(on_postgres.grading)
    assert url.startswith("postgresql+psycopg2://")
    assert sorted(prepare_gradebook(on_postgres)) == ["beispiel-01-kurz", "beispiel-02-weitere"]
    first = schema_and_rows(url)
    assert "alembic_version" in first and "assignment" in first
    assert prepare_gradebook(on_postgres) == []  # migrations ran again: a no-op
    assert schema_and_rows(url) == first


def test_the_service_with_kurskit_db_url_records_submissions_in_postgres(on_postgres: Project):
    url = nbgrader_course.db_url(on_postgres.grading)
    prepare_gradebook(on_postgres)
    (on_postgres.grading / "gradebook.db").unlink(missing_ok=True)
    settings = ServiceSettings(courses_dir=on_postgres.courses,
                               grading_root=on_postgres.grading,
                               identity=LocalIdentity("lern-pg-olga"), grading_process=False)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        answer = client.post("/api/v1/modules/beispiel-01-kurz/submissions",
                             json={"answers": FULL})
        assert answer.status_code == 201, answer.text
        assert answer.json()["score"] == 4.0
        courses = client.get("/api/v1/me/courses").json()
    module = courses[0]["modules"][0]
    assert (module["state"], module["score"], module["attempts"]) == ("bestanden", 4.0, 1)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        ledger = connection.execute(sa.text(
            "SELECT learner, module, attempt, score FROM kurskit_graded_attempt")).all()
        students = connection.execute(sa.text("SELECT id FROM student")).all()
    engine.dispose()
    assert [tuple(r) for r in ledger] == [("lern-pg-olga", "beispiel-01-kurz", 1, 4.0)]
    assert [r[0] for r in students] == ["lern-pg-olga"]
    assert not (on_postgres.grading / "gradebook.db").exists()  # no SQLite gradebook
