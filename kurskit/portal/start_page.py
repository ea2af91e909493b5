"""The learner's start page in hub mode („Meine Kurse“) and the handbook behind the login.

„Meine Kurse“ lists every course and module with its state (offen, begonnen, bestanden),
the score that counts, the attempts used and the last activity, as the grading service
reads them from the gradebook for the caller (`GET /api/v1/me/courses`). Trainers also
find the link to formgrader, managers the handbook's progress pages. The handbook is
served from its build folder; its progress pages („Fortschritt“) only to the groups
`fuehrung` and `trainer`.
"""

from __future__ import annotations

import html
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from tornado.web import HTTPError, StaticFileHandler

from kurskit import layout
from kurskit.authoring.catalog import load_catalog
from kurskit.portal import client, hub_gate, voila_bundle
from kurskit.portal.client import ServiceError
from kurskit.portal.pages import ModulePageBase, view_of

MY_COURSES = "meine-kurse"  # the page's address in every mode (hub mode: also the root)
PROGRESS_PAGES = "fortschritt"  # the handbook's aggregates: managers and trainers
STATES = {"offen": "○ offen", "begonnen": "◐ begonnen", "bestanden": "✔ bestanden"}
STYLE = """body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
main,header{max-width:60rem;margin:0 auto;padding:1rem}a{color:#0b4f8a}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}caption{text-align:left;
font-weight:bold;padding:.5rem 0}th,td{border:1px solid #767676;padding:.4rem;text-align:left}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff}
a:focus,button:focus{outline:3px solid #0b4f8a;outline-offset:2px}
nav ul{list-style:none;padding:0;display:flex;gap:1.5rem;flex-wrap:wrap}"""


@cache
def portal_paths() -> dict[str, str]:
    """Module id → its path below the portal folder (from the project's catalogue)."""
    catalog = load_catalog(layout.Project.from_env().courses)
    return {m.id: layout.portal_path(c, m) for c in catalog.courses for m in c.modules}


def when(value: str | None) -> str:
    if not value:
        return "–"
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo("Europe/Berlin"))
    return moment.strftime("%d.%m.%Y, %H:%M Uhr")


def points(value: float | None) -> str:
    return "–" if value is None else f"{value:g}".replace(".", ",")


def render(user: hub_gate.HubUser | None, courses: list[dict[str, Any]] | None,
           base: str, head: str = "") -> str:
    """The page; `user` None: a local or proxied portal (no hub: no login, no handbook here);
    `head`: more for the page's head (the Voilà bundle's prefetch links)."""
    if user is None:
        links = [f'<li><a href="{base}">Kursübersicht</a></li>']
    else:
        links = [f'<li><a href="{base}handbuch/">Handbuch</a></li>']
    if user is not None and (user.manager or user.trainer):
        links.append(f'<li><a href="{base}handbuch/{PROGRESS_PAGES}/">Fortschritt '
                     "(Auswertungen)</a></li>")
    if user is not None and user.trainer:
        links.append('<li><a href="/services/formgrader/formgrader">Formgrader</a></li>')
    if user is not None:
        links.append('<li><a href="/hub/logout">Abmelden</a></li>')
    signed_in = ("" if user is None else
                 f"<p>Angemeldet als <strong>{html.escape(user.name)}</strong></p>")
    body = ('<p role="alert">Ihre Kurse können gerade nicht angezeigt werden. Bitte versuchen '
            "Sie es gleich noch einmal.</p>" if courses is None else
            "".join(_course(course, base) for course in courses))
    return (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Meine Kurse – Lernportal</title><style>{STYLE}</style>{head}</head><body>"
            '<a class="skip" href="#inhalt">Zum Inhalt springen</a>'
            f'<header>{signed_in}'
            f'<nav aria-label="Bereiche"><ul>{"".join(links)}</ul></nav></header>'
            f'<main id="inhalt"><h1>Meine Kurse</h1>{body}</main></body></html>')


