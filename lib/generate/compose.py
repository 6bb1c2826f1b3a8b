"""Offline composition: outlines, drafts and repurposed outputs from the user's own sentences.

Structure words ("The problem", "Step 2"), the roadmap of a draft and calls to
action are templates; every point, paragraph and post body is a sentence of the
brain dump (in its publishable form: see `text.tidy`) or of the draft.
Nothing meant for publishing carries an internal note, a fact still to check,
or a sentence twice, and every output ends on a whole sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator


from lib.generate.base import GenerationOptions
from lib.generate.models import (
    Outline,
    OutlineSection,
    ResearchItem,
    Theme,
)
from lib.generate.analysis import Analysis, cosine
from lib.generate.text import (
    PROSE,
    Unit,
    capitalise,
    collapse,
    kind_of,
    scripts_of,
    terms_of,
    tokenize,
)

# Theme titles: a noun phrase of the notes, then what the theme does with it. Only {x} / {X} are filled.
TITLE_TEMPLATES = (
    "{X}: the big picture",
    "{X}: why it matters",
    "{X}: how to get it right",
    "{X}: what can go wrong",
    "{X} by the numbers",
    "{X}: open questions",
    "{X}: a practical guide",
)
CALLS_TO_ACTION = {
    "professional": "What has worked for you with {x}? Share your experience in the comments.",
    "friendly": "How do you handle {x}? I'd love to hear your take.",
    "casual": "Your turn: what's your take on {x}?",
    "bold": "Pick one idea about {x} from this piece and act on it this week.",
    "educational": "Try one of these ideas about {x} this week and note what changes.",
    "inspirational": "Start with one small step on {x} today.",
}
NEWSLETTER_CTAS = {
    "professional": "How are you approaching {x}? Hit reply and tell me; I read every answer.",
    "friendly": "How do you handle {x}? Hit reply, I'd love to hear.",
    "casual": "What's your take on {x}? Hit reply and tell me.",
    "bold": "Pick one idea about {x} and try it this week. Then hit reply and tell me how it went.",
    "educational": "Try one idea about {x} this week, then hit reply with what changed.",
    "inspirational": "What is one small step on {x} you could take this week? Hit reply and tell me.",
}
CLOSINGS = {"professional": "Next steps", "friendly": "Over to you", "casual": "Your turn", "bold": "Now act",
            "educational": "Practice", "inspirational": "Where to start"}
ROADMAP = "This piece covers {list}."
# Nouns that take no article ("the pricing" reads wrong); gerunds and plurals take none either.
_MASS = frozenset("""advice content data email feedback growth help information marketing money news pricing
    research software support time traffic training work""".split())


def tone_of(options: GenerationOptions) -> str:
    return options.tone.casefold() if options.tone.casefold() in CALLS_TO_ACTION else "professional"


def the(x: str) -> str:
    """`x` with "the" before it where English wants one: "the welcome sequence", but "subject lines", "Field Notes"."""
    words = x.split()
    if not words or not x.isascii() or not x[:1].islower() or words[0].casefold() in ("the", "a", "an", "our", "your", "my"):
        return x
    last = words[-1].casefold()
    if last.endswith("ing") or last in _MASS or plural(x):
        return x
    return f"the {x}"


def plural(x: str) -> bool:
    """Whether a noun phrase is plural ("subject lines", not "the news" or "the process")."""
    last = x.split()[-1].casefold() if x.split() else ""
    return last.endswith("s") and not last.endswith(("ss", "us", "is")) and last not in _MASS


def topic_case(x: str, analysis: Analysis) -> str:
    """A phrase as it reads mid-sentence: lower case, unless the notes write its first word as a name."""
    first = x.split(" ")[0] if x else ""
    if first[:1].isupper() and first[1:].islower() and first.casefold() not in analysis.names:
        return first.casefold() + x[len(first):]
    return x


def theme_phrase(analysis: Analysis, theme: Theme) -> str:
    """What a theme is about, as it reads mid-sentence: its title without the template ("newsletter issues")."""
    for template in TITLE_TEMPLATES:
        pattern = "^" + re.escape(template).replace(re.escape("{X}"), "(.+)") + "$"
        match = re.match(pattern, theme.title)
        if match:
            return topic_case(match.group(1), analysis)
    phrase = analysis.key_phrase(theme.title)
    for point in theme.key_points if phrase is None else ():
        phrase = analysis.key_phrase(point)
        if phrase is not None:
            break
    return phrase.display if phrase is not None else theme.title


_TERMINAL = ".!?。！？؟।"
_LOWER_AFTER_STOP = re.compile(r"(?<=[a-z0-9)]\. )([a-z])")


def sentence(text: str, marker: str = "") -> str:
    """A point as a sentence of prose: capitalised, ending in punctuation, `marker` before the stop."""
    text = collapse(text).rstrip("…").rstrip(" ,;:—–-")
    if not text:
        return text
    text = _LOWER_AFTER_STOP.sub(lambda m: m.group(1).upper(), capitalise(text))
    stop = ""
    if text[-1] in _TERMINAL:
        cut = len(text.rstrip(_TERMINAL))
        text, stop = text[:cut], text[cut:]
    return f"{text}{' ' + marker if marker else ''}{stop or '.'}"


def _heading_for(analysis: Analysis, text: str, avoid: set[str]) -> str:
    """A short heading for one point: its best noun phrase not yet used (updates `avoid`)."""
    unit = analysis.find(text)
    facets = {p.key for p in analysis.facets()}
    nouns = [p for p in analysis.phrases_in({unit.index}, avoid) if p.key in facets] if unit is not None else []
    # A phrase of two words or one the notes come back to names a section; a word said once rarely does.
    nouns.sort(key=lambda p: (len(p.key) == 1 and len(p.units) < 2, len(p.key) == 1))
    phrase = next(iter(nouns), None) or analysis.key_phrase(text, avoid)
    if phrase is None:
        words = text.split()
        return " ".join(words[:6]).rstrip(".,;:!?") + ("…" if len(words) > 6 else "")
    avoid.update(phrase.key)
    return capitalise(phrase.display)


# --- outlines ---------------------------------------------------------------


def _usable(analysis: Analysis, items: list[ResearchItem], kind: str) -> list[str]:
    """Texts of kept items of one kind that may be published: never a fact still to check or an internal note."""
    out = []
    for item in items:
        if item.kind != kind or (kind == "fact" and item.verify):
            continue
        unit = analysis.find(item.text)
        if unit is None or unit.kind == PROSE:
            out.append(item.text)
    return out


def outlines(analysis: Analysis, theme: Theme, items: list[ResearchItem], options: GenerationOptions) -> list[Outline]:
    x = theme_phrase(analysis, theme)
    tx, cx = the(x), capitalise(x)
    cta = CALLS_TO_ACTION[tone_of(options)].replace("{x}", tx)
    insights = _usable(analysis, items, "insight") or [p for p in theme.key_points if _publishable_point(analysis, p)]
    facts, counter = _usable(analysis, items, "fact"), _usable(analysis, items, "counterpoint")
    # Questions we wrote ourselves ("What is the source…") are notes for the writer, not content.
    questions = [q for q in _usable(analysis, items, "question") if analysis.find(q) is not None]
    body = list(dict.fromkeys(insights + facts))
    if not body and not counter:
        body = [theme.summary]
    short_questions = [q for q in questions if len(q.split()) <= 25]
    hook = short_questions[0] if short_questions else facts[0] if facts else theme.summary
    avoid = set(t.norm for t in tokenize(x))

    half = (len(insights) + 1) // 2
    problem = _sections(
        [
            (f"The problem with {tx}", counter[:3] or insights[:1]),
            ("Why it happens", insights[:half] if counter else insights[1:half + 1]),
            ("What works instead", insights[half:half + 3] if counter else insights[half + 1:half + 4]),
            ("The evidence", facts[:3]),
        ]
    ) or [OutlineSection(heading=cx, points=body[:3])]
    # First the listicle: a section per point, headed by the point's own noun phrase, reads best from notes.
    # Its hook opens the piece, so it is not one of the lessons too.
    list_hook = theme.summary if hook != theme.summary or len(body) < 3 else (facts or insights or body)[0]
    listed = [b for b in body if b.casefold() != list_hook.casefold()][:7] or body[:1]
    used_headings = set(avoid)
    result = [
        Outline(
            structure="listicle",
            title=f"{len(listed)} lessons about {tx}" if len(listed) > 1 else f"One lesson about {tx}",
            hook=list_hook,
            sections=_sections([(f"{n}. {_heading_for(analysis, point, used_headings)}", [point])
                                for n, point in enumerate(listed, 1)]),
            call_to_action=cta,
        ),
        Outline(structure="problem-solution", title=f"{cx}: what goes wrong and what works",
                hook=hook, sections=problem, call_to_action=cta),
    ]
    if len(body) + len(counter) >= 3:
        used_headings = set(avoid)
        if counter:
            pairs = list(zip(counter, insights))[:4] or [(counter[0], theme.summary)]
            steps = [(f"Myth or reality: {_heading_for(analysis, c, used_headings)}", [c, r]) for c, r in pairs]
            structure, title = "myth-vs-reality", f"Myths and realities of {tx}"
        else:
            steps = [(f"Step {n}: {_heading_for(analysis, p, used_headings)}", [p]) for n, p in enumerate(body[:5], 1)]
            structure, title = "how-to", f"{cx}, step by step"
        steps.append(("Open questions", questions[:3]))
        result.append(Outline(structure=structure, title=title, hook=theme.summary, sections=_sections(steps), call_to_action=cta))
    return result


def _publishable_point(analysis: Analysis, text: str) -> bool:
    unit = analysis.find(text)
    return unit.kind == PROSE if unit is not None else kind_of(text, analysis.lower_words) == PROSE


def _sections(pairs: list[tuple[str, list[str]]]) -> list[OutlineSection]:
    """Sections in order, each point used once, empty sections dropped, headings unique."""
    seen: set[str] = set()
    headings: set[str] = set()
    sections = []
    for heading, points in pairs:
        fresh = [p for p in points if p.casefold() not in seen]
        seen.update(p.casefold() for p in fresh)
        if fresh and heading.casefold() not in headings:
            headings.add(heading.casefold())
            sections.append(OutlineSection(heading=heading, points=fresh))
    return sections


# --- draft ------------------------------------------------------------------


@dataclass
class _Part:
    """One section of the draft being planned: its sentences, the outline's points first."""

    heading: str
    query: dict[str, float]
    points: list[str] = field(default_factory=list)
    units: list[tuple[float, Unit]] = field(default_factory=list)  # (relevance, unit), in note order when written


