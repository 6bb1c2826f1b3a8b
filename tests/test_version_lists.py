"""Every step's versions on its page and on the session detail: read any version, restore it as the newest."""

import pytest

from tests.helpers import click, open_page, through


def restore_on(app, history_key: str, version: int):
    app.selectbox(key=history_key).set_value(version).run()
    click(app, f"Restore v{version} as the newest")


def shown(app) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "code", "text", "caption") for e in getattr(app, kind))


def test_brain_dump_versions_on_create(app, pipeline):
    sid = through(pipeline, "research")
    sessions = pipeline.sessions
    sessions.edit_brain_dump(sid, "Corrected notes about async writing and docs.")
    open_page(app, "app_pages/create.py", sid)
    assert "Your notes changed since themes were extracted (v1)" in app.info[0].value
    app.selectbox(key=f"notes-{sid}:history").set_value(1).run()
    assert "Remote work notes" in shown(app)
    restore_on(app, f"notes-{sid}:history", 1)
    notes = sessions.get(sid).brain_dumps
    assert [v.version for v in notes] == [1, 2, 3]
    assert notes[-1].raw_content == notes[0].raw_content and notes[-1].restored_from == 1


def test_research_versions(app, pipeline):
    sid = through(pipeline, "outline")
    sessions = pipeline.sessions
    first = sessions.get(sid).current_research
    dropped = first.items[0]
    sessions.keep_research_items(sid, [i.id for i in first.items[1:]])
    open_page(app, "app_pages/research.py", sid)
    assert "Version history · 2 versions" in [e.label for e in app.expander]
    assert "The newest version is the one shown above" in shown(app)  # the ticks above are v2: not twice
    assert [box.value for box in app.checkbox if box.label.startswith(dropped.text)] == [False]
    app.selectbox(key=f"research-{sid}:history").set_value(1).run()
    assert "~~_" not in shown(app) and dropped.text in shown(app)  # v1 read as it was: every item kept
    restore_on(app, f"research-{sid}:history", 1)
    research = sessions.get(sid).research
    assert len(research) == 3 and research[-1].kept_item_ids == first.kept_item_ids
    assert research[-1].items == first.items and research[-1].restored_from == 1
    # the screen shows the restored selection: every box ticked again
    assert all(box.value for box in app.checkbox)


def test_outline_versions(app, pipeline):
    sid = through(pipeline, "draft")  # v1 generated, v2 the pick
    sessions = pipeline.sessions
    pipeline.outlines(sid)  # v3, generated again
    open_page(app, "app_pages/outline.py", sid)
    chosen_title = sessions.get(sid).outlines[1].chosen_outline.title
    app.selectbox(key=f"outline-{sid}:history").set_value(2).run()
    assert "✓ chosen" in shown(app)
    restore_on(app, f"outline-{sid}:history", 2)
    outline = sessions.get(sid).current_outline
    assert outline.version == 4 and outline.restored_from == 2 and outline.chosen_outline.title == chosen_title


def test_draft_versions(app, pipeline):
    sid = through(pipeline, "outputs")
    sessions = pipeline.sessions
    first = sessions.get(sid).current_draft.markdown
    sessions.edit_draft(sid, first + "\n\nA later paragraph.")
    open_page(app, "app_pages/draft.py", sid)
    restore_on(app, f"draft-{sid}:history", 1)
    drafts = sessions.get(sid).drafts
    assert [d.version for d in drafts] == [1, 2, 3] and drafts[-1].markdown == first
    # the editor shows the restored text, not the version it had before
    assert app.text_area(key=next(t.key for t in app.text_area if t.key.endswith(":text"))).value == first


def test_output_versions_are_per_format(app, pipeline):
    sid = through(pipeline, "outputs")
    sessions = pipeline.sessions
    pipeline.outputs(sid, ["linkedin_post", "x_thread"])
    generated = sessions.get(sid).current_outputs["linkedin_post"].content
    sessions.edit_output(sid, "linkedin_post", "My own LinkedIn post.")
    open_page(app, "app_pages/outputs.py", sid)
    restore_on(app, f"out-{sid}-linkedin_post:history", 1)
    session = sessions.get(sid)
    assert [o.content for o in session.output_versions("linkedin_post")] == [generated, "My own LinkedIn post.", generated]
    assert len(session.output_versions("x_thread")) == 1


@pytest.mark.parametrize("name,versions", [("brain_dump", 2), ("draft", 2), ("output-linkedin_post", 2)])
def test_session_detail_restores_any_step(app, pipeline, name, versions):
    sid = through(pipeline, "outputs")
    sessions = pipeline.sessions
    pipeline.outputs(sid, ["linkedin_post"])
    session = sessions.get(sid)
    sessions.edit_brain_dump(sid, "Second notes.")
    sessions.edit_draft(sid, "# Second draft\n\nText.")
    sessions.edit_output(sid, "linkedin_post", "Second post.")
    open_page(app, "app_pages/session.py", sid)
    restore_on(app, f"detail-{name}-{sid}:history", 1)
    after = sessions.get(sid)
    chain = {"brain_dump": after.brain_dumps, "draft": after.drafts,
             "output-linkedin_post": after.output_versions("linkedin_post")}[name]
    before = {"brain_dump": session.brain_dumps, "draft": session.drafts,
              "output-linkedin_post": session.output_versions("linkedin_post")}[name]
    assert len(chain) == versions + 1 and chain[-1].restored_from == 1
    assert content(chain[-1]) == content(before[0]) == content(chain[0]) != content(chain[1])


def content(version) -> str:
    return next(getattr(version, field) for field in ("raw_content", "markdown", "content") if hasattr(version, field))


def test_a_new_version_moves_the_picker_to_it(app, pipeline):
    sid = through(pipeline, "outline")
    sessions = pipeline.sessions
    sessions.keep_research_items(sid, [i.id for i in sessions.get(sid).current_research.items[1:]])
    open_page(app, "app_pages/research.py", sid)
    app.selectbox(key=f"research-{sid}:history").set_value(1).run()  # reading an older one
    assert app.selectbox(key=f"research-{sid}:history").value == 1
    pipeline.research(sid)  # regenerated (here, or in another tab)
    app.run()
    assert app.selectbox(key=f"research-{sid}:history").value == 3  # the picker shows the new one, not v1
    assert not [b for b in app.button if b.label.startswith("Restore")]
