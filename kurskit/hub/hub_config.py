"""JupyterHub's configuration for `kurskit start --hub`, as data, applied in one place.

`hub_settings` decides everything (ports, the services with their commands, roles,
groups); `write_config` writes a `jupyterhub_config.py` that hands those settings to
`apply`. The hub then runs kurskit's parts as its managed services:

- `portal`: the learner portal (Voilà with the module pages, „Meine Kurse“, the handbook),
  authenticated with HubOAuth; its OAuth tokens may also call the grading service, for
  the one user they belong to;
- `grading`: the grading service, which identifies every caller by a hub token;
- `formgrader`: nbgrader's formgrader in a Jupyter server on the course root, open only to
  the group `trainer`.

Roles are hub groups (`lernende`, `trainer`, `fuehrung`); accounts come from
NativeAuthenticator (`kurskit users add`), or from a Kommune's directory (README).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kurskit import deployment
from kurskit.layout import Project
from kurskit.start import PortalLimits, service_command, voila_command, voila_env

GROUPS = ("lernende", "trainer", "fuehrung")
PORTAL, GRADING, FORMGRADER, ADMIN = "portal", "grading", "formgrader", "kurskit-admin"
SERVICES = (PORTAL, GRADING, FORMGRADER)  # the parts the hub runs (deploy/kubernetes too)
# what kurskit's processes pass on to the services (JupyterHub's own environment is kept
# small: a service sees only what its `environment` names, plus the hub's variables)
SERVICE_START_TIMEOUT = 300  # seconds a managed service may take to answer at start
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR")


@dataclass(frozen=True)
class HubPorts:
    public: int = 8090  # the proxy: what learners open
    hub: int = 0  # the hub's own API and pages behind the proxy
    proxy_api: int = 0
    portal: int = 0
    grading: int = 0
    formgrader: int = 0


def access(service: str) -> str:
    return f"access:services!service={service}"


def service_prefix(service: str) -> str:
    return f"/services/{service}/"


def hub_settings(project: Project, ports: HubPorts, db_url: str, admin_token: str,
                 env: dict[str, str], limits: PortalLimits | None = None) -> dict[str, Any]:
    """Everything the generated configuration sets (JSON-serialisable)."""
    # and kurskit's own settings (allowed hosts, issuer, rate limit …) as the operator set them
    passed = {name: value for name, value in env.items()
              if name in PASSED_ON or name.startswith("KURSKIT_")}
    grading_url = f"http://127.0.0.1:{ports.grading}"
    public = f"http://127.0.0.1:{ports.public}"
    common = {**passed, deployment.ROOT: str(project.root), deployment.DB_URL: db_url,
              deployment.IDENTITY: "hub", deployment.HUB_URL: public}
    portal_prefix = service_prefix(PORTAL)
    services: list[dict[str, Any]] = [
        {"name": PORTAL, "url": f"http://127.0.0.1:{ports.portal}", "display": True,
         "oauth_no_confirm": True, "cwd": str(project.root),
         "command": [*voila_command(project.portal, ports.portal, limits),
                     f"--Voila.base_url={portal_prefix}", f"--Voila.server_url={portal_prefix}",
                     "--PortalApp.hub=True", f"--PortalApp.handbook_dir={project.site}"],
         "environment": {**common, **voila_env(grading_url)},
         # the portal calls the grading service with the learner's own token: it may act
         # there for that learner, and for no one else
         "oauth_client_allowed_scopes": [access(PORTAL), access(GRADING),
                                         "read:users:groups!user"]},
        {"name": GRADING, "url": grading_url, "oauth_no_confirm": True,
         "cwd": str(project.root), "command": service_command(ports.grading),
         "environment": {**common, deployment.HUB_SERVICE_PREFIX: service_prefix(GRADING)}},
        {"name": FORMGRADER, "url": f"http://127.0.0.1:{ports.formgrader}", "display": True,
         "oauth_no_confirm": True, "cwd": str(project.grading),
         "command": [str(Path(sys.executable).parent / "jupyterhub-singleuser"),
                     "--allow-root", f"--ServerApp.root_dir={project.grading}",
                     "--ServerApp.terminals_enabled=False",
                     "--ServerApp.default_url=/formgrader"],
         "environment": common},
        {"name": ADMIN, "api_token": admin_token},
    ]
    roles = [
        {"name": "user", "description": "every account: the portal and its grading",
         "scopes": ["read:users!user", "users:activity!user", "tokens!user", access(PORTAL),
                    access(GRADING)]},
        {"name": "kurskit-trainer", "description": "trainers: nbgrader's formgrader",
         "groups": ["trainer"], "scopes": [access(FORMGRADER)]},
        {"name": ADMIN, "description": "kurskit's own commands: accounts, tokens",
         "services": [ADMIN], "scopes": ["admin:users", "admin:groups", "tokens"]},
    ]
    for service in services:
        if "command" in service:
            # JupyterHub gives up (and stops) after 30 s by default; a busy server needs more
            service["timeout"] = SERVICE_START_TIMEOUT
    return {"port": ports.public, "hub_port": ports.hub, "proxy_api_port": ports.proxy_api,
            "proxy_command": str(env.get(deployment.PROXY_COMMAND) or project.proxy_command),
            "hub_db_url": f"sqlite:///{project.hub_db}",
            "cookie_secret_file": str(project.hub / "jupyterhub_cookie_secret"),
            "services": services, "roles": roles, "groups": list(GROUPS),
            "default_url": portal_prefix,
            "extra_config": env.get(deployment.HUB_EXTRA_CONFIG, "")}


def write_config(project: Project, settings: dict[str, Any]) -> Path:
    """The hub's configuration file: the settings, handed to `apply`."""
    project.hub.mkdir(parents=True, exist_ok=True)
    text = ("# Written by `kurskit start --hub` at every start: do not edit (see\n"
            "# kurskit/hub/hub_config.py).\n"
            "import json\n\nfrom kurskit.hub.hub_config import apply\n\n"
            f"apply(get_config(), json.loads({json.dumps(json.dumps(settings))}))  # noqa\n")
    project.hub_config.write_text(text, encoding="utf-8")
    project.hub_config.chmod(0o600)  # it holds the admin service's token
    return project.hub_config


