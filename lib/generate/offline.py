"""The offline provider: deterministic, algorithmic, built only from the user's text.

The notes are read sentence by sentence (`text.py`): what is prose, a fact to
check, an internal note (tasks, e-mails, names, code) or a heading. Themes are
the notes' subject and the noun phrases that recur around it (`clusters.py`),
research sorts the sentences most related to a theme, outlines and the draft
arrange them, and outputs are cut from the draft (`compose.py`). Connecting
phrases are templates; every content sentence is the user's own, in its
publishable form. It needs no network and no key.

For the screens: `OFFLINE_NOTES` says per step what this generator did and what
a model would add; `thin_notes()` tells when the notes cannot fill the draft
length asked for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from lib.errors import InputError
from lib.generate import compose, repurpose
from lib.generate.base import DRAFT_WORDS_MIN, DraftStream, GenerationOptions, Generator
from lib.generate.clusters import Cluster, cluster
from lib.generate.compose import TITLE_TEMPLATES, the
from lib.generate.poster import render_offline_image
from lib.generate.models import (
    OFFLINE_MODEL,
    OUTPUT_MODELS,
    ImageResult,
    Outline,
    OutlineSet,
    Research,
    ResearchItem,
    Theme,
    ThemeSet,
)
from lib.generate.analysis import Analysis
from lib.generate.text import (
    ADJECTIVE_KEYS,
    CHECK,
    PROSE,
    Unit,
    capitalise,
    has_contrast,
    has_fact,
    shorten,
    terms_of,
    tokenize,
    urls_in,
)

OFFLINE_NOTES: dict[str, str] = {
    "themes": "Offline: these themes are the subject your notes keep coming back to and the noun phrases around it, "
              "each with your own sentences; a model would also name angles your notes only imply.",
    "research": "Offline: this research sorts your own sentences into insights, facts, counterpoints and questions, "
                "and lists the facts to check apart (they stay out of drafts and posts); a model would add background "
                "knowledge and suggest sources.",
    "outlines": "Offline: these outlines arrange the research you kept into three standard structures; a model would "
                "write hooks and section ideas of its own.",
    "draft": "Offline: the draft arranges your own sentences into an introduction, a section per outline point and a "
             "conclusion, and invents nothing; a model would expand them into flowing prose at the length you ask.",
    "outputs": "Offline: each format is cut from whole sentences of your draft, within the platform's limits and with "
               "hashtags from its key phrases; a model would rewrite them in each platform's voice.",
    "image": "Offline: the image is a typographic poster of your prompt's words in colours drawn from them, and each "
             "Regenerate makes a new variation; an image model would paint the scene you describe.",
}
ANGLE_TEMPLATES = (
    "How {x} and {y} fit together",
    "{X}, seen through {y}",
    "{X} from the angle of {y}",
    "From {y} to {x}: a practical view",
)
ANGLE_ALONE = ("A first-hand, practical take on {x}", "The questions {x} raises", "Why {x} deserves a closer look")
ANGLE_OVERVIEW = ("Everything your notes say about {x}, from {y} to {z}", "Everything your notes say about {x}")
RESEARCH_LIMITS = {"insight": 6, "fact": 5, "counterpoint": 4, "question": 6, "source": 5}
# A draft's words besides the notes' sentences: title, roadmap, headings, call to action.
STRUCTURE_WORDS = 45
THIN_SHARE = 0.8  # notes that fill less than this share of the length asked for are "too thin"
# A number the notes give about the writer's own work is theirs to state; any other needs a source.
_OWN = re.compile(r"\b(?:we|we've|we're|our|ours|us|my|I)\b|\bbeta results\b", re.I)


@lru_cache(maxsize=16)
def analyse(text: str) -> Analysis:
    """Analysis of a text, cached: every step of a session reads the same brain dump."""
    return Analysis(text)


def fill(template: str, **values: str) -> str:
    out = template
    for key, value in values.items():
        out = out.replace("{" + key.upper() + "}", capitalise(value)).replace("{" + key + "}", value)
    return out


def notes_words(brain_dump: str) -> int:
    """About how many words a draft built honestly from these notes can have (their sentences and its structure)."""
    analysis = analyse(brain_dump)
    prose = [u for u in analysis.prose_units if u.kind == PROSE and u.prose]
    words = sum(len(u.prose.split()) for u in prose)
    return words + (STRUCTURE_WORDS if len(prose) >= 3 else STRUCTURE_WORDS // 2) if words else 0


def thin_notes(brain_dump: str, draft_words: int) -> int | None:
    """The word count the notes honestly support, when it is well short of `draft_words`; else None.

    "Well short" is under 80% of the length asked for. The number is rounded to tens (at least 10) and is what
    the offline draft will come to, give or take a few sentences: the Draft page says
    "Your notes gave enough for N words…" from it.
    """
    if not isinstance(brain_dump, str) or not brain_dump.strip():
        return None
    supported = notes_words(brain_dump)
    if supported >= THIN_SHARE * max(draft_words, DRAFT_WORDS_MIN):
        return None
    return max(10, round(supported, -1))


def _summary_unit(units: list[Unit], taken: set[str]) -> Unit:
    """The first of `units` that no other theme shows, preferring a sentence short enough to read whole."""
    fresh = [u for u in units if (u.prose or u.text).casefold() not in taken] or units
    unit = next((u for u in fresh if len((u.prose or u.text).split()) <= 32), fresh[0])
    taken.add((unit.prose or unit.text).casefold())
    return unit


def _mentions(unit: Unit, key: str) -> bool:
    return any(t.norm == key for t in unit.tokens)


def _prose_points(units: list[Unit], limit: int, skip: set[int] = frozenset()) -> list[str]:
    """Publishable sentences of these units, in note order, at most `limit`, none twice."""
    fresh = {u.index: u for u in units if u.kind == PROSE and u.prose and u.index not in skip}  # each unit once
    chosen = list(fresh.values())[:limit]
    return list(dict.fromkeys(shorten(u.prose, 30) for u in sorted(chosen, key=lambda u: u.index)))


class OfflineGenerator(Generator):
    name = "offline"
    offline = True
    text_model = OFFLINE_MODEL
    image_model = OFFLINE_MODEL
    image_models = (OFFLINE_MODEL,)

    # --- themes ------------------------------------------------------------------

    def _themes(self, brain_dump: str, options: GenerationOptions) -> ThemeSet:
        analysis = analyse(brain_dump)
        if not analysis.content_units:
            raise InputError(
                "The brain dump has no words to find themes in.",
                fix="Add a few sentences of notes (emoji and links alone are not enough).",
            )
        subject = analysis.subject
        overview = subject is not None and subject.clear
        groups = cluster(analysis, low=3 - overview, high=7 - overview)
        themes: list[Theme] = []
        titles: set[str] = set()
        used: dict[str, int] = {}

        def title_for(x: str, preferred: list[str]) -> str:
            ranked = sorted(preferred, key=lambda t: used.get(t, 0)) + list(TITLE_TEMPLATES)
            for template in ranked:
                title = fill(template, x=x)
                if title.casefold() not in titles:
                    titles.add(title.casefold())
                    used[template] = used.get(template, 0) + 1
                    return title
            return fill(TITLE_TEMPLATES[0], x=x)

        summaries: set[str] = set()
        if overview:
            themes.append(self._overview(analysis, groups, title_for, summaries))
        for index, group in enumerate(groups):
            themes.append(self._facet_theme(analysis, group, index, title_for, summaries))
        return ThemeSet(themes=themes, model_used=OFFLINE_MODEL)

    @staticmethod
    def _overview(analysis: Analysis, groups: list[Cluster], title_for, summaries: set[str]) -> Theme:
        subject = analysis.subject
        name = subject.name or subject.phrase
        # Said again, the subject picks its sentences; named once, by the heading ("Remote work notes"), it is all of them.
        about = [u for u in analysis.prose_units if u.kind == PROSE and (subject.mentions < 2 or _mentions(u, subject.key))]
        about = about or analysis.prose_units
        leads = [g.members[0] for g in groups if g.members]
        only = [g.members[0] for g in groups if len(g.members) == 1]  # another theme's one sentence sums up that theme
        first = _summary_unit(sorted(about, key=lambda u: u in only), summaries)
        summary = shorten(first.prose or first.text, 40)
        points = [p for p in _prose_points(leads + about, 4, skip={first.index}) if p != summary]
        if not points:
            points = [g.phrase.display for g in groups][:3] or [summary]
        facets = [g.phrase.display for g in groups]
        x = compose.topic_case(name, analysis)
        angle = (fill(ANGLE_OVERVIEW[0], x=the(x), y=the(facets[0]), z=the(facets[1])) if len(facets) >= 2
                 else fill(ANGLE_OVERVIEW[1], x=the(x)))
        return Theme(title=title_for(capitalise(name), [TITLE_TEMPLATES[0]]), summary=summary, angle=angle,
                     key_points=points)

    def _facet_theme(self, analysis: Analysis, group: Cluster, index: int, title_for, summaries: set[str]) -> Theme:
        phrase = group.phrase.display
        x = self._with_subject(analysis, group)
        # Sentences that name the phrase come first; the notes' others about it when its group has none.
        key = set(group.phrase.key)
        naming = [u for u in analysis.prose_units if u.kind == PROSE and key <= {t.norm for t in u.tokens}]
        publishable = [u for u in group.members if u.kind == PROSE] or group.members
        publishable = sorted(publishable, key=lambda u: u not in naming)
        if publishable[0] not in naming and naming:
            publishable = [naming[0]] + publishable
        first = _summary_unit(publishable, summaries)
        summary = shorten(first.prose or first.text, 40)
        publishable = [first] + [u for u in publishable if u is not first]
        member_ids = {u.index for u in group.members}
        second = next((p for p in analysis.phrases_in(member_ids, avoid=set(group.phrase.key))
                       if p.score > 0 and p.key in {f.key for f in analysis.facets()}), None)
        if second is not None:
            angle = fill(ANGLE_TEMPLATES[index % len(ANGLE_TEMPLATES)], x=the(phrase), y=the(second.display))
        else:
            angle = fill(ANGLE_ALONE[index % len(ANGLE_ALONE)], x=the(phrase))
        return Theme(
            title=title_for(capitalise(x), self._title_kinds(group.members)),
            summary=summary,
            angle=angle,
            key_points=self._key_points(analysis, publishable, group.phrase.key, summary),
        )

    @staticmethod
    def _with_subject(analysis: Analysis, group: Cluster) -> str:
        """The facet named with the subject before it when that reads as one noun ("newsletter subject lines")."""
        phrase, subject = group.phrase.display, analysis.subject
        if (subject is None or subject.mentions < 3 or subject.key in ADJECTIVE_KEYS  # "remote" is no noun
                or not subject.display.isascii() or not subject.display.islower()
                or " " in subject.display or subject.display.endswith("ing") or subject.key in group.phrase.key
                or not phrase.islower() or not phrase.isascii() or len(group.phrase.key) > 2):
            return phrase
        noun = subject.display
        if noun.endswith("ies"):
            noun = noun[:-3] + "y"
        elif noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
            noun = noun[:-1]
        return f"{noun} {phrase}"

    @staticmethod
    def _title_kinds(members: list[Unit]) -> list[str]:
        """Title templates in the order this group's sentences suggest (questions, numbers, risks, advice)."""
        texts = [u.prose or u.text for u in members]
        questions = sum(u.is_question for u in members)
        facts = sum(has_fact(t) for t in texts)
        risks = sum(has_contrast(t) for t in texts)
        order = []
        if questions >= 2 or (questions and len(members) <= 2):
            order.append("{X}: open questions")
        if facts >= 2:
            order.append("{X} by the numbers")
        if risks:
            order.append("{X}: what can go wrong")
        order += ["{X}: how to get it right", "{X}: why it matters", "{X}: a practical guide"]
        return order

    @staticmethod
    def _key_points(analysis: Analysis, members: list[Unit], title_words: tuple[str, ...], summary: str) -> list[str]:
        points = [p for p in _prose_points(members[1:5] if len(members) >= 3 else members[:4], 4) if p != summary]
        if len(points) < 3:  # few sentences of its own: the notes' other sentences about it
            pool = [u for u in analysis.prose_units if u.kind == PROSE]
            near = analysis.related(set(title_words), limit=6, exclude={u.index for u in members}, pool=pool)
            points += [p for p in _prose_points(near, 3 - len(points)) if p != summary and p not in points]
        if len(points) < 3:  # few sentences: name the other phrases they hold
            ids = {u.index for u in members}
            facets = {f.key for f in analysis.facets()}
            for phrase in analysis.phrases_in(ids, avoid=set(title_words)):
                if len(points) >= 3:
                    break
                if phrase.key in facets and phrase.display.casefold() not in {p.casefold() for p in points}:
                    points.append(phrase.display)
        return points or [summary]

    # --- research ----------------------------------------------------------------

    def _research(self, brain_dump: str, theme: Theme, options: GenerationOptions) -> Research:
        analysis = analyse(brain_dump)
        query = set(terms_of(tokenize(" ".join([theme.title, theme.summary, theme.angle, *theme.key_points]))))
        related = analysis.related(query, limit=24)
        checks = [u for u in analysis.content_units if u.kind == CHECK]
        buckets: dict[str, list[ResearchItem]] = {kind: [] for kind in RESEARCH_LIMITS}

        def add(kind: str, text: str, source: str | None = None, **flags: bool) -> None:
            bucket = buckets[kind]
            if text and len(bucket) < RESEARCH_LIMITS[kind] and text.casefold() not in {i.text.casefold() for i in bucket}:
                bucket.append(ResearchItem(kind=kind, text=text, source=source, **flags))

        # Facts the notes themselves say to check come first: the writer must see them, whatever the theme.
        for unit in sorted(checks, key=lambda u: (u not in related, u.index)):
            links = urls_in(unit.text)
            add("fact", shorten(unit.prose, 40, 300), links[0] if links else None, verify=True)
        for unit in related:
            if unit.kind != PROSE:
                continue
            text = shorten(unit.prose, 40, 300)
            links = urls_in(unit.text)
            if unit.is_question:
                add("question", text)
            elif has_fact(unit.prose):
                add("fact", text, links[0] if links else None, verify=not (links or _OWN.search(unit.prose)))
            elif has_contrast(unit.prose):
                add("counterpoint", text)
            elif len(unit.terms) >= 2:
                add("insight", text)
        if not buckets["insight"]:
            for point in theme.key_points:
                if analysis.find(point) is None or analysis.find(point).kind == PROSE:
                    add("insight", point)

        focus = the(compose.theme_phrase(analysis, theme))
        for fact in [f for f in buckets["fact"] if f.verify][:3]:
            add("question", f"What is the original source for “{shorten(fact.text, 12)}”, and is it current?")
        add("question", f"What evidence would convince a sceptical reader about {focus}?")
        if not buckets["counterpoint"]:
            does = "do" if compose.plural(focus) else "does"
            add("question", f"Where {does} {focus} not apply, and what is the strongest case against it?")

        near = [url for unit in related for url in urls_in(unit.text)]
        for url in dict.fromkeys(near + urls_in(brain_dump)):
            parts = urlsplit(url)
            add("source", f"{parts.netloc}{parts.path}".rstrip("/"), url)

        items = [item for kind in ("insight", "fact", "counterpoint", "question", "source") for item in buckets[kind]]
        return Research(theme_id=theme.id, theme_title=theme.title, items=items, model_used=OFFLINE_MODEL)

    # --- outlines and draft -----------------------------------------------------------

    def _outlines(self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], options: GenerationOptions) -> OutlineSet:
        analysis = analyse(brain_dump)
        items = research_items or self._research(brain_dump, theme, options).items
        outlines = compose.outlines(analysis, theme, items, options)
        return OutlineSet(outlines=outlines, model_used=OFFLINE_MODEL)

    def _draft_stream(
        self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], outline: Outline, options: GenerationOptions
    ) -> DraftStream:
        analysis = analyse(brain_dump)

        def produce(stream: DraftStream):
            yield from compose.draft_chunks(analysis, theme, research_items, outline, options)

        return DraftStream(produce, model_used=OFFLINE_MODEL)

    # --- outputs and images -----------------------------------------------------------

    def _output(self, draft_markdown: str, fmt: str, options: GenerationOptions):
        content = repurpose.output(fmt, draft_markdown, analyse, options)
        return OUTPUT_MODELS[fmt](**content.model_dump(), model_used=OFFLINE_MODEL)

    def _image(self, prompt: str, negative_prompt: str, model: str, aspect_ratio: str, seed: int | None = None) -> ImageResult:
        """A typographic poster of the prompt. No seed: a fresh one, so each call is a new variation."""
        png, width, height, seed = render_offline_image(prompt, negative_prompt, model, aspect_ratio, seed)
        return ImageResult(
            png_bytes=png,
            width=width,
            height=height,
            aspect_ratio=aspect_ratio,
            prompt=prompt,
            negative_prompt=negative_prompt,
            model_used=OFFLINE_MODEL,
            metadata={"renderer": "pillow-poster", "seed": seed, "requested_model": model},
        )
