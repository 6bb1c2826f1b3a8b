"""How one version of each step reads, the same on its own page and on the session detail."""

from __future__ import annotations

import streamlit as st

from lib.generate import OUTPUT_FORMAT_LABELS, RESEARCH_KIND_LABELS
from lib.outline_text import sections_to_text
from lib.session_data import BrainDump, DraftVersion, OutlineVersion, Output, ResearchVersion


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
    st.markdown(v.markdown)


def output(v: Output) -> None:
    st.caption(OUTPUT_FORMAT_LABELS.get(v.output_type, v.output_type))
    st.code(v.content, language=None, wrap_lines=True)


def research_detail(v: ResearchVersion) -> str:
    return f"{len(v.kept_item_ids)} of {len(v.items)} kept"


def outline_detail(v: OutlineVersion) -> str:
    return f"{len(v.options)} options" + (f", #{v.chosen_index + 1} chosen" if v.chosen_index is not None else "")


def draft_detail(v: DraftVersion) -> str:
    return f"{v.word_count:,} words"


def output_detail(v: Output) -> str:
    return f"{len(v.content):,} characters"


def brain_dump_detail(v: BrainDump) -> str:
    return f"{len(v.themes)} themes" if v.themes else "no themes yet"
