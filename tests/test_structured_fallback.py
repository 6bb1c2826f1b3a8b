"""Structured output adapts to the server: `json_schema` first, then `json_object` with the schema, then the
schema in the prompt; what worked is remembered per server; every request carries a token limit."""

import json

import pytest

from lib.errors import GeneratorBadOutput

from lib.generate import GenerationOptions
from lib.generate.openai_provider import OpenAIGenerator
from tests.fake_openai import FakeOpenAI, StreamedAnswer

THEMES = json.dumps({"themes": [
    {"title": f"Theme {n}", "summary": f"Summary {n}", "angle": "practical", "key_points": [f"point {n}"]}
    for n in range(1, 4)]})
NOTES = "Remote teams: async writing beats meetings; timezone overlap is the real constraint."


@pytest.fixture
def server():
    fake = FakeOpenAI(StreamedAnswer(["# A draft\n\n", "Written."]), json_answer=THEMES).serve()
    yield fake
    fake.close()


def generator(fake) -> OpenAIGenerator:
    return OpenAIGenerator(api_key="local-key", base_url=fake.url, text_model="local-model", max_retries=0)


def formats(fake) -> list[str]:
    return [(r["body"].get("response_format") or {}).get("type", "none") for r in fake.requests]


def test_a_server_that_answers_500_to_json_schema_is_asked_in_json_object_mode_from_then_on(server):
    server.refuses = {"json_schema": 500}  # llama-cpp-python's server
    result = generator(server).themes(NOTES)
    assert [t.title for t in result.themes] == ["Theme 1", "Theme 2", "Theme 3"]
    assert formats(server) == ["json_schema", "json_object"]
    assert server.requests[1]["body"]["response_format"]["schema"]["required"] == ["themes"]
    generator(server).themes(NOTES)  # a later request to the same server starts in the mode that worked
    assert formats(server) == ["json_schema", "json_object", "json_object"]


def test_a_server_with_no_json_mode_gets_the_schema_in_the_prompt(server):
    server.refuses = {"json_schema": 400, "json_object": 400}
    result = generator(server).themes(NOTES)
    assert len(result.themes) == 3 and formats(server) == ["json_schema", "json_object", "none"]
    first = server.requests[-1]["body"]["messages"][0]
    assert first["role"] == "system" and '"themes"' in first["content"] and "JSON Schema" in first["content"]


def test_every_request_to_a_compatible_server_carries_max_tokens(server):
    gen = generator(server)
    gen.themes(NOTES)
    list(gen.draft_stream(NOTES, gen.themes(NOTES).themes[0], [], _outline(), GenerationOptions(draft_words=800)))
    bodies = [r["body"] for r in server.requests]
    assert [b.get("max_tokens") for b in bodies] == [2000, 2000, 2100]  # the draft's from its length
    assert all("max_completion_tokens" not in b for b in bodies)


def _outline():
    from lib.generate.models import Outline

    return Outline(structure="how-to", title="Async by default", hook="Meetings cost more than they seem.",
                   sections=[{"heading": "Write it down", "points": ["decisions outlive calls"]}],
                   call_to_action="Try one week without a standup.")


def test_a_local_server_that_keeps_failing_is_not_sent_to_openai_s_status_page(server):
    from lib.errors import GeneratorUnreachable

    server.refuses = {"json_schema": 503, "json_object": 503, "none": 503}
    with pytest.raises(GeneratorUnreachable) as failed:
        generator(server).themes(NOTES)
    assert "status.openai.com" not in str(failed.value) and "127.0.0.1" in str(failed.value)


def test_an_empty_post_or_blank_themes_are_asked_again_never_saved_as_content(server):
    server.json_answer = json.dumps({"text": "   "})
    with pytest.raises(GeneratorBadOutput, match="linkedin post is empty"):
        generator(server).output("# A draft\n\nSome text.", "linkedin_post")
    assert len(server.requests) == 2  # one repair turn that says what was wrong
    assert "the linkedin post is empty" in server.requests[1]["body"]["messages"][-1]["content"]
    server.json_answer = json.dumps({"themes": [{"title": "", "summary": "", "angle": "", "key_points": []}] * 3})
    with pytest.raises(GeneratorBadOutput, match="each with a title and a summary"):
        generator(server).themes(NOTES)


def test_raw_newlines_inside_json_strings_are_read(server):
    themes = THEMES.replace('"Summary 1"', '"Summary\n1"')  # a literal newline in a string, as llama.cpp writes
    server.json_answer = themes
    assert generator(server).themes(NOTES).themes[0].summary == "Summary\n1"
    assert len(server.requests) == 1  # no repair turn needed


def test_a_stream_without_usage_counts_its_pieces_and_says_so(server):
    server.stream.sends_usage = False
    gen = generator(server)
    stream = gen.draft_stream(NOTES, gen.themes(NOTES).themes[0], [], _outline())
    list(stream)
    assert stream.usage.completion_tokens == 2 and stream.usage.estimated and stream.usage.prompt_tokens == 0
