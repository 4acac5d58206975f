"""`benchmart landing check`: every way a killed run or a bad disk leaves the landing zone is reported, --repair fixes
it, and a run afterwards needs nothing else."""

from datetime import datetime, timezone
import json

from typer.testing import CliRunner

from benchmart.cli import app
from benchmart.ingest.landing import LandingZone, check

from ..faults import record_fault


def test_check_reports_and_repair_fixes_every_kind_of_damage(tmp_path):
    zone = LandingZone(tmp_path / "data" / "landing")
    good = zone.land("litellm", "https://x/p.json", b'{"a": 1}', datetime(2026, 11, 27, 3, tzinfo=timezone.utc))
    bad = zone.land("litellm", "https://x/p.json", b'{"a": 2}', datetime(2026, 11, 28, 3, tzinfo=timezone.utc))
    gone = zone.land("models-dev", "https://y/m.json", b"[]", datetime(2026, 11, 28, 3, tzinfo=timezone.utc))
    manifest = zone.root / "litellm" / "manifest.jsonl"
    with manifest.open("a") as fh:
        fh.write('{"source_id": "litellm", "sha256": "ab')  # a run killed while appending
    open(bad.path, "r+b").write(b"X")  # changed after landing
    (zone.root / "models-dev" / "2026-11-28" / f"{gone.sha256}.bin").unlink()  # a payload file lost
    (zone.root / "litellm" / "2026-11-28" / ".incoming-abc").write_bytes(b"half")  # an unfinished write
    found = {(f.source_id, f.problem) for f in check(zone.root)}
    assert found == {("litellm", "torn_manifest_line"), ("litellm", "corrupt_payload"), ("models-dev", "missing_payload"),
                     ("litellm", "unfinished_write")}
    runner = CliRunner()
    before = runner.invoke(app, ["landing", "check", "--data-dir", str(tmp_path / "data")])
    assert before.exit_code == 1 and "--repair" in before.output
    fixed = runner.invoke(app, ["landing", "check", "--data-dir", str(tmp_path / "data"), "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert check(zone.root) == []
    assert [p.sha256 for p in zone.history("litellm")] == [good.sha256]  # the good payload stays usable
    assert zone.history("models-dev") == []
    assert (zone.root / "litellm" / "corrupt" / f"{bad.sha256}.bin").exists()
    rejected = (zone.root / "litellm" / "manifest.rejected.jsonl").read_text().splitlines()
    assert len(rejected) == 2 and json.loads(rejected[0])["sha256"] == bad.sha256
    record_fault("damaged landing zone (torn line, corrupt and missing payloads, unfinished write)",
                 "reported by `landing check`, fixed by --repair, no manual edit", f"{len(found)} kinds found, all repaired", True, tried=len(found))
