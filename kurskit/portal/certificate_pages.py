"""The certificate pages of the portal: the public verification page of a code, and the
learner's download of their own certificate (both through the one client of the API)."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from kurskit.portal import client
from kurskit.portal.client import ServiceError
from kurskit.portal.pages import ModulePageBase

CODE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
STATUS_DE = {
    "valid": ("✓ Gültig", "Dieses Zertifikat ist gültig."),
    "expired": ("✗ Abgelaufen", "Dieses Zertifikat war gültig, ist aber abgelaufen."),
    "revoked": ("✗ Widerrufen", "Dieses Zertifikat wurde widerrufen."),
    "unknown": ("✗ Unbekannt", "Ein Zertifikat mit diesem Prüfcode wurde nicht ausgestellt."),
    "altered": ("✗ Ungültiger Prüfcode", "Dieser Prüfcode ist verändert oder falsch "
                "abgetippt: Es gibt kein Zertifikat mit diesem Code."),
}
STYLE = ("body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
         "color:#1a1a1a;line-height:1.5}h1{color:#0b3d6e}.gueltig{color:#1b5e20}"
         ".ungueltig{color:#8b1a1a}dt{font-weight:bold}a{color:#0b3d6e}")


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else ""


def verification_html(shown: dict[str, Any]) -> str:
    """Only status, course, date and holder (and a revocation's reason)."""
    status = str(shown.get("status"))
    title, sentence = STATUS_DE.get(status, STATUS_DE["unknown"])
    css = "gueltig" if status == "valid" else "ungueltig"
    facts = ""
    if shown.get("course_title"):
        rows = [("Kurs", shown["course_title"]), ("Inhaberin oder Inhaber", shown["holder"]),
                ("Ausgestellt am", _day(shown["issued_on"]))]
        if shown.get("valid_until"):
            rows.append(("Gültig bis", _day(shown["valid_until"])))
        if status == "revoked" and shown.get("revoked_reason"):
            rows.append(("Grund des Widerrufs", shown["revoked_reason"]))
        facts = "<dl>" + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>"
                                 for k, v in rows) + "</dl>"
    return (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Zertifikat prüfen – {html.escape(title)}</title><style>{STYLE}</style>"
            f"</head><body><main><h1>Zertifikat prüfen</h1>"
            f'<p class="{css}" role="status"><strong>{html.escape(title)}</strong> '
            f"{html.escape(sentence)}</p>"
            f"<p>Prüfcode: <code>{html.escape(str(shown.get('code', '')))}</code></p>"
            f"{facts}</main></body></html>")


class VerifyPageHandler(ModulePageBase):
    """GET /zertifikat/<code>: public, for anyone holding a certificate's code."""

    async def get(self, code: str) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        if not CODE.match(code):
            self.write(verification_html({"code": code[:40], "status": "altered"}))
            return
        try:
            shown = await client.acall(client.verify(code))
        except ServiceError as error:
            self.set_status(503 if error.status >= 500 else error.status)
            self.write(verification_html({"code": code, "status": "unknown"}).replace(
                "Ein Zertifikat mit diesem Prüfcode wurde nicht ausgestellt.",
                html.escape(error.german)))
            return
        self.write(verification_html(shown))


class CertificateFileHandler(ModulePageBase):
    """GET /zertifikate/<code>.pdf: the learner's own certificate."""

    async def get(self, code: str) -> None:
        try:
            pdf = await self.service(client.certificate_pdf(code))
        except ServiceError as error:
            self.set_status(error.status if 400 <= error.status < 600 else 502)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.write(f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>'
                       f"Zertifikat</title></head><body><main><h1>Zertifikat</h1><p role="
                       f'"alert">{html.escape(error.german)}</p></main></body></html>')
            return
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition", f'attachment; filename="zertifikat-{code}.pdf"')
        self.set_header("Cache-Control", "no-store")
        self.write(pdf)


def handlers(server_url: str, args: dict[str, Any]) -> list[tuple[str, type, dict]]:
    route = server_url.rstrip("/")
    return [(f"{route}/zertifikat/([^/]+)", VerifyPageHandler, args),
            (f"{route}/zertifikate/([A-Za-z0-9-]{{1,40}})\\.pdf", CertificateFileHandler,
             args)]
