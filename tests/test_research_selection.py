"""Research the user unticks never reaches the outline, the draft or the outputs.

The offline generator builds everything from the notes' own sentences, so an unticked
item leaks unless the notes, the theme and the chosen outline are given without it.
"""

import json
import uuid

import pytest

from lib import selection
from lib.config import load_config
from lib.generate import OUTPUT_FORMATS, get_generator
from lib.generate.models import Outline, Theme
from lib.generate.text import shorten
from lib.pipeline import Pipeline
from lib.session import Sessions

NOTES = """Remote work notes for the quarterly post
- Async writing beats meetings for most product decisions.
- Timezone overlap is the real constraint for distributed teams.
- Our docs-first culture means decisions are written down, not said in calls.
- Standups cost each engineer 37 minutes a day across the whole team.
- Onboarding remote hires needs a buddy and written guides for the first month.
- Burnout creeps in when nobody on distributed teams ever logs off.
- A survey of 412 remote engineers found 61% prefer written decisions over meetings.
- But some urgent incidents still need a quick call, async writing is too slow there.
- Meetings without an agenda are the worst offenders for wasted time.
- Written guides make onboarding faster: new hires shipped in 9 days instead of 21.
- Does async writing slow down urgent decisions for distributed teams?
- Managers should model logging off so that teams trust async writing.
"""
UNTICKED = {  # two insights, and words only their sentences hold (a figure without a source is a fact to check,
    # which the offline generator keeps out of drafts and posts whether it is ticked or not)
    "Burnout creeps in when nobody on distributed teams ever logs off.": ["Burnout", "logs off"],
    "Managers should model logging off so that teams trust async writing.": ["Managers", "model logging"],
}
KEPT = ["Timezone overlap is the real constraint", "Onboarding remote hires needs a buddy"]


@pytest.fixture
def pipeline(db, user_a):
    generator = get_generator(load_config(CONTENT_GENERATOR="offline"))
    assert generator.offline
    return Pipeline(Sessions(db, user_a), generator)


def researched(pipeline) -> uuid.UUID:
    sid = pipeline.start(NOTES).id
    pipeline.choose_theme(sid, pipeline.extract_themes(sid).themes[0].id)
    pipeline.research(sid)
    return sid


def untick(pipeline, sid, texts) -> None:
    research = pipeline.sessions.get(sid).current_research
    assert set(texts) <= {i.text for i in research.items}, "the notes no longer yield these items"
    kept = [i.id for i in research.items if i.text not in texts]
    pipeline.sessions.keep_research_items(sid, kept, base=research.base, editor=uuid.uuid4())


def later_steps(pipeline, sid, *, untick_after_outline=False) -> dict[str, str]:
    """Outline → draft → every output; each later step's text, by name."""
    if not untick_after_outline:
        untick(pipeline, sid, UNTICKED)
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 0)
    if untick_after_outline:
        untick(pipeline, sid, UNTICKED)
    pipeline.write_draft(sid)
    pipeline.outputs(sid, OUTPUT_FORMATS)
    s = pipeline.sessions.get(sid)
    texts = {f"outline option {n}": o.model_dump_json() for n, o in enumerate(s.current_outline.options)}
    texts["draft"] = s.current_draft.markdown
    for fmt, out in s.current_outputs.items():
        texts[fmt] = out.content + json.dumps(out.metadata)
    assert set(s.current_outputs) == set(OUTPUT_FORMATS)
    return texts


def leaks(texts: dict[str, str], only: str | None = None) -> list[tuple[str, str]]:
    words = [w for text, ws in UNTICKED.items() for w in [text, *ws]]
    return [(name, w) for name, text in texts.items() for w in words
            if w.casefold() in text.casefold() and (only is None or name == only)]


def test_unticked_research_reaches_no_outline_draft_or_output(pipeline):
    texts = later_steps(pipeline, researched(pipeline))
    assert leaks(texts) == []
    outline_and_draft = " ".join(v for k, v in texts.items() if k.startswith("outline") or k == "draft")
    assert all(kept in outline_and_draft for kept in KEPT)


def test_unticking_after_the_outline_was_chosen_keeps_it_out_of_the_draft_and_outputs(pipeline):
    sid = researched(pipeline)
    texts = later_steps(pipeline, sid, untick_after_outline=True)
    assert leaks({k: v for k, v in texts.items() if not k.startswith("outline")}) == []
    assert all(kept in texts["draft"] for kept in KEPT)


def test_without_the_filter_unticked_research_does_leak(pipeline, monkeypatch):
    """What the test above guards: with the notes, theme and outline passed unfiltered, it fails."""
    monkeypatch.setattr(selection, "without", lambda text, dropped: text)
    monkeypatch.setattr(selection, "theme_without", lambda theme, dropped: theme)
    monkeypatch.setattr(selection, "outline_without", lambda outline, dropped: outline)
    texts = later_steps(pipeline, researched(pipeline))
    assert {w for _, w in leaks(texts, only="draft")} >= {"Burnout", "Managers"}


def test_without_the_outline_filter_an_item_unticked_after_the_outline_does_leak(pipeline, monkeypatch):
    """What the after-the-outline test guards: the chosen outline still holds the item."""
    monkeypatch.setattr(selection, "outline_without", lambda outline, dropped: outline)
    texts = later_steps(pipeline, researched(pipeline), untick_after_outline=True)
    assert {w for _, w in leaks(texts, only="draft")} >= {"Burnout", "Managers"}


