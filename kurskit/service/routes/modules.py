"""What the service knows: its health and the modules it grades (never a key)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kurskit.authoring.catalog import Module
from kurskit.service.dependencies import Context, KnownModule, Learner
from kurskit.service.schemas import DrawInfo, ErrorBody, ModuleInfo, QuestionInfo

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


@router.get("/modules/{module_id}/draw", response_model=DrawInfo,
            responses={404: {"model": ErrorBody}})
def draw(who: Learner, module: KnownModule, context: Context) -> DrawInfo:
    """The caller's draw of the module's question pools: one variant per pool, the same
    on every reload, drawn anew for each attempt. Answers, drafts and checks naming a
    variant not drawn are refused (422 `not_drawn`)."""
    found = context.draw(module, who)
    return DrawInfo(attempt=found.attempt, drawn=found.drawn, hidden=sorted(found.hidden))


def module_info(module: Module) -> ModuleInfo:
    return ModuleInfo(
        id=module.id, course=module.course_id, title=module.title,
        max_score=module.notebook.max_points,
        questions=[QuestionInfo(id=e.qid, type=e.spec.kind, prompt=e.spec.prompt,
                                max_points=e.points, pool=e.pool)
                   for e in module.notebook.exercises])
