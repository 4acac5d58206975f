"""Validate and build on parsed sources (no Prefect, HTTP or database): benchmark releases never share a figure."""

from datetime import date

import polars as pl

from benchmart.flows.build import resolve_with_registry, validate_and_build
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import Parsed, bundle, parse_payload
from benchmart.ingest.sources import sources_frame
from benchmart.settings import DEFAULT_RULES

from ..conftest import FIXTURES

DAY = date(2026, 1, 15)


def _release(day: str, keep: int, scale: float) -> bytes:
    """The LiveBench fixture as a release of `day`: its first `keep` models, every score times `scale`."""
    table = pl.read_csv(FIXTURES / "livebench" / "table_2025_05_30.csv").head(keep)
    tasks = [c for c in table.columns if c != "model"]
    table = table.with_columns([(pl.col(t) * scale).round(1) for t in tasks])
    stamp = day.replace("-", "_")
    return bundle.pack({f"table_{stamp}.csv": table.write_csv().encode(),
                        f"categories_{stamp}.json": (FIXTURES / "livebench" / "categories_2025_05_30.json").read_bytes()})


def test_two_livebench_releases_in_one_run_never_share_a_figure(catalog):
    old = SourceConfig(id="livebench-old", kind="scores", format="livebench", url="https://x/old", provenance="verified", priority=90)
    new = SourceConfig(id="livebench-new", kind="scores", format="livebench", url="https://x/new", provenance="verified", priority=10)
    parsed = [parse_payload(_release("2025-05-30", 12, 1.0), old), parse_payload(_release("2025-11-25", 6, 0.5), new)]
    combined = Parsed(scores=pl.concat([p.scores for p in parsed]))
    sources = sources_frame([old, new])
    inputs = resolve_with_registry(combined, catalog, sources, DAY)
    freshness = pl.DataFrame({"source_id": ["livebench-old", "livebench-new"], "status": ["fresh", "fresh"]})
    built = validate_and_build(inputs, catalog, sources, DAY, {}, DEFAULT_RULES, 0.5, freshness)
    scores = built.tables["fct_benchmark_score"]
    in_new = set(inputs.scores.filter(pl.col("source_id") == "livebench-new")["model_id"])
    only_old = set(inputs.scores["model_id"]) - in_new
    assert in_new and only_old
    per_model = scores.group_by("model_id").agg(pl.col("release").unique().sort())
    releases = dict(per_model.select("model_id", pl.col("release").list.join(",")).rows())
    assert all(releases[m] == "2025-11-25" for m in in_new)  # the newest release wins although its source ranks lower
    assert all(releases[m] == "2025-05-30" for m in only_old)
    observations = built.tables["fct_benchmark_observation"]
    assert observations.filter(pl.col("model_id").is_in(list(in_new)))["release"].n_unique() == 2  # the old figures stay, shown
    cats = built.tables["mart_category_score"].filter(pl.col("lane") == "verified")
    assert set(cats.filter(pl.col("model_id").is_in(list(in_new)))["releases"]) == {"2025-11-25"}
    assert set(cats.filter(pl.col("model_id").is_in(list(only_old)))["releases"]) == {"2025-05-30"}


def _fixture_prices(catalog):
    """LiteLLM and llm-stats excerpts (tests/fixtures), parsed and resolved, with the registry's models."""
    lite = SourceConfig(id="litellm", kind="prices", format="litellm", url="https://x/l", priority=80)
    stats = SourceConfig(id="llm-stats", kind="scores", format="llm_stats", url="https://x/s", priority=30)
    tree = FIXTURES / "llm_stats" / "data"
    stats_payload = bundle.pack({str(p.relative_to(tree.parent)): p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file()})
    parsed = [parse_payload((FIXTURES / "litellm_model_prices_excerpt.json").read_bytes(), lite), parse_payload(stats_payload, stats)]
    sources = sources_frame([lite, stats])
    inputs = resolve_with_registry(Parsed(prices=pl.concat([p.prices for p in parsed])), catalog, sources, DAY)
    return inputs, sources


def test_the_published_price_is_the_vendors_list_price_never_the_cheapest_reseller(catalog):
    from benchmart.transforms.fct_model_price import fct_model_price
    from benchmart.transforms.mart_leaderboard import preferred_price

    inputs, sources = _fixture_prices(catalog)
    offers = fct_model_price(inputs.prices.lazy(), inputs.models.lazy(), catalog.vendors_frame().lazy())
    prices = {r["model_id"]: r for r in preferred_price(offers, sources.lazy()).collect().to_dicts()}
    opus, r1 = prices["claude-opus-4"], prices["deepseek-r1-0528"]
    # Snowflake sells Claude Opus 4 at $5/$25 and Hyperbolic R1-0528 at $0.25/$0.25: the vendors list $15/$75 and $0.55/$2.19
    assert (opus["input_usd_per_mtok"], opus["output_usd_per_mtok"], opus["price_rule"], opus["price_provider"]) == (15.0, 75.0, "first_party", "anthropic")
    assert (r1["input_usd_per_mtok"], r1["output_usd_per_mtok"], r1["price_rule"], r1["price_provider"]) == (0.55, 2.19, "first_party", "deepseek")
    flagged = offers.filter(pl.col("model_id") == "claude-opus-4").collect()
    assert flagged.filter(pl.col("provider") == "snowflake")["is_outlier"].to_list() == [False]  # one source: no other median
    assert (prices["gpt-4.1-mini"]["input_usd_per_mtok"], prices["gpt-4.1-mini"]["output_usd_per_mtok"]) == (0.4, 1.6)


