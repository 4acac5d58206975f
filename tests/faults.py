"""The fault suite's table: tests that inject a fault record what they expected and what they observed; the session
prints one table at the end (and leaves it in build/test-artifacts/faults.md). Works across xdist workers: each
record is a JSON line appended to one file; rows of the same fault are summed."""

import json
import os
from pathlib import Path

ARTIFACTS = Path(os.environ.get("BENCHMART_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "build" / "test-artifacts"))
LOG = ARTIFACTS / "faults.jsonl"


def record_fault(fault: str, expected: str, observed: str, survived: bool, tried: int = 1) -> None:
    """One injected fault (or `tried` of one kind): what should happen, what did, and whether it was survived."""
    LOG.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"fault": fault, "expected": expected, "observed": observed, "tried": tried,
                       "survived": tried if survived else 0})
    with LOG.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def reset() -> None:
    LOG.unlink(missing_ok=True)


def table() -> list[dict]:
    """The recorded faults, one row per fault kind (counts summed, the last observation kept)."""
    rows: dict[str, dict] = {}
    if not LOG.exists():
        return []
    for line in LOG.read_text(encoding="utf-8").splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        row = rows.setdefault(r["fault"], {"fault": r["fault"], "expected": r["expected"], "tried": 0, "survived": 0, "observed": ""})
        row["tried"] += r["tried"]
        row["survived"] += r["survived"]
        row["observed"] = r["observed"]
    return list(rows.values())


def render(rows: list[dict]) -> str:
    lines = ["| fault | expected | observed | tried | survived |", "|---|---|---|---|---|"]
    lines += [f"| {r['fault']} | {r['expected']} | {r['observed']} | {r['tried']} | {r['survived']} |" for r in rows]
    total, ok = sum(r["tried"] for r in rows), sum(r["survived"] for r in rows)
    return "\n".join(lines + ["", f"faults injected {total}, survived {ok}"])
