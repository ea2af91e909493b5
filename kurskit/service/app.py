"""The grading service: answers in, nbgrader-graded score and feedback out (HTTP, OpenAPI).

Every request is validated before anything is written: a known module, known question
ids, and answers that are literal data fitting their question. Refusals carry an English
`message` and a German `message_de` for the learner's app. The routes live in
`kurskit.service.routes`; the grading itself in `kurskit.grading`, which never imports
this package.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from kurskit.service.context import Services, ServiceSettings
from kurskit.service.errors import AllowedHosts, BodyLimit, install_handlers
from kurskit.service.routes import certificates, me, modules, practice, submissions
from kurskit.service.schemas import ErrorBody

__all__ = ["ServiceSettings", "app_from_env", "create_app", "openapi_document"]

API = submissions.API
DESCRIPTION = (
    "Grades a learner's answers to a kurskit module by nbgrader's rules and records them in "
    "nbgrader's gradebook; returns score and feedback. A submission is stored durably "
    "before it is acknowledged and graded exactly once. The learner's identity comes from "
    "the deployment (local configuration, or a header set by a trusted proxy), never from "
    "the request body.")
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def build_api(max_body_bytes: int = 64 * 1024, lifespan: Lifespan | None = None,
              allowed_hosts: tuple[str, ...] | None = None) -> FastAPI:
    """The routes, models and refusal handlers; no catalogue, no grader."""
    app = FastAPI(lifespan=lifespan, title="kurskit grading service", version="1",
                  description=DESCRIPTION,
                  responses={400: {"model": ErrorBody}, 401: {"model": ErrorBody},
                             403: {"model": ErrorBody}, 413: {"model": ErrorBody},
                             422: {"model": ErrorBody}})
    install_handlers(app, max_body_bytes)
    for router in (modules.router, submissions.router, practice.router, me.router,
                   certificates.router):
        app.include_router(router, prefix=API)
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    if allowed_hosts is not None:
        app.add_middleware(AllowedHosts, hosts=allowed_hosts)  # outermost: checked first
    return app


class ServicePrefix:
    """Behind JupyterHub's proxy the service's paths start with its prefix
    (`/services/grading/…`); the portal calls it directly, without. Both reach the routes."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app, self.prefix = app, prefix.rstrip("/")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix + "/"):
            scope = {**scope, "root_path": self.prefix}  # Starlette routes below root_path
        await self.app(scope, receive, send)


def create_app(settings: ServiceSettings) -> FastAPI:
    """The service for one deployment; its grader starts and stops with the app."""
    services = Services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # what interrupted writes left behind goes; then the grader grades what a crash
        # left in the inbox before anything new
        await run_in_threadpool(services.sweep_staging)
        await run_in_threadpool(services.grader.start)
        yield
        await run_in_threadpool(services.grader.stop)

    app = build_api(settings.max_body_bytes, lifespan, settings.allowed_hosts)
    app.state.services = services
    if settings.path_prefix:
        app.add_middleware(ServicePrefix, prefix=settings.path_prefix)
    return app


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document (it depends on no catalogue and starts no grader)."""
    return build_api().openapi()


def app_from_env() -> FastAPI:
    """The service as configured by the deployment's environment (used by `kurskit start`)."""
    return create_app(ServiceSettings.from_env())
