"""The pipeline pages in AppTest, offline generator, embedded PostgreSQL: each click persists."""

import uuid

import pytest

from lib.session import Sessions
from tests.helpers import BRAIN_DUMP, PAGES, click, follow, make_user, open_page, texts, through

def test_walk_create_to_outputs_every_click_persisted(app, db, user):
    sessions = Sessions(db, user)
    open_page(app, "app_pages/create.py")
    app.text_area(key="brain_dump").input(BRAIN_DUMP)
    click(app, "Extract themes")
    sid = app.query_params["session_id"]
    saved = sessions.get(sid)
    assert saved.brain_dump.raw_content == BRAIN_DUMP and len(saved.brain_dump.themes) >= 3
    pick = app.radio[0].options[1]
    app.radio[0].set_value(saved.brain_dump.themes[1].id).run()
    click(app, "Use this theme → Research")
    follow(app, "app_pages/research.py", "Research")
    saved = sessions.get(sid)
    assert saved.selected_theme.title == pick and saved.status == "research" and saved.title == pick
    # one click per step: moving on started the research
    assert saved.current_research and len(saved.current_research.items) > 0
    first_box = app.checkbox[0]
    dropped = first_box.key.rsplit("-", 1)[1]
    first_box.uncheck().run()
    click(app, "Keep selection → Outline")
    follow(app, "app_pages/outline.py", "Outline")
    saved = sessions.get(sid)
    assert dropped not in saved.current_research.kept_item_ids and saved.status == "outline"
    assert len(sessions.get(sid).current_outline.options) >= 2  # started by moving on
    app.text_input(key=next(t.key for t in app.text_input if t.key.endswith(":title-0"))).input("My own title").run()
    click(app, "Use this outline → Draft")
    follow(app, "app_pages/draft.py", "Draft")
    saved = sessions.get(sid)
    assert saved.current_outline.chosen_outline.title == "My own title"
    assert saved.current_draft.word_count > 30 and saved.status == "outputs"  # written by moving on
    draft_area = next(t for t in app.text_area if t.key.startswith("draft-"))
    draft_area.input(saved.current_draft.markdown + "\n\nAn edit of mine.").run()  # saved as it arrives
    saved = sessions.get(sid)
    assert [d.source for d in saved.drafts] == ["generated", "edited"]
    assert saved.current_draft.markdown.endswith("An edit of mine.")

    click(app, "Continue → Outputs")
    follow(app, "app_pages/outputs.py", "Outputs")
    saved = sessions.get(sid)  # every format, started by moving on
    assert set(saved.current_outputs) == {"linkedin_post", "x_thread", "newsletter", "instagram_caption", "blog_seo"}
    assert saved.status == "completed"
    assert all(len(p) <= 280 for p in saved.current_outputs["x_thread"].metadata["posts"])

    click(app, "Generate image")
    with db.as_user(user) as conn:
        row = conn.execute("select * from generated_images").fetchone()
    assert row["session_id"] == saved.id and row["storage_path"] and row["prompt"].startswith("Editorial illustration")
    thumbs = [url for image in app.image for url in image.value]
    assert thumbs == [row["metadata"]["thumbnail"]["public_url"]]  # the grid shows the thumbnail, not the full image


@pytest.mark.parametrize("page,step,expect", [
    ("app_pages/create.py", "research", "Pick the theme to develop"),
    ("app_pages/research.py", "outline", "Key insights"),
    ("app_pages/outline.py", "draft", "Use this outline → Draft"),
    ("app_pages/draft.py", "outputs", "Continue → Outputs"),
    ("app_pages/outputs.py", "outputs", "Generate outputs"),
])
def test_each_page_loads_its_saved_step_from_the_url(app, pipeline, page, step, expect):
    sid = through(pipeline, step)
    open_page(app, page, sid)
    session = pipeline.sessions.get(sid)
    shown = texts(app) + " " + " ".join(b.label for b in app.button)
    assert expect in shown
    assert session.title in shown
    if page == "app_pages/draft.py":
        assert next(t for t in app.text_area if t.key.startswith("draft-")).value == session.current_draft.markdown


