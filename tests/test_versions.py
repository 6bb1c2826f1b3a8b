"""Edits are saved by compare-and-set against the version the screen showed: a stale save never overwrites.

Every step (draft, each output, research selection, outline, brain dump) runs the same
checks through `Step`, which says how to generate a version, edit one, and read it back.
"""

import threading
import uuid
from dataclasses import dataclass
from typing import Callable

import pytest

from lib.errors import InputError, SessionNotFound
from lib.generate.models import Outline, ResearchItem, Theme
from lib.session import Sessions
from lib.versions import STEPS, Base

NOTES = "Remote teams\n- standups waste 30 min a day\n- docs first culture\n"
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
THEMES = [{"title": "Async beats meetings", "summary": "Write it down", "angle": "contrarian", "key_points": ["a"]},
          {"title": "Docs first", "summary": "How to start", "angle": "how-to", "key_points": ["b"]}]
# Research items whose ids are the words the tests "type": a research edit keeps one item.
ITEMS = [{"id": w, "kind": "insight", "text": f"{w.title()} is an insight."} for w in WORDS]
OUTLINES = [{"structure": "problem-solution", "title": "Kill the standup", "hook": "What if", "sections": [{"heading": "A", "points": ["x"]}],
             "call_to_action": "Try it"},
            {"structure": "how-to", "title": "Docs first", "hook": "Step one", "sections": [{"heading": "B", "points": ["y"]}],
             "call_to_action": "Start"}]
# Step data is typed: what a test saves is what it reads back.
THEMES, ITEMS, OUTLINES = ([Model.model_validate(x) for x in xs] for Model, xs in
                           ((Theme, THEMES), (ResearchItem, ITEMS), (Outline, OUTLINES)))
A, B = uuid.UUID(int=0xA), uuid.UUID(int=0xB)  # two browser tabs


@dataclass(frozen=True)
class Step:
    name: str
    make: Callable  # (sessions, sid): what the generator saves
    edit: Callable  # (sessions, sid, text, **kw) -> SaveResult
    chain: Callable  # (session) -> the step's versions, oldest first
    text: Callable  # (version) -> what the user typed into it
    output_type: str | None = None

    def versions(self, sessions, sid):
        return self.chain(sessions.get(sid))

    def __str__(self):
        return self.name


DRAFT = Step("draft", lambda s, sid: s.save_draft(sid, "generated draft"),
             lambda s, sid, text, **kw: s.edit_draft(sid, text, **kw),
             lambda session: session.drafts, lambda v: v.markdown)
OUTPUT = Step("output", lambda s, sid: s.save_output(sid, "linkedin_post", "generated post"),
              lambda s, sid, text, **kw: s.edit_output(sid, "linkedin_post", text, **kw),
              lambda session: session.output_versions("linkedin_post"), lambda v: v.content, "linkedin_post")
RESEARCH = Step("research", lambda s, sid: s.save_research(sid, THEMES[0], ITEMS),
                lambda s, sid, text, **kw: s.keep_research_items(sid, [text], **kw),
                lambda session: session.research, lambda v: ",".join(v.kept_item_ids))
OUTLINE = Step("outline", lambda s, sid: s.save_outline_options(sid, OUTLINES),
               lambda s, sid, text, **kw: s.edit_outline(sid, [OUTLINES[0].model_copy(update={"title": text}), OUTLINES[1]], 0, **kw),
               lambda session: session.outlines, lambda v: v.chosen_outline.title if v.chosen_outline else None)
# The brain dump's "generated" state: themes were extracted from it.
BRAIN_DUMP = Step("brain_dump", lambda s, sid: s.save_themes(sid, THEMES),
                  lambda s, sid, text, **kw: s.edit_brain_dump(sid, text, **kw),
                  lambda session: session.brain_dumps, lambda v: v.raw_content)
ALL = [DRAFT, OUTPUT, RESEARCH, OUTLINE, BRAIN_DUMP]
every_step = pytest.mark.parametrize("step", ALL, ids=str)


@pytest.fixture
def sessions(db, user_a):
    return Sessions(db, user_a)


def generated(sessions, step) -> tuple[uuid.UUID, Base]:
    """A session whose newest version of `step` was just generated, and that version's base."""
    sid = sessions.create(NOTES).id
    step.make(sessions, sid)
    return sid, step.versions(sessions, sid)[-1].base


