"""The model registry: every model the registries (sources of kind `models`: models.dev, OpenRouter's model
list, a generic table) list, as rows shaped like the curated catalog, with the curated catalog winning.

- A listing names a model when its maker is known: the source says so, or the listing sits under the maker's
  own provider (models.dev `openai`), or its id starts with the maker (`openai/gpt-5.1`; on OpenRouter any
  maker prefix counts). Listings by resellers under their own ids only add names to resolve later.
- A listing that resolves to a curated model (transforms.model_names) adds its names to that model's aliases
  and fills the fields the catalog leaves empty. The curated catalog wins where it speaks.
- The other listings become models of their own, one per (maker, name key): `kimi-k2-thinking` is its own
  model because a registry lists it, so it is never read as a variant of Kimi K2. A listing whose display
  name ends in "(latest)" is the pointer to the model of the same maker and name (Anthropic's undated ids).
- The id of a registry model is its maker's own listing id (the shortest, lower-cased); it only ever names
  that model. Where two makers would share an id, the maker is put in front (`acme-x`).
- Every row says where it came from (`origin`: curated or the registry source) and where each field came
  from (`field_sources`, JSON).
"""

import polars as pl

from benchmart import contracts
from benchmart.transforms.model_names import key, model_name_frames, prefixes_and_rest, resolve_models
from benchmart.transforms.preference import ties_broken

FIELDS = ["display_name", "family", "release_date", "context_window_tokens", "max_output_tokens", "is_reasoning", "open_weights"]
REGISTRY_MODELS = contracts.CATALOG_MODELS | {"origin": pl.String, "field_sources": pl.String}


def registry_models(
    curated: pl.DataFrame, listings: pl.DataFrame, vendors: pl.DataFrame, open_prefixes: frozenset[str], sources: pl.DataFrame,
    pointers: frozenset[str] = frozenset(),
) -> pl.DataFrame:
    """`curated`: the catalog's models (contracts.CATALOG_MODELS); `listings`: contracts.REGISTRY rows of the
    registry sources; `vendors`: id, names; `sources`: source_id, priority; `pointers`: moving API pointers
    (`deepseek-reasoner`), never listed as models. Returns REGISTRY_MODELS rows."""
    pointer = pl.col("rest").is_in(list(pointers)) | pl.col("model_name").str.to_lowercase().is_in(list(pointers))
    named = _with_maker(listings, vendors, open_prefixes).filter(~pointer).join(sources.select("source_id", "priority"), on="source_id", how="left")
    names = model_name_frames(curated, vendors, open_prefixes)
    lookup = resolve_models(pl.concat([named["model_name"], named["display_name"].drop_nulls()]), names)
    by_name = dict(lookup.drop_nulls("model_id").select("model_name", "model_id").rows())
    named = named.with_columns(
        pl.coalesce(pl.col("model_name").replace_strict(by_name, default=None, return_dtype=pl.String),
                    pl.col("display_name").replace_strict(by_name, default=None, return_dtype=pl.String)).alias("curated_id")
    )
    # Only the listings that make models speak for a model: a reseller serving R1-0528 as `deepseek-ai/DeepSeek-R1`
    # must not make "DeepSeek-R1" a name of R1-0528. Its names still resolve later, by the usual rules.
    lists_models = pl.col("maker").is_not_null() & (pl.col("first_party") | (pl.col("provider") == "openrouter") | pl.col("vendor").is_not_null())
    to_curated = named.filter(pl.col("curated_id").is_not_null() & lists_models)
    new = _new_models(named.filter(pl.col("curated_id").is_null() & lists_models), set(curated["model_id"]))
    shaped = [frame.select([pl.col(c).cast(t) for c, t in REGISTRY_MODELS.items()]) for frame in (_curated_rows(curated, to_curated), new)]
    return pl.concat(shaped).sort("model_id")


def _with_maker(listings: pl.DataFrame, vendors: pl.DataFrame, open_prefixes: frozenset[str]) -> pl.DataFrame:
    """Add `maker` (the vendor id, or null for a reseller's own listing), `rest` and `first_party`."""
    by_name = dict(vendors.select(pl.col("names").list.concat(pl.concat_list("id")), "id").explode("names").select("names", "id").rows())
    prefixes, rest = prefixes_and_rest(pl.col("model_name"))
    out = listings.with_columns(prefixes.alias("_prefixes"), rest.alias("rest")).with_columns(
        pl.col("_prefixes").list.first().alias("_owner"),
        pl.col("provider").str.to_lowercase().replace_strict(by_name, default=None, return_dtype=pl.String).alias("_by_provider"),
    )
    owner_vendor = pl.col("_owner").replace_strict(by_name, default=None, return_dtype=pl.String)
    open_owner = pl.col("_owner").is_in(list(open_prefixes)) | pl.col("_owner").str.starts_with("~")
    maker = pl.coalesce(
        pl.col("vendor"), pl.col("_by_provider"), owner_vendor,
        pl.when((pl.col("provider") == "openrouter") & pl.col("_owner").is_not_null() & ~open_owner).then(pl.col("_owner")),
    )
    return out.with_columns(maker.alias("maker"), pl.col("_by_provider").is_not_null().alias("first_party")).drop(
        "_prefixes", "_owner", "_by_provider"
    )


