"""`make bench` in miniature: its seeding and measuring, tiny sizes, on the test suite's server."""

import json

import pytest

from bench.run import KEYS, growth, growth_table, measure, parse, targets
from bench.seed import TINY, seed


def test_bench_seeds_and_measures_every_figure(db, db_url, tmp_path):
    lines = []
    seeded = seed(db, tmp_path, TINY, log=lines.append)
    result = measure(db, seeded, database_url=db_url, data_dir=tmp_path, warmup=1, runs=2, log=lines.append)

    # The last line of `make bench` is this object: its names are what readers of that line rely on.
    assert list(result) == list(KEYS) == [
        "history_page_ms_p50", "history_render_ms_p50", "search_ms_p50", "search_common_ms_p50",
        "gallery_page_ms_p50", "gallery_options_ms_p50", "gallery_render_ms_p50",
        "statements_per_history_page", "statements_per_history_page_small", "history_page_bytes",
        "gallery_page_bytes", "gallery_fullsize_bytes", "thumb_kb_max", "embed_all_ms_p50", "embed_all_bytes",
        "pipeline_render_heavy_ms_p50", "session_bytes_per_rerun_heavy", "session_bytes_per_rerun_light",
        "job_pickup_ms_p50", "draft_visible_lag_ms_p50"]
    assert json.loads(json.dumps(result)) == result
    timings = [value for key, value in result.items() if key.endswith("_ms_p50")]
    assert len(timings) == 11 and all(isinstance(value, float) and value > 0 for value in timings), result
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
    assert line.startswith("targets: ") and line.count(": met") + line.count(": NOT met") == 9, line
    # A rerun reads about as much of a session with 50 draft and 10 research versions as of a one-version one.
    assert 0 < result["session_bytes_per_rerun_heavy"] <= 3 * result["session_bytes_per_rerun_light"], result
    assert f"largest thumbnail {result['thumb_kb_max']} KB <= 40 KB: met" in line


def test_sizes_come_from_the_command_line_or_make(monkeypatch):
    monkeypatch.delenv("SESSIONS", raising=False)
    monkeypatch.delenv("GROWTH", raising=False)
    monkeypatch.delenv("IMAGES", raising=False)
    assert [(s.sessions, s.images) for s in parse([])[0]] == [(10_000, 50_000)]
    assert [(s.sessions, s.images) for s in parse(["--sessions", "100000"])[0]] == [(100_000, 500_000)]
    assert [(s.sessions, s.images) for s in parse(["--sessions", "300", "--images", "7"])[0]] == [(300, 7)]
    monkeypatch.setenv("SESSIONS", "2000")  # `make bench SESSIONS=2000`
    assert [(s.sessions, s.images) for s in parse([])[0]] == [(2_000, 10_000)]
    monkeypatch.setenv("GROWTH", "1000,10_000")  # `make bench GROWTH=1000,10_000`: images 5x each size
    assert [(s.sessions, s.images) for s in parse([])[0]] == [(1_000, 5_000), (10_000, 50_000)]
    for wrong in ("1000", "1000,lots"):
        with pytest.raises(SystemExit):
            parse(["--growth", wrong])


def test_growth_gives_each_figure_at_each_size_and_its_ratio():
    small = {key: 10.0 for key in KEYS} | {"search_ms_p50": 2.0, "statements_per_history_page": 2}
    large = {key: 20.0 for key in KEYS} | {"search_ms_p50": 8.0, "statements_per_history_page": 2}
    table = growth([1_000, 100_000], [small, large])
    assert json.loads(json.dumps(table)) == table  # it goes into the last line's JSON
    assert table["figures"]["search_ms_p50"] == [2.0, 8.0]
    assert table["ratios"]["search_ms_p50"] == [4.0] and table["ratios"]["statements_per_history_page"] == [1.0]
    lines = growth_table(table)
    assert "x 100,000/1,000" in lines[0] and len(lines) == len(KEYS) + 2
    assert lines[-1] == ("growth targets: search_ms_p50 x4.0 <= 3.0: NOT met | "
                         "search_common_ms_p50 x2.0 <= 3.0: met")


def test_seeded_rows_belong_to_their_users_through_rls(db, tmp_path):
    seeded = seed(db, tmp_path, TINY, log=lambda line: None)
    for user, sessions, images in [(seeded.user_id, TINY.sessions, TINY.images),
                                   (seeded.small_user_id, TINY.small_sessions, TINY.small_images)]:
        with db.as_user(user) as conn:
            assert conn.execute("select count(*) as n from public.content_sessions").fetchone()["n"] == sessions
            assert conn.execute("select count(*) as n from public.generated_images").fetchone()["n"] == images
            # Loaded with triggers off, then the summaries made set-wise: as the triggers would have kept them.
            assert conn.execute(
                "select count(*) filter (where c.image_count = (select count(*) from public.generated_images i"
                " where i.session_id = s.id)) as right, count(*) as n from public.content_sessions s"
                " join public.content_session_counts c on c.session_id = s.id").fetchone() == {"right": sessions,
                                                                                               "n": sessions}
            assert conn.execute("select count(*) as n from public.content_session_search").fetchone()["n"] == sessions
            # Rows point at real files, with the thumbnail's metadata as lib/images.py writes it.
            row = conn.execute("select storage_path, metadata from public.generated_images limit 1").fetchone()
        assert (seeded.store_root / row["storage_path"]).is_file()
        thumb = row["metadata"]["thumbnail"]
        assert (seeded.store_root / thumb["path"]).stat().st_size == thumb["file_size"]
        assert thumb["public_url"].endswith(thumb["path"])
