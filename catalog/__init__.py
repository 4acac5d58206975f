"""The curated catalog (categories, benchmarks, models) as YAML, shipped with the package as data."""
