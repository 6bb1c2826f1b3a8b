"""Gallery: every image of the user, standalone ones included, one statement per page, thumbnails only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from lib.db import Database
from lib.errors import InputError
from lib.images import IMAGE_COLUMNS, ImageRecord
from lib.paging import day_range, decode_cursor, encode_cursor

PAGE_SIZE = 24
STANDALONE = "standalone"


@dataclass(frozen=True)
class GalleryFilter:
    session: str | None = None  # a session id, "standalone", or None for all
    model: str | None = None
    aspect_ratio: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    zone: tzinfo | None = None  # whose days the dates are: the user's (None: the server's)


@dataclass(frozen=True)
class GalleryPage:
    images: list[ImageRecord]
    next_cursor: str | None


@dataclass(frozen=True)
class GalleryChoices:
    """What the filters can offer, from the user's own images."""
    models: list[str]
    aspect_ratios: list[str]
    sessions: list[tuple[uuid.UUID, str]]


_PAGE_SQL = f"""
select {IMAGE_COLUMNS} from public.generated_images
where (%(standalone)s is false or session_id is null)
  and (%(session_id)s::uuid is null or session_id = %(session_id)s::uuid)
  and (%(model)s::text is null or model_used = %(model)s::text)
  and (%(ratio)s::text is null or aspect_ratio = %(ratio)s::text)
  and (%(date_from)s::timestamptz is null or created_at >= %(date_from)s::timestamptz)
  and (%(date_to)s::timestamptz is null or created_at < %(date_to)s::timestamptz)
  and (%(cursor_at)s::timestamptz is null or (created_at, id) < (%(cursor_at)s::timestamptz, %(cursor_id)s::uuid))
order by created_at desc, id desc
limit %(limit)s
"""

# Distinct values by skipping through an index (a recursive "loose index scan"): one probe per distinct
# model or ratio, however many images the user has (sql/013).
_DISTINCT = """{name}(v) as (
  select min({col}) from public.generated_images where user_id = %(uid)s
  union all
  select (select min({col}) from public.generated_images where user_id = %(uid)s and {col} > {name}.v)
    from {name} where {name}.v is not null)"""
_CHOICES_SQL = f"""
with recursive {_DISTINCT.format(name="models", col="model_used")}, {_DISTINCT.format(name="ratios", col="aspect_ratio")}
select
  (select coalesce(jsonb_agg(v order by v), '[]') from models where v is not null) as models,
  (select coalesce(jsonb_agg(v order by v), '[]') from ratios where v is not null) as ratios,
  (select coalesce(jsonb_agg(jsonb_build_array(x.id, x.title) order by x.updated_at desc), '[]') from (
     select s.id, s.title, s.updated_at from public.content_sessions s
      where exists (select 1 from public.generated_images i where i.session_id = s.id)
      order by s.updated_at desc limit 200) x) as sessions
"""


def gallery_page(db: Database, user_id: uuid.UUID | str, flt: GalleryFilter | None = None,
                 cursor: str | None = None, page_size: int = PAGE_SIZE) -> GalleryPage:
    flt = flt or GalleryFilter()
    session_id = None
    if flt.session and flt.session != STANDALONE:
        try:
            session_id = uuid.UUID(str(flt.session))
        except ValueError:
            raise InputError("That session filter is not valid.", fix="Pick a session from the list.") from None
    cursor_at, cursor_id = decode_cursor(cursor)
    date_from, date_to = day_range(flt.date_from, flt.date_to, flt.zone)
    params: dict[str, Any] = {
        "standalone": flt.session == STANDALONE,
        "session_id": session_id,
        "model": flt.model,
        "ratio": flt.aspect_ratio,
        "date_from": date_from,
        "date_to": date_to,
        "cursor_at": cursor_at,
        "cursor_id": cursor_id,
        "limit": page_size + 1,
    }
    with db.as_user(user_id) as conn:
        rows = [ImageRecord(**r) for r in conn.execute(_PAGE_SQL, params).fetchall()]
    more = len(rows) > page_size
    rows = rows[:page_size]
    return GalleryPage(images=rows, next_cursor=encode_cursor(rows[-1].created_at, rows[-1].id) if more else None)


def gallery_choices(db: Database, user_id: uuid.UUID | str) -> GalleryChoices:
    with db.as_user(user_id) as conn:
        row = conn.execute(_CHOICES_SQL, {"uid": uuid.UUID(str(user_id))}).fetchone()
    return GalleryChoices(models=sorted(row["models"]), aspect_ratios=sorted(row["ratios"]),
                          sessions=[(uuid.UUID(sid), title) for sid, title in row["sessions"]])
