"""Outputs, and the session's page in History: each format once, as its reader sees it, with labelled Copy
buttons, its counts against the platform, an Edit mode that saves versions, and the same order everywhere."""

import html
import json
import uuid

from lib.errors import DatabaseError
from lib.generate import OUTPUT_FORMAT_LABELS, OUTPUT_FORMATS
from lib.session import Sessions
from tests.helpers import click, open_page, through


def made(pipeline, formats=OUTPUT_FORMATS):
    sid = through(pipeline, "outputs")
    pipeline.outputs(sid, formats)
    return sid


def copy_rows(app) -> dict[str, list[dict]]:
    """The Copy buttons on the page, by component key: each button's label and what it copies."""
    return {c.key: json.loads(c.proto.json)["buttons"] for c in app.get("bidi_component")}


def shown(app) -> list[str]:
    """Every piece of text the page shows a reader (previews, Markdown, code blocks, text boxes)."""
    return ([h.proto.body for h in app.get("html")] + [m.value for m in app.markdown] + [c.value for c in app.code]
            + [t.value for t in app.text_area if t.key.startswith("out-")])


def editors(app, sid):
    return [t for t in app.text_area if t.key.startswith(f"out-{sid}-")]


def edit_switch(app, sid, kind):
    return app.toggle(key=f"out-{sid}-{kind}:editing")


def editor(app, sid, kind):
    return next(t for t in editors(app, sid) if t.key.startswith(f"out-{sid}-{kind}@"))


def test_each_format_is_shown_once_in_the_one_order(app, pipeline):
    sid = made(pipeline, list(reversed(OUTPUT_FORMATS)))
    open_page(app, "app_pages/outputs.py", sid)
    assert [t.label for t in app.tabs] == [OUTPUT_FORMAT_LABELS[kind] for kind in OUTPUT_FORMATS]
    assert not app.code and not editors(app, sid)  # no second monospace copy, no editor until asked
    outputs = pipeline.sessions.get(sid).current_outputs
    posts = outputs["x_thread"].metadata["posts"]
    for tab, (kind, out) in zip(app.tabs, outputs.items()):
        previews = [h.proto.body for h in tab.get("html")]  # the versions below say "shown above", no copy
        if kind == "x_thread":
            assert [p for p in previews if any(html.escape(post) in p for post in posts)] == previews
            assert len(previews) == len(posts)
        elif kind == "newsletter":
            assert len(previews) == 2  # subject and preview text, then the body
        else:
            assert len(previews) == 1
        if kind in ("linkedin_post", "instagram_caption"):
            assert html.escape(out.content.strip()) in previews[0]


def test_the_newsletter_preview_is_rendered_and_posts_stay_plain_text(app, pipeline):
    sid = made(pipeline, ["linkedin_post", "newsletter"])
    pipeline.sessions.edit_output(sid, "linkedin_post", "#Remote teams\n1. not a list\n<b>not bold</b> $5 and $10")
    open_page(app, "app_pages/outputs.py", sid)
    newsletter = pipeline.sessions.get(sid).current_outputs["newsletter"].content
    assert "\n### " in newsletter  # the saved text is Markdown
    previews = [h.proto.body for h in app.get("html")]
    body = next(p for p in previews if "<h3>" in p)
    assert "###" not in body and "<p>" in body
    post = next(p for p in previews if "Remote teams" in p)
    assert "#Remote teams\n1. not a list\n&lt;b&gt;not bold&lt;/b&gt; $5 and $10" in post  # as typed, escaped
    assert "white-space: pre-wrap" in post


