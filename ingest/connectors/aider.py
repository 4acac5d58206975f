"""Aider's leaderboards (YAML): one run per entry; `pass_rate_2` (percent) is the score.

The model is the `--model` of `command` (a LiteLLM id); the display name `model` is kept as an
alias for when that id resolves to nothing. Run settings (`--reasoning-effort high`,
`--thinking-tokens 32k`, or a parenthesized note in the display name) become the variant.
YAML typing traps: `date` loads as a date, an all-digit `commit_hash` as an int, names may be numbers.
Architect runs (two models) and entries without a pass rate are quarantined with the reason.
"""

from datetime import date, datetime
import re
import shlex

import yaml

from benchmart import contracts
from benchmart.errors import SourceError
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors.common import Parsed, reject, rejects_frame, rows_frame
from benchmart.ingest.yamlfile import safe_load

LEADERBOARD = "https://aider.chat/docs/leaderboards/"
METRICS = ("pass_rate_2", "pass_rate_1")
PROVIDES = frozenset({"scores"})  # the figures this format can carry

OPTIONS = {
    "benchmark": "the benchmark name the board's runs score (default: Aider Polyglot)",
    "metric": "which pass rate is the score: pass_rate_2 (default; two attempts) or pass_rate_1 (boards without a second attempt)",
}


def check_options(options: dict) -> str | None:
    metric = options.get("metric", METRICS[0])
    return None if metric in METRICS else f"options.metric must be one of {', '.join(METRICS)}, not {metric!r}"


def parse(payload: bytes, source: SourceConfig) -> Parsed:
    try:
        runs = safe_load(payload.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourceError(f"source {source.id!r}: Aider leaderboard is not valid YAML ({exc})") from None
    if not isinstance(runs, list):
        raise SourceError(f"source {source.id!r}: expected a YAML list of runs")
    benchmark = source.options.get("benchmark", "Aider Polyglot")
    metric = source.options.get("metric", METRICS[0])
    rows, rejects = [], []
    for run in runs:
        if not isinstance(run, dict):
            rejects.append(reject(source.id, "run_not_a_mapping", run))
            continue
        display = None if run.get("model") is None else str(run["model"]).strip()
        args = _args(run.get("command"))
        if "--architect" in args or "--editor-model" in args:
            rejects.append(reject(source.id, "architect_run_has_two_models", run))
            continue
        value = _number(run.get(metric))
        if value is None:
            rejects.append(reject(source.id, f"{metric}_missing", run))
            continue
        model = _flag(args, "--model") or display
        if not model:
            rejects.append(reject(source.id, "model_missing", run))
            continue
        rows.append({
            "model_name": model,
            "model_alias": display,
            "variant": _variant(args) or _note(display),
            "benchmark_name": benchmark,
            "raw_value": value,
            "unit": "percent",
            "observed_on": _date(run.get("date")),
            "citation": LEADERBOARD,
            "provenance": source.provenance,
            "harness": "aider",
        })
    scores = rows_frame(rows, contracts.SCORES | contracts.SCORES_EXTRA, source)
    return Parsed(scores=scores, rejects=rejects_frame(rejects), records_read=len(runs))


def _args(command) -> list[str]:
    if not isinstance(command, str):
        return []
    text = command.split("#", 1)[0]
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _flag(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _variant(args: list[str]) -> str | None:
    effort = _flag(args, "--reasoning-effort")
    if effort:
        return effort.lower()
    tokens = _flag(args, "--thinking-tokens")
    return f"thinking-{tokens.lower()}" if tokens else None


def _note(display: str | None) -> str | None:
    """A parenthesized run note of the display name: "gpt-5 (high)" -> "high"."""
    match = re.search(r"\(([^()]*)\)\s*$", display or "")
    return re.sub(r"\s+", "-", match[1].strip().lower()) if match else None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().rstrip("%"))
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 100 else None


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return date(int(match[1]), int(match[2]), int(match[3])) if match else None
