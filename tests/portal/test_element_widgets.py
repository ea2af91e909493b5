"""The interactive elements' widgets in-process: computed in the kernel, answers of a plain
kind, drafts restored, labelled controls, charts with a text alternative."""

import pytest

from kurskit.portal.widgets import elements
from kurskit.portal.widgets.chart import bar_chart
from kurskit.portal.widgets.page import PAGE, start_module

MAILS = [{"absender": "Kasse", "adresse": "kasse@fremd.example", "betreff": "Mahnung",
          "text": "Zahlen Sie.", "links": [["Jetzt zahlen", "https://fremd.example/pay"]],
          "anhang": "x.zip", "merkmale": ["Mail 1: Absender", "Mail 1: Anhang"]}]


@pytest.fixture
def page():
    start_module("beispiel-01-elemente")
    return PAGE


def all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_widgets(child)


def find(question, kind, **traits):
    return [w for w in all_widgets(question.box) if type(w).__name__ == kind
            and all(getattr(w, k) == v for k, v in traits.items())]


def test_phishing_inspector_shows_real_targets_on_request_and_marks_become_the_answer(page):
    elements.phishing_inspector("verdacht", "Was?", ["Mail 1: Absender", "Mail 1: Anhang"],
                                MAILS)
    question = page.questions["verdacht"]
    assert "kasse@fremd.example" not in str([w.value for w in find(question, "HTML")])
    sender = find(question, "Button", description="Absenderadresse zeigen")[0]
    link = find(question, "Button", description="Link: Jetzt zahlen")[0]
    assert link.tooltip == "Ziel: https://fremd.example/pay"  # shown on hover
    sender.click()
    assert any("kasse@fremd.example" in w.value for w in find(question, "HTML"))
    link.click()
    assert any("https://fremd.example/pay" in w.value for w in find(question, "HTML"))
    assert question.answer() is None
    find(question, "Checkbox", description="Mail 1: Anhang")[0].value = True
    assert question.answer() == ["Mail 1: Anhang"]
    question.restore(["Mail 1: Absender"])
    assert question.answer() == ["Mail 1: Absender"]


def test_password_lab_computes_the_risk_and_the_taken_length_is_the_answer(page):
    elements.password_lab("laenge", "Wie lang?", "Zeichen", {"versuche_pro_sekunde": 1e10})
    question = page.questions["laenge"]
    assert elements.brute_force_years(11, 52, 1e10) == pytest.approx(23.8, abs=0.1)
    assert elements.brute_force_years(12, 52, 1e10) == pytest.approx(1239, abs=1)
    length = find(question, "BoundedIntText")[0]
    charset = find(question, "Dropdown")[0]
    result = next(w for w in find(question, "HTML") if "kk-live" in w._dom_classes)
    charset.value, length.value = 52, 12
    assert "12 Stellen" in result.value and "Jahre" in result.value
    find(question, "Checkbox", description="Dieses Passwort nutze ich auch für andere "
                                           "Konten")[0].value = True
    assert "Wiederverwendung" in result.value
    assert question.answer() is None  # nothing taken over yet
    find(question, "Button")[0].click()  # „Diese Länge als Antwort übernehmen“
    assert question.answer() == 12
    question.restore(14)
    assert question.answer() == 14


def test_maturity_check_follows_the_ladder_and_the_own_service_is_not_the_answer(page):
    elements.maturity_check("stufe", "Stufe?", ["A", "B", "C"], ["Gibt es A?", "Gibt es B?"],
                            ["nur offline", "B fehlt", "alles da"])
    question = page.questions["stufe"]
    case = question.watched
    own = [r for r in find(question, "RadioButtons") if r not in case]
    assert len(case) == len(own) == 2
    own[0].value = False  # the learner's own service: not the answer
    assert question.answer() is None
    case[0].value = True
    assert question.answer() is None  # unanswered question 2
    case[1].value = False
    assert question.answer() == "B"
    case[1].value = True
    assert question.answer() == "C"
    question.restore("A")
    assert [r.value for r in case] == [False, None] and question.answer() == "A"


def test_data_chart_filters_redraw_and_the_marked_bar_is_the_answer(page):
    werte = {"Ausweise": {"vor": [10, 20], "nach": [3, None]},
             "Meldewesen": {"vor": [7, 30]}}
    elements.data_chart("balken", "Tag?", ["Montag", "Dienstag"], werte,
                        {"titel": "Wartezeit", "einheit": "Minuten", "filter1": "Anliegen",
                         "filter2": "Tageszeit"})
    question = page.questions["balken"]
    first, second = find(question, "Dropdown")
    chart = next(w for w in find(question, "HTML") if "<svg" in w.value)
    assert "Montag: 10 Minuten" in chart.value
    second.value = "nach"
    assert "Dienstag: geschlossen" in chart.value
    first.value = "Meldewesen"
    assert list(second.options) == ["vor"] and "Dienstag: 30 Minuten" in chart.value
    question.watched[0].value = "Dienstag"
    assert question.answer() == "Dienstag" and "Markiert: Dienstag" in chart.value


def test_a_chart_is_an_image_with_title_description_and_a_table_of_its_values():
    html = bar_chart("t1", "Wartezeit <Mo>", "Minuten", ["Mo", "Di"], [2.5, None], "Di")
    assert 'role="img"' in html and 'aria-labelledby="kk-t1-titel kk-t1-beschreibung"' in html
    assert "<title id=\"kk-t1-titel\">Wartezeit &lt;Mo&gt;</title>" in html
    assert "Mo: 2,5 Minuten; Di: geschlossen. Markiert: Di" in html
    assert "<th scope=\"row\">Mo</th><td>2,5 Minuten</td>" in html
    assert "▲ markiert" in html  # the marked bar not by colour alone


def test_every_element_control_is_labelled_or_says_what_it_is(page):
    elements.password_lab("laenge", "Wie lang?", "Zeichen", {"versuche_pro_sekunde": 1e10})
    elements.data_chart("balken", "Tag?", ["Mo", "Di"], {"X": {"vor": [1, 2]}},
                        {"titel": "T", "einheit": "Minuten", "filter1": "A", "filter2": "B"})
    elements.maturity_check("stufe", "S?", ["A", "B"], ["Gibt es A?"], ["a", "b"])
    for question in page.questions.values():
        for widget in all_widgets(question.box):
            kind = type(widget).__name__
            if kind in ("Dropdown", "RadioButtons", "BoundedIntText", "Text"):
                assert any(c.startswith("kk-lbl-") for c in widget._dom_classes), kind
            if kind in ("Button", "Checkbox"):
                assert widget.description, kind
