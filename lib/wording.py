"""Small pieces of wording that screens share."""

from __future__ import annotations


def plural(n: int, singular: str, many: str | None = None) -> str:
    """"1 version", "2 versions", "1,234 characters" (`many` for a word that does not just take an s)."""
    return f"{n:,} {singular if n == 1 else many or singular + 's'}"
