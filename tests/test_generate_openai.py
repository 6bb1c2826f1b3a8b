"""The OpenAI adapter at the HTTP level (httpx.MockTransport): what we send, what we make of replies."""

from __future__ import annotations

import io
import json
import time
from types import SimpleNamespace
from typing import Any, Callable

import httpx
import openai
import pytest
from PIL import Image

from lib.errors import (
    GeneratorAuthError,
    GeneratorBadOutput,
    GeneratorError,
    GeneratorRateLimited,
    GeneratorRefused,
    GeneratorTimeout,
    GeneratorUnreachable,
)
from lib.generate import GenerationOptions, Outline, OutlineSection, ResearchItem, Theme
from lib.generate.openai_provider import OpenAIGenerator
from tests.fake_openai import png_b64, sse_from_completion

KEY = "sk-test-SECRET-0123456789abcdef"
NOTES = "Remote onboarding fails when managers assume new hires will just ask.\nBuddies help in week one."
THEME = Theme(title="Remote onboarding", summary="Why it fails", angle="Managers", key_points=["Buddies help"])
OUTLINE = Outline(
    structure="how-to", title="Onboard remotely", hook="New hires guess.",
    sections=[OutlineSection(heading="Buddies", points=["Pair every new hire"])], call_to_action="Try it.",
)


class Server:
    """Plays back queued replies and records every request."""

    def __init__(self, *replies: httpx.Response | Callable[[httpx.Request], httpx.Response]):
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        answer = reply(request) if callable(reply) else reply
        asked = json.loads(request.content) if request.content else {}
        if asked.get("stream") and answer.status_code == 200 and answer.headers.get("content-type", "").startswith(
                "application/json") and answer.json().get("object") == "chat.completion":
            # a compatible server is asked to stream structured answers: the same answer, as its events
            return httpx.Response(200, headers={"content-type": "text/event-stream"},
                                  content=sse_from_completion(answer.json()))
        return answer

    def body(self, index: int = -1) -> dict[str, Any]:
        return json.loads(self.requests[index].content)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch) -> list[float]:
    """The waits of the SDK's retry loop, recorded instead of waited (only its module's `time` is replaced)."""
    waited: list[float] = []
    monkeypatch.setattr(openai._base_client, "time", SimpleNamespace(time=time.time, sleep=waited.append))
    return waited


def make(server: Server, **kwargs: Any) -> OpenAIGenerator:
    kwargs.setdefault("max_retries", 3)
    return OpenAIGenerator(api_key=KEY, http_client=httpx.Client(transport=httpx.MockTransport(server)), **kwargs)


