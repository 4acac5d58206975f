"""Catalog and sources files: a bad file is an error naming the file, the entry and the field."""

import shutil

import pytest

from ..conftest import PROJECT_ROOT
from benchmart.ingest.catalog import load_catalog
from benchmart.errors import ConfigError
from benchmart.ingest.sources import load_sources


def test_the_bundled_catalog_has_the_contracted_categories_and_enough_benchmarks_and_models(catalog):
    weights = {c.id: c.weight for c in catalog.categories}
    assert weights == {"agentic": 0.22, "coding": 0.20, "reasoning": 0.17, "multimodal": 0.12, "knowledge": 0.12,
                       "multilingual": 0.07, "instruction_following": 0.05, "math": 0.05}
    assert len(catalog.benchmarks) >= 30 and {b.category for b in catalog.benchmarks} == set(weights)
    assert len(catalog.models) >= 40


@pytest.fixture()
def catalog_copy(tmp_path):
    target = tmp_path / "catalog"
    shutil.copytree(PROJECT_ROOT / "catalog", target)
    return target


def test_a_bad_field_names_file_entry_and_field(catalog_copy):
    path = catalog_copy / "models.yaml"
    path.write_text(path.read_text().replace("is_reasoning: false, context_window_tokens: 128000", "is_reasoning: maybe, context_window_tokens: 128000", 1))
    with pytest.raises(ConfigError, match=r"models.yaml: entry 0 \(id 'gpt-4o'\) field 'is_reasoning'"):
        load_catalog(catalog_copy)


def test_aliases_that_would_name_two_models_are_refused(catalog_copy):
    path = catalog_copy / "models.yaml"
    path.write_text(path.read_text().replace('aliases: ["gpt-4.1-2025-04-14"]', 'aliases: ["gpt-4.1-2025-04-14", "GPT 4.1 Mini"]'))
    with pytest.raises(ConfigError, match="would match"):
        load_catalog(catalog_copy)


def test_weights_must_sum_to_one(catalog_copy):
    path = catalog_copy / "categories.yaml"
    path.write_text(path.read_text().replace("weight: 0.22", "weight: 0.32"))
    with pytest.raises(ConfigError, match="weights sum to 1.1000"):
        load_catalog(catalog_copy)


def test_unknown_category_of_a_benchmark_is_named(catalog_copy):
    path = catalog_copy / "benchmarks.yaml"
    path.write_text(path.read_text().replace("category: agentic", "category: agentics", 1))
    with pytest.raises(ConfigError, match="unknown category 'agentics'"):
        load_catalog(catalog_copy)


def test_sources_file_errors_are_named(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  - {id: a, kind: scores, format: csv, url: 'ftp://x/y.csv'}\n")
    with pytest.raises(ConfigError, match=r"entry 0 \(id 'a'\) field 'url'"):
        load_sources(path)
    path.write_text("sources:\n  - {id: a, kind: scores, format: excel, url: 'https://x/y'}\n")
    with pytest.raises(ConfigError, match="unknown format 'excel'"):
        load_sources(path)
    with pytest.raises(ConfigError, match="sources file not found"):
        load_sources(tmp_path / "missing.yaml")


def test_relative_file_urls_resolve_against_the_sources_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  - {id: a, kind: scores, format: csv, url: 'file://data/x.csv'}\n")
    assert load_sources(path)[0].url == (tmp_path / "data" / "x.csv").as_uri()


def test_unknown_connector_options_are_refused_naming_the_source_the_key_and_the_allowed_ones(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  - {id: board, kind: scores, format: aider, url: 'https://x/y.yml', options: {metrc: pass_rate_1}}\n")
    with pytest.raises(ConfigError, match=r"source 'board' \(format aider\): unknown option 'metrc'; allowed: accept_html, benchmark, metric"):
        load_sources(path)
    path.write_text("sources:\n  - {id: board, kind: scores, format: aider, url: 'https://x/y.yml', options: {metric: pass_rate_3}}\n")
    with pytest.raises(ConfigError, match="options.metric must be one of pass_rate_2, pass_rate_1"):
        load_sources(path)
    path.write_text("sources:\n  - {id: prices, kind: prices, format: openrouter, url: 'https://x/y', options: {columns: {}}}\n")
    with pytest.raises(ConfigError, match=r"unknown option 'columns'; allowed: accept_html$"):
        load_sources(path)


def test_every_shipped_sources_file_uses_only_known_options():
    for name in ("sources.yaml", "sources.public.yaml"):
        assert load_sources(PROJECT_ROOT / name)


@pytest.mark.fault('YAML alias bomb', 'refused before expanding')
def test_a_yaml_alias_bomb_is_refused_without_expanding_it(tmp_path):
    import yaml

    from benchmart.ingest.yamlfile import safe_load

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))
    with pytest.raises(yaml.YAMLError, match="alias bomb"):
        safe_load(bomb)
    assert safe_load("base: &b {k: 1}\nother: *b\n") == {"base": {"k": 1}, "other": {"k": 1}}  # ordinary aliases still load
