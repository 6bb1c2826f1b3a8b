"""Tokens and cost: what each generation recorded, summed in SQL.

Every generation leaves one row with `model_used` and `usage` (lib/generate/models.Usage): a step version the
generator made, or an image (its metadata's `usage`). An edit copies the model's name onto its new version
but records no usage, so it is not a generation here; jobs record the same usage again (their sum per job),
so they are not read, or every token would count twice.

How a generation's tokens are shown, never as a 0 that is not real:
- offline: the offline generator uses no tokens ("offline (no tokens)");
- unknown: the server sent no usage (all zeros from a model that is not offline);
- estimated: the server sent no usage for a streamed draft, so its completion tokens were counted from the
  stream ("≈") and its prompt tokens are unknown.

Cost comes from `PRICES`, list prices checked on `PRICES_CHECKED`; a model not in it has no cost ("—").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, tzinfo
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from lib.db import Database
from lib.generate.models import OFFLINE_MODEL, Usage
from lib.paging import day_range


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens, standard (not batch, not cached input) rates."""

    input: float
    output: float


# The OpenAI text models this app is set up for (OPENAI_TEXT_MODEL, default gpt-5.4-mini), at OpenAI's published
# standard rates. Image models are priced per image and size, not per token here: they show "—".
PRICES_CHECKED = date(2026, 11, 26)
PRICES: dict[str, Price] = {
    "gpt-5.4": Price(2.50, 15.00),
    "gpt-5.4-mini": Price(0.75, 4.50),
    "gpt-5.4-nano": Price(0.20, 1.25),
}
_SNAPSHOT = re.compile(r"^(?P<base>.+)-\d{4}-\d{2}-\d{2}$")  # what the API answers with: gpt-5.4-mini-2026-03-17


def price_of(model: str | None) -> Price | None:
    """The model's price, also for a dated snapshot of a listed model; None when it is not listed."""
    if not model:
        return None
    if model in PRICES:
        return PRICES[model]
    snapshot = _SNAPSHOT.match(model)
    return PRICES.get(snapshot["base"]) if snapshot else None


@dataclass(frozen=True)
class Tally:
    """Generations of one model (or several, added up) and the tokens known of them."""

    model: str | None = None
    calls: int = 0
    offline_calls: int = 0
    unknown_calls: int = 0  # the server sent no usage
    estimated_calls: int = 0  # completion counted from the stream, prompt unknown
    prompt_tokens: int = 0  # of the calls whose prompt is known
    completion_tokens: int = 0  # of every call with a count, estimated ones included
    total_tokens: int = 0

    @property
    def offline(self) -> bool:
        return self.calls > 0 and self.offline_calls == self.calls

    @property
    def counted(self) -> int:
        """Calls with a token count (exact or estimated)."""
        return self.calls - self.offline_calls - self.unknown_calls

    @property
    def complete(self) -> bool:
        """Every token of these calls is known exactly."""
        return not (self.unknown_calls or self.estimated_calls)

    def __add__(self, other: "Tally") -> "Tally":
        """Added up: the model stays when both are of the same one (or one has no calls), else None."""
        same = self.model == other.model or not other.calls
        model = self.model if same else other.model if not self.calls else None
        return Tally(model, *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)[1:]))

    @classmethod
    def of(cls, model: str | None, usage: Usage) -> "Tally":
        """One generation, as the SQL below classifies it."""
        if model == OFFLINE_MODEL:
            return cls(model, calls=1, offline_calls=1)
        if usage.estimated:
            return cls(model, calls=1, estimated_calls=1, completion_tokens=usage.completion_tokens,
                       total_tokens=usage.total_tokens)
        if not usage.total_tokens:
            return cls(model, calls=1, unknown_calls=1)
        return cls(model, calls=1, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                   total_tokens=usage.total_tokens)

    def cost(self) -> float | None:
        """USD at the listed price for the known tokens; None when the model is not listed."""
        price = price_of(self.model)
        if price is None:
            return None
        return (self.prompt_tokens * price.input + self.completion_tokens * price.output) / 1_000_000


# --- reading: one statement per view ------------------------------------------------------------------

