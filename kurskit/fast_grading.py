"""The fast path: grade a kurskit submission in-process, by nbgrader's own rules.

`nbgrader autograde` restores the locked cells of a submission from the gradebook, runs
every cell in a fresh kernel (≈1 s) and grades each test cell from its outputs with
`nbgrader.utils.determine_grade`. In a kurskit submission every answer cell is one literal
assignment, so the only code worth running is the author's: the test cells with their
hidden tests, exactly as the gradebook stores them (the source autograde restores and
executes). They are compiled once per module version and run here; answers are parsed
with `ast.literal_eval` and bound as plain values, never executed. Each test cell's outputs
are rebuilt as the kernel publishes them (an error, stderr, an `execute_result` formatted by
IPython's plain-text formatter) and then graded by nbgrader's `determine_grade` itself, so
full points, 0 and partial credit follow nbgrader to the letter.

A submission of any other shape (code in an answer cell, a cell the learner added, ids
that do not match the module) is refused with NotFastGradable: it needs a kernel, and
`nbgrader autograde` remains the way to grade it.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import io
import json
import sys
import threading
import tokenize
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

import nbformat
from nbformat import NotebookNode


class NotFastGradable(ValueError):
    """The submission needs a kernel: grade it with `nbgrader autograde` (English message)."""


@dataclass(frozen=True)
class SourceCell:
    """One cell as nbgrader's gradebook keeps it from `generate_assignment`."""

    name: str
    cell_type: str
    locked: bool
    checksum: str
    source: str
    grade: bool = False
    solution: bool = False
    task: bool = False
    points: float = 0.0


@dataclass(frozen=True)
class ModuleVersion:
    """A released module as the gradebook knows it; `key` changes with any graded cell.

    Plain data, so a process pool can receive it; the compiled tests are cached per key.
    """

    assignment: str
    notebook: str  # nbgrader's notebook id: the file name without .ipynb
    cells: dict[str, SourceCell]
    key: str
    # the gradebook's row ids of the grade, solution and task cells → grade id
    cell_names: dict[str, str] = field(default_factory=dict)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.cells.values() if c.grade or c.task)


def version_key(assignment: str, notebook: str, cells: dict[str, SourceCell]) -> str:
    """sha256 over everything autograde takes from the gradebook for this notebook."""
    digest = hashlib.sha256(f"{assignment}\0{notebook}".encode())
    for name in sorted(cells):
        cell = cells[name]
        digest.update(json.dumps([cell.name, cell.cell_type, cell.locked, cell.checksum,
                                  cell.source, cell.grade, cell.solution, cell.task,
                                  cell.points]).encode())
    return digest.hexdigest()


def load_version(gradebook: Any, assignment: str) -> ModuleVersion:
    """Read a module's released cells from an open nbgrader Gradebook."""
    found = gradebook.find_assignment(assignment)
    if len(found.notebooks) != 1:
        raise NotFastGradable(f"module {assignment!r} has {len(found.notebooks)} notebooks; "
                              "kurskit modules have exactly one")
    notebook = found.notebooks[0]
    grade_points = {c.name: float(c.max_score) for c in notebook.grade_cells}
    task_points = {c.name: float(c.max_score) for c in notebook.task_cells}
    solutions = {c.name for c in notebook.solution_cells}
    cells = {}
    for cell in notebook.source_cells:
        cells[cell.name] = SourceCell(
            name=cell.name, cell_type=cell.cell_type, locked=bool(cell.locked),
            checksum=cell.checksum or "", source=cell.source or "",
            grade=cell.name in grade_points, solution=cell.name in solutions,
            task=cell.name in task_points,
            points=grade_points.get(cell.name, task_points.get(cell.name, 0.0)))
    cell_names = {c.id: c.name for kind in (notebook.grade_cells, notebook.solution_cells,
                                            notebook.task_cells) for c in kind}
    return ModuleVersion(assignment, notebook.name, cells,
                         version_key(assignment, notebook.name, cells), cell_names)


@dataclass
class Graded:
    """What autograde would record for one submission notebook."""

    auto_scores: dict[str, float | None] = field(default_factory=dict)  # grade id → score
    auto_comments: dict[str, str | None] = field(default_factory=dict)  # grade id → comment
    notebook: NotebookNode | None = None  # the autograded notebook

    @property
    def score(self) -> float:
        return float(sum(s for s in self.auto_scores.values() if s is not None))


# --- compiled tests, one set per module version --------------------------------------

