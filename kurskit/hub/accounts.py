"""Accounts of the built-in authenticator: `kurskit users add NAME --role …`.

An account is JupyterHub's own: a hub user, a member of exactly one of the role groups
(`lernende`, `trainer`, `fuehrung`), and NativeAuthenticator's record of the password
(a bcrypt hash, approved). All of it lives in the hub's database (`build/hub/`), written
through JupyterHub's and NativeAuthenticator's own ORM, so the command works whether the
hub runs or not: a running hub finds a new account at its first login. (A changed role of
an account that is logged in right now counts from the hub's next start.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kurskit.hub.hub_config import GROUPS
from kurskit.layout import Project, valid_learner_id

MIN_PASSWORD = 8


class AccountError(ValueError):
    """A refused account (the message says why, in English and German)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    created: bool  # False: an existing account got a new password and role


def _session(project: Project) -> Any:
    import nativeauthenticator.orm  # noqa: F401  (registers users_info with the hub's tables)
    from jupyterhub import orm

    project.hub.mkdir(parents=True, exist_ok=True)
    return orm.new_session_factory(f"sqlite:///{project.hub_db}")()


def check(name: str, role: str, password: str) -> None:
    if not valid_learner_id(name):
        raise AccountError(f"invalid account name {name!r}: lower-case letters, digits, "
                           "'.', '_', '-' (Ungültiger Name: Kleinbuchstaben, Ziffern, . _ -)")
    if role not in GROUPS:
        raise AccountError(f"unknown role {role!r}; known: {', '.join(GROUPS)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters "
                           f"(Das Passwort braucht mindestens {MIN_PASSWORD} Zeichen)")


def add_user(project: Project, name: str, role: str, password: str) -> Account:
    """Create the account (or set its password and role) in the hub's database."""
    import bcrypt
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    check(name, role, password)
    db = _session(project)
    try:
        user = orm.User.find(db, name)
        created = user is None
        if user is None:
            user = orm.User(name=name)
            db.add(user)
        groups = {g: orm.Group.find(db, g) or orm.Group(name=g) for g in GROUPS}
        user.groups = [g for g in user.groups if g.name not in GROUPS] + [groups[role]]
        info = UserInfo.find(db, name)
        hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt())
        if info is None:
            db.add(UserInfo(username=name, password=hashed, is_authorized=True))
        else:
            info.password, info.is_authorized = hashed, True
        db.commit()
    finally:
        db.close()
        db.get_bind().dispose()
    return Account(name, role, created)


def roles(project: Project) -> dict[str, str]:
    """Every account with its role group (for `kurskit users list`)."""
    from jupyterhub import orm

    if not project.hub_db.is_file():
        return {}
    db = _session(project)
    try:
        return {user.name: next((g.name for g in user.groups if g.name in GROUPS), "")
                for user in db.query(orm.User).order_by(orm.User.name)}
    finally:
        db.close()
        db.get_bind().dispose()