# --- lib/selection on small strings ------------------------------------------------------------


def test_without_removes_the_whole_sentence_an_item_came_from():
    text = "Keep this. Standups waste 30 min a day, maybe more. Keep that too."
    assert selection.without(text, ["Standups waste 30 min a day, maybe more."]) == "Keep this. Keep that too."


def test_without_finds_a_shortened_item_and_removes_the_rest_of_its_sentence():
    text = "Keep this. Standups waste 30 min a day, maybe more, across the team. Keep that too."
    assert selection.without(text, ["Standups waste 30 min a day…"]) == "Keep this. Keep that too."


def test_without_ignores_spacing_and_case():
    text = "- Keep this\n-   standups\tWASTE  30 min\n  a day\n- Keep that too\n"
    assert selection.without(text, ["Standups waste 30 min a day"]) == "- Keep this\n-\n- Keep that too\n"


def test_without_takes_symbols_literally():
    text = "Costs rose 61% (from $2.5k) in 2024. Other sentence."
    assert selection.without(text, ["Costs rose 61% (from $2.5k) in 2024."]) == " Other sentence."
    assert selection.without("a+b = c. Keep.", ["a.b"]) == "a+b = c. Keep."


def test_without_keeps_the_text_when_nothing_or_nothing_readable_is_dropped():
    text = "Keep this. Keep that."
    assert selection.without(text, []) == text
    assert selection.without(text, ["…", "  "]) == text


def test_theme_without_drops_key_points_and_a_summary_from_unticked_items():
    theme = Theme(title="Remote teams", summary="Standups waste 30 min a day, maybe more.", angle="practical",
                  key_points=["Standups waste 30 min a day, maybe more.", "Docs first culture.", "Timezones matter."])
    kept = selection.theme_without(theme, ["Standups  waste 30 min a day…", "timezones MATTER"])
    assert (kept.summary, kept.key_points) == ("Remote teams", ["Docs first culture."])
    assert (kept.title, kept.angle, kept.id) == (theme.title, theme.angle, theme.id)
    assert selection.theme_without(theme, []) == theme


def test_outline_without_drops_points_a_hook_and_sections_left_empty():
    outline = Outline(structure="listicle", title="Remote work", hook="Standups waste 30 min a day.", call_to_action="Try it",
                      sections=[{"heading": "Cost", "points": ["Standups waste 30 min a day, maybe more."]},
                                {"heading": "Fix", "points": ["Write it down.", "Timezones   matter."]}])
    kept = selection.outline_without(outline, ["Standups waste 30 min a day…", "Timezones matter."])
    assert kept.hook == "Remote work"
    assert [(s.heading, s.points) for s in kept.sections] == [("Fix", ["Write it down."])]
    assert (kept.title, kept.call_to_action) == (outline.title, outline.call_to_action)


# --- sentences that end in a question, and items the generator shortened ------------------------


def test_unticking_a_question_keeps_the_sentence_after_it():
    text = "Does async writing slow urgent work? Written decisions survive turnover. Keep this."
    dropped = ["Does async writing slow urgent work?"]
    assert selection.without(text, dropped) == " Written decisions survive turnover. Keep this."


def test_a_shortened_key_point_of_an_unticked_item_is_dropped():
    theme = Theme(title="Remote teams", summary="Standups waste 30 min a day…", angle="practical",
                  key_points=["Standups waste 30 min a day…", "Docs first culture."])
    kept = selection.theme_without(theme, ["Standups waste 30 min a day, maybe more."])
    assert (kept.summary, kept.key_points) == ("Remote teams", ["Docs first culture."])


LONG = ("When our distributed teams moved every status update into a shared written log, recurring meetings fell "
        "from 14 to 5 per week and nobody on the platform team asked to bring the old calls back.")  # 35 words


def test_a_long_unticked_sentence_is_dropped_from_the_themes_shortened_summary_and_points():
    item = shorten(LONG, 40, 300)  # what research makes of it: the whole sentence
    theme = Theme(title="Status logs", summary=shorten(LONG, 28), angle="a", key_points=[shorten(LONG, 30), "Other."])
    kept = selection.theme_without(theme, [item])
    assert (kept.summary, kept.key_points) == ("Status logs", ["Other."])


def test_a_long_unticked_sentence_reaches_no_outline_draft_or_output(pipeline):
    notes = NOTES.replace("- Burnout", f"- {LONG}\n- Burnout")
    sid = pipeline.start(notes).id
    theme = next(t for t in pipeline.extract_themes(sid).themes  # a theme that quotes it, shortened
                 if any(p.startswith("When our") for p in [t.summary, *t.key_points]))
    pipeline.choose_theme(sid, theme.id)
    pipeline.research(sid)
    research = pipeline.sessions.get(sid).current_research
    pipeline.sessions.keep_research_items(sid, [i.id for i in research.items if "14 to 5" not in i.text])
    assert any("14 to 5" in i.text for i in pipeline.sessions.get(sid).current_research.dropped_items)
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 1)
    pipeline.write_draft(sid)
    pipeline.outputs(sid, OUTPUT_FORMATS)
    s = pipeline.sessions.get(sid)
    texts = {f"outline option {n}": o.model_dump_json() for n, o in enumerate(s.current_outline.options)}
    texts.update({"draft": s.current_draft.markdown, **{f: o.content for f, o in s.current_outputs.items()}})
    assert [name for name, text in texts.items() if "14 to 5" in text] == []
