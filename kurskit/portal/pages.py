"""The portal's HTML module pages: the page itself and the three calls its script makes.

`/lernen/<portal path>` serves a module as a plain HTML page (`lesson_page`): no
kernel, a few kilobytes of script, so it is usable at once even on a slow office PC or
when a whole town hall opens the same module. Its form posts to
`/lernen/<portal path>/entwurf|pruefen/<qid>|abgeben`; these handlers turn the fields
into answers (`form_answers`) and call the grading service through the one client
(`client`), as the Voilà widgets do, answering with German HTML fragments (`feedback`).

Identity is the deployment's, as for the widgets: the service's own (local mode), the
trusted proxy's learner header passed on (header mode), or the server's hub token.
"""

from __future__ import annotations

import html
import json
import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from tornado.web import HTTPError, RequestHandler

from kurskit import deployment, layout
from kurskit.portal import client, hub_gate
from kurskit.portal.client import ServiceError
from kurskit.portal.feedback import (
    GRADING_SLOW,
    check_feedback_html,
    checks_label,
    question_feedback_html,
    refused,
    result_html,
)
from kurskit.portal.form_answers import FormRefused, answers_from_form
from kurskit.portal.lesson_page import LessonPage, NotAModule, read_page, render

T = TypeVar("T")
BODY_LIMIT = 256 * 1024  # a page's fields; the service refuses answers above its own limit
GRADE_WAIT = 120.0  # seconds the portal asks after a submission before it gives up waiting
SERVICE_CALLS = 500  # calls to the grading service at once (see client.configure_portal)
LOG = logging.getLogger("kurskit.portal")
NOT_FOUND = ("Diese Lerneinheit gibt es im Lernportal nicht. Bitte wählen Sie sie in der "
             "Kursübersicht aus.")


def view_of(root: Path, path: str, forced: str | None = None) -> str:
    """How a module opens: the forced view (`--module-view page|voila`), else the one
    `kurskit build` chose for it (Voilà where it has an interactive element)."""
    if forced in ("page", "voila"):
        return forced
    views = layout.portal_views(root)
    try:
        stat = views.stat()
    except OSError:
        return "page"
    return str(_views(views, stat.st_mtime_ns).get(path, "page"))


