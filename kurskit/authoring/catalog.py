"""The course catalogue: every `courses/<kurs>/course.yml` and the module notebooks it lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kurskit.authoring import digcomp
from kurskit.authoring.module_notebook import ModuleNotebook, read_module
from kurskit.authoring.problems import Problem
from kurskit.authoring.questions import KINDS
from kurskit.authoring.yaml_files import Unreadable, load_schema, read_mapping, schema_errors
from kurskit.qualification.policy import Policy, policy_of

SCHEMA = load_schema("course")
COURSE_ID = re.compile(r"^[a-z][a-z0-9-]*$")
DEFAULT_PASS_PERCENT = 60


@dataclass
class Module:
    course_id: str
    filename: str
    notebook: ModuleNotebook
    course_settings: dict[str, Any] = field(default_factory=dict)  # course.yml

    @property
    def policy(self) -> Policy:
        """Attempts, grading method, review options and pass mark (course.yml)."""
        return policy_of(self.course_settings, self.filename)

    @property
    def id(self) -> str:
        """The nbgrader assignment name: unique across the catalogue."""
        return f"{self.course_id}-{Path(self.filename).stem}"

    @property
    def title(self) -> str:
        return self.notebook.title

    @property
    def path(self) -> Path:
        return self.notebook.path

    @property
    def interactive(self) -> bool:
        """The module has an interactive element (a widget that needs a kernel)."""
        return any(KINDS[e.spec.kind].interactive for e in self.notebook.exercises)

    @property
    def view(self) -> str:
        """The lightest view that can show it: Voilà where it needs a kernel, else the page."""
        return "voila" if self.interactive else "page"


@dataclass
class Course:
    id: str
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    modules: list[Module] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.manifest.get("title", self.id))

    @property
    def pass_percent(self) -> int:
        """A module counts as passed from this share of its points."""
        return int(self.manifest.get("pass_percent", DEFAULT_PASS_PERCENT))

    @property
    def valid_months(self) -> int | None:
        """A certificate of this course is valid for so many months (None: no expiry)."""
        months = self.manifest.get("valid_months")
        return months if isinstance(months, int) else None

    @property
    def mandatory(self) -> bool:
        return self.manifest.get("pflicht") is True


@dataclass
class Catalog:
    courses: list[Course]

    @property
    def modules(self) -> list[Module]:
        return [m for c in self.courses for m in c.modules]

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    @property
    def problems(self) -> list[Problem]:
        found = [p for c in self.courses for p in c.problems]
        return found + [p for m in self.modules for p in m.notebook.problems]


def load_catalog(courses_dir: Path) -> Catalog:
    if not courses_dir.is_dir():
        raise FileNotFoundError(f"courses folder not found: {courses_dir}")
    return Catalog([load_course(d) for d in sorted(courses_dir.iterdir())
                    if d.is_dir() and not d.name.startswith((".", "_"))])


def load_course(folder: Path) -> Course:
    course = Course(id=folder.name, path=folder)
    manifest_path = folder / "course.yml"

    def problem(message: str, path: Path = manifest_path) -> None:
        course.problems.append(Problem(path, message))

    if not COURSE_ID.match(folder.name):
        problem("course folder name must be lower-case letters, digits and '-'", folder)
    if not manifest_path.is_file():
        problem("missing course.yml")
        return course
    try:
        manifest = read_mapping(manifest_path, "course.yml",
                                "course.yml must be a mapping of fields (title, audience, ...)")
    except Unreadable as error:
        problem(str(error))
        return course
    for where, message in schema_errors(SCHEMA, manifest):
        problem(f"{'/'.join(str(p) for p in where) or 'course.yml'}: {message}")
    course.manifest = manifest
    competences = manifest.get("competences")
    for competence in competences if isinstance(competences, list) else []:
        if isinstance(competence, dict) and competence.get("id") not in digcomp.COMPETENCES:
            problem(f"competences: {competence.get('id')!r} is not a DigComp 2.2 competence")
    modules = manifest.get("modules")
    listed: list = modules if isinstance(modules, list) else []
    for filename in listed:
        if not isinstance(filename, str):
            continue
        path = folder / filename
        if not path.is_file():
            problem(f"modules: {filename} does not exist")
            continue
        notebook = read_module(path)
        module = Module(course.id, filename, notebook, manifest)
        if notebook.declared_id is not None and notebook.declared_id != module.id:
            notebook.problems.append(Problem(
                path, f"start_module({notebook.declared_id!r}) must name this module: "
                f"start_module({module.id!r})"))
        for competence in notebook.metadata.get("competences") or []:
            if competence not in digcomp.COMPETENCES:
                notebook.problems.append(
                    Problem(path, f"metadata competences: {competence!r} is not a DigComp 2.2 "
                            "competence"))
        course.modules.append(module)
    for stray in sorted(folder.glob("*.ipynb")):
        if stray.name not in listed:
            problem(f"{stray.name} is not listed under modules", stray)
    _check_minutes(course, manifest.get("minutes"), problem)
    return course


def _check_minutes(course: Course, minutes: Any, problem: Any) -> None:
    """The catalogue states a course's length: the sum of its modules' (each module's
    metadata says how long it takes)."""
    parts = [m.notebook.metadata.get("minutes") for m in course.modules]
    known = [p for p in parts if isinstance(p, int)]
    if isinstance(minutes, int) and known and len(known) == len(parts) and sum(known) != minutes:
        problem(f"minutes: {minutes}, but its modules take {sum(known)} "
                f"({' + '.join(map(str, known))})")