def chat(content: Any, *, model: str = "gpt-4o-mini-2024-07-18", usage=(120, 80), finish: str = "stop", refusal=None) -> httpx.Response:
    text = content if isinstance(content, str) else json.dumps(content)
    return httpx.Response(200, json={
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": text, "refusal": refusal}}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    })


def error(status: int, message: str = "error", code: str | None = None, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, json={"error": {"message": message, "type": "api_error", "code": code}})


def themes_reply(n: int = 4) -> dict:
    return {"themes": [
        {"title": f"Theme {i}", "summary": f"Summary {i}", "angle": f"Angle {i}", "key_points": [f"Point {i}a", f"Point {i}b"]}
        for i in range(n)
    ]}


# --- requests and parsing -------------------------------------------------------------


def test_themes_request_uses_strict_json_schema_and_parses_reply():
    server = Server(chat(themes_reply(4)))
    gen = make(server, text_model="gpt-4o-mini")
    result = gen.themes(NOTES, GenerationOptions(language="German", tone="casual"))

    request = server.requests[0]
    assert request.method == "POST" and request.url == "https://api.openai.com/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    body = server.body()
    assert body["model"] == "gpt-4o-mini" and "stream" not in body
    assert body["messages"][0]["role"] == "system" and "German" in body["messages"][0]["content"]
    assert "casual" in body["messages"][0]["content"] and NOTES in body["messages"][1]["content"]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["required"] == ["themes"] and schema["additionalProperties"] is False
    theme_schema = schema["properties"]["themes"]["items"]
    assert theme_schema["required"] == ["title", "summary", "angle", "key_points"]
    assert theme_schema["additionalProperties"] is False and "$defs" not in json.dumps(schema)

    assert [t.title for t in result.themes] == ["Theme 0", "Theme 1", "Theme 2", "Theme 3"]
    assert all(t.id for t in result.themes)
    assert result.model_used == "gpt-4o-mini-2024-07-18"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens, result.usage.total_tokens) == (120, 80, 200)


def test_base_url_points_requests_at_a_compatible_server():
    server = Server(chat(themes_reply(3), model="llama3.1:8b", usage=(0, 0)))
    gen = make(server, base_url="http://localhost:11434/v1", text_model="llama3.1:8b")
    result = gen.themes(NOTES)
    assert str(server.requests[0].url) == "http://localhost:11434/v1/chat/completions"
    assert result.model_used == "llama3.1:8b" and gen.host == "localhost:11434"


def test_more_than_seven_themes_are_cut_to_seven():
    gen = make(Server(chat(themes_reply(9))))
    assert len(gen.themes(NOTES).themes) == 7


def test_research_reply_becomes_items_with_verify_flags_and_sources():
    reply = {
        "insights": ["Buddies shorten ramp-up"],
        "facts": [{"text": "Only 12% of employees rate onboarding well", "source": "https://www.gallup.com/x"},
                  {"text": "Ramp-up takes 90 days", "source": None}],
        "counterpoints": ["Senior hires want autonomy"],
        "open_questions": ["Do contractors need the same?"],
        "sources": [{"title": "Gallup onboarding report", "url": "https://www.gallup.com/x"}],
    }
    server = Server(chat(reply))
    gen = make(server)
    research = gen.research(NOTES, THEME)
    assert THEME.title in server.body()["messages"][1]["content"]
    assert server.body()["response_format"]["json_schema"]["schema"]["properties"]["facts"]["items"]["required"] == ["text", "source"]
    facts = {f.text: f for f in research.items if f.kind == "fact"}
    assert facts["Only 12% of employees rate onboarding well"].verify is False
    assert facts["Ramp-up takes 90 days"].verify is True
    assert [i.source for i in research.items if i.kind == "source"] == ["https://www.gallup.com/x"]
    assert [i.kind for i in research.items] == ["insight", "fact", "fact", "counterpoint", "question", "source"]
    assert research.theme_id == THEME.id and research.usage.total_tokens == 200


def test_outlines_send_the_kept_research_and_parse_two_options():
    reply = {"outlines": [
        {"structure": s, "title": f"{s} title", "hook": "Hook", "call_to_action": "Act",
         "sections": [{"heading": "One", "points": ["a", "b"]}]}
        for s in ("problem-solution", "listicle")
    ]}
    server = Server(chat(reply))
    gen = make(server)
    kept = [ResearchItem(kind="fact", text="Ramp-up takes 90 days")]
    result = gen.outlines(NOTES, THEME, kept)
    assert "Ramp-up takes 90 days (unverified)" in server.body()["messages"][1]["content"]
    assert [o.structure for o in result.outlines] == ["problem-solution", "listicle"]


def test_x_thread_reply_is_brought_within_280_characters_and_numbered():
    long_post = "Onboarding remote engineers works when " + "buddies, docs and overlap hours line up " * 8
    server = Server(chat({"posts": ["1/ Why remote onboarding fails", long_post, "Try one change this week."]}))
    gen = make(server)
    thread = gen.output("# Draft\n\nSome text.", "x_thread")
    assert server.body()["response_format"]["json_schema"]["schema"]["required"] == ["posts"]
    assert len(thread.posts) >= 4
    assert all(len(p) <= 280 for p in thread.posts)
    assert thread.posts[0] == f"Why remote onboarding fails 1/{len(thread.posts)}"
    assert thread.usage.total_tokens == 200


# --- draft streaming -------------------------------------------------------------


def sse(*chunks: dict) -> httpx.Response:
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})


