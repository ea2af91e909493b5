"""`kurskit privacy retention`: delete what the registry's retention rules say is due.

Each data type of the registry (`datenschutz.yml`) with a duration has one rule here; the
durations and triggers come from the registry only. The clock is a parameter (`now=`), so
tests and a catch-up run can ask "what is due at that moment". A dry run deletes nothing
and reports the same list. Meant to run daily (cron or a systemd timer, see README); every
run that deletes something is recorded in the audit log.

TODO(hub): in hub mode run this as a JupyterHub service or a scheduled job of the hub
deployment (once a day), instead of the operator's timer.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kurskit import layout, nbgrader_course
from kurskit.authoring.catalog import Catalog, Module
from kurskit.nbgrader_course import TIMESTAMP_FORMAT
from kurskit.privacy import audit, erasure
from kurskit.privacy.registry import Registry, load_registry


@dataclass
class Context:
    grading: Path
    catalog: Catalog
    registry: Registry
    now: datetime
    dry_run: bool
    who: str | None


@dataclass
class RetentionRun:
    now: datetime
    dry_run: bool
    due: dict[str, list[str]] = field(default_factory=dict)  # type id → what goes
    skipped: dict[str, str] = field(default_factory=dict)  # type id → why no rule runs


def apply(grading: Path, catalog: Catalog, *, now: datetime | None = None,
          dry_run: bool = False, who: str | None = None,
          progress: Callable[[str], None] | None = None) -> RetentionRun:
    """Apply every retention rule of the registry at `now` (default: the current time)."""
    registry = load_registry()
    context = Context(grading, catalog, registry, (now or datetime.now(UTC)).astimezone(UTC),
                      dry_run, who)
    run = RetentionRun(context.now, dry_run)
    for type_id, data_type in registry.types.items():
        rule = data_type.retention
        if data_type.planned or rule.same_as:
            run.skipped[type_id] = ("not stored yet" if data_type.planned
                                    else f"deleted with {rule.same_as}")
            continue
        if progress:
            progress(f"retention of {type_id}: {rule.text}")
        run.due[type_id] = RULES[type_id](context)
    if not dry_run and any(run.due.values()):
        audit.record(grading, "retention", subject=None, who=who, now=context.now,
                     details={t: len(items) for t, items in run.due.items() if items})
    return run


def _delete(context: Context, path: Path) -> str:
    if not context.dry_run:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
            path.with_suffix(".lock").unlink(missing_ok=True)
        if path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()  # an emptied learner folder would still name the learner
    return str(path.relative_to(context.grading))


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _old_files(context: Context, type_id: str, root: Path,
               last: Callable[[Path], datetime]) -> list[str]:
    cutoff = context.registry.retention(type_id).cutoff(context.now)
    files = sorted(root.glob("*/*.json")) if root.is_dir() else []
    return [_delete(context, path) for path in files if last(path) < cutoff]


def _draft_saved(path: Path) -> datetime:
    from kurskit import durable

    try:
        saved = datetime.fromisoformat(durable.read_json(path, {}).get("saved_at") or "")
    except (ValueError, AttributeError):
        return _mtime(path)
    return saved if saved.tzinfo else saved.replace(tzinfo=UTC)


def drafts(context: Context) -> list[str]:
    """Drafts: the registry's duration after the draft was last saved."""
    return _old_files(context, "drafts", layout.drafts_root(context.grading), _draft_saved)


def checks(context: Context) -> list[str]:
    """„Prüfen“ counters: the registry's duration after the last check."""
    return _old_files(context, "checks", context.grading / "checks", _mtime)


def attempt_time(folder: Path) -> datetime | None:
    try:
        stamp = (folder / layout.TIMESTAMP).read_text("utf-8").strip()
        return datetime.strptime(stamp.replace(" UTC", ""),
                                 TIMESTAMP_FORMAT[:-3]).replace(tzinfo=UTC)
    except (OSError, ValueError):
        return None


def attempts(context: Context) -> list[str]:
    """Attempts (with results and nbgrader's copies) of one learner and course: due a
    duration after the course was passed, or the other duration after the last attempt."""
    rule = context.registry.retention("attempts")
    current = nbgrader_course.current_submissions(
        context.grading, [m.id for m in context.catalog.modules])
    passed_at = {(learner, course.id): moment for course in context.catalog.courses
                 for learner, moment in _passed_all(course.modules, course.pass_percent,
                                                    current).items()}
    gone: list[str] = []
    root = layout.attempts_root(context.grading)
    for learner_folder in sorted(root.iterdir()) if root.is_dir() else []:
        learner = learner_folder.name
        for course in context.catalog.courses:
            passed = passed_at.get((learner, course.id))
            if passed is not None:
                due = passed < rule.cutoff(context.now)
            else:
                times = [t for m in course.modules
                         for f in _attempt_folders(context.grading, learner, m.id)
                         if (t := attempt_time(f)) is not None]
                due = bool(times) and max(times) < rule.cutoff(context.now, otherwise=True)
            if due:
                gone += _course_folders(context, learner, [m.id for m in course.modules])
    return gone


def _attempt_folders(grading: Path, learner: str, module_id: str) -> list[Path]:
    from kurskit.grading.attempts import list_attempts

    return list_attempts(grading, learner, module_id)


