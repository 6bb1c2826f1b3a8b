"""The offline generator on realistic brain dumps, as a demo shows it (fixtures in tests/fixtures/brain_dumps).

What a content marketer would check: no internal note or fact-to-check in anything meant for publishing,
outputs that end on whole sentences and say nothing twice, every script of the notes kept, themes named
after what the notes are about, a draft of the length asked for or an honest "too thin", and images that
show the prompt and change on Regenerate.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from lib.generate import GenerationOptions
from lib.generate.compose import CALLS_TO_ACTION, NEWSLETTER_CTAS, TITLE_TEMPLATES, theme_phrase
from lib.generate.imaging import ASPECT_RATIOS
from lib.generate.poster import contrast_ratio, poster_palette
from lib.generate.offline import OFFLINE_NOTES, OfflineGenerator, analyse, thin_notes
from lib.generate.platform_limits import fit_text
from lib.generate.analysis import Analysis, candidate_runs
from lib.generate.text import (
    ADJECTIVES,
    CHECK,
    INTERNAL,
    PROSE,
    STOPWORDS,
    VERBS,
    scripts_of,
    split_sentences,
    tokenize,
)
from tests.helpers import BRAIN_DUMP, every_output

FIXTURES = Path(__file__).parent / "fixtures" / "brain_dumps"
DUMPS = ["newsletter_launch", "product_launch", "mixed_languages", "one_word", "remote_team"]
MARKERS = re.compile(
    r"\bverify\b|\btodo\b|\btbd\b|reply to this email|<\s*/?\s*script|alert\(|[\w.+-]+@[\w-]+\.\w+|\bremove before\b"
    r"|\bdecide by\b|\bneed source\b",
    re.I,
)
COLLEAGUES = ("Priya", "Marco", "Luis")  # named in the notes' tasks; Dana is a customer quoted, fine to publish
STOP = re.compile(r"[.!?。！？؟…][\"'”’)\]]*$")
GLUE = {w.casefold() for w in re.findall(r"\w+", " ".join(TITLE_TEMPLATES))}


def notes(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def words_of(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"\w+", text)}


@pytest.fixture(scope="module")
def gen() -> OfflineGenerator:
    return OfflineGenerator()


def pipeline(gen: OfflineGenerator, text: str, theme_index: int = 0, outline_index: int = 0, draft_words: int = 800):
    options = GenerationOptions(draft_words=draft_words)
    themes = gen.themes(text, options)
    theme = themes.themes[theme_index]
    research = gen.research(text, theme, options)
    outlines = gen.outlines(text, theme, research.items, options)
    outline = outlines.outlines[min(outline_index, len(outlines.outlines) - 1)]
    draft = gen.draft(text, theme, research.items, outline, options)
    return {"themes": themes, "research": research, "outline": outline, "draft": draft,
            "outputs": every_output(gen, draft.markdown)}


@pytest.fixture(scope="module", params=[(d, t, o) for d in DUMPS for t, o in ((0, 0), (-1, 1))],
                ids=lambda p: f"{p[0]}-theme{p[1]}-outline{p[2]}")
def run(request, gen):
    name, theme_index, outline_index = request.param
    text = notes(name)
    return name, text, pipeline(gen, text, theme_index, outline_index)


def publishable(result) -> dict[str, str]:
    """Every text meant for publishing, by where it is."""
    out = result["outputs"]
    texts = {"draft": result["draft"].markdown, "linkedin_post": out["linkedin_post"].text,
             "newsletter": f"{out['newsletter'].subject}\n{out['newsletter'].preview}\n{out['newsletter'].body_markdown}",
             "instagram_caption": out["instagram_caption"].content, "blog_seo": out["blog_seo"].content}
    texts.update({f"x_post_{i}": post for i, post in enumerate(out["x_thread"].posts, 1)})
    return texts


def final_sentences(result) -> dict[str, str]:
    """The text each output ends on (hashtags and thread numbering aside)."""
    out = result["outputs"]
    linkedin = re.sub(r"\n\n(?:#\w+ ?)+$", "", out["linkedin_post"].text)
    return {
        "draft": result["draft"].markdown.strip(),
        "linkedin_post": linkedin,
        "x_thread": re.sub(r" \d+/\d+$", "", out["x_thread"].posts[-1]),
        "newsletter": out["newsletter"].body_markdown,
        "instagram_caption": out["instagram_caption"].caption,
        "blog_seo meta": out["blog_seo"].meta_description,
    }


# --- nothing internal is published --------------------------------------------


def test_nothing_internal_reaches_publishable_text(run):
    name, _, result = run
    for where, text in publishable(result).items():
        assert not MARKERS.search(text), (name, where, MARKERS.search(text).group(0), text)
        for colleague in COLLEAGUES:
            assert colleague not in text, (name, where, colleague)


def test_facts_to_check_are_listed_in_research_and_kept_out_of_posts(gen):
    text = notes("newsletter_launch")
    result = pipeline(gen, text)
    to_check = [i for i in result["research"].items if i.kind == "fact" and i.verify]
    assert any("35-40%" in i.text for i in to_check) and any("2021" in i.text for i in to_check)
    assert all("verify" not in i.text.casefold() for i in to_check)  # the marker is gone, the fact is listed
    assert any(i.kind == "question" and "original source" in i.text for i in result["research"].items)
    for where, published in publishable(result).items():
        assert "35-40%" not in published and "2021" not in published, where


def test_notes_are_sorted_into_prose_facts_to_check_and_internal_notes():
    units = {u.text: u for u in Analysis(notes("newsletter_launch")).units}

    def kind(start: str):
        return next(u for t, u in units.items() if t.startswith(start))

    assert kind("TODO: ask Marco").kind == INTERNAL
    assert kind("email priya@").kind == INTERNAL
    assert kind("<script>").kind == INTERNAL
    assert kind("Reply to this email").kind == INTERNAL
    assert kind("Priya thinks").kind == INTERNAL
    assert kind("Open rates for B2B").kind == CHECK and kind("Open rates for B2B").prose.endswith("35-40%.")
    assert kind("verify: Apple Mail").kind == CHECK
    spoken = kind("I think every two weeks")
    assert spoken.kind == PROSE and spoken.prose == "I think every two weeks is more sustainable for a team of three."
    assert kind("Each issue = 1 tactic").prose.startswith("Each issue is 1 tactic (e.g. a dispatch checklist), 1 real story")


# --- whole sentences, none twice, every script ------------------------------------------


def test_every_output_ends_on_a_complete_sentence(run):
    name, _, result = run
    for where, text in final_sentences(result).items():
        assert STOP.search(text.rstrip()), (name, where, text[-80:])
        assert text.count("(") == text.count(")"), (name, where)  # never cut inside a parenthesis
    for post in result["outputs"]["x_thread"].posts[1:]:
        assert STOP.search(re.sub(r" \d+/\d+$", "", post)), post


def test_no_sentence_is_repeated_within_an_output(run):
    name, _, result = run
    out = result["outputs"]
    bodies = {"draft": result["draft"].markdown, "linkedin_post": out["linkedin_post"].text,
              "x_thread": "\n".join(re.sub(r" \d+/\d+$", "", p) for p in out["x_thread"].posts),
              "newsletter": out["newsletter"].body_markdown, "instagram_caption": out["instagram_caption"].caption}
    for where, text in bodies.items():
        sentences = [" ".join(s.lstrip("#→•-* ").split()).casefold()
                     for line in text.splitlines() for s in split_sentences(line)]
        sentences = [s for s in sentences if len(s.split()) > 2]  # headings and tags aside
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, (name, where, repeated)


def test_every_script_the_user_wrote_is_represented(gen):
    text = notes("mixed_languages")
    wanted = {"LATIN", "ARABIC", "HEBREW", "HAN", "KANA"}
    assert scripts_of(text) >= wanted
    for theme_index in range(len(gen.themes(text).themes)):
        result = pipeline(gen, text, theme_index)
        out = result["outputs"]
        for where, content in {"draft": result["draft"].markdown, "linkedin_post": out["linkedin_post"].text,
                               "x_thread": out["x_thread"].content, "newsletter": out["newsletter"].body_markdown,
                               "instagram_caption": out["instagram_caption"].caption,
                               "blog_seo keywords": " ".join(out["blog_seo"].keywords)}.items():
            assert wanted <= scripts_of(content), (theme_index, where, wanted - scripts_of(content))


# --- themes ---------------------------------------------------------------------------


@pytest.mark.parametrize("name,subject", [("newsletter_launch", "newsletter"), ("product_launch", "shiftboard 2.0"),
                                          ("mixed_languages", "travel booking app"), ("one_word", "newsletter"),
                                          ("remote_team", "remote work")])
def test_themes_are_distinct_and_named_from_the_notes_subject(gen, name, subject):
    text = notes(name)
    themes = gen.themes(text).themes
    titles = [t.title for t in themes]
    assert 3 <= len(themes) <= 7 and len({t.casefold() for t in titles}) == len(titles)
    assert subject in titles[0].casefold()  # the first theme is the subject itself
    source = words_of(text)
    for title in titles:
        content = words_of(title) - GLUE
        assert content and content <= source, title  # the notes' own words around a template
        assert not content <= STOPWORDS | VERBS, title  # never a theme of "the", "verify" or "ask"
        assert not re.search(r"alert|script|priya|marco|verify|todo", title, re.I), title


def test_newsletter_themes_carry_the_topic_not_fragments(gen):
    titles = [t.title.casefold() for t in gen.themes(notes("newsletter_launch")).themes]
    assert sum("newsletter" in t for t in titles) >= len(titles) // 2
    assert any("subject lines" in t for t in titles) and any("open rates" in t for t in titles)


def every_notes() -> dict[str, str]:
    """The app's demo notes (tests/helpers.py) and every fixture, by name."""
    return {"BRAIN_DUMP": BRAIN_DUMP, **{name: notes(name) for name in DUMPS}}