def delta(text: str | None = None, finish: str | None = None, usage: tuple[int, int] | None = None) -> dict:
    chunk: dict[str, Any] = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini-2024-07-18",
                             "choices": [] if usage else [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]}
    if usage:
        chunk["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return chunk


def test_draft_is_streamed_and_usage_is_known_at_the_end():
    server = Server(sse(delta("# Onboard"), delta(" remotely\n\n"), delta("New hires guess."), delta(finish="stop"), delta(usage=(300, 500))))
    gen = make(server)
    stream = gen.draft_stream(NOTES, THEME, [], OUTLINE, GenerationOptions(draft_words=600, language="French"))
    body = server.body()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert "600 words" in body["messages"][0]["content"] and "French" in body["messages"][0]["content"]
    assert "Pair every new hire" in body["messages"][1]["content"]
    assert list(stream) == ["# Onboard", " remotely\n\n", "New hires guess."]
    assert stream.text == "# Onboard remotely\n\nNew hires guess."
    assert stream.model_used == "gpt-4o-mini-2024-07-18" and stream.usage.total_tokens == 800
    assert stream.result().word_count == 5
    assert stream.finish_reason == "stop" and not stream.cut


@pytest.mark.parametrize("ending,reason", [
    ([delta(finish="length"), delta(usage=(300, 8192))], "length"),  # the model hit its token limit
    ([], "incomplete"),  # the body ended with no finish_reason at all
])
def test_a_draft_the_model_did_not_finish_is_cut(ending, reason):
    gen = make(Server(sse(delta("# Onboard"), delta(" remotely\n\nNew hires"), *ending)))
    stream = gen.draft_stream(NOTES, THEME, [], OUTLINE)
    assert stream.result().markdown.startswith("# Onboard remotely")
    assert stream.finish_reason == reason and stream.cut


def test_a_cut_draft_is_saved_as_partial(pipeline, monkeypatch):
    from lib.generate import DraftStream
    from tests.helpers import through

    sid = through(pipeline, "draft")

    def produce(stream):
        yield "# Half a draft\n\nIt stops"
        stream.finish_reason = "length"

    monkeypatch.setattr(pipeline, "draft_stream", lambda session_id: DraftStream(produce, model_used="m"))
    version = pipeline.write_draft(sid).version
    draft = pipeline.sessions.get(sid).current_draft
    assert draft.version == version and draft.source == "partial" and draft.markdown.startswith("# Half a draft")


def test_draft_stream_errors_surface_as_app_errors():
    gen = make(Server(error(401, "Incorrect API key provided: sk-test-***def")))
    with pytest.raises(GeneratorAuthError):
        gen.draft_stream(NOTES, THEME, [], OUTLINE)
    gen = make(Server(sse(delta(finish="stop"))))
    with pytest.raises(GeneratorBadOutput, match="empty draft"):
        list(gen.draft_stream(NOTES, THEME, [], OUTLINE))


# --- retries and errors ---------------------------------------------------------


def test_429_then_success_is_retried_with_growing_backoff(sleeps):
    server = Server(error(429, "Rate limit reached"), error(429, "Rate limit reached"), chat(themes_reply()))
    gen = make(server, max_retries=3)
    assert len(gen.themes(NOTES).themes) == 4
    assert len(server.requests) == 3
    assert len(sleeps) == 2 and sleeps[0] < sleeps[1]


def test_a_429_that_is_retried_tells_whoever_waits_on_it(sleeps):
    from lib.generate.base import provider_waiting

    told: list[str] = []
    token = provider_waiting.set(told.append)
    try:
        gen = make(Server(error(429, "Rate limit reached"), chat(themes_reply())), max_retries=2)
        assert len(gen.themes(NOTES).themes) == 4
    finally:
        provider_waiting.reset(token)
    assert told == ["The provider asked us to slow down (rate limit); waiting, then trying again."]


def test_retry_after_header_is_respected(sleeps):
    server = Server(error(429, headers={"retry-after": "7"}), chat(themes_reply()))
    gen = make(server)
    gen.themes(NOTES)
    assert sleeps == [7.0]


@pytest.mark.parametrize("retries", [0, 2])
def test_persistent_429_stops_after_the_bounded_retries(retries, sleeps):
    server = Server(error(429, "Rate limit reached"))
    gen = make(server, max_retries=retries)
    with pytest.raises(GeneratorRateLimited, match=f"after {retries} retries") as caught:
        gen.themes(NOTES)
    assert len(server.requests) == retries + 1 and len(sleeps) == retries
    assert "OPENAI_MAX_RETRIES" in str(caught.value)


def test_persistent_5xx_stops_after_the_bounded_retries(sleeps):
    server = Server(error(503, "overloaded"), error(500, "boom"), error(502, "bad gateway"))
    gen = make(server, max_retries=2)
    with pytest.raises(GeneratorUnreachable, match="HTTP 502"):
        gen.themes(NOTES)
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_exhausted_quota_is_not_retried(sleeps):
    server = Server(error(429, "You exceeded your current quota", code="insufficient_quota"))
    gen = make(server)
    with pytest.raises(GeneratorRateLimited, match="billing"):
        gen.themes(NOTES)
    assert len(server.requests) == 1 and sleeps == []


def test_401_gives_the_key_message_without_the_key(sleeps):
    server = Server(error(401, f"Incorrect API key provided: {KEY}", code="invalid_api_key"))
    gen = make(server)
    with pytest.raises(GeneratorAuthError) as caught:
        gen.themes(NOTES)
    message = str(caught.value)
    assert "OPENAI_API_KEY" in message and "rejected the API key" in message
    assert KEY not in message and "SECRET" not in message
    assert len(server.requests) == 1 and sleeps == []


def test_provider_text_in_errors_never_carries_the_key():
    server = Server(error(400, f"Unsupported value for model with key {KEY}", code="invalid_value"))
    gen = make(server)
    with pytest.raises(GeneratorError) as caught:
        gen.themes(NOTES)
    assert "Unsupported value" in str(caught.value) and KEY not in str(caught.value)


def test_blog_seo_reply_is_normalised_to_the_limits():
    reply = {"title": "How remote onboarding really works for distributed engineering teams in 2025",
             "meta_description": "A practical guide. " * 20, "slug": "How Remote Onboarding Works!", "keywords": ["onboarding", "onboarding", "remote"]}
    gen = make(Server(chat(reply)))
    seo = gen.output("# Draft\n\nText.", "blog_seo")
    assert len(seo.title) <= 60 and len(seo.meta_description) <= 160
    assert seo.slug == "how-remote-onboarding-works" and seo.keywords == ["onboarding", "remote"]


def test_timeout_and_unreachable_server_have_their_own_messages():
    def timeout(request):
        raise httpx.ReadTimeout("timed out", request=request)

    def refused(request):
        raise httpx.ConnectError("connection refused", request=request)

    gen = make(Server(timeout), timeout=12)
    with pytest.raises(GeneratorTimeout, match="12 seconds") as caught:
        gen.themes(NOTES)
    assert "OPENAI_TIMEOUT" in str(caught.value)
    gen = make(Server(refused), base_url="http://localhost:1234/v1")
    with pytest.raises(GeneratorUnreachable, match="localhost:1234") as caught:
        gen.themes(NOTES)
    assert "OPENAI_BASE_URL" in str(caught.value)


def test_malformed_json_is_retried_once_with_the_problem_then_parsed():
    server = Server(chat("Sure! Here are your themes: {themes: oops"), chat(themes_reply(3)))
    gen = make(server)
    result = gen.themes(NOTES)
    assert len(server.requests) == 2 and len(result.themes) == 3
    retry = server.body(1)["messages"]
    assert retry[-2]["role"] == "assistant" and retry[-1]["role"] == "user"
    assert "not valid" in retry[-1]["content"]
    assert result.usage.total_tokens == 400  # both calls were paid for


def test_malformed_json_twice_is_a_clear_error():
    server = Server(chat("not json at all"))
    gen = make(server)
    with pytest.raises(GeneratorBadOutput, match="did not return usable themes") as caught:
        gen.themes(NOTES)
    assert len(server.requests) == 2 and "OPENAI_TEXT_MODEL" in str(caught.value)


def test_too_few_themes_are_asked_for_once_more_then_kept_with_a_notice():
    server = Server(chat(themes_reply(1)))  # a small model gives one theme, twice
    gen = make(server)
    result = gen.themes(NOTES)
    assert len(server.requests) == 2 and [t.title for t in result.themes] == ["Theme 0"]
    assert "3 to 7 distinct themes are asked for" in server.body(1)["messages"][-1]["content"]
    assert result.notice == ("The model gave 1 theme (3 to 7 distinct themes are asked for). It is saved; "
                             "regenerate for more.")


def test_enough_themes_on_the_second_ask_leave_no_notice():
    server = Server(chat(themes_reply(2)), chat(themes_reply(4)))
    result = make(server).themes(NOTES)
    assert len(result.themes) == 4 and result.notice is None


def test_themes_with_no_title_or_summary_are_never_saved():
    empty = {"themes": [{"title": " ", "summary": "", "angle": "", "key_points": []}] * 3}
    server = Server(chat(empty))
    with pytest.raises(GeneratorBadOutput, match="got none usable"):
        make(server).themes(NOTES)
    assert len(server.requests) == 2


def test_model_refusal_is_reported_as_refused():
    gen = make(Server(chat("", refusal="I can't help with that.")))
    with pytest.raises(GeneratorRefused):
        gen.themes(NOTES)


# --- images ---------------------------------------------------------------------------


def image_reply(size: tuple[int, int], **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={
        "created": 1, "data": [{"b64_json": png_b64(size), **extra}],
        "usage": {"input_tokens": 50, "output_tokens": 4160, "total_tokens": 4210,
                  "input_tokens_details": {"image_tokens": 0, "text_tokens": 50}},
    })


def test_gpt_image_request_size_prompt_and_exact_crop():
    server = Server(image_reply((1536, 1024)))
    gen = make(server)
    result = gen.image("A remote team on a video call", "blurry faces, text", None, "16:9")
    request = server.requests[0]
    assert request.url == "https://api.openai.com/v1/images/generations"
    body = server.body()
    assert body["model"] == "gpt-image-2" and body["size"] == "1536x1024" and body["n"] == 1  # the default
    assert body["prompt"] == "A remote team on a video call\n\nAvoid: blurry faces, text."
    assert "response_format" not in body
    assert (result.width, result.height) == (1536, 864) and result.width * 9 == result.height * 16
    assert Image.open(io.BytesIO(result.png_bytes)).size == (1536, 864)
    assert result.model_used == "gpt-image-2" and result.mime_type == "image/png"
    assert result.usage.total_tokens == 4210
    assert result.metadata["requested_size"] == "1536x1024"


def test_dall_e_3_portrait_asks_for_base64_and_keeps_the_revised_prompt():
    server = Server(image_reply((1024, 1792), revised_prompt="A tall bakery window at dawn"))
    gen = make(server)
    result = gen.image("Bakery window", "", "dall-e-3", "9:16")
    body = server.body()
    assert body["model"] == "dall-e-3" and body["size"] == "1024x1792" and body["response_format"] == "b64_json"
    assert result.width * 16 == result.height * 9 and result.height == 1792
    assert result.metadata["revised_prompt"] == "A tall bakery window at dawn"


def test_refused_image_prompt_is_reported_as_refused(sleeps):
    server = Server(error(400, "Your request was rejected by our safety system.", code="moderation_blocked"))
    gen = make(server)
    with pytest.raises(GeneratorRefused, match="content policy"):
        gen.image("something flagged", "", None, "1:1")
    assert len(server.requests) == 1 and sleeps == []


def test_image_reply_without_image_is_bad_output():
    gen = make(Server(httpx.Response(200, json={"created": 1, "data": []})))
    with pytest.raises(GeneratorBadOutput):
        gen.image("A cat", "", None, "1:1")


def test_openai_itself_gets_max_completion_tokens_and_no_json_mode_fallback():
    server = Server(error(400, "Invalid schema for response_format"))
    with pytest.raises(GeneratorError):
        make(server, max_retries=0).themes(NOTES)
    assert len(server.requests) == 1  # an error from OpenAI is reported, not hidden by another JSON mode
    assert server.body()["max_completion_tokens"] == 2000 and "max_tokens" not in server.body()


def test_without_a_model_name_the_compatible_server_s_own_model_is_used_and_recorded():
    def served(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"object": "list", "data": [
                {"id": "SmolLM2-135M-Instruct-Q8_0.gguf", "object": "model", "owned_by": "llamacpp"}]})
        return chat(themes_reply(4), model=json.loads(request.content)["model"])

    server = Server(served)
    gen = make(server, text_model=None, base_url="http://127.0.0.1:8080/v1")
    assert gen.text_model_name == "the server's model"  # nothing asked before it is needed
    result = gen.themes(NOTES)
    assert [r.url.path for r in server.requests] == ["/v1/models", "/v1/chat/completions"]
    assert server.body(1)["model"] == "SmolLM2-135M-Instruct-Q8_0.gguf"
    assert result.model_used == gen.text_model_name == "SmolLM2-135M-Instruct-Q8_0.gguf"