def test_saved_results_are_shown_not_regenerated(app, pipeline, db):
    sid = through(pipeline, "outputs")
    before = pipeline.sessions.get(sid)
    for page in PAGES:
        open_page(app, page, sid)
    after = pipeline.sessions.get(sid)
    assert (len(after.research), len(after.outlines), len(after.drafts)) == (1, 2, 1)  # generated, then chosen
    assert after.updated_at == before.updated_at  # looking changes nothing


@pytest.mark.parametrize("bad", ["not-a-uuid", str(uuid.uuid4()), "<script>alert(1)</script>", "' or 1=1 --"])
@pytest.mark.parametrize("page", PAGES[1:4])
def test_bad_session_ids_show_a_friendly_message(app, page, bad):
    open_page(app, page, bad)
    assert "This session was not found" in app.warning[0].value
    links = [e.value for e in app.page_link]
    assert "Start a new session" in links and "Open your recent sessions" in links


def test_another_users_session_is_not_found(app, db):
    other = Sessions(db, make_user(db, "eve@example.com"))
    sid = other.create("Eve's private notes").id
    open_page(app, "app_pages/research.py", sid)
    assert "This session was not found" in app.warning[0].value
    assert "Eve's private notes" not in texts(app)


def test_missing_session_id_on_a_step_page(app):
    open_page(app, "app_pages/draft.py")
    assert "No session is open on this page" in app.info[0].value


def test_empty_brain_dump_shows_a_clear_message_and_creates_nothing(app, db, user):
    open_page(app, "app_pages/create.py")
    app.text_area(key="brain_dump").input("   ").run()
    click(app, "Extract themes")
    assert app.error[0].value.startswith("The brain dump is empty.")
    assert Sessions(db, user).recent() == []


def test_too_large_brain_dump_keeps_the_text(app, monkeypatch, db, user):
    monkeypatch.setenv("CONTENT_MAX_INPUT_CHARS", "50")
    open_page(app, "app_pages/create.py")
    app.text_area(key="brain_dump").input("x" * 60).run()
    click(app, "Extract themes")
    assert "60 characters; the limit is 50" in app.error[0].value
    assert app.text_area(key="brain_dump").value == "x" * 60
    assert Sessions(db, user).recent() == []


def test_step_pages_say_which_step_comes_first(app, pipeline):
    sid = through(pipeline, "outline")  # research exists, no outline chosen
    open_page(app, "app_pages/draft.py", sid)
    assert "Choose an outline first" in app.info[0].value
    sid = through(pipeline, "research")  # the first step missing is named, even two steps back
    open_page(app, "app_pages/draft.py", sid)
    assert "Generate the research first" in app.info[0].value
    assert "Go to Research" in [link.label for link in app.page_link]


def test_standalone_images_without_a_session(app, db, user):
    open_page(app, "app_pages/outputs.py")
    assert "standalone" in texts(app)
    click(app, "Generate image")  # the form's prompt is empty: a clear message, nothing stored
    assert app.error[0].value.startswith("The image prompt is empty.")
    app.text_area(key="standalone-prompt").input("A red kite over green hills")
    click(app, "Generate image")
    with db.as_user(user) as conn:
        row = conn.execute("select session_id, prompt from generated_images").fetchone()
    assert row == {"session_id": None, "prompt": "A red kite over green hills"}


def test_a_failing_provider_keeps_the_brain_dump_and_says_what_to_do(app, monkeypatch, db, user):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-never-shown")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there: a real refusal
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
    monkeypatch.setenv("OPENAI_TIMEOUT", "3")
    open_page(app, "app_pages/create.py")
    app.text_area(key="brain_dump").input(BRAIN_DUMP)
    click(app, "Extract themes")
    assert app.error, "the failure must be shown"
    assert "brain dump is saved" in app.error[0].value
    saved = Sessions(db, user).get(app.query_params["session_id"])
    assert saved.brain_dump.raw_content == BRAIN_DUMP and saved.brain_dump.themes == []
    assert "sk-test-never-shown" not in texts(app)
    assert [b.label for b in app.button] == ["Retry"]  # a retry on the same session, not a new one
    failed = next(s for s in app.status if s.label.endswith("failed"))
    assert failed.proto.expanded  # the reason is in plain sight, not folded away


