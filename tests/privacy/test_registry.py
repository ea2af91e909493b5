"""The registry file: schema-checked, cross-checked against the code, durations computable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from kurskit.privacy.registry import (
    DATA_TYPES,
    REGISTRY,
    RegistryError,
    load_registry,
    months_before,
)


def broken(tmp_path, change) -> str:
    data = yaml.safe_load(REGISTRY.read_text("utf-8"))
    change(data)
    path = tmp_path / "datenschutz.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(RegistryError) as error:
        load_registry(path)
    return str(error.value)


def test_the_shipped_registry_is_valid_and_complete():
    registry = load_registry()
    assert tuple(registry.types) == DATA_TYPES
    assert not registry.types["certificates"].planned  # issued since issue 14
    assert registry.retention("certificates") == registry.retention("account")
    for data_type in registry.types.values():
        fields = data_type.fields
        assert fields["zweck"] and fields["rechtsgrundlagen"] and fields["sichtbar_fuer"]
    assert all(s.get("quelle") for s in registry.data["rechtsquellen"] if s["geprueft"])
    assert registry.retention("gradebook") == registry.retention("account")


@pytest.mark.parametrize("change, message", [
    (lambda d: d["datenarten"][0].pop("zweck"), "'zweck' is a required property"),
    (lambda d: d["datenarten"].pop(), "differ from the code's"),
    (lambda d: d["datenarten"][3]["rechtsgrundlagen"].append("gibts-nicht"),
     "unknown legal basis"),
    (lambda d: d["rechtsquellen"][2].pop("quelle"), "'quelle' is a required property"),
    (lambda d: d["datenarten"][3]["aufbewahrung"].pop("dauer"), "dauer"),
    (lambda d: d["datenarten"][3]["aufbewahrung"]["dauer"].update(tage=0), "minimum"),
    (lambda d: d["datenarten"][2]["aufbewahrung"].update(wie="results"), "'wie'"),
])
def test_a_broken_registry_is_refused_with_the_reason(tmp_path, change, message):
    assert message in broken(tmp_path, change)


def test_months_are_calendar_months():
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert months_before(now, 1) == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    assert months_before(now, 12) == datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
    assert months_before(now, 36) == datetime(2023, 3, 31, 12, 0, tzinfo=UTC)
