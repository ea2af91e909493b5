"""Who is submitting: from the deployment (configuration or a trusted proxy), never the body."""

import pytest
from starlette.requests import Request

from kurskit.service.identity import (
    HeaderIdentity,
    IdentityError,
    LocalIdentity,
    identity_from_env,
)


def request_with(headers: list[tuple[str, str]]) -> Request:
    raw = [(name.lower().encode(), value.encode()) for name, value in headers]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": raw})


def test_local_identity_is_the_configured_learner_whatever_the_request_says():
    local = LocalIdentity("anna")
    assert local.learner_for(request_with([("X-Kurskit-Learner", "bernd")])) == "anna"
    with pytest.raises(ValueError, match="invalid learner id"):
        LocalIdentity("../anna")


@pytest.mark.parametrize("headers, learner", [
    ([("X-Kurskit-Learner", "bernd")], "bernd"),
    ([("X-Kurskit-Learner", " bernd ")], "bernd"),
])
def test_header_identity_takes_the_proxys_learner(headers, learner):
    assert HeaderIdentity().learner_for(request_with(headers)) == learner


@pytest.mark.parametrize("headers", [
    [],  # the proxy set nothing
    [("X-Kurskit-Learner", "anna"), ("X-Kurskit-Learner", "bernd")],  # a client's copy kept
    [("X-Kurskit-Learner", "../anna")],
    [("X-Kurskit-Learner", "Anna Admin")],
    [("X-Remote-User", "anna")],  # another header than the one configured
])
def test_header_identity_refuses_what_a_proxy_would_not_send(headers):
    with pytest.raises(IdentityError):
        HeaderIdentity().learner_for(request_with(headers))


def test_identity_mode_comes_from_the_environment():
    assert identity_from_env({}).name == "local"
    header = identity_from_env({"KURSKIT_IDENTITY": "header",
                                "KURSKIT_IDENTITY_HEADER": "X-Remote-User"})
    assert isinstance(header, HeaderIdentity) and header.header == "X-Remote-User"
    with pytest.raises(ValueError, match="known: local, header"):
        identity_from_env({"KURSKIT_IDENTITY": "body"})


class HubAuthStandIn:
    """A stand-in for JupyterHub's HubAuth (the hub itself: tests/hub/)."""

    def __init__(self, models: dict[str, dict]) -> None:
        from jupyterhub.services.auth import HubAuth

        self.auth_header_pat = HubAuth.auth_header_pat
        self.access_scopes = {"access:services!service=grading"}
        self.models = models

    async def user_for_token(self, token: str, sync: bool = True) -> dict | None:
        return self.models.get(token)

    def check_scopes(self, required: set[str], model: dict) -> set[str]:
        return required & set(model.get("scopes", []))


GRADING = ["access:services!service=grading"]


def run(coroutine):
    """In a thread of its own: Playwright's sync API may hold this thread's event loop."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.mark.parametrize("headers, learner", [
    ([("Authorization", "token t-anna")], "anna"),
    ([("Authorization", "Bearer t-anna"), ("X-Kurskit-Learner", "bernd")], "anna"),
])
def test_hub_identity_is_the_hub_user_behind_the_token(headers, learner):
    from kurskit.service.identity import HubIdentity

    hub = HubIdentity(HubAuthStandIn({"t-anna": {"kind": "user", "name": "anna",
                                                 "scopes": GRADING}}))
    assert run(hub.learner_for(request_with(headers))) == learner


@pytest.mark.parametrize("headers", [
    [],
    [("X-Kurskit-Learner", "anna")],
    [("Authorization", "token unbekannt")],
    [("Authorization", "token t-portal")],  # a service, not a user
    [("Authorization", "token t-ohne")],  # a user's token without the grading scope
    [("Authorization", "token t-admin")],  # a hub user whose name is no learner id
])
def test_hub_identity_refuses_anything_else(headers):
    from kurskit.service.identity import HubIdentity

    hub = HubIdentity(HubAuthStandIn({
        "t-portal": {"kind": "service", "name": "portal", "scopes": GRADING},
        "t-ohne": {"kind": "user", "name": "anna", "scopes": ["read:users:name!user"]},
        "t-admin": {"kind": "user", "name": "Admin Anna", "scopes": GRADING}}))
    with pytest.raises(IdentityError):
        run(hub.learner_for(request_with(headers)))
