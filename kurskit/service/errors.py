"""Refusals: every error the API gives carries a code, an English and a German message.

Routes raise `Refusal`; the handlers installed here turn it, a malformed body and an
oversized body into `ErrorBody` answers. `BodyLimit` refuses a body over the limit while
it streams in, before anything reads it whole.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurskit import deployment
from kurskit.service.schemas import ErrorBody

GRADING_FAILED_DE = ("Ihre Abgabe wurde gespeichert, konnte aber gerade nicht bewertet werden. "
                     "Bitte wenden Sie sich an Ihre Trainerin oder Ihren Trainer.")


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, message_de: str,
                 details: list[str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.message_de = status, code, message, message_de
        self.details = details or []
        self.headers = headers or {}


# refusals that FastAPI or Starlette raise themselves (a body that is no JSON at all, an
# unknown route, a wrong method): code and German message by status
_HTTP_REFUSALS = {
    400: ("invalid_request", "Die Anfrage ist ungültig und wurde nicht gespeichert."),
    404: ("not_found", "Diese Adresse gibt es nicht."),
    405: ("method_not_allowed", "Diese Anfrage ist hier nicht erlaubt."),
}


class ErrorResponse(JSONResponse):
    """An error body as ASCII JSON: text a client sent (e.g. a lone surrogate in a field
    name) is escaped, never a reason for the refusal itself to fail."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def error_response(status: int, code: str, message: str, message_de: str,
                   details: list[str] | None = None) -> ErrorResponse:
    body = ErrorBody(error=code, message=message, message_de=message_de,
                     details=details or [])
    return ErrorResponse(status_code=status, content=body.model_dump())


def install_handlers(app: FastAPI, max_body_bytes: int) -> None:
    @app.exception_handler(Refusal)
    async def refused(request: Request, error: Refusal) -> JSONResponse:
        response = error_response(error.status, error.code, error.message,
                                  error.message_de, error.details)
        response.headers.update(error.headers)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_refusal(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, german = _HTTP_REFUSALS.get(
            error.status_code, ("invalid_request", "Die Anfrage ist ungültig."))
        if error.status_code == 400:  # FastAPI could not parse the body at all
            message = ("request body is not valid JSON in UTF-8 (or nests too deeply, or "
                       "holds a number too long to read)")
        else:
            message = str(error.detail)
        return error_response(error.status_code, code, message, german)

    @app.exception_handler(_BodyTooLarge)
    async def too_large(request: Request, error: _BodyTooLarge) -> JSONResponse:
        return ErrorResponse(status_code=413, content=_too_large_body(max_body_bytes))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [f"{'/'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                   for e in error.errors()]
        extra = any(e.get("type") == "extra_forbidden" for e in error.errors())
        message = ("unexpected field in request body (the learner's identity comes from the "
                   "deployment, never from the request)" if extra else "malformed request body")
        return error_response(422, "invalid_request", message,
                              "Die Abgabe ist ungültig und wurde nicht gespeichert.", details)


class AllowedHosts:
    """Answer only requests for the deployment's host names (`Host`, port aside): a page of
    another site whose name resolves to this machine (DNS rebinding) gets 403. Starlette's
    TrustedHostMiddleware does the same with a plain-text 400; refusals here carry the
    documented body."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = Headers(scope=scope).get("host", "")
            if deployment.host_name(host) not in self.hosts:
                response = error_response(
                    403, "host_not_allowed", f"host {host!r} is not served here "
                    f"({deployment.ALLOWED_HOSTS})", "Diese Anfrage kommt nicht vom Lernportal.")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(self.limit, send)


class _BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException, so FastAPI does not turn it into
    a generic 400 while it parses the body."""

    def __init__(self) -> None:
        super().__init__(413)


def _too_large_body(limit: int) -> dict[str, Any]:
    return ErrorBody(error="too_large", message=f"request body exceeds {limit} bytes",
                     message_de="Die Abgabe ist zu groß.").model_dump()


async def _too_large(limit: int, send: Send) -> None:
    response = ErrorResponse(status_code=413, content=_too_large_body(limit))
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - JSONResponse never reads
    return {"type": "http.disconnect"}
