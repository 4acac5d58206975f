"""Load a YAML configuration file into a pydantic model; any problem is a ConfigError naming the file,
the entry (with its id when it has one) and the field."""

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
import yaml

from benchmart.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: ~10x faster than the pure-Python one


MAX_NODES = 5_000_000  # nodes a document may expand to through its aliases (a "billion laughs" has ~10^9)


def safe_load(text: str | bytes) -> object:
    """yaml.safe_load with libyaml's parser where PyYAML has it, refusing a document whose aliases would expand it
    past MAX_NODES nodes (counted on the event stream, without expanding anything)."""
    if (b"&" in text and b"*" in text) if isinstance(text, bytes) else ("&" in text and "*" in text):
        _check_expansion(text)
    return yaml.load(text, Loader=SafeLoader)


def _check_expansion(text: str | bytes) -> None:
    sizes: dict[str, int] = {}
    stack: list[list] = []
    total = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append([event.anchor, 1])
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, n = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, n = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, n = None, sizes.get(event.anchor, 1)
        else:
            continue
        if anchor:
            sizes[anchor] = n
        if stack:
            stack[-1][1] += n
        else:
            total += n
        if total > MAX_NODES or (stack and stack[-1][1] > MAX_NODES):
            raise yaml.YAMLError(f"the document's aliases expand it past {MAX_NODES:,} nodes (an alias bomb?); refused")


def load_model(path: Path, schema: type[M], what: str, hint: str = "") -> tuple[M, object]:
    """(the validated model, the raw YAML); `what` names the file's role in errors ("sources file"), `hint` what to do."""
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found{hint}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    try:
        return schema.model_validate(raw), raw
    except ValidationError as exc:
        raise ConfigError(f"{path}:{_where(exc, raw)}") from None


def _where(exc: ValidationError, raw: object) -> str:
    first = exc.errors()[0]
    loc = list(first["loc"])
    entry = ""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(raw, dict):
        items = raw.get(loc[0]) or []
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        entry = f" entry {loc[1]}" + (f" (id {item['id']!r})" if isinstance(item, dict) and "id" in item else "")
    field = ".".join(str(x) for x in loc[2:]) or ".".join(str(x) for x in loc) or "(file)"
    return f"{entry} field {field!r}: {first['msg']}"
