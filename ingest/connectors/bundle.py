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


UNPACKED_LIMIT = 1_000_000_000  # bytes an archive may unpack to at most, whatever its packed size (a zip bomb stops here)


def members(payload: bytes, source_id: str, limit: int = UNPACKED_LIMIT) -> dict[str, bytes]:
    """Files of a zip or (gzipped) tar payload, by path; a plain payload is not an archive. Unpacking stops with a
    source failure past `limit` bytes in all (declared sizes are checked first, and actual bytes as they come)."""
    out: dict[str, bytes] = {}
    total = 0

    def take(name: str, stream, declared: int) -> None:
        nonlocal total
        if total + declared > limit:
            raise SourceError(f"source {source_id!r}: the archive unpacks to more than {limit:,} bytes (at {name}); refused")
        chunks = []
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > limit:
                raise SourceError(f"source {source_id!r}: the archive unpacks to more than {limit:,} bytes (at {name}); refused")
            chunks.append(chunk)
        out[name] = b"".join(chunks)

    try:
        if zipfile.is_zipfile(io.BytesIO(payload)):
            with zipfile.ZipFile(io.BytesIO(payload)) as zf:
                for info in zf.infolist():
                    if not info.is_dir():
                        with zf.open(info) as stream:
                            take(info.filename, stream, info.file_size)
            return out
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:*") as tf:
            for member in tf:
                if member.isfile():
                    take(member.name, tf.extractfile(member), member.size)
        return out
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt archive from the network raises anything zipfile/tarfile can
        reason = f"{type(exc).__name__}: {exc}"[:160]
        raise SourceError(f"source {source_id!r}: payload is not a readable zip or tar archive ({reason})") from None


def is_archive(payload: bytes) -> bool:
    head = payload[:4]
    return head.startswith(b"PK\x03\x04") or head.startswith(b"\x1f\x8b") or payload[257:262] == b"ustar"
