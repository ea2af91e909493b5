"""The page's request for every widget's state: answered in full, each widget serialized
once (ipywidgets' own handler serializes each twice), and ahead of the request when the
kernel had the time (a preheated kernel): then only what changed since."""

import collections

import comm
import ipywidgets as widgets
import pytest

from kurskit.portal.widgets import control
from kurskit.portal.widgets.page import start_module


class FakeComm:
    """Stands in for the kernel's comm: records what the handler sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict, list]] = []
        self.handler = None

    def on_msg(self, handler) -> None:
        self.handler = handler

    def send(self, data, buffers=None) -> None:
        self.sent.append((data, buffers))


def test_every_widgets_state_arrives_and_each_is_serialized_once(monkeypatch):
    made = [widgets.HTML(value=f"<p>Text {n}</p>") for n in range(3)]
    made[0].value = "<p>geändert</p>"
    serialized: collections.Counter[str] = collections.Counter()
    get_state = widgets.Widget.get_state

    def counted(self, key=None, drop_defaults=False):
        serialized[self.model_id] += 1
        return get_state(self, key=key, drop_defaults=drop_defaults)

    monkeypatch.setattr(widgets.Widget, "get_state", counted)
    page = FakeComm()
    control.opened(page, {"metadata": {"version": "1.0.0"}})
    page.handler({"content": {"data": {"method": "request_states"}}})
    [(data, buffers)] = page.sent
    assert data["method"] == "update_states" and buffers == []
    for widget in made:
        state = data["states"][widget.model_id]
        assert state["model_name"] == "HTMLModel" and state["state"]["value"] == widget.value
        assert serialized[widget.model_id] == 1


def counting_serializations(monkeypatch) -> collections.Counter[str]:
    """Whole-widget serializations (a change's own sync message sends only that trait)."""
    serialized: collections.Counter[str] = collections.Counter()
    get_state = widgets.Widget.get_state

    def counted(self, key=None, drop_defaults=False):
        serialized[self.model_id] += key is None
        return get_state(self, key=key, drop_defaults=drop_defaults)

    monkeypatch.setattr(widgets.Widget, "get_state", counted)
    return serialized


def test_a_prepared_page_serializes_only_the_widgets_changed_since(monkeypatch):
    made = [widgets.HTML(value=f"<p>Text {n}</p>") for n in range(3)]
    control.prepare()  # what the kernel does after each cell of the page
    serialized = counting_serializations(monkeypatch)
    made[1].value = "<p>Ihr Entwurf</p>"  # the hand-out restores the learner's draft
    closed = made[2].model_id
    made[2].close()
    page = FakeComm()
    control.opened(page, {"metadata": {"version": "1.0.0"}})
    page.handler({"content": {"data": {"method": "request_states"}}})
    [(data, _buffers)] = page.sent
    assert dict(serialized) == {made[1].model_id: 1}
    assert data["states"][made[0].model_id]["state"]["value"] == "<p>Text 0</p>"
    assert data["states"][made[1].model_id]["state"]["value"] == "<p>Ihr Entwurf</p>"
    assert closed not in data["states"]  # closed: not on the page any more


def test_a_module_page_serializes_its_widgets_after_every_cell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_cell("from kurskit.portal.widgets.page import start_module\n"
                       "start_module('beispiel-01-kurz')")
        shell.run_cell("import ipywidgets\nfeld = ipywidgets.Text(value='x')")
        feld = shell.user_ns["feld"]
        assert feld.model_id in control._serialized
        feld.value = "y"
        assert feld.model_id not in control._serialized  # serialized again when asked
    finally:
        InteractiveShell.clear_instance()


def test_other_protocol_versions_and_methods_are_refused():
    with pytest.raises(ValueError, match="protocol"):
        control.opened(FakeComm(), {"metadata": {"version": "2.0.0"}})
    page = FakeComm()
    control.opened(page, {"metadata": {"version": "1.0.0"}})
    with pytest.raises(RuntimeError, match="unknown"):
        page.handler({"content": {"data": {"method": "delete_everything"}}})
    assert page.sent == []


def test_a_module_page_answers_the_control_comm_itself():
    start_module("beispiel-01-kurz")
    assert comm.get_comm_manager().targets[control.TARGET] is control.opened
