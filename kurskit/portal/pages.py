"""The portal's HTML module pages: the page itself and the three calls its script makes.

`/lernen/<portal path>` serves a module as a plain HTML page (`lesson_page`): no
kernel, a few kilobytes of script, so it is usable at once even on a slow office PC or
when a whole town hall opens the same module. Its form posts to
`/lernen/<portal path>/entwurf|pruefen/<qid>|abgeben`; these handlers turn the fields
into answers (`form_answers`) and call the grading service through the one client
(`client`), as the Voilà widgets do, answering with German HTML fragments (`feedback`).

Identity is the deployment's, as for the widgets: the service's own (local mode), the
trusted proxy's learner header passed on (header mode, `KURSKIT_IDENTITY=header` for the
portal too; in any other mode a client's copy is dropped), or the server's hub token.
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

from tornado import httputil
from tornado.http1connection import HTTP1Connection
from tornado.web import HTTPError, RequestHandler, stream_request_body

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
FOREIGN = "Diese Anfrage kommt nicht von der Seite der Lerneinheit."
NOT_FOUND = ("Diese Lerneinheit gibt es im Lernportal nicht. Bitte wählen Sie sie in der "
             "Kursübersicht aus.")


# framed by no other site (clickjacking); pages may frame nothing either
SECURITY_HEADERS = {"Content-Security-Policy": "frame-ancestors 'self'",
                    "X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin"}


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
    """Shared by the page and its calls: the module behind a portal path, the service.

    Only the host names of the deployment are served (`KURSKIT_ALLOWED_HOSTS`): a page of
    another site whose name resolves to this machine (DNS rebinding) gets 403.
    """

    def initialize(self, root: Path, base_url: str) -> None:
        self.root, self.base_url = root, base_url

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)

    def prepare(self) -> None:
        allowed = self.settings.get("kurskit_allowed_hosts") or deployment.allowed_hosts()
        if deployment.host_name(self.request.host) not in allowed:
            LOG.warning("refused a request for host %r (not in %s)", self.request.host,
                        deployment.ALLOWED_HOSTS)
            raise HTTPError(403, reason="Host not allowed")

    def module_page(self, path: str) -> tuple[LessonPage, str]:
        if not layout.valid_relative_path(path):  # a NUL byte, an overlong name
            raise HTTPError(404, reason="Unknown module")
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
        forward = None
        if deployment.identity_mode() == "header":
            # the trusted proxy in front of the portal named the learner (and stripped any
            # copy a client sent); pass exactly that on. In any other mode a client's copy
            # of the header is never passed on: identity is the deployment's.
            header = deployment.learner_header()
            learner = self.request.headers.get_list(header)
            forward = {header: learner[0] if len(learner) == 1 else ""}
        return await client.acall(flow, forward)


class ModulePageHandler(ModulePageBase):
    """GET: the module page, filled in with the learner's draft."""

    async def get(self, path: str) -> None:
        if view_of(self.root, path, self.settings.get("kurskit_module_view")) == "voila":
            self.redirect(f"{self.base_url}voila/render/{quote(path)}")
            return
        page, path = self.module_page(path)
        hidden = None
        try:
            draft = await self.service(client.draft(page.module_id))
            if page.has_pools:  # which variant of each pool this learner answers now
                hidden = frozenset((await self.service(client.draw(page.module_id)))["hidden"])
        except ServiceError as error:
            if error.status == 404:
                raise HTTPError(404, reason="Module unknown to the grading service") from None
            draft = None  # the lesson can still be read; drafts come back with the service
        base = self.base_url
        course = path.rsplit("/", 1)[0] if "/" in path else ""
        self.set_header("Cache-Control", "no-store")  # the page carries the learner's answers
        self.write(render(
            page, api=f"{base}{layout.MODULE_PAGES}/{quote(path)}",
            overview=f"{base}voila/tree/{quote(course)}" if course else base, draft=draft,
            xsrf=self.xsrf_token.decode("ascii"), hidden=hidden))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        message = NOT_FOUND if status_code == 404 else FOREIGN if status_code == 403 else (
            f"Die Lerneinheit kann gerade nicht angezeigt werden (Fehler {status_code}). "
            "Bitte versuchen Sie es gleich noch einmal.")
        self.finish(f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>'
                    f"Lernportal</title></head><body><main><h1>Lernportal</h1><p>{message}</p>"
                    f'<p><a href="{html.escape(self.base_url)}">Zur Kursübersicht</a></p>'
                    f"</main></body></html>")


