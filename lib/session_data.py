"""What a loaded session holds: the session row and every version of every step, oldest first.

Step data has one type end to end: the themes, research items and outlines a session holds are the
same Pydantic models the generators return (`lib.generate.models`), validated once when loaded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from lib.generate.models import OUTPUT_FORMATS, Outline, ResearchItem, Theme, Usage
from lib.versions import Base


def _format_order(kind: str) -> tuple[int, str]:
    return (OUTPUT_FORMATS.index(kind) if kind in OUTPUT_FORMATS else len(OUTPUT_FORMATS), kind)


@dataclass(frozen=True)
class Versioned:
    """What every version of every step carries (see `lib.versions`)."""

    version: int
    revision: int
    source: str
    editor: uuid.UUID | None
    based_on: int | None
    conflict: bool
    restored_from: int | None
    model_used: str | None
    usage: Usage
    created_at: datetime
    updated_at: datetime
    # False: only listed (a page's view holds older versions' bookkeeping, not their text; Sessions.version reads it)
    loaded: bool = field(default=True, kw_only=True)

    @property
    def base(self) -> Base:
        return Base(self.version, self.revision)

    @property
    def edited(self) -> bool:
        return self.source == "edited"


@dataclass(frozen=True)
class BrainDump(Versioned):
    raw_content: str
    themes: list[Theme]


@dataclass(frozen=True)
class ResearchVersion(Versioned):
    theme: Theme
    items: list[ResearchItem]
    kept_item_ids: list[str]

    @property
    def kept_items(self) -> list[ResearchItem]:
        kept = set(self.kept_item_ids)
        return [item for item in self.items if item.id in kept]

    @property
    def dropped_items(self) -> list[ResearchItem]:
        kept = set(self.kept_item_ids)
        return [item for item in self.items if item.id not in kept]


@dataclass(frozen=True)
class OutlineVersion(Versioned):
    options: list[Outline]
    chosen_index: int | None
    chosen_outline: Outline | None


@dataclass(frozen=True)
class DraftVersion(Versioned):
    markdown: str
    word_count: int


@dataclass(frozen=True)
class Output(Versioned):
    output_type: str
    content: str
    metadata: dict


@dataclass(frozen=True)
class Session:
    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    title_edited: bool
    status: str
    selected_theme: Theme | None
    created_at: datetime
    updated_at: datetime
    brain_dumps: list[BrainDump] = field(default_factory=list)
    research: list[ResearchVersion] = field(default_factory=list)
    outlines: list[OutlineVersion] = field(default_factory=list)
    drafts: list[DraftVersion] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    # How many versions each step has ("draft", "output:newsletter"…) when not all are listed (Sessions.view).
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, step: str, output_type: str | None = None) -> int:
        """How many versions `step` has (all of them, listed or not)."""
        listed = {"brain_dump": self.brain_dumps, "research": self.research, "outline": self.outlines,
                  "draft": self.drafts}.get(step) if step != "output" else self.output_versions(output_type or "")
        return self.counts.get(f"output:{output_type}" if step == "output" else step, len(listed or []))

    @property
    def brain_dump(self) -> BrainDump | None:
        return self.brain_dumps[-1] if self.brain_dumps else None

    @property
    def current_research(self) -> ResearchVersion | None:
        return self.research[-1] if self.research else None

    @property
    def current_outline(self) -> OutlineVersion | None:
        return self.outlines[-1] if self.outlines else None

    @property
    def current_draft(self) -> DraftVersion | None:
        return self.drafts[-1] if self.drafts else None

    @property
    def current_outputs(self) -> dict[str, Output]:
        """The newest version of each output type, in the one order every screen and export uses."""
        newest = {o.output_type: o for o in self.outputs}
        return {kind: newest[kind] for kind in sorted(newest, key=_format_order)}

    def output_versions(self, output_type: str) -> list[Output]:
        return [o for o in self.outputs if o.output_type == output_type]


@dataclass(frozen=True)
class RenameResult:
    applied: bool  # False: someone renamed it since the screen showed `expected`
    title: str  # the title now


@dataclass(frozen=True)
class SessionSummary:
    id: uuid.UUID
    title: str
    status: str
    created_at: datetime
    updated_at: datetime
