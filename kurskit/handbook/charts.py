"""Bar charts for the progress page, as SVG (matplotlib, no display needed).

Accessible by design: German labels, every bar carries its number as text, the second
series is hatched as well as coloured (colour is never the only cue), both colours have
at least 3:1 contrast against white (WCAG 2.1, 1.4.11), and each SVG has a <title> and
<desc>. The page puts a data table under every chart as its text alternative.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html import escape

SERIES_COLOURS = ("#1f4e79", "#a34f00")  # dark blue 8.9:1, dark orange 5.3:1 on white
HATCHES = ("", "///")
TEXT = "#1a1a1a"


@dataclass
class Series:
    label: str
    values: list[int | None]  # None: withheld (fewer than 5 learners)


def bar_chart(title: str, description: str, categories: list[str], series: list[Series],
              horizontal: bool = False, withheld_note: str = "weniger als 5 Lernende") -> str:
    """Grouped bars as an SVG document."""
    import matplotlib

    # text stays text (searchable, sharp); a fixed salt keeps the output reproducible
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kurskit"}):
        return _bar_chart(title, description, categories, series, horizontal, withheld_note)


def _bar_chart(title: str, description: str, categories: list[str], series: list[Series],
               horizontal: bool, withheld_note: str) -> str:
    from matplotlib.figure import Figure

    rows = len(categories)
    size = (8.0, 1.0 + 0.55 * rows * len(series)) if horizontal else (8.0, 3.8)
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    top = max([v for s in series for v in s.values if v is not None] + [1])
    for index, (one, colour, hatch) in enumerate(zip(series, SERIES_COLOURS, HATCHES,
                                                    strict=False)):
        positions = [i + (index - (len(series) - 1) / 2) * width for i in range(rows)]
        values = [v or 0 for v in one.values]
        draw = axes.barh if horizontal else axes.bar
        bars = draw(positions, values, width * 0.95, label=one.label, color=colour,
                    hatch=hatch, edgecolor="white" if hatch else colour, linewidth=0)
        labels = [str(v) if v is not None else "" for v in one.values]
        axes.bar_label(bars, labels=labels, padding=3, color=TEXT, fontsize=9)
    for i in range(rows):  # say in words where a group is withheld
        if all(s.values[i] is None for s in series):
            x, y = (0.02 * top, i) if horizontal else (i, 0.02 * top)
            axes.text(x, y, withheld_note, color=TEXT, fontsize=9, style="italic",
                      va="center" if horizontal else "bottom",
                      ha="left" if horizontal else "center",
                      rotation=0 if horizontal else 90)
    ticks = list(range(rows))
    if horizontal:
        axes.set_yticks(ticks, [_wrap(c, 34) for c in categories])
        axes.invert_yaxis()
        axes.set_xlim(0, top * 1.18)
        axes.set_xlabel("Anzahl", color=TEXT)
    else:
        axes.set_xticks(ticks, [_wrap(c, 14) for c in categories])
        axes.set_xlim(-0.6, max(rows, 4) - 0.4)  # a single period stays a slim pair of bars
        axes.set_ylim(0, top * 1.18)
        axes.set_ylabel("Anzahl", color=TEXT)
    axes.tick_params(colors=TEXT, labelsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(loc="outside lower center", ncols=len(series), frameon=False,
                  labelcolor=TEXT, fontsize=9)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _titled(buffer.getvalue(), title, description)


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def _titled(svg: str, title: str, description: str) -> str:
    """Put <title> and <desc> first inside <svg>, and mark the picture as one image."""
    opening = re.search(r"<svg\b[^>]*>", svg)
    assert opening is not None, "matplotlib wrote no <svg> element"
    tag = opening.group(0).replace("<svg", '<svg role="img" lang="de"', 1)
    inner = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    return svg[:opening.start()] + tag + inner + svg[opening.end():]
