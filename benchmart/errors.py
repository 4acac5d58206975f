"""A small exception hierarchy; the CLI turns each into one clear line and exit code."""


class BenchmartError(Exception):
    """Any other benchmart error: the message names the input and what to do about it."""

    exit_code = 1


class ConfigError(BenchmartError):
    """A command-line argument, or a settings, catalog or sources file, is invalid (nothing was run)."""

    exit_code = 2


class SourceError(BenchmartError):
    """A source could not be fetched or parsed."""

    exit_code = 3


class PermanentSourceError(SourceError):
    """A source failure that retrying cannot fix (a local file that is missing, too large or unreadable)."""


class ValidationFailed(BenchmartError):
    """A batch-level expectation failed: nothing was published."""

    exit_code = 4


class WarehouseError(BenchmartError):
    """The warehouse cannot be read or written as asked."""

    exit_code = 5


class UnknownModel(BenchmartError):
    """A model name given by the user resolves to no catalog model."""

    exit_code = 6


EXIT_BACKFILL_FAILED = 7
EXIT_STALE = 10


def exit_codes() -> list[tuple[int, str]]:
    """Every exit code of the `benchmart` command with its meaning: the README's table is generated from this."""
    errors = [BenchmartError, ConfigError, SourceError, ValidationFailed, WarehouseError, UnknownModel]
    codes = [(0, "success")] + [(e.exit_code, f"{e.__doc__.strip()} (`{e.__name__}`)") for e in errors]
    codes += [(EXIT_BACKFILL_FAILED, "a backfill with failed dates; the other dates were published"),
              (EXIT_STALE, "published, but a source was stale or missing (a warning for the scheduler)")]
    return sorted(codes)


def exit_code_table() -> str:
    return "\n".join(["| exit | meaning |", "|---|---|"] + [f"| {code} | {meaning} |" for code, meaning in exit_codes()])
