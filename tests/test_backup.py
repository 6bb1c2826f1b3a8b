"""`make backup` / `make restore`: a populated instance round-trips, every row and every image byte."""

import json

import pytest

from lib.auth import ensure_local_user
from lib.backup import create_backup, restore_backup
from lib.config import load_config
from lib.db import close_database, get_database, stop_embedded
from lib.errors import InputError, StorageError
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore
from tests.helpers import through

TABLES = ["auth.users", "public.content_sessions", "public.content_brain_dumps", "public.content_research",
          "public.content_outlines", "public.content_drafts", "public.content_outputs", "public.generated_images",
          "content_studio.claims_key"]


def snapshot(db) -> dict[str, str]:
    with db.admin() as conn:
        return {t: json.dumps([dict(r) for r in conn.execute(f"select * from {t} order by 1")], default=str, sort_keys=True)
                for t in TABLES}


def files(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def instances(tmp_path):
    configs = [load_config(CONTENT_DATA_DIR=str(tmp_path / name)) for name in ("before", "after")]
    yield configs
    for config in configs:
        try:
            close_database(get_database(config).url)
        finally:
            stop_embedded(config.data_dir)


def test_a_populated_instance_round_trips(instances, tmp_path):
    before, after = instances
    db = get_database(before)
    user = ensure_local_user(db).id
    pipeline = Pipeline(Sessions(db, user), OfflineGenerator())
    sid = through(pipeline, "outputs")
    pipeline.sessions.edit_draft(sid, "# My own draft\n\nEdited by hand.")
    pipeline.outputs(sid, ["linkedin_post", "x_thread"])
    images = Images(db, user, LocalImageStore(before.data_dir / "images"), Spool(before.data_dir / "spool"),
                    OfflineGenerator())
    images.generate("A lighthouse at dusk", aspect_ratio="16:9", session_id=sid)
    store_put = images.store.put

    def refuse(*args, **kwargs):
        raise StorageError("Upload refused.", fix="Retry later.")

    images.store.put = refuse
    assert not images.generate("A harbour at dawn", aspect_ratio="1:1").uploaded  # kept in the spool
    images.store.put = store_put
    rows, stored = snapshot(db), {f: files(before.data_dir / f) for f in ("images", "spool")}
    assert stored["images"] and stored["spool"]

    archive = create_backup(before, tmp_path / "backup.tar")
    assert archive.stat().st_size > sum(len(b) for f in stored.values() for b in f.values())

    restore_backup(after, archive)
    restored = get_database(after)
    assert snapshot(restored) == rows
    assert {f: files(after.data_dir / f) for f in ("images", "spool")} == stored
    # The restored instance works as the same user, under RLS, with the same signed claims.
    assert Sessions(restored, user).get(sid).current_draft.markdown == "# My own draft\n\nEdited by hand."

    with pytest.raises(InputError, match="never writes over"):
        restore_backup(after, archive)


def test_make_backup_and_restore_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys

    from tests.helpers import ROOT

    def run(data_dir, *args):
        env = {**os.environ, "CONTENT_DATA_DIR": str(tmp_path / data_dir)}
        return subprocess.run([sys.executable, "-m", "lib.backup", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    made = run("one", "create", str(tmp_path / "b.tar"))
    assert made.returncode == 0 and "backup written:" in made.stdout, made.stderr
    assert run("two", "restore", str(tmp_path / "b.tar")).returncode == 0
    again = run("two", "restore", str(tmp_path / "b.tar"))
    assert again.returncode == 1 and "never writes over" in again.stderr
    missing = run("three", "restore", str(tmp_path / "nope.tar"))
    assert missing.returncode == 1 and "There is no backup at" in missing.stderr
