"""`benchmart browse`: the golden SQLite warehouse in a real Datasette, over loopback HTTP: the canned leaderboard
lists ranked models first, tables and columns carry the dictionary's descriptions, models show by name."""

import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from typer.testing import CliRunner

from benchmart.cli import app

pytest.importorskip("datasette", reason="Datasette is the optional `browse` extra (make test installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 60.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_browse_serves_the_warehouse_described_with_the_bi_queries_as_canned_queries(golden):
    url, port = golden[2], _free_port()
    db = golden[1].url.database
    name = db.rsplit("/", 1)[-1].removesuffix(".db")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "benchmart"), "browse", "--warehouse", url, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        board = json.loads(_get(f"{base}/{name}/leaderboard.json?_shape=array"))
        ranked = [r["ranked"] for r in board]
        assert ranked[0] == "yes" and ranked == sorted(ranked, reverse=True)
        assert board[0]["rank"] == 1 and isinstance(board[0]["model"], str)
        page = _get(f"{base}/{name}/mart_leaderboard").decode()
        assert "One row per snapshot, lane and model" in page  # the table's description
        assert "Weighted mean of category scores" in page  # a column's description
        tables = json.loads(_get(f"{base}/{name}.json"))["tables"]
        assert next(t for t in tables if t["name"] == "alembic_version")["hidden"] is True
        rows = json.loads(_get(f"{base}/{name}/mart_leaderboard.json?_shape=array&_labels=on&_size=1"))
        assert rows[0]["model_id"]["label"]  # the foreign key lets Datasette show the model's name
    finally:
        children = {int(c) for t in Path(f"/proc/{proc.pid}/task").glob("*") for c in (t / "children").read_text().split()} \
            if Path(f"/proc/{proc.pid}/task").is_dir() else set()
        proc.terminate()
        proc.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
            time.sleep(0.2)
        left = [c for c in children if Path(f"/proc/{c}").exists()]
        for c in left:
            os.kill(c, signal.SIGKILL)
        assert not left, "Datasette outlived `benchmart browse`"


def test_browse_refuses_postgresql_and_writes_metadata_for_your_own_datasette(golden, tmp_path):
    out = tmp_path / "metadata.json"
    result = CliRunner().invoke(app, ["browse", "--warehouse", golden[2], "--metadata-out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads(out.read_text())
    (db,) = meta["databases"].values()
    assert set(db["queries"]) >= {"leaderboard", "rank_history", "head_to_head_lookup"}
    assert db["tables"]["dim_model"]["label_column"] == "display_name"
    refused = CliRunner().invoke(app, ["browse", "--warehouse", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
    assert refused.exit_code == 5 and "cannot connect" in refused.output
