"""Writes that survive a crash: complete or absent, never half, and nothing left behind."""

import threading

import pytest

from kurskit import durable


def test_replace_writes_the_whole_file_or_leaves_the_old_one(tmp_path, monkeypatch):
    target = tmp_path / "a" / "state.json"
    durable.replace(target, "alt")
    assert target.read_text("utf-8") == "alt"

    def failing_replace(source, destination):
        raise OSError("no space left")

    monkeypatch.setattr(durable.os, "replace", failing_replace)
    with pytest.raises(OSError):
        durable.replace(target, "neu")
    assert target.read_text("utf-8") == "alt"
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]  # no temporary left


def test_a_staged_folder_appears_complete_or_not_at_all(tmp_path):
    final = tmp_path / "attempts" / "0001"
    with pytest.raises(RuntimeError), durable.staged_folder(final) as staging:
        durable.write_synced(staging / "a.txt", b"halb")
        raise RuntimeError("crash while writing")
    assert not final.exists() and list(final.parent.iterdir()) == []
    with durable.staged_folder(final) as staging:
        durable.write_synced(staging / "a.txt", b"ganz")
    assert (final / "a.txt").read_bytes() == b"ganz"
    assert [p.name for p in final.parent.iterdir()] == ["0001"]


def test_update_json_serialises_concurrent_changes(tmp_path):
    counter = tmp_path / "zaehler.json"

    def add_one() -> None:
        for _ in range(25):
            durable.update_json(counter, {"n": 0}, lambda value: {"n": value["n"] + 1})

    threads = [threading.Thread(target=add_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert durable.read_json(counter, None) == {"n": 100}


def test_read_json_gives_the_default_for_a_missing_file(tmp_path):
    assert durable.read_json(tmp_path / "fehlt.json", {"leer": True}) == {"leer": True}
