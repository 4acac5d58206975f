import json

import polars as pl
import pytest

from benchmart.ingest.connectors import parse_payload
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig

from ..conftest import FIXTURES, SAMPLES


def source(fmt: str, kind: str, **kw) -> SourceConfig:
    return SourceConfig(id="t", kind=kind, format=fmt, url="file:///dev/null", **kw)


LITELLM = {
    "sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "max_input_tokens": "max input tokens", "mode": "chat"},
    "gpt-4.1-mini": {"input_cost_per_token": 4e-07, "output_cost_per_token": 1.6e-06, "litellm_provider": "openai",
                     "mode": "chat", "max_input_tokens": 1047576, "max_output_tokens": 32768},
    "azure/eu/gpt-4.1-mini": {"input_cost_per_token": 4.4e-07, "output_cost_per_token": 1.76e-06, "litellm_provider": "azure", "mode": "chat"},
    "openai/gpt-4.1-mini-latest": {"alias_of": "gpt-4.1-mini"},
    "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0.0, "mode": "embedding"},
    "broken": {"input_cost_per_token": -1, "output_cost_per_token": "x", "litellm_provider": "p", "mode": "chat"},
}


def test_litellm_converts_per_token_to_per_million_and_skips_stubs():
    parsed = parse_payload(json.dumps(LITELLM).encode(), source("litellm", "prices"))
    rows = {r["model_name"]: r for r in parsed.prices.to_dicts()}
    assert set(rows) == {"gpt-4.1-mini", "azure/eu/gpt-4.1-mini"}
    assert (rows["gpt-4.1-mini"]["input_usd_per_mtok"], rows["gpt-4.1-mini"]["output_usd_per_mtok"]) == (0.4, 1.6)
    assert rows["azure/eu/gpt-4.1-mini"]["provider"] == "azure"
    assert parsed.rejects["rule"].to_list() == ["price_not_a_non_negative_number"]
    assert "broken" in parsed.rejects["record"][0]
    facts = parsed.models.filter(parsed.models["model_name"] == "gpt-4.1-mini").row(0, named=True)
    assert facts["context_window_tokens"] == 1047576


def test_litellm_payload_that_is_not_json_is_a_source_failure():
    with pytest.raises(SourceError, match="not valid JSON"):
        parse_payload(b"<html>rate limited</html>", source("litellm", "prices"))


MODELS_DEV = {
    "openai": {"id": "openai", "models": {
        "gpt-4.1-mini": {"id": "gpt-4.1-mini", "cost": {"input": 0.4, "output": 1.6}, "limit": {"context": 1047576, "output": 32768},
                         "reasoning": False, "release_date": "2025-04-14", "open_weights": False},
        "o9": {"id": "o9", "reasoning": True, "release_date": "2025-13"},
    }},
    "local": {"id": "local", "models": {"gemma-3-12b-it": {"id": "gemma-3-12b-it", "cost": {"input": 0, "output": 0}, "release_date": "2025-03"}}},
}


def test_models_dev_reads_prices_per_million_limits_and_month_dates():
    parsed = parse_payload(json.dumps(MODELS_DEV).encode(), source("models_dev", "models"))
    prices = {r["model_name"]: r for r in parsed.prices.to_dicts()}
    assert prices["gpt-4.1-mini"]["input_usd_per_mtok"] == 0.4
    assert prices["gemma-3-12b-it"]["input_usd_per_mtok"] == 0.0  # a real zero: free
    assert "o9" not in prices  # no cost: unknown, never zero
    facts = {r["model_name"]: r for r in parsed.models.to_dicts()}
    assert str(facts["gemma-3-12b-it"]["release_date"]) == "2025-03-01"
    assert facts["gpt-4.1-mini"]["context_window_tokens"] == 1047576
    assert parsed.rejects["rule"].to_list() == ["release_date_unreadable"]


SCORES_CSV = """\ufeffmodel,benchmark,value,unit,date,provenance,citation
GPT-4.1 mini,SWE-bench Verified,23.6,,2025-04-14,verified,https://openai.com/index/gpt-4-1/
o3,GPQA Diamond,83.3%,,2025-04-16,,
o3,AIME 2025,n/a,,2025-04-16,verified,
o3,MMMU,0.829,fraction,2025-04-16,verified,
,MMMU,50,,,,
o3,HLE,20.3,,16 April,verified,
o3,IFEval,80,,,official,
"""


