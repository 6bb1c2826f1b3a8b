"""Versions of a step, and the compare-and-set that saves a user's edit.

Every step (brain dump, research, outline, draft, each output) is a chain of
versions; the highest is current. An edit names its base, the version and
revision the user's screen showed. In SQL, under the session row's lock:

- the base is still the newest version, the same editor (browser tab) made it
  and nobody saved it since: update it in place (revision + 1);
- otherwise: insert the next version, `based_on` the base, marked `conflict`
  when a newer version or revision existed by then.

So a stale save never replaces anything: it becomes its own version.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import psycopg

from lib.errors import InputError

SOURCES = ("generated", "edited", "partial")


@dataclass(frozen=True)
class Base:
    """What an editor's text was based on: a version and its revision (0, 0: nothing yet)."""

    version: int
    revision: int


@dataclass(frozen=True)
class SaveResult:
    version: int
    revision: int
    updated_at: datetime
    new_version: bool  # False: the editor's own version was updated in place
    conflict: bool  # a newer version existed: this save did not replace it

    @property
    def base(self) -> Base:
        return Base(self.version, self.revision)


@dataclass(frozen=True)
class StepTable:
    """One step's table: the columns an edit writes, and those a new version copies from its base."""

    table: str
    edited: tuple[str, ...]
    copied: tuple[str, ...] = ()
    scoped: bool = False  # outputs: one chain per output_type
    in_place_when: str = "true"  # an extra condition for updating in place


# The only tables and columns that reach the SQL below (never user input).
STEPS = {
    # A brain dump whose themes were extracted is not edited in place: its themes belong to it.
    "brain_dump": StepTable("content_brain_dumps", ("raw_content",), in_place_when="t.themes = '[]'::jsonb"),
    "research": StepTable("content_research", ("kept_item_ids",), ("theme", "items", "model_used")),
    "outline": StepTable("content_outlines", ("options", "chosen_index", "chosen_outline"), ("model_used",)),
    "draft": StepTable("content_drafts", ("markdown", "word_count")),
    "output": StepTable("content_outputs", ("content", "metadata"), ("model_used",), scoped=True),
}


def _scope(step: StepTable, alias: str) -> str:
    return f"{alias}.session_id = %(sid)s" + (f" and {alias}.output_type = %(output_type)s" if step.scoped else "")


def save_edit(conn: psycopg.Connection, step_name: str, sid: uuid.UUID, values: dict, *, base: Base | None,
              editor: uuid.UUID | None, output_type: str | None = None, restored_from: int | None = None) -> SaveResult:
    """Save the user's edit of one step. The caller holds the session row's lock (`Sessions._touch`).

    `base=None` means "based on whatever is newest now" (a caller with no screen, e.g. a test or a script).
    """
    step = STEPS[step_name]
    if set(values) != set(step.edited):
        raise ValueError(f"{step_name} edits set {step.edited}, not {tuple(values)}")
    scope_t, scope_b, scope_h = _scope(step, "t"), _scope(step, "b"), _scope(step, "h")
    # A restore copies the rest of the restored version; an edit, the rest of its base.
    params = {"sid": sid, "output_type": output_type, "editor": editor, "restored_from": restored_from,
              **{f"v_{c}": v for c, v in values.items()}}
    if base is None:
        head = conn.execute(f"select version, revision from public.{step.table} h where {scope_h}"
                            " order by version desc limit 1", params).fetchone()
        base = Base(head["version"], head["revision"]) if head else Base(0, 0)
    params.update(bv=base.version, br=base.revision, copy_from=restored_from or base.version)

    if editor is not None and restored_from is None:
        row = conn.execute(
            f"update public.{step.table} t set {', '.join(f'{c} = %(v_{c})s' for c in step.edited)},"
            " revision = t.revision + 1, updated_at = now()"
            f" where {scope_t} and t.version = %(bv)s and t.revision = %(br)s and t.editor = %(editor)s"
            f" and t.source = 'edited' and ({step.in_place_when})"
            f" and t.version = (select max(h.version) from public.{step.table} h where {scope_h})"
            " returning t.version, t.revision, t.updated_at",
            params,
        ).fetchone()
        if row is not None:
            return SaveResult(row["version"], row["revision"], row["updated_at"], new_version=False, conflict=False)

    scope_cols = ", output_type" if step.scoped else ""
    scope_vals = ", %(output_type)s" if step.scoped else ""
    row = conn.execute(
        f"insert into public.{step.table} (session_id{scope_cols}, version, {', '.join(step.copied + step.edited)},"
        " source, editor, based_on, conflict, restored_from)"
        f" select %(sid)s{scope_vals}, h.version + 1,"
        f" {''.join(f'b.{c}, ' for c in step.copied)}{', '.join(f'%(v_{c})s' for c in step.edited)},"
        " 'edited', %(editor)s, nullif(%(bv)s, 0), (h.version, h.revision) <> (%(bv)s, %(br)s), %(restored_from)s"
        f" from (select coalesce(max(h.version), 0) as version,"
        f"        coalesce((array_agg(h.revision order by h.version desc))[1], 0) as revision"
        f"       from public.{step.table} h where {scope_h}) h"
        f" left join public.{step.table} b on {scope_b} and b.version = %(copy_from)s"
        # A research selection or an outline edit needs the version it copies the rest from.
        f" where {'b.version is not null' if step.copied and not step.scoped else 'true'}"
        " returning version, revision, updated_at, conflict",
        params,
    ).fetchone()
    if row is None:
        raise InputError(f"There is no {step_name} to update yet.", fix="Generate this step first.")
    return SaveResult(row["version"], row["revision"], row["updated_at"], new_version=True, conflict=row["conflict"])


def version_row(conn: psycopg.Connection, step_name: str, sid: uuid.UUID, version: int,
                output_type: str | None = None) -> dict:
    """One version's edited columns (what a restore copies)."""
    step = STEPS[step_name]
    row = conn.execute(
        f"select {', '.join(step.edited)} from public.{step.table} t where {_scope(step, 't')} and t.version = %(v)s",
        {"sid": sid, "output_type": output_type, "v": version},
    ).fetchone()
    if row is None:
        raise InputError(f"Version {version} was not found.", fix="Pick one of the versions listed.")
    return dict(row)
