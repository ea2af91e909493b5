"""Refusals: every error the API gives carries a code, an English and a German message.

Routes raise `Refusal`; the handlers installed here turn it, a malformed body and an
oversized body into `ErrorBody` answers. `BodyLimit` refuses a body over the limit while
it streams in, before anything reads it whole.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurskit.service.schemas import ErrorBody

GRADING_FAILED_DE = ("Ihre Abgabe wurde gespeichert, konnte aber gerade nicht bewertet werden. "
                     "Bitte wenden Sie sich an Ihre Trainerin oder Ihren Trainer.")


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, message_de: str,
                 details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.message_de = status, code, message, message_de
        self.details = details or []


def install_handlers(app: FastAPI, max_body_bytes: int) -> None:
    @app.exception_handler(Refusal)
    async def refused(request: Request, error: Refusal) -> JSONResponse:
        body = ErrorBody(error=error.code, message=error.message,
                         message_de=error.message_de, details=error.details)
        return JSONResponse(status_code=error.status, content=body.model_dump())

    @app.exception_handler(_BodyTooLarge)
    async def too_large(request: Request, error: _BodyTooLarge) -> JSONResponse:
        return JSONResponse(status_code=413, content=_too_large_body(max_body_bytes))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [f"{'/'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                   for e in error.errors()]
        extra = any(e.get("type") == "extra_forbidden" for e in error.errors())
        message = ("unexpected field in request body (the learner's identity comes from the "
                   "deployment, never from the request)" if extra else "malformed request body")
        body = ErrorBody(error="invalid_request", message=message,
                         message_de="Die Abgabe ist ungültig und wurde nicht gespeichert.",
                         details=details)
        return JSONResponse(status_code=422, content=body.model_dump())


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
    response = JSONResponse(status_code=413, content=_too_large_body(limit))
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - JSONResponse never reads
    return {"type": "http.disconnect"}