def new_version(sessions, sid, step, text, *, base, editor, conflict):
    """Save; it must become the next version, and every earlier version must be exactly as it was."""
    before = step.versions(sessions, sid)
    saved = step.edit(sessions, sid, text, base=base, editor=editor)
    after = step.versions(sessions, sid)
    assert (saved.new_version, saved.conflict) == (True, conflict)
    assert after[:-1] == before
    v = after[-1]
    assert (v.version, v.revision) == (saved.version, saved.revision) == (len(before) + 1, 1)
    assert (step.text(v), v.source, v.editor, v.based_on, v.conflict) == (text, "edited", editor, base.version or None,
                                                                          conflict)
    return saved


def in_place(sessions, sid, step, text, *, base, editor):
    """Save; it must update the newest version (same number, revision + 1), nothing else."""
    before = step.versions(sessions, sid)
    saved = step.edit(sessions, sid, text, base=base, editor=editor)
    after = step.versions(sessions, sid)
    assert (saved.new_version, saved.conflict) == (False, False)
    assert after[:-1] == before[:-1] and len(after) == len(before)
    v = after[-1]
    assert (v.version, v.revision) == (saved.version, saved.revision) == (base.version, base.revision + 1)
    assert (step.text(v), v.editor, v.source) == (text, editor, "edited")
    return saved


# --- one editor, then another -----------------------------------------------------------


@every_step
def test_the_same_editor_on_the_current_version_saves_in_place(sessions, step):
    sid, head = generated(sessions, step)
    first = new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    second = in_place(sessions, sid, step, "bravo", base=first.base, editor=A)
    in_place(sessions, sid, step, "charlie", base=second.base, editor=A)
    assert [step.text(v) for v in step.versions(sessions, sid)][1:] == ["charlie"]


@every_step
def test_another_editor_on_the_current_version_makes_a_new_version(sessions, step):
    sid, head = generated(sessions, step)
    first = new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    second = new_version(sessions, sid, step, "bravo", base=first.base, editor=B, conflict=False)
    assert second.version == first.version + 1
    assert step.text(step.versions(sessions, sid)[first.version - 1]) == "alpha"


@every_step
def test_a_generated_version_is_never_edited_in_place(sessions, step):
    sid, head = generated(sessions, step)
    new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)


@every_step
def test_a_generated_version_carrying_the_editor_is_still_not_edited_in_place(db, sessions, step):
    sid, head = generated(sessions, step)
    with db.admin() as conn:  # as if the tab had made it: only the source now says "not in place"
        conn.execute(f"update public.{STEPS[step.name].table} set editor = %s where session_id = %s", [A, sid])
    assert step.versions(sessions, sid)[-1].editor == A
    new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)


# --- stale bases: the screen showed something older than what is saved now -------------------


@every_step
def test_a_stale_revision_from_the_same_editor_makes_a_conflicting_version(sessions, step):
    sid, head = generated(sessions, step)
    first = new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    in_place(sessions, sid, step, "bravo", base=first.base, editor=A)
    new_version(sessions, sid, step, "charlie", base=first.base, editor=A, conflict=True)
    assert [step.text(v) for v in step.versions(sessions, sid)][1:] == ["bravo", "charlie"]


@every_step
def test_a_stale_revision_from_another_editor_makes_a_conflicting_version(sessions, step):
    sid, head = generated(sessions, step)
    first = new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    in_place(sessions, sid, step, "bravo", base=first.base, editor=A)
    new_version(sessions, sid, step, "charlie", base=first.base, editor=B, conflict=True)


@every_step
def test_a_stale_version_from_the_same_editor_makes_a_conflicting_version(sessions, step):
    sid, head = generated(sessions, step)
    first = new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    new_version(sessions, sid, step, "bravo", base=first.base, editor=B, conflict=False)
    # A's version and revision are unchanged, but it is no longer the newest: not in place.
    new_version(sessions, sid, step, "charlie", base=first.base, editor=A, conflict=True)


@every_step
def test_a_base_on_a_generated_version_that_was_edited_since_conflicts(sessions, step):
    sid, head = generated(sessions, step)
    new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    new_version(sessions, sid, step, "bravo", base=head, editor=B, conflict=True)
    new_version(sessions, sid, step, "charlie", base=head, editor=A, conflict=True)