HIRING = """- we need two senior engineers by March, one backend and one mobile
- referrals brought our best people last year, so pay a referral bonus
- take-home tests lose good candidates; a paid trial day works better
- every interview loop ends with a written scorecard the same day
"""


def test_the_demo_notes_heading_names_an_overview_theme(gen):
    titles = [t.title for t in gen.themes(BRAIN_DUMP).themes]
    # "Remote work notes": "work" is a common word and "remote" an adjective, but together they name the subject.
    assert titles[0] == "Remote work: the big picture", titles
    assert 3 <= len(titles) <= 7 and not any("notes" in t.casefold() for t in titles)


@pytest.mark.parametrize("heading,body,subject", [
    ("Remote Work Notes", BRAIN_DUMP.split("\n", 1)[1], "Remote work"),  # Title Case, a meta word after it
    ("Ideas: remote work", BRAIN_DUMP.split("\n", 1)[1], "Remote work"),
    ("Hiring plan", HIRING, "Hiring plan"),  # the notes never say "plan": the heading alone names them
    ("Hiring Plan Notes", HIRING, "Hiring plan"),
])
def test_a_headings_noun_phrase_names_the_subject(gen, heading, body, subject):
    titles = [t.title for t in gen.themes(f"{heading}\n{body}").themes]
    assert titles[0] == f"{subject}: the big picture", titles
    assert len({t.casefold() for t in titles}) == len(titles)


