"""The registry of personal data (`datenschutz.yml`): loaded, schema-checked, cross-checked.

One data file lists every data type kurskit stores about a learner — purpose, legal basis,
who sees it, retention, where it lives. The handbook renders it, the Auskunft export
quotes it, erasure and retention take their rules from it: no second list exists. What
the code can do must match the file: `DATA_TYPES` names the types the code handles, and
loading fails when the file and the code disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import yaml

REGISTRY = Path(__file__).with_name("datenschutz.yml")
SCHEMA = Path(__file__).with_name("datenschutz.schema.json")
# the data types erasure, Auskunft and retention know how to find (ids in the registry)
DATA_TYPES = ("account", "attempts", "results", "drafts", "checks", "gradebook",
              "certificates", "audit", "service_logs")


class RegistryError(ValueError):
    """The registry file is broken or disagrees with the code (English, for developers)."""


@dataclass(frozen=True)
class Retention:
    text: str
    days: int | None = None  # a duration given in days …
    months: int | None = None  # … or in calendar months
    trigger: str | None = None  # letzte_aktivitaet | kurs_bestanden | eintrag
    otherwise_months: int | None = None  # kurs_bestanden: when the course is not passed
    same_as: str | None = None  # kept and deleted together with another data type

    def cutoff(self, now: datetime, *, otherwise: bool = False) -> datetime:
        """Data whose trigger lies before this moment is due for deletion."""
        months = self.otherwise_months if otherwise else self.months
        if months is not None:
            return months_before(now, months)
        if self.days is None:
            raise RegistryError("no duration")
        return now - timedelta(days=self.days)


@dataclass(frozen=True)
class DataType:
    id: str
    name: str
    fields: dict[str, Any]  # the whole entry, as the handbook renders it
    retention: Retention
    planned: bool


@dataclass(frozen=True)
class Registry:
    data: dict[str, Any]
    types: dict[str, DataType]

    def type(self, type_id: str) -> DataType:
        return self.types[type_id]

    def retention(self, type_id: str) -> Retention:
        """The rule of a type, following `wie` (same as another type) to the rule it names."""
        rule = self.types[type_id].retention
        return self.types[rule.same_as].retention if rule.same_as else rule

    def sources(self) -> dict[str, dict[str, Any]]:
        return {s["id"]: s for s in self.data["rechtsquellen"]}


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the last)."""
    import calendar

    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def load_registry(path: Path = REGISTRY) -> Registry:
    """The registry, checked; RegistryError names every problem found."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RegistryError(f"cannot read {path}: {error}") from None
    schema = json.loads(SCHEMA.read_text("utf-8"))
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    if problems:
        raise RegistryError(f"{path}: " + "; ".join(problems))
    problems += _cross_check(data)
    if problems:
        raise RegistryError(f"{path}: " + "; ".join(problems))
    types = {}
    for entry in data["datenarten"]:
        rule = entry["aufbewahrung"]
        duration, otherwise = rule.get("dauer", {}), rule.get("sonst", {})
        types[entry["id"]] = DataType(
            entry["id"], entry["name"], entry, Retention(
                text=rule["text"], days=duration.get("tage"), months=duration.get("monate"),
                trigger=rule.get("ausloeser"), otherwise_months=otherwise.get("monate"),
                same_as=rule.get("wie")), entry["status"] == "geplant")
    return Registry(data, types)


def _cross_check(data: dict[str, Any]) -> list[str]:
    """What the schema cannot say: ids unique and known to the code, references resolve."""
    problems = []
    ids = [e["id"] for e in data["datenarten"]]
    sources = {s["id"] for s in data["rechtsquellen"]}
    if len(set(ids)) != len(ids):
        problems.append("data type ids are not unique")
    if sorted(set(ids)) != sorted(DATA_TYPES):
        problems.append(f"data types {sorted(set(ids))} differ from the code's "
                        f"{sorted(DATA_TYPES)}")
    for entry in data["datenarten"]:
        unknown = set(entry["rechtsgrundlagen"]) - sources
        if unknown:
            problems.append(f"{entry['id']}: unknown legal basis {sorted(unknown)}")
        rule = entry["aufbewahrung"]
        same = rule.get("wie")
        if same is not None and (same not in ids or same == entry["id"]
                                 or "dauer" in rule):
            problems.append(f"{entry['id']}: 'wie' must name another type, without 'dauer'")
        if entry["status"] == "erhoben" and same is None and "dauer" not in rule:
            problems.append(f"{entry['id']}: stored data needs a retention duration")
        if "sonst" in rule and rule.get("ausloeser") != "kurs_bestanden":
            problems.append(f"{entry['id']}: 'sonst' only goes with kurs_bestanden")
    return problems
