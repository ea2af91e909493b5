"""The author's test cells, run in-process as the kernel would run them.

Each test cell is compiled once per module version. Its outputs are rebuilt as the kernel
publishes them: what it prints (per thread, so service logs never count as a test's
stderr), an error, or the value of a trailing expression formatted by IPython's
plain-text formatter; nbgrader then grades the cell from those outputs.
"""

from __future__ import annotations

import ast
import io
import sys
import threading
import time
import tokenize
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import CodeType
from typing import Any

import nbformat
from nbformat import NotebookNode

from kurskit.grading.module_version import ModuleVersion


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


class GradingTimedOut(Exception):
    """The author's hidden tests of a submission ran longer than the module allows."""


class _OutOfTime(BaseException):
    """Raised inside the author's code; a BaseException, so no `except Exception` of a
    test cell can swallow it."""


@contextmanager
def time_limit(version: ModuleVersion, seconds: float | None) -> Iterator[None]:
    """Stop the author's code of `version` (test cells and what they define) once it has
    run `seconds` in this thread: a loop that never ends stalls no queue.

    The check rides on Python's trace hook, set for this thread only and only for frames of
    the author's cells, so the check functions and nbgrader run untraced at full speed.
    """
    if seconds is None:
        yield
        return
    deadline, prefix = time.monotonic() + seconds, f"<{version.assignment}:"

    def local(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _OutOfTime
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.startswith(prefix):
            return local(frame, event, arg)
        return None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        yield
    except _OutOfTime:
        raise GradingTimedOut(f"the hidden tests of {version.assignment!r} ran longer than "
                              f"{seconds:g} s (grading_seconds in the module's metadata)"
                              ) from None
    finally:
        sys.settrace(previous)


def run_test_cell(version: ModuleVersion, name: str,
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
