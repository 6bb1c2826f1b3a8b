"""The offline generator over real, varied inputs: ranges, traceability, determinism, limits, speed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from lib.errors import InputError
from lib.generate import (
    OUTPUT_FORMATS,
    GenerationOptions,
    OutlineSet,
    RESEARCH_KINDS,
    OutputAdapter,
    Research,
    ThemeSet,
)
from lib.generate.platform_limits import LIMITS, x_length
from lib.generate.offline import TITLE_TEMPLATES, OfflineGenerator, analyse
from tests.helpers import every_output

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "generate"
SMALL = ["paragraph", "messy_brain_dump", "one_sentence", "multilingual"]


def text_of(name: str) -> str:
    if name == "large_100k":
        return large_input()
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def large_input(size: int = 100_000) -> str:
    """100,000 characters of meeting notes: every fixture line, each time from another meeting."""
    lines = [line for name in SMALL for line in text_of(name).splitlines() if line.strip()]
    out, i = [], 0
    while sum(len(x) + 1 for x in out) < size:
        out.append(f"Meeting {i // len(lines) + 1}, item {i % len(lines) + 1}: {lines[i % len(lines)]}")
        i += 1
    return "\n".join(out)[:size]


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"\w+", text)}


GLUE = words(" ".join(TITLE_TEMPLATES))
# Words the offline generator may write when it spells out note shorthand ("=" is, ">" beat, "+" and, "tho" though).
SPELLED = {"is", "beat", "and", "with", "because", "though", "through", "people", "about"}


def traceable(point: str, source: str) -> bool:
    """Every word of `point` is in the notes (or is shorthand spelled out); runs without spaces (CJK) too."""
    source = flat(source)
    return all(word in source or word in SPELLED for word in words(point.rstrip("…")))


@pytest.fixture(scope="module")
def gen() -> OfflineGenerator:
    return OfflineGenerator()


@pytest.fixture(scope="module", params=SMALL + ["large_100k"])
def case(request, gen):
    text = text_of(request.param)
    themes = gen.themes(text)
    return request.param, text, themes


def test_large_input_is_really_100k():
    assert len(large_input()) == 100_000


# --- themes -----------------------------------------------------------------


def test_theme_count_is_3_to_7_with_distinct_titles(case):
    _, _, themes = case
    assert 3 <= len(themes.themes) <= 7
    titles = [t.title.casefold() for t in themes.themes]
    assert len(set(titles)) == len(titles)
    assert len({t.id for t in themes.themes}) == len(themes.themes)
    assert themes.model_used == "offline"
    assert themes.usage.total_tokens == 0


def test_every_key_point_and_summary_is_traceable_to_the_input(case):
    _, text, themes = case
    for theme in themes.themes:
        assert theme.key_points, theme
        for point in [theme.summary, *theme.key_points]:
            # The notes' own sentences, in their publishable form (shorthand spelled out, asides dropped).
            assert traceable(point, text), point


def test_titles_and_angles_name_phrases_from_the_input(case):
    _, text, themes = case
    source = flat(text)
    for theme in themes.themes:
        content = words(theme.title) - GLUE
        assert content and all(word in source for word in content), theme.title
        assert any(word in source for word in words(theme.angle) - GLUE), theme.angle


def test_messy_dump_themes_name_its_real_topics(gen):
    themes = gen.themes(text_of("messy_brain_dump"))
    titles = " ".join(t.title.casefold() for t in themes.themes)
    assert "onboarding" in titles and ("hire" in titles or "buddy" in titles)


def test_one_sentence_still_gives_three_themes_from_its_phrases(gen):
    text = text_of("one_sentence")
    themes = gen.themes(text)
    assert len(themes.themes) >= 3
    assert len({frozenset(words(t.title) - GLUE) for t in themes.themes}) >= 3


def test_empty_or_wordless_input_is_refused_with_a_fix(gen):
    with pytest.raises(InputError, match="empty"):
        gen.themes("   \n ")
    with pytest.raises(InputError, match="no words"):
        gen.themes("🚀🔥 ✨ https://example.com")


def test_same_input_gives_identical_output(gen):
    text = text_of("messy_brain_dump")
    first = gen.themes(text).model_dump(mode="json")
    analyse.cache_clear()
    assert OfflineGenerator().themes(text).model_dump(mode="json") == first


def test_output_does_not_depend_on_hash_seed():
    script = (
        "import json,sys;from lib.generate.offline import OfflineGenerator as G;g=G();"
        "t=open(sys.argv[1],encoding='utf-8').read();s=g.themes(t);r=g.research(t,s.themes[0]);"
        "o=g.outlines(t,s.themes[0],r.items);d=g.draft(t,s.themes[0],r.items,o.outlines[0]);"
        "print(json.dumps([s.model_dump(mode='json'),r.model_dump(mode='json'),o.model_dump(mode='json'),d.markdown]))"
    )
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(FIXTURES / "messy_brain_dump.txt")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
        )
        runs.append(done.stdout)
    assert runs[0] == runs[1]


# --- research, outlines, draft -------------------------------------------------


def test_research_has_every_kind_flags_unsourced_facts_and_stays_traceable(gen):
    text = text_of("messy_brain_dump")
    theme = gen.themes(text).themes[0]
    research = gen.research(text, theme)
    kinds = {item.kind for item in research.items}
    assert kinds == {"insight", "fact", "counterpoint", "question", "source"}
    assert len({i.id for i in research.items}) == len(research.items)
    assert research.theme_id == theme.id
    of = {kind: [i for i in research.items if i.kind == kind] for kind in RESEARCH_KINDS}  # as the Research page groups them
    for fact in of["fact"]:  # a number about the writer's own work ("Our own data: …") is theirs to state
        assert fact.verify == (not fact.source and not re.search(r"\b(?:our|we|my|I)\b", fact.text, re.I))
    assert any(f.verify for f in of["fact"])
    assert [s.source for s in of["source"]] == [
        "https://www.gallup.com/workplace/353096/practical-tips-leaders-better-onboarding-process.aspx"
    ]
    for item in of["insight"] + of["fact"] + of["counterpoint"]:
        assert traceable(item.text, text), item.text
        assert "need source" not in item.text and "TODO" not in item.text  # the writer's asides are not research
    # The notes' own questions come first; generated ones ask to verify.
    questions = [q.text for q in of["question"]]
    assert any(traceable(q, text) for q in questions)
    assert any(q.startswith("What is the original source") for q in questions)
    # Stable ids: the same research again has the same ids.
    assert [i.id for i in gen.research(text, theme).items] == [i.id for i in research.items]


def test_outlines_are_two_or_three_distinct_structures(case, gen):
    _, text, themes = case
    theme = themes.themes[0]
    research = gen.research(text, theme)
    outlines = gen.outlines(text, theme, research.items).outlines
    assert 2 <= len(outlines) <= 3
    assert len({o.structure for o in outlines}) == len(outlines)
    assert len({o.title for o in outlines}) == len(outlines)
    for outline in outlines:
        assert outline.hook and outline.call_to_action and outline.sections
        headings = [s.heading for s in outline.sections]
        assert len(set(headings)) == len(headings)
        assert all(s.points for s in outline.sections)


def test_outlines_use_only_the_kept_research(gen):
    text = text_of("messy_brain_dump")
    theme = gen.themes(text).themes[0]
    research = gen.research(text, theme)
    kept = [i for i in research.items if i.kind == "insight"][:2] + [i for i in research.items if i.kind == "fact"][:1]
    points = {p for o in gen.outlines(text, theme, kept).outlines for s in o.sections for p in s.points}
    assert points <= {i.text for i in kept}


def test_draft_streams_markdown_built_from_the_outline(gen):
    text = text_of("messy_brain_dump")
    theme = gen.themes(text).themes[0]
    research = gen.research(text, theme)
    outline = gen.outlines(text, theme, research.items).outlines[0]
    stream = gen.draft_stream(text, theme, research.items, outline, GenerationOptions(draft_words=400))
    chunks = list(stream)
    assert len(chunks) >= 3 and stream.done
    draft = stream.result()
    assert draft.markdown.strip() == "".join(chunks).strip()
    assert draft.markdown.startswith(f"# {outline.title}\n")
    for section in outline.sections:
        assert f"## {section.heading}" in draft.markdown
    assert "verify" not in draft.markdown.casefold()  # facts to check stay in Research, out of the draft
    assert 100 <= draft.word_count <= 400 * 1.25
    assert (draft.model_used, draft.usage.total_tokens) == ("offline", 0)


def test_draft_length_follows_the_option(gen):
    text = large_input()
    theme = gen.themes(text).themes[0]
    research = gen.research(text, theme)
    outline = gen.outlines(text, theme, research.items).outlines[0]
    short = gen.draft(text, theme, research.items, outline, GenerationOptions(draft_words=200))
    long = gen.draft(text, theme, research.items, outline, GenerationOptions(draft_words=1500))
    assert short.word_count < long.word_count
    assert long.word_count <= 1500 * 1.15


# --- outputs ------------------------------------------------------------------


def _draft_for(gen, text, words=800):
    theme = gen.themes(text).themes[0]
    research = gen.research(text, theme)
    outline = gen.outlines(text, theme, research.items).outlines[0]
    return gen.draft(text, theme, research.items, outline, GenerationOptions(draft_words=words)).markdown


@pytest.mark.parametrize("name,words", [(n, 800) for n in SMALL] + [("large_100k", 4000)])
def test_outputs_respect_every_platform_limit(gen, name, words):
    outputs = every_output(gen, _draft_for(gen, text_of(name), words))
    assert list(outputs) == list(OUTPUT_FORMATS)

    posts = outputs["x_thread"].posts
    assert len(posts) >= 2
    for i, post in enumerate(posts, 1):
        assert len(post) <= 280 and x_length(post) <= 280, post
        assert post.endswith(f" {i}/{len(posts)}")
    assert len(outputs["linkedin_post"].text) <= 3000
    insta = outputs["instagram_caption"]
    assert len(insta.content) <= LIMITS["instagram_caption"]["max_chars"]
    assert len(insta.hashtags) <= 30 and all(re.fullmatch(r"#\w+", t) for t in insta.hashtags)
    seo = outputs["blog_seo"]
    assert len(seo.title) <= 60 and len(seo.meta_description) <= 160
    assert re.fullmatch(r"[\w]+(?:-[\w]+)*", seo.slug) and seo.slug == seo.slug.casefold()
    letter = outputs["newsletter"]
    assert len(letter.subject) <= 70 and len(letter.preview) <= 140 and letter.body_markdown
    for output in outputs.values():
        assert output.model_used == "offline"


def test_long_draft_is_trimmed_into_linkedin_and_x_limits(gen):
    sentences = " ".join(f"Lesson {i} about remote onboarding is that buddies and written docs beat live calls for new hires." for i in range(80))
    draft = "# Remote onboarding\n\n" + sentences + "\n\n" + "".join(
        f"## Part {i}\n\n{sentences}\n\n" for i in range(12)
    ) + "## Next steps\n\nWrite your onboarding doc today.\n"
    outputs = every_output(gen, draft, ["linkedin_post", "x_thread"])
    assert len(outputs["linkedin_post"].text) <= 3000
    assert all(x_length(p) <= 280 for p in outputs["x_thread"].posts)
    assert len(outputs["x_thread"].posts) <= LIMITS["x_thread"]["max_posts"]


def test_results_round_trip_through_json(gen):
    text = text_of("multilingual")
    themes = gen.themes(text)
    research = gen.research(text, themes.themes[1])
    outlines = gen.outlines(text, themes.themes[1], research.items)
    for model, cls in ((themes, ThemeSet), (research, Research), (outlines, OutlineSet)):
        stored = json.loads(json.dumps(model.model_dump(mode="json")))
        assert cls.model_validate(stored) == model
    draft = _draft_for(gen, text)
    for output in every_output(gen, draft).values():
        stored = json.loads(json.dumps(output.model_dump(mode="json")))
        assert stored["content"] == output.content
        assert OutputAdapter.validate_python(stored) == output


def test_unknown_format_and_bad_options_are_refused(gen):
    with pytest.raises(InputError, match="Unknown output format"):
        gen.output("# Draft\n\nText.", "tiktok_script")
    with pytest.raises(ValidationError):
        GenerationOptions(draft_words=10)
    with pytest.raises(ValidationError):
        GenerationOptions(language="")


def test_whole_pipeline_on_100k_characters_reads_each_text_once(gen):
    text = large_input()
    analyse.cache_clear()
    theme = gen.themes(text).themes[0]
    research = gen.research(text, theme)
    outline = gen.outlines(text, theme, research.items).outlines[0]
    draft = gen.draft(text, theme, research.items, outline)
    # The costly part is reading the 100k characters: four steps, one analysis.
    assert analyse.cache_info().misses == 1
    outputs = every_output(gen, draft.markdown)
    assert analyse.cache_info().misses == 2  # and one of the draft for every output format
    assert list(outputs) == list(OUTPUT_FORMATS)


def test_tone_changes_the_connecting_words_not_the_content(gen):
    text = text_of("messy_brain_dump")
    theme = gen.themes(text).themes[0]
    research = gen.research(text, theme)
    calm = gen.outlines(text, theme, research.items, GenerationOptions(tone="professional")).outlines[0]
    bold = gen.outlines(text, theme, research.items, GenerationOptions(tone="bold")).outlines[0]
    assert calm.call_to_action != bold.call_to_action
    assert calm.sections == bold.sections


# --- format helpers ------------------------------------------------------------


def test_thread_numbering_replaces_model_numbering_and_splits_long_posts():
    from lib.generate.platform_limits import number_posts

    posts = number_posts(["1/ Hook about onboarding", "2. " + "Buddies beat handbooks for new hires. " * 12, "metrics 30/60/90"])
    total = len(posts)
    assert total >= 4 and posts[0] == f"Hook about onboarding 1/{total}"
    assert posts[-1] == f"metrics 30/60/90 {total}/{total}"
    assert all(x_length(p) <= 280 for p in posts)


def test_x_length_counts_links_as_23_and_wide_characters_as_2_never_below_len():
    assert x_length("see https://x.co") == len("see ") + 23
    long_link = "see https://example.com/a/very/long/path/that/goes/on/and/on/for/a/while"
    assert x_length(long_link) == len(long_link)  # conservative: also within 280 by plain length
    assert x_length("内容策略") == 8 and x_length("🚀") == 2 and x_length("abc") == 3


def test_slugs_hashtags_and_cuts():
    from lib.generate.platform_limits import fit_text, hashtag, slugify

    assert slugify("Why Remote Onboarding Fails — and What Works (2024)!") == "why-remote-onboarding-fails-and-what-works-2024"
    assert slugify("Überwiegend positiv: Café") == "uberwiegend-positiv-cafe"
    assert slugify("内容策略") == "内容策略" and slugify("!!!") == "post"
    assert hashtag("remote onboarding") == "#RemoteOnboarding" and hashtag("SEO tips") == "#SEOTips"
    cut = fit_text("First sentence here. Second sentence is longer than the limit allows.", 40)
    assert len(cut) <= 40 and cut.endswith("…")


def test_limit_warnings_flag_edited_text_that_breaks_a_platform_limit():
    from lib.limit_warnings import limit_warnings

    assert limit_warnings("x_thread", "1/2 short post\n\n2/2 another short one") == []
    long_post = "word " * 70  # 350 characters
    assert limit_warnings("x_thread", f"1/2 fine\n\n{long_post}") == [
        "Post 2 has 349 characters as X counts them; the limit is 280."]
    assert limit_warnings("linkedin_post", "x" * 3001) == ["It has 3,001 characters; the limit is 3,000."]
    assert limit_warnings("linkedin_post", "x" * 3000) == []
    assert limit_warnings("blog_seo", "anything") == []
