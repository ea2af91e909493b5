"""Hub mode of the portal, the parts testable without a hub (the hub itself: tests/hub/)."""

from __future__ import annotations

import nbformat
import pytest
from tornado.web import HTTPError

from kurskit.portal.hub_gate import HubUser, kernel_token


class Page:
    """A guarded handler as Voilà passes it to its prelaunch hook."""

    def __init__(self, user: HubUser | None) -> None:
        if user is not None:
            self.kurskit_user = user


def test_the_widget_kernel_gets_the_token_of_the_learner_who_opened_the_page():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("frage = 1")])
    anna = HubUser("anna", frozenset({"lernende"}), "token-von-anna")
    prepared = kernel_token(Page(anna), notebook, "/tmp")
    namespace: dict = {}
    import os

    before = os.environ.get("JUPYTERHUB_API_TOKEN")
    try:
        exec(prepared.cells[0].source, namespace)
        assert os.environ["JUPYTERHUB_API_TOKEN"] == "token-von-anna"
    finally:
        os.environ.pop("JUPYTERHUB_API_TOKEN", None)
        if before is not None:
            os.environ["JUPYTERHUB_API_TOKEN"] = before
    assert prepared.cells[1].source == "frage = 1"  # the module's own cells follow


def test_no_kernel_for_a_page_without_a_hub_user():
    with pytest.raises(HTTPError) as refused:
        kernel_token(Page(None), nbformat.v4.new_notebook(), "/tmp")
    assert refused.value.status_code == 403
