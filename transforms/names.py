"""Name keys used to resolve source names to catalog ids.

Exact alias matching first, then a normalized key. Never fuzzy: `gpt-4.1`,
`gpt-4.1-mini` and `gpt-4.1-nano` have different keys and stay apart.
"""

import difflib

import numpy as np
import polars as pl

_DATE_SUFFIX = r"[-_ ]?(?:\(?\d{4}-\d{2}-\d{2}\)?|\(?20\d{6}\)?)$"
_BEDROCK_SUFFIX = r"-v\d+(?::\d+)?$"


# zero-width characters, bidirectional overrides and isolates, word joiners, the byte-order mark: a name that
# holds one looks like another name and must not resolve to it
INVISIBLE = r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"


def exact_key(name: pl.Expr) -> pl.Expr:
    """Case- and whitespace-insensitive form of a name, Unicode-normalized (NFKC: full-width letters are letters);
    null for a name with invisible or bidirectional control characters (it never resolves)."""
    key = name.str.normalize("NFKC").str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")
    return pl.when(~name.str.contains(INVISIBLE)).then(key)  # named as `name`, null where it holds one


def normalized_key(name: pl.Expr) -> pl.Expr:
    """Drop vendor prefix (`openai/`, `OpenAI: `), date, `-latest` and Bedrock version suffixes, then punctuation.

    `openai/gpt-4.1-mini-2025-04-14`, `GPT-4.1 mini` and `gpt-4.1-mini` all give `gpt41mini`.
    """
    return (
        exact_key(name)
        .str.replace(r"^.*/", "")
        .str.replace(r"^[a-z][a-z0-9 .-]*:\s+", "")
        .str.replace(_BEDROCK_SUFFIX, "")
        .str.replace(r"[-_ ]latest$", "")
        .str.replace(_DATE_SUFFIX, "")
        .str.replace_all(r"[^a-z0-9]", "")
    )


def name_index(entities: pl.DataFrame, id_col: str) -> pl.DataFrame:
    """Every (match, key, id) by which a catalog entity can be named.

    `entities` holds the id column, `display_name` and a list column `aliases`.
    """
    names = (
        entities.select(
            pl.col(id_col),
            pl.concat_list(pl.col(id_col), pl.col("display_name"), pl.col("aliases")).alias("name"),
        )
        .explode("name")
        .drop_nulls("name")
    )
    exact = names.select(pl.lit("exact").alias("match"), exact_key(pl.col("name")).alias("key"), pl.col(id_col))
    normalized = names.select(
        pl.lit("normalized").alias("match"), normalized_key(pl.col("name")).alias("key"), pl.col(id_col)
    )
    return pl.concat([exact, normalized]).unique().sort("match", "key", id_col)


def name_collisions(index: pl.DataFrame, id_col: str) -> pl.DataFrame:
    """Keys that would name two different entities: a catalog error."""
    return (
        index.group_by("match", "key")
        .agg(pl.col(id_col).unique().sort().alias("ids"))
        .filter(pl.col("ids").list.len() > 1)
        .sort("match", "key")
    )