def test_generic_csv_maps_columns_and_quarantines_bad_rows_with_their_rule():
    parsed = parse_payload(SCORES_CSV.encode(), source("csv", "scores", provenance="unverified"))
    good = parsed.scores.to_dicts()
    assert [(r["model_name"], r["raw_value"], r["provenance"], r["unit"]) for r in good] == [
        ("GPT-4.1 mini", 23.6, "verified", None),
        ("o3", 83.3, "unverified", None),  # % stripped; provenance from the source default
        ("o3", 0.829, "verified", "fraction"),
    ]
    assert parsed.rejects["rule"].to_list() == ["value_not_a_number", "model_missing", "date_unreadable", "provenance_unknown"]
    assert parsed.records_read == 7


def test_generic_csv_reports_missing_columns_by_name():
    with pytest.raises(SourceError, match=r"columns \['Score'\] not found"):
        parse_payload(b"model,benchmark,value\nx,y,1\n", source("csv", "scores", options={"columns": {"value": "Score"}}))


def test_generic_json_reads_a_records_list_with_constants():
    payload = json.dumps({"data": [{"name": "o3", "pct": "88.9"}, {"name": "o4-mini", "pct": "92.7"}]}).encode()
    src = source("json", "scores", options={"columns": {"model": "name", "value": "pct"}, "benchmark": "AIME 2025"})
    parsed = parse_payload(payload, src)
    assert parsed.scores.select("model_name", "benchmark_name", "raw_value").rows() == [
        ("o3", "AIME 2025", 88.9), ("o4-mini", "AIME 2025", 92.7)]


def test_runtime_csv_requires_a_positive_speed_or_a_latency():
    csv = b"model,provider,output_tokens_per_s,ttft_s\nGPT-4.1 mini,openai,80,0.76\nx,p,-3,0.2\ny,p,,\n"
    parsed = parse_payload(csv, source("csv", "runtime"))
    assert parsed.runtime.select("model_name", "output_tokens_per_s", "ttft_s").rows() == [("GPT-4.1 mini", 80.0, 0.76)]
    assert parsed.rejects["rule"].to_list() == ["runtime_out_of_range", "runtime_missing"]


@pytest.mark.parametrize("name, fmt, kind", [
    ("litellm_prices.json", "litellm", "prices"), ("models_dev.json", "models_dev", "models"),
    ("scores.csv", "csv", "scores"), ("runtime.csv", "csv", "runtime"),
])
def test_bundled_samples_parse_without_rejects(name, fmt, kind):
    parsed = parse_payload((SAMPLES / name).read_bytes(), source(fmt, kind))
    assert parsed.rejects.is_empty()
    assert parsed.records_read > 0


def test_real_litellm_and_models_dev_files_price_gpt_41_mini_at_40_and_160_cents():
    lite = parse_payload((FIXTURES / "litellm_model_prices_excerpt.json").read_bytes(), source("litellm", "prices"))
    row = lite.prices.filter(lite.prices["model_name"] == "gpt-4.1-mini").row(0, named=True)
    assert (row["input_usd_per_mtok"], row["output_usd_per_mtok"]) == (0.4, 1.6)
    dev = parse_payload((FIXTURES / "models_dev_excerpt.json").read_bytes(), source("models_dev", "models"))
    row = dev.prices.filter((dev.prices["model_name"] == "gpt-4.1-mini") & (dev.prices["provider"] == "openai")).row(0, named=True)
    assert (row["input_usd_per_mtok"], row["output_usd_per_mtok"]) == (0.4, 1.6)
    assert lite.records_read == 19 and dev.records_read == 6
    assert lite.skipped == {"documentation_stub": 1, "alias_of_stub": 2, "not_a_chat_model": 1}
    assert "azure/eu/gpt-4.1-mini" in lite.prices["model_name"].to_list()


def test_litellm_says_what_it_skips_by_design():
    parsed = parse_payload(json.dumps(LITELLM).encode(), source("litellm", "prices"))
    assert parsed.skipped == {"documentation_stub": 1, "alias_of_stub": 1, "not_a_chat_model": 1}
    assert parsed.records_read == parsed.prices.height + parsed.rejects.height + sum(parsed.skipped.values())