_STEP_TABLES = ("content_brain_dumps", "content_research", "content_outlines", "content_drafts", "content_outputs")
# Every generation of the signed-in user: step versions the generator made (usage recorded, or a generated one
# whose usage never came), and images. Joined through the user's sessions so each table is read by session.
_CALLS = " union all ".join([
    *(f"select r.session_id, r.created_at, r.model_used, r.usage from public.content_sessions s"
      f" join public.{table} r on r.session_id = s.id where s.user_id = (select auth.uid())"
      f" and (r.usage ? 'total_tokens' or (r.source <> 'edited' and r.model_used is not null))" for table in _STEP_TABLES),
    "select i.session_id, i.created_at, i.model_used, i.metadata -> 'usage' from public.generated_images i"
    " where i.user_id = (select auth.uid()) and i.metadata ? 'usage'",
])
_MEASURED = f"""
select session_id, created_at, model_used,
  coalesce(model_used = '{OFFLINE_MODEL}', false) as offline,
  coalesce((usage ->> 'estimated')::boolean, false) as estimated,
  coalesce((usage ->> 'prompt_tokens')::bigint, 0) as prompt_tokens,
  coalesce((usage ->> 'completion_tokens')::bigint, 0) as completion_tokens,
  coalesce((usage ->> 'total_tokens')::bigint, 0) as total_tokens
from ({_CALLS}) calls
"""
_KIND = f"""
select *, not offline and not estimated and total_tokens = 0 as unknown from ({_MEASURED}) measured
"""
_SUMS = """count(*) as calls,
  count(*) filter (where offline) as offline_calls,
  count(*) filter (where unknown) as unknown_calls,
  count(*) filter (where estimated and not offline) as estimated_calls,
  coalesce(sum(prompt_tokens) filter (where not (offline or unknown or estimated)), 0)::bigint as prompt_tokens,
  coalesce(sum(completion_tokens) filter (where not (offline or unknown)), 0)::bigint as completion_tokens,
  coalesce(sum(total_tokens) filter (where not (offline or unknown)), 0)::bigint as total_tokens"""
_TALLY = tuple(f.name for f in fields(Tally))


def _tally(row: dict) -> Tally:
    return Tally(**{name: row[name] for name in _TALLY})


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def session_usage(db: Database, user_id: uuid.UUID | str, session_ids: Iterable[object]) -> dict[uuid.UUID, list[Tally]]:
    """Per session (of those given, the user's only), one tally per model: one statement for a page of sessions."""
    ids = [sid for sid in map(_uuid, session_ids) if sid is not None]
    if not ids:
        return {}
    with db.as_user(user_id) as conn:
        rows = conn.execute(
            f"select session_id, model_used as model, {_SUMS} from ({_KIND}) k"
            " where session_id = any(%s) group by session_id, model_used order by session_id, model_used nulls last",
            [ids]).fetchall()
    totals: dict[uuid.UUID, list[Tally]] = {}
    for row in rows:
        totals.setdefault(row["session_id"], []).append(_tally(row))
    return totals


@dataclass(frozen=True)
class WeekUsage:
    week: date  # the Monday that starts it, in the viewer's time zone
    tally: Tally
    last_at: datetime  # the latest generation in it


