"""The app against an OpenAI-compatible server (OPENAI_BASE_URL), as teams run Ollama, vLLM or LM Studio.

The server is a small fake on loopback speaking the Chat Completions wire format; the
app, its generator registry and the database are real. We check what the app sends
and what it saves of the answer (themes, model, token usage).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lib.generate.models import Usage
from lib.session import Sessions
from tests.fake_openai import sse_from_completion
from tests.helpers import click, open_page

THEMES = {"themes": [
    {"title": "Async by default", "summary": "Write decisions down", "angle": "contrarian", "key_points": ["docs first"]},
    {"title": "Timezones decide", "summary": "Overlap is the constraint", "angle": "practical", "key_points": ["overlap"]},
    {"title": "Onboarding remote hires", "summary": "Buddies and guides", "angle": "how-to", "key_points": ["a buddy"]},
]}


@pytest.fixture
def compatible_server():
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server API)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            completion = {
                "id": "chatcmpl-local", "object": "chat.completion", "created": 1, "model": "llama3.1:8b",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": json.dumps(THEMES)}}],
                "usage": {"prompt_tokens": 321, "completion_tokens": 123, "total_tokens": 444},
            }
            streamed = body.get("stream")  # as Ollama does: events when asked to stream, else one JSON answer
            answer = sse_from_completion(completion) if streamed else json.dumps(completion).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream" if streamed else "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    server.shutdown()
    server.server_close()


def test_themes_come_from_the_compatible_server_and_are_saved_with_model_and_usage(app, monkeypatch, compatible_server,
                                                                                   db, user):
    base_url, requests = compatible_server
    monkeypatch.setenv("OPENAI_API_KEY", "local-key-not-shown")
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_TEXT_MODEL", "llama3.1:8b")
    open_page(app, "app_pages/create.py")
    shown = " ".join(c.value for c in app.sidebar.caption)
    assert "Text: llama3.1:8b at 127.0.0.1:" in shown and "Images: offline renderer" in shown  # the server used
    app.text_area(key="brain_dump").input("remote teams: async writing, timezone overlap, onboarding buddies")
    click(app, "Extract themes")  # a job: the helper waits for the worker, as the page's live panel does
    assert not app.exception and not app.error

    assert len(requests) == 1
    sent = requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer local-key-not-shown"
    assert sent["body"]["model"] == "llama3.1:8b"
    assert sent["body"]["response_format"]["type"] == "json_schema" and sent["body"]["stream"] is True
    assert "remote teams: async writing" in json.dumps(sent["body"]["messages"])

    saved = Sessions(db, user).get(app.query_params["session_id"]).brain_dump
    assert [t.title for t in saved.themes] == [t["title"] for t in THEMES["themes"]]
    assert saved.model_used == "llama3.1:8b"
    assert saved.usage == Usage(prompt_tokens=321, completion_tokens=123, total_tokens=444)
    assert [r.options for r in app.radio][0] == [t["title"] for t in THEMES["themes"]]
    assert "local-key-not-shown" not in " ".join(str(e.value) for e in app.markdown)