def test_a_generic_table_is_a_registry_when_its_kind_is_models(catalog):
    from benchmart.transforms.registry import registry_models

    table = "\n".join([
        "id,maker,name,released,ctx,thinks",
        "acme-nova-2,acme,Acme Nova 2,2026-03-01,200000,yes",
        "gpt-4.1-mini,openai,GPT-4.1 mini,2025-04-14,1047576,no",
        "broken,acme,Broken,someday,,",
    ]).encode()
    src = source("csv", "models", options={"columns": {"model": "id", "vendor": "maker", "display_name": "name",
                                                       "release_date": "released", "context": "ctx", "reasoning": "thinks"}})
    parsed = parse_payload(table, src)
    assert parsed.rejects["rule"].to_list() == ["release_date_unreadable"]
    assert parsed.registry.select("model_name", "vendor", "context_window_tokens", "is_reasoning").rows() == [
        ("acme-nova-2", "acme", 200000, True), ("gpt-4.1-mini", "openai", 1047576, False)]
    models = registry_models(catalog.models_frame(), parsed.registry, catalog.vendors_frame(), catalog.open_prefixes,
                             pl.DataFrame({"source_id": ["t"], "priority": [50]}))
    nova = models.filter(pl.col("model_id") == "acme-nova-2").row(0, named=True)
    assert (nova["display_name"], nova["vendor"], nova["origin"]) == ("Acme Nova 2", "acme", "t")
    assert models.filter(pl.col("origin") == "curated").height == len(catalog.models)  # gpt-4.1-mini is the curated one


@pytest.mark.fault('decimal commas and infinities in figures', 'quarantined, never guessed')
def test_numbers_are_never_guessed_from_a_decimal_comma_or_infinity():
    from benchmart.ingest.connectors.common import number

    text = pl.Series(["42.5", "42.5%", "1,234.5", "1,234", "0.85±0.02", "0,85", "1,25", "12,5", "inf", "-Infinity", "nan", "n/a"])
    got = pl.select(number(text.alias("t")).alias("n"))["n"].to_list()
    assert got == [42.5, 42.5, 1234.5, 1234.0, 0.85, None, None, None, None, None, None, None]


@pytest.mark.fault("a ragged row and a row with bytes that are not UTF-8 in a CSV", "those rows quarantined by rule, the rest parsed")
def test_a_ragged_row_or_a_bad_byte_quarantines_that_row_not_the_file():
    from benchmart.ingest.config import SourceConfig
    from benchmart.ingest.connectors import parse_payload

    columns = {c: c for c in ("model", "benchmark", "value")}
    src = SourceConfig(id="t", kind="scores", format="csv", url="https://example.org/x.csv", options={"columns": columns})
    long_name = b"E" * 400 + b"\xff"  # the bad byte past the excerpt a reject keeps
    body = b'model,benchmark,value\nA,MMLU,80\nB,MMLU,70,extra\n\xff\xfeC,MMLU,60\n"D, quoted",MMLU,50\n' + long_name + b",MMLU,40\n"
    parsed = parse_payload(body, src)
    assert parsed.scores["model_name"].to_list() == ["A", "D, quoted"] and parsed.records_read == 5
    assert sorted(parsed.rejects["rule"].to_list()) == ["not_utf8", "not_utf8", "ragged_row"]
    assert '"line": 3' in parsed.rejects.filter(pl.col("rule") == "ragged_row")["record"][0]


@pytest.mark.fault("a header-only CSV (or an empty list) replacing a good payload", "not used: the last good payload, marked stale")
def test_a_payload_with_no_records_is_never_fresh_and_the_last_good_one_is_used(tmp_path):
    from datetime import datetime, timezone

    from benchmart.ingest import acquire
    from benchmart.ingest.config import SourceConfig
    from benchmart.ingest.landing import LandingZone

    columns = {c: c for c in ("model", "benchmark", "value")}
    src = SourceConfig(id="t", kind="scores", format="csv", url="https://example.org/x.csv", options={"columns": columns})
    zone = LandingZone(tmp_path / "landing")
    zone.land("t", src.url, b"model,benchmark,value\nA,MMLU,80\n", datetime(2026, 11, 27, tzinfo=timezone.utc))
    latest = zone.land("t", src.url, b"model,benchmark,value\n", datetime(2026, 11, 28, tzinfo=timezone.utc))
    read = acquire.parse(acquire.SourceRead(src, latest, "fresh", history=zone.history("t")))
    assert read.status == "stale" and read.parsed.scores.height == 1 and "holds no records" in read.error
