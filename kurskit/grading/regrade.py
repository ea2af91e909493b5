"""`kurskit grade`: regrade stored submissions with the fast path, on every core, resumably.

For each module it takes nbgrader's current submissions (`grading/submitted/<learner>/
<module>/`, the newest attempt of each learner), grades each in a forked child of its own
(`isolation`, as the service's worker does; `workers` at once) and records them in the
gradebook in group commits. Each commit also writes a journal row
(learner, module, module version, submission timestamp), so a run that was interrupted
resumes where it stopped; `restart=True` forgets the journal of the chosen modules.

A regraded attempt reaches nbgrader's rows only while the module's grading method still
selects it (decided by the gradebook writer under the lock): an attempt the service
recorded meanwhile is never overwritten by the older one this run read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kurskit import layout
from kurskit.grading import attempts
from kurskit.grading.fast_path import Graded
from kurskit.grading.gradebook_writer import GradebookWriter, Record
from kurskit.grading.isolation import Outcome, Task, grade_isolated
from kurskit.grading.module_version import ModuleVersion, NotFastGradable
from kurskit.grading.notebook_files import read_notebook

BATCH = 64


@dataclass
class ModuleReport:
    graded: int = 0
    skipped: int = 0  # done by an earlier, interrupted run of the same version
    failed: list[tuple[str, str]] = field(default_factory=list)  # (learner, reason)


@dataclass(frozen=True)
class _Task:
    learner: str
    version: ModuleVersion
    folder: str  # submitted/<learner>/<module>
    timestamp: str


def submitted_modules(root: Path) -> list[str]:
    """Every module that has at least one submission."""
    submitted = layout.submitted_root(root)
    if not submitted.is_dir():
        return []
    return sorted({m.name for learner in submitted.iterdir() if learner.is_dir()
                   for m in learner.iterdir() if m.is_dir()})


def _outcome(outcome: Outcome) -> tuple[Graded, str] | str:
    """(grades, autograded JSON) or a failure reason."""
    if isinstance(outcome, NotFastGradable):
        return f"{outcome}; grade it with `nbgrader autograde`"
    if isinstance(outcome, Exception):  # reported per submission, the run goes on
        return f"{type(outcome).__name__}: {outcome}"
    return outcome


def regrade(root: Path, modules: list[str] | None = None, *, restart: bool = False,
            workers: int | None = None,
            progress: Callable[[int], Callable[[], None]] | None = None,
            batch: int = BATCH,
            methods: Mapping[str, str] | None = None) -> dict[str, ModuleReport]:
    """Regrade the counted submission of every learner in `modules` (default: all).

    `methods`: module id → grading method (course.yml; default highest).

    `progress(total)` is called once and returns a callable invoked after each submission.
    Returns one report per module.
    """
    writer = GradebookWriter(root)
    try:
        chosen = modules if modules else submitted_modules(root)
        reports = {m: ModuleReport() for m in chosen}
        if restart:
            writer.clear_journal(chosen)
        done = writer.journal()
        tasks: list[_Task] = []
        for module in chosen:
            try:
                version = writer.version(module)
            except Exception as error:  # unknown module or one nbgrader cannot read
                reports[module].failed.append(("*", f"not in the gradebook: {error}"))
                continue
            for learner, folder, timestamp in _submissions(root, module, version.notebook):
                if (learner, module, version.key, timestamp) in done:
                    reports[module].skipped += 1
                elif timestamp is None:
                    reports[module].failed.append((learner, "no timestamp.txt"))
                else:
                    tasks.append(_Task(learner, version, str(folder), timestamp))
        tick = progress(len(tasks)) if progress else (lambda: None)
        pending: list[tuple[Record, str]] = []

        def flush() -> None:
            recorded = writer.record([record for record, _ in pending])
            for (record, text), result in zip(pending, recorded, strict=True):
                report = reports[record.version.assignment]
                if isinstance(result, Exception):
                    report.failed.append((record.learner, f"gradebook: {result}"))
                elif result is not None and not result.counted:
                    report.skipped += 1  # a newer attempt is counted meanwhile
                else:
                    attempts.write_autograded(root, record.learner, record.version.assignment,
                                              f"{record.version.notebook}.ipynb", text,
                                              record.timestamp)
                    report.graded += 1
            pending.clear()

        for task, outcome in zip(tasks, _graded(tasks, workers), strict=True):
            if isinstance(outcome, str):
                reports[task.version.assignment].failed.append((task.learner, outcome))
            else:
                graded, text = outcome
                module = task.version.assignment
                pending.append((Record(
                    task.learner, task.version, task.timestamp, graded, journal=True,
                    attempt=attempts.current_attempt(root, task.learner, module),
                    method=(methods or {}).get(module, "highest")), text))
                if len(pending) >= batch:
                    flush()
            tick()
        flush()
        return reports
    finally:
        writer.close()


def _submissions(root: Path, module: str, notebook: str,
                 ) -> Iterator[tuple[str, Path, str | None]]:
    submitted = layout.submitted_root(root)
    if not submitted.is_dir():
        return
    for learner in sorted(p for p in submitted.iterdir() if p.is_dir()):
        folder = layout.submitted_dir(root, learner.name, module)
        if (folder / f"{notebook}.ipynb").is_file():
            stamp = folder / layout.TIMESTAMP
            yield (learner.name, folder,
                   stamp.read_text("utf-8").strip() if stamp.is_file() else None)


def _graded(tasks: list[_Task], workers: int | None,
            ) -> Iterator[tuple[Graded, str] | str]:
    """Each submission in a forked child of its own (`isolation`), `workers` at once: what
    one submission's hidden tests change never reaches the next."""
    count = workers or os.cpu_count() or 1
    for start in range(0, len(tasks), BATCH):
        chunk = tasks[start:start + BATCH]
        outcomes: dict[int, Outcome] = {}
        readable: list[tuple[int, Task]] = []
        for index, task in enumerate(chunk):
            try:
                notebook = read_notebook(Path(task.folder) / f"{task.version.notebook}.ipynb")
            except Exception as error:  # reported per submission, the run goes on
                outcomes[index] = error
            else:
                readable.append((index, Task(task.version, notebook, None)))
        for position, outcome in grade_isolated([t for _, t in readable], count):
            if position is not None and outcome is not None:
                outcomes[readable[position][0]] = outcome
        for index in range(len(chunk)):
            yield _outcome(outcomes[index])


def report_table(reports: dict[str, ModuleReport]) -> str:
    """The per-module counts, then every failure with its reason."""
    width = max([len("module"), *map(len, reports)])
    lines = [f"{'module':<{width}}  {'graded':>6}  {'skipped':>7}  {'failed':>6}"]
    for module, report in reports.items():
        lines.append(f"{module:<{width}}  {report.graded:>6}  {report.skipped:>7}  "
                     f"{len(report.failed):>6}")
    total = ModuleReport(sum(r.graded for r in reports.values()),
                         sum(r.skipped for r in reports.values()),
                         [f for r in reports.values() for f in r.failed])
    lines.append(f"{'total':<{width}}  {total.graded:>6}  {total.skipped:>7}  "
                 f"{len(total.failed):>6}")
    for module, report in reports.items():
        for learner, reason in report.failed:
            lines.append(f"failed: {learner}/{module}: {reason}")
    return "\n".join(lines)