@dataclass
class _CompiledCell:
    body: CodeType | None  # everything but a trailing expression
    last: CodeType | None  # a trailing expression, displayed as IPython's last_expr does
    quiet: bool  # the cell ends with ';': IPython shows no result


_compiled: dict[tuple[str, str], _CompiledCell] = {}
_compiled_lock = threading.Lock()


def _compile(version: ModuleVersion, name: str) -> _CompiledCell:
    key = (version.key, name)
    with _compiled_lock:
        cached = _compiled.get(key)
        if cached is None:
            source = version.cells[name].source
            tree = ast.parse(source, filename=f"<{version.assignment}:{name}>")
            last = None
            final = tree.body[-1] if tree.body else None
            if isinstance(final, ast.Expr):
                tree.body.pop()
                last = compile(ast.Expression(final.value), f"<{version.assignment}:{name}>",
                               "eval")
            body = compile(tree, f"<{version.assignment}:{name}>", "exec") if tree.body else None
            cached = _CompiledCell(body, last, _ends_with_semicolon(source))
            if len(_compiled) > 2000:  # many releases in one long-running service
                _compiled.clear()
            _compiled[key] = cached
        return cached


def _ends_with_semicolon(source: str) -> bool:
    """IPython's DisplayHook.semicolon_at_end_of_expression."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    for token in reversed(tokens):
        if token[0] in (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            continue
        return token[0] == tokenize.OP and token[1] == ";"
    return False


# --- stdout/stderr of a test cell, per thread ----------------------------------------

class _PerThreadStream(io.TextIOBase):
    """sys.stdout/sys.stderr stand-in: a grading thread's writes go to its own buffer,
    every other thread writes through, so service logs never count as a test's stderr."""

    def __init__(self, name: str, original: Any) -> None:
        self.stream_name, self.original = name, original
        self.local = threading.local()

    def write(self, text: str) -> int:
        buffer = getattr(self.local, "buffer", None)
        if buffer is None:
            return int(self.original.write(text))
        buffer.append(text)
        return len(text)

    def flush(self) -> None:
        if getattr(self.local, "buffer", None) is None:
            self.original.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, isatty of the real stream
        return getattr(self.original, name)


_install_lock = threading.Lock()


def _streams() -> tuple[_PerThreadStream, _PerThreadStream]:
    with _install_lock:
        if not isinstance(sys.stdout, _PerThreadStream):
            sys.stdout = _PerThreadStream("stdout", sys.stdout)
        if not isinstance(sys.stderr, _PerThreadStream):
            sys.stderr = _PerThreadStream("stderr", sys.stderr)
        return sys.stdout, sys.stderr


@contextmanager
def _captured(outputs: list[NotebookNode]) -> Iterator[None]:
    """Collect what the current thread prints as nbformat stream outputs, in order."""
    streams = _streams()
    chunks: list[tuple[str, str]] = []

    class _Buffer:
        def __init__(self, name: str) -> None:
            self.name = name

        def append(self, text: str) -> None:
            if chunks and chunks[-1][0] == self.name:
                chunks[-1] = (self.name, chunks[-1][1] + text)
            else:
                chunks.append((self.name, text))

    for stream in streams:
        stream.local.buffer = _Buffer(stream.stream_name)
    try:
        yield
    finally:
        for stream in streams:
            stream.local.buffer = None
        for name, text in chunks:
            if text:
                outputs.append(_output("stream", name=name, text=text))


_formatter: Any = None


def _plain_text(value: Any) -> str:
    """The text/plain of an execute_result, from the formatter the kernel uses."""
    global _formatter
    if _formatter is None:
        from IPython.core.formatters import PlainTextFormatter

        _formatter = PlainTextFormatter()
    return str(_formatter(value))


def _output(output_type: str, **fields: Any) -> NotebookNode:
    """An nbformat v4 output (nbformat's new_output validates each one: too slow here)."""
    return nbformat.from_dict({"output_type": output_type, **fields})


def _run_test_cell(version: ModuleVersion, name: str,
                   namespace: dict[str, Any]) -> list[NotebookNode]:
    """Run one author test cell; its outputs as the kernel would publish them."""
    compiled = _compile(version, name)
    outputs: list[NotebookNode] = []
    with _captured(outputs):
        try:
            if compiled.body is not None:
                exec(compiled.body, namespace)  # author code from the gradebook, trusted
            value = eval(compiled.last, namespace) if compiled.last is not None else None
        except (Exception, SystemExit) as error:  # any failing test: nbgrader gives 0
            error_output: NotebookNode | None = _output(
                "error", ename=type(error).__name__, evalue=str(error),
                traceback=traceback.format_exception_only(error))
        else:
            error_output = None
    if error_output is not None:
        outputs.append(error_output)
    elif value is not None and not compiled.quiet:
        outputs.append(_output("execute_result", data={"text/plain": _plain_text(value)},
                               metadata={}, execution_count=None))
    return outputs


