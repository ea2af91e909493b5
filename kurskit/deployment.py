"""What the deployment decides, read from the environment: the names in one place.

`kurskit start` sets these for the parts it starts; a hub or a reverse proxy sets them for
its own. The learner's identity is among them: it comes from the deployment, never from
a learner's request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ROOT = "KURSKIT_ROOT"  # the project root (see kurskit.layout)
SERVICE_URL = "KURSKIT_SERVICE_URL"  # where the portal and the kernels reach the service
DEFAULT_SERVICE_URL = "http://127.0.0.1:8870"
IDENTITY = "KURSKIT_IDENTITY"  # local (one server, one learner), header (a trusted proxy), hub
LEARNER = "KURSKIT_LEARNER"  # the learner of a local server
DEFAULT_LEARNER = "lernende"
IDENTITY_HEADER = "KURSKIT_IDENTITY_HEADER"  # the header a trusted proxy sets
DEFAULT_LEARNER_HEADER = "X-Kurskit-Learner"
GRADE_WAIT = "KURSKIT_GRADE_WAIT"  # seconds a submission waits for its grade before 202
GRADING_PROCESS = "KURSKIT_GRADING_PROCESS"  # "0": grade in a thread of the service
HUB_TOKEN = "JUPYTERHUB_API_TOKEN"  # set by JupyterHub in a hub deployment
SUBMIT_RATE = "KURSKIT_SUBMIT_RATE"  # submissions one learner may make per minute (0: any)
DEFAULT_SUBMIT_RATE = 30
ALLOWED_HOSTS = "KURSKIT_ALLOWED_HOSTS"  # host names portal and service answer to (a, b)
DEFAULT_ALLOWED_HOSTS = ("127.0.0.1", "localhost", "::1")
ACTOR = "KURSKIT_ACTOR"  # the staff account a trainer's command records in the audit log
DB_URL = "KURSKIT_DB_URL"  # the gradebook's database (PostgreSQL in hub mode); else SQLite
# set by JupyterHub for each of its services (jupyterhub.services.auth reads them itself)
HUB_API_URL = "JUPYTERHUB_API_URL"
HUB_SERVICE_NAME = "JUPYTERHUB_SERVICE_NAME"
HUB_SERVICE_PREFIX = "JUPYTERHUB_SERVICE_PREFIX"
HUB_URL = "KURSKIT_HUB_URL"  # the hub's public address, for links (e.g. to formgrader)
HUB_ADMIN_TOKEN = "KURSKIT_HUB_ADMIN_TOKEN"  # automation's hub token (else one per start)
HUB_EXTRA_CONFIG = "KURSKIT_HUB_CONFIG"  # an operator's own hub settings (e.g. LDAP, OIDC)
PROXY_COMMAND = "KURSKIT_PROXY_COMMAND"  # configurable-http-proxy, if not the project's own
ISSUER = "KURSKIT_ISSUER"  # the Kommune that issues certificates
DEFAULT_ISSUER = "Stadt Musterstadt"
SIGNATORY = "KURSKIT_SIGNATORY"  # who signs them (name and function)
DEFAULT_SIGNATORY = "Personalamt, Fortbildung"
PUBLIC_URL = "KURSKIT_PUBLIC_URL"  # the portal's public address (certificate verification)
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8866"
TRAINER_TOKEN = "KURSKIT_TRAINER_TOKEN"  # bearer token of trainers' API calls (revocation)
TRAINER_GROUP = "trainer"  # the hub group of trainers (hub mode: revocation by hub token)


def service_url(env: Mapping[str, str] = os.environ) -> str:
    return env.get(SERVICE_URL, DEFAULT_SERVICE_URL).rstrip("/")


def learner_header(env: Mapping[str, str] = os.environ) -> str:
    return env.get(IDENTITY_HEADER, DEFAULT_LEARNER_HEADER)


def db_url(env: Mapping[str, str] = os.environ) -> str | None:
    """The gradebook database the deployment names (`KURSKIT_DB_URL`), or None (SQLite)."""
    return env.get(DB_URL) or None


def hub_mode(env: Mapping[str, str] = os.environ) -> bool:
    return env.get(IDENTITY) == "hub"


def public_url(env: Mapping[str, str] = os.environ) -> str:
    return env.get(PUBLIC_URL, DEFAULT_PUBLIC_URL).rstrip("/")


def verify_url(code: str, env: Mapping[str, str] = os.environ) -> str:
    """The public verification page of a certificate (served by the portal)."""
    return f"{public_url(env)}/zertifikat/{code}"


def allowed_hosts(env: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """The host names (without port) the portal and the service accept in `Host`: a page of
    another site whose name resolves to this machine (DNS rebinding) is refused."""
    configured = env.get(ALLOWED_HOSTS, "")
    names = tuple(n.strip().lower() for n in configured.split(",") if n.strip())
    return names or DEFAULT_ALLOWED_HOSTS


def host_name(host: str) -> str:
    """The name of a `Host` header value, without port and IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def identity_mode(env: Mapping[str, str] = os.environ) -> str:
    """local, header (a trusted proxy names the learner) or another provider's name."""
    return env.get(IDENTITY, "local")
