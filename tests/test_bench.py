"""The benchmark script keeps working (tiny sizes; it prints figures, nothing here asserts a timing)."""

import subprocess
import sys

from .conftest import PROJECT_ROOT


def test_publish_benchmark_runs_at_a_tiny_size(pg_url):
    from .conftest import PG_URL

    out = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "publish.py"), "--pg", PG_URL, "--models", "20", "--benchmarks", "5",
         "--ranked", "10", "--sqlite"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "fct_benchmark_observation           100" in out.stdout and "mart_head_to_head                    45" in out.stdout
    assert "SQLite" in out.stdout
