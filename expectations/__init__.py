"""Great Expectations suites (JSON files under suites/) and the code that runs them on Polars frames."""

from benchmart.expectations.runner import SUITES_DIR, Outcome, validate

__all__ = ["SUITES_DIR", "Outcome", "validate"]