def test_without_a_vendor_offer_the_median_of_paid_offers_and_free_tiers_are_never_a_price():
    from benchmart.transforms.fct_model_price import fct_model_price
    from benchmart.transforms.mart_leaderboard import preferred_price

    offers = pl.DataFrame({
        "source_id": ["a", "a", "b", "b", "c", "c"], "model_name": ["x"] * 6, "model_id": ["m"] * 5 + ["f"],
        "provider": ["p1", "p2", "p3", "openrouter:free", "p4", "local"],
        "input_usd_per_mtok": [1.0, 2.0, 3.0, 0.0, 40.0, 0.0], "output_usd_per_mtok": [4.0, 6.0, 8.0, 0.0, 160.0, 0.0],
    })
    models = pl.LazyFrame({"model_id": ["m", "f"], "vendor": ["acme", "acme"]})
    vendors = pl.LazyFrame({"id": ["acme"], "providers": [["acme"]]})
    table = fct_model_price(offers.lazy(), models, vendors).collect()
    assert table.filter(pl.col("is_outlier"))["provider"].to_list() == ["p4"]  # 40/160 vs the others' median: > 3x
    assert set(table.filter(pl.col("is_free"))["provider"]) == {"openrouter:free", "local"}
    prices = {r["model_id"]: r for r in preferred_price(table.lazy(), pl.LazyFrame({"source_id": ["a", "b", "c"], "priority": [1, 1, 1]}))
              .collect().to_dicts()}
    m = prices["m"]
    assert (m["input_usd_per_mtok"], m["output_usd_per_mtok"], m["price_rule"], m["price_offers"], m["has_free_tier"]) == (2.0, 6.0, "median_paid", 3, True)
    assert prices["f"]["input_usd_per_mtok"] is None and prices["f"]["has_free_tier"] is True  # a free tier is never "$0.00"


def _scores(*rows):
    """(source_id, model name, benchmark, value, observed_on or None) as a connector gives them."""
    return pl.DataFrame([{"source_id": r[0], "model_name": r[1], "benchmark_name": r[2], "raw_value": r[3], "observed_on": r[4]}
                         for r in rows], schema={"source_id": pl.String, "model_name": pl.String, "benchmark_name": pl.String,
                                                 "raw_value": pl.Float64, "observed_on": pl.Date}).with_columns(
        *[pl.lit(None, pl.String).alias(c) for c in ("variant", "unit", "citation", "release", "harness", "model_alias")],
        pl.lit("verified").alias("provenance"),
    )


def test_a_model_appears_only_from_its_release_date_and_undated_rows_from_their_first_fetch(catalog):
    # Gemma 4 12B was released 2026-04-02 (catalog); the undated row's payload was first fetched 2026-05-01
    scores = _scores(("dated", "Gemma 4 12B", "GPQA Diamond", 78.8, date(2026, 3, 20)),  # announced before release
                     ("dated", "GPT-4.1 mini", "GPQA Diamond", 64.2, date(2025, 4, 14)),
                     ("undated", "GPT-4.1 mini", "MMLU-Pro", 70.0, None))
    sources = sources_frame([SourceConfig(id=s, kind="scores", format="csv", url="https://x") for s in ("dated", "undated")])
    first_fetched = {"dated": date(2026, 1, 1), "undated": date(2026, 5, 1)}

    def seen(day):
        inputs = resolve_with_registry(Parsed(scores=scores), catalog, sources, day, first_fetched)
        return set(inputs.scores.select("model_id", "benchmark_id").rows()), inputs

    before, inputs = seen(date(2026, 4, 1))
    assert before == {("gpt-4.1-mini", "gpqa-diamond")}
    assert inputs.before_release == {"dated": 1} and inputs.after_snapshot == {"undated": 1}
    after, inputs = seen(date(2026, 5, 1))
    assert after == {("gpt-4.1-mini", "gpqa-diamond"), ("gemma-4-12b", "gpqa-diamond"), ("gpt-4.1-mini", "mmlu-pro")}
    assert inputs.before_release == {} and inputs.after_snapshot == {}


def test_only_the_release_dates_of_models_with_rows_can_change_a_snapshot(catalog):
    """A backfill builds a date anew only when something it shows can differ: the release of a model that has rows
    does (its rows appear), the release of a catalog model without any rows does not."""
    from benchmart.flows.build import resolve_payload_rows

    scores = _scores(("dated", "Gemma 4 12B", "GPQA Diamond", 78.8, date(2026, 3, 20)),
                     ("dated", "GPT-4.1 mini", "GPQA Diamond", 64.2, date(2025, 4, 14)))
    sources = sources_frame([SourceConfig(id="dated", kind="scores", format="csv", url="https://x")])
    resolved = resolve_payload_rows(Parsed(scores=scores), catalog, sources)
    releases = dict(catalog.models_frame().select("model_id", "release_date").rows())
    with_rows = {releases["gemma-4-12b"], releases["gpt-4.1-mini"]} - {None}
    assert resolved.release_marks == with_rows
    others = {d for m, d in releases.items() if d is not None and m not in ("gemma-4-12b", "gpt-4.1-mini")}
    assert others - with_rows, "the catalog should hold releases of models without rows for this test to mean anything"
    assert not (others - with_rows) & resolved.release_marks