def _passed_all(modules: list[Module], pass_percent: float,
                current: dict[str, list[nbgrader_course.CurrentSubmission]]
                ) -> dict[str, datetime]:
    """Learners who passed every module of a course → when the last of them was passed."""
    passed: dict[str, list[datetime]] = {}
    for module in modules:
        for s in current.get(module.id, []):
            if s.max_score and 100 * s.score / s.max_score >= pass_percent and s.timestamp:
                moment = s.timestamp if s.timestamp.tzinfo else s.timestamp.replace(tzinfo=UTC)
                passed.setdefault(s.learner, []).append(moment)
    return {learner: max(times) for learner, times in passed.items()
            if len(times) == len(modules)}


def _course_folders(context: Context, learner: str, module_ids: list[str]) -> list[str]:
    from kurskit.grading import inbox

    grading, gone = context.grading, []
    for module_id in module_ids:
        if any(e.learner == learner and e.module == module_id for e in inbox.pending(grading)):
            continue  # not graded yet: never delete a submission before its grade exists
        for folder in (layout.attempts_dir(grading, learner, module_id),
                       layout.submitted_dir(grading, learner, module_id),
                       layout.autograded_dir(grading, learner, module_id),
                       layout.feedback_dir(grading, learner, module_id)):
            if folder.is_dir():
                gone.append(_delete(context, folder))
    return gone


def _last_activity(context: Context, learner: str, submitted: dict[str, list[datetime]]
                   ) -> datetime | None:
    grading = context.grading
    times = list(submitted.get(learner, []))
    folder = layout.attempts_root(grading) / learner
    for module in folder.iterdir() if folder.is_dir() else []:
        times += [t for f in _attempt_folders(grading, learner, module.name)
                  if (t := attempt_time(f)) is not None]
    for draft in (layout.drafts_root(grading) / learner).glob("*.json"):
        times.append(_draft_saved(draft))
    for counter in (grading / "checks" / learner).glob("*.json"):
        times.append(_mtime(counter))
    return max(times) if times else None


def _gradebook_learners(grading: Path) -> dict[str, list[datetime]]:
    """Every student of the gradebook → the times of their submissions."""
    if not nbgrader_course.has_gradebook(grading):
        return {}
    found: dict[str, list[datetime]] = {}
    with nbgrader_course.course_lock(grading), nbgrader_course.open_gradebook(grading) as book:
        for student in book.students:
            found[student.id] = [s.timestamp.replace(tzinfo=UTC) for s in student.submissions
                                 if s.timestamp is not None]
        book.db.commit()
    return found


def account(context: Context) -> list[str]:
    """Learners without any activity for the registry's duration: erased completely, as
    `kurskit privacy erase` does (the gradebook rows follow the account: `wie: account`)."""
    cutoff = context.registry.retention("account").cutoff(context.now)
    submitted = _gradebook_learners(context.grading)
    learners = set(submitted) | {p.name for p in layout.attempts_root(context.grading).glob("*")
                                 if p.is_dir() and layout.valid_learner_id(p.name)}
    gone = []
    for learner in sorted(learners):
        if not layout.valid_learner_id(learner):
            continue  # a student a trainer named by hand (formgrader): not kurskit's to erase
        last = _last_activity(context, learner, submitted)
        if last is None or last >= cutoff:
            continue  # no activity known (e.g. a student a trainer just added): keep
        erasure.erase(context.grading, learner, confirm=not context.dry_run,
                      who=context.who, now=context.now, reason="retention", vacuum=False)
        gone.append(f"{learner} (all data)")
    if gone and not context.dry_run and nbgrader_course.has_gradebook(context.grading):
        erasure.vacuum_gradebook(context.grading)  # once for all erased learners
    return gone


def audit_entries(context: Context) -> list[str]:
    cutoff = context.registry.retention("audit").cutoff(context.now)
    old = audit.expired(context.grading, cutoff)
    if old and not context.dry_run:
        audit.drop_before(context.grading, cutoff)
    return [f"audit entry of {e.get('time')} ({e.get('action')})" for e in old]


def service_logs(context: Context) -> list[str]:
    """nbgrader's log file, once nothing was written to it for the registry's duration
    (its lines carry no time; the services' journal is rotated by the operator)."""
    path = layout.nbgrader_log(context.grading)
    cutoff = context.registry.retention("service_logs").cutoff(context.now)
    return [_delete(context, path)] if path.is_file() and _mtime(path) < cutoff else []


# one rule per registry type with a duration (registry.DATA_TYPES; a test keeps them in step)
RULES: dict[str, Callable[[Context], list[str]]] = {
    "account": account, "attempts": attempts, "drafts": drafts, "checks": checks,
    "audit": audit_entries, "service_logs": service_logs}


def describe(run: RetentionRun) -> list[str]:
    """English lines for the CLI: per data type what was (or would be) deleted.

    A dry run names each item for the trainer; a real run (daily, its output kept by cron
    or the journal) gives counts only, so the log does not keep ids that were just erased.
    """
    verb = "would delete" if run.dry_run else "deleted"
    lines = [f"retention at {run.now.isoformat(timespec='seconds')}"
             + (" (dry run: nothing changed)" if run.dry_run else "")]
    for type_id, items in run.due.items():
        lines.append(f"{type_id}: {verb} {len(items)}")
        if run.dry_run:  # a real run's output goes to logs: counts only, no learner ids
            lines += [f"  {item}" for item in items]
    lines += [f"{type_id}: {why}" for type_id, why in run.skipped.items()]
    return lines
