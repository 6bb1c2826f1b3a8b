"""What an output's Copy buttons copy, how its Markdown becomes HTML or plain text, and how it counts against its
platform's limits, without Streamlit."""

import pytest

from lib.export import session_markdown
from lib.generate import OUTPUT_FORMAT_LABELS, OUTPUT_FORMATS
from lib.limit_warnings import counts, limit_warnings
from lib.output_text import (Newsletter, blog_fields, copies, hashtags, markdown_html, markdown_plain, newsletter_parts,
                             newsletter_plain, text_html, x_posts)
from lib.wording import history_label, plural
from tests.helpers import through

NEWSLETTER = """Subject: Fewer meetings, better decisions
Preview: Why async writing wins

Most teams decide in calls. **Written** decisions last *longer*.

### Quick start

- Write the [decision doc](https://example.com/doc?a=1&b=2)
- Share it, then wait a day
  1. read
  2. comment

> Meetings are where decisions go to die.

---

Reply with `your` story."""


def test_markdown_becomes_html_with_every_piece_of_text_escaped():
    out = markdown_html(NEWSLETTER.split("\n\n", 1)[1])
    assert "<h3>Quick start</h3>" in out and "###" not in out
    assert "<strong>Written</strong>" in out and "<em>longer</em>" in out
    assert '<a href="https://example.com/doc?a=1&amp;b=2">decision doc</a>' in out
    assert "<ul><li>Write" in out and "<ol><li>read</li><li>comment</li></ol>" in out
    assert "<blockquote><p>Meetings are where decisions go to die.</p></blockquote>" in out and "<hr>" in out
    assert "<code>your</code>" in out
    hostile = markdown_html('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))')
    assert "<script>" not in hostile and "<img" not in hostile and "javascript:" not in hostile.split("href")[0]
    assert "&lt;script&gt;" in hostile and "href" not in hostile
    assert markdown_html("a \x00 b \x000\x00 c") == "<p>a  b 0 c</p>"  # the converter's own marks stay its own
    assert markdown_html("0. zero\n1. one") == '<ol start="0"><li>zero</li><li>one</li></ol>'


def test_markdown_as_plain_text_drops_the_marks_and_keeps_the_words():
    plain = markdown_plain(NEWSLETTER.split("\n\n", 1)[1])
    assert "###" not in plain and "**" not in plain and "](" not in plain
    assert "Quick start" in plain and "Written decisions last longer." in plain
    assert "• Write the decision doc (https://example.com/doc?a=1&b=2)" in plain
    assert "1. read" in plain and "2. comment" in plain


def test_the_newsletter_copies_plain_text_markdown_and_html():
    plain, markdown, as_html = copies("newsletter", NEWSLETTER)
    assert [plain.label, markdown.label, as_html.label] == ["Copy", "Copy Markdown", "Copy as HTML"]
    assert plain.text.startswith("Subject: Fewer meetings, better decisions\nPreview: Why async writing wins\n\n")
    assert "###" not in plain.text and plain.html is None
    assert markdown.text == NEWSLETTER
    assert as_html.html == as_html.text and as_html.text.startswith("<p>Most teams decide in calls.")
    assert "Subject" not in as_html.text  # the subject and preview go in the email tool's own fields
    assert newsletter_plain(NEWSLETTER) == plain.text


def test_a_linkedin_post_copies_as_written_and_as_html_paragraphs():
    post = "First line\nsecond line <b>\n\n#Remote #Async"
    plain, as_html = copies("linkedin_post", post)
    assert (plain.label, plain.text) == ("Copy", post)
    assert as_html.label == "Copy as HTML"
    assert as_html.html == "<p>First line<br>second line &lt;b&gt;</p><p>#Remote #Async</p>"
    assert [c.label for c in copies("instagram_caption", post)] == ["Copy"]


def test_parts_of_an_output_are_read_leniently():
    body = "Just a body, the header edited away."
    assert newsletter_parts(body) == Newsletter(None, None, body)
    assert newsletter_parts("preview: P\nSUBJECT: S\n\nBody") == Newsletter("S", "P", "Body")
    assert blog_fields("Title: A: B\nnot a field\nKeywords: x, y") == {"Title": "A: B", "Keywords": "x, y"}
    assert x_posts("one\n\n \ntwo\nstill two\n\n\nthree") == ["one", "two\nstill two", "three"]
    assert hashtags("#Remote work, #async_first, issue#3, &#39;") == ["#Remote", "#async_first"]
    assert text_html("a\n\n\n\nb") == "<p>a</p><p>b</p>"


def test_counts_measure_each_part_against_its_platform():
    assert [str(c) for c in counts("linkedin_post", "x" * 3001)] == ["3,001 / 3,000 characters"]
    assert [str(c) for c in counts("x_thread", "short 1/2\n\n" + "é" * 281)] == [
        "Post 1: 9 / 280 characters", "Post 2: 281 / 280 characters", "2 / 15 posts"]
    assert [str(c) for c in counts("newsletter", NEWSLETTER)][:2] == [
        "Subject: 32 / 70 characters", "Preview text: 22 / 140 characters"]
    assert str(counts("newsletter", "Subject: S\n\nOne word")[-1]) == "Body: 2 words"
    assert [str(c) for c in counts("instagram_caption", "Hi #one")] == ["7 / 2,200 characters", "1 / 30 hashtags"]
    assert [str(c) for c in counts("blog_seo", "Title: T\nSlug: t\nKeywords: a")] == [
        "Title: 1 / 60 characters", "Slug: 1 / 60 characters", "1 / 8 keywords"]


def test_warnings_say_what_a_platform_would_do():
    assert limit_warnings("newsletter", "Subject: " + "s" * 71 + "\n\nBody") == [
        "The subject has 71 characters; most inboxes cut it after about 70."]
    assert limit_warnings("instagram_caption", " ".join(f"#t{n}" for n in range(31))) == [
        "It has 31 hashtags; Instagram allows 30."]
    assert limit_warnings("blog_seo", "Title: " + "t" * 61 + "\nKeywords: " + ", ".join("abcdefghi")) == [
        "The title has 61 characters; search results cut it after about 60.", "It has 9 keywords; keep it to 8."]
    assert limit_warnings("x_thread", "\n\n".join(["post"] * 16)) == ["The thread has 16 posts; keep it to 15."]


@pytest.mark.parametrize("n,word,expected", [(0, "version", "0 versions"), (1, "version", "1 version"),
                                             (2, "version", "2 versions"), (1234, "character", "1,234 characters"),
                                             (1, "hashtag", "1 hashtag")])
def test_plurals(n, word, expected):
    assert plural(n, word) == expected


def test_a_version_list_says_how_many_versions():
    assert [history_label(n) for n in (1, 2)] == ["Version history · 1 version", "Version history · 2 versions"]


def test_the_export_lists_outputs_in_the_order_every_screen_uses(pipeline):
    sid = through(pipeline, "outputs")
    pipeline.outputs(sid, list(reversed(OUTPUT_FORMATS)))  # made in the opposite order
    exported = session_markdown(pipeline.sessions.get(sid), [])
    positions = [exported.index(f"### {OUTPUT_FORMAT_LABELS[kind]}\n") for kind in OUTPUT_FORMATS]
    assert positions == sorted(positions)
