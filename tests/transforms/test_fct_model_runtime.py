"""fct_model_runtime: one row per (model, source), the vendor's own figures first; alike figures are suspect."""

import polars as pl

from benchmart.transforms.fct_model_runtime import fct_model_runtime

MODELS = pl.LazyFrame({"model_id": ["g1", "g2", "g3", "o1"], "vendor": ["google", "google", "google", "openai"]})
VENDORS = pl.LazyFrame({"id": ["google", "openai"], "providers": [["gemini", "google", "vertex_ai"], ["openai"]]})


def _runtime(*rows):
    return pl.DataFrame(rows, schema=["source_id", "model_id", "provider", "output_tokens_per_s", "ttft_s"], orient="row")


def test_the_vendors_own_figures_win_then_the_provider_name():
    table = fct_model_runtime(_runtime(
        ("s", "o1", "azure", 90.0, 0.9), ("s", "o1", "openai", 80.0, 0.76), ("s", "g1", "vertex_ai", 60.0, 0.8),
        ("s", "g1", "google", 70.0, 0.7), ("s", "g2", "zeta", 10.0, 1.0), ("s", "g2", "alpha", 20.0, 2.0),
    ).lazy(), MODELS, VENDORS).collect()
    assert table.select("model_id", "provider").rows() == [("g1", "google"), ("g2", "alpha"), ("o1", "openai")]


def test_figures_one_source_gives_to_three_models_alike_are_suspect():
    table = fct_model_runtime(_runtime(
        ("s", "g1", "google", 115.0, 5.2), ("s", "g2", "google", 115.0, 5.2), ("s", "g3", "google", 115.0, 5.2),
        ("s", "o1", "openai", 115.0, 0.7), ("t", "o1", "openai", 115.0, 5.2),
    ).lazy(), MODELS, VENDORS).collect()
    assert dict(table.select(pl.concat_str("source_id", "model_id"), "is_suspect").rows()) == {
        "sg1": True, "sg2": True, "sg3": True, "so1": False, "to1": False}


def test_rows_that_tie_on_the_rule_give_one_answer_whatever_order_they_come_in():
    """Two rows of one provider for one model: the choice is the same in any input order (a backfill's date must
    equal a single-date run, and a re-run the run before it)."""
    rows = [("s", "o1", "openai", 100.0, 0.9), ("s", "o1", "openai", 132.0, 0.5), ("s", "g1", "google", 70.0, 0.7)]
    tables = {tuple(fct_model_runtime(_runtime(*order).lazy(), MODELS, VENDORS).collect().rows())
              for order in (rows, rows[::-1], [rows[1], rows[2], rows[0]])}
    assert len(tables) == 1