def test_a_heading_of_common_words_names_no_overview(gen):
    titles = [t.title for t in gen.themes("Next week\n" + BRAIN_DUMP.split("\n", 1)[1]).themes]
    assert not any(t.casefold().startswith("next week") for t in titles), titles


# A word a number or a determiner follows is a verb with its object ("standups waste 30 minutes", "cost each
# engineer"), unless the determiner opens a time ("four hours a week", "one email every two weeks").
_OBJECT = re.compile(r"\s+(?:\d|(?:a|an|the|each|every|this|these|those|our|your|their|my|some|any)\s+"
                     r"(?!(?:\w+\s+)?(?:day|week|month|year|hour|minute|quarter|time)s?\b))", re.I)


@pytest.mark.parametrize("sentence,named,not_named", [
    ("standups waste 30 minutes a day, maybe more", ["standups"], ["standups waste"]),
    ("Standups cost each engineer 37 minutes a day across the whole team.", ["Standups", "engineer"], ["Standups cost"]),
    ("The platform team ships a release every Friday.", ["platform team", "release"], ["platform team ships"]),
    ("Support answers the tickets.", ["Support"], ["Support answers"]),
    ("Most teams lose four hours a week to status meetings.", ["status meetings", "hours"], []),
    ("One practical email every two weeks for owners.", ["practical email"], []),  # a time: "email" stays a noun
    ("We run out of ideas by issue 6.", ["issue"], []),  # an identifier, not an object
    ("Email 1 says what to expect, email 2 is our best tactic.", ["Email", "email"], []),
    ("Async writing beats meetings for most decisions.", ["Async writing", "meetings"], []),
])
def test_a_verb_before_its_object_ends_the_noun_phrase(sentence, named, not_named):
    phrases = [sentence[run[0].start : run[-1].end] for run in candidate_runs(sentence, tokenize(sentence))]
    assert set(named) <= set(phrases) and not set(not_named) & set(phrases), phrases


