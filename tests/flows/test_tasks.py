"""The parse cache is keyed on everything a parse depends on."""

import subprocess
import sys

from benchmart.flows.tasks import parser_files, parser_fingerprint


def test_the_parse_cache_key_covers_shared_helpers_and_the_frame_contracts():
    names = {p.name for p in parser_files()}
    assert {"common.py", "bundle.py", "tabular.py", "litellm.py", "config.py", "contracts.py", "__init__.py"} <= names


def test_the_fingerprint_changes_when_a_shared_helper_changes(tmp_path, monkeypatch):
    import benchmart.flows.tasks as tasks

    before = parser_fingerprint()
    files = parser_files()
    common = next(p for p in files if p.name == "common.py")
    edited = tmp_path / "common.py"
    edited.write_bytes(common.read_bytes() + b"\n# a changed helper\n")
    monkeypatch.setattr(tasks, "parser_files", lambda: [edited if p == common else p for p in files])
    parser_fingerprint.cache_clear()
    try:
        assert tasks.parser_fingerprint() != before
    finally:
        parser_fingerprint.cache_clear()


def test_known_formats_do_not_depend_on_import_order():
    code = ("import benchmart.ingest.connectors.litellm\n"
            "from benchmart.ingest.connectors import known_formats\n"
            "print(sorted(known_formats()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(sorted(["aider", "csv", "epoch", "json", "litellm", "livebench", "llm_stats", "models_dev", "openrouter"]))
