"""Connectors for the public formats: each against a small literal payload holding its traps, and against
excerpts of the real public files committed under tests/fixtures/ (license noted there)."""

from datetime import date
import io
import json
from pathlib import Path
import tarfile

import polars as pl
import pytest

from benchmart.ingest.connectors import bundle, parse_payload
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
from benchmart.transforms.resolve import resolved

from ..conftest import FIXTURES


def source(fmt: str, kind: str = "scores", **kw) -> SourceConfig:
    return SourceConfig(id="t", kind=kind, format=fmt, url=kw.pop("url", "https://example.org/x"), **kw)


# ------------------------------------------------------------------ OpenRouter

OPENROUTER = {"data": [
    {"id": "openai/gpt-4.1-mini", "context_length": 1047576, "pricing": {"prompt": "0.0000004", "completion": "0.0000016"},
     "top_provider": {"max_completion_tokens": 32768}, "supported_parameters": ["tools"]},
    {"id": "openrouter/auto", "pricing": {"prompt": "-1", "completion": "-1"}},
    {"id": "google/gemma-3-12b-it:free", "context_length": 32768, "pricing": {"prompt": "0", "completion": "0"}},
    {"id": "x/broken", "pricing": {"prompt": "cheap", "completion": "0.1"}},
    {"id": "deepseek/deepseek-r1-0528", "pricing": {"prompt": "0.0000005", "completion": "0.00000215"}, "supported_parameters": ["reasoning"]},
]}


def test_openrouter_string_prices_per_token_variable_free_and_offers():
    parsed = parse_payload(json.dumps(OPENROUTER).encode(), source("openrouter", "prices"))
    rows = {r["model_name"]: r for r in parsed.prices.to_dicts()}
    assert (rows["openai/gpt-4.1-mini"]["input_usd_per_mtok"], rows["openai/gpt-4.1-mini"]["output_usd_per_mtok"]) == (0.4, 1.6)
    assert rows["google/gemma-3-12b-it"]["input_usd_per_mtok"] == 0.0 and rows["google/gemma-3-12b-it"]["provider"] == "openrouter:free"
    assert "openrouter/auto" not in rows and all(v >= 0 for v in parsed.prices["input_usd_per_mtok"])  # -1 is unknown, never negative
    assert sorted(parsed.rejects["rule"].to_list()) == ["price_not_a_non_negative_number", "price_variable"]
    facts = {r["model_name"]: r for r in parsed.models.to_dicts()}
    assert facts["deepseek/deepseek-r1-0528"]["is_reasoning"] is True and facts["openai/gpt-4.1-mini"]["max_output_tokens"] == 32768


# ------------------------------------------------------------------ Aider

AIDER = """
- dirname: 2025-04-16-a
  model: o3 (high)
  command: aider --model o3 --reasoning-effort high
  pass_rate_2: 79.6
  date: 2025-04-16
  commit_hash: 1234567
- dirname: 2025-04-17-b
  model: o3 (medium)
  command: aider --model o3
  pass_rate_2: 76.9
  date: 2025-04-17
- dirname: thinking
  model: claude-3-7-sonnet-20250219 (32k thinking tokens)
  command: "aider --model anthropic/claude-3-7-sonnet-20250219 --thinking-tokens 32k # via api"
  pass_rate_2: '64.9'
  date: 2025-02-24
- dirname: architect
  model: DeepSeek R1 + claude-3-5-sonnet-20241022
  command: aider --architect --model r1 --editor-model sonnet
  pass_rate_2: 64.0
  date: 2025-01-24
- dirname: by-display-name
  model: GPT-4.1 mini
  command: aider --model some-proxy/unknown-id
  pass_rate_2: 32.4
  date: 2025-04-14
- dirname: numeric-name
  model: 3.5
  pass_rate_2: n/a
  date: 2025-01-01
"""


def test_aider_takes_the_model_from_the_command_settings_as_variants_and_handles_yaml_traps(catalog):
    parsed = parse_payload(AIDER.encode(), source("aider"))
    out = resolved(parsed.scores, catalog.model_names(), catalog.benchmark_index())
    got = out.select("model_id", "variant", "raw_value", "observed_on").rows()
    assert got == [
        ("o3", "high", 79.6, date(2025, 4, 16)),
        ("o3", "medium", 76.9, date(2025, 4, 17)),  # no flag: the display name's note
        ("claude-3-7-sonnet", "thinking-32k", 64.9, date(2025, 2, 24)),
        ("gpt-4.1-mini", None, 32.4, date(2025, 4, 14)),  # --model unknown: the display name as alias
    ]
    assert out["benchmark_id"].unique().to_list() == ["aider-polyglot"]
    assert parsed.rejects["rule"].to_list() == ["architect_run_has_two_models", "pass_rate_2_missing"]


