"""The hub's configuration: kurskit's parts as hub services, roles as groups."""

from __future__ import annotations

import runpy

from traitlets.config import Config

from kurskit.hub import hub_config
from kurskit.hub.hub_config import HubPorts, hub_settings, write_config
from kurskit.layout import Project

PORTS = HubPorts(public=8090, hub=8081, proxy_api=8001, portal=9001, grading=9002,
                 formgrader=9003)


def settings(tmp_path):
    return hub_settings(Project(tmp_path), PORTS, "postgresql+psycopg2://x@/kurskit",
                        "admin-token", {"PATH": "/usr/bin", "SECRET": "nicht weitergeben"})


def test_the_services_identify_users_through_the_hub_and_never_see_other_secrets(tmp_path):
    found = {s["name"]: s for s in settings(tmp_path)["services"]}
    assert set(found) == {*hub_config.SERVICES, hub_config.ADMIN}
    for name in hub_config.SERVICES:
        env = found[name]["environment"]
        assert env["KURSKIT_IDENTITY"] == "hub" and "SECRET" not in env
        assert env["KURSKIT_DB_URL"].startswith("postgresql")
        assert found[name]["timeout"] >= 60
    # the portal's tokens may call grading (for their own user), nothing more
    assert set(found["portal"]["oauth_client_allowed_scopes"]) == {
        "access:services!service=portal", "access:services!service=grading",
        "read:users:groups!user"}


def test_only_trainers_reach_formgrader(tmp_path):
    roles = {r["name"]: r for r in settings(tmp_path)["roles"]}
    granted = [r for r in roles.values() if "access:services!service=formgrader" in r["scopes"]]
    assert [r.get("groups") for r in granted] == [["trainer"]]
    assert "access:services!service=formgrader" not in roles["user"]["scopes"]
    assert "self" not in roles["user"]["scopes"]  # no server of their own to spawn


def test_the_generated_config_applies_the_settings(tmp_path):
    project = Project(tmp_path)
    path = write_config(project, settings(tmp_path))
    assert path.stat().st_mode & 0o077 == 0  # it holds the admin service's token
    config = Config()
    runpy.run_path(str(path), init_globals={"get_config": lambda: config})
    assert config.JupyterHub.port == 8090 and config.JupyterHub.ip == "127.0.0.1"
    assert config.JupyterHub.authenticator_class == "nativeauthenticator.NativeAuthenticator"
    assert config.NativeAuthenticator.enable_signup is False
    assert set(config.JupyterHub.load_groups) == {"lernende", "trainer", "fuehrung"}
    assert config.JupyterHub.default_url == "/services/portal/"


def test_an_operators_own_settings_replace_the_built_in_accounts(tmp_path):
    extra = tmp_path / "hub.py"
    extra.write_text('c.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"\n')
    chosen = hub_settings(Project(tmp_path), PORTS, "postgresql+psycopg2://x@/k", "t",
                          {"KURSKIT_HUB_CONFIG": str(extra)})
    config = Config()
    hub_config.apply(config, chosen)
    assert config.JupyterHub.authenticator_class == "ldapauthenticator.LDAPAuthenticator"
    assert config.JupyterHub.services == chosen["services"]  # kurskit's parts stay
