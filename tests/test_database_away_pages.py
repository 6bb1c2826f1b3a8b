"""While the database is away for a moment, pages say so calmly with a retry, and an edit that could not be
saved stays on screen with "Save again", which saves it once the database is back."""

from lib.errors import DatabaseError, DatabaseRestarted
from lib.session import Sessions
from tests.helpers import click, open_page, through


def test_a_page_that_finds_the_database_restarted_says_so_and_offers_a_retry(app, pipeline, monkeypatch):
    sid = through(pipeline, "outputs")
    real_view = Sessions.view  # what a page loads
    away = {"now": True}

    def view(self, session_id):
        if away["now"]:
            raise DatabaseRestarted("The database stopped and has been started again.",
                                    fix="Try again now: everything saved before is still there.")
        return real_view(self, session_id)

    monkeypatch.setattr(Sessions, "view", view)
    open_page(app, "app_pages/draft.py", sid)
    assert [w.value for w in app.warning] == [
        "The database stopped and has been started again. Try again now: everything saved before is still there."]
    assert not app.error  # calm: a notice, not a red error
    away["now"] = False
    click(app, "Try again")
    assert pipeline.sessions.get(sid).current_draft.markdown.strip() in app.text_area[0].value


def test_an_edit_that_could_not_be_saved_is_kept_and_saved_again_on_request(app, pipeline, monkeypatch):
    sid = through(pipeline, "outputs")
    open_page(app, "app_pages/draft.py", sid)
    real_edit = Sessions.edit_draft

    def edit_draft(self, *args, **kwargs):
        raise DatabaseError("The database did not answer.", fix="Try again in a moment.")

    monkeypatch.setattr(Sessions, "edit_draft", edit_draft)
    app.text_area[0].input("Typed while the database was away.").run()
    assert any(w.value.startswith("Your last change is not saved yet. The database did not answer.") for w in app.warning)
    assert app.text_area[0].value == "Typed while the database was away."  # still on screen
    assert pipeline.sessions.get(sid).current_draft.source == "generated"

    monkeypatch.setattr(Sessions, "edit_draft", real_edit)
    click(app, "Save again")
    draft = pipeline.sessions.get(sid).current_draft
    assert (draft.version, draft.source, draft.markdown) == (2, "edited", "Typed while the database was away.")
    assert not [w for w in app.warning if "not saved" in w.value]
    assert any(c.value.startswith(":material/cloud_done: Saved · v2") for c in app.caption)