@pytest.mark.parametrize("name", ["BRAIN_DUMP", *DUMPS])
def test_no_theme_is_named_by_a_verb_before_its_object(gen, name):
    text = every_notes()[name]
    analysis = analyse(text)
    for theme in gen.themes(text).themes:
        phrase = theme_phrase(analysis, theme)
        uses = [(text[m.start() : m.end() + 20], bool(_OBJECT.match(text, m.end())))
                for m in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.I)]
        if " " in phrase:  # "standups waste 30 minutes": never a noun phrase
            assert not any(verb for _, verb in uses), (theme.title, uses)
        else:  # one word may be a verb once ("to review every ad") and a noun elsewhere ("a review site")
            assert not uses or not all(verb for _, verb in uses), (theme.title, uses)


# Nouns that take no article: "the remote work" reads wrong, "remote work" right.
_MASS = {"work", "data", "feedback", "content", "research", "software", "pricing", "advice", "news", "information",
         "growth", "marketing", "support", "traffic", "training", "money", "help", "time"}


def _template_topic(templates, text: str) -> str | None:
    for template in templates:
        pattern = re.escape(template).replace(re.escape("{x}"), "(.+?)")
        match = re.fullmatch(pattern, text.strip())
        if match:
            return match.group(1)
    return None


def _article_errors(topic: str, text: str) -> list[str]:
    """What is wrong with a topic as a noun phrase of the notes with its article ("the written", "the remote work")."""
    words = topic.split()
    errors = []
    if words[0] == "the":
        words = words[1:]
        last = words[-1].casefold()
        if last.endswith("ing") or last in _MASS or (last.endswith("s") and not last.endswith(("ss", "us", "is"))):
            errors.append("'the' before a plural, a mass noun or a gerund")
    if words[-1].casefold() in VERBS | ADJECTIVES:
        errors.append("ends on a verb or an adjective, not a noun")
    if not {w.casefold() for w in words if w.isalpha()} <= words_of(text):
        errors.append("words not in the notes")
    return errors


