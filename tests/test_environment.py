"""environment.yml (conda) and pyproject.toml (pip) must pin the same packages."""

import re
import tomllib

import yaml

from conftest import REPO


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    pins = {}
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, version = spec.split("==")
        pins[normalize(name)] = version
    return pins


def conda_pins() -> dict[str, str]:
    environment = yaml.safe_load((REPO / "environment.yml").read_text("utf-8"))
    pins = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, str) and "=" in entry:
            name, version = entry.split("=", 1)
            pins[normalize(name)] = version.lstrip("=")
    return pins


def test_every_pyproject_pin_is_pinned_alike_in_environment_yml():
    conda = conda_pins()
    python = conda.pop("python")
    assert python == "3.11"
    assert pyproject_pins() == conda


def test_direct_dependencies_are_exact_pins():
    for spec in tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"][
            "dependencies"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", spec), spec


def test_constraints_pin_the_direct_dependencies_the_same_way():
    lines = (REPO / "constraints.txt").read_text("utf-8").splitlines()
    locked = {normalize(n): v for n, v in (line.split("==") for line in lines if "==" in line)}
    for name, version in pyproject_pins().items():
        assert locked.get(name) == version, name
