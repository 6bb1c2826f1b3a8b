"""How one version of each step reads, the same on its own page and on the session detail."""

from __future__ import annotations

import streamlit as st

from lib.export import nested_headings
from lib.generate import RESEARCH_KIND_LABELS
from lib.outline_text import sections_to_text
from lib.session_data import BrainDump, DraftVersion, OutlineVersion, Output, ResearchVersion
from lib.ui import output_cards
from lib.wording import plural


def brain_dump(v: BrainDump) -> None:
    st.text(v.raw_content)
    if v.themes:
        st.caption("Themes: " + " · ".join(t.title for t in v.themes))


def research(v: ResearchVersion) -> None:
    kept = set(v.kept_item_ids)
    st.markdown("\n".join(f"- {'✓' if i.id in kept else '✗ ~~'}_{RESEARCH_KIND_LABELS.get(i.kind, '')}_: {i.text}"
                          f"{'' if i.id in kept else '~~'}{' ⚠️ verify' if i.verify else ''}" for i in v.items))


def outline(v: OutlineVersion) -> None:
    for i, option in enumerate(v.options):
        chosen = " ✓ chosen" if i == v.chosen_index else ""
        st.markdown(f"**{i + 1}. {option.title}**{chosen}\n\n_Hook:_ {option.hook}\n\n{sections_to_text(option)}\n\n"
                    f"_Call to action:_ {option.call_to_action}")


def draft(v: DraftVersion) -> None:
    # Under the page's own headings: the draft's `#` title would otherwise be the largest text on the page.
    st.markdown(nested_headings(v.markdown))


def output(v: Output) -> None:
    """As the Outputs page shows it: the preview, its counts and Copy (keyed by version: one page may show several)."""
    output_cards.show(v.output_type, v.content, key=f"version-{v.output_type}-{v.version}")


def research_detail(v: ResearchVersion) -> str:
    return f"{len(v.kept_item_ids)} of {len(v.items)} kept"


def outline_detail(v: OutlineVersion) -> str:
    return plural(len(v.options), "option") + (f", #{v.chosen_index + 1} chosen" if v.chosen_index is not None else "")


def draft_detail(v: DraftVersion) -> str:
    return plural(v.word_count, "word")


def output_detail(v: Output) -> str:
    return output_cards.summary(v.output_type, v.content)


def brain_dump_detail(v: BrainDump) -> str:
    return plural(len(v.themes), "theme") if v.themes else "no themes yet"
