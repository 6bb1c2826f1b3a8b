"""`make run` serves the dashboard: /_stcore/health answers ok within 60 s of starting."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_run_answers_health_within_60_seconds(tmp_path):
    port = free_port()
    env = {**os.environ, "CONTENT_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        ["make", "-s", "run", f"PORT={port}"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    started, body = time.monotonic(), None
    try:
        while time.monotonic() - started < 60 and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    body = answer.read().decode()
                    break
            except OSError:
                time.sleep(0.25)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0].decode(errors="replace")
    assert body == "ok", output[-2000:]
    assert elapsed < 60
