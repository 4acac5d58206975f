"""The curated catalog (categories, benchmarks, models) loaded from YAML into typed models and frames."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from benchmart import contracts
from benchmart.errors import ConfigError
from benchmart.ingest.yamlfile import load_model
from benchmart.transforms.model_names import ModelNames, model_name_frames
from benchmart.transforms.names import name_collisions, name_index


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    id: str
    display_name: str
    weight: float = Field(gt=0, le=1)
    min_benchmarks: int | None = Field(default=None, ge=1)  # benchmarks a category needs to count toward a rank; None: the rule's


class ExplicitScale(_Strict):
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self):
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        return self


class Benchmark(_Strict):
    id: str
    display_name: str
    category: str
    weighted: bool
    scale: Literal["percent", "fraction", "elo"] | ExplicitScale
    higher_is_better: bool = True
    version: str = "1"
    freshness: Literal["current", "stale", "saturated"] = "current"
    aliases: list[str] = []


class Model(_Strict):
    id: str
    display_name: str
    vendor: str
    family: str | None = None
    is_reasoning: bool
    context_window_tokens: int | None = Field(default=None, gt=0)
    max_output_tokens: int | None = Field(default=None, gt=0)
    open_weights: bool | None = None
    release_date: date | None = None
    aliases: list[str] = []
    variants: list[str] = Field(default=[], description="Declared effort/thinking variants, best first.")

    @field_validator("aliases")
    @classmethod
    def _no_blank(cls, v: list[str]) -> list[str]:
        if any(not a.strip() for a in v):
            raise ValueError("aliases must not be blank")
        return v


class Vendor(_Strict):
    id: str
    display_name: str
    names: list[str] = Field(default=[], description="Prefixes sources put before this vendor's model names.")
    providers: list[str] = Field(default=[], description="API providers that are the vendor's own (list prices).")


class _VendorsFile(_Strict):
    vendors: list[Vendor]
    gateways: list[str] = []
    regions: list[str] = []
    pointers: list[str] = []


class _CategoriesFile(_Strict):
    categories: list[Category]


class _BenchmarksFile(_Strict):
    benchmarks: list[Benchmark]


class _ModelsFile(_Strict):
    models: list[Model]


def _load(path: Path, schema: type[BaseModel], key: str) -> list:
    return getattr(load_model(path, schema, "catalog file")[0], key)


@dataclass(frozen=True)
class Catalog:
    categories: list[Category]
    benchmarks: list[Benchmark]
    models: list[Model]
    vendors: list[Vendor] = field(default_factory=list)
    open_prefixes: frozenset[str] = frozenset()  # gateways and regions
    pointers: frozenset[str] = frozenset()  # moving API pointers: never a model, never an alias

    # Frames the transforms use -------------------------------------------------

    def categories_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [c.model_dump() for c in self.categories],
            schema={"id": pl.String, "display_name": pl.String, "weight": pl.Float64, "min_benchmarks": pl.Int64},
        ).rename({"id": "category_id"})

    def benchmarks_frame(self) -> pl.DataFrame:
        rows = []
        for b in self.benchmarks:
            explicit = b.scale if isinstance(b.scale, ExplicitScale) else None
            rows.append(
                {
                    "benchmark_id": b.id,
                    "display_name": b.display_name,
                    "category_id": b.category,
                    "is_weighted": b.weighted,
                    "scale": "explicit" if explicit else b.scale,
                    "scale_min": explicit.min if explicit else None,
                    "scale_max": explicit.max if explicit else None,
                    "higher_is_better": b.higher_is_better,
                    "version": b.version,
                    "freshness": b.freshness,
                    "aliases": b.aliases,
                }
            )
        return pl.DataFrame(rows, schema=contracts.BENCHMARKS)

    def models_frame(self) -> pl.DataFrame:
        rows = [m.model_dump() | {"model_id": m.id} for m in self.models]
        return pl.DataFrame(rows, schema=contracts.CATALOG_MODELS, strict=False)

    def vendors_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [{"id": v.id, "display_name": v.display_name, "names": [n.lower() for n in v.names],
              "providers": list(dict.fromkeys([*(p.lower() for p in v.providers), v.id]))} for v in self.vendors],
            schema={"id": pl.String, "display_name": pl.String, "names": pl.List(pl.String), "providers": pl.List(pl.String)},
        )

    def model_names(self) -> ModelNames:
        """What model-name resolution needs (transforms.model_names)."""
        return model_name_frames(self.models_frame(), self.vendors_frame(), self.open_prefixes)

    def model_index(self) -> pl.DataFrame:
        return self.model_names().index

    def benchmark_index(self) -> pl.DataFrame:
        return name_index(self.benchmarks_frame(), "benchmark_id")


def load_catalog(catalog_dir: Path) -> Catalog:
    """Load and cross-check the catalog files; any problem is a ConfigError naming file and entry."""
    categories = _load(catalog_dir / "categories.yaml", _CategoriesFile, "categories")
    benchmarks = _load(catalog_dir / "benchmarks.yaml", _BenchmarksFile, "benchmarks")
    models = _load(catalog_dir / "models.yaml", _ModelsFile, "models")
    vendors = load_model(catalog_dir / "vendors.yaml", _VendorsFile, "catalog file")[0]
    open_prefixes = frozenset(p.lower() for p in [*vendors.gateways, *vendors.regions])
    catalog = Catalog(categories, benchmarks, models, vendors.vendors, open_prefixes, frozenset(p.lower() for p in vendors.pointers))
    _check(catalog, catalog_dir)
    return catalog


def _check(catalog: Catalog, catalog_dir: Path) -> None:
    for kind, items in (("categories", catalog.categories), ("benchmarks", catalog.benchmarks), ("models", catalog.models)):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ConfigError(f"{catalog_dir / (kind + '.yaml')}: duplicate id {item.id!r}")
            seen.add(item.id)
    total = sum(c.weight for c in catalog.categories)
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"{catalog_dir / 'categories.yaml'}: weights sum to {total:.4f}, expected 1")
    known = {c.id for c in catalog.categories}
    for b in catalog.benchmarks:
        if b.category not in known:
            raise ConfigError(
                f"{catalog_dir / 'benchmarks.yaml'}: benchmark {b.id!r} has unknown category {b.category!r} "
                f"(known: {', '.join(sorted(known))})"
            )
    vendors = {v.id for v in catalog.vendors}
    for m in catalog.models:
        if m.vendor not in vendors:
            raise ConfigError(f"{catalog_dir / 'models.yaml'}: model {m.id!r} has unknown vendor {m.vendor!r} "
                              f"(known: {', '.join(sorted(vendors))}; add it to vendors.yaml)")
    for kind, index, id_col in (
        ("models", catalog.model_index().filter(pl.col("match") == "key").with_columns(pl.lit("normalized").alias("match")), "model_id"),
        ("benchmarks", catalog.benchmark_index(), "benchmark_id"),
    ):
        clashes = name_collisions(index, id_col)
        if clashes.height:
            row = clashes.row(0, named=True)
            raise ConfigError(
                f"{catalog_dir / (kind + '.yaml')}: the name key {row['key']!r} would match {row['ids']}; "
                "make the aliases distinct"
            )
