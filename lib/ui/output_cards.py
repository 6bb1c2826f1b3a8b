"""One output on screen, once: as its reader will see it, its Copy buttons, its counts, and an Edit mode.

The preview never hands the user's text to a Markdown or HTML renderer as it is: a post (LinkedIn, X,
Instagram) is escaped and shown with its line breaks, so `#hashtags` stay hashtags and `<b>` stays text; a
newsletter's Markdown body goes through `lib.output_text.markdown_html`, which escapes every piece of text.
"""

from __future__ import annotations

import html
from typing import Callable

import streamlit as st

from lib.generate import LIMITS, OUTPUT_FORMAT_LABELS
from lib.limit_warnings import counts, limit_warnings
from lib.output_text import BLOG_FIELDS, Copy, blog_fields, copies, keywords, markdown_html, newsletter_parts, x_posts
from lib.session_data import Output
from lib.ui.clock import local_time
from lib.ui.copy_button import copy_buttons
from lib.ui.editing import Edit, version_history
from lib.wording import history_label, plural

# Streamlit 1.67 sends a text area's value on blur or Ctrl+Enter only; lib/ui/autosave.py commits it after a
# short pause in typing, so the count follows the text at each pause.
LIVE_NOTE = "counted when you pause typing"
_L = LIMITS
# What the counts measure and why, for the count line's help.
COUNT_HELP = {
    "linkedin_post": f"LinkedIn takes posts of up to {_L['linkedin_post']['max_chars']:,} characters and shows about "
                     "the first 210 before “…see more”.",
    "x_thread": f"X takes {_L['x_thread']['max_chars_per_post']} characters a post. It counts each link as 23, and "
                "an emoji or a Chinese, Japanese or Korean character as 2.",
    "newsletter": f"Most inboxes cut a subject after about {_L['newsletter']['subject_max']} characters and show "
                  f"about {_L['newsletter']['preview_max']} of the preview text.",
    "instagram_caption": f"Instagram takes captions of up to {_L['instagram_caption']['max_chars']:,} characters and "
                         f"{_L['instagram_caption']['max_hashtags']} hashtags, and shows about the first "
                         f"{_L['instagram_caption']['hook_chars']} characters before “…more”.",
    "blog_seo": f"Search results show about {_L['blog_seo']['title_max']} characters of a title and "
                f"{_L['blog_seo']['meta_description_max']} of a meta description.",
}
_POST = "white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.6"
_MUTED = "font-size: 0.875rem; opacity: 0.7"


def _post(text: str) -> None:
    st.html(f'<div style="{_POST}">{html.escape(text.strip())}</div>')


def _thread(content: str, key: str) -> None:
    posts = x_posts(content)
    for n, (post, count) in enumerate(zip(posts, counts("x_thread", content)), 1):
        with st.container(border=True):
            _post(post)
            with st.container(horizontal=True, vertical_alignment="center"):
                copy_buttons([Copy(f"Copy post {n}", post, help="This post alone, to paste into X.")],
                             key=f"{key}:copy-post-{n}", width="content")
                st.caption(f"Post {n} of {len(posts)} · {_flagged(count.amount, count.over)}")


def _flagged(text: str, over: bool) -> str:
    return f":red[**{text}**]" if over else text


def _newsletter(content: str) -> None:
    """An email: its subject in bold and its preview text above a rule, then the body."""
    parts = newsletter_parts(content)
    head = "".join(f'<div style="{_MUTED}">{name}</div><div style="{style}">{html.escape(value)}</div>'
                   for name, value, style in (("Subject", parts.subject, "font-weight: 600"),
                                              ("Preview text", parts.preview, ""))
                   if value is not None)
    if head:
        st.html(f'<div style="padding-bottom: 0.75rem; border-bottom: 1px solid rgba(128, 128, 128, 0.35); '
              f'display: grid; gap: 0.125rem">{head}</div>')
    st.html(f'<div style="line-height: 1.6; overflow-wrap: anywhere">{markdown_html(parts.body)}</div>')


def _blog_seo(content: str) -> None:
    fields = blog_fields(content)
    if not fields:
        _post(content)
        return
    title, meta, slug = (html.escape(fields.get(name, "")) for name in BLOG_FIELDS[:3])
    chips = "".join(f'<span style="display: inline-block; margin: 0 0.375rem 0.375rem 0; padding: 0 0.625rem; '
                    f'border: 1px solid rgba(128, 128, 128, 0.45); border-radius: 1rem; font-size: 0.875rem">'
                    f'{html.escape(k)}</span>' for k in keywords(fields.get("Keywords", "")))
    st.html(f'<div style="overflow-wrap: anywhere; line-height: 1.5">'
          f'<div style="{_MUTED}">your-blog.com › {slug}</div>'
          f'<div style="font-size: 1.25rem; font-weight: 600; margin: 0.125rem 0 0.25rem">{title}</div>'
          f'<div>{meta}</div><div style="margin-top: 0.75rem">{chips}</div></div>')