# ------------------------------------------------------------------ LiveBench

TABLE = "model,t1,t2,t3\ngpt-5-high,80,70,\no3-2025-04-16,60,40,50\nbad-row,x,1,2\n"
CATEGORIES = {"Reasoning": ["t1", "t2"], "Coding": ["t3"]}


def test_livebench_tasks_and_category_averages_dated_with_the_release():
    payload = bundle.pack({"table_2025_05_30.csv": TABLE.encode(), "categories_2025_05_30.json": json.dumps(CATEGORIES).encode()})
    parsed = parse_payload(payload, source("livebench"))
    got = {(r["model_name"], r["benchmark_name"]): r["raw_value"] for r in parsed.scores.to_dicts()}
    assert got[("gpt-5-high", "LiveBench Reasoning")] == 75.0
    assert ("gpt-5-high", "LiveBench Coding") not in got  # its only coding task is empty: no average, never a zero
    assert got[("o3-2025-04-16", "LiveBench Coding")] == 50.0 and got[("o3-2025-04-16", "LiveBench t2")] == 40.0
    assert set(parsed.scores["observed_on"].to_list()) == {date(2025, 5, 30)}
    assert parsed.rejects["rule"].to_list() == ["cell_not_a_score"]


# ------------------------------------------------------------------ Epoch

RUNS = ("\ufeffid,task,model,Best score (across scorers),Scores,log viewer,logs,job,started_at,Status,Manual evaluation,task version\n"
        "a,GPQA diamond,o3-2025-04-16_high,0.830,choice:0.83±0.02,https://logs/a,,,17 November 2025 4:28pm,Success,,1\n"
        "b,GPQA diamond,o3-2025-04-16_low,0.790,choice:0.79±0.02,https://logs/b,,,16 November 2025 8:17am,Success,,1\n"
        "c,GPQA diamond,gpt-4.1-mini-2025-04-14,,,,,,,Error,,1\n")
EXTERNAL = ("\ufeffAgent,Model version,Score,Source,Source link,Notes (details),Date added,Trajectories\n"
            "Agent S2,claude-sonnet-4-5-20250929_32K,61.4%,OSWorld,https://os-world.github.io/,,24/1/2025,\n"
            "Agent X,,30%,OSWorld,https://os-world.github.io/,,13/3/2025,\n")


def test_epoch_reads_bom_dates_percent_and_stderr_strings_and_effort_suffixes(catalog):
    payload = bundle.pack({"benchmarks_runs.csv": RUNS.encode(), "external_benchmark_os_world.csv": EXTERNAL.encode()})
    parsed = parse_payload(payload, source("epoch"))
    out = resolved(parsed.scores, catalog.model_names(), catalog.benchmark_index())
    assert out.select("model_id", "variant", "benchmark_id", "raw_value", "unit", "observed_on").rows() == [
        ("o3", "high", "gpqa-diamond", 0.83, "fraction", date(2025, 11, 17)),
        ("o3", "low", "gpqa-diamond", 0.79, "fraction", date(2025, 11, 16)),
        ("claude-sonnet-4-5", "32k", "osworld", 61.4, "percent", date(2025, 1, 24)),
    ]
    assert sorted(parsed.rejects["rule"].to_list()) == ["model_missing", "value_not_a_number"]


def test_an_unreadable_archive_is_a_source_failure():
    with pytest.raises(SourceError, match="not a readable zip or tar"):
        parse_payload(b"PK\x03\x04 truncated", source("epoch"))


# ------------------------------------------------------------------ llm-stats

