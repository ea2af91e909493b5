"""Glossary links in lesson Markdown: the first use of each term, never where a link breaks."""

from kurskit.authoring.glossary import Term
from kurskit.handbook.terms import TermLinker

TERMS = [
    Term("Datenschutz-Grundverordnung", "Die Verordnung (EU) 2016/679 ...", "DSGVO"),
    Term("Datenpanne", "Eine Verletzung des Schutzes ...", aliases=("Datenpannen",)),
    Term("Onlinezugangsgesetz", "Das Gesetz von 2017 ...", "OZG"),
    Term("OZG-Änderungsgesetz", "Die Reform ...", aliases=("OZG 2.0",)),
]


def linker() -> TermLinker:
    return TermLinker(TERMS, lambda term: f"g.md#{term.anchor}")


def test_links_the_first_use_of_each_term_once_per_page():
    page = linker()
    first = page.link("Die DSGVO gilt. Auch die DSGVO.")
    second = page.link("Nach der DSGVO und bei Datenpannen handeln.")
    assert first == "Die [DSGVO](g.md#datenschutz-grundverordnung) gilt. Auch die DSGVO."
    assert second == "Nach der DSGVO und bei [Datenpannen](g.md#datenpanne) handeln."


def test_skips_headings_code_links_urls_and_admonition_titles():
    text = "\n".join([
        "# Die DSGVO", "## Datenpanne", "Überschrift mit OZG", "---",
        "```", "DSGVO im Code", "```", "`DSGVO` inline und [zur DSGVO](x.md) und",
        "<https://example.org/DSGVO> und https://example.org/OZG und <b title='DSGVO'>",
        '!!! question "Frage zur DSGVO"', "    Erst hier: DSGVO und Datenpanne."])
    linked = linker().link(text)
    lines = linked.split("\n")
    assert lines[:8] == text.split("\n")[:8]
    assert lines[8] == text.split("\n")[8]
    assert lines[-1] == ("    Erst hier: [DSGVO](g.md#datenschutz-grundverordnung) und "
                         "[Datenpanne](g.md#datenpanne).")


def test_whole_words_only_and_the_longest_spelling_wins():
    linked = linker().link("Das OZG 2.0 änderte das OZG; OZG-Leistungen und DSGVOkonform nicht.")
    assert linked == ("Das [OZG 2.0](g.md#ozg-aenderungsgesetz) änderte das "
                      "[OZG](g.md#onlinezugangsgesetz); OZG-Leistungen und DSGVOkonform nicht.")


def test_without_terms_the_text_stays_as_it_is():
    assert TermLinker([], lambda term: "").link("Die DSGVO.") == "Die DSGVO."