@every_step
def test_a_regenerate_after_an_edit_turns_the_editors_next_save_into_a_conflict(sessions, step):
    sid, head = generated(sessions, step)
    first = new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    step.make(sessions, sid)
    new_version(sessions, sid, step, "bravo", base=first.base, editor=A, conflict=True)


def test_a_brain_dump_with_themes_is_never_edited_in_place(sessions):
    sid, head = generated(sessions, BRAIN_DUMP)
    first = new_version(sessions, sid, BRAIN_DUMP, "alpha", base=head, editor=A, conflict=False)
    sessions.save_themes(sid, THEMES[1:])  # the themes of A's notes: that version now has themes
    mine = sessions.get(sid).brain_dumps[-1]
    assert (mine.version, mine.revision, mine.themes, mine.editor) == (first.version, 2, THEMES[1:], A)
    new_version(sessions, sid, BRAIN_DUMP, "bravo", base=mine.base, editor=A, conflict=False)
    assert [d.themes for d in sessions.get(sid).brain_dumps] == [THEMES, THEMES[1:], []]


def test_editing_one_output_type_never_touches_another(sessions):
    sid = sessions.create(NOTES).id
    sessions.save_output(sid, "linkedin_post", "generated post")
    sessions.save_output(sid, "x_thread", "1/ generated thread")
    threads = sessions.get(sid).output_versions("x_thread")
    first = new_version(sessions, sid, OUTPUT, "alpha", base=Base(1, 1), editor=A, conflict=False)
    in_place(sessions, sid, OUTPUT, "bravo", base=first.base, editor=A)
    assert sessions.get(sid).output_versions("x_thread") == threads
    # The x_thread chain has its own numbers: version 1 is still its newest, so no conflict.
    saved = sessions.edit_output(sid, "x_thread", "1/ my thread", base=Base(1, 1), editor=A)
    assert (saved.version, saved.new_version, saved.conflict) == (2, True, False)
    assert [o.content for o in sessions.get(sid).output_versions("linkedin_post")] == ["generated post", "bravo"]


# --- races: two tabs (or two clicks) save at the same moment ------------------------------


def race(db, user, sid, step, base, editors, texts):
    """Each thread its own Sessions; all call `edit` at once. Returns the results and any exceptions."""
    barrier = threading.Barrier(len(editors))
    results, errors = [None] * len(editors), []

    def save(i):
        try:
            mine = Sessions(db, user)
            barrier.wait(timeout=30)
            results[i] = step.edit(mine, sid, texts[i], base=base, editor=editors[i])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(editors))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def assert_everyone_survived(sessions, sid, step, before, results, texts):
    after = step.versions(sessions, sid)
    assert [v.version for v in after] == list(range(1, len(after) + 1))  # unique and contiguous
    assert after[:len(before) - 1] == before[:-1]  # only the base (its own editor) may have changed
    assert len({r.version for r in results}) == len(results)
    for result, text in zip(results, texts):
        v = after[result.version - 1]
        assert (step.text(v), v.revision) == (text, result.revision)
    assert sum(not r.new_version for r in results) <= 1
    assert len(after) == len(before) + sum(r.new_version for r in results)
    # The first to commit saw its base still current; every later one saw a newer revision or version.
    assert [r.conflict for r in results].count(False) == 1


@every_step
@pytest.mark.parametrize("editors", [(A, A), (A, B)], ids=["same-editor", "different-editors"])
def test_two_saves_at_once_on_the_same_base_both_survive(db, user_a, sessions, step, editors):
    sid, head = generated(sessions, step)
    in_place_count = 0
    for n in range(20):
        base = step.edit(sessions, sid, "juliet", base=step.versions(sessions, sid)[-1].base, editor=A).base
        before = step.versions(sessions, sid)
        texts = [WORDS[(2 * n) % 8], WORDS[(2 * n + 1) % 8]]
        results, errors = race(db, user_a, sid, step, base, list(editors), texts)
        assert errors == []
        assert_everyone_survived(sessions, sid, step, before, results, texts)
        in_place_count += sum(not r.new_version for r in results)
    if editors == (A, A):  # the base is A's own newest version: whoever of A's saves locks first updates it
        assert in_place_count == 20