def test_a_draft_stream_that_breaks_off_keeps_what_was_written(pipeline):
    from lib.errors import GeneratorTimeout
    from lib.generate import DraftStream

    sid = through(pipeline, "draft")

    def producer(stream):
        yield "# Half a draft\n\nThe first paragraph arrived"
        yield " and then"
        raise GeneratorTimeout("The generator did not answer in time.", fix="Try again.")

    stream = DraftStream(producer, model_used="test-model")
    with pytest.raises(GeneratorTimeout):
        list(stream)
    version = pipeline.keep_partial_draft(sid, stream)
    draft = pipeline.sessions.get(sid).current_draft
    assert (version, draft.source, draft.model_used) == (1, "partial", "test-model")
    assert draft.markdown == "# Half a draft\n\nThe first paragraph arrived and then"
    assert pipeline.keep_partial_draft(sid, DraftStream(lambda s: iter(()), model_used="x")) is None


def test_research_for_an_earlier_theme_is_flagged_and_can_be_redone(app, pipeline):
    sid = through(pipeline, "outline")  # research exists for the first theme
    session = pipeline.sessions.get(sid)
    other = session.brain_dump.themes[1]
    pipeline.choose_theme(sid, other.id)
    open_page(app, "app_pages/research.py", sid)
    assert "made for the earlier theme" in app.warning[0].value
    click(app, "Generate research for the new theme")
    research = pipeline.sessions.get(sid).current_research
    assert research.version == 2 and research.theme.id == other.id
    assert not [w for w in app.warning if "earlier theme" in w.value]


def test_an_edited_x_post_over_the_limit_is_flagged_and_still_saved(app, pipeline):
    sid = through(pipeline, "outputs")
    pipeline.outputs(sid, ["x_thread"])
    open_page(app, "app_pages/outputs.py", sid)
    app.toggle(key=f"out-{sid}-x_thread:editing").set_value(True).run()  # the preview's Edit switch
    area = next(t for t in app.text_area if t.key.startswith(f"out-{sid}-x_thread"))
    assert not [w for w in app.warning if "characters as X counts them" in w.value]
    area.input(area.value + "\n\n" + "far too long " * 30).run()
    assert any("the limit is 280" in w.value for w in app.warning)
    saved = pipeline.sessions.get(sid).current_outputs["x_thread"]
    assert saved.version == 2 and saved.content.endswith("far too long ") and saved.metadata == {"edited": True}


def test_an_older_draft_version_can_be_restored_as_a_new_version(app, pipeline):
    sid = through(pipeline, "outputs")
    first = pipeline.sessions.get(sid).current_draft.markdown
    pipeline.sessions.edit_draft(sid, first + "\n\nA later edit.")
    open_page(app, "app_pages/draft.py", sid)
    app.selectbox(key=f"draft-{sid}:history").set_value(1).run()
    click(app, "Restore v1 as the newest")
    drafts = pipeline.sessions.get(sid).drafts
    assert [d.version for d in drafts] == [1, 2, 3]
    assert drafts[-1].markdown == first and drafts[-1].source == "edited"


def test_outputs_shows_the_newest_images_only_and_links_to_all(app, pipeline, db, user, data_dir):
    from lib.config import load_config
    from lib.images import Images
    from lib.spool import Spool
    from lib.storage import image_store

    sid = through(pipeline, "outputs")
    config = load_config()
    images = Images(db, user, image_store(config), Spool(config.data_dir / "spool"), pipeline.generator)
    for n in range(13):
        images.generate(f"Picture {n} of a remote team", session_id=sid)
    open_page(app, "app_pages/outputs.py", sid)
    assert len(app.image) == 12  # a rerun costs the same at 13 or 500 images
    assert "The newest 12 are shown here." in texts(app)
    assert "See all of this session's images" in [link.label for link in app.page_link]
