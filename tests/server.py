"""Start the real app (`streamlit run serve.py`) on a free port for tests that need a browser or HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.read().decode() == "ok":
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app did not answer /_stcore/health within {timeout} s")


@contextmanager
def running_app(env: dict[str, str], command: list[str] | None = None) -> Iterator[str]:
    """Yields the base URL, e.g. http://127.0.0.1:PORT; stops the app afterwards."""
    port = free_port()
    command = command or [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
                          "--server.headless", "true"]
    command = [c.replace("{port}", str(port)) for c in command]
    log_dir = Path(env.get("CONTENT_DATA_DIR") or tempfile.mkdtemp())
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"app-{port}.log", "wb")
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
