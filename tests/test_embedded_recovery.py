"""The embedded server the app started comes back after it dies, and a stale PID file never blocks it."""

import os
import signal
import subprocess
import sys
import time

import pytest

from lib.auth import ensure_local_user
from lib.config import load_config
from lib.db import clear_stale_pid, get_database, stop_embedded
from lib.errors import DatabaseError
from lib.session import Sessions


def postmaster_pid(data_dir) -> int:
    return int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])


@pytest.fixture
def config(tmp_path):
    config = load_config(CONTENT_DATA_DIR=str(tmp_path / "data"))
    yield config
    db = get_database(config)
    db.close()
    stop_embedded(config.data_dir)


def test_after_sigkill_the_next_call_succeeds_and_nothing_is_lost(config):
    db = get_database(config)
    sessions = Sessions(db, ensure_local_user(db).id)
    sid = sessions.create("Notes written before the crash").id
    os.kill(postmaster_pid(config.data_dir), signal.SIGKILL)
    time.sleep(0.5)
    started = time.monotonic()
    with pytest.raises(DatabaseError, match="started again"):  # the call that found it dead: a calm message
        sessions.get(sid)
    assert sessions.get(sid).brain_dump.raw_content == "Notes written before the crash"  # the next one works
    assert time.monotonic() - started < 15


def test_a_stale_pid_file_of_another_process_is_cleared_not_killed(config, tmp_path):
    get_database(config).close()
    stop_embedded(config.data_dir)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pid_file = config.data_dir / "postgres" / "postmaster.pid"
        pid_file.write_text(f"{other.pid}\n{config.data_dir / 'postgres'}\n")
        assert clear_stale_pid(config.data_dir / "postgres")
        assert other.poll() is None  # the other program was left alone
        db = get_database(config)  # starts normally
        with db.admin() as conn:
            assert conn.execute("select 1 as one").fetchone()["one"] == 1
    finally:
        other.kill()


def test_a_running_server_s_pid_file_is_never_removed(config):
    get_database(config)
    assert not clear_stale_pid(config.data_dir / "postgres")
    assert (config.data_dir / "postgres" / "postmaster.pid").exists()
