"""Bounded memory: a payload is held whole (up to the source's max_bytes, 50 MB by default) and parsed in one go, so
a run's memory is bounded by max_bytes: parsing takes at most BOUND x the payload's size on top of the payload
(measured here, in a fresh process, for the JSON, nested-JSON and CSV connectors at 20 MB). At the default cap
that is under 50 MB x (1 + BOUND); a bigger cap moves the bound with it."""

import json
from pathlib import Path
import subprocess
import sys

import pytest

from ..faults import record_fault

pytestmark = pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the resident size from Linux /proc")

BOUND = 12  # peak growth while parsing, in multiples of the payload's size (measured upper bounds: 4.4x to 7.5x)
PROBE = """
import resource, sys
from pathlib import Path
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import parse_payload
fmt, path = sys.argv[1], sys.argv[2]
payload = Path(path).read_bytes()
columns = {c: c for c in ("model", "benchmark", "value", "unit", "date", "citation", "provenance")}
src = SourceConfig(id="big", kind="scores" if fmt == "csv" else "prices", format=fmt, url="https://example.org/x",
                   max_bytes=len(payload) + 1, options={"columns": columns} if fmt == "csv" else {})
parse_payload(b"{}" if fmt != "csv" else b"model,benchmark,value\\n", src) if fmt != "openrouter" else None  # imports warmed
def status(key):
    return next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith(key + ":"))
try:
    open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to what is resident now
    peak_of = lambda: status("VmHWM")
except OSError:
    peak_of = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the peak so far: an upper bound
base = status("VmRSS")  # resident now, with the payload held
parsed = parse_payload(payload, src)
print((peak_of() - base) / len(payload), parsed.prices.height + parsed.scores.height)
"""


def _payload(fmt: str, size: int) -> bytes:
    n = size // 330
    if fmt == "litellm":
        return json.dumps({f"prov/model-{i}": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "litellm_provider": "prov",
                                               "mode": "chat", "max_input_tokens": 128000, "pad": "x" * 150} for i in range(n)}).encode()
    if fmt == "openrouter":
        return json.dumps({"data": [{"id": f"p/m-{i}", "context_length": 128000, "pricing": {"prompt": "0.000001", "completion": "0.000002"},
                                     "architecture": {"output_modalities": ["text"]}, "pad": "x" * 170} for i in range(n)]}).encode()
    rows = "\n".join(f"Model {i},GPQA Diamond,{i % 100},percent,2025-01-01,verified,https://example.org/{i}/{'x' * 200}" for i in range(n))
    return ("model,benchmark,value,unit,date,provenance,citation\n" + rows).encode()


@pytest.mark.parametrize("fmt", ["litellm", "openrouter", "csv"])
def test_parsing_a_large_payload_stays_within_a_stated_multiple_of_its_size(fmt, tmp_path):
    path = tmp_path / "payload"
    path.write_bytes(_payload(fmt, 20_000_000))
    done = subprocess.run([sys.executable, "-c", PROBE, fmt, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    growth, rows = done.stdout.split()
    growth = float(growth)
    record_fault(f"a {path.stat().st_size / 1e6:.0f} MB payload ({fmt})", f"parse peak <= {BOUND}x the payload on top of it",
                 f"{growth:.1f}x, {int(rows):,} rows", growth <= BOUND)
    assert int(rows) > 50_000 and growth <= BOUND, growth