def _heading_topic(heading: str, analysis: Analysis) -> str:
    """A heading as an item of the roadmap: numbering and template prefixes removed, as it reads mid-sentence."""
    text = topic_case(re.sub(r"^(?:\d+\.\s+|Step \d+:\s+|Myth or reality:\s+)", "", heading), analysis)
    return the(text) if len(text.split(" ")) <= 3 else text


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def draft_plan(analysis: Analysis, theme: Theme, items: list[ResearchItem], outline: Outline,
               options: GenerationOptions) -> tuple[list[str], list[tuple[str, list[str]]], list[str]]:
    """The draft as (introduction, [(heading, sentences)], conclusion): every publishable note at most once.

    An introduction (the hook, the notes' opening lines on the subject, a roadmap), a section per outline
    section built from its points and the notes nearest to them, and a conclusion (the most central
    remaining note and a call to action). Notes that fit no section go to the one nearest in the notes.
    When the notes hold more than `options.draft_words`, the least related notes are left out.
    """
    blocked = {u.index for i in items if i.kind == "fact" and i.verify for u in [analysis.find(i.text)] if u is not None}
    pool = [u for u in analysis.prose_units if u.index not in blocked and u.kind == PROSE and u.prose]
    used: set[str] = set()

    def fresh(text: str) -> bool:
        key = collapse(text).casefold()
        if not key or key in used:
            return False
        used.add(key)
        return True

    def resolve(text: str) -> str | None:
        unit = analysis.find(text)
        if unit is None:
            return sentence(text) if kind_of(text, analysis.lower_words) == PROSE else None
        return unit.prose if unit.kind == PROSE and unit.index not in blocked else None

    sections = [s for s in outline.sections if s.points] or [OutlineSection(heading=capitalise(theme_phrase(analysis, theme)),
                                                                            points=theme.key_points)]
    taken: set[int] = set()
    intro: list[str] = []
    hook = resolve(outline.hook)
    hook_unit = analysis.find(outline.hook)
    in_points = {collapse(p).casefold() for s in sections for p in s.points}
    if hook and collapse(outline.hook).casefold() not in in_points and fresh(hook):
        intro.append(hook)
        if hook_unit is not None:
            taken.add(hook_unit.index)

    parts = []
    for section in sections:
        part = _Part(section.heading, analysis.vector(terms_of(tokenize(" ".join([section.heading, *section.points])))))
        for point in section.points:
            text, unit = resolve(point), analysis.find(point)
            if text and fresh(text):
                part.points.append(text)
                if unit is not None:
                    taken.add(unit.index)
        parts.append(part)
    rest = [u for u in pool if u.index not in taken and collapse(u.prose).casefold() not in used]

    # The introduction: the notes' first lines about the subject say what this is.
    subject = analysis.subject
    if subject is not None and len(rest) >= 6:
        opening = [u for u in rest if subject.key in {t.norm for t in u.tokens}][:2]
        for unit in opening:
            if fresh(unit.prose):
                intro.append(unit.prose)
        rest = [u for u in rest if u not in opening]

    # The conclusion: the note closest to all the others.
    closing: list[str] = []
    main = [u for u in rest if scripts_of(u.prose) <= {analysis.main_script}]
    if len(rest) >= 8 and main:
        centre: dict[str, float] = {}
        for unit in pool:
            for term, weight in analysis.vector(unit.terms).items():
                centre[term] = centre.get(term, 0.0) + weight
        central = max(main, key=lambda u: (cosine(analysis.vector(u.terms), centre), -u.index))
        if fresh(central.prose):
            closing.append(central.prose)
        rest.remove(central)

    _assign(analysis, parts, rest, used)
    _fit_budget(parts, intro, closing, options.draft_words)

    body = []
    for part in parts:
        sentences = part.points + [u.prose for _, u in sorted(part.units, key=lambda su: su[1].index)]
        if sentences:
            body.append((part.heading, sentences))
    topics = [_heading_topic(h, analysis) for h, _ in body]
    if len(topics) >= 2:
        intro.append(ROADMAP.replace("{list}", _and_list(topics)))
    closing.append(sentence(outline.call_to_action))
    return intro, body, closing


