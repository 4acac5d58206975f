"""A small exception hierarchy; the CLI turns each into one clear line and exit code."""


class BenchmartError(Exception):
    """Base error: the message names the input and what to do about it."""

    exit_code = 1


class ConfigError(BenchmartError):
    """A settings, catalog or sources file is invalid."""

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
