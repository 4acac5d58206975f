"""Fetch a source's raw bytes: requests with timeouts, retries with backoff, size cap, ETag."""

from dataclasses import dataclass
import ipaddress
import os
from pathlib import Path
import socket
import threading
import time
import zlib
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import requests
from requests.adapters import HTTPAdapter
import urllib3
from urllib3.util.retry import Retry

from benchmart import __version__
from benchmart.ingest.connectors import bundle
from benchmart.errors import SourceError, PermanentSourceError
from benchmart.redact import scrub, secrets_of
from benchmart.ingest.config import SourceConfig

CHUNK = 1 << 16
MAX_REDIRECTS = 5
USER_AGENT = f"benchmart/{__version__} (+https://github.com/benchmart)"


@dataclass(frozen=True)
class Fetched:
    content: bytes | None  # None: 304 Not Modified, reuse the last payload
    etag: str | None = None
    last_modified: str | None = None


class CappedRetry(Retry):
    """urllib3's Retry, but a server's Retry-After is honoured only up to `max_retry_after` seconds (urllib3 alone
    would sleep for whatever the header says, hours included)."""

    max_retry_after = 60.0

    def get_retry_after(self, response):
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, self.max_retry_after)


def session(retries: int = 3, backoff: float = 0.5, max_retry_after: float = 60.0) -> requests.Session:
    """A Session that retries connection errors, 429 and 5xx with exponential backoff and Retry-After (capped)."""
    retry_class = type("Retry", (CappedRetry,), {"max_retry_after": max_retry_after})
    retry = retry_class(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    s = requests.Session()
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"})
    return s


def fetch(source: SourceConfig, etag: str | None = None, last_modified: str | None = None, http: requests.Session | None = None) -> Fetched:
    """The source's bytes; a source with `parts` gets every part, bundled as one deterministic zip. A failure's
    message never carries the URL's credentials."""
    try:
        return _fetch(source, etag, last_modified, http)
    except SourceError as exc:
        urls = [source.url, *source.parts.values()]
        if any(secrets_of(u) for u in urls):
            raise type(exc)(scrub(str(exc), *urls)) from None
        raise


def _fetch(source: SourceConfig, etag: str | None, last_modified: str | None, http: requests.Session | None) -> Fetched:
    if source.parts:
        http = http or session()
        got = {name: fetch(source.model_copy(update={"url": url, "parts": {}}), http=http).content for name, url in source.parts.items()}
        return Fetched(bundle.pack(got))
    parts = urlsplit(source.url)
    if parts.scheme == "file":
        return _read_file(source)
    _check_allowed(source, source.url)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = http or session()
    started = time.monotonic()
    try:
        resp = _get_following_allowed_redirects(http, source, headers)
        with resp:
            if resp.status_code == 304:
                return Fetched(None, etag, last_modified)
            if resp.status_code >= 400:
                raise SourceError(f"source {source.id!r}: HTTP {resp.status_code} from {resp.url}")
            ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype in ("text/html", "application/xhtml+xml") and not source.options.get("accept_html"):
                raise SourceError(
                    f"source {source.id!r}: {resp.url} answered with an HTML page (Content-Type {ctype}), "
                    "most likely an error, login or rate-limit page; set options.accept_html if HTML is expected"
                )
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > source.max_bytes:
                raise SourceError(f"source {source.id!r}: {declared} bytes exceeds max_bytes {source.max_bytes}")
            body = bytearray()
            expired = threading.Event()
            # a total deadline for the transfer: a server that drips a byte at a time never trips the read timeout,
            # so a timer closes the connection when the source's deadline passes
            timer = threading.Timer(max(0.0, source.deadline_s - (time.monotonic() - started)), _cut, (resp, expired))
            timer.daemon = True
            timer.start()
            decoder = _decoder(source, resp.headers.get("Content-Encoding", ""))
            try:
                for raw in resp.raw.stream(CHUNK, decode_content=False):
                    try:
                        body += decoder.decompress(raw) if decoder else raw
                    except zlib.error as exc:
                        raise SourceError(f"source {source.id!r}: the compressed body from {resp.url} is corrupt ({exc})") from None
                    if len(body) > source.max_bytes:
                        raise SourceError(f"source {source.id!r}: body exceeds max_bytes {source.max_bytes}; raise it in the sources file")
                if decoder and not decoder.eof:  # the connection closed inside the compressed stream: a cut transfer
                    raise SourceError(f"source {source.id!r}: the compressed body from {resp.url} ends before its end "
                                      f"({len(body):,} bytes decoded): a truncated transfer, not landed")
            except Exception:
                if expired.is_set():
                    raise SourceError(f"source {source.id!r}: the transfer took longer than its deadline of {source.deadline_s:g} s "
                                      "(deadline_s in the sources file)") from None
                raise
            finally:
                timer.cancel()
            if expired.is_set():
                raise SourceError(f"source {source.id!r}: the transfer took longer than its deadline of {source.deadline_s:g} s")
            return Fetched(bytes(body), resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:  # the body is read from urllib3 directly
        raise SourceError(f"source {source.id!r}: fetching {source.url} failed: {type(exc).__name__}: {exc}") from None


def _decoder(source: SourceConfig, encoding: str):
    """A zlib stream decoder for the body's Content-Encoding (gzip or deflate), or None for an identity body. The
    body is decoded here rather than by urllib3, which accepts a gzip stream cut short without a word."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
    raise SourceError(f"source {source.id!r}: unsupported Content-Encoding {encoding!r} (benchmart asks for gzip or deflate)")


def _cut(resp: requests.Response, expired: threading.Event) -> None:
    """End a transfer from another thread: shut its socket down, so a blocked read returns at once."""
    expired.set()
    try:
        fd = resp.raw._fp.fp.fileno()  # the response's own reader: http.client keeps the socket open through it
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError, ValueError):
        pass
    resp.close()


def _get_following_allowed_redirects(http: requests.Session, source: SourceConfig, headers: dict) -> requests.Response:
    """Follow redirects by hand so every hop is checked before it is requested."""
    url = source.url
    for _ in range(MAX_REDIRECTS + 1):
        _check_allowed(source, url)
        resp = http.get(url, headers=headers, timeout=(min(10.0, source.timeout_s), source.timeout_s), stream=True, allow_redirects=False)
        if not resp.is_redirect:
            return resp
        resp.close()
        url = urljoin(url, resp.headers["Location"])
    raise SourceError(f"source {source.id!r}: more than {MAX_REDIRECTS} redirects from {source.url}")


def _read_file(source: SourceConfig) -> Fetched:
    """A local file; a local directory (e.g. a checkout of a data repository) lands as a deterministic zip."""
    path = Path(url2pathname(urlsplit(source.url).path))
    _confined(source, path)
    if path.is_dir():
        files = {str(p.relative_to(path)): p for p in sorted(path.rglob("*")) if p.is_file()}
        for p in files.values():  # a symlink inside the folder must not lead out of it
            _confined(source, p)
        total = sum(p.stat().st_size for p in files.values())
        if total > source.max_bytes:
            raise PermanentSourceError(f"source {source.id!r}: {path} holds {total} bytes, over max_bytes {source.max_bytes}")
        return Fetched(bundle.pack({name: p.read_bytes() for name, p in files.items()}))
    try:
        size = path.stat().st_size
        if size > source.max_bytes:
            raise PermanentSourceError(f"source {source.id!r}: {path} is {size} bytes, over max_bytes {source.max_bytes}")
        return Fetched(path.read_bytes())
    except FileNotFoundError:
        raise PermanentSourceError(f"source {source.id!r}: file not found: {path}") from None
    except OSError as exc:
        raise PermanentSourceError(f"source {source.id!r}: cannot read {path}: {exc}") from None


def _confined(source: SourceConfig, path: Path) -> None:
    """A file:// source reads only under its allowed folders (symlinks resolved); the message names neither the
    file's content nor more of its path than the user wrote."""
    roots = source._file_roots
    if not roots:
        return
    real = path.resolve()
    if not any(real == Path(r) or real.is_relative_to(r) for r in roots):
        raise PermanentSourceError(
            f"source {source.id!r}: {path} is outside the folders file:// sources may read ({', '.join(roots)}); "
            "add its folder to BENCHMART_FILE_ROOTS to allow it")


def _check_allowed(source: SourceConfig, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and (source.allow_http or _is_loopback(parts.hostname or "")):
        return
    raise SourceError(
        f"source {source.id!r}: refusing {parts.scheme}:// URL {url} "
        "(use https://, or set allow_http: true on the source to permit plain http)"
    )


def _is_loopback(host: str) -> bool:
    """localhost or a loopback IP literal; names are never looked up (no DNS to decide trust)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
