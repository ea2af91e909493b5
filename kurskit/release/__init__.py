"""Release: `kurskit check` and `kurskit build` (nbgrader's release, the portal folder,
the handbook)."""
