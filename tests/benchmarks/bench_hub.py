"""Hub-mode burst: 200 learners, each with their own hub token, submit at the same moment
against the whole hub stack (`kurskit start --hub`: JupyterHub, its proxy, the grading
service as a hub service, the gradebook in PostgreSQL). Run by `make bench` after the
SQLite burst of bench_grading.py.

Each learner is a hub user (created through the hub API with kurskit's automation token,
`KURSKIT_HUB_ADMIN_TOKEN`) with a token that may only reach the grading service for them;
every submission goes through the proxy and is identified by the hub. Then it counts what
the attempts folders, the ledger and the gradebook in PostgreSQL hold. Last line:
  hub-burst: 200 submitted, … graded, … lost, … duplicated, p95 … s
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from conftest import FULL  # noqa: E402
from hub_stack import MODULE, hub_stack  # noqa: E402
from kurskit import layout  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def tokens_for(url: str, admin: str, names: list[str]) -> dict[str, str]:
    headers = {"Authorization": f"token {admin}"}
    async with httpx.AsyncClient(timeout=120) as client:
        made = await client.post(f"{url}/hub/api/users", json={"usernames": names},
                                 headers=headers)
        assert made.status_code == 201, made.text
        found = {}
        for name in names:
            answer = await client.post(
                f"{url}/hub/api/users/{name}/tokens", headers=headers,
                json={"scopes": ["access:services!service=grading"], "note": "bench"})
            assert answer.status_code == 201, answer.text
            found[name] = answer.json()["token"]
        return found


async def submit(client: httpx.AsyncClient, url: str, token: str) -> float | None:
    """Submit-to-score in seconds (None: not acknowledged)."""
    headers = {"Authorization": f"token {token}"}
    started = time.perf_counter()
    answer = await client.post(f"{url}/services/grading/api/v1/modules/{MODULE}/submissions",
                               json={"answers": FULL}, headers=headers)
    if answer.status_code not in (201, 202):
        print(f"refused: {answer.status_code} {answer.text[:200]}", file=sys.stderr)
        return None
    body = answer.json()
    while answer.status_code == 202:
        await asyncio.sleep(0.5)
        answer = await client.get(f"{url}/services/grading{body['status_url']}"
                                  if body["status_url"].startswith("/api") else
                                  body["status_url"], headers=headers)
    return time.perf_counter() - started


async def burst(url: str, tokens: dict[str, str]) -> list[float | None]:
    limits = httpx.Limits(max_connections=len(tokens))
    async with httpx.AsyncClient(timeout=300, limits=limits) as client:
        return await asyncio.gather(*(submit(client, url, t) for t in tokens.values()))


def counts(stack, names: list[str]) -> tuple[int, int, int]:
    stored = sum(len(list(layout.attempts_dir(stack.project.grading, n, MODULE).glob("[0-9]*")))
                 for n in names)
    engine = sa.create_engine(stack.db_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT learner, count(*) FROM kurskit_graded_attempt WHERE learner LIKE 'bench-%' "
            "GROUP BY learner")).all()
        in_gradebook = connection.execute(sa.text(
            "SELECT count(*) FROM submitted_assignment WHERE student_id LIKE 'bench-%'")).scalar()
    engine.dispose()
    graded = min(len(rows), int(in_gradebook or 0))
    duplicated = sum(int(c) - 1 for _, c in rows)
    return stored, graded, duplicated


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=200)
    args = parser.parse_args()
    os.environ["KURSKIT_HUB_ADMIN_TOKEN"] = admin = secrets.token_hex(32)
    with hub_stack() as stack:
        names = [f"bench-{n:03d}" for n in range(args.learners)]
        tokens = asyncio.run(tokens_for(stack.url, admin, names))
        started = time.perf_counter()
        times = asyncio.run(burst(stack.url, tokens))
        wall = time.perf_counter() - started
        acknowledged = [t for t in times if t is not None]
        stored, graded, duplicated = counts(stack, names)
        lost = len(acknowledged) - stored
        print(f"hub-burst wall time {wall:.1f} s; acknowledged {len(acknowledged)}",
              file=sys.stderr)
        p95 = percentile(acknowledged, 0.95) if acknowledged else float("nan")
        print(f"hub-burst: {len(names)} submitted, {graded} graded, {lost} lost, "
              f"{duplicated} duplicated, p95 {p95:.1f} s")


if __name__ == "__main__":
    main()
