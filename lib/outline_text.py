"""An outline's sections as editable text ("## Heading" lines, "- point" lines) and back."""

from __future__ import annotations

from lib.errors import InputError
from lib.generate.models import Outline, OutlineSection


def sections_to_text(outline: Outline) -> str:
    blocks = []
    for section in outline.sections:
        blocks.append("\n".join([f"## {section.heading}", *(f"- {p}" for p in section.points)]))
    return "\n\n".join(blocks)


def sections_from_text(text: str) -> list[OutlineSection]:
    sections: list[OutlineSection] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            sections.append(OutlineSection(heading=line.lstrip("#").strip() or "Untitled section", points=[]))
            continue
        point = line.lstrip("-*• ").strip()
        if not sections:
            sections.append(OutlineSection(heading="Introduction", points=[]))
        if point:
            sections[-1].points.append(point)
    if not sections:
        raise InputError("The outline has no sections.", fix="Write at least one line starting with ## for a section.")
    return sections


def edited_outline(base: Outline, *, title: str, hook: str, sections_text: str, call_to_action: str) -> Outline:
    """The user's copy of an outline option; unchanged fields keep the option's values."""
    return Outline(
        id=base.id,
        structure=base.structure,
        title=title.strip() or base.title,
        hook=hook.strip() or base.hook,
        sections=sections_from_text(sections_text),
        call_to_action=call_to_action.strip() or base.call_to_action,
    )
