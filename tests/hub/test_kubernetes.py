"""deploy/kubernetes/ names every service that `kurskit start --hub` starts, with an
external PostgreSQL, a directory authenticator and resource limits."""

from __future__ import annotations

import yaml

from conftest import REPO
from kurskit.hub import hub_config
from kurskit.layout import Project

FOLDER = Project(REPO).kubernetes


def test_the_z2jh_values_name_every_hub_service_with_postgres_and_limits():
    values = yaml.safe_load((FOLDER / "config.yaml").read_text("utf-8"))
    hub = values["hub"]
    assert set(hub["services"]) == set(hub_config.SERVICES)
    assert hub["db"]["url"].startswith("postgresql+psycopg2://")
    assert "authenticator_class" in hub["config"]["JupyterHub"]
    assert hub["config"]["JupyterHub"]["default_url"] == hub_config.service_prefix("portal")
    assert hub["loadRoles"]["kurskit-trainer"]["groups"] == ["trainer"]
    for part in (hub, values["proxy"]["chp"]):
        assert part["resources"]["limits"]["memory"]


def test_every_hub_service_has_a_deployment_with_limits_and_the_same_prefix():
    documents = list(yaml.safe_load_all((FOLDER / "kurskit.yaml").read_text("utf-8")))
    deployments = {d["metadata"]["labels"]["part"]: d for d in documents
                   if d["kind"] == "Deployment"}
    assert set(deployments) == set(hub_config.SERVICES)
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e for e in container["env"]}
        assert env["JUPYTERHUB_SERVICE_NAME"]["value"] == name
        assert env["JUPYTERHUB_SERVICE_PREFIX"]["value"] == hub_config.service_prefix(name)
        assert "secretKeyRef" in env["JUPYTERHUB_API_TOKEN"]["valueFrom"]
        assert container["resources"]["limits"]["memory"]
