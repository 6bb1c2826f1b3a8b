"""The session hook round-trips every step through the real database."""

import time

import pytest

from lib.errors import InputError
from lib.generate.models import Outline, ResearchItem, Theme, Usage
from lib.session import Sessions, provisional_title
from lib.versions import Base

BRAIN_DUMP = """Remote teams & async writing
- standups waste 30 min a day?? maybe more
- <b>docs first</b> culture: decisions written down, not said in calls
- timezone overlap is the real constraint
"""

THEMES = [
    {"title": "Async writing beats meetings", "summary": "Written decisions scale", "angle": "contrarian",
     "key_points": ["standups waste 30 min a day", "decisions written down"]},
    {"title": "Timezones shape teams", "summary": "Overlap is the constraint", "angle": "practical",
     "key_points": ["timezone overlap is the real constraint"]},
    {"title": "Docs-first culture", "summary": "How to start", "angle": "how-to", "key_points": ["docs first"]},
]
RESEARCH = [
    {"id": "r1", "kind": "insight", "text": "Written decisions survive turnover."},
    {"id": "r2", "kind": "fact", "text": "Standups take 15-30 minutes.", "verify": True},
    {"id": "r3", "kind": "question", "text": "Does async slow urgent work?"},
]
OUTLINES = [
    {"structure": "problem-solution", "title": "Kill the standup", "hook": "What if", "sections": [{"heading": "A", "points": ["x"]}], "call_to_action": "Try it"},
    {"structure": "how-to", "title": "Docs first, a guide", "hook": "Step one", "sections": [{"heading": "B", "points": ["y"]}], "call_to_action": "Start"},
]
# Step data is typed: what a test saves is what it reads back.
THEMES, RESEARCH, OUTLINES = ([Model.model_validate(x) for x in xs] for Model, xs in
                              ((Theme, THEMES), (ResearchItem, RESEARCH), (Outline, OUTLINES)))


@pytest.fixture
def sessions(db, user_a):
    return Sessions(db, user_a)


def test_create_saves_the_session_and_its_brain_dump_together(sessions):
    created = sessions.create(BRAIN_DUMP)
    loaded = sessions.get(created.id)
    assert loaded.status == "brain_dump"
    assert loaded.title == "Remote teams & async writing"
    assert loaded.brain_dump.raw_content == BRAIN_DUMP  # HTML and symbols kept verbatim
    assert loaded.brain_dump.themes == []
    assert loaded.user_id == sessions.user_id
    assert [s.id for s in sessions.recent()] == [created.id]


def test_every_step_round_trips(sessions):
    sid = sessions.create(BRAIN_DUMP).id
    sessions.save_themes(sid, THEMES, model_used="offline", usage={"total_tokens": 0})
    sessions.choose_theme(sid, THEMES[0])
    version = sessions.save_research(sid, THEMES[0], RESEARCH, model_used="offline")
    sessions.keep_research_items(sid, ["r1", "r3"])
    outline_version = sessions.save_outline_options(sid, OUTLINES, model_used="offline")
    edited = OUTLINES[1].model_copy(update={"title": "Docs first, my way"})
    sessions.choose_outline(sid, 1, edited=edited)
    draft_version = sessions.save_draft(sid, "# Docs first\n\nWrite it down.", model_used="offline", usage={"total_tokens": 7})
    sessions.save_output(sid, "linkedin", "A post", metadata={"chars": 6}, model_used="offline")
    sessions.save_output(sid, "x_thread", "1/ first", metadata={"posts": ["1/ first"]})

    s = sessions.get(sid)
    assert s.brain_dump.themes == THEMES
    assert s.brain_dump.model_used == "offline" and s.brain_dump.usage == Usage(total_tokens=0)
    assert s.selected_theme == THEMES[0] and s.title == THEMES[0].title
    assert (version, outline_version, draft_version) == (1, 1, 1)
    research = s.current_research
    assert research.items == RESEARCH and research.theme == THEMES[0]
    assert [i.id for i in research.kept_items] == ["r1", "r3"]
    outline = s.current_outline
    assert outline.options == [OUTLINES[0], edited] and outline.chosen_index == 1 and outline.chosen_outline == edited
    assert outline.version == 2 and outline.source == "edited" and s.outlines[0].options == OUTLINES
    draft = s.current_draft
    assert draft.markdown == "# Docs first\n\nWrite it down." and draft.word_count == 5
    assert draft.source == "generated" and draft.usage == Usage(total_tokens=7)
    assert s.current_outputs["linkedin"].content == "A post"
    assert s.current_outputs["linkedin"].metadata == {"chars": 6}
    assert s.current_outputs["x_thread"].metadata == {"posts": ["1/ first"]}
    assert s.status == "brain_dump"  # saving a step never moves the status (lib/steps.py: Pipeline.complete does)


def test_choosing_an_outline_without_edits_keeps_the_option_itself(sessions):
    sid = sessions.create(BRAIN_DUMP).id
    sessions.save_outline_options(sid, OUTLINES)
    sessions.choose_outline(sid, 0)
    assert sessions.get(sid).current_outline.chosen_outline == OUTLINES[0]


def test_regenerating_keeps_earlier_versions(sessions):
    sid = sessions.create(BRAIN_DUMP).id
    assert sessions.save_research(sid, THEMES[0], RESEARCH[:1]) == 1
    assert sessions.save_research(sid, THEMES[0], RESEARCH) == 2
    assert sessions.save_outline_options(sid, OUTLINES[:1]) == 1
    assert sessions.save_outline_options(sid, OUTLINES) == 2
    assert sessions.save_draft(sid, "first") == 1
    assert sessions.edit_draft(sid, "first, edited").version == 2
    assert sessions.save_output(sid, "linkedin", "v1") == 1
    assert sessions.save_output(sid, "linkedin", "v2") == 2
    s = sessions.get(sid)
    assert [r.version for r in s.research] == [1, 2] and s.current_research.items == RESEARCH
    assert s.research[0].items == RESEARCH[:1]
    assert [d.markdown for d in s.drafts] == ["first", "first, edited"]
    assert s.current_draft.source == "edited"
    assert s.current_outputs["linkedin"].content == "v2" and len(s.outputs) == 2


