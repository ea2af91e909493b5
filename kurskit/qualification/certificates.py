"""Certificates: issued when a learner has passed every module of a course, kept in the
gradebook database (a kurskit table beside nbgrader's, created through SQLAlchemy so it
moves with the gradebook to PostgreSQL), verified by a code, revocable by trainers.

A code is 12 random Crockford base-32 characters and 2 check characters, shown in groups
(`KK-ABCD-EFGH-JKMN-PQ`): a code altered or mistyped fails its check characters and is
told apart from a well-formed code that kurskit never issued.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, create_engine, select, update
from sqlalchemy.engine import Connection

from kurskit import nbgrader_course

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
PREFIX = "KK"
_metadata = MetaData()
CERTIFICATES = Table(
    "kurskit_certificate", _metadata,
    Column("code", String(32), primary_key=True),
    Column("learner", String(128), nullable=False, index=True),
    Column("course", String(128), nullable=False),
    Column("course_title", String(300), nullable=False),
    Column("holder", String(300), nullable=False),
    Column("issued_on", String(10), nullable=False),  # ISO date
    Column("valid_until", String(10)),  # ISO date; null: no expiry
    Column("modules", Text, nullable=False),  # JSON: [[module id, title], ...]
    Column("competences", Text, nullable=False),  # JSON: [[id, name, level], ...]
    Column("issuer", String(300), nullable=False),
    Column("signatory", String(300), nullable=False),
    Column("revoked_at", String(40)),
    Column("revoked_reason", Text),
)


class UnknownCertificate(LookupError):
    pass


@dataclass
class Certificate:
    code: str
    learner: str
    course: str
    course_title: str
    holder: str
    issued_on: str
    valid_until: str | None
    modules: list[list[str]] = field(default_factory=list)
    competences: list[list[Any]] = field(default_factory=list)
    issuer: str = ""
    signatory: str = ""
    revoked_at: str | None = None
    revoked_reason: str | None = None

    def status(self, today: date | None = None) -> str:
        """valid, expired or revoked."""
        if self.revoked_at:
            return "revoked"
        today = today or datetime.now(UTC).date()
        if self.valid_until and date.fromisoformat(self.valid_until) < today:
            return "expired"
        return "valid"


def _check(body: str) -> str:
    digest = hashlib.sha256(body.encode()).digest()
    return ALPHABET[digest[0] % 32] + ALPHABET[digest[1] % 32]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(12))
    full = body + _check(body)
    return f"{PREFIX}-" + "-".join(full[i:i + 4] for i in range(0, 14, 4))


def well_formed(code: str) -> bool:
    """The code's form and check characters hold (a mistyped or altered code fails)."""
    plain = code.strip().upper().replace("-", "")
    if not plain.startswith(PREFIX) or len(plain) != 16:
        return False
    body, check = plain[2:14], plain[14:]
    return all(c in ALPHABET for c in plain[2:]) and _check(body) == check


def normalized(code: str) -> str:
    plain = code.strip().upper().replace("-", "")[2:]
    return f"{PREFIX}-" + "-".join(plain[i:i + 4] for i in range(0, 14, 4))


def create_table(connection: Connection) -> None:
    """Portable DDL (SQLite and PostgreSQL); the grading worker calls it at its start."""
    _metadata.create_all(connection, checkfirst=True)


@contextmanager
def connect(root: Path) -> Iterator[Connection]:
    """A transaction on the gradebook database (the same db_url as nbgrader's)."""
    engine = create_engine(nbgrader_course.db_url(root))
    try:
        with engine.begin() as connection:
            _metadata.create_all(connection, checkfirst=True)
            yield connection
    finally:
        engine.dispose()


def _from_row(row: Any) -> Certificate:
    values = dict(row._mapping)
    values["modules"] = json.loads(values["modules"])
    values["competences"] = json.loads(values["competences"])
    return Certificate(**values)


def of_learner(root: Path, learner: str) -> list[Certificate]:
    with connect(root) as connection:
        rows = connection.execute(select(CERTIFICATES).where(
            CERTIFICATES.c.learner == learner).order_by(CERTIFICATES.c.issued_on)).all()
    return [_from_row(r) for r in rows]


def every(root: Path) -> list[Certificate]:
    with connect(root) as connection:
        rows = connection.execute(select(CERTIFICATES)).all()
    return [_from_row(r) for r in rows]


def find(root: Path, code: str) -> Certificate:
    if not well_formed(code):
        raise UnknownCertificate(code)
    with connect(root) as connection:
        row = connection.execute(select(CERTIFICATES).where(
            CERTIFICATES.c.code == normalized(code))).first()
    if row is None:
        raise UnknownCertificate(code)
    return _from_row(row)


def issue(root: Path, certificate: Certificate) -> Certificate:
    """Store a new certificate unless the learner holds a valid one of the course."""
    with connect(root) as connection:
        rows = connection.execute(select(CERTIFICATES).where(
            CERTIFICATES.c.learner == certificate.learner,
            CERTIFICATES.c.course == certificate.course)).all()
        for held in map(_from_row, rows):
            if held.status() == "valid":
                return held
        values = {**certificate.__dict__, "modules": json.dumps(certificate.modules),
                  "competences": json.dumps(certificate.competences)}
        connection.execute(CERTIFICATES.insert().values(**values))
    return certificate


def revoke(root: Path, code: str, reason: str) -> Certificate:
    """Revoke with a reason; the verification page shows it as revoked from now on."""
    if not reason.strip():
        raise ValueError("a revocation needs a reason")
    found = find(root, code)
    with connect(root) as connection:
        connection.execute(update(CERTIFICATES).where(CERTIFICATES.c.code == found.code).values(
            revoked_at=datetime.now(UTC).isoformat(timespec="seconds"),
            revoked_reason=reason.strip()))
    return find(root, code)


def erase_learner(root: Path, learner: str) -> int:
    """Erasure (Art. 17 DSGVO): remove the learner's certificates; returns how many."""
    with connect(root) as connection:
        result = connection.execute(CERTIFICATES.delete().where(
            CERTIFICATES.c.learner == learner))
    return int(result.rowcount or 0)
