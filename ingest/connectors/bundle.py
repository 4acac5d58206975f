"""Payloads made of several files: a deterministic zip (sorted names, fixed timestamps), so the same
parts always give the same bytes and the landing zone stays content-addressed."""

import io
import tarfile
import zipfile

from benchmart.errors import SourceError

_EPOCH = (2000, 1, 1, 0, 0, 0)


def pack(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, parts[name])
    return buf.getvalue()


def members(payload: bytes, source_id: str) -> dict[str, bytes]:
    """Files of a zip or (gzipped) tar payload, by path; a plain payload is not an archive."""
    try:
        if zipfile.is_zipfile(io.BytesIO(payload)):
            with zipfile.ZipFile(io.BytesIO(payload)) as zf:
                return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:*") as tf:
            return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as exc:
        raise SourceError(f"source {source_id!r}: payload is not a readable zip or tar archive ({exc})") from None


def is_archive(payload: bytes) -> bool:
    head = payload[:4]
    return head.startswith(b"PK\x03\x04") or head.startswith(b"\x1f\x8b") or payload[257:262] == b"ustar"
