"""What the user types is saved when Streamlit receives it, and a save never silently replaces another tab's."""

import uuid

from lib.history import HistoryFilter, history_page
from tests.helpers import click, open_page, through

OTHER_TAB = uuid.uuid4()


def editor(app, suffix: str):
    return next(w for w in [*app.text_area, *app.text_input] if w.key.endswith(suffix))


def test_draft_edits_are_saved_as_they_arrive_in_one_version_of_this_tab(app, pipeline):
    sid = through(pipeline, "outputs")
    open_page(app, "app_pages/draft.py", sid)
    first = pipeline.sessions.get(sid).current_draft.markdown
    editor(app, ":text").input(first + "\n\nOne.").run()
    editor(app, ":text").input(first + "\n\nOne. Two.").run()
    drafts = pipeline.sessions.get(sid).drafts
    assert [(d.version, d.source) for d in drafts] == [(1, "generated"), (2, "edited")]
    assert drafts[-1].markdown.endswith("One. Two.") and drafts[-1].revision == 2
    assert drafts[0].markdown == first  # the generated version is never edited
    assert any(c.value.startswith(":material/cloud_done: Saved · v2 ·") for c in app.caption)


def test_a_save_based_on_an_older_version_keeps_both_and_says_so(app, pipeline):
    sid = through(pipeline, "outputs")
    open_page(app, "app_pages/draft.py", sid)
    sessions = pipeline.sessions
    theirs = sessions.edit_draft(sid, "Another tab's text.", base=sessions.get(sid).current_draft.base, editor=OTHER_TAB)
    editor(app, ":text").input("This tab's text.").run()
    drafts = sessions.get(sid).drafts
    assert [d.markdown for d in drafts[1:]] == ["Another tab's text.", "This tab's text."]
    assert drafts[-1].conflict and drafts[-1].based_on == 1 and theirs.version == 2
    assert "changed elsewhere" in app.warning[0].value and "**v3**" in app.warning[0].value
    assert editor(app, ":text").value == "This tab's text."  # the screen keeps what this tab typed


def test_a_newer_version_from_elsewhere_is_announced_and_shown_on_request(app, pipeline):
    sid = through(pipeline, "outputs")
    open_page(app, "app_pages/draft.py", sid)
    sessions = pipeline.sessions
    sessions.edit_draft(sid, "Written in another tab.", editor=OTHER_TAB)
    app.run()
    assert "A newer draft, v2, was saved elsewhere" in app.info[0].value
    assert editor(app, ":text").value != "Written in another tab."  # nothing replaces the screen's text unasked
    click(app, "Show v2")
    assert editor(app, ":text").value == "Written in another tab."
    assert not [i for i in app.info if "newer draft" in i.value]


def test_research_ticks_are_saved_without_continuing(app, pipeline):
    sid = through(pipeline, "outline")
    open_page(app, "app_pages/research.py", sid)
    app.checkbox[0].uncheck().run()
    app.checkbox[1].uncheck().run()
    research = pipeline.sessions.get(sid).research
    assert len(research) == 2 and len(research[-1].kept_item_ids) == len(research[0].items) - 2
    fresh = open_page(type(app).from_file(app._script_path, default_timeout=60), "app_pages/research.py", sid)
    assert [b.value for b in fresh.checkbox][:2] == [False, False]


def test_outline_edits_survive_switching_options(app, pipeline):
    sid = through(pipeline, "draft")
    open_page(app, "app_pages/outline.py", sid)
    editor(app, ":title-0").input("My own title").run()
    editor(app, ":cta-0").input("Write back to me").run()
    app.radio[0].set_value(1).run()
    assert pipeline.sessions.get(sid).current_outline.chosen_index == 1
    app.radio[0].set_value(0).run()
    assert editor(app, ":title-0").value == "My own title"
    outline = pipeline.sessions.get(sid).current_outline
    assert outline.options[0].title == "My own title" and outline.options[0].call_to_action == "Write back to me"
    assert outline.chosen_outline.title == "My own title"


def test_an_outline_without_sections_is_refused_with_the_fix(app, pipeline):
    sid = through(pipeline, "draft")
    open_page(app, "app_pages/outline.py", sid)
    before = pipeline.sessions.get(sid).current_outline
    editor(app, ":sections-0").input("   ").run()
    assert "Write at least one line starting with ##" in app.error[0].value
    assert pipeline.sessions.get(sid).current_outline == before


def test_an_empty_draft_is_not_saved_and_says_why(app, pipeline):
    sid = through(pipeline, "outputs")
    open_page(app, "app_pages/draft.py", sid)
    editor(app, ":text").input("").run()
    assert "The draft is empty" in app.error[0].value
    assert len(pipeline.sessions.get(sid).drafts) == 1


def test_output_edits_are_saved_as_they_arrive(app, pipeline):
    sid = through(pipeline, "outputs")
    pipeline.outputs(sid, ["newsletter"])
    open_page(app, "app_pages/outputs.py", sid)
    app.toggle(key=f"out-{sid}-newsletter:editing").set_value(True).run()  # the preview's Edit switch
    editor(app, f"out-{sid}-newsletter@1:text").input("My newsletter.").run()
    versions = pipeline.sessions.get(sid).output_versions("newsletter")
    assert [(o.source, o.content) for o in versions][-1] == ("edited", "My newsletter.")


def test_brain_dump_corrected_after_creation_offers_themes_again(app, pipeline):
    sid = through(pipeline, "research")
    open_page(app, "app_pages/create.py", sid)
    editor(app, f"notes-{sid}@0:text").input("Corrected notes: async writing, docs first, fewer meetings.").run()
    notes = pipeline.sessions.get(sid).brain_dumps
    assert [(v.version, bool(v.themes)) for v in notes] == [(1, True), (2, False)]
    assert "Your notes changed since themes were extracted (v1)" in app.info[0].value
    click(app, "Extract themes")
    notes = pipeline.sessions.get(sid).brain_dumps
    assert len(notes) == 2 and notes[-1].themes and notes[0].themes  # the earlier themes stay


def test_rename_from_a_pipeline_page_and_from_history(app, pipeline, db, user):
    sid = through(pipeline, "outline")
    open_page(app, "app_pages/research.py", sid)
    app.text_input(key=f"rename-{sid}").input("Remote work, my angle").run()
    assert pipeline.sessions.get(sid).title == "Remote work, my angle"
    open_page(app, "app_pages/history.py")
    app.text_input(key=f"rename-history-{sid}").input("Zeppelin launch notes").run()
    assert pipeline.sessions.get(sid).title == "Zeppelin launch notes"
    assert [r.title for r in history_page(db, user, HistoryFilter(query="zeppelin")).rows] == ["Zeppelin launch notes"]
    pipeline.choose_theme(sid, pipeline.sessions.get(sid).brain_dump.themes[1].id)
    assert pipeline.sessions.get(sid).title == "Zeppelin launch notes"  # a chosen theme keeps the user's title


def test_rename_over_another_tabs_rename_asks_first(app, pipeline):
    sid = through(pipeline, "outline")
    open_page(app, "app_pages/research.py", sid)
    pipeline.sessions.rename(sid, "Renamed in another tab")
    app.text_input(key=f"rename-{sid}").input("Mine").run()
    assert pipeline.sessions.get(sid).title == "Renamed in another tab"
    assert "renamed elsewhere to “Renamed in another tab”" in app.warning[0].value
    click(app, "Use my title")
    assert pipeline.sessions.get(sid).title == "Mine"
