"""The grading benchmark runs in its small size and prints its four keyed lines."""

import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.nbgrader
KEYS = ("submit-p95:", "burst:", "autograde-speedup:", "service-rss:")


def test_small_grading_benchmark_prints_the_four_figures():
    completed = subprocess.run(
        [sys.executable, str(REPO / "tests" / "benchmarks" / "bench_grading.py"), "--small"],
        capture_output=True, text=True, timeout=1800, check=False)
    lines = completed.stdout.splitlines()
    assert completed.returncode == 0, completed.stdout + completed.stderr[-3000:]
    for key in KEYS:
        assert sum(line.startswith(key) for line in lines) == 1, (key, completed.stdout)
    assert lines[-1].startswith("service-rss:")
    assert any(line.startswith("baseline: nbgrader autograde") for line in lines)
    burst = next(line for line in lines if line.startswith("burst:"))
    assert "0 lost, 0 duplicated" in burst
    assert "scores identical" in next(line for line in lines
                                      if line.startswith("autograde-speedup:"))