def closing_topics(gen, text: str) -> list[tuple[str, str, str | None]]:
    """(where, the theme's phrase, the topic named) for every call to action and generated question of every theme:
    research, outlines, the draft's closing and the LinkedIn post, X thread and newsletter made from it."""
    analysis = analyse(text)
    found = []
    for theme in gen.themes(text).themes:
        phrase = theme_phrase(analysis, theme)
        research = gen.research(text, theme)
        for item in research.items:
            match = re.match(r"What evidence would convince a sceptical reader about (.+)\?$|Where (does|do) (.+) not apply",
                             item.text)
            if match:
                found.append((f"{theme.title}: research", phrase, match.group(1) or match.group(3)))
                if match.group(3):  # "Where do transparent prices not apply", "Where does the beta not apply"
                    plural = match.group(3).endswith("s") and not match.group(3).endswith(("ss", "us", "is"))
                    assert match.group(2) == ("do" if plural else "does"), item.text
        outlines = gen.outlines(text, theme, research.items).outlines
        found += [(f"{theme.title}: {o.structure}", phrase, _template_topic(CALLS_TO_ACTION.values(), o.call_to_action))
                  for o in outlines]
        draft = gen.draft(text, theme, research.items, outlines[0])
        out = every_output(gen, draft.markdown, ["linkedin_post", "newsletter", "x_thread"])
        closing = {
            "draft": (CALLS_TO_ACTION, draft.markdown.strip().splitlines()[-1]),
            "linkedin_post": (CALLS_TO_ACTION, re.sub(r"\n\n(?:#\w+ ?)+$", "", out["linkedin_post"].text).splitlines()[-1]),
            "x_thread": (CALLS_TO_ACTION, re.sub(r" \d+/\d+$", "", out["x_thread"].posts[-1])),
            "newsletter": (NEWSLETTER_CTAS, out["newsletter"].body_markdown.splitlines()[-1]),
        }
        found += [(f"{theme.title}: {where}", phrase, _template_topic(templates.values(), line))
                  for where, (templates, line) in closing.items()]
    return found


@pytest.mark.parametrize("name", ["BRAIN_DUMP", *DUMPS])
def test_closing_questions_name_the_theme_as_a_noun_phrase_with_a_sensible_article(gen, name):
    text = every_notes()[name]
    topics = closing_topics(gen, text)
    assert len(topics) >= 3 * 7  # three themes or more, each with a question, two outlines and four closings
    for where, phrase, topic in topics:
        assert topic, (where, "no call to action of a known shape")
        # The post's own topic ("What has worked for you with the written?" named a fragment of the notes instead).
        assert re.sub(r"^the ", "", topic).casefold() == phrase.casefold(), (where, phrase, topic)
        assert not _article_errors(topic, text), (where, topic, _article_errors(topic, text))


def test_the_demo_notes_close_on_remote_work(gen):
    linkedin = pipeline(gen, BRAIN_DUMP)["outputs"]["linkedin_post"].text
    assert "What has worked for you with remote work? Share your experience in the comments." in linkedin
    assert "#RemoteWork" in linkedin


def test_the_article_check_catches_what_a_reader_would():
    text = BRAIN_DUMP
    assert _article_errors("the written", text)  # a participle
    assert _article_errors("the remote", text)  # an adjective
    assert _article_errors("the remote work", text)  # a mass noun
    assert _article_errors("the decisions", text)  # a plural
    assert _article_errors("the async hiring culture", text)  # not the notes' words
    assert not _article_errors("remote work", text)
    assert not _article_errors("the timezone overlap", text)
    assert not _article_errors("the docs-first culture", text)


# --- the draft ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DUMPS)
@pytest.mark.parametrize("draft_words", [300, 800])
def test_draft_reaches_the_length_or_says_how_much_the_notes_give(gen, name, draft_words):
    text = notes(name)
    draft = pipeline(gen, text, draft_words=draft_words)["draft"]
    supported = thin_notes(text, draft_words)
    if supported is None:
        assert 0.8 * draft_words <= draft.word_count <= 1.25 * draft_words, draft.word_count
    else:
        assert supported < 0.8 * draft_words
        assert abs(draft.word_count - supported) <= max(30, 0.25 * supported), (supported, draft.word_count)


