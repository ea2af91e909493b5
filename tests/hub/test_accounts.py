"""`kurskit users add`: real hub accounts (JupyterHub's and NativeAuthenticator's tables)."""

from __future__ import annotations

import subprocess
import sys

import bcrypt
import pytest
from jupyterhub import orm
from nativeauthenticator.orm import UserInfo

from kurskit.hub import accounts
from kurskit.layout import Project


def hub_db(project: Project):
    return orm.new_session_factory(f"sqlite:///{project.hub_db}")()


def test_an_account_is_a_hub_user_in_its_role_group_with_a_hashed_password(tmp_path):
    project = Project(tmp_path)
    assert accounts.add_user(project, "anna", "lernende", "anna-geheim-1").created
    changed = accounts.add_user(project, "anna", "trainer", "anna-neu-geheim")
    assert not changed.created
    db = hub_db(project)
    user = orm.User.find(db, "anna")
    assert [g.name for g in user.groups] == ["trainer"]  # one role at a time
    info = UserInfo.find(db, "anna")
    assert info.is_authorized and info.password != b"anna-neu-geheim"
    assert bcrypt.checkpw(b"anna-neu-geheim", info.password)
    assert accounts.roles(project) == {"anna": "trainer"}


@pytest.mark.parametrize(("name", "role", "password"), [
    ("Anna Admin", "lernende", "lang-genug-1"), ("../root", "lernende", "lang-genug-1"),
    ("anna", "admin", "lang-genug-1"), ("anna", "lernende", "kurz")])
def test_a_refused_account_writes_nothing(tmp_path, name, role, password):
    project = Project(tmp_path)
    with pytest.raises(accounts.AccountError):
        accounts.add_user(project, name, role, password)
    assert accounts.roles(project) == {}


def test_the_command_reads_the_password_from_standard_input(tmp_path):
    (tmp_path / "courses").mkdir()
    command = [sys.executable, "-m", "kurskit.cli", "--root", str(tmp_path), "users", "add",
               "tina", "--role", "trainer"]
    done = subprocess.run(command, input="tina-geheim-3\n", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "created: tina (trainer)" in done.stdout
    info = UserInfo.find(hub_db(Project(tmp_path)), "tina")
    assert bcrypt.checkpw(b"tina-geheim-3", info.password)
    refused = subprocess.run([*command[:-1], "chef"], input="x" * 12 + "\n",
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "invalid choice" in refused.stderr
