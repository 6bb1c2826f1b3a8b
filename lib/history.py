"""History: a user's sessions, newest activity first, one SQL statement per page.

Pagination is by keyset on (updated_at, id), so sessions that arrive while
someone pages never shift a page (no gaps, no duplicates). Which sessions
make the page is chosen by `history_page_ids` (sql/015), searched or not:
search is PostgreSQL full text over one document per session (title, brain
dumps and drafts, every version), kept up to date on write and GIN-indexed,
and the function is planned for the actual words each call, so a rare and a
common word both stay fast however many sessions the user has. The cards are
then read as the user, under RLS: counts from the session's counts row (kept
on write), the first image's thumbnail by one index probe, never the images.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from lib.db import Database
from lib.errors import InputError
from lib.paging import day_range, decode_cursor, encode_cursor
from lib.session import STATUSES

PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryFilter:
    query: str = ""
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    zone: tzinfo | None = None  # whose days the dates are: the user's (None: the server's)


@dataclass(frozen=True)
class HistoryRow:
    id: uuid.UUID
    title: str
    status: str
    created_at: datetime
    updated_at: datetime
    output_count: int
    image_count: int
    thumbnail_path: str | None
    thumbnail_url: str | None


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    next_cursor: str | None = None
    filter: HistoryFilter = field(default_factory=HistoryFilter)


_PAGE_SQL = """
select s.id, s.title, s.status, s.created_at, s.updated_at,
  coalesce(c.output_count, 0) as output_count, coalesce(c.image_count, 0) as image_count,
  first_image.thumbnail_path, first_image.thumbnail_url
from public.history_page_ids(%(q)s::text, %(statuses)s::text[], %(date_from)s::timestamptz, %(date_to)s::timestamptz,
                             %(cursor_at)s::timestamptz, %(cursor_id)s::uuid, %(limit)s::integer) with ordinality as page(id, n)
join public.content_sessions s on s.id = page.id
left join public.content_session_counts c on c.session_id = s.id
left join lateral (
  select i.metadata -> 'thumbnail' ->> 'path' as thumbnail_path, i.metadata -> 'thumbnail' ->> 'public_url' as thumbnail_url
    from public.generated_images i
   where i.session_id = s.id and i.storage_path is not null
   order by i.created_at, i.id limit 1
) first_image on true
order by page.n
"""


def history_page(db: Database, user_id: uuid.UUID | str, flt: HistoryFilter | None = None,
                 cursor: str | None = None, page_size: int = PAGE_SIZE) -> HistoryPage:
    """One page of the user's sessions: one statement, whatever the number of sessions."""
    flt = flt or HistoryFilter()
    unknown = set(flt.statuses) - set(STATUSES)
    if unknown:
        raise InputError(f"Unknown status filter {sorted(unknown)}.", fix=f"Use {', '.join(STATUSES)}.")
    cursor_at, cursor_id = decode_cursor(cursor)
    date_from, date_to = day_range(flt.date_from, flt.date_to, flt.zone)
    params: dict[str, Any] = {
        "q": " ".join((flt.query or "").split())[:200] or None,
        "statuses": list(flt.statuses),
        "date_from": date_from,
        "date_to": date_to,
        "cursor_at": cursor_at,
        "cursor_id": cursor_id,
        "limit": page_size + 1,  # one more tells whether there is a next page
    }
    with db.as_user(user_id) as conn:
        rows = [HistoryRow(**r) for r in conn.execute(_PAGE_SQL, params).fetchall()]
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = encode_cursor(rows[-1].updated_at, rows[-1].id) if more else None
    return HistoryPage(rows=rows, next_cursor=next_cursor, filter=flt)
