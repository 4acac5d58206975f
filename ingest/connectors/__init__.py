"""Connectors: one module per source format, registered by format name in REGISTRY below.

A connector turns one raw payload (bytes) into canonical frames (`Parsed`). It never raises
on a bad record: the record goes to `rejects` with a reason and its raw value.
A payload that cannot be read at all raises `SourceError` (a source failure).
Adding a format is adding a module and one line in REGISTRY.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from benchmart.errors import ConfigError
from benchmart.ingest.config import SourceConfig
from benchmart.ingest.connectors import aider, epoch, litellm, livebench, llm_stats, models_dev, openrouter, tabular
from benchmart.ingest.connectors.common import Parsed

COMMON_OPTIONS = {"accept_html": "accept an HTTP answer that is an HTML page (refused by default: usually an error page)"}


@dataclass(frozen=True)
class Connector:
    """A format: its parse function, the options it accepts (name -> meaning) and the figures it can carry."""

    parse: Callable[[bytes, SourceConfig], Parsed]
    options: dict[str, str]
    check: Callable[[dict], str | None] = lambda options: None  # a message when an option's value is wrong
    provides: Callable[[SourceConfig], frozenset[str]] = lambda source: frozenset()

    @classmethod
    def of(cls, module: ModuleType, parse: Callable | None = None) -> "Connector":
        fixed = getattr(module, "PROVIDES", None)
        return cls(parse or module.parse, COMMON_OPTIONS | module.OPTIONS, getattr(module, "check_options", lambda options: None),
                   getattr(module, "provides", lambda source: fixed))


REGISTRY: dict[str, Connector] = {
    "aider": Connector.of(aider),
    "csv": Connector.of(tabular, tabular.parse_csv),
    "epoch": Connector.of(epoch),
    "json": Connector.of(tabular, tabular.parse_json),
    "litellm": Connector.of(litellm),
    "livebench": Connector.of(livebench),
    "llm_stats": Connector.of(llm_stats),
    "models_dev": Connector.of(models_dev),
    "openrouter": Connector.of(openrouter),
}


def known_formats() -> set[str]:
    return set(REGISTRY)


def check_options(source: SourceConfig) -> None:
    """Unknown option keys and wrong values are configuration errors naming the source, the key and the allowed ones."""
    connector = REGISTRY[source.format]
    unknown = sorted(set(source.options) - set(connector.options))
    if unknown:
        raise ConfigError(
            f"source {source.id!r} (format {source.format}): unknown option {unknown[0]!r}; "
            f"allowed: {', '.join(sorted(connector.options))}"
        )
    problem = connector.check(source.options)
    if problem:
        raise ConfigError(f"source {source.id!r} (format {source.format}): {problem}")


def provides(source: SourceConfig) -> frozenset[str]:
    """The figures (scores, prices, runtime, models, registry) a source's format can carry."""
    return REGISTRY[source.format].provides(source)


def parse_payload(payload: bytes, source: SourceConfig) -> Parsed:
    return REGISTRY[source.format].parse(payload, source).conformed()


__all__ = ["REGISTRY", "Connector", "Parsed", "check_options", "known_formats", "parse_payload", "provides"]