def test_the_image_form_offers_only_models_the_client_still_lists():
    import typing

    from openai.types.image_model import ImageModel

    from lib.generate.openai_provider import GONE_IMAGE_MODELS, IMAGE_MODELS

    listed = set(typing.get_args(ImageModel))
    assert set(IMAGE_MODELS) <= listed and not set(IMAGE_MODELS) & set(GONE_IMAGE_MODELS)
    assert make(Server(chat("{}"))).image_models[0] == "gpt-image-2"


def test_a_compatible_server_streams_structured_answers_and_stop_ends_them():
    from lib.errors import JobCancelled
    from lib.generate.base import keep_going

    events = sse_from_completion(json.loads(chat(themes_reply(4)).content), pieces=8).split(b"\n\n")
    sent: list[bytes] = []

    def slowly():  # a CPU model: a piece every 0.4 s
        for event in events:
            time.sleep(0.4)
            sent.append(event)
            yield event + b"\n\n"

    def served(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content)["stream"] is True
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=slowly())

    gen = make(Server(served), base_url="http://127.0.0.1:8080/v1", text_model="local")
    assert len(gen.themes(NOTES).themes) == 4  # streamed, then read as one answer
    sent.clear()
    token = keep_going.set(lambda: False)  # the user pressed Stop
    try:
        with pytest.raises(JobCancelled):
            gen.themes(NOTES)
    finally:
        keep_going.reset(token)
    assert 2 <= len(sent) < len(events)  # stopped after about a second: the rest was never read