@every_step
def test_eight_saves_at_once_all_survive(db, user_a, sessions, step):
    sid, head = generated(sessions, step)
    base = step.edit(sessions, sid, "juliet", base=head, editor=A).base
    before = step.versions(sessions, sid)
    editors = [A, A, A, A, B, uuid.uuid4(), uuid.uuid4(), uuid.uuid4()]
    texts = WORDS[:8]
    results, errors = race(db, user_a, sid, step, base, editors, texts)
    assert errors == []
    assert_everyone_survived(sessions, sid, step, before, results, texts)
    assert len(step.versions(sessions, sid)) >= len(before) + 7


# --- restore -------------------------------------------------------------------------------


@every_step
def test_restore_copies_an_older_version_as_the_newest(sessions, step):
    sid, head = generated(sessions, step)
    first = new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    new_version(sessions, sid, step, "bravo", base=first.base, editor=B, conflict=False)
    before = step.versions(sessions, sid)
    saved = sessions.restore(sid, step.name, first.version, editor=A, output_type=step.output_type)
    after = step.versions(sessions, sid)
    assert (saved.version, saved.new_version, saved.conflict) == (4, True, False)
    assert after[:-1] == before
    v = after[-1]
    assert (step.text(v), v.restored_from, v.source, v.editor, v.based_on) == ("alpha", 2, "edited", A, 3)
    restored_generated = sessions.restore(sid, step.name, 1, editor=A, output_type=step.output_type)
    assert step.text(step.versions(sessions, sid)[-1]) == step.text(before[0])
    assert restored_generated.version == 5


@every_step
def test_a_restored_version_is_then_edited_in_place_by_its_editor(sessions, step):
    sid, head = generated(sessions, step)
    new_version(sessions, sid, step, "alpha", base=head, editor=A, conflict=False)
    restored = sessions.restore(sid, step.name, 1, editor=A, output_type=step.output_type)
    in_place(sessions, sid, step, "bravo", base=restored.base, editor=A)
    assert step.versions(sessions, sid)[-1].restored_from == 1


def test_restoring_a_version_that_does_not_exist_is_a_clear_error(sessions):
    sid, _ = generated(sessions, DRAFT)
    with pytest.raises(InputError) as info:
        sessions.restore(sid, "draft", 9, editor=A)
    assert str(info.value) == "Version 9 was not found. Pick one of the versions listed."
    assert len(sessions.get(sid).drafts) == 1


def test_restoring_research_brings_back_that_versions_items_and_theme(sessions):
    sid = sessions.create(NOTES).id
    sessions.save_research(sid, THEMES[0], ITEMS[:3])
    sessions.keep_research_items(sid, ["alpha"], editor=A)
    sessions.save_research(sid, THEMES[1], ITEMS[5:])  # regenerated for another theme
    sessions.restore(sid, "research", 2, editor=A)
    restored = sessions.get(sid).current_research
    assert (restored.theme, restored.items, restored.kept_item_ids) == (THEMES[0], ITEMS[:3], ["alpha"])


# --- clear errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("edit,message", [
    (lambda s, sid: s.keep_research_items(sid, ["alpha"]), "There is no research to update yet."),
    (lambda s, sid: s.keep_research_items(sid, ["alpha"], base=Base(0, 0), editor=A), "There is no research to update yet."),
    (lambda s, sid: s.edit_outline(sid, OUTLINES, 0, base=Base(0, 0), editor=A), "There is no outline to update yet."),
    (lambda s, sid: s.choose_outline(sid, 0, editor=A), "There is no outline to choose from yet."),
], ids=["research", "research-with-base", "outline", "choose-outline"])
def test_editing_a_step_before_it_exists_is_a_clear_error(sessions, edit, message):
    sid = sessions.create(NOTES).id
    with pytest.raises(InputError) as info:
        edit(sessions, sid)
    assert info.value.message == message
    s = sessions.get(sid)
    assert (s.research, s.outlines) == ([], [])


@pytest.mark.parametrize("text", ["", "  \n\t "])
@pytest.mark.parametrize("step,message", [(DRAFT, "The draft is empty."), (OUTPUT, "The output is empty.")], ids=str)
def test_empty_text_is_refused_and_nothing_is_saved(sessions, step, message, text):
    sid, head = generated(sessions, step)
    before = step.versions(sessions, sid)
    with pytest.raises(InputError) as info:
        step.edit(sessions, sid, text, base=head, editor=A)
    assert info.value.message == message
    assert step.versions(sessions, sid) == before


