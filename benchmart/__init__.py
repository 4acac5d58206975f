"""benchmart: LLM benchmark results, prices and runtime -> leaderboards in a SQL warehouse.

This package is the ground floor every room stands on: errors, settings and the frame contracts.
The rooms are subpackages mapped from the repository's top-level folders (see pyproject.toml):
cli -> flows -> ingest -> transforms / expectations / warehouse -> this ground floor.
"""

__version__ = "0.1.0"