def test_copy_buttons_are_labelled_and_copy_plain_text(app, pipeline):
    sid = made(pipeline)
    open_page(app, "app_pages/outputs.py", sid)
    rows = copy_rows(app)
    labels = {kind: [b["label"] for b in rows[f"out-{sid}-{kind}:copy"]] for kind in OUTPUT_FORMATS}
    assert labels == {"linkedin_post": ["Copy", "Copy as HTML"], "x_thread": ["Copy"],
                      "newsletter": ["Copy", "Copy Markdown", "Copy as HTML"], "instagram_caption": ["Copy"],
                      "blog_seo": ["Copy"]}
    outputs = pipeline.sessions.get(sid).current_outputs
    assert rows[f"out-{sid}-linkedin_post:copy"][0]["text"] == outputs["linkedin_post"].content
    newsletter = rows[f"out-{sid}-newsletter:copy"]
    assert "###" not in newsletter[0]["text"] and newsletter[1]["text"] == outputs["newsletter"].content
    assert newsletter[2]["html"].count("<h3>") == outputs["newsletter"].content.count("\n### ")
    posts = outputs["x_thread"].metadata["posts"]
    assert [rows[f"out-{sid}-x_thread:copy-post-{n}"][0] | {"help": ""} for n in range(1, len(posts) + 1)] == [
        {"label": f"Copy post {n}", "text": post, "html": None, "help": ""} for n, post in enumerate(posts, 1)]


def test_edit_mode_saves_a_new_version_and_counts_the_text(app, pipeline):
    sid = made(pipeline, ["linkedin_post"])
    open_page(app, "app_pages/outputs.py", sid)
    assert "Version history · 1 version" in [e.label for e in app.expander]
    assert any(c.value == f"{len(pipeline.sessions.get(sid).current_outputs['linkedin_post'].content):,} / "
               "3,000 characters" for c in app.caption)
    edit_switch(app, sid, "linkedin_post").set_value(True).run()
    editor(app, sid, "linkedin_post").input("My own post.\n\n#Remote").run()
    versions = pipeline.sessions.get(sid).output_versions("linkedin_post")
    assert [(v.version, v.source, v.content) for v in versions][-1] == (2, "edited", "My own post.\n\n#Remote")
    assert "21 / 3,000 characters · counted when you pause typing" in [c.value for c in app.caption]
    assert "Version history · 2 versions" in [e.label for e in app.expander]
    app.run()  # the edit mode is this tab's view: it stays across reruns
    assert editor(app, sid, "linkedin_post").value == "My own post.\n\n#Remote"
    edit_switch(app, sid, "linkedin_post").set_value(False).run()
    assert not editors(app, sid)
    assert any("My own post.\n\n#Remote" in h.proto.body for h in app.get("html"))
    assert copy_rows(app)[f"out-{sid}-linkedin_post:copy"][0]["text"] == "My own post.\n\n#Remote"
    assert any(c.value.startswith(":material/cloud_done: Saved · v2 ·") for c in app.caption)


def test_a_post_over_the_limit_is_counted_in_red_and_flagged(app, pipeline):
    sid = made(pipeline, ["linkedin_post", "newsletter"])
    open_page(app, "app_pages/outputs.py", sid)
    edit_switch(app, sid, "linkedin_post").set_value(True).run()
    editor(app, sid, "linkedin_post").input("x" * 3001).run()
    assert ":red[**3,001 / 3,000 characters**] · counted when you pause typing" in [c.value for c in app.caption]
    assert "It has 3,001 characters; the limit is 3,000." in [w.value for w in app.warning]
    assert pipeline.sessions.get(sid).current_outputs["linkedin_post"].content == "x" * 3001  # saved as written
    edit_switch(app, sid, "newsletter").set_value(True).run()
    editor(app, sid, "newsletter").input("Subject: " + "s" * 80 + "\nPreview: Short\n\nBody text.").run()
    assert "The subject has 80 characters; most inboxes cut it after about 70." in [w.value for w in app.warning]
    assert any(c.value.startswith(":red[**Subject: 80 / 70 characters**] · Preview text: 5 / 140 characters")
               for c in app.caption)


def test_an_x_thread_counts_each_post(app, pipeline):
    sid = made(pipeline, ["x_thread"])
    pipeline.sessions.edit_output(sid, "x_thread", "First post 1/2\n\n" + "far too long " * 30)
    open_page(app, "app_pages/outputs.py", sid)
    captions = [c.value for c in app.caption]
    assert "Post 1 of 2 · 14 / 280 characters" in captions
    assert "Post 2 of 2 · :red[**389 / 280 characters**]" in captions and "2 / 15 posts" in captions
    assert "Post 2 has 389 characters as X counts them; the limit is 280." in [w.value for w in app.warning]


