"""The landing zone: raw payloads, immutable, content-addressed, dated.

Layout: <landing>/<source_id>/<YYYY-MM-DD>/<sha256>.bin, written once (the date is the
day the content was first seen), and <landing>/<source_id>/manifest.jsonl, one line per
successful fetch (also when the content was already there), so a backfill can ask for
"the newest payload fetched on or before a date".
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
import hashlib
import json
import logging
import os
from pathlib import Path
import tempfile

from benchmart.errors import SourceError

log = logging.getLogger(__name__)


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
        """The payload's bytes, checked against its hash: a file changed or cut after landing is a source failure."""
        content = Path(self.path).read_bytes()
        if hashlib.sha256(content).hexdigest() != self.sha256:
            raise SourceError(f"source {self.source_id!r}: landed payload {self.path} does not match its sha256 "
                              f"{self.sha256[:12]}... (changed or truncated after landing)")
        return content


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
        """Every recorded fetch of a source, oldest first. A torn manifest line (a run killed while appending) is
        ignored and reported, never fatal; payload paths are relative to the landing zone, so it can move."""
        manifest = self.root / source_id / "manifest.jsonl"
        payloads, torn = [], 0
        for _, _, row in _manifest_lines(manifest):
            try:
                stored = Path(row["path"])
                row["path"] = str(stored if stored.is_absolute() and stored.exists() else self._located(source_id, row["sha256"], stored))
                payloads.append(Payload(**row))
            except (ValueError, KeyError, TypeError):  # a torn line (row None) or one that names no payload
                torn += 1
        if torn:
            log.warning("landing zone: %d torn or unreadable line(s) in %s ignored", torn, manifest)
        return sorted(payloads, key=lambda p: p.fetched_at)

    def _located(self, source_id: str, sha: str, stored: Path) -> Path:
        """A payload recorded relative to the landing zone (or under a landing zone that has moved)."""
        if not stored.is_absolute():
            return self.root / stored
        return self._find(source_id, sha) or stored

    def latest(self, source_id: str, on_or_before: date | None = None) -> Payload | None:
        """The newest payload fetched on or before a date (any date when None)."""
        candidates = [
            p for p in self.history(source_id) if on_or_before is None or p.fetched_at.date() <= on_or_before
        ]
        return candidates[-1] if candidates else None

    def _find(self, source_id: str, sha: str) -> Path | None:
        hits = sorted(p for p in (self.root / source_id).glob(f"*/{sha}.bin") if p.parent.name != "corrupt")
        return hits[0] if hits else None

    def _record(self, payload: Payload) -> None:
        row = asdict(payload) | {"fetched_at": payload.fetched_at.isoformat()}
        row.pop("stale")
        path = Path(payload.path)
        row["path"] = str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)
        manifest = self.root / payload.source_id / "manifest.jsonl"
        manifest.parent.mkdir(parents=True, exist_ok=True)
        with manifest.open("a+b") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell():  # after a torn append the file may not end with a newline: start a fresh line
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    fh.write(b"\n")
            fh.write((json.dumps(row, sort_keys=True) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())


@dataclass(frozen=True)
class Finding:
    source_id: str
    problem: str  # torn_manifest_line, missing_payload, corrupt_payload, unfinished_write, absolute_path, unrecorded_payload
    detail: str
    repaired: bool = False


def check(root: Path, repair: bool = False) -> list[Finding]:
    """What is wrong in a landing zone, and with `repair` the fix of each problem that has a safe one:

    - a torn or unreadable manifest line (a run killed while appending): dropped (kept in manifest.rejected.jsonl);
    - a manifest line whose payload file is gone: dropped (kept in manifest.rejected.jsonl);
    - a payload whose bytes no longer match its sha256: moved to <source>/corrupt/ and its manifest lines dropped;
    - an unfinished write (a `.incoming-*` file a killed run left): deleted;
    - an absolute payload path (written before paths were relative): made relative when under the zone;
    - a payload file no manifest line names: reported only (harmless; it is used again if fetched again).
    Runs already ignore or refuse each of these (never silently use them); the check makes them visible and gone."""
    root = Path(root)
    found: list[Finding] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        sid = folder.name
        for leftover in sorted(folder.glob("*/.incoming-*")):
            if repair:
                leftover.unlink(missing_ok=True)
            found.append(Finding(sid, "unfinished_write", str(leftover.relative_to(root)), repair))
        corrupt = set()
        landed = sorted(p for p in folder.glob("*/*.bin") if p.parent.name != "corrupt")
        for payload in landed:
            if hashlib.sha256(payload.read_bytes()).hexdigest() != payload.stem:
                corrupt.add(payload.stem)
                if repair:
                    (folder / "corrupt").mkdir(exist_ok=True)
                    payload.replace(folder / "corrupt" / payload.name)
                found.append(Finding(sid, "corrupt_payload", str(payload.relative_to(root)), repair))
        manifest = folder / "manifest.jsonl"
        keep, dropped, named, rewrite = [], [], set(), False
        for n, line, row in _manifest_lines(manifest):
            try:
                sha, stored = row["sha256"], Path(row["path"])
            except (KeyError, TypeError):  # a torn line (row None) or one that names no payload
                dropped.append(line)
                found.append(Finding(sid, "torn_manifest_line", f"line {n}: {line[:60]!r}", repair))
                continue
            where = stored if stored.is_absolute() else root / stored
            if sha in corrupt:
                dropped.append(line)
                continue
            if not where.exists():
                dropped.append(line)
                found.append(Finding(sid, "missing_payload", f"line {n}: {stored}", repair))
                continue
            if stored.is_absolute() and where.is_relative_to(root):
                row["path"] = str(where.relative_to(root))
                line, rewrite = json.dumps(row | {"fetched_at": row["fetched_at"].isoformat()}, sort_keys=True), True
                found.append(Finding(sid, "absolute_path", f"line {n}: {stored}", repair))
            named.add(sha)
            keep.append(line)
        for payload in landed:
            if payload.stem not in named and payload.stem not in corrupt:
                found.append(Finding(sid, "unrecorded_payload", str(payload.relative_to(root))))
        if repair and (dropped or rewrite):
            if dropped:
                with (folder / "manifest.rejected.jsonl").open("a", encoding="utf-8") as fh:
                    fh.write("".join(d + "\n" for d in dropped))
            _write_atomically(manifest, "".join(k + "\n" for k in keep).encode("utf-8"))
    return found


def _manifest_lines(manifest: Path) -> Iterator[tuple[int, str, dict | None]]:
    """(line number, line, row with `fetched_at` as a datetime) for each non-empty manifest line; the row is None for
    a torn or unreadable line."""
    if not manifest.exists():
        return
    for n, line in enumerate(manifest.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["fetched_at"] = datetime.fromisoformat(row["fetched_at"])
        except (ValueError, KeyError, TypeError):
            row = None
        yield n, line, row


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
