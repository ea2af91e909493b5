"""`kurskit privacy export`: the learner's copy of their data (Art. 15 and 20 DSGVO).

One zip file: `data.json` (everything kurskit holds about the learner, machine-readable:
account, gradebook entries with points and comments per question, every attempt with
answers and result, drafts, „Prüfen“ counters, certificates, audit-log entries about
them, and what the registry says about each data type), `uebersicht.html` (the same in
German, readable in any browser) and `dateien/` (the learner's files as stored, e.g. the
submitted notebooks). The places come from `kurskit.privacy.subject`, the same finder
erasure uses. What the grading side derives from a submission carries the module's answer
key (autograded copies restore the hidden tests; feedback and stored results hold the
explanations): those copies stay out and results lose their explanations — the learner's
answers, points and comments are all in `data.json`, and the Auskunft is no way round
the module's review point.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kurskit import durable, layout, nbgrader_course
from kurskit.authoring.catalog import Catalog
from kurskit.privacy import audit
from kurskit.privacy.auskunft_html import overview_html
from kurskit.privacy.registry import Registry, load_registry
from kurskit.privacy.subject import Holdings, UnknownLearner, holdings

FORMAT = 1
# what Art. 15 Abs. 1 lit. e–g DSGVO asks besides the data: source and rights
# folders of the grading side whose copies of a submission carry the module's key
WITH_KEY = ("autograded", "feedback")
LEFT_OUT = ("Nicht beigefügt: die bewerteten Kopien Ihrer Abgaben (Ordner autograded und "
            "feedback). Sie enthalten die Tests und Erläuterungen des Moduls, also den "
            "Lösungsschlüssel; Ihre Antworten, Punkte und Kommentare stehen vollständig oben.")
SOURCE = ("Von Ihnen selbst (Antworten, Entwürfe, „Prüfen“) und aus der Bewertung (Punkte "
          "aus den Tests der Module, Punkte und Kommentare von Trainerinnen und Trainern); "
          "Name und E-Mail-Adresse tragen Trainerinnen und Trainer ein.")
RIGHTS = ("Sie können die Berichtigung (Art. 16 DSGVO), die Löschung (Art. 17 DSGVO) und die "
          "Einschränkung der Verarbeitung (Art. 18 DSGVO) verlangen und sich bei einer "
          "Aufsichtsbehörde beschweren (Art. 77 DSGVO), in Baden-Württemberg bei der oder "
          "dem Landesbeauftragten für den Datenschutz und die Informationsfreiheit.")


def export_learner(grading: Path, catalog: Catalog, learner: str, output: Path, *,
                   who: str | None = None, now: datetime | None = None) -> Path:
    """Write the Auskunft zip to `output` (a new .zip file) and record it in the audit log."""
    if output.suffix.lower() != ".zip":
        raise ValueError(f"{output}: the Auskunft is a .zip file")
    if output.exists():
        raise FileExistsError(f"{output} exists; choose a new file name")
    if not output.parent.is_dir():
        raise ValueError(f"{output.parent} is no folder")
    held = holdings(grading, learner)
    if held.empty and not audit.about(grading, learner):
        raise UnknownLearner(f"kurskit holds no data about learner {learner!r}")
    moment = now or datetime.now(UTC)
    data = collect(grading, catalog, held, load_registry(), moment)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=1))
        archive.writestr("uebersicht.html", overview_html(data))
        for files in held.files.values():
            for path in files:
                shared = _shared_copy(grading, path)
                if shared is not None:
                    archive.writestr(f"dateien/{path.relative_to(grading)}", shared)
    durable.replace(output, buffer.getvalue())
    audit.record(grading, "privacy-export", subject=learner, who=who, now=moment,
                 details={"file": output.name, "attempts": len(data["versuche"])})
    return output


def collect(grading: Path, catalog: Catalog, held: Holdings, registry: Registry,
            now: datetime) -> dict[str, Any]:
    """Everything about the learner, as data.json holds it (German keys: it is theirs)."""
    learner = held.learner
    titles = {m.id: m.title for m in catalog.modules}
    attempts, drafts, checks, queued = [], [], [], []
    for path in held.files.get("attempts", []):
        rel = path.relative_to(grading)
        if rel.parts[0] == "attempts" and path.name == layout.ANSWERS:
            attempts.append(_attempt(grading, path.parent, titles))
        elif rel.parts[0] == "inbox":
            queued.append(durable.read_json(path, {}))
    for path in held.files.get("drafts", []):
        if path.suffix == ".json":
            draft = durable.read_json(path, {})
            drafts.append({"modul": path.stem, "titel": titles.get(path.stem, path.stem),
                           "antworten": draft.get("answers", {}),
                           "gespeichert": draft.get("saved_at")})
    for path in held.files.get("checks", []):
        if path.suffix == ".json":
            checks.append({"modul": path.stem, "titel": titles.get(path.stem, path.stem),
                           "pruefungen_je_frage": durable.read_json(path, {})})
    return {
        "format": FORMAT, "kennung": learner,
        "erstellt": now.astimezone(UTC).isoformat(timespec="seconds"),
        "verantwortlicher": registry.data["verantwortlicher"],
        "datenschutzbeauftragte": registry.data["datenschutzbeauftragte"],
        "datenarten": _registry_part(registry),
        "konto": held.student,
        "notenbuch": _gradebook(grading, learner, titles) if held.student else [],
        "versuche": attempts, "warteschlange": queued,
        "entwuerfe": drafts, "pruefen": checks,
        "zertifikate": _certificates(grading, learner),
        "zertifikate_hinweis": "Zertifikate über bestandene Kurse, mit Prüfcode und Status.",
        "protokoll": audit.about(grading, learner),
        "herkunft": SOURCE, "rechte": RIGHTS, "nicht_beigefuegt": LEFT_OUT,
    }


def _certificates(grading: Path, learner: str) -> list[dict[str, Any]]:
    from kurskit.qualification import certificates

    if not nbgrader_course.has_gradebook(grading):
        return []
    return [{"pruefcode": c.code, "kurs": c.course_title, "name": c.holder,
             "ausgestellt": c.issued_on, "gueltig_bis": c.valid_until, "status": c.status(),
             "widerrufen": c.revoked_at, "widerrufsgrund": c.revoked_reason}
            for c in certificates.of_learner(grading, learner)]


def _shared_copy(grading: Path, path: Path) -> bytes | None:
    """The file as the zip holds it; None for what stays out (locks, copies with the key)."""
    if path.name.endswith(".lock") or path.relative_to(grading).parts[0] in WITH_KEY:
        return None
    if path.name == layout.RESULT:
        result = _without_explanations(durable.read_json(path, None))
        return json.dumps(result, ensure_ascii=False, indent=1).encode("utf-8")
    return path.read_bytes()


def _without_explanations(result: Any) -> Any:
    """A stored result without the explanations (they name the right answers)."""
    if isinstance(result, dict) and isinstance(result.get("questions"), list):
        result = {**result, "questions": [
            {k: v for k, v in q.items() if k != "feedback"} if isinstance(q, dict) else q
            for q in result["questions"]]}
    return result


def _attempt(grading: Path, folder: Path, titles: dict[str, str]) -> dict[str, Any]:
    module = folder.parent.name
    stamp = folder / layout.TIMESTAMP
    return {"modul": module, "titel": titles.get(module, module),
            "versuch": layout.attempt_number(folder),
            "abgegeben": stamp.read_text("utf-8").strip() if stamp.is_file() else None,
            "antworten": durable.read_json(folder / layout.ANSWERS, {}),
            "ergebnis": _without_explanations(durable.read_json(folder / layout.RESULT, None)),
            "ordner": f"dateien/{folder.relative_to(grading)}"}


def _gradebook(grading: Path, learner: str, titles: dict[str, str]) -> list[dict[str, Any]]:
    """The learner's rows in nbgrader's gradebook: per module, points and comments."""
    found = []
    with nbgrader_course.course_lock(grading), nbgrader_course.open_gradebook(grading) as book:
        student = book.find_student(learner)
        for submission in student.submissions:
            module = submission.assignment.name
            questions, comments = [], []
            for notebook in submission.notebooks:
                comments += [{"zelle": c.name, "kommentar": c.comment}
                             for c in notebook.comments if c.comment]
                questions += [{"aufgabe": g.name, "punkte": _number(g.score),
                               "max_punkte": _number(g.max_score),
                               "manuell": g.manual_score is not None} for g in notebook.grades]
            found.append({"modul": module, "titel": titles.get(module, module),
                          "abgegeben": submission.timestamp.isoformat()
                          if submission.timestamp else None,
                          "punkte": _number(submission.score),
                          "max_punkte": _number(submission.max_score),
                          "aufgaben": sorted(questions, key=lambda q: q["aufgabe"]),
                          "kommentare": comments})
        book.db.commit()
    return sorted(found, key=lambda m: m["modul"])


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _registry_part(registry: Registry) -> list[dict[str, Any]]:
    """Purpose, legal basis, recipients and retention of each data type (Art. 15 Abs. 1)."""
    sources = registry.sources()
    return [{"id": t.id, "name": t.name, "zweck": t.fields["zweck"],
             "rechtsgrundlagen": [sources[s]["zitat"] for s in t.fields["rechtsgrundlagen"]],
             "sichtbar_fuer": t.fields["sichtbar_fuer"],
             "aufbewahrung": t.fields["aufbewahrung"]["text"],
             "status": t.fields["status"]} for t in registry.types.values()]
