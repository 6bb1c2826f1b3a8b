"""An output's text as its reader gets it: the parts of a post, plain text, HTML, and what each Copy button copies.

Outputs are saved as one text each (`lib.generate.models`: a newsletter is `Subject:` and `Preview:` lines, a blank
line and a Markdown body; a blog SEO output is `Label: value` lines; an X thread is its posts, one blank line apart).
The user may edit that text freely, so everything here reads it leniently and never fails.

Markdown is converted by a small converter for what the generators and a marketer write (headings, paragraphs,
lists, quotes, rules, code, emphasis, links). Everything else stays literal text, HTML included: it is escaped,
never passed through.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

# --- the parts of a saved output --------------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n\s*\n")


def x_posts(content: str) -> list[str]:
    """An X thread's posts: its blank-line-separated blocks."""
    return [p.strip() for p in _BLANK_LINE.split(content) if p.strip()]


def hashtags(content: str) -> list[str]:
    return re.findall(r"(?<![\w#&])#\w+", content)


@dataclass(frozen=True)
class Newsletter:
    subject: str | None
    preview: str | None
    body: str


def newsletter_parts(content: str) -> Newsletter:
    """`Subject:` and `Preview:` lines at the top (either may be missing or edited away), then the Markdown body."""
    found: dict[str, str] = {}
    lines = content.strip().splitlines()
    while lines and (m := re.match(r"^(subject|preview)\s*:\s*(.*)$", lines[0].strip(), re.I)) \
            and m.group(1).lower() not in found:
        found[m.group(1).lower()] = m.group(2).strip()
        lines.pop(0)
    return Newsletter(found.get("subject"), found.get("preview"), "\n".join(lines).strip())


BLOG_FIELDS = ("Title", "Meta description", "Slug", "Keywords")


def blog_fields(content: str) -> dict[str, str]:
    """A blog SEO output's fields by name (Title, Meta description, Slug, Keywords); lines without one are left out."""
    fields: dict[str, str] = {}
    for line in content.splitlines():
        name, sep, value = line.partition(":")
        wanted = next((f for f in BLOG_FIELDS if f.lower() == name.strip().lower()), None)
        if sep and wanted and wanted not in fields:
            fields[wanted] = value.strip()
    return fields


def keywords(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def words(text: str) -> int:
    return len(re.findall(r"[^\W_][\w'’-]*", text))


# --- plain text and HTML ----------------------------------------------------------------------------------------


def text_html(text: str) -> str:
    """Plain text (a post) as HTML paragraphs: blank lines part paragraphs, single line breaks are kept."""
    return "".join(f"<p>{html.escape(p.strip(chr(10))).replace(chr(10), '<br>')}</p>"
                   for p in _BLANK_LINE.split(text.strip()) if p.strip())


_PUNCT = r"!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"
_SAFE_URL = re.compile(r"^(https?://|mailto:|/|#)", re.I)
_EMPHASIS = [(re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), "strong"),
             (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), "strong"),
             (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), "del"),
             (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), "em"),
             (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), "em")]


def _inline(text: str, as_html: bool) -> str:
    """One line or paragraph of Markdown inline syntax, as HTML or as plain text."""
    text = text.replace("\x00", "")  # the mark of a piece set aside below
    kept: list[str] = []

    def keep(piece: str) -> str:
        kept.append(piece)
        return f"\x00{len(kept) - 1}\x00"

    def link(label: str, url: str) -> str:
        if as_html:
            inner = _inline(label, True)
            return keep(f'<a href="{html.escape(url)}">{inner}</a>' if _SAFE_URL.match(url) else inner)
        plain = _inline(label, False)
        return keep(plain if plain == url or not _SAFE_URL.match(url) else f"{plain} ({url})")

    code = (lambda m: keep(f"<code>{html.escape(m.group(2))}</code>" if as_html else m.group(2)))
    text = re.sub(r"(`+)(.+?)\1", code, text)
    text = re.sub(rf"\\([{_PUNCT}])", lambda m: keep(html.escape(m.group(1)) if as_html else m.group(1)), text)
    text = re.sub(r"<((?:https?://|mailto:)[^\s<>]+)>", lambda m: link(m.group(1), m.group(1)), text)
    text = re.sub(r"!?\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+\"[^\"]*\")?\s*\)",
                  lambda m: link(m.group(1), m.group(2)), text)
    if as_html:
        text = html.escape(text, quote=False)
    for pattern, tag in _EMPHASIS:
        text = pattern.sub((lambda m, tag=tag: f"<{tag}>{m.group(1)}</{tag}>") if as_html else r"\1", text)
    if as_html:
        text = re.sub(r"(?: {2,}|\\)\n", "<br>\n", text)
    while "\x00" in text:
        text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return text


