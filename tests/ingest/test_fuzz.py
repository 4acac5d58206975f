"""Property-based: no input makes a connector raise past itself. Arbitrary bytes, byte-level mutations of the real
fixtures (flips, cuts, insertions) and structural mutations of their JSON/YAML (any value replaced by any JSON
value: strings for numbers, lists of lists, nesting, huge and non-finite numbers) either parse (bad records
become rejects with a rule) or fail as a SourceError naming the source, in a short message."""

import json
import os

from hypothesis import HealthCheck, given, settings, strategies as st
import polars as pl
import pytest
import yaml

from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import bundle, parse_payload

from ..conftest import FIXTURES, PROJECT_ROOT
from ..faults import record_fault

FUZZ = settings(max_examples=int(os.environ.get("BENCHMART_FUZZ_EXAMPLES", "40")), deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
COLUMNS = {"model": "model", "benchmark": "benchmark", "value": "value", "unit": "unit", "date": "date", "citation": "citation",
           "provenance": "provenance"}


def _dir(path) -> bytes:
    return bundle.pack({str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()})


# format -> (source, a real payload (excerpt) of that format)
CORPUS = {
    "openrouter": (dict(kind="prices"), (FIXTURES / "openrouter_models_excerpt.json").read_bytes()),
    "aider": (dict(kind="scores", options={"benchmark": "aider-polyglot"}), (FIXTURES / "aider_polyglot_leaderboard_excerpt.yml").read_bytes()),
    "litellm": (dict(kind="prices"), (FIXTURES / "litellm_model_prices_excerpt.json").read_bytes()),
    "models_dev": (dict(kind="models"), (FIXTURES / "models_dev_excerpt.json").read_bytes()),
    "livebench": (dict(kind="scores"), _dir(FIXTURES / "livebench")),
    "epoch": (dict(kind="scores"), _dir(FIXTURES / "epoch")),
    "llm_stats": (dict(kind="scores"), _dir(FIXTURES / "llm_stats")),
    "csv": (dict(kind="scores", options={"columns": COLUMNS}), (PROJECT_ROOT / "samples" / "scores.csv").read_bytes()),
    "json": (dict(kind="scores", options={"columns": COLUMNS}),
             json.dumps(pl.read_csv(PROJECT_ROOT / "samples" / "scores.csv", infer_schema=False).to_dicts()).encode()),
}
TRIED: dict[str, int] = {}
CRASHED: dict[str, int] = {}  # hypothesis replays a failure while shrinking: each replay counts


def _source(fmt: str) -> SourceConfig:
    kw, _ = CORPUS[fmt]
    return SourceConfig(id="fuzzed", format=fmt, url="https://example.org/payload", **kw)


def _survives(fmt: str, payload: bytes) -> None:
    TRIED[fmt] = TRIED.get(fmt, 0) + 1
    CRASHED[fmt] = CRASHED.get(fmt, 0) + 1  # until it is known to have survived
    _check(fmt, payload)
    CRASHED[fmt] -= 1


def _check(fmt: str, payload: bytes) -> None:
    try:
        parsed = parse_payload(payload, _source(fmt))
    except SourceError as exc:
        assert "fuzzed" in str(exc) and len(str(exc)) < 1200, str(exc)[:300]
        return
    for frame in (parsed.scores, parsed.prices, parsed.runtime):  # whatever parsed is a finite, usable figure
        for column, dtype in frame.schema.items():
            if dtype == pl.Float64 and frame.height:
                assert frame[column].drop_nulls().is_finite().all(), (fmt, column)
    assert set(parsed.rejects.columns) >= {"rule", "record"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:20]):
            yield from _paths(v, prefix + (i,))


def _replaced(doc, path, value):
    if not path:
        return value
    head, *rest = path
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[head] = _replaced(doc[head], tuple(rest), value)
    return copy


def _mutated_bytes(data: st.DataObject, original: bytes) -> bytes:
    payload = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        if not payload:
            break
        at = data.draw(st.integers(0, len(payload) - 1))
        kind = data.draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if kind == "flip":
            payload[at] = data.draw(st.integers(0, 255))
        elif kind == "cut":
            del payload[at:at + data.draw(st.integers(1, 64))]
        elif kind == "insert":
            payload[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        else:
            del payload[at:]
    return bytes(payload)


@pytest.mark.parametrize("fmt", sorted(CORPUS))
@FUZZ
@given(payload=st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash_a_connector(fmt, payload):
    _survives(fmt, payload)


@pytest.mark.parametrize("fmt", sorted(CORPUS))
@FUZZ
@given(data=st.data())
def test_byte_mutations_of_real_payloads_never_crash_a_connector(fmt, data):
    _, original = CORPUS[fmt]
    if bundle.is_archive(original):  # mutate one member, keep the archive readable, and sometimes the archive itself
        parts = bundle.members(original, "fuzzed")
        name = data.draw(st.sampled_from(sorted(parts)))
        parts[name] = _mutated_bytes(data, parts[name])
        payload = bundle.pack(parts)
        _survives(fmt, _mutated_bytes(data, payload) if data.draw(st.booleans()) else payload)
    else:
        _survives(fmt, _mutated_bytes(data, original))


STRUCTURED = [f for f in sorted(CORPUS) if f not in ("csv", "livebench", "epoch")]  # JSON or YAML documents (or bundles of them)


@pytest.mark.parametrize("fmt", STRUCTURED)
@FUZZ
@given(data=st.data())
def test_any_value_of_a_real_document_replaced_by_any_json_value_never_crashes_a_connector(fmt, data):
    _, original = CORPUS[fmt]
    parts = bundle.members(original, "fuzzed") if bundle.is_archive(original) else {"": original}
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith((".json", ".yml", "")))))
    text = parts[name].decode()
    doc = yaml.safe_load(text) if fmt == "aider" else json.loads(text)
    path = data.draw(st.sampled_from(list(_paths(doc))))
    mutated = _replaced(doc, path, data.draw(json_values))
    encoded = (yaml.safe_dump(mutated) if fmt == "aider" else json.dumps(mutated, allow_nan=True)).encode()
    parts[name] = encoded
    _survives(fmt, bundle.pack(parts) if name else encoded)


@pytest.fixture(scope="module", autouse=True)
def _report_to_the_fault_table():
    yield
    if TRIED:
        crashed = sorted(f for f, n in CRASHED.items() if n)
        record_fault("fuzzed connector input (arbitrary bytes, byte and structure mutations of real payloads, 9 formats)",
                     "parsed (bad records rejected with a rule) or a SourceError naming the source",
                     f"crashed: {', '.join(crashed)}" if crashed else "no other exception, no non-finite figure",
                     not crashed, tried=sum(TRIED.values()))