class _NoStatsd:
    """NativeAuthenticator 1.3 still times logins with the handler's `statsd`, which
    JupyterHub 6 removed; without this its login page fails with an AttributeError."""

    def timer(self, *args: Any, **kwargs: Any) -> _NoStatsd:
        return self

    def start(self) -> _NoStatsd:
        return self

    def stop(self, *args: Any, **kwargs: Any) -> None:
        return None

    def incr(self, *args: Any, **kwargs: Any) -> None:
        return None


def apply(c: Any, settings: dict[str, Any]) -> None:
    """Set JupyterHub's traitlets from the settings (called by the generated config)."""
    from jupyterhub.handlers.base import BaseHandler

    if not hasattr(BaseHandler, "statsd"):
        BaseHandler.statsd = _NoStatsd()
    c.JupyterHub.ip = "127.0.0.1"
    c.JupyterHub.port = settings["port"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings["hub_port"]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
    c.ConfigurableHTTPProxy.command = [settings["proxy_command"]]
    c.JupyterHub.db_url = settings["hub_db_url"]
    c.JupyterHub.cookie_secret_file = settings["cookie_secret_file"]
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.enable_signup = False  # accounts: `kurskit users add` only
    c.NativeAuthenticator.allowed_failed_logins = 5
    c.NativeAuthenticator.seconds_before_next_try = 60
    c.Authenticator.allow_all = True  # NativeAuthenticator's own approval still gates
    c.JupyterHub.default_url = settings["default_url"]
    c.JupyterHub.services = settings["services"]
    c.JupyterHub.load_roles = settings["roles"]
    c.JupyterHub.load_groups = {group: {"users": []} for group in settings["groups"]}
    c.JupyterHub.cleanup_servers = True
    if settings.get("extra_config"):  # the Kommune's directory instead of built-in accounts
        path = Path(settings["extra_config"])
        exec(compile(path.read_text("utf-8"), str(path), "exec"), {"c": c})
