"""What course notebooks import: `from kurskit.exercises import single_choice, …`.

A contract for course authors (the setup cell of every module imports from here), kept
stable while the portal's code lives in `kurskit.portal.widgets`.
"""

from kurskit.portal.widgets.elements import (
    data_chart,
    maturity_check,
    password_lab,
    phishing_inspector,
)
from kurskit.portal.widgets.kinds import (
    NOT_CHOSEN,
    free_text,
    matching,
    multiple_choice,
    numeric,
    ordering,
    short_text,
    single_choice,
    true_false,
)
from kurskit.portal.widgets.page import PAGE, start_module
from kurskit.portal.widgets.submit import submit_panel

__all__ = ["NOT_CHOSEN", "PAGE", "data_chart", "free_text", "matching", "maturity_check",
           "multiple_choice", "numeric", "ordering", "password_lab", "phishing_inspector",
           "short_text", "single_choice", "start_module", "submit_panel", "true_false"]
