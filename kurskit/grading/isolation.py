"""Each submission's hidden tests in a forked child of the warm grading process.

A course author's test cell is ordinary Python: it can rebind a check function of
`kurskit.checks`, set a global of a module it imports, put a module into `sys.modules`,
or never end. Run in the long-lived grading process, any of that would reach the next
learner's submission. So every submission is graded in a child made by `os.fork()`: it
starts warm (nbgrader, the compiled tests and the check functions are already imported,
its memory shared copy-on-write with the parent), grades with the fast path, sends the
grades and the autograded notebook back through a pipe as JSON and ends with `os._exit`;
whatever the author's code changed ends with it. A child still running `seconds` plus a
grace after its start (a test that sleeps in C, where the trace hook of
`hidden_tests.time_limit` cannot stop it) is killed. Up to `PARALLEL` children run at
once, so one hanging submission holds one slot while the others go on through the batch.
"""

from __future__ import annotations

import gc
import json
import os
import selectors
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from nbformat import NotebookNode

from kurskit.grading.fast_path import Graded, grade_notebook
from kurskit.grading.hidden_tests import GradingTimedOut
from kurskit.grading.module_version import ModuleVersion, NotFastGradable
from kurskit.grading.notebook_files import notebook_json

PARALLEL = 2  # children at once: the machine's second core, and one slot for a hanging one
GRACE = 2.0  # seconds after the time limit before a child is killed
UNLIMITED = 300.0  # a task without a time limit: its child is killed after this long
TICK = 2.0  # a slow child: the caller hears so after this long, and records the others


class GradingCrashed(Exception):
    """The author's hidden tests ended the grading child (os._exit, a signal, memory)."""


class GradingError(RuntimeError):
    """The fast path failed inside the child for another reason (type and message kept)."""


# the grades (their notebook left out) and the autograded notebook's JSON, or the failure
Outcome = tuple[Graded, str] | Exception
_KNOWN = {"NotFastGradable": NotFastGradable, "GradingTimedOut": GradingTimedOut}


@dataclass
class Task:
    version: ModuleVersion
    notebook: NotebookNode  # the submission, as read; the child grades its own copy
    seconds: float | None  # the module's time limit (None: only the child's UNLIMITED)


@dataclass
class _Child:
    pid: int
    fd: int
    index: int
    deadline: float
    chunks: list[bytes] = field(default_factory=list)


def grade_isolated(tasks: list[Task], parallel: int = PARALLEL
                   ) -> Iterator[tuple[int, Outcome] | tuple[None, None]]:
    """Grade each task in a child of its own; yields (task's index, (the grades, the
    autograded notebook's JSON) or why it failed) as each ends, and (None, None) after
    every `TICK` in which none ended."""
    waiting = list(enumerate(tasks))
    running: dict[int, _Child] = {}
    with selectors.DefaultSelector() as selector:
        while waiting or running:
            while waiting and len(running) < parallel:
                index, task = waiting.pop(0)
                child = _fork(index, task)
                running[child.fd] = child
                selector.register(child.fd, selectors.EVENT_READ)
            timeout = min(TICK, min(c.deadline for c in running.values()) - time.monotonic())
            events = selector.select(max(0.0, timeout))
            ended = False
            for key, _ in events:
                child = running[key.fd]
                data = os.read(child.fd, 1 << 16)
                if data:
                    child.chunks.append(data)
                    continue
                selector.unregister(child.fd)
                del running[child.fd]
                ended = True
                yield child.index, _collect(child, tasks[child.index])
            now = time.monotonic()
            readable = {key.fd for key, _ in events}
            for child in [c for c in running.values()
                          if c.deadline <= now and c.fd not in readable]:
                selector.unregister(child.fd)
                del running[child.fd]
                ended = True
                yield child.index, _kill(child, tasks[child.index])
            if not ended and not events:
                yield None, None


def _fork(index: int, task: Task) -> _Child:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: grade, answer, leave without running anything of the parent's
        os.close(read_end)
        status = 0
        try:
            _grade_in_child(task, write_end)
        except BaseException:  # nothing may escape into the parent's code
            status = 70
        finally:
            os._exit(status)
    os.close(write_end)
    return _Child(pid, read_end, index,
                  time.monotonic() + (task.seconds or UNLIMITED) + GRACE)


def _grade_in_child(task: Task, fd: int) -> None:
    gc.disable()  # short-lived: a collection would only copy the parent's pages
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    text = ""
    try:
        graded = grade_notebook(task.version, task.notebook, task.seconds)
        assert graded.notebook is not None
        answer: dict[str, object] = {"scores": graded.auto_scores,
                                     "comments": graded.auto_comments}
        text = notebook_json(graded.notebook)
    except Exception as error:
        answer = {"error": type(error).__name__, "message": str(error)}
    # one line of JSON, then the autograded notebook as it is to be stored
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(json.dumps(answer).encode("utf-8") + b"\n" + text.encode("utf-8"))


def _collect(child: _Child, task: Task) -> Outcome:
    os.close(child.fd)
    _, status = os.waitpid(child.pid, 0)
    head, _, text = b"".join(child.chunks).partition(b"\n")
    try:
        answer = json.loads(head.decode("utf-8"))
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        return GradingCrashed(
            f"the hidden tests of {task.version.assignment!r} ended the grading child "
            f"({_exit_reason(status)}) before it answered")
    if "error" in answer:
        kind = _KNOWN.get(answer["error"])
        if kind is not None:
            return kind(answer["message"])
        return GradingError(f"{answer['error']}: {answer['message']}")
    return (Graded(auto_scores=answer["scores"], auto_comments=answer["comments"]),
            text.decode("utf-8"))


def _kill(child: _Child, task: Task) -> Exception:
    os.kill(child.pid, signal.SIGKILL)
    os.waitpid(child.pid, 0)
    os.close(child.fd)
    return GradingTimedOut(f"the hidden tests of {task.version.assignment!r} ran longer than "
                           f"{task.seconds or UNLIMITED:g} s (grading_seconds in the module's "
                           "metadata); the grading child was killed")


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
