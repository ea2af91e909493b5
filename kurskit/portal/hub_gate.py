"""Hub mode of the portal: every address only for a hub user, verified by the hub.

With `--PortalApp.hub=True` (`kurskit start --hub`) the portal is a JupyterHub service.
Every handler of the portal — module pages and their calls, „Meine Kurse“, the handbook,
Voilà's own — is wrapped so that, before anything else, it asks JupyterHub's `HubOAuth`
who the caller is (the OAuth cookie of this service, or a hub token): nobody known → a GET
goes to the hub's login (OAuth with PKCE), anything else is refused (403). A header or a
body naming a learner counts for nothing. The module pages call the grading service
with the caller's own OAuth token, which the hub lets act there for that user only.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.httputil import url_concat
from tornado.web import HTTPError, RequestHandler
from tornado.websocket import WebSocketHandler

from kurskit import deployment

# roles are hub groups (see kurskit.hub.hub_config)
TRAINER, MANAGER = "trainer", "fuehrung"
# the hub user whose page is starting a kernel (set around Voilà's page handler)
OPENER: ContextVar[str | None] = ContextVar("kurskit_kernel_opener", default=None)


@dataclass(frozen=True)
class HubUser:
    name: str
    groups: frozenset[str]
    token: str  # the caller's own token: what the portal sends to the grading service

    @property
    def trainer(self) -> bool:
        return TRAINER in self.groups

    @property
    def manager(self) -> bool:
        return MANAGER in self.groups


class HubGate:
    """Who the caller is, as the hub says (one per portal process)."""

    def __init__(self, auth: Any = None) -> None:
        if auth is None:
            from jupyterhub.services.auth import HubOAuth

            auth = HubOAuth.instance()  # the same instance the OAuth callback uses
        self.auth = auth
        # the portal's own service token stays with the portal: Voilà's kernels inherit
        # this process's environment and must not act as the portal (read it first: the
        # traitlet's default comes from the environment when first asked)
        if not auth.api_token:
            raise RuntimeError("hub mode without JUPYTERHUB_API_TOKEN: run it as a hub service")
        os.environ.pop(deployment.HUB_TOKEN, None)

    def user(self, handler: RequestHandler) -> HubUser | None:
        token = self.auth.get_token(handler)
        if not token:
            return None
        model = self.auth.user_for_token(token, session_id=self.auth.get_session_id(handler))
        if (not model or model.get("kind") != "user"
                or not self.auth.check_scopes(self.auth.access_scopes, model)):
            return None
        return HubUser(str(model["name"]), frozenset(model.get("groups") or ()), token)

    def login_url(self, handler: RequestHandler) -> str:
        """The hub's OAuth address (PKCE), back to the page asked for after login."""
        verifier, challenge, method = self.auth.generate_pkce_code_challenge()
        state = self.auth.set_state_cookie(handler, next_url=handler.request.uri,
                                           code_verifier=verifier)
        return url_concat(self.auth.login_url, {"code_challenge": challenge,
                                                "code_challenge_method": method,
                                                "state": state})


def guarded(handler: type[RequestHandler]) -> type[RequestHandler]:
    """The handler, answering only a caller the hub knows (see the module docstring)."""

    class Guarded(handler):  # type: ignore[valid-type, misc]
        kurskit_user: HubUser

        async def prepare(self) -> None:
            gate: HubGate = self.settings["kurskit_hub"]
            try:
                user = gate.user(self)
            except Exception:  # the hub could not be asked: no one is known
                raise HTTPError(503, reason="Hub unavailable") from None
            if user is None:
                if self.request.method in ("GET", "HEAD") and not isinstance(
                        self, WebSocketHandler):
                    self.redirect(gate.login_url(self))
                    return
                raise HTTPError(403, reason="Not logged in")
            self.kurskit_user = user
            kernel = self.path_kwargs.get("kernel_id")
            if kernel is not None and not owns(self, kernel, user):
                # a widget kernel holds its learner's token: only that learner reaches it
                raise HTTPError(403, reason="Not your kernel")
            result = super().prepare()
            if result is not None:
                await result

    Guarded.__name__ = Guarded.__qualname__ = f"Hub{handler.__name__}"
    return Guarded


class OwnedKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager in hub mode, remembering whose page started each kernel
    (Voilà's `multi_kernel_manager_class`): its websocket, queries and deletion are for
    that learner only."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owners: dict[str, str] = {}

    async def start_kernel(  # type: ignore[override]  # the async manager's own
            self, *args: Any, **kwargs: Any) -> str:
        kernel_id = await super().start_kernel(*args, **kwargs)
        opener = OPENER.get()
        if opener is not None:
            self.owners[kernel_id] = opener
        return str(kernel_id)

    def remove_kernel(self, kernel_id: str) -> Any:
        self.owners.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)


def owns(handler: RequestHandler, kernel_id: str, user: HubUser) -> bool:
    manager = handler.settings.get("kernel_manager")
    return getattr(manager, "owners", {}).get(kernel_id) == user.name


def hub_user(handler: RequestHandler) -> HubUser | None:
    """The verified caller of a guarded handler (None outside hub mode)."""
    return getattr(handler, "kurskit_user", None)


def callback_handler() -> type[RequestHandler]:
    from jupyterhub.services.auth import HubOAuthCallbackHandler

    return HubOAuthCallbackHandler


def kernel_token(handler: RequestHandler, notebook: Any, cwd: str) -> Any:
    """Voilà's prelaunch hook in hub mode: the kernel of a module's widget view acts for the
    learner who opened the page, with that learner's own token (which may reach the
    grading service for them and for no one else); its first cell, not shown
    (`strip_sources`), puts it where `client.py` looks for it."""
    import nbformat

    user = hub_user(handler)
    if user is None:
        raise HTTPError(403, reason="Not logged in")
    cell = nbformat.v4.new_code_cell(
        f"import os as _os\n_os.environ[{deployment.HUB_TOKEN!r}] = {user.token!r}\ndel _os")
    notebook.cells.insert(0, cell)
    return notebook
