"""Grading: submissions, attempts, the inbox, the fast path, nbgrader's gradebook rows,
learners' results, drafts, batch regrade. Never imports the HTTP layer or the portal."""
