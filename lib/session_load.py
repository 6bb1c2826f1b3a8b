"""How a session is read: one statement per load, every step's versions as JSON the session types validate.

`LOAD` reads everything (the pipeline, exports); `VIEW_LOAD` what a page shows: each step's newest version whole
and only the bookkeeping of the `HISTORY` versions before it; `ONE_VERSION[step]` one version whole, when a
version picker asks for it.
"""

from __future__ import annotations

from pydantic import TypeAdapter

from lib.session_data import BrainDump, DraftVersion, OutlineVersion, Output, ResearchVersion, Session

# Every version's bookkeeping, then the step's own columns.
META = ("'version', {a}.version, 'revision', {a}.revision, 'source', {a}.source, 'editor', {a}.editor, "
         "'based_on', {a}.based_on, 'conflict', {a}.conflict, 'restored_from', {a}.restored_from, "
         "'model_used', {a}.model_used, 'usage', {a}.usage, 'created_at', {a}.created_at, 'updated_at', {a}.updated_at")


def _versions(table: str, alias: str, columns: str, order: str = "version") -> str:
    return (f"(select coalesce(jsonb_agg(jsonb_build_object({META.format(a=alias)}, {columns}) order by {order}), '[]')"
            f" from public.{table} {alias} where {alias}.session_id = s.id)")


LOAD = f"""
select s.id, s.user_id, s.title, s.title_edited, s.status, s.selected_theme, s.created_at, s.updated_at,
  {_versions("content_brain_dumps", "b", "'raw_content', b.raw_content, 'themes', b.themes")} as brain_dumps,
  {_versions("content_research", "r", "'theme', r.theme, 'items', r.items, 'kept_item_ids', r.kept_item_ids")} as research,
  {_versions("content_outlines", "o", "'options', o.options, 'chosen_index', o.chosen_index, 'chosen_outline', o.chosen_outline")}
    as outlines,
  {_versions("content_drafts", "d", "'markdown', d.markdown, 'word_count', d.word_count")} as drafts,
  {_versions("content_outputs", "p", "'output_type', p.output_type, 'content', p.content, 'metadata', p.metadata",
             "p.output_type, p.version")} as outputs
from public.content_sessions s
where s.id = %s
"""


# What a page loads (`Sessions.view`): each step's newest version whole, and only the bookkeeping of the
# HISTORY versions before it (what the version picker lists); an older version's text is read when picked.
# So one rerun reads the same bytes at 2 versions or 200.
HISTORY = 20
# Per step: the columns every listed version carries, and those only the newest one does (the rest get these
# empty defaults, and `loaded` false).
_VIEW = {
    "brain_dump": ("content_brain_dumps", "b", "'themes', b.themes", "'raw_content', b.raw_content", "'raw_content', ''"),
    "research": ("content_research", "r", "'theme', r.theme",
                 "'items', r.items, 'kept_item_ids', r.kept_item_ids", "'items', '[]'::jsonb, 'kept_item_ids', '[]'::jsonb"),
    "outline": ("content_outlines", "o", "'chosen_index', o.chosen_index",
                "'options', o.options, 'chosen_outline', o.chosen_outline", "'options', '[]'::jsonb, 'chosen_outline', null"),
    "draft": ("content_drafts", "d", "'word_count', d.word_count", "'markdown', d.markdown", "'markdown', ''"),
    "output": ("content_outputs", "p", "'output_type', p.output_type",
               "'content', p.content, 'metadata', p.metadata", "'content', '', 'metadata', '{}'::jsonb"),
}


def _listed(step: str, where: str = "true", limit: int = HISTORY) -> str:
    table, a, always, whole, empty = _VIEW[step]
    per = f"partition by {a}.output_type " if step == "output" else ""
    order = "x.output_type, x.version" if step == "output" else "x.version"
    kind = f"{a}.output_type" if step == "output" else "null"
    return (f"(select coalesce(jsonb_agg(x.obj order by {order}), '[]') from ("
            f"select {a}.version, {kind} as output_type, jsonb_build_object({META.format(a=a)}, {always}, 'loaded', n = 1)"
            f" || case when n = 1 then jsonb_build_object({whole}) else jsonb_build_object({empty}) end as obj"
            f" from (select {a}.*, row_number() over ({per}order by {a}.version desc) as n from public.{table} {a}"
            f" where {a}.session_id = s.id and {where}) {a} where n <= {limit}) x)")


VIEW_LOAD = f"""
select s.id, s.user_id, s.title, s.title_edited, s.status, s.selected_theme, s.created_at, s.updated_at,
  {_listed("brain_dump")} as brain_dumps, {_listed("research")} as research, {_listed("outline")} as outlines,
  {_listed("draft")} as drafts, {_listed("output")} as outputs,
  jsonb_build_object(
    'brain_dump', (select count(*) from public.content_brain_dumps where session_id = s.id),
    'research', (select count(*) from public.content_research where session_id = s.id),
    'outline', (select count(*) from public.content_outlines where session_id = s.id),
    'draft', (select count(*) from public.content_drafts where session_id = s.id))
  || coalesce((select jsonb_object_agg('output:' || output_type, n) from (select output_type, count(*) as n
     from public.content_outputs where session_id = s.id group by output_type) c), '{{}}') as counts
from public.content_sessions s
where s.id = %s
"""

def _one(step: str) -> str:
    alias = _VIEW[step][1]
    where = f"{alias}.version = %s" + (f" and {alias}.output_type = %s" if step == "output" else "")
    return f"select {_listed(step, where, 1)} as versions from public.content_sessions s where s.id = %s"


ONE_VERSION = {step: _one(step) for step in _VIEW}

# The loaded row, JSON versions and all, becomes typed step data in one validation.
SESSION = TypeAdapter(Session)
STEP_TYPES = {"brain_dump": BrainDump, "research": ResearchVersion, "outline": OutlineVersion, "draft": DraftVersion,
               "output": Output}
