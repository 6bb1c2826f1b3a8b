"""Stopping the app (SIGTERM from a container stop or `kill`, Ctrl+C) stops the embedded server it
started, unless another live app process still uses it; killed processes never keep it running."""

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.server import ROOT, free_port, wait_healthy


def start_app(data_dir) -> subprocess.Popen:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "CONTENT_DATA_DIR": str(data_dir), "DATABASE_URL": "", "CONTENT_GENERATOR": ""},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_healthy(port, proc)
    # The lifespan starts the database in the background (pages are served after 15 s at the latest): wait for it.
    deadline = time.monotonic() + 60
    while not (data_dir / "postgres" / "postmaster.pid").exists() or \
            not (data_dir / "postgres" / ".handle_pids.json").exists() or proc.pid not in handles(data_dir):
        assert time.monotonic() < deadline and proc.poll() is None, "the app did not start its database"
        time.sleep(0.2)
    return proc


def postmaster(data_dir) -> psutil.Process:
    return psutil.Process(int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0]))


def handles(data_dir) -> list[int]:
    return json.loads((data_dir / "postgres" / ".handle_pids.json").read_text())


def stop(proc: subprocess.Popen, how: signal.Signals) -> None:
    proc.send_signal(how)
    proc.wait(timeout=30)


def gone(process: psutil.Process, within: float = 15) -> bool:
    try:
        process.wait(timeout=within)
    except psutil.TimeoutExpired:
        return False
    return True


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_app_stops_its_embedded_server(tmp_path, how):
    data_dir = tmp_path / "data"
    app = start_app(data_dir)
    server = postmaster(data_dir)
    assert handles(data_dir) == [app.pid]
    stop(app, how)
    assert gone(server), "the embedded PostgreSQL was left running"
    assert handles(data_dir) == []
    assert not (data_dir / "postgres" / "postmaster.pid").exists()  # a clean shutdown, not a crash


def test_the_server_stays_up_while_another_app_process_uses_it(tmp_path):
    data_dir = tmp_path / "data"
    first = start_app(data_dir)
    second = start_app(data_dir)
    server = postmaster(data_dir)
    try:
        assert sorted(handles(data_dir)) == sorted([first.pid, second.pid])
        stop(first, signal.SIGTERM)
        assert server.is_running() and handles(data_dir) == [second.pid]
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                stop(proc, signal.SIGTERM)
    assert gone(server)


def test_an_app_process_that_was_killed_does_not_keep_the_server_running(tmp_path):
    data_dir = tmp_path / "data"
    crashed = start_app(data_dir)
    crashed.kill()  # SIGKILL: no shutdown code runs, its PID stays on the list
    crashed.wait()
    app = start_app(data_dir)  # joins the server the killed process started
    server = postmaster(data_dir)
    assert handles(data_dir) == [app.pid]
    stop(app, signal.SIGTERM)
    assert gone(server)
