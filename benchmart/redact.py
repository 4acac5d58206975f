"""Credentials never leave the process: a URL's password and the values of its credential-like query parameters
are replaced by `***` wherever a URL is shown or stored (errors, logs, the landing manifest, the warehouse)."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SENSITIVE = {"token", "access_token", "auth", "auth_token", "api_key", "apikey", "key", "secret", "client_secret", "password",
             "pass", "pwd", "sig", "signature", "x-api-key", "session", "credential", "credentials"}
MASK = "***"


def _sensitive(name: str) -> bool:
    name = name.lower()
    return name in SENSITIVE or name.endswith(("_token", "_key", "_secret", "-token", "-key", "-secret"))


def secrets_of(url: str) -> list[str]:
    """The credential values a URL carries (its password, credential-like query values), longest first."""
    try:
        parts = urlsplit(url)
        found = [v for k, v in parse_qsl(parts.query, keep_blank_values=False) if _sensitive(k) and v]
        if parts.password:
            found.append(parts.password)
    except ValueError:  # not even a URL: a password between "://user:" and "@" still counts
        found = re.findall(r"://[^:/@\s]+:([^@\s]+)@", url)
    return sorted(set(found), key=len, reverse=True)


def redacted_url(url: str) -> str:
    """`url` with its password and credential-like query values replaced by ***; a URL without any is unchanged."""
    found = secrets_of(url)
    if not found:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url, url)
    netloc = parts.netloc
    if parts.password:
        netloc = netloc.replace(f":{parts.password}@", f":{MASK}@")
    query = urlencode([(k, MASK if _sensitive(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def scrub(text: str, *urls: str) -> str:
    """`text` (an error message, say) with every credential of `urls` replaced by ***."""
    for url in urls:
        for secret in secrets_of(url):
            text = text.replace(secret, MASK)
    return text