def _tar(files: dict[str, object]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, content in files.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_llm_stats_cents_per_million_runtime_and_self_reported_scores():
    root = "llm-leaderboard-main/data"
    payload = _tar({
        f"{root}/organizations/openai/models/gpt-4.1-mini-2025-04-14/model.json": {"model_id": "gpt-4.1-mini-2025-04-14", "release_date": "2025-04-14", "license_id": "proprietary"},
        f"{root}/organizations/openai/models/gpt-4.1-mini-2025-04-14/benchmarks.json": [
            {"benchmark_id": "gpqa", "benchmark_name": "GPQA", "model_id": "gpt-4.1-mini-2025-04-14", "score": 0.65, "is_self_reported": True,
             "verified_by_llmstats": False, "self_reported_source_link": "https://openai.com/index/gpt-4-1/", "updated_at": "2025-07-19T19:56:12+00:00"},
            {"benchmark_id": "elo", "benchmark_name": "Elo", "model_id": "gpt-4.1-mini-2025-04-14", "score": 1350},
        ],
        f"{root}/providers/openai/models.json": [
            {"model_id": "gpt-4.1-mini-2025-04-14", "input_cents_per_million_tokens": 40, "output_cents_per_million_tokens": 160,
             "throughput": 150.0, "latency": 5.0},
        ],
    })
    parsed = parse_payload(payload, source("llm_stats"))
    assert parsed.prices.select("input_usd_per_mtok", "output_usd_per_mtok").row(0) == (0.4, 1.6)
    assert parsed.runtime.select("output_tokens_per_s", "ttft_s").row(0) == (150.0, 5.0)
    assert parsed.scores.select("raw_value", "unit", "provenance").row(0) == (0.65, "fraction", "unverified")
    assert parsed.rejects["rule"].to_list() == ["score_scale_unknown"]
    assert parsed.models["open_weights"].to_list() == [False]


# ------------------------------------------------------------------ excerpts of the real public files

def _dir_payload(path: Path) -> bytes:
    return bundle.pack({str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()})


def test_real_openrouter_and_llm_stats_price_gpt_41_mini_at_40_and_160_cents():
    orr = parse_payload((FIXTURES / "openrouter_models_excerpt.json").read_bytes(), source("openrouter", "prices"))
    assert orr.prices.filter(pl.col("model_name") == "openai/gpt-4.1-mini").select("input_usd_per_mtok", "output_usd_per_mtok").row(0) == (0.4, 1.6)
    assert orr.records_read == 6 and orr.prices.height + orr.rejects.height == 6
    assert orr.rejects["rule"].to_list() == ["price_variable"]  # openrouter/auto
    assert set(orr.prices.filter(pl.col("input_usd_per_mtok") == 0)["provider"]) == {"openrouter:free"}
    stats = parse_payload(_dir_payload(FIXTURES / "llm_stats" / "data"), source("llm_stats"))
    mini = stats.prices.filter((pl.col("model_name") == "gpt-4.1-mini-2025-04-14") & (pl.col("provider") == "openai"))
    assert mini.select("input_usd_per_mtok", "output_usd_per_mtok").row(0) == (0.4, 1.6)
    assert stats.models.height == 4 and stats.scores.height > 40 and stats.runtime.height > 0


def _count_runs(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.startswith("- "))


@pytest.mark.parametrize("fmt, path", [
    ("aider", "aider_polyglot_leaderboard_excerpt.yml"),
    ("aider", "aider_edit_leaderboard_excerpt.yml"),
    ("epoch", "epoch"),
])
def test_real_score_files_parse_every_record_or_quarantine_it(fmt, path):
    target = FIXTURES / path
    payload = _dir_payload(target) if target.is_dir() else target.read_bytes()
    parsed = parse_payload(payload, source(fmt))
    if fmt == "aider":
        assert parsed.records_read == _count_runs(target)
    else:
        rows = sum(pl.read_csv(p, infer_schema=False, encoding="utf8-lossy").height for p in target.glob("*.csv"))
        assert parsed.records_read == rows and parsed.models.height == 20
    assert parsed.scores.height > 0
    scored_or_rejected = parsed.scores.height + parsed.rejects.height
    assert scored_or_rejected == parsed.records_read - (parsed.models.height if fmt == "epoch" else 0)


def test_real_livebench_release_has_one_row_per_model_task_and_category():
    d = FIXTURES / "livebench"
    payload = bundle.pack({p.name: p.read_bytes() for p in d.iterdir()})
    parsed = parse_payload(payload, source("livebench"))
    assert parsed.records_read == 12 and parsed.rejects.is_empty()
    table = pl.read_csv(d / "table_2025_05_30.csv", infer_schema=False)
    tasks = [c for c in table.columns if c != "model"]
    cells = table.select(pl.sum_horizontal(pl.col(t).is_not_null() & (pl.col(t) != "") for t in tasks)).to_series().sum()
    categories = json.loads((d / "categories_2025_05_30.json").read_text())
    complete = sum(
        table.select(pl.all_horizontal(pl.col(t).is_not_null() & (pl.col(t) != "") for t in members)).to_series().sum()
        for members in categories.values()
    )
    assert parsed.scores.height == cells + complete  # one row per filled cell and per complete category
    assert set(parsed.scores["observed_on"].to_list()) == {date(2025, 5, 30)}


@pytest.mark.parametrize("name, model_id", [
    ("openai/gpt-4.1-mini", "gpt-4.1-mini"),  # OpenRouter
    ("OpenAI: GPT-4.1 Mini", "gpt-4.1-mini"),
    ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),  # llm-stats
    ("azure/eu/gpt-4.1-mini", "gpt-4.1-mini"),  # LiteLLM
    ("vercel_ai_gateway/openai/gpt-4.1-mini", "gpt-4.1-mini"),
    ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"),
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
    ("claude-sonnet-4-5-20250929_32K", "claude-sonnet-4-5"),  # Epoch
    ("claude-sonnet-4-5-20250929-thinking-64k", "claude-sonnet-4-5"),  # LiveBench
    ("claude-4-sonnet-20250514-thinking-64k", "claude-sonnet-4"),
    ("claude-4-1-opus-20250805-thinking-32k", "claude-opus-4-1"),
    ("gemini-2.5-pro-06-05-highthinking", "gemini-2.5-pro"),
    ("gemini/gemini-2.5-pro-preview-06-05", "gemini-2.5-pro"),  # Aider --model
    ("o3-2025-04-16_high", "o3"),
    ("o4-mini-2025-04-16_medium", "o4-mini"),
    ("grok-4-0709", "grok-4"),
    ("gpt-5-mini-minimal", "gpt-5-mini"),
    ("gpt-5-nano-high", "gpt-5-nano"),
    ("deepseek-r1-0528", "deepseek-r1-0528"),
    ("openrouter/openai/gpt-oss-120b", "gpt-oss-120b"),
])
def test_real_names_resolve_to_the_right_model(catalog, name, model_id):
    out = resolved(pl.DataFrame({"model_name": [name], "variant": [None]}, schema={"model_name": pl.String, "variant": pl.String}),
                   catalog.model_names())
    assert out["model_id"].to_list() == [model_id]


