"""The landing zone: raw payloads, immutable, content-addressed, dated.

Layout: <landing>/<source_id>/<YYYY-MM-DD>/<sha256>.bin, written once (the date is the
day the content was first seen), and <landing>/<source_id>/manifest.jsonl, one line per
successful fetch (also when the content was already there), so a backfill can ask for
"the newest payload fetched on or before a date".
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime
import hashlib
import json
import os
from pathlib import Path
import tempfile

from benchmart.errors import SourceError


@dataclass(frozen=True)
class Payload:
    source_id: str
    sha256: str
    path: str
    url: str
    bytes: int
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    stale: bool = False  # true when the run fell back to this older payload

    def read(self) -> bytes:
        return Path(self.path).read_bytes()


class LandingZone:
    def __init__(self, root: Path):
        self.root = Path(root)

    def land(
        self,
        source_id: str,
        url: str,
        content: bytes,
        fetched_at: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Payload:
        """Store `content` once by its hash and record the fetch in the manifest."""
        sha = hashlib.sha256(content).hexdigest()
        existing = self._find(source_id, sha)
        if existing is None:
            folder = self.root / source_id / fetched_at.date().isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            existing = folder / f"{sha}.bin"
            _write_atomically(existing, content)
        payload = Payload(source_id, sha, str(existing), url, len(content), fetched_at, etag, last_modified)
        self._record(payload)
        return payload

    def history(self, source_id: str) -> list[Payload]:
        """Every recorded fetch of a source, oldest first."""
        manifest = self.root / source_id / "manifest.jsonl"
        if not manifest.exists():
            return []
        payloads = []
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row["fetched_at"] = datetime.fromisoformat(row["fetched_at"])
                payloads.append(Payload(**row))
        return sorted(payloads, key=lambda p: p.fetched_at)

    def latest(self, source_id: str, on_or_before: date | None = None) -> Payload | None:
        """The newest payload fetched on or before a date (any date when None)."""
        candidates = [
            p for p in self.history(source_id) if on_or_before is None or p.fetched_at.date() <= on_or_before
        ]
        return candidates[-1] if candidates else None

    def _find(self, source_id: str, sha: str) -> Path | None:
        hits = sorted((self.root / source_id).glob(f"*/{sha}.bin"))
        return hits[0] if hits else None

    def _record(self, payload: Payload) -> None:
        row = asdict(payload) | {"fetched_at": payload.fetched_at.isoformat()}
        row.pop("stale")
        manifest = self.root / payload.source_id / "manifest.jsonl"
        manifest.parent.mkdir(parents=True, exist_ok=True)
        with manifest.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, sort_keys=True) + "\n")


def _write_atomically(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SourceError(f"cannot write landing file {path}: {exc}") from exc