def resolve_names(frame: pl.DataFrame, name_col: str, index: pl.DataFrame, id_col: str) -> pl.DataFrame:
    """Add `id_col` to `frame`: exact alias match first, then normalized key; null when unmatched."""
    exact = index.filter(pl.col("match") == "exact").select(pl.col("key").alias("_exact"), pl.col(id_col).alias("_id_exact"))
    normalized = index.filter(pl.col("match") == "normalized").select(
        pl.col("key").alias("_norm"), pl.col(id_col).alias("_id_norm")
    )
    return (
        frame.with_columns(exact_key(pl.col(name_col)).alias("_exact"), normalized_key(pl.col(name_col)).alias("_norm"))
        .join(exact, on="_exact", how="left", maintain_order="left")
        .join(normalized, on="_norm", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_id_exact", "_id_norm").alias(id_col))
        .drop("_exact", "_norm", "_id_exact", "_id_norm")
    )


# Effort / thinking suffixes that name a variant of a model, not another model. Order matters:
# a parenthesized run note, an Epoch `_effort` suffix, then dash-joined thinking/effort words.
_EFFORT = r"(?:minimal|low|medium|high|xhigh|max)"
VARIANT_PATTERNS = [
    r"\s*\(([^()]*)\)\s*$",  # Aider: "o3 (high)", "claude-3-7-sonnet-20250219 (32k thinking tokens)"
    rf"_((?:{_EFFORT}|\d+k|thinking|no-?thinking|nothink))$",  # Epoch: "o3-2025-04-16_high", "..._32K"
    rf"-((?:thinking(?:-\d+k)?(?:-{_EFFORT}-effort)?)|(?:{_EFFORT}-effort)|(?:{_EFFORT})thinking|{_EFFORT}|no-?thinking|"
    r"non-?reasoning|reasoning|base|thinking)$",  # LiveBench: "-thinking-64k", "-high-effort", "-highthinking", "-base"
]


def split_variant(name: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(base name, variant) for names ending in an effort/thinking suffix; variant is null otherwise.

    The variant is lower-cased with spaces as dashes: "32k thinking tokens" -> "32k-thinking-tokens".
    """
    lowered = name.str.to_lowercase()
    variant = pl.lit(None, pl.String)
    base = name
    for pattern in reversed(VARIANT_PATTERNS):
        found = lowered.str.extract(pattern, 1)
        variant = pl.when(found.is_not_null()).then(found).otherwise(variant)
        base = pl.when(found.is_not_null()).then(name.str.replace(f"(?i){pattern}", "")).otherwise(base)
    return base.str.strip_chars(), variant.str.strip_chars().str.replace_all(r"\s+", "-")


def closest_ids(names: list[str], index: pl.DataFrame, id_col: str, n: int = 3, match: str = "normalized") -> list[str | None]:
    """For each name, up to `n` ids whose keys are closest (a hint for a new alias, never applied as a match).
    Hints are remembered per name and index (a backfill asks for the same names date after date)."""
    lookup = dict(index.filter(pl.col("match") == match).select("key", id_col).rows())
    known = list(lookup)
    index_key = (n, hash(tuple(lookup.items())))
    keys = pl.select(normalized_key(pl.Series(names, dtype=pl.String)).alias("k"))["k"].to_list()
    out = []
    for key in keys:
        memo = (index_key, key)
        hint = _HINTS.get(memo, _UNSEEN)  # read once: another thread may clear the memo meanwhile
        if hint is _UNSEEN:
            close = difflib.get_close_matches(key or "", _within_reach(key or "", known, index_key), n=5, cutoff=_CUTOFF)
            hint = ", ".join(list(dict.fromkeys(lookup[c] for c in close))[:n]) or None
            if len(_HINTS) >= _HINTS_KEPT:
                _HINTS.clear()
            _HINTS[memo] = hint
        out.append(hint)
    return out


_CUTOFF = 0.75


def _within_reach(key: str, known: list[str], index_key: tuple) -> list[str]:
    """The keys of `known` whose difflib quick_ratio with `key` reaches the cutoff, in their order: the only ones
    `get_close_matches` could return (quick_ratio bounds its score from above), found with one array operation
    instead of a Python call per key (most of a run's unmatched-name report). Same formula, same floats."""
    counts = _CHAR_COUNTS.get(index_key)
    if counts is None:
        alphabet = {c: i for i, c in enumerate(sorted({c for k in known for c in k}))}
        matrix = np.zeros((len(known), len(alphabet)), dtype=np.int64)
        for row, k in enumerate(known):
            for c in k:
                matrix[row, alphabet[c]] += 1
        counts = _CHAR_COUNTS[index_key] = (alphabet, matrix, np.array([len(k) for k in known], dtype=np.int64))
    alphabet, matrix, lengths = counts
    mine = np.zeros(len(alphabet), dtype=np.int64)
    for c in key:
        if c in alphabet:
            mine[alphabet[c]] += 1
    matches = np.minimum(matrix, mine).sum(axis=1)
    total = lengths + len(key)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total > 0, 2.0 * matches / total, 1.0)
    return [known[i] for i in np.flatnonzero(ratio >= _CUTOFF)]


_CHAR_COUNTS: dict[tuple, tuple] = {}


_UNSEEN = object()
_HINTS: dict[tuple, str | None] = {}
_HINTS_KEPT = 100_000
