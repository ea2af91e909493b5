"""Reporting for managers: progress aggregates (no group under 5) and competence coverage."""
