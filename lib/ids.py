"""Ids from URLs and widgets: anything that is not a UUID is simply not found, never an error of its own."""

from __future__ import annotations

import uuid
from typing import Callable

from lib.errors import NotFoundError


def parse_id(value: object, not_found: Callable[[], NotFoundError]) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError, TypeError):
        raise not_found() from None