@dataclass
class _Block:
    kind: str  # heading, paragraph, code, rule, quote, ul, ol
    text: str = ""
    level: int = 0  # a heading's level; a numbered list's first number
    children: list[list["_Block"]] | None = None  # a quote: [blocks]; a list: one [blocks] per item


_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^(\s{0,3})([-*+]|\d{1,9}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif fence := _FENCE.match(line):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(fence.group(1))), len(lines))
            blocks.append(_Block("code", "\n".join(lines[i + 1:end])))
            i = end + 1
        elif heading := _HEADING.match(line):
            blocks.append(_Block("heading", heading.group(2) or "", len(heading.group(1))))
            i += 1
        elif _RULE.match(line):
            blocks.append(_Block("rule"))
            i += 1
        elif _QUOTE.match(line):
            quoted = []
            while i < len(lines) and lines[i].strip() and (q := _QUOTE.match(lines[i]) or re.match(r"(.*)", lines[i])):
                quoted.append(q.group(1))
                i += 1
            blocks.append(_Block("quote", children=[_blocks(quoted)]))
        elif item := _ITEM.match(line):
            i = _list(lines, i, item, blocks)
        else:
            para = [line]
            i += 1
            while i < len(lines) and lines[i].strip() and not any(
                    p.match(lines[i]) for p in (_FENCE, _HEADING, _RULE, _QUOTE, _ITEM)):
                para.append(lines[i])
                i += 1
            blocks.append(_Block("paragraph", "\n".join(para).strip()))
    return blocks


def _list(lines: list[str], i: int, first: re.Match, blocks: list[_Block]) -> int:
    """One list from `lines[i]`: its items (with their indented lines, nested lists too); returns the next line."""
    numbered = first.group(2)[0].isdigit()
    items: list[list[str]] = []
    while i < len(lines):
        line, item = lines[i], _ITEM.match(lines[i])
        following = _ITEM.match(lines[i + 1]) if i + 1 < len(lines) else None
        if item and item.group(1) == first.group(1) and item.group(2)[0].isdigit() == numbered:
            items.append([item.group(3)])
            indent = len(item.group(1)) + len(item.group(2)) + 1
        elif line.strip() and line.startswith("  "):  # indented: the item goes on (a nested list too)
            items[-1].append(line[indent:] if not line[:indent].strip() else line.strip())
        elif line.strip() and items[-1][-1].strip() and not _blocks_start(line):  # a wrapped line
            items[-1].append(line.strip())
        elif not line.strip() and following and following.group(1) == first.group(1) \
                and following.group(2)[0].isdigit() == numbered:  # a blank line between two items
            pass
        elif not line.strip() and i + 1 < len(lines) and lines[i + 1].startswith("  ") and lines[i + 1].strip():
            items[-1].append("")
        else:
            break
        i += 1
    start = int(first.group(2)[:-1]) if numbered else 0
    blocks.append(_Block("ol" if numbered else "ul", level=start, children=[_blocks(item) for item in items]))
    return i


def _blocks_start(line: str) -> bool:
    return any(p.match(line) for p in (_FENCE, _HEADING, _RULE, _QUOTE, _ITEM))