@stream_request_body
class ModuleCallHandler(ModulePageBase):
    """POST: the page's calls. JSON in (`{"felder": [[name, value], …]}`), JSON out.

    A call changes the learner's state, so it must come from the module page itself:
    tornado's XSRF token (cookie `_xsrf`, sent back as the header `X-XSRFToken` by the
    page's script or as the form field `_xsrf` by a browser without JavaScript); a page
    of another site cannot read it, and a request without it is refused, Origin or not.
    The body streams in and is refused beyond BODY_LIMIT before it is buffered.
    """

    def prepare(self) -> None:
        super().prepare()
        connection = self.request.connection
        if isinstance(connection, HTTP1Connection):  # a chunked body: cut off at the limit
            connection.set_max_body_size(BODY_LIMIT)
        origin = self.request.headers.get("Origin")
        if origin and (deployment.host_name(urlsplit(origin).netloc)
                       not in (self.settings.get("kurskit_allowed_hosts")
                               or deployment.allowed_hosts())):
            raise HTTPError(403, reason="Cross-origin request")  # besides the token
        declared = self.request.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > BODY_LIMIT:
            raise HTTPError(413, reason="Request body too large")
        self._chunks: list[bytes] = []
        self._received = 0

    def data_received(self, chunk: bytes) -> None:
        self._received += len(chunk)
        if self._received > BODY_LIMIT:  # pragma: no cover - tornado cuts off before
            raise HTTPError(413, reason="Request body too large")
        self._chunks.append(chunk)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        german = {403: FOREIGN, 404: NOT_FOUND,
                  413: "Die Antworten sind zu lang."}.get(status_code, refused(status_code))
        self.finish({"meldung": german})

    async def post(self, path: str, action: str, qid: str | None = None) -> None:
        self.request.body = b"".join(self._chunks)
        try:
            httputil.parse_body_arguments(self.request.headers.get("Content-Type", ""),
                                          self.request.body, self.request.body_arguments,
                                          self.request.files, self.request.headers)
        except httputil.HTTPInputError:  # e.g. a Content-Encoding: no form of the page
            raise HTTPError(400, reason="Unreadable body") from None
        for name, values in self.request.body_arguments.items():  # as tornado's own parse
            self.request.arguments.setdefault(name, []).extend(values)
        RequestHandler.check_xsrf_cookie(self)  # tornado's own: cookie and token agree
        page, _ = self.module_page(path)
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            await self.post_without_script(page, path, action)
            return
        try:
            answers = self.answers(page)
            if action == "entwurf":
                await self.service(client.save_draft(page.module_id, answers,
                                                     self.sequence()))
                self.write({"gespeichert": True})  # the page tells the time, in its zone
            elif action == "pruefen" and qid in page.questions:
                await self.check(page, qid, answers.get(qid))
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
            try:
                pairs = [(name, value.decode("utf-8")) for name, values in
                         self.request.body_arguments.items() for value in values
                         if name != "_xsrf"]
            except UnicodeDecodeError:
                raise ServiceError(422, "Die Antworten enthalten ungültige Zeichen.") from None
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

    def sequence(self) -> int | None:
        """The page's save counter (`folge`), if it sent a sane one."""
        try:
            sent = json.loads(self.request.body).get("folge")
        except (ValueError, AttributeError, RecursionError):
            return None
        return sent if isinstance(sent, int) and 0 <= sent <= 2**53 else None

    def answers(self, page: LessonPage,
                pairs: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        try:
            if pairs is None:
                sent = json.loads(self.request.body)["felder"]
                if not all(isinstance(p, list) and len(p) == 2
                           and all(isinstance(x, str) for x in p) for p in sent):
                    raise TypeError
                pairs = [(name, value) for name, value in sent]
            return answers_from_form(page.questions, pairs)
        except (ValueError, KeyError, TypeError, RecursionError, FormRefused):
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

