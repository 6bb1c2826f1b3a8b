"""`make bench` in miniature: its seeding and measuring, tiny sizes, on the test suite's server."""

import json

from bench.run import KEYS, measure, targets
from bench.seed import TINY, seed


def test_bench_seeds_and_measures_every_figure(db, db_url, tmp_path):
    lines = []
    seeded = seed(db, tmp_path, TINY, log=lines.append)
    result = measure(db, seeded, database_url=db_url, data_dir=tmp_path, warmup=1, runs=2, log=lines.append)

    # The last line of `make bench` is this object: its names are what readers of that line rely on.
    assert list(result) == list(KEYS) == [
        "history_page_ms_p50", "history_render_ms_p50", "search_ms_p50", "gallery_page_ms_p50",
        "statements_per_history_page", "statements_per_history_page_small", "history_page_bytes",
        "gallery_page_bytes", "gallery_fullsize_bytes", "thumb_kb_max", "embed_all_ms_p50", "embed_all_bytes",
        "job_pickup_ms_p50", "draft_visible_lag_ms_p50"]
    assert json.loads(json.dumps(result)) == result
    timings = [value for key, value in result.items() if key.endswith("_ms_p50")]
    assert len(timings) == 7 and all(isinstance(value, float) and value > 0 for value in timings), result
    # One page, one statement plus the as_user setup, whatever the number of sessions.
    assert result["statements_per_history_page"] == result["statements_per_history_page_small"] == 2
    assert result["embed_all_bytes"] > result["history_page_bytes"] > 0
    assert result["gallery_fullsize_bytes"] > result["gallery_page_bytes"] > 0
    assert 0 < result["thumb_kb_max"] <= 40
    # measure() checks that search finds exactly the sessions whose drafts hold the rare word (and raises if not).
    assert len(seeded.rare_sessions) == TINY.rare_word_drafts
    assert seeded.counts["content_sessions"] == TINY.sessions + TINY.other_sessions + TINY.small_sessions
    assert seeded.counts["generated_images"] == TINY.images + TINY.other_images + TINY.small_images
    assert (tmp_path / "images").is_dir()
    line = targets(result)
    assert line.startswith("targets: ") and line.count(": met") + line.count(": NOT met") == 6, line
    assert f"largest thumbnail {result['thumb_kb_max']} KB <= 40 KB: met" in line


def test_seeded_rows_belong_to_their_users_through_rls(db, tmp_path):
    seeded = seed(db, tmp_path, TINY, log=lambda line: None)
    for user, sessions, images in [(seeded.user_id, TINY.sessions, TINY.images),
                                   (seeded.small_user_id, TINY.small_sessions, TINY.small_images)]:
        with db.as_user(user) as conn:
            assert conn.execute("select count(*) as n from public.content_sessions").fetchone()["n"] == sessions
            assert conn.execute("select count(*) as n from public.generated_images").fetchone()["n"] == images
            # Rows point at real files, with the thumbnail's metadata as lib/images.py writes it.
            row = conn.execute("select storage_path, metadata from public.generated_images limit 1").fetchone()
        assert (seeded.store_root / row["storage_path"]).is_file()
        thumb = row["metadata"]["thumbnail"]
        assert (seeded.store_root / thumb["path"]).stat().st_size == thumb["file_size"]
        assert thumb["public_url"].endswith(thumb["path"])
