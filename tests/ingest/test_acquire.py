"""Landing zone and HTTP fetching, against a loopback server only."""

from datetime import date, datetime, timezone
import http.server
import threading
import time

import pytest

from benchmart.errors import SourceError
from benchmart.ingest.fetch import fetch, session
from benchmart.ingest.landing import LandingZone
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.acquire import acquire, fall_back


def at(day: int, hour: int = 3) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


def test_identical_content_lands_once_and_every_fetch_is_recorded(tmp_path):
    zone = LandingZone(tmp_path)
    first = zone.land("s", "u", b"payload", at(1))
    again = zone.land("s", "u", b"payload", at(2))
    other = zone.land("s", "u", b"payload v2", at(3))
    assert first.path == again.path and first.path != other.path
    assert len(list((tmp_path / "s").glob("*/*.bin"))) == 2
    assert "2026-11-01" in first.path and "2026-11-03" in other.path
    assert [p.sha256 for p in zone.history("s")] == [first.sha256, first.sha256, other.sha256]
    assert zone.latest("s", on_or_before=date(2026, 11, 2)).sha256 == first.sha256
    assert zone.latest("s").sha256 == other.sha256
    assert zone.latest("s", on_or_before=date(2026, 10, 31)) is None


class Script:
    """What the test server answers, request by request."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests: list[dict] = []


def _server(script: Script):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            script.requests.append(dict(self.headers))
            status, headers, body = script.responses.pop(0) if len(script.responses) > 1 else script.responses[0]
            if status == "hang":
                time.sleep(2)
                status = 200
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def serve():
    servers = []

    def start(*responses):
        script = Script(*responses)
        server = _server(script)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/data.json", script

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def src(url: str, **kw) -> SourceConfig:
    return SourceConfig(id="s", kind="prices", format="litellm", url=url, **kw)


FAST = session(retries=3, backoff=0.01)


@pytest.mark.fault('HTTP 500 then 200', 'retried, then landed')
def test_a_500_is_retried_then_succeeds(serve):
    url, script = serve((500, {}, b"oops"), (200, {}, b"{}"))
    assert fetch(src(url), http=FAST).content == b"{}"
    assert len(script.requests) == 2


@pytest.mark.fault('HTTP 429 with Retry-After', 'waits as told, then landed')
def test_429_honours_retry_after(serve):
    url, script = serve((429, {"Retry-After": "1"}, b""), (200, {}, b"ok"))
    started = time.perf_counter()
    assert fetch(src(url), http=FAST).content == b"ok"
    assert time.perf_counter() - started >= 0.9


@pytest.mark.fault('HTTP 5xx on every try', 'source failure naming the source (falls back)')
def test_persistent_errors_raise_a_source_error_naming_the_source(serve):
    url, _ = serve((503, {}, b"down"))
    with pytest.raises(SourceError, match="source 's'"):
        fetch(src(url), http=FAST)


@pytest.mark.fault('server never answers', 'timeout: a source failure')
def test_read_timeout_is_a_source_error(serve):
    url, _ = serve(("hang", {}, b"late"))
    with pytest.raises(SourceError, match="Timeout|timed out"):
        fetch(src(url, timeout_s=0.3), http=session(retries=0))


@pytest.mark.fault('body over max_bytes', 'refused, nothing landed')
def test_oversized_body_is_refused(serve):
    url, _ = serve((200, {}, b"x" * 5000))
    with pytest.raises(SourceError, match="max_bytes"):
        fetch(src(url, max_bytes=1000), http=FAST)


@pytest.mark.fault('body shorter than its Content-Length', 'source failure, nothing landed')
def test_truncated_body_is_a_source_error(serve):
    url, _ = serve((200, {"Content-Length": "1000"}, b"short"))
    with pytest.raises(SourceError):
        fetch(src(url), http=session(retries=0))


def test_304_reuses_the_last_payload_via_etag(serve, tmp_path):
    url, script = serve((200, {"ETag": '"v1"'}, b'{"a": 1}'), (304, {"ETag": '"v1"'}, b""))
    zone = LandingZone(tmp_path)
    first = acquire(src(url), zone, at(1))
    second = acquire(src(url), zone, at(2))
    assert script.requests[1].get("If-None-Match") == '"v1"'
    assert second.status == "unchanged" and second.payload.sha256 == first.payload.sha256
    assert len(zone.history("s")) == 2 and len(list(tmp_path.glob("s/*/*.bin"))) == 1


def test_plain_http_to_a_non_loopback_host_is_refused():
    with pytest.raises(SourceError, match="refusing http://"):
        fetch(src("http://example.com/prices.json"))


@pytest.mark.fault('redirect to a non-loopback/metadata address', 'refused')
def test_redirect_to_a_non_allowed_url_is_refused(serve):
    url, _ = serve((302, {"Location": "http://example.invalid/elsewhere"}, b""))
    with pytest.raises(SourceError, match="refusing http:// URL http://example.invalid"):
        fetch(src(url), http=session(retries=0))


def test_redirect_to_another_loopback_url_is_followed(serve):
    target, _ = serve((200, {}, b"moved here"))
    url, _ = serve((301, {"Location": target}, b""))
    assert fetch(src(url), http=FAST).content == b"moved here"


@pytest.mark.fault('user:password in a source URL', 'refused with the credentials redacted')
def test_credentials_in_urls_are_rejected():
    with pytest.raises(ValueError, match="credentials"):
        src("https://user:secret@example.com/x.json")


def test_failed_source_falls_back_to_its_last_good_payload_or_fails_as_configured(tmp_path):
    zone = LandingZone(tmp_path)
    assert fall_back(src("https://x/y"), zone, "boom").status == "missing"
    zone.land("s", "u", b"{}", at(1))
    read = fall_back(src("https://x/y"), zone, "boom")
    assert read.status == "stale" and read.payload.stale and read.error == "boom"
    with pytest.raises(SourceError, match="on_failure: fail"):
        fall_back(src("https://x/y", on_failure="fail"), zone, "boom")


@pytest.mark.fault('an HTML error page instead of data', 'refused')
def test_an_html_page_instead_of_data_is_refused(serve):
    url, _ = serve((200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>Just a moment...</html>"))
    with pytest.raises(SourceError, match="HTML page"):
        fetch(src(url), http=FAST)


def test_a_source_with_parts_lands_one_deterministic_bundle(serve, tmp_path):
    from benchmart.ingest.connectors import bundle

    table, _ = serve((200, {}, b"model,t1\nx,1\n"))
    cats, _ = serve((200, {"Content-Type": "application/json"}, b'{"A": ["t1"]}'))
    source = SourceConfig(id="lb", kind="scores", format="livebench", url=table, parts={"table.csv": table, "categories.json": cats})
    first, second = fetch(source, http=FAST).content, fetch(source, http=FAST).content
    assert first == second  # same parts, same bytes: lands once
    assert bundle.members(first, "lb") == {"categories.json": b'{"A": ["t1"]}', "table.csv": b"model,t1\nx,1\n"}


def test_a_local_directory_lands_as_a_bundle_of_its_files(tmp_path):
    from benchmart.ingest.connectors import bundle

    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / "data" / "sub" / "a.json").write_text("[]")
    got = fetch(SourceConfig(id="d", kind="scores", format="llm_stats", url=(tmp_path / "data").as_uri())).content
    assert bundle.members(got, "d") == {"sub/a.json": b"[]"}


@pytest.mark.fault('redirect to file://', 'refused')
def test_redirect_to_a_file_url_is_refused(serve):
    url, _ = serve((302, {"Location": "file:///etc/passwd"}, b""))
    with pytest.raises(SourceError, match="refusing file:// URL"):
        fetch(src(url), http=session(retries=0))


@pytest.mark.fault('torn landing-manifest line (kill while appending)', 'ignored and reported; the next fetch works')
def test_a_torn_manifest_line_is_ignored_and_the_next_fetch_starts_a_fresh_line(tmp_path, caplog):
    zone = LandingZone(tmp_path / "landing")
    zone.land("s", "file:///x", b"one", datetime(2026, 11, 1, tzinfo=timezone.utc))
    manifest = tmp_path / "landing" / "s" / "manifest.jsonl"
    with manifest.open("a", encoding="utf-8") as fh:  # a run killed while appending
        fh.write('{"bytes": 3, "etag": null, "fetched_at": "2026-11-02T00:0')
    assert [p.read() for p in zone.history("s")] == [b"one"]
    assert "1 torn or unreadable line(s)" in caplog.text
    zone.land("s", "file:///x", b"two", datetime(2026, 11, 3, tzinfo=timezone.utc))
    assert [p.read() for p in zone.history("s")] == [b"one", b"two"]


@pytest.mark.fault('landing zone moved; a payload changed after landing', 'payloads found; the changed one refused by its sha256')
def test_a_moved_landing_zone_still_finds_its_payloads_and_a_changed_payload_is_refused(tmp_path):
    LandingZone(tmp_path / "old").land("s", "file:///x", b"content", datetime(2026, 11, 1, tzinfo=timezone.utc))
    (tmp_path / "old").rename(tmp_path / "new")
    (payload,) = LandingZone(tmp_path / "new").history("s")
    assert payload.read() == b"content" and payload.path.startswith(str(tmp_path / "new"))
    with open(payload.path, "wb") as fh:
        fh.write(b"cont")  # truncated after landing
    with pytest.raises(SourceError, match="does not match its sha256"):
        payload.read()


@pytest.mark.fault('zip bomb (a member unpacking past the limit)', 'refused while unpacking, memory bounded')
def test_an_archive_that_unpacks_past_the_limit_is_refused_before_it_is_held():
    import io
    import zipfile

    from benchmart.ingest.connectors import bundle

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"0" * 5_000_000)  # 5 MB of zeros packs to a few KB
    packed = buf.getvalue()
    assert len(packed) < 20_000
    assert bundle.members(packed, "z", limit=10_000_000) == {"a.csv": b"0" * 5_000_000}
    with pytest.raises(SourceError, match="unpacks to more than 1,000,000 bytes"):
        bundle.members(packed, "z", limit=1_000_000)


@pytest.mark.fault("a token in a source URL's query", 'never printed, stored or landed in clear')
def test_credentials_in_a_source_url_are_never_shown_or_stored(tmp_path, serve):
    from benchmart.ingest.sources import sources_frame
    from benchmart.redact import redacted_url

    secret = "s3cr3t-t0ken-value"
    assert redacted_url(f"https://u:{secret}@example.org/x.json?api_key={secret}&page=2") == \
        "https://u:***@example.org/x.json?api_key=***&page=2"
    assert redacted_url("https://example.org/x.json?page=2") == "https://example.org/x.json?page=2"
    url, _ = serve((404, {}, b"no"), (200, {}, b"{}"))
    with pytest.raises(SourceError) as failed:
        fetch(src(f"{url}?token={secret}"), http=session(retries=0))
    assert secret not in str(failed.value) and "token=***" in str(failed.value)
    assert secret not in sources_frame([src(f"{url}?token={secret}", priority=1)])["url"][0]
    read = acquire(src(f"{url}?token={secret}"), LandingZone(tmp_path / "landing"), http=session(retries=0))
    assert secret not in read.payload.url and secret not in (tmp_path / "landing" / "s" / "manifest.jsonl").read_text()


@pytest.mark.fault('path traversal: a ../.. path, an absolute path outside the allowed folders, a symlink out, a folder holding one', 'refused (outside the allowed folders), no content in the error')
def test_file_sources_read_only_under_the_sources_folder_or_the_configured_roots(tmp_path, monkeypatch):
    from benchmart.errors import PermanentSourceError
    from benchmart.ingest.sources import load_sources

    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    (here / "data").mkdir(parents=True)
    elsewhere.mkdir()
    (here / "data" / "ok.json").write_text("{}")
    (elsewhere / "secret.txt").write_text("SHELL=/bin/bash")
    (here / "data" / "link.json").symlink_to(elsewhere / "secret.txt")
    entries = {"inside": "file://data/ok.json", "traversal": "file://data/../../elsewhere/secret.txt",
               "absolute": f"file://{elsewhere}/secret.txt", "symlink": "file://data/link.json", "folder": "file://data"}
    (here / "sources.yaml").write_text("sources:\n" + "".join(
        f"  - {{id: {k}, kind: prices, format: litellm, url: '{v}', priority: 1}}\n" for k, v in entries.items()))
    sources = {s.id: s for s in load_sources(here / "sources.yaml")}
    assert fetch(sources["inside"]).content == b"{}"
    for name in ("traversal", "absolute", "symlink", "folder"):  # the folder holds the symlink
        with pytest.raises(PermanentSourceError, match="outside the folders") as refused:
            fetch(sources[name])
        assert "SHELL" not in str(refused.value)
    monkeypatch.setenv("BENCHMART_FILE_ROOTS", f'["{elsewhere}"]')
    allowed = {s.id: s for s in load_sources(here / "sources.yaml")}
    assert fetch(allowed["absolute"]).content == b"SHELL=/bin/bash"


def _slow_server(handler_body):
    import http.server as hs

    class Handler(hs.BaseHTTPRequestHandler):
        calls = []

        def do_GET(self):  # noqa: N802 - http.server's naming
            Handler.calls.append(time.monotonic())
            handler_body(self, len(Handler.calls))

        def log_message(self, *args):
            pass

    server = hs.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, Handler.calls


@pytest.mark.fault('a server dripping one byte at a time', "cut off at the source's deadline")
def test_a_server_that_drips_bytes_is_cut_off_at_the_sources_deadline():
    def drip(h, _):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        try:
            for _ in range(100):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.2)  # each byte well inside the read timeout
        except OSError:
            pass

    server, _ = _slow_server(drip)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x.json"
        started = time.monotonic()
        with pytest.raises(SourceError, match="longer than its deadline of 1 s"):
            fetch(src(url, timeout_s=5, deadline_s=1), http=session(retries=0))
        assert time.monotonic() - started < 10  # not the 20 s the drip would take
    finally:
        server.shutdown()


@pytest.mark.fault('Retry-After: 600', 'honoured only up to the cap')
def test_retry_after_is_honoured_only_up_to_the_cap():
    def busy_then_ok(h, n):
        if n == 1:
            h.send_response(503)
            h.send_header("Retry-After", "600")
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "2")
        h.end_headers()
        h.wfile.write(b"{}")

    server, calls = _slow_server(busy_then_ok)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x.json"
        assert fetch(src(url), http=session(retries=2, backoff=0, max_retry_after=0.3)).content == b"{}"
        assert len(calls) == 2 and calls[1] - calls[0] < 5  # waited ~0.3 s, not 600 s
    finally:
        server.shutdown()


def _gzip_server(body: bytes, encoding: str = "gzip"):
    def send(h, _):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Encoding", encoding)
        h.send_header("Connection", "close")  # no Content-Length: only the stream itself says where it ends
        h.end_headers()
        h.wfile.write(body)
        h.close_connection = True

    return _slow_server(send)[0]


@pytest.mark.parametrize("cut", [0.9, 0.5, 0.999])
def test_a_gzip_body_cut_short_without_content_length_is_a_source_failure_not_a_payload(cut):
    import gzip
    import json

    from ..faults import record_fault

    whole = gzip.compress(json.dumps({"gpt-4.1-mini": {"input_cost_per_token": 4e-07, "pad": list(range(20000))}}).encode())
    server = _gzip_server(whole[: int(len(whole) * cut)])
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/prices.json"
        with pytest.raises(SourceError, match="ends before its end.*a truncated transfer, not landed") as refused:
            fetch(src(url), http=session(retries=0))
        record_fault("gzip body cut short, no Content-Length", "source failure (falls back to the last good payload)",
                     f"cut at {cut:.1%}: {str(refused.value)[:60]}...", True)
    finally:
        server.shutdown()
    whole_server = _gzip_server(whole)
    try:
        got = fetch(src(f"http://127.0.0.1:{whole_server.server_address[1]}/prices.json"), http=session(retries=0))
        assert got.content == gzip.decompress(whole)
    finally:
        whole_server.shutdown()