def _assign(analysis: Analysis, parts: list[_Part], rest: list[Unit], used: set[str]) -> None:
    """Each remaining note to the most related section, else to the section nearest to it in the notes."""
    if not parts:
        return
    lines = [[u.line for u in analysis.units if collapse(u.prose).casefold() in {collapse(p).casefold() for p in part.points}]
             for part in parts]
    unplaced = []
    for unit in rest:
        key = collapse(unit.prose).casefold()
        if key in used:
            continue
        used.add(key)
        vector = analysis.vector(unit.terms)
        scores = [cosine(vector, part.query) for part in parts]
        best = max(range(len(parts)), key=lambda i: (scores[i], -i))
        if scores[best] > 0:
            parts[best].units.append((scores[best], unit))
        else:
            unplaced.append(unit)
    for unit in unplaced:
        near = [min((abs(unit.line - ln) for ln in lines[i]), default=10**9) for i in range(len(parts))]
        best = min(range(len(parts)), key=lambda i: (near[i], i))
        parts[best].units.append((0.0, unit))


def _words(texts) -> int:
    return sum(len(t.split()) for t in texts)


def _fit_budget(parts: list[_Part], intro: list[str], closing: list[str], budget: int) -> None:
    """Leave out the least related notes while the draft is longer than asked; never a script's last note."""
    total = _words(intro) + _words(closing) + sum(_words(p.points) + _words(u.prose for _, u in p.units) + 3 for p in parts)
    if total <= budget:
        return
    candidates = sorted(((score, unit.index, n) for n, part in enumerate(parts) for score, unit in part.units))
    scripts: dict[str, int] = {}
    for part in parts:
        for text in part.points + [u.prose for _, u in part.units]:
            for script in scripts_of(text):
                scripts[script] = scripts.get(script, 0) + 1
    for score, index, n in candidates:
        if total <= budget:
            break
        part = parts[n]
        entry = next(su for su in part.units if su[1].index == index)
        own = scripts_of(entry[1].prose)
        if any(scripts[s] <= 1 for s in own):
            continue
        part.units.remove(entry)
        for script in own:
            scripts[script] -= 1
        total -= len(entry[1].prose.split())


def _paragraphs(sentences: list[str], size: int = 3) -> list[str]:
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]


def draft_chunks(
    analysis: Analysis, theme: Theme, items: list[ResearchItem], outline: Outline, options: GenerationOptions
) -> Iterator[str]:
    """The draft as Markdown, section by section (see `draft_plan`)."""
    intro, body, closing = draft_plan(analysis, theme, items, outline, options)
    yield f"# {outline.title}\n\n" + "".join(f"{p}\n\n" for p in _paragraphs(intro))
    for heading, sentences in body:
        yield f"## {heading}\n\n" + "".join(f"{p}\n\n" for p in _paragraphs(sentences))
    *takeaway, cta = closing
    yield f"## {CLOSINGS[tone_of(options)]}\n\n" + "".join(f"{p}\n\n" for p in _paragraphs(takeaway)) + f"{cta}\n"
