"""The DigComp 2.2 framework (JRC 2022): 5 areas, 21 competences, 8 proficiency levels.

German names follow the German translation of DigComp used by German public bodies.
"""

AREAS: dict[str, str] = {
    "1": "Informations- und Datenkompetenz",
    "2": "Kommunikation und Zusammenarbeit",
    "3": "Erstellung digitaler Inhalte",
    "4": "Sicherheit",
    "5": "Problemlösung",
}

COMPETENCES: dict[str, str] = {
    "1.1": "Daten, Informationen und digitale Inhalte durchsuchen und filtern",
    "1.2": "Daten, Informationen und digitale Inhalte bewerten",
    "1.3": "Daten, Informationen und digitale Inhalte verwalten",
    "2.1": "Mithilfe digitaler Technologien interagieren",
    "2.2": "Mithilfe digitaler Technologien teilen",
    "2.3": "Mithilfe digitaler Technologien am gesellschaftlichen Leben teilhaben",
    "2.4": "Mithilfe digitaler Technologien zusammenarbeiten",
    "2.5": "Netiquette",
    "2.6": "Digitale Identität verwalten",
    "3.1": "Digitale Inhalte entwickeln",
    "3.2": "Digitale Inhalte integrieren und neu erarbeiten",
    "3.3": "Urheberrecht und Lizenzen",
    "3.4": "Programmieren",
    "4.1": "Geräte schützen",
    "4.2": "Personenbezogene Daten und Privatsphäre schützen",
    "4.3": "Gesundheit und Wohlbefinden schützen",
    "4.4": "Umwelt schützen",
    "5.1": "Technische Probleme lösen",
    "5.2": "Bedürfnisse und technologische Antworten darauf erkennen",
    "5.3": "Digitale Technologien kreativ nutzen",
    "5.4": "Lücken in der digitalen Kompetenz erkennen",
}

# Proficiency bands: levels 1–2, 3–4, 5–6, 7–8.
BANDS: dict[str, tuple[int, int]] = {
    "Grundlegend": (1, 2),
    "Selbstständig": (3, 4),
    "Fortgeschritten": (5, 6),
    "Hoch spezialisiert": (7, 8),
}


def band_of(level: int) -> str:
    for name, (low, high) in BANDS.items():
        if low <= level <= high:
            return name
    raise ValueError(f"DigComp level {level} is outside 1–8")
