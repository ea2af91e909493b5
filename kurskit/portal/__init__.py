"""The learner portal: module pages, the Voilà view, and the one client of the grading API."""
