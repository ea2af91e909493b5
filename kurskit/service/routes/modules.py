"""What the service knows: its health and the modules it grades (never a key)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kurskit.authoring.catalog import Module
from kurskit.service.dependencies import Context, KnownModule
from kurskit.service.schemas import ErrorBody, ModuleInfo, QuestionInfo

router = APIRouter()


@router.get("/health")
def health(context: Context) -> dict[str, Any]:
    return {"status": "ok", "identity": context.settings.identity.name,
            "modules": len(context.catalog.modules)}


@router.get("/modules", response_model=list[ModuleInfo])
def modules(context: Context) -> list[ModuleInfo]:
    return [module_info(m) for m in context.catalog.modules if not m.notebook.problems]


@router.get("/modules/{module_id}", response_model=ModuleInfo,
            responses={404: {"model": ErrorBody}})
def module(module: KnownModule) -> ModuleInfo:
    return module_info(module)


def module_info(module: Module) -> ModuleInfo:
    return ModuleInfo(
        id=module.id, course=module.course_id, title=module.title,
        max_score=module.notebook.max_points,
        questions=[QuestionInfo(id=e.qid, type=e.spec.kind, prompt=e.spec.prompt,
                                max_points=e.points) for e in module.notebook.exercises])
