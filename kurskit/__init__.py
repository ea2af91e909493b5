"""kurskit: nbgrader-graded notebook courses for municipal staff, shown as Voilà apps."""

__version__ = "0.1.0"
