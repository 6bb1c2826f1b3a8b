"""A Markdown draft read into its title, intro and sections, as plain text (for the offline outputs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib.generate.platform_limits import fit_words
from lib.generate.text import collapse, split_sentences


@dataclass
class ParsedDraft:
    title: str
    intro: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def paragraphs(self) -> list[str]:
        return self.intro + [p for _, paras in self.sections for p in paras]

    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs() for s in split_sentences(p)]


_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\(([^)]+)\)"), r"\1 (\2)"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
]


def plain(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return collapse(text)


def parse_markdown(markdown: str) -> ParsedDraft:
    draft = ParsedDraft(title="")
    current: list[str] = draft.intro
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            current.append(plain(" ".join(buffer)))
            buffer.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            flush()
            level, text = len(heading.group(1)), plain(heading.group(2))
            if level == 1 and not draft.title:
                draft.title = text
            else:
                draft.sections.append((text, []))
                current = draft.sections[-1][1]
        elif not line or line.startswith(("---", "***", "```")):
            flush()
        else:
            item = re.match(r"^(?:[-*+]|\d+[.)])\s+(.*)$", line)
            if item:
                flush()
                current.append(plain(item.group(1)))
            else:
                buffer.append(line.lstrip("> "))
    flush()
    if not draft.title:
        first = draft.sentences()[:1]
        draft.title = fit_words(first[0], 80) if first else "Untitled"
    return draft
