"""DigComp 2.2 coverage of the catalogue: which modules train which competence."""

from __future__ import annotations

from dataclasses import dataclass, field

from kurskit.authoring import digcomp
from kurskit.authoring.catalog import Catalog


@dataclass
class Coverage:
    competence: str
    name: str
    modules: list[str] = field(default_factory=list)  # module ids
    courses: dict[str, int] = field(default_factory=dict)  # course id → proficiency level

    @property
    def covered(self) -> bool:
        return bool(self.modules or self.courses)


def coverage(catalog: Catalog) -> list[Coverage]:
    """One row per DigComp 2.2 competence, in framework order, gaps included."""
    rows = {cid: Coverage(cid, name) for cid, name in digcomp.COMPETENCES.items()}
    for course in catalog.courses:
        for entry in course.manifest.get("competences", []):
            if entry.get("id") in rows:
                rows[entry["id"]].courses[course.id] = int(entry.get("level", 0))
        for module in course.modules:
            for cid in module.notebook.metadata.get("competences", []):
                if cid in rows:
                    rows[cid].modules.append(module.id)
    return list(rows.values())


def coverage_report(catalog: Catalog) -> str:
    rows = coverage(catalog)
    lines = [f"{'competence':<6} {'modules':>7}  name"]
    for row in rows:
        mark = f"{len(row.modules):>7}" if row.covered else "    gap"
        lines.append(f"{row.competence:<6} {mark}  {row.name}")
    covered = sum(row.covered for row in rows)
    lines.append(f"{covered} of {len(rows)} DigComp 2.2 competences covered "
                 f"by {len(catalog.modules)} modules")
    return "\n".join(lines)