def test_large_notes_fill_a_long_draft(gen):
    from tests.test_generate_offline import large_input

    text = large_input()
    assert thin_notes(text, 1500) is None
    draft = pipeline(gen, text, draft_words=1500)["draft"]
    assert 1200 <= draft.word_count <= 1500 * 1.15


def test_thin_notes_says_what_the_notes_support():
    assert thin_notes(notes("one_word"), 800) <= 40
    newsletter = thin_notes(notes("newsletter_launch"), 800)
    assert newsletter is not None and 250 <= newsletter <= 500 and newsletter % 10 == 0
    assert thin_notes(notes("newsletter_launch"), 300) is None
    assert thin_notes("", 800) is None


def test_draft_has_an_introduction_a_section_per_outline_point_and_a_conclusion(gen):
    result = pipeline(gen, notes("newsletter_launch"))
    markdown, outline = result["draft"].markdown, result["outline"]
    title, rest = markdown.split("\n\n", 1)
    assert title == f"# {outline.title}"
    intro = rest.split("\n## ", 1)[0].strip()
    assert len(intro.split()) >= 15  # an introduction before the first section
    headings = re.findall(r"^## (.+)$", markdown, re.M)
    assert headings[:-1] == [s.heading for s in outline.sections]
    conclusion = markdown.split(f"## {headings[-1]}", 1)[1]
    assert outline.call_to_action.split("?")[0] in conclusion
    sentences = [s for line in markdown.splitlines() if not line.startswith("#") for s in split_sentences(line)]
    used = {u.prose for u in analyse(notes("newsletter_launch")).prose_units if u.prose in sentences}
    assert len(used) >= 20  # built from the notes, each used once


# --- outputs -------------------------------------------------------------------------------


def test_hashtags_come_from_topic_words_of_the_draft(gen):
    for name in DUMPS[:3]:
        result = pipeline(gen, notes(name))
        draft = result["draft"].markdown.casefold()
        tags = result["outputs"]["instagram_caption"].hashtags + re.findall(r"#\w+", result["outputs"]["linkedin_post"].text)
        assert tags
        for tag in tags:
            parts = [p.casefold() for p in re.findall(r"[A-Z][a-z]*|[a-z]+|[^\W\d_A-Za-z]+|\d+", tag[1:])]
            assert parts and all(p in draft for p in parts), (name, tag)
            assert tag.casefold() not in {"#noreply", "#issue1", "#verify", "#todo"}
            assert not (len(parts) == 1 and (parts[0] in STOPWORDS or parts[0] in VERBS)), tag


def test_linkedin_and_instagram_end_with_a_call_to_action_not_a_note(gen):
    result = pipeline(gen, notes("newsletter_launch"))
    for text in final_sentences(result)["linkedin_post"], result["outputs"]["instagram_caption"].caption:
        last = text.strip().splitlines()[-1]
        assert "comments" in last or "?" in last
        assert "email" not in last.casefold()


def test_fit_text_trims_at_sentence_boundaries_never_inside_a_parenthesis():
    assert fit_text("Each issue has one tactic. Then a story from a customer follows it.", 40) == "Each issue has one tactic."
    cut = fit_text("Each issue has 1 tactic (e.g. a dispatch checklist, or a script for calls) and a story.", 50)
    assert cut.count("(") == cut.count(")") and len(cut) <= 50


# --- notices ---------------------------------------------------------------------------


def test_every_offline_step_has_a_one_line_notice():
    assert set(OFFLINE_NOTES) == {"themes", "research", "outlines", "draft", "outputs", "image"}
    for step, note in OFFLINE_NOTES.items():
        assert note.startswith("Offline:") and note.endswith(".") and "\n" not in note, step
        assert "model" in note, step  # what a model would add
        assert len(split_sentences(note)) == 1, step


