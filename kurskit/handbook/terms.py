"""Link the first use of each glossary term in generated Markdown to its glossary entry.

Works on the Markdown text, line by line, and leaves alone what must not hold a link:
headings, fenced code, inline code, existing links and pictures, HTML, URLs, attribute
lists and admonition titles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from kurskit.authoring.glossary import Term

PROTECTED = re.compile(r"""
    (`+).*?\1                     # inline code
  | !?\[[^\]\n]*\]\([^)\n]*\)     # links and pictures
  | !?\[[^\]\n]*\]\[[^\]\n]*\]    # reference links
  | <[^>\n]+>                     # HTML tags and autolinks
  | https?://\S+                  # bare addresses
  | \{[^}\n]*\}                   # attribute lists
""", re.VERBOSE)
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^\s{0,3}#")
SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
ADMONITION = re.compile(r"^\s*(!!!|\?\?\?)")


class TermLinker:
    """Links each term once across all the Markdown it is given (one linker per page)."""

    def __init__(self, terms: Iterable[Term], href: Callable[[Term], str]) -> None:
        self.href = href
        self.by_form: dict[str, Term] = {}
        for term in terms:
            for form in term.forms:
                self.by_form.setdefault(form, term)
        forms = sorted(self.by_form, key=len, reverse=True)  # longest spelling wins
        self.pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])"
        ) if forms else None
        self.linked: set[str] = set()

    def link(self, markdown: str) -> str:
        if self.pattern is None:
            return markdown
        lines = markdown.split("\n")
        fenced = False
        for index, line in enumerate(lines):
            if FENCE.match(line):
                fenced = not fenced
                continue
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if (fenced or HEADING.match(line) or ADMONITION.match(line)
                    or (line.strip() and SETEXT_UNDERLINE.match(following))):
                continue
            lines[index] = self._link_line(line)
        return "\n".join(lines)

    def _link_line(self, line: str) -> str:
        out, position = [], 0
        for protected in PROTECTED.finditer(line):
            out.append(self._link_free(line[position:protected.start()]))
            out.append(protected.group(0))
            position = protected.end()
        out.append(self._link_free(line[position:]))
        return "".join(out)

    def _link_free(self, text: str) -> str:
        assert self.pattern is not None

        def replace(match: re.Match[str]) -> str:
            term = self.by_form[match.group(1)]
            if term.anchor in self.linked:
                return match.group(0)
            self.linked.add(term.anchor)
            return f"[{match.group(1)}]({self.href(term)})"

        return self.pattern.sub(replace, text)
