"""Small pieces of wording that screens share."""

from __future__ import annotations


def plural(n: int, singular: str, many: str | None = None) -> str:
    """"1 version", "2 versions", "1,234 characters" (`many` for a word that does not just take an s)."""
    return f"{n:,} {singular if n == 1 else many or singular + 's'}"


def history_label(versions: int) -> str:
    """A step's version list: "Version history · 1 version" (for every step's expander, so they read alike)."""
    return f"Version history · {plural(versions, 'version')}"
