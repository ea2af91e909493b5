"""Certificates: the caller's own, their PDF, public verification, revocation by trainers."""

from __future__ import annotations

import hmac
import os

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kurskit import deployment
from kurskit.qualification import certificates
from kurskit.qualification.certificate_pdf import certificate_pdf
from kurskit.qualification.certificates import Certificate, UnknownCertificate
from kurskit.service.dependencies import Context, Learner, learner
from kurskit.service.errors import Refusal
from kurskit.service.schemas import CertificateInfo, ErrorBody

API = "/api/v1"
router = APIRouter()


class Verification(BaseModel):
    """What anyone holding a code may learn: nothing beyond this."""

    code: str
    status: str = Field(description="valid, expired, revoked, unknown (well-formed, never "
                        "issued) or altered (the check characters fail)")
    course_title: str | None = None
    issued_on: str | None = None
    valid_until: str | None = None
    holder: str | None = None
    revoked_reason: str | None = None


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=500)


def info(cert: Certificate) -> CertificateInfo:
    return CertificateInfo(code=cert.code, course=cert.course, course_title=cert.course_title,
                           issued_on=cert.issued_on, valid_until=cert.valid_until,
                           status=cert.status(),
                           pdf_url=f"{API}/certificates/{cert.code}/pdf",
                           verify_url=deployment.verify_url(cert.code))


@router.get("/certificates", response_model=list[CertificateInfo])
async def own_certificates(who: Learner, context: Context) -> list[CertificateInfo]:
    """The caller's own certificates."""
    found = await run_in_threadpool(certificates.of_learner, context.root, who)
    return [info(c) for c in found]


@router.get("/certificates/{code}/pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}},
                       404: {"model": ErrorBody}})
async def certificate_document(code: str, who: Learner, context: Context) -> Response:
    """The PDF/UA document of one of the caller's certificates."""
    def make() -> bytes:
        try:
            cert = certificates.find(context.root, code)
        except UnknownCertificate:
            cert = None
        if cert is None or cert.learner != who:
            raise Refusal(404, "unknown_certificate", "no such certificate of the caller",
                          "Dieses Zertifikat gibt es nicht.")
        return certificate_pdf(cert)

    pdf = await run_in_threadpool(make)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="zertifikat-{code}.pdf"'})


@router.get("/verify/{code}", response_model=Verification)
async def verify(code: str, context: Context) -> Verification:
    """Public: valid / expired / revoked, course, date and holder — nothing else."""
    if len(code) > 40 or not certificates.well_formed(code):
        return Verification(code=code[:40], status="altered")
    try:
        cert = await run_in_threadpool(certificates.find, context.root, code)
    except UnknownCertificate:
        return Verification(code=certificates.normalized(code), status="unknown")
    return Verification(code=cert.code, status=cert.status(), course_title=cert.course_title,
                        issued_on=cert.issued_on, valid_until=cert.valid_until,
                        holder=cert.holder, revoked_reason=cert.revoked_reason)


@router.post("/certificates/{code}/revoke", response_model=Verification,
             responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}})
async def revoke(code: str, body: Revocation, request: Request,
                 context: Context) -> Verification:
    """Trainers only: in hub mode a member of the hub group `trainer` (with a hub token that
    may read the caller's groups); in any mode `Authorization: Bearer` with the
    deployment's KURSKIT_TRAINER_TOKEN."""
    if not await _trainer(request, context):
        raise Refusal(403, "trainers_only", "revoking needs the trainers' token",
                      "Nur Trainerinnen und Trainer können Zertifikate widerrufen.")
    try:
        await run_in_threadpool(certificates.revoke, context.root, code, body.reason)
    except UnknownCertificate:
        raise Refusal(404, "unknown_certificate", f"no certificate {code!r}",
                      "Dieses Zertifikat gibt es nicht.") from None
    return await verify(code, context)


async def _trainer(request: Request, context: Context) -> bool:
    token = os.environ.get(deployment.TRAINER_TOKEN, "")
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if token and hmac.compare_digest(token.encode(), given.encode()):
        return True
    if context.settings.identity.name != "hub":
        return False
    try:
        await learner(request, context)  # the hub confirms the token and names the groups
    except Refusal:
        return False
    return deployment.TRAINER_GROUP in getattr(request.state, "hub_groups", ())
