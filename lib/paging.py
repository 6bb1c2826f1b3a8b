"""Keyset pagination helpers shared by History and Gallery.

A cursor is the (timestamp, id) of the last row shown, opaque to the user;
the next page is everything strictly before it, so rows that arrive at the
top while someone pages never shift a page.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime, time, timedelta, tzinfo

from lib.errors import InputError


def encode_cursor(stamp: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([stamp.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime | None, uuid.UUID | None]:
    if not cursor:
        return None, None
    try:
        stamp, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(stamp), uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise InputError("That page link is not valid.", fix="Go back to the first page.") from None


def day_range(date_from: date | None, date_to: date | None,
              zone: tzinfo | None = None) -> tuple[datetime | None, datetime | None]:
    """Whole days in the user's `zone` (None: the server's), `date_to` included: [from 00:00, the day after `to` 00:00)."""
    def midnight(day: date | None) -> datetime | None:
        try:
            if day is None:
                return None
            start = datetime.combine(day, time.min)
            return start.replace(tzinfo=zone) if zone is not None else start.astimezone()
        except (OverflowError, ValueError):  # at the ends of the calendar: no bound
            return None

    return midnight(date_from), midnight(date_to + timedelta(days=1) if date_to and date_to < date.max else None)