@lru_cache(maxsize=4)
def _views(views: Path, _mtime: int) -> dict[str, str]:
    try:
        found = json.loads(views.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


class ModulePageBase(RequestHandler):
    """Shared by the page and its calls: the module behind a portal path, the service."""

    def initialize(self, root: Path, base_url: str) -> None:
        self.root, self.base_url = root, base_url

    def module_page(self, path: str) -> tuple[LessonPage, str]:
        notebook = (self.root / path).resolve()
        if (not notebook.is_relative_to(self.root.resolve()) or notebook.suffix != ".ipynb"
                or not notebook.is_file()):
            raise HTTPError(404, reason="Unknown module")
        try:
            return read_page(notebook), path
        except NotAModule as error:
            LOG.warning("%s", error)
            raise HTTPError(404, reason="Not a module") from None

    async def service(self, flow: client.Flow[T]) -> T:
        """Run a call of the grading API as the learner; errors are German ServiceErrors."""
        user = hub_gate.hub_user(self)
        if user is not None:  # hub mode: the caller's own token, never a header
            return await client.acall(flow, {"Authorization": f"token {user.token}"})
        if self.settings.get("kurskit_hub"):
            raise ServiceError(401, "Sie sind nicht angemeldet.")
        header = deployment.learner_header()
        learner = self.request.headers.get_list(header)
        # header mode: the trusted proxy named the learner; pass it on
        forward = {header: learner[0] if len(learner) == 1 else ""} if learner else None
        return await client.acall(flow, forward)


class ModulePageHandler(ModulePageBase):
    """GET: the module page, filled in with the learner's draft."""

    async def get(self, path: str) -> None:
        if view_of(self.root, path, self.settings.get("kurskit_module_view")) == "voila":
            self.redirect(f"{self.base_url}voila/render/{quote(path)}")
            return
        page, path = self.module_page(path)
        try:
            draft = await self.service(client.draft(page.module_id))
        except ServiceError as error:
            if error.status == 404:
                raise HTTPError(404, reason="Module unknown to the grading service") from None
            draft = None  # the lesson can still be read; drafts come back with the service
        base = self.base_url
        course = path.rsplit("/", 1)[0] if "/" in path else ""
        self.set_header("Cache-Control", "no-store")  # the page carries the learner's answers
        self.write(render(
            page, api=f"{base}{layout.MODULE_PAGES}/{quote(path)}",
            overview=f"{base}voila/tree/{quote(course)}" if course else base, draft=draft))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        message = NOT_FOUND if status_code == 404 else (
            f"Die Lerneinheit kann gerade nicht angezeigt werden (Fehler {status_code}). "
            "Bitte versuchen Sie es gleich noch einmal.")
        self.finish(f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>'
                    f"Lernportal</title></head><body><main><h1>Lernportal</h1><p>{message}</p>"
                    f'<p><a href="{html.escape(self.base_url)}">Zur Kursübersicht</a></p>'
                    f"</main></body></html>")


class ModuleCallHandler(ModulePageBase):
    """POST: the page's calls. JSON in (`{"felder": [[name, value], …]}`), JSON out."""

    def check_xsrf_cookie(self) -> None:
        """Same origin only: a form on another site must not act for the learner."""
        origin = self.request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != self.request.host:
            raise HTTPError(403, reason="Cross-origin request")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        german = {403: "Diese Anfrage kommt nicht von der Seite der Lerneinheit.",
                  404: NOT_FOUND}.get(status_code, refused(status_code))
        self.finish({"meldung": german})

    async def post(self, path: str, action: str, qid: str | None = None) -> None:
        self.check_xsrf_cookie()
        page, _ = self.module_page(path)
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            await self.post_without_script(page, path, action)
            return
        try:
            answers = self.answers(page)
            if action == "entwurf":
                await self.service(client.save_draft(page.module_id, answers))
                self.write({"gespeichert": True})  # the page tells the time, in its zone
            elif action == "pruefen" and qid in page.questions:
                await self.check(page, qid, answers[qid])
            elif action == "abgeben":
                await self.submit(page, answers)
            else:
                raise HTTPError(404, reason="Unknown call")
        except ServiceError as error:
            self.set_status(error.status if 400 <= error.status < 600 else 502)
            self.write({"meldung": error.german})

    async def post_without_script(self, page: LessonPage, path: str, action: str) -> None:
        """A browser without JavaScript posts the form itself: answer with a whole page."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        back = (f'<p><a href="{self.base_url}{layout.MODULE_PAGES}/{quote(path)}">'
                "Zurück zur Lerneinheit</a></p>")
        try:
            if action != "abgeben":
                raise HTTPError(404, reason="Unknown call")
            pairs = [(name, value.decode("utf-8")) for name, values in
                     self.request.body_arguments.items() for value in values]
            answers = self.answers(page, pairs)
            outcome = await self.grade(page, answers)
            body = (result_html(outcome, self.base_url) if outcome
                    else f"<p>{html.escape(GRADING_SLOW)}</p>")
        except ServiceError as error:
            self.set_status(error.status if 400 <= error.status < 600 else 502)
            body = f'<p role="alert">{html.escape(error.german)}</p>'
        self.write(f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>'
                   f"{html.escape(page.title)} – Abgabe</title></head><body><main>"
                   f"<h1>{html.escape(page.title)}</h1>{body}{back}</main></body></html>")

    def answers(self, page: LessonPage,
                pairs: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        if len(self.request.body) > BODY_LIMIT:
            raise ServiceError(413, "Die Antworten sind zu lang.")
        try:
            if pairs is None:
                sent = json.loads(self.request.body)["felder"]
                if not all(isinstance(p, list) and len(p) == 2
                           and all(isinstance(x, str) for x in p) for p in sent):
                    raise TypeError
                pairs = [(name, value) for name, value in sent]
            return answers_from_form(page.questions, pairs)
        except (ValueError, KeyError, TypeError, FormRefused):
            raise ServiceError(422, "Die Antworten passen nicht zu dieser Lerneinheit. Bitte "
                                    "laden Sie die Seite neu.") from None

    async def check(self, page: LessonPage, qid: str, answer: Any) -> None:
        result = await self.service(client.check(page.module_id, quote(qid), answer))
        left = int(result["checks_left"])
        self.write({"rueckmeldung": check_feedback_html(result),
                    "pruefen": {"beschriftung": checks_label(left), "gesperrt": left <= 0}})

    async def grade(self, page: LessonPage, answers: dict[str, Any]) -> dict[str, Any] | None:
        """Submit and wait for the grade; None when grading takes longer than GRADE_WAIT."""
        return await self.service(client.submit(page.module_id, answers, timeout=GRADE_WAIT,
                                                poll=0.5))

    async def submit(self, page: LessonPage, answers: dict[str, Any]) -> None:
        outcome = await self.grade(page, answers)
        if outcome is None:
            self.set_status(202)
            self.write({"meldung": GRADING_SLOW})
            return
        self.write({"fragen": {q["id"]: question_feedback_html(q) for q in outcome["questions"]},
                    "ergebnis": result_html(outcome, self.base_url)})


def warm_up(root: Path) -> None:
    """Read every module once, so that no learner waits for the first reading of a module."""
    for notebook in sorted(root.rglob("*.ipynb")):
        try:
            read_page(notebook)
        except (NotAModule, OSError) as error:
            LOG.warning("%s", error)


def handlers(root: Path, server_url: str, base_url: str) -> list[tuple[str, type, dict]]:
    """Routes below `server_url`; links on the pages start with `base_url` (as in Voilà)."""
    threading.Thread(target=warm_up, args=(root,), name="kurskit-warm-up", daemon=True).start()
    client.configure_portal(SERVICE_CALLS)
    args = {"root": root, "base_url": base_url}
    route, pages = server_url.rstrip("/"), layout.MODULE_PAGES
    return [
        (f"{route}/{pages}/(.+\\.ipynb)", ModulePageHandler, args),
        (f"{route}/{pages}/(.+\\.ipynb)/(entwurf|abgeben)", ModuleCallHandler, args),
        (f"{route}/{pages}/(.+\\.ipynb)/(pruefen)/([^/]+)", ModuleCallHandler, args),
    ]