def test_aider_reads_the_configured_pass_rate():
    board = """
- dirname: refactor-a
  model: claude-3-opus
  command: aider --model claude-3-opus-20240229
  pass_rate_1: 60.0
  date: 2024-05-01
- dirname: refactor-b
  model: gpt-4o
  command: aider --model gpt-4o
  pass_rate_1: 49.4
  pass_rate_2: 55.0
  date: 2024-05-13
"""
    second = parse_payload(board.encode(), source("aider"))
    assert second.scores["raw_value"].to_list() == [55.0] and second.rejects["rule"].to_list() == ["pass_rate_2_missing"]
    first = parse_payload(board.encode(), source("aider", options={"metric": "pass_rate_1", "benchmark": "Aider Refactor"}))
    assert first.scores["raw_value"].to_list() == [60.0, 49.4] and first.rejects.is_empty()
    assert set(first.scores["benchmark_name"]) == {"Aider Refactor"}


def test_gpqa_is_gpqa_diamond_only_where_the_source_says_so(catalog):
    rows = [
        {"benchmark_id": "gpqa", "benchmark_name": "GPQA", "model_id": "o3-2025-04-16", "score": 0.83, "analysis_method": "Diamond, Pass@1"},
        {"benchmark_id": "gpqa", "benchmark_name": "GPQA", "model_id": "o3-mini", "score": 0.77, "analysis_method": "0-shot CoT"},
    ]
    payload = bundle.pack({"data/organizations/openai/models/o3/benchmarks.json": json.dumps(rows).encode()})
    parsed = parse_payload(payload, source("llm_stats"))
    assert parsed.scores["benchmark_name"].to_list() == ["GPQA Diamond", "GPQA"]
    out = resolved(parsed.scores, catalog.model_names(), catalog.benchmark_index())
    assert out["benchmark_id"].to_list() == ["gpqa-diamond", "gpqa"]  # a bare GPQA is another test set