# --- images ----------------------------------------------------------------------------------


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def test_regenerate_gives_a_new_variation_and_the_seed_reproduces_it(gen):
    prompt = "Field Notes newsletter launch, plain and practical"
    first = gen.image(prompt, "", None, "16:9")
    again = gen.image(prompt, "", None, "16:9")
    assert isinstance(first.metadata["seed"], int) and first.metadata["seed"] != again.metadata["seed"]
    assert first.png_bytes != again.png_bytes
    difference = ImageStat.Stat(ImageChops.difference(decode(first.png_bytes), decode(again.png_bytes))).mean
    assert sum(difference) / 3 > 4  # visibly different, not a pixel or two
    same = gen.image(prompt, "", None, "16:9", seed=first.metadata["seed"])
    assert same.png_bytes == first.png_bytes


@pytest.mark.parametrize("aspect", ASPECT_RATIOS)
def test_posters_of_any_script_have_the_exact_size(gen, aspect):
    prompt = "حملة السفر في الخليج — שקיפות במחירים, 日本のレビューを重視 — Book the trip"
    result = gen.image(prompt, "", None, aspect, seed=3)
    image = decode(result.png_bytes)
    rw, rh = (int(x) for x in aspect.split(":"))
    assert image.size == (result.width, result.height) and result.width * rh == result.height * rw


def test_poster_colours_follow_the_prompts_words():
    import colorsys
    import random

    def hue(rgb):
        return colorsys.rgb_to_hsv(*(c / 255 for c in rgb))[0]

    night = poster_palette("deep blue ocean at night", random.Random(1))
    assert night["dark"] and abs(hue(night["bg"]) - 0.6) < 0.06
    red = poster_palette("a red kite in the morning light", random.Random(1))
    assert not red["dark"] and min(hue(red["accent2"]), 1 - hue(red["accent2"])) < 0.06
    plain = [poster_palette("quarterly report for the board", random.Random(seed))["bg"] for seed in (1, 2)]
    assert abs(hue(plain[0]) - hue(plain[1])) < 0.08  # the words pick the hue; the seed only shades it


def test_poster_text_is_readable_over_its_background(gen):
    for seed in range(6):
        result = gen.image("Subject lines that get opened", "", None, "1:1", seed=seed)
        image = decode(result.png_bytes)
        colours = sorted(image.getcolors(1 << 20), reverse=True)
        background = colours[0][1]
        ink = max((c for _, c in colours[:200]), key=lambda c: contrast_ratio(c, background))
        assert contrast_ratio(ink, background) >= 4.5, seed


def test_text_colour_reaches_readable_contrast_on_any_background():
    from lib.generate.poster import _pixels, _readable

    for background in [(128, 128, 128), (119, 119, 119), (200, 60, 60), (40, 90, 200)]:
        image = Image.new("RGB", (200, 120), background)
        ImageDraw.Draw(image).ellipse((40, 20, 160, 110), fill=(250, 250, 250))  # a light shape behind the text
        box = (20, 10, 180, 110)
        ink = _readable(image, box, {})
        assert min(contrast_ratio(ink, p) for p in _pixels(image.crop(box))) >= 4.5, background


def test_outputs_of_a_hand_edited_draft_leave_out_its_notes_and_facts_to_check(gen):
    markdown = (
        "# Launch notes\n\nWe are launching a newsletter for plumbers. Open rates average 40% *(verify)*.\n\n"
        "TODO: check the list with marco@example.com.\n\n## Why email\n\nEmail is the one channel we own. "
        "Reply to this email with your headache. <script>alert('x')</script>\n\n## Next steps\n\nWhat would you put in issue one?\n"
    )
    for fmt, output in every_output(gen, markdown).items():
        assert not MARKERS.search(output.content), (fmt, output.content)
        assert "40%" not in output.content and "Marco" not in output.content, fmt
        assert "newsletter for plumbers" in output.content or fmt == "blog_seo", fmt