def _pick(frame: pl.DataFrame, group: str) -> pl.DataFrame:
    """Per group, each field from the best listing that has it, with that listing's source."""
    ordered = frame.with_columns(
        pl.col("display_name").str.ends_with("(latest)").fill_null(False).alias("_pointer")
    )
    ordered = ties_broken(ordered, [group, "first_party", "priority", "_pointer", "source_id", "model_name"],
                          [False, True, True, False, False, False])
    return ordered.group_by(group, maintain_order=True).agg(
        *[pl.col(f).drop_nulls().first().alias(f) for f in FIELDS],
        *[pl.col("source_id").filter(pl.col(f).is_not_null()).first().alias(f"_src_{f}") for f in FIELDS],
        pl.col("source_id").first().alias("origin"),
        pl.concat_list(pl.col("model_name"), pl.col("display_name")).list.explode(keep_nulls=False, empty_as_null=False)
        .drop_nulls().unique().sort().alias("_names"),
    )


def _new_models(listings: pl.DataFrame, curated_ids: set[str]) -> pl.DataFrame:
    pointer = pl.col("display_name").str.replace(r"\s*\(latest\)$", "")
    keyed = listings.with_columns(
        (pl.col("maker") + ":" + key(pl.col("rest"))).alias("_identity"),
        (pl.col("maker") + ":" + pointer.str.to_lowercase()).alias("_named"),
        pl.col("display_name").str.ends_with("(latest)").fill_null(False).alias("_is_pointer"),
    )
    # a "(latest)" listing and the listings of the same maker and name are one model (Anthropic's undated ids)
    pointed = keyed.filter(pl.col("_is_pointer"))["_named"].unique().drop_nulls().to_list()
    merged = keyed.filter(pl.col("_named").is_in(pointed)).group_by("_named").agg(
        pl.col("_identity").unique().alias("_members"), pl.col("_identity").min().alias("_target")
    ).explode("_members")
    redirect = dict(merged.select("_members", "_target").unique("_members", keep="first").rows())
    keyed = keyed.with_columns(pl.col("_identity").replace(redirect))
    ids = (
        keyed.with_columns(pl.col("rest").str.to_lowercase().alias("_id"))
        .sort(["_identity", "first_party", pl.col("_id").str.len_chars(), "_id"], descending=[False, True, False, False])
        .group_by("_identity", maintain_order=True)
        .agg(pl.col("_id").first(), pl.col("maker").first())
    )
    clash = (pl.col("_id").is_in(list(curated_ids))) | (pl.len().over("_id") > 1)
    ids = ids.with_columns(pl.when(clash).then(pl.col("maker") + "-" + pl.col("_id")).otherwise(pl.col("_id")).alias("model_id"))
    picked = _pick(keyed, "_identity").join(ids.select("_identity", "model_id", pl.col("maker").alias("vendor")), on="_identity")
    return picked.select(
        "model_id", pl.coalesce("display_name", "model_id").alias("display_name"), "vendor", *FIELDS[1:],
        pl.col("_names").list.set_difference(pl.concat_list("model_id")).alias("aliases"),
        pl.lit([], pl.List(pl.String)).alias("variants"), "origin", _field_sources(FIELDS),
    )


def _curated_rows(curated: pl.DataFrame, listings: pl.DataFrame) -> pl.DataFrame:
    picked = _pick(listings.with_columns(pl.col("curated_id").alias("model_id")), "model_id")
    joined = curated.join(picked, on="model_id", how="left", suffix="_reg")
    filled = [pl.coalesce(f, f"{f}_reg").alias(f) for f in FIELDS[1:]]
    sources = {f: pl.when(pl.col(f).is_not_null()).then(pl.lit("curated")).otherwise(pl.col(f"_src_{f}")) for f in FIELDS[1:]}
    return joined.with_columns(
        *[expr.alias(f"_src_{f}") for f, expr in sources.items()],
        pl.lit("curated").alias("_src_display_name"),
    ).with_columns(
        *filled,
        pl.col("aliases").list.concat(pl.col("_names").fill_null([])).list.unique().list.sort()
        .list.set_difference(pl.concat_list("model_id")).alias("aliases"),
        pl.lit("curated").alias("origin"),
        _field_sources(FIELDS),
    ).select(*REGISTRY_MODELS)


def _field_sources(fields: list[str]) -> pl.Expr:
    return pl.struct([pl.col(f"_src_{f}").alias(f) for f in fields]).struct.json_encode().alias("field_sources")
