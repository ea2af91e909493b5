"""The hand-written handbook pages stay in step with the code and with what BITV 2.0 asks."""

import inspect
import re

import pytest
import yaml

from conftest import REPO
from kurskit import exercises
from kurskit.authoring.questions import KINDS
from kurskit.cli import parser
from kurskit.handbook.lessons import KIND_NAMES

TRAINER = (REPO / "site" / "trainer.md").read_text("utf-8")
DEVELOPER = (REPO / "site" / "entwickler.md").read_text("utf-8")
STATEMENT = (REPO / "site" / "barrierefreiheit.md").read_text("utf-8")


def subcommands() -> list[str]:
    action = next(a for a in parser()._actions if a.dest == "command")
    return sorted(action.choices)


def call_of(function) -> str:
    """How the trainers' page writes a widget call, e.g. ordering(qid, prompt, items)."""
    parameters = inspect.signature(function).parameters.values()
    return f"{function.__name__}(" + ", ".join(
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in parameters) + ")"


@pytest.mark.parametrize("command", subcommands())
def test_every_cli_subcommand_is_in_the_trainers_guide(command):
    assert f"kurskit {command}" in TRAINER


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_question_type_is_documented_for_trainers_and_developers(kind):
    assert f"`{kind}`" in TRAINER and f"`{kind}`" in DEVELOPER
    assert call_of(getattr(exercises, kind)) in TRAINER  # the real signature
    if KINDS[kind].check_function:
        assert f"{KINDS[kind].check_function}(qid, lösung, erklärung" in TRAINER
    assert kind in KIND_NAMES  # lesson pages name the type in German


def test_trainers_guide_covers_formgrader_and_export():
    assert "/lab?token=" in TRAINER and "Nbgrader → Formgrader" in TRAINER
    assert "nbgrader export" in TRAINER and "pass_percent" in TRAINER


def test_accessibility_statement_has_the_sections_of_the_model_statement():
    headings = re.findall(r"^#+ (.+)$", STATEMENT, re.MULTILINE)
    for section in ("Erklärung zur Barrierefreiheit", "Stand der Vereinbarkeit mit den "
                    "Anforderungen", "Nicht barrierefreie Inhalte", "Erstellung dieser "
                    "Erklärung", "Feedback und Kontaktangaben", "Schlichtungsverfahren"):
        assert section in headings
    assert re.search(r"erstellt\. |am \*\*\d+\. \w+ \d{4}\*\*", STATEMENT)
    assert "§ 16" in STATEMENT and "**[E-Mail-Adresse]**" in STATEMENT


def test_navigation_is_german_and_complete():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    titles = [next(iter(entry)) for entry in config["nav"]]
    assert titles == ["Start", "Kurskatalog", "Kompetenzen", "Fortschritt", "Glossar",
                      "Für Trainerinnen und Trainer", "Barrierefreiheit", "Datenschutz",
                      "Für Entwickler"]
    assert config["theme"]["language"] == "de"
    assert {"search": {"lang": "de"}} in config["plugins"]
