"""benchmart: LLM benchmark results, prices and runtime -> leaderboards in a SQL warehouse."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
__version__ = "0.1.0"
