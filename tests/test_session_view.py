"""What a page loads of a session (`Sessions.view`): each step's newest version whole and the bookkeeping of the
versions before it, so a rerun reads the same bytes at 25 versions or 60; any older version is read when picked."""

from lib.session_load import HISTORY
from tests.helpers import click, open_page, through


def add_drafts(pipeline, sid, n):
    for i in range(n):
        base = pipeline.sessions.get(sid).current_draft.base
        pipeline.sessions.edit_draft(sid, f"# Draft {i}\n\n" + f"Paragraph {i} of a long draft. " * 120,
                                     base=base, editor=None)


def test_a_page_reads_the_same_bytes_however_many_versions(pipeline):
    sid = through(pipeline, "outputs")
    add_drafts(pipeline, sid, HISTORY + 5)
    at_25 = pipeline.sessions.view_bytes(sid)
    whole_25 = pipeline.sessions.view_bytes(sid, whole=True)
    add_drafts(pipeline, sid, 35)
    at_60 = pipeline.sessions.view_bytes(sid)
    assert abs(at_60 - at_25) < 100  # the same newest-20 bookkeeping, one newest text
    assert pipeline.sessions.view_bytes(sid, whole=True) - whole_25 > 35 * 3000  # what every rerun used to read


def test_the_view_holds_the_newest_whole_and_counts_every_version(pipeline):
    sid = through(pipeline, "outputs")
    add_drafts(pipeline, sid, HISTORY + 5)
    view, whole = pipeline.sessions.view(sid), pipeline.sessions.get(sid)
    assert view.current_draft == whole.current_draft and view.current_draft.loaded
    assert len(view.drafts) == HISTORY and view.count("draft") == len(whole.drafts) == HISTORY + 6
    assert not any(d.loaded or d.markdown for d in view.drafts[:-1])
    assert view.current_outputs == whole.current_outputs and view.current_research == whole.current_research
    old = pipeline.sessions.version(sid, "draft", 2)
    assert old == whole.drafts[1] and old.markdown.startswith("# Draft 0")


def test_an_older_version_is_read_when_picked_and_can_be_restored(app, pipeline):
    sid = through(pipeline, "outputs")
    add_drafts(pipeline, sid, HISTORY + 5)
    open_page(app, "app_pages/draft.py", sid)
    picker = app.selectbox(key=f"draft-{sid}:history")
    assert len(picker.options) == HISTORY + 6 and picker.options[-1] == "v1 · older"
    picker.set_value(2).run()
    assert any(m.value.startswith("# Draft 0") or "Paragraph 0 of a long draft" in m.value for m in app.markdown)
    click(app, "Restore v2 as the newest")
    newest = pipeline.sessions.get(sid).current_draft
    assert newest.restored_from == 2 and newest.markdown.startswith("# Draft 0")
