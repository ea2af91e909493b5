"""The answer to the page's `request_states`, serialized once.

When a Voilà page connects, its widget manager opens the `jupyter.widget.control` comm
and asks for every widget's state (`request_states`, ipywidgets' control protocol 1.0).
ipywidgets 8.1 answers by serializing every widget twice: it computes
`Widget.get_manager_state()` and discards the result before building the answer. On the
phishing module the discarded pass was over a third of the kernel's CPU for a page that
connects (11 of 29 ms). This handler answers the same message with the same `update_states`,
serializing each widget once; `start_module` registers it in place of ipywidgets' own.
"""

from __future__ import annotations

from typing import Any

from ipywidgets.widgets.widget import (
    CONTROL_PROTOCOL_VERSION_MAJOR,
    _instances,  # ipywidgets' registry of open widgets (what its own handler reads)
    _remove_buffers,
)

TARGET = "jupyter.widget.control"


def register() -> None:
    """Answer the control comm of this kernel (a no-op outside a kernel)."""
    from ipywidgets.comm import get_comm_manager

    manager = get_comm_manager()
    if manager is not None:
        manager.register_target(TARGET, opened)


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
    states = {widget.model_id: {"model_name": widget._model_name,
                                "model_module": widget._model_module,
                                "model_module_version": widget._model_module_version,
                                "state": widget.get_state(drop_defaults=False)}
              for widget in list(_instances.values())}
    states, buffer_paths, buffers = _remove_buffers(states)
    comm.send({"method": "update_states", "states": states, "buffer_paths": buffer_paths},
              buffers=buffers)