def test_an_unsaved_change_keeps_the_editor_open_until_it_is_saved(app, pipeline, monkeypatch):
    sid = made(pipeline, ["linkedin_post"])
    open_page(app, "app_pages/outputs.py", sid)
    edit_switch(app, sid, "linkedin_post").set_value(True).run()
    real = Sessions.edit_output

    def away(self, *args, **kwargs):
        raise DatabaseError("The database did not answer.", fix="Try again in a moment.")

    monkeypatch.setattr(Sessions, "edit_output", away)
    editor(app, sid, "linkedin_post").input("Typed while the database was away.").run()
    edit_switch(app, sid, "linkedin_post").set_value(False).run()
    assert edit_switch(app, sid, "linkedin_post").value is True
    assert editor(app, sid, "linkedin_post").value == "Typed while the database was away."
    monkeypatch.setattr(Sessions, "edit_output", real)
    click(app, "Save again")
    assert pipeline.sessions.get(sid).current_outputs["linkedin_post"].content == "Typed while the database was away."


def test_an_older_version_reads_like_the_newest_and_can_be_copied(app, pipeline):
    sid = made(pipeline, ["linkedin_post"])
    generated = pipeline.sessions.get(sid).current_outputs["linkedin_post"].content
    pipeline.sessions.edit_output(sid, "linkedin_post", "A later post.")
    open_page(app, "app_pages/outputs.py", sid)
    assert "The newest version is the one shown above." in [c.value for c in app.caption]
    app.selectbox(key=f"out-{sid}-linkedin_post:history").set_value(1).run()
    assert copy_rows(app)[f"out-{sid}-linkedin_post:v1:copy"][0]["text"] == generated
    click(app, "Restore v1 as the newest")
    assert pipeline.sessions.get(sid).current_outputs["linkedin_post"].content == generated
    assert "Version history · 3 versions" in [e.label for e in app.expander]


def test_the_session_page_shows_each_output_once_in_order_with_copy(app, pipeline):
    sid = made(pipeline, list(reversed(OUTPUT_FORMATS)))
    pipeline.sessions.edit_output(sid, "linkedin_post", "Second post.")
    open_page(app, "app_pages/session.py", sid)
    labels = [e.label for e in app.expander]
    outputs = [label for label in labels if label.split(" · ")[0] in OUTPUT_FORMAT_LABELS.values()]
    assert outputs == ["LinkedIn post · 2 versions", "X/Twitter thread · 1 version", "Newsletter · 1 version",
                       "Instagram caption · 1 version", "Blog SEO · 1 version"]
    rows = copy_rows(app)
    assert rows["version-linkedin_post-2:copy"][0] == {
        "label": "Copy", "text": "Second post.", "html": None, "help": rows["version-linkedin_post-2:copy"][0]["help"]}
    assert {"version-newsletter-1:copy", "version-blog_seo-1:copy"} <= set(rows)
    assert not app.code and not any("###" in h.proto.body for h in app.get("html"))


def test_a_save_over_another_tabs_edit_keeps_both_and_the_preview_follows_the_newest(app, pipeline):
    sid = made(pipeline, ["linkedin_post"])
    sessions = pipeline.sessions
    open_page(app, "app_pages/outputs.py", sid)
    other_tab = uuid.uuid4()
    sessions.edit_output(sid, "linkedin_post", "Written in another tab.", editor=other_tab)
    app.run()  # not editing: the preview shows the newest saved text
    assert any("Written in another tab." in h.proto.body for h in app.get("html"))
    edit_switch(app, sid, "linkedin_post").set_value(True).run()
    assert editor(app, sid, "linkedin_post").value == "Written in another tab."  # the editor opens on the newest
    sessions.edit_output(sid, "linkedin_post", "A third tab was quicker.", base=sessions.get(sid).current_outputs[
        "linkedin_post"].base, editor=uuid.uuid4())
    editor(app, sid, "linkedin_post").input("Mine.").run()
    versions = sessions.get(sid).output_versions("linkedin_post")
    assert [v.content for v in versions][-3:] == ["Written in another tab.", "A third tab was quicker.", "Mine."]
    assert versions[-1].conflict
    assert any("changed elsewhere" in w.value and "**v4**" in w.value for w in app.warning)