# --- the submission -----------------------------------------------------------------

def _literal_assignment(source: str, grade_id: str) -> tuple[bool, Any]:
    """(bound, value) of an answer cell: `qid = <literal>`, or the release stub (comments)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        raise NotFastGradable(f"answer cell {grade_id!r} is not valid Python") from None
    if not tree.body:
        return False, None  # the stub: nothing is bound, the test sees a NameError
    statement = tree.body[0]
    if (len(tree.body) != 1 or not isinstance(statement, ast.Assign)
            or len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name)
            or statement.targets[0].id != grade_id):
        raise NotFastGradable(f"answer cell {grade_id!r} holds code, not `{grade_id} = <literal>`")
    try:
        return True, ast.literal_eval(statement.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise NotFastGradable(f"answer cell {grade_id!r} holds no literal") from None


def _checksum(cell: NotebookNode) -> str:
    from nbgrader.utils import compute_checksum

    return str(compute_checksum(cell))


def _sanitize(version: ModuleVersion, notebook: NotebookNode) -> None:
    """autograde's sanitize step: ClearOutput, DeduplicateIds, OverwriteCells (in place)."""
    seen: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            for key in ("collapsed", "scrolled"):
                cell.metadata.pop(key, None)
        nbg = cell.metadata.get("nbgrader")
        grade_id = nbg.get("grade_id") if nbg else None
        if grade_id is None:
            continue
        if grade_id in seen:
            raise NotFastGradable(f"grade id {grade_id!r} appears more than once")
        seen.add(grade_id)
        source = version.cells.get(grade_id)
        if source is None:
            raise NotFastGradable(f"cell {grade_id!r} is not part of module {version.assignment!r}")
        if cell.cell_type != source.cell_type:
            raise NotFastGradable(f"cell {grade_id!r} changed its type")
        if bool(nbg.get("locked")) != source.locked:
            nbg["locked"] = source.locked
        if nbg.get("grade") and float(nbg.get("points", 0)) != source.points:
            nbg["points"] = source.points
        nbg["checksum"] = source.checksum
        if source.locked and _checksum(cell) != source.checksum:
            cell.source = source.source
            if _checksum(cell) != source.checksum:
                raise NotFastGradable(f"inconsistent checksums for cell {grade_id!r}")


def grade_notebook(version: ModuleVersion, submitted: NotebookNode) -> Graded:
    """Grade one submission notebook (changed in place into the autograded notebook)."""
    from nbgrader.utils import determine_grade, is_grade, is_solution, is_task

    _sanitize(version, submitted)
    graded = Graded(notebook=submitted)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    for cell in submitted.cells:
        nbg = cell.metadata.get("nbgrader") or {}
        grade_id = nbg.get("grade_id")
        source = version.cells.get(grade_id) if grade_id else None
        if cell.cell_type == "code":
            if source is None:
                raise NotFastGradable("the submission has a code cell that is not the module's")
            if source.grade and not source.solution:
                if cell.source != source.source:  # unlocked test cell the learner changed
                    raise NotFastGradable(f"test cell {grade_id!r} differs from the release")
                cell.outputs = _run_test_cell(version, source.name, namespace)
            elif source.solution:
                bound, value = _literal_assignment(cell.source, source.name)
                if bound:
                    namespace[source.name] = value
            elif not source.locked:
                raise NotFastGradable(f"code cell {grade_id!r} is neither locked nor an answer")
            # other locked cells build the learner's widgets; they grade nothing
        if grade_id and is_grade(cell):
            graded.auto_scores[grade_id] = determine_grade(cell)[0]
        if grade_id and (is_solution(cell) or is_task(cell)):
            unchanged = nbg.get("checksum") == _checksum(cell) and not is_task(cell)
            graded.auto_comments[grade_id] = "No response." if unchanged else None
    return graded


def read_notebook(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def notebook_json(notebook: NotebookNode) -> str:
    """A notebook file nbformat reads, without validating the schema again: the notebook
    was built from a valid one and only got outputs of the shapes nbformat defines."""
    # no indent: only then does the json module use its C encoder (5-10x faster)
    return json.dumps(notebook, sort_keys=True, ensure_ascii=False) + "\n"