def test_an_outline_option_that_does_not_exist_is_refused(sessions):
    sid, head = generated(sessions, OUTLINE)
    with pytest.raises(InputError) as info:
        sessions.edit_outline(sid, OUTLINES, 2, base=head, editor=A)
    assert info.value.message == "That outline option does not exist."


# --- other users ----------------------------------------------------------------------------


def test_another_user_cannot_edit_or_restore_and_nothing_changes(db, sessions, user_b):
    bob = Sessions(db, user_b)
    sid = sessions.create(NOTES).id
    for step in ALL:
        step.make(sessions, sid)
    before = sessions.get(sid)
    calls = [lambda step=step: step.edit(bob, sid, "alpha", base=step.chain(before)[-1].base, editor=B) for step in ALL]
    calls += [lambda step=step: bob.restore(sid, step.name, 1, editor=B, output_type=step.output_type) for step in ALL]
    calls += [lambda: bob.rename(sid, "Bob's", expected=before.title), lambda: bob.choose_outline(sid, 1, editor=B)]
    for call in calls:
        with pytest.raises(SessionNotFound) as info:
            call()
        assert str(info.value) == ("This session was not found. Check the link, open History to pick one of your "
                                   "sessions, or start a new one on Create.")
    assert sessions.get(sid) == before


# --- the title, and new themes for the same notes ---------------------------------------------


def test_a_rename_against_the_shown_title_applies(sessions):
    s = sessions.create(NOTES)
    result = sessions.rename(s.id, "  My   title ", expected=s.title)
    assert (result.applied, result.title) == (True, "My title")
    after = sessions.get(s.id)
    assert (after.title, after.title_edited) == ("My title", True)


def test_a_rename_against_a_stale_title_is_refused_and_says_the_current_one(sessions):
    s = sessions.create(NOTES)
    sessions.rename(s.id, "First tab's title", expected=s.title)
    result = sessions.rename(s.id, "Second tab's title", expected=s.title)
    assert (result.applied, result.title) == (False, "First tab's title")
    assert sessions.get(s.id).title == "First tab's title"


def test_two_renames_at_once_on_the_same_title_apply_once(db, user_a, sessions):
    s = sessions.create(NOTES)
    for n in range(10):
        shown = sessions.get(s.id).title
        barrier, results = threading.Barrier(2), [None, None]

        def rename(i, title):
            mine = Sessions(db, user_a)
            barrier.wait(timeout=30)
            results[i] = mine.rename(s.id, title, expected=shown)

        threads = [threading.Thread(target=rename, args=(i, f"Title {n}-{i}")) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(r.applied for r in results) == [False, True]
        winner = next(r.title for r in results if r.applied)
        assert [r.title for r in results] == [winner, winner] and sessions.get(s.id).title == winner


def test_choose_theme_names_the_session_until_the_user_renames_it(sessions):
    sid = sessions.create(NOTES).id
    sessions.choose_theme(sid, THEMES[0])
    s = sessions.get(sid)
    assert (s.title, s.title_edited) == (THEMES[0].title, False)
    sessions.rename(sid, "Mine", expected=s.title)
    sessions.choose_theme(sid, THEMES[1])
    s = sessions.get(sid)
    assert (s.title, s.title_edited, s.selected_theme) == ("Mine", True, THEMES[1])


def test_new_themes_for_notes_that_have_themes_make_a_new_brain_dump_version(sessions):
    sid = sessions.create(NOTES).id
    assert sessions.save_themes(sid, THEMES[:1]) == 1  # the notes had none: they get these
    assert sessions.save_themes(sid, THEMES[1:]) == 2
    dumps = sessions.get(sid).brain_dumps
    assert [(d.version, d.raw_content, d.themes) for d in dumps] == [(1, NOTES, THEMES[:1]), (2, NOTES, THEMES[1:])]
    assert dumps[1].source == "generated"


def test_edited_notes_are_a_new_version_without_themes(sessions):
    sid = sessions.create(NOTES).id
    sessions.save_themes(sid, THEMES)
    saved = sessions.edit_brain_dump(sid, "corrected notes", base=sessions.get(sid).brain_dump.base, editor=A)
    dumps = sessions.get(sid).brain_dumps
    assert saved.version == 2
    assert [(d.raw_content, d.themes) for d in dumps] == [(NOTES, THEMES), ("corrected notes", [])]