def preview(kind: str, content: str, *, key: str) -> None:
    """The output as its reader will see it (an X thread: a box per post; anything else: one box)."""
    if kind == "x_thread":
        _thread(content, key)
        return
    with st.container(border=True):
        if kind == "newsletter":
            _newsletter(content)
        elif kind == "blog_seo":
            _blog_seo(content)
        else:
            _post(content)


def count_line(kind: str, content: str, *, editing: bool = False) -> None:
    """Each measure against its limit (over it in red), then what breaking a limit means.

    An X thread's preview counts each post in its own box; while editing, the line counts every post.
    """
    shown = [c for c in counts(kind, content) if editing or c.unit != "character" or kind != "x_thread"]
    parts = [_flagged(str(c), c.over) for c in shown] + ([LIVE_NOTE] if editing else [])
    st.caption(" · ".join(parts), help=COUNT_HELP.get(kind))
    for warning in limit_warnings(kind, content):
        st.warning(warning, icon=":material/straighten:")


def summary(kind: str, content: str) -> str:
    """A version's size in a few words (the version picker's caption)."""
    if kind == "x_thread":
        return plural(len(x_posts(content)), "post")
    if kind == "newsletter":
        return plural(next(c.n for c in counts(kind, content) if c.what == "Body"), "word")
    return plural(len(content), "character")


def show(kind: str, content: str, *, key: str) -> None:
    """A saved output, read-only: Copy buttons, the preview and its counts (History's session page, older versions)."""
    copy_buttons(copies(kind, content), key=f"{key}:copy")
    preview(kind, content, key=key)
    count_line(kind, content)


def _switched(edit: Edit, editing: str) -> None:
    if st.session_state[editing]:
        edit.reset()  # the editor opens on the newest saved text
    elif edit.state.retry is not None:  # a change the database did not take yet: closing would drop it
        st.session_state[editing] = True
        st.toast("Your last change is not saved yet, so the editor stays open.", icon=":material/cloud_off:")


def _saved(out: Output) -> None:
    mark = "Saved" if out.edited else "Partial (cut off)" if out.source == "partial" else "Generated"
    st.caption(f":material/cloud_done: {mark} · v{out.version} · {local_time(out.updated_at):%H:%M}")


def output_card(kind: str, out: Output, edit: Edit, *, key: str, save: Callable, versions: list[Output],
                restore: Callable[[int], object], listed: dict | None = None) -> None:
    """One output on the Outputs page: Copy, Download and Edit; the preview, or the editor while editing.

    `save(text, base, editor)` saves an edit (compare-and-set, `lib.versions`); `restore(n)` makes version n the
    newest. The Edit switch is this tab's view, kept in its session state; the text is always the database's.
    """
    editing_key = f"{key}:editing"
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        copy_buttons(copies(kind, out.content), key=f"{key}:copy")
        st.download_button("Download", out.content, file_name=f"{kind}.{'md' if kind == 'newsletter' else 'txt'}",
                           key=f"dl-{kind}", icon=":material/download:", width="content")
        editing = st.toggle("Edit", key=editing_key, on_change=_switched, args=(edit, editing_key), width="content",
                            help="Change the text here; it is saved as you go, and every version is kept.")
    if editing:
        edit.load({"text": out.content})
        text = st.text_area(f"{OUTPUT_FORMAT_LABELS[kind]} text", height=320, key=edit.key("text"),
                            help="Saved as you type: at each pause, when you click elsewhere, or on Ctrl+Enter.",
                            on_change=edit.save,
                            args=(lambda base, editor: save(st.session_state[edit.key("text")], base, editor),))
        count_line(kind, text or "", editing=True)
        edit.status("output")
    else:
        preview(kind, out.content, key=key)
        count_line(kind, out.content)
        _saved(out)
    newest = versions[-1].version if versions else None
    listed = listed or {}  # `listed_versions`: a page's view lists older versions without their text
    with st.expander(history_label(listed.get("count", len(versions))), icon=":material/history:"):
        version_history(key, versions,
                        lambda v: st.caption("The newest version is the one shown above.") if v.version == newest
                        else show(kind, v.content, key=f"{key}:v{v.version}"),
                        restore, detail=lambda v: summary(kind, v.content), then=edit.reset, **listed)
