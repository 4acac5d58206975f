"""Load a YAML configuration file into a pydantic model; any problem is a ConfigError naming the file,
the entry (with its id when it has one) and the field."""

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
import yaml

from benchmart.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: ~10x faster than the pure-Python one


def safe_load(text: str | bytes) -> object:
    """yaml.safe_load with libyaml's parser where PyYAML has it."""
    return yaml.load(text, Loader=SafeLoader)


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
