"""The draw of question pools: which variant of each pool a learner answers in an attempt.

Deterministic from (installation key, learner, module, attempt number, pool), so a reload
shows the same questions and the next attempt draws anew (with two or more variants a
different draw is likely, not certain). The key lives in the grading root, where
learners cannot read it, so nobody can compute a future draw. The grading service owns
the draw: it tells the learner's views what to show and refuses answers to the rest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from kurskit import layout
from kurskit.authoring.catalog import Module

NOT_DRAWN_DE = ("Diese Frage gehört nicht zu Ihrer aktuellen Auswahl – bitte laden Sie die "
                "Seite neu.")


@dataclass(frozen=True)
class Draw:
    attempt: int  # the attempt the draw is for
    drawn: dict[str, str]  # pool id → the variant's question id
    hidden: frozenset[str]  # the question ids of the variants not drawn


def installation_key(root: Path) -> bytes:
    """The installation's draw key, made once (atomically) on first use."""
    path = layout.draw_secret_file(root)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    staging.write_bytes(secrets.token_bytes(32))
    os.chmod(staging, 0o600)
    try:
        os.link(staging, path)  # the first writer wins; everyone reads the same key
    except FileExistsError:
        pass
    finally:
        staging.unlink()
    return path.read_bytes()


def draw_for(module: Module, learner: str, attempt: int, key: bytes) -> Draw:
    """The variants `learner` answers in attempt `attempt` of `module`."""
    drawn: dict[str, str] = {}
    hidden: set[str] = set()
    for pool, variants in module.notebook.pools.items():
        message = "\0".join((learner, module.id, str(attempt), pool)).encode()
        digest = hmac.new(key, message, hashlib.sha256).digest()
        chosen = variants[int.from_bytes(digest[:8], "big") % len(variants)].qid
        drawn[pool] = chosen
        hidden.update(v.qid for v in variants if v.qid != chosen)
    return Draw(attempt, drawn, frozenset(hidden))
