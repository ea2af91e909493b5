"""The certificate as a PDF/UA document: an HTML template made into a tagged PDF by
WeasyPrint (`pdf_variant="pdf/ua-1"`: tagged structure, `lang="de"`, title, reading
order), with the verification code, its address and a QR code of that address (segno).
"""

from __future__ import annotations

import base64
from datetime import date
from html import escape

import segno

from kurskit import deployment
from kurskit.authoring import digcomp
from kurskit.qualification.certificates import Certificate

STYLE = """
@page { size: A4; margin: 22mm 20mm; }
body { font-family: "DejaVu Sans", sans-serif; color: #1a1a1a; font-size: 11pt; }
h1 { font-size: 26pt; margin: 0 0 4mm; color: #0b3d6e; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; color: #0b3d6e; }
p.lead { font-size: 14pt; }
p.holder { font-size: 20pt; font-weight: bold; margin: 4mm 0; }
ul { margin: 0; padding-left: 6mm; }
.verify { margin-top: 10mm; display: flex; gap: 6mm; align-items: center; }
.verify img { width: 32mm; height: 32mm; }
.signature { margin-top: 12mm; }
"""


def german_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def certificate_html(cert: Certificate) -> str:
    url = deployment.verify_url(cert.code)
    qr = segno.make(url, error="m").svg_inline(scale=4)
    qr_uri = "data:image/svg+xml;base64," + base64.b64encode(qr.encode()).decode()
    modules = "".join(f"<li>{escape(title)}</li>" for _, title in cert.modules)
    competences = "".join(
        f"<li>{escape(str(cid))} {escape(str(name))}: Kompetenzstufe {int(level)} "
        f"({escape(digcomp.band_of(int(level)))})</li>" for cid, name, level in cert.competences)
    validity = (f"Gültig bis {german_date(cert.valid_until)}." if cert.valid_until
                else "Ohne Ablaufdatum.")
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>Zertifikat: {escape(cert.course_title)} – {escape(cert.holder)}</title>
<meta name="author" content="{escape(cert.issuer)}">
<meta name="description" content="Teilnahmezertifikat mit Prüfcode {cert.code}">
<style>{STYLE}</style></head>
<body><main>
<h1>Zertifikat</h1>
<p class="lead">{escape(cert.issuer)} bescheinigt, dass</p>
<p class="holder">{escape(cert.holder)}</p>
<p class="lead">die Qualifizierung „{escape(cert.course_title)}“ am
{german_date(cert.issued_on)} erfolgreich abgeschlossen hat.</p>
<h2>Bestandene Module</h2>
<ul>{modules}</ul>
<h2>Kompetenzen nach DigComp 2.2</h2>
<ul>{competences}</ul>
<h2>Gültigkeit</h2>
<p>{validity}</p>
<div class="signature"><p>{escape(cert.signatory)}<br>{escape(cert.issuer)}</p></div>
<div class="verify">
<img src="{qr_uri}" alt="QR-Code der Prüfadresse {escape(url)}">
<p>Prüfcode: <strong>{cert.code}</strong><br>
Echtheit prüfen: {escape(url)}</p>
</div>
</main></body></html>"""


def certificate_pdf(cert: Certificate) -> bytes:
    """The certificate as PDF/UA-1 bytes."""
    from weasyprint import HTML  # heavy: imported when a certificate is made

    pdf = HTML(string=certificate_html(cert)).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)