def _course(course: dict[str, Any], base: str) -> str:
    rows = []
    paths = portal_paths()
    for module in course["modules"]:
        title = html.escape(module["title"])
        path = paths.get(module["id"])
        link = (f'<a href="{base}{layout.MODULE_PAGES}/{quote(path)}">{title}</a>'
                if path else title)
        rows.append(
            f"<tr><th scope=\"row\">{link}</th><td>{STATES.get(module['state'], '')}</td>"
            f"<td>{points(module['score'])} von {points(module['max_score'])}</td>"
            f"<td>{module['attempts']}</td><td>{when(module['last_activity'])}</td></tr>")
    return (f"<h2>{html.escape(course['title'])}</h2><table><caption>Module des Kurses "
            f"{html.escape(course['title'])} (bestanden ab {course['pass_percent']} %)"
            "</caption><thead><tr><th scope=\"col\">Modul</th><th scope=\"col\">Stand</th>"
            "<th scope=\"col\">Punkte, die zählen</th><th scope=\"col\">Versuche</th>"
            "<th scope=\"col\">Letzte Aktivität</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{_certificate(course, base)}")


CERTIFICATE_STATES = {"valid": "gültig", "expired": "abgelaufen", "revoked": "widerrufen"}


def _certificate(course: dict[str, Any], base: str) -> str:
    """The course's certificate once earned: its state, the PDF and the public check."""
    cert = course.get("certificate")
    if not cert:
        return ""
    until = cert.get("valid_until")
    state = CERTIFICATE_STATES.get(cert["status"], cert["status"]) + (
        f" bis {datetime.fromisoformat(until).strftime('%d.%m.%Y')}"
        if until and cert["status"] == "valid" else "")
    title = html.escape(course["title"])
    code = quote(cert["code"])
    return (f'<p class="zertifikat">Zertifikat ({html.escape(state)}): '
            f'<a href="{base}zertifikate/{code}.pdf" download>Zertifikat „{title}“ '
            f'herunterladen (PDF)</a> · <a href="{base}zertifikat/{code}">Echtheit '
            f"prüfen (Prüfcode {html.escape(cert['code'])})</a></p>")


class StartPageHandler(ModulePageBase):
    """„Meine Kurse“: in hub mode the guarded start page (the hub names the caller); in
    local and proxy mode `/meine-kurse`, for the deployment's learner."""

    async def get(self) -> None:
        user = hub_gate.hub_user(self)
        if user is None and self.settings.get("kurskit_hub"):
            raise HTTPError(403)
        try:
            courses = await self.service(client.my_courses())
        except ServiceError:
            courses = None
        self.set_header("Cache-Control", "no-store")
        self.write(render(user, courses, self.base_url, self.prefetch(courses or [])))

    def prefetch(self, courses: list[dict[str, Any]]) -> str:
        """Voilà's bundle, when a module listed here opens in the Voilà view."""
        paths, forced = portal_paths(), self.settings.get("kurskit_module_view")
        listed = [paths[m["id"]] for c in courses for m in c["modules"] if m["id"] in paths]
        if any(view_of(self.root, path, forced) == "voila" for path in listed):
            return voila_bundle.prefetch_links(self.base_url)
        return ""


class HandbookHandler(StaticFileHandler):
    """The built handbook; its progress pages for managers and trainers only."""

    async def get(self, path: str, include_body: bool = True) -> None:
        user = hub_gate.hub_user(self)
        if path.strip("/").startswith(PROGRESS_PAGES) and not (
                user is not None and (user.manager or user.trainer)):
            raise HTTPError(403, reason="Managers and trainers only")
        await super().get(path, include_body)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        message = ("Diese Seite ist Führungskräften und Trainerinnen und Trainern vorbehalten."
                   if status_code == 403 else f"Die Seite gibt es nicht (Fehler {status_code}).")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>'
                    f"Handbuch</title></head><body><main><h1>Handbuch</h1><p>{message}</p>"
                    "</main></body></html>")


def handlers(route: str, base_url: str, root: Path, handbook: Path) -> list[tuple]:
    return [(f"{route}/?", StartPageHandler, {"root": root, "base_url": base_url}),
            (f"{route}/{MY_COURSES}", StartPageHandler, {"root": root, "base_url": base_url}),
            (f"{route}/handbuch/(.*)", HandbookHandler,
             {"path": str(handbook), "default_filename": "index.html"})]
