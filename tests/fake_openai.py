"""A small OpenAI-compatible server on loopback for tests that run the real app against "a model".

It speaks the Chat Completions wire format (JSON, and server-sent events when `stream` is true) and
records every request body, so a test checks what the app sends as well as what it does with the
answer. A streamed answer is a list of text pieces sent `delay` seconds apart; `ending` says how the
stream ends: "stop" (finished), "length" (the token limit), or "cut" (the body ends without a
finish reason or [DONE], as when a proxy or the server drops the connection).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png_b64(size: tuple[int, int]) -> str:
    """A real PNG of `size`, base64 as an image model returns it in `b64_json`."""
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def sse_from_completion(payload: dict, pieces: int = 4) -> bytes:
    """A whole chat completion as the server-sent events a server streams for it (`stream: true`): its content
    in `pieces`, the finish reason, the usage (when the completion has one), then [DONE]."""
    choice = payload["choices"][0]
    text = choice["message"].get("content") or ""
    size = max(1, -(-len(text) // pieces))

    def chunk(delta: dict, finish: str | None = None) -> str:
        body = {"id": payload.get("id", "chatcmpl-fake"), "object": "chat.completion.chunk", "created": 1,
                "model": payload.get("model", "local-model"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body)}\n\n"

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": text[i:i + size]}) for i in range(0, len(text), size)]
    events.append(chunk({}, choice.get("finish_reason") or "stop"))
    if payload.get("usage"):
        events.append("data: " + json.dumps({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1,
                                             "model": payload.get("model"), "choices": [],
                                             "usage": payload["usage"]}) + "\n\n")
    events.append("data: [DONE]\n\n")
    return "".join(events).encode()


def structured(body: dict) -> bool:
    """The app asks for JSON: a response_format, or the schema in the first (system) message."""
    first = (body.get("messages") or [{}])[0].get("content") or ""
    return bool(body.get("response_format")) or "JSON Schema" in first


def _still_to_write(pieces: list[str], messages: list[dict]) -> list[str]:
    """A model asked to continue its own answer (the conversation ends with its text, then a request to go on)
    writes what comes after that text; here, the pieces not yet in it."""
    if len(messages) < 2 or messages[-2].get("role") != "assistant":
        return pieces
    written, so_far = messages[-2].get("content") or "", ""
    for n, piece in enumerate(pieces):
        if not written.startswith(so_far + piece):  # the text stops in this piece (or went another way)
            rest = (so_far + piece)[len(written):] if (so_far + piece).startswith(written) else piece
            return [rest, *pieces[n + 1:]] if rest else pieces[n + 1:]
        so_far += piece
    return []


@dataclass
class StreamedAnswer:
    pieces: list[str]
    delay: float = 0.0
    ending: str = "stop"  # stop | length | cut
    model: str = "local-model"
    sends_usage: bool = True  # llama-cpp-python ignores stream_options and never sends usage


@dataclass
class FakeOpenAI:
    stream: StreamedAnswer
    rate_limited: int = 0  # the first N requests get 429 with retry-after, as a busy server answers
    # What a non-streamed request gets as the message content: a text, or made from the request's body.
    json_answer: str | Callable[[dict], str] | None = None
    refuses: dict[str, int] = field(default_factory=dict)  # response_format type ("none": absent) → HTTP status
    retry_after: float = 1.0
    image_delay: float = 0.0  # seconds an /images/generations answer takes (real image models take 10-60 s)
    requests: list[dict] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # pieces already written to the wire
    url: str = ""

    def serve(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802: /v1/models, as every compatible server answers it
                fake.requests.append({"path": self.path, "body": None})
                if self.path.endswith("/models"):
                    fake._answer(self, 200, {"object": "list", "data": [
                        {"id": fake.stream.model, "object": "model", "created": 1, "owned_by": "local"}]})
                else:
                    self.send_error(404)

            def do_POST(self):  # noqa: N802 (the http.server API)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "body": body})
                if len(fake.requests) <= fake.rate_limited:
                    answer = json.dumps({"error": {"message": "Rate limit reached", "type": "requests",
                                                   "code": "rate_limit_exceeded"}}).encode()
                    self.send_response(429)
                    self.send_header("retry-after", str(fake.retry_after))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                elif self.path.endswith("/images/generations"):
                    time.sleep(fake.image_delay)
                    size = tuple(int(n) for n in (body.get("size") or "1024x1024").split("x"))
                    fake._answer(self, 200, {"created": 1, "data": [{"b64_json": png_b64(size)}],
                                             "usage": {"input_tokens": 20, "output_tokens": 4000,
                                                       "total_tokens": 4020}})
                elif (kind := (body.get("response_format") or {}).get("type", "none")) in fake.refuses:
                    fake._answer(self, fake.refuses[kind], {"error": {"message": f"response_format {kind} is not "
                                                                      "supported", "type": "invalid_request_error"}})
                elif fake.json_answer is not None and structured(body):
                    answer = {
                        "id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": fake.stream.model,
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": fake.json_answer(body)
                                                 if callable(fake.json_answer) else fake.json_answer}}],
                        "usage": {"prompt_tokens": 50, "completion_tokens": 40, "total_tokens": 90}
                        if fake.stream.sends_usage else None}
                    if body.get("stream"):  # compatible servers are asked to stream structured answers too
                        data = sse_from_completion(answer)
                        self.send_response(200)
                        self.send_header("Content-Type", "text/event-stream")
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                    else:
                        fake._answer(self, 200, answer)
                elif body.get("stream"):
                    fake._stream(self, body)
                else:
                    self.send_error(501, "nothing scripted for this request")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _stream(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        answer = self.stream
        pieces = _still_to_write(answer.pieces, body.get("messages") or [])
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()

        def event(payload: dict | str) -> None:
            data = f"data: {payload if isinstance(payload, str) else json.dumps(payload)}\n\n".encode()
            handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            handler.wfile.flush()

        def chunk(delta: dict, finish: str | None = None) -> dict:
            return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": answer.model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

        event(chunk({"role": "assistant", "content": ""}))
        for piece in pieces:
            time.sleep(answer.delay)
            event(chunk({"content": piece}))
            self.sent.append(piece)
        if answer.ending == "cut":
            handler.wfile.write(b"0\r\n\r\n")  # a clean end of body with no finish reason and no [DONE]
            handler.wfile.flush()
            return
        event(chunk({}, answer.ending))
        words = sum(len(p.split()) for p in pieces)
        if answer.sends_usage:
            event({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": answer.model,
                   "choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": words, "total_tokens": 100 + words}})
        event("[DONE]")
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