def sql_zone(zone: tzinfo | None) -> str | timedelta:
    """What `at time zone` takes for the viewer's zone: its name, else its offset now (None: the server's)."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    return (datetime.now(zone) if zone is not None else datetime.now().astimezone()).utcoffset()


def usage_by_week(db: Database, user_id: uuid.UUID | str, date_from: date | None = None, date_to: date | None = None,
                  zone: tzinfo | None = None) -> list[WeekUsage]:
    """Per week (in `zone`) and model, oldest first, of generations between the dates (whole days in `zone`,
    `date_to` included): one statement, however many generations."""
    start, end = day_range(date_from, date_to, zone)
    with db.as_user(user_id) as conn:
        rows = conn.execute(
            f"select date_trunc('week', created_at at time zone %(zone)s)::date as week, model_used as model,"
            f" {_SUMS}, max(created_at) as last_at from ({_KIND}) k"
            " where (%(start)s::timestamptz is null or created_at >= %(start)s)"
            " and (%(end)s::timestamptz is null or created_at < %(end)s)"
            " group by week, model_used order by week, model_used nulls last",
            {"zone": sql_zone(zone), "start": start, "end": end}).fetchall()
    return [WeekUsage(row["week"], _tally(row), row["last_at"]) for row in rows]


def version_tally(versions: Sequence) -> Tally | None:
    """The generation behind a step's current version (`versions`: oldest first, as a loaded session holds them).

    An edit or a restore records no usage: follow it back to the generated version it came from. Notes are
    different: their themes are extracted onto them (or onto a copy), and edited notes have none yet.
    None: no generation behind it."""
    if not versions:
        return None
    by_number = {v.version: v for v in versions}
    seen: set[int] = set()
    version = versions[-1]
    while version.source == "edited":
        if hasattr(version, "themes"):
            if not version.themes:
                return None
            break
        seen.add(version.version)
        origin = version.restored_from or version.based_on
        if origin is None or origin in seen or origin not in by_number:
            return None
        version = by_number[origin]
    return Tally.of(version.model_used, version.usage)


# --- words -------------------------------------------------------------------------------------------

OFFLINE_TEXT = "offline (no tokens)"
UNKNOWN = "unknown"


def _count(value: int, *, approx: bool = False, more_unknown: bool = False) -> str:
    return f"{'≈ ' if approx else ''}{value:,}{' + unknown' if more_unknown else ''}"


def total_text(t: Tally) -> str:
    if t.offline:
        return OFFLINE_TEXT
    if not t.counted:
        return UNKNOWN
    return _count(t.total_tokens, approx=bool(t.estimated_calls), more_unknown=not t.complete)


def prompt_text(t: Tally) -> str:
    if t.offline:
        return OFFLINE_TEXT
    if not t.counted - t.estimated_calls:
        return UNKNOWN
    return _count(t.prompt_tokens, more_unknown=not t.complete)


def completion_text(t: Tally) -> str:
    if t.offline:
        return OFFLINE_TEXT
    if not t.counted:
        return UNKNOWN
    return _count(t.completion_tokens, approx=bool(t.estimated_calls), more_unknown=bool(t.unknown_calls))


def money(usd: float, *, at_least: bool = False) -> str:
    """"≈ $0.0012" at list price, or "≥ $0.0012" when that is only part of it."""
    if 0 < usd < 0.0001:
        return "> $0" if at_least else "< $0.0001"
    amount = "$0" if usd == 0 else f"${usd:.4f}" if usd < 1 else f"${usd:,.2f}"
    return f"{'≥' if at_least else '≈'} {amount}"


def cost_text(tallies: Iterable[Tally]) -> str:
    """The cost of the priced models' known tokens: "≈" at list price, "≥" when some tokens or models are not
    known; "—" when no model is priced; "unknown" when priced ones have no counts."""
    real = [t for t in tallies if not t.offline]
    priced = [t for t in real if price_of(t.model) is not None]
    if not priced:
        return "—"
    if not any(t.counted for t in priced):
        return UNKNOWN
    exact = len(priced) == len(real) and all(t.complete for t in priced)
    return money(sum(t.cost() for t in priced), at_least=not exact)


def summary(tallies: Iterable[Tally] | None) -> str | None:
    """One line for a step or a session, e.g. "Tokens: 1,234 (gpt-5.4-mini) · cost ≈ $0.0012"; None: nothing
    was generated."""
    tallies = [t for t in tallies or () if t.calls]
    if not tallies:
        return None
    offline = sum(t.calls for t in tallies if t.offline)
    real = [t for t in tallies if not t.offline]
    if not real:
        return f"Tokens: {OFFLINE_TEXT}"
    models = ", ".join(dict.fromkeys(t.model or "model not recorded" for t in real))
    line = f"Tokens: {total_text(sum(real, Tally()))} ({models}) · cost {cost_text(real)}"
    return line + (f" · {offline} offline (no tokens)" if offline else "")
