"""A bar chart as plain SVG text, with its text alternative: a table of the same values.

Drawn in the learner's kernel without a plotting library: matplotlib would add tens of
megabytes to every learner kernel (kurskit keeps a kernel under 60 MB), bqplot a widget
model per mark and its own JavaScript. The SVG is static markup inside an HTML widget:
`role="img"` with a title and a description, bars told apart by outline and a marker
text, not by colour alone, and every value also in the table below it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from kurskit.portal.numbers import num

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 560, 280, 56, 48, 28
BAR, MARKED, INK = "#1f4e79", "#8a4b00", "#1a1a1a"


def bar_chart(token: str, title: str, unit: str, labels: Sequence[str],
              values: Sequence[float | None], marked: str | None = None) -> str:
    """SVG plus table (HTML); `token` makes the ids unique on the page."""
    known = [v for v in values if v is not None]
    top = max(known, default=0) or 1
    scale = (HEIGHT - BOTTOM - TOP) / top
    slot = (WIDTH - LEFT - 8) / max(1, len(labels))
    parts = [f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - 4}" '
             f'y2="{HEIGHT - BOTTOM}" stroke="{INK}" stroke-width="1"/>',
             f'<text x="4" y="16" font-size="13" fill="{INK}">{html.escape(unit)}</text>']
    for number, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + number * slot + slot * 0.15
        width = slot * 0.7
        middle = x + width / 2
        is_marked = label == marked
        if value is None:
            parts.append(f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM - 6}" font-size="12" '
                         f'text-anchor="middle" fill="{INK}">geschlossen</text>')
        else:
            height = value * scale
            y = HEIGHT - BOTTOM - height
            style = (f'fill="{MARKED}" stroke="{INK}" stroke-width="3"' if is_marked
                     else f'fill="{BAR}"')
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                         f'height="{height:.1f}" {style}/>')
            parts.append(f'<text x="{middle:.1f}" y="{y - 6:.1f}" font-size="13" '
                         f'text-anchor="middle" fill="{INK}">{num(value)}</text>')
        parts.append(f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="13" '
                     f'text-anchor="middle" fill="{INK}">{html.escape(label)}</text>')
        if is_marked:
            parts.append(f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 36}" font-size="12" '
                         f'text-anchor="middle" fill="{INK}">▲ markiert</text>')
    description = "; ".join(f"{label}: {_value(value, unit)}"
                            for label, value in zip(labels, values, strict=True))
    if marked:
        description += f". Markiert: {marked}"
    svg = (f'<svg class="kk-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
           f'style="max-width:{WIDTH}px" role="img" '
           f'aria-labelledby="kk-{token}-titel kk-{token}-beschreibung" '
           f'xmlns="http://www.w3.org/2000/svg">'
           f'<title id="kk-{token}-titel">{html.escape(title)}</title>'
           f'<desc id="kk-{token}-beschreibung">{html.escape(description)}</desc>'
           f'{"".join(parts)}</svg>')
    rows = "".join(f"<tr><th scope=\"row\">{html.escape(label)}</th>"
                   f"<td>{html.escape(_value(value, unit))}</td></tr>"
                   for label, value in zip(labels, values, strict=True))
    table = (f'<table class="kk-chart-table"><caption>{html.escape(title)} – die Werte als '
             f'Tabelle</caption><thead><tr><th scope="col">Balken</th><th scope="col">'
             f"{html.escape(unit)}</th></tr></thead><tbody>{rows}</tbody></table>")
    return f"<figure>{svg}{table}</figure>"


def _value(value: float | None, unit: str) -> str:
    return "geschlossen" if value is None else f"{num(value)} {unit}"