def _html(blocks: list[_Block], tight: bool = False) -> str:
    out = []
    for b in blocks:
        if b.kind == "heading":
            out.append(f"<h{b.level}>{_inline(b.text, True)}</h{b.level}>")
        elif b.kind == "paragraph":
            out.append(_inline(b.text, True) if tight else f"<p>{_inline(b.text, True)}</p>")
        elif b.kind == "code":
            out.append(f"<pre><code>{html.escape(b.text)}</code></pre>")
        elif b.kind == "rule":
            out.append("<hr>")
        elif b.kind == "quote":
            out.append(f"<blockquote>{_html(b.children[0])}</blockquote>")
        else:
            start = f' start="{b.level}"' if b.kind == "ol" and b.level != 1 else ""
            out.append(f"<{b.kind}{start}>" + "".join(f"<li>{_html(item, tight=True)}</li>" for item in b.children)
                       + f"</{b.kind}>")
    return "\n".join(out)


def _plain(blocks: list[_Block], prefix: str = "") -> list[str]:
    """Paragraphs of plain text: Markdown's marks gone, list bullets and numbers kept."""
    out = []
    for b in blocks:
        if b.kind in ("heading", "paragraph"):
            out.append(_inline(b.text, False))
        elif b.kind == "code":
            out.append(b.text)
        elif b.kind == "rule":
            out.append("———")
        elif b.kind == "quote":
            out.append("\n".join(f"“{p}”" for p in _plain(b.children[0])))
        else:
            out.append("\n".join(
                f"{f'{b.level + n}.' if b.kind == 'ol' else '•'} " + "\n".join(_plain(item)).replace("\n", "\n   ")
                for n, item in enumerate(b.children)))
    return out


def markdown_html(markdown: str) -> str:
    """Markdown as HTML (for an email tool or a blog editor): every piece of text escaped, links only http(s)/mailto."""
    return _html(_blocks(markdown.strip().splitlines()))


def markdown_plain(markdown: str) -> str:
    """Markdown as plain text: `### Quick start` reads `Quick start`, `**bold**` reads `bold`, links keep their URL."""
    return "\n\n".join(_plain(_blocks(markdown.strip().splitlines())))


# --- what the Copy buttons copy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    label: str  # on the button
    text: str  # what a paste into a plain-text field gets
    html: str | None = None  # what a paste into a rich editor (an email tool, a blog editor) gets
    help: str = ""


def newsletter_plain(content: str) -> str:
    parts = newsletter_parts(content)
    head = [f"Subject: {parts.subject}"] if parts.subject is not None else []
    head += [f"Preview: {parts.preview}"] if parts.preview is not None else []
    return "\n".join(head) + ("\n\n" if head else "") + markdown_plain(parts.body)


def _newsletter(content: str) -> list[Copy]:
    body = markdown_html(newsletter_parts(content).body)
    return [Copy("Copy", newsletter_plain(content), help="Plain text: the subject, the preview text and the body."),
            Copy("Copy Markdown", content.strip(), help="The text as written, with its Markdown marks."),
            Copy("Copy as HTML", body, body, help="The body as HTML: pasted into an email editor it keeps its "
                 "headings, lists and links. Add the subject and preview text in their own fields.")]


def _linkedin(content: str) -> list[Copy]:
    as_html = text_html(content)
    return [Copy("Copy", content.strip(), help="The post as plain text, line breaks kept: paste it into LinkedIn."),
            Copy("Copy as HTML", as_html, as_html, help="The post as HTML paragraphs, for a LinkedIn article or a "
                 "web page editor.")]


COPIES: dict[str, Callable[[str], list[Copy]]] = {"newsletter": _newsletter, "linkedin_post": _linkedin}


def copies(kind: str, content: str) -> list[Copy]:
    """The Copy buttons of one output: plain text always; the newsletter and LinkedIn also as Markdown or HTML."""
    if kind in COPIES:
        return COPIES[kind](content)
    return [Copy("Copy", content.strip(), help="The text as plain text, line breaks kept.")]
