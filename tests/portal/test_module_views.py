"""Which view a module opens in: the one `kurskit build` recorded, unless one is forced."""

import json

from kurskit import layout
from kurskit.portal.pages import view_of


def test_the_recorded_view_is_followed_unless_a_view_is_forced(tmp_path):
    layout.portal_views(tmp_path).write_text(json.dumps(
        {"Kurs/01 Interaktiv.ipynb": "voila", "Kurs/02 Quiz.ipynb": "page"}), "utf-8")
    assert view_of(tmp_path, "Kurs/01 Interaktiv.ipynb", "auto") == "voila"
    assert view_of(tmp_path, "Kurs/02 Quiz.ipynb", "auto") == "page"
    assert view_of(tmp_path, "Kurs/01 Interaktiv.ipynb", "page") == "page"
    assert view_of(tmp_path, "Kurs/02 Quiz.ipynb", "voila") == "voila"
    assert view_of(tmp_path, "Kurs/03 Unbekannt.ipynb", "auto") == "page"


def test_without_a_record_every_module_is_a_page(tmp_path):
    assert view_of(tmp_path, "Kurs/01 Interaktiv.ipynb", "auto") == "page"
    layout.portal_views(tmp_path).write_text("kaputt", "utf-8")
    assert view_of(tmp_path, "Kurs/01 Interaktiv.ipynb", "auto") == "page"


def test_the_build_records_voila_only_for_modules_with_elements(released_example):
    views = json.loads(layout.portal_views(released_example.portal).read_text("utf-8"))
    assert views and set(views.values()) == {"page"}  # the fixture course has no element
    assert not layout.portal_views(released_example.portal).name.endswith(".ipynb")
