"""The answer to the page's `request_states`, its widgets serialized ahead.

When a Voilà page connects, its widget manager opens the `jupyter.widget.control` comm
and asks for every widget's state (`request_states`, ipywidgets' control protocol 1.0).
ipywidgets 8.1 answers by serializing every widget twice: it computes
`Widget.get_manager_state()` and discards the result before building the answer. On the
phishing module the discarded pass was over a third of the kernel's CPU for a page that
connects (11 of 29 ms). This handler answers the same message with the same `update_states`,
serializing each widget once; `start_module` registers it in place of ipywidgets' own.

Each widget's serialized state is kept until one of its traits changes (`prepare` after
every cell): a preheated kernel builds its page minutes before a learner opens it, so when
fifty open it at once, each kernel serializes only what the hand-out changed (the learner's
draft, the checks left) instead of all of its ≈130 widgets.
"""

from __future__ import annotations

from typing import Any

from ipywidgets.widgets.widget import (
    CONTROL_PROTOCOL_VERSION_MAJOR,
    _instances,  # ipywidgets' registry of open widgets (what its own handler reads)
    _remove_buffers,
)

TARGET = "jupyter.widget.control"

# model id → that widget's part of the answer: its states entry, buffer paths and buffers
Serialized = tuple[dict[str, Any], list[Any], list[Any]]
_serialized: dict[str, Serialized] = {}
_watched: set[str] = set()


def register() -> None:
    """Answer the control comm of this kernel (a no-op outside a kernel), and serialize
    the page's widgets after every cell."""
    from IPython import get_ipython
    from ipywidgets.comm import get_comm_manager

    manager = get_comm_manager()
    if manager is not None:
        manager.register_target(TARGET, opened)
    shell = get_ipython()
    if shell is not None and prepare not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", prepare)


def prepare(*_result: Any) -> None:
    """Serialize every open widget not serialized since its last change."""
    for model_id in _serialized.keys() - _instances.keys():  # closed widgets
        del _serialized[model_id]
        _watched.discard(model_id)
    for widget in list(_instances.values()):
        _serialize(widget)


def _serialize(widget: Any) -> Serialized:
    model_id = widget.model_id
    found = _serialized.get(model_id)
    if found is None:
        if model_id not in _watched:
            _watched.add(model_id)
            widget.observe(lambda _change: _serialized.pop(model_id, None))
        found = _serialized[model_id] = _remove_buffers({model_id: {
            "model_name": widget._model_name, "model_module": widget._model_module,
            "model_module_version": widget._model_module_version,
            "state": widget.get_state(drop_defaults=False)}})
    return found


def opened(comm: Any, msg: dict[str, Any]) -> None:
    version = str(msg.get("metadata", {}).get("version", ""))
    if version.split(".")[0] != CONTROL_PROTOCOL_VERSION_MAJOR:
        raise ValueError(f"widget control protocol {version!r} is not "
                         f"{CONTROL_PROTOCOL_VERSION_MAJOR}.x")
    comm.on_msg(lambda request: answer(comm, request))


def answer(comm: Any, request: dict[str, Any]) -> None:
    method = request["content"]["data"].get("method")
    if method != "request_states":
        raise RuntimeError(f"unknown widget control message {method!r}")
    states: dict[str, Any] = {}
    buffer_paths: list[Any] = []
    buffers: list[Any] = []
    for widget in list(_instances.values()):
        part, paths, data = _serialize(widget)
        states.update(part)
        buffer_paths += paths
        buffers += data
    comm.send({"method": "update_states", "states": states, "buffer_paths": buffer_paths},
              buffers=buffers)
