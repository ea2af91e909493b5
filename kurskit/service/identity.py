"""Who is submitting: decided by the deployment, never by the request body.

Local mode (one learner per server: a trainer's demo or a single workstation) takes the
learner from the server's configuration. Header mode (`KURSKIT_IDENTITY=header`) serves
many learners behind a reverse proxy or JupyterHub that authenticates them and passes the
learner id in a trusted header (default `X-Kurskit-Learner`, `KURSKIT_IDENTITY_HEADER`).
The proxy must set that header itself and strip any copy a client sends; the service must
only be reachable through it. Hub mode (`KURSKIT_IDENTITY=hub`, `kurskit start --hub`):
the service is a JupyterHub service and every caller is the hub user whose token it sends
(`Authorization: token …`), verified through the hub API; a token must carry the scope to
access this service, and tokens of services (not users) are refused. Headers and bodies
naming a learner are ignored.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Mapping
from typing import Any, Protocol

from fastapi import Request

from kurskit import deployment
from kurskit.layout import valid_learner_id


class IdentityError(Exception):
    """The request carries no acceptable identity (answered with HTTP 401)."""


class IdentityProvider(Protocol):
    name: str

    def learner_for(self, request: Request) -> str | Awaitable[str]: ...


class LocalIdentity:
    """Every request is the one learner this server was configured for."""

    name = "local"

    def __init__(self, learner: str) -> None:
        if not valid_learner_id(learner):
            raise ValueError(
                f"invalid learner id {learner!r}: use lower-case letters, digits, '.', '_', '-'")
        self.learner = learner

    def learner_for(self, request: Request) -> str:
        return self.learner


class HeaderIdentity:
    """The learner named by a header that a trusted proxy sets (and strips from clients)."""

    name = "header"

    def __init__(self, header: str = deployment.DEFAULT_LEARNER_HEADER) -> None:
        self.header = header

    def learner_for(self, request: Request) -> str:
        values = request.headers.getlist(self.header)
        if len(values) != 1:
            raise IdentityError(f"expected exactly one {self.header} header from the proxy")
        learner = values[0].strip()
        if not valid_learner_id(learner):
            raise IdentityError(f"invalid learner id in {self.header}")
        return learner


class HubIdentity:
    """The hub user behind the token of the request (JupyterHub's HubAuth, cached)."""

    name = "hub"

    def __init__(self, auth: Any = None) -> None:
        if auth is None:
            from jupyterhub.services.auth import HubAuth

            auth = HubAuth()  # configured by the hub's variables for this service
        self.auth = auth

    async def learner_for(self, request: Request) -> str:
        match = self.auth.auth_header_pat.match(request.headers.get("Authorization", ""))
        if match is None:
            raise IdentityError("a hub token is required (Authorization: token …)")
        try:
            model = await self.auth.user_for_token(match.group(1), sync=False)
        except Exception as error:  # the hub refused or could not be asked
            raise IdentityError(f"the hub did not confirm the token ({error})") from None
        if not model or model.get("kind") != "user":
            raise IdentityError("the token belongs to no hub user")
        if not self.auth.check_scopes(self.auth.access_scopes, model):
            raise IdentityError("the token may not access this service")
        learner = str(model.get("name", ""))
        if not valid_learner_id(learner):
            raise IdentityError("the hub user's name is no valid learner id")
        # the caller's hub groups (present when the token may read them): roles such as
        # `trainer` come from the hub, like the identity
        request.state.hub_groups = frozenset(model.get("groups") or ())
        return learner


def identity_from_env(environ: Mapping[str, str] | None = None) -> IdentityProvider:
    env = os.environ if environ is None else environ
    mode = env.get(deployment.IDENTITY, "local")
    if mode == "local":
        return LocalIdentity(env.get(deployment.LEARNER, deployment.DEFAULT_LEARNER))
    if mode == "header":
        return HeaderIdentity(deployment.learner_header(env))
    if mode == "hub":
        return HubIdentity()
    raise ValueError(
        f"unknown identity mode {mode!r} (KURSKIT_IDENTITY); known: local, header, hub")
