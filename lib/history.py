"""History: a user's sessions, newest activity first, one SQL statement per page.

Pagination is by keyset on (updated_at, id), so sessions that arrive while
someone pages never shift a page (no gaps, no duplicates). Search is
PostgreSQL full text over title, brain dump and drafts, through
`history_search_hits` (sql/006), which can use the GIN indexes of sql/005.
Each row carries counts and its first image's thumbnail, never the images.
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
  (select count(distinct o.output_type) from public.content_outputs o where o.session_id = s.id) as output_count,
  (select count(*) from public.generated_images i where i.session_id = s.id) as image_count,
  first_image.thumbnail_path, first_image.thumbnail_url
from public.content_sessions s
left join lateral (
  select i.metadata -> 'thumbnail' ->> 'path' as thumbnail_path, i.metadata -> 'thumbnail' ->> 'public_url' as thumbnail_url
    from public.generated_images i
   where i.session_id = s.id and i.storage_path is not null
   order by i.created_at, i.id limit 1
) first_image on true
where (%(q)s::text is null or s.id in (select public.history_search_hits(%(q)s::text)))
  and (cardinality(%(statuses)s::text[]) = 0 or s.status = any(%(statuses)s::text[]))
  and (%(date_from)s::timestamptz is null or s.updated_at >= %(date_from)s::timestamptz)
  and (%(date_to)s::timestamptz is null or s.updated_at < %(date_to)s::timestamptz)
  and (%(cursor_at)s::timestamptz is null or (s.updated_at, s.id) < (%(cursor_at)s::timestamptz, %(cursor_id)s::uuid))
order by s.updated_at desc, s.id desc
limit %(limit)s
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