def test_keeping_items_of_an_earlier_version_makes_a_new_version_from_it(sessions):
    sid = sessions.create(BRAIN_DUMP).id
    sessions.save_research(sid, THEMES[0], RESEARCH[:2])
    sessions.save_research(sid, THEMES[0], RESEARCH)
    saved = sessions.keep_research_items(sid, ["r2"], base=Base(1, 1))
    assert (saved.version, saved.conflict) == (3, True)  # version 2 was newer than the screen's version 1
    s = sessions.get(sid)
    assert [r.kept_item_ids for r in s.research] == [["r1", "r2"], ["r1", "r2", "r3"], ["r2"]]
    assert s.research[2].items == RESEARCH[:2] and s.research[2].based_on == 1


def test_keeping_items_before_any_research_is_a_clear_error(sessions):
    sid = sessions.create(BRAIN_DUMP).id
    with pytest.raises(InputError, match="no research to update yet"):
        sessions.keep_research_items(sid, ["r1"])


def test_status_moves_forward_only(sessions):
    sid = sessions.create(BRAIN_DUMP).id
    sessions.advance(sid, "draft")
    sessions.advance(sid, "research")
    assert sessions.get(sid).status == "draft"
    sessions.advance(sid, "completed")
    assert sessions.get(sid).status == "completed"
    with pytest.raises(ValueError):
        sessions.advance(sid, "published")


def test_every_save_touches_updated_at(sessions):
    sid = sessions.create(BRAIN_DUMP).id
    stamps = [sessions.get(sid).updated_at]
    saves = [
        lambda: sessions.save_themes(sid, THEMES),
        lambda: sessions.choose_theme(sid, THEMES[1]),
        lambda: sessions.save_research(sid, THEMES[1], RESEARCH),
        lambda: sessions.keep_research_items(sid, ["r1"]),
        lambda: sessions.save_outline_options(sid, OUTLINES),
        lambda: sessions.choose_outline(sid, 0),
        lambda: sessions.save_draft(sid, "text"),
        lambda: sessions.save_output(sid, "newsletter", "text"),
        lambda: sessions.advance(sid, "completed"),
        lambda: sessions.rename(sid, "New name"),
        lambda: sessions.edit_brain_dump(sid, "new notes"),
    ]
    for save in saves:
        time.sleep(0.002)
        save()
        stamps.append(sessions.get(sid).updated_at)
    assert all(later > earlier for earlier, later in zip(stamps, stamps[1:]))


def test_recent_lists_newest_activity_first(sessions):
    first = sessions.create("first notes").id
    second = sessions.create("second notes").id
    assert [s.id for s in sessions.recent()] == [second, first]
    sessions.save_draft(first, "touch")
    assert [s.id for s in sessions.recent()] == [first, second]
    assert [s.id for s in sessions.recent(limit=1)] == [first]


@pytest.mark.parametrize("text", ["", "   \n\t  ", None])
def test_an_empty_brain_dump_is_refused_and_nothing_is_created(sessions, text):
    with pytest.raises(InputError, match="The brain dump is empty"):
        sessions.create(text)
    assert sessions.recent() == []


def test_a_too_large_brain_dump_says_the_limit(db, user_a):
    small = Sessions(db, user_a, max_input_chars=100)
    with pytest.raises(InputError, match="101 characters; the limit is 100"):
        small.create("x" * 101)
    assert small.recent() == []
    assert small.create("x" * 100).brain_dump.raw_content == "x" * 100


def test_nul_characters_are_dropped_not_fatal(sessions):
    s = sessions.create("before\x00after")
    assert s.brain_dump.raw_content == "beforeafter"


def test_delete_removes_the_session_and_its_steps(sessions, db):
    sid = sessions.create(BRAIN_DUMP).id
    sessions.save_draft(sid, "text")
    sessions.delete(sid)
    assert sessions.recent() == []
    with db.admin() as conn:
        assert conn.execute("select count(*) as n from content_drafts").fetchone()["n"] == 0
        assert conn.execute("select count(*) as n from content_brain_dumps").fetchone()["n"] == 0


@pytest.mark.parametrize("text,title", [
    ("# Big idea\nmore", "Big idea"),
    ("\n\n  - first bullet point\n", "first bullet point"),
    ("word " * 40, "word word word word word word word word word word word…"),
])
def test_provisional_title(text, title):
    assert provisional_title(text) == title


def test_the_same_create_token_makes_one_session(sessions):
    token = "6f1c1f8e-4a55-4c8e-9a57-1f0c2b7e9d10"
    first = sessions.create("double clicked notes", create_token=token)
    second = sessions.create("double clicked notes", create_token=token)
    assert second.id == first.id
    assert [s.id for s in sessions.recent()] == [first.id]
    third = sessions.create("double clicked notes", create_token="0a6f5a8e-0000-4c8e-9a57-1f0c2b7e9d10")
    assert third.id != first.id


def test_create_tokens_of_different_users_do_not_collide(db, sessions, user_b):
    token = "6f1c1f8e-4a55-4c8e-9a57-1f0c2b7e9d10"
    mine = sessions.create("mine", create_token=token)
    theirs = Sessions(db, user_b).create("theirs", create_token=token)
    assert theirs.id != mine.id and theirs.brain_dump.raw_content == "theirs"
