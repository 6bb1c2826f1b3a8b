"""How long the embedded database takes to come back after it is killed (SIGKILL), as a page call sees it.

Each run kills the postmaster, waits 0.3 s (its orphaned backends serve open connections for a few ms after
the kill, then exit), then calls the session store the way a page does: the first call finds the server dead
and starts it again (DatabaseRestarted, the calm "try again" message), the next call reads the session.
Timed from that first call to the successful read; the last line is JSON.

    python -m bench.recovery --runs 7
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import tempfile
import time
from pathlib import Path

from lib.auth import ensure_local_user
from lib.config import load_config
from lib.db import get_database, stop_embedded
from lib.errors import DatabaseError
from lib.session import Sessions


def recover(sessions: Sessions, session_id, data_dir: Path) -> float:
    pid = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    started = time.monotonic()
    while True:
        try:
            sessions.get(session_id)
            return time.monotonic() - started
        except DatabaseError:
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="content-studio-recovery-") as tmp:
        config = load_config(CONTENT_DATA_DIR=str(Path(tmp) / "data"), DATABASE_URL="", CONTENT_GENERATOR="offline")
        db = get_database(config)
        sessions = Sessions(db, ensure_local_user(db).id)
        sid = sessions.create("Notes written before the crash").id
        times = []
        for run in range(args.runs):
            seconds = recover(sessions, sid, config.data_dir)
            assert sessions.get(sid).brain_dump.raw_content == "Notes written before the crash"
            times.append(seconds)
            print(f"run {run + 1}: back in {seconds * 1000:.0f} ms", flush=True)
        db.close()
        stop_embedded(config.data_dir)
    figures = {"runs": len(times), "recovery_ms_p50": round(statistics.median(times) * 1000),
               "recovery_ms_max": round(max(times) * 1000)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
