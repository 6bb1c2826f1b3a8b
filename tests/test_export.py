"""Exporting a session: Markdown with every step, ZIP with that Markdown and every image."""

import io
import zipfile

from lib.export import nested_headings, session_markdown, session_zip
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore

NOTES = """Launching a podcast for our B2B product
- interview customers, not vendors
- 8 episodes of 30 minutes in season one
- clips for LinkedIn and a newsletter recap for every episode
"""


def full_session(db, user, tmp_path):
    pipeline = Pipeline(Sessions(db, user), OfflineGenerator())
    sid = pipeline.start(NOTES).id
    pipeline.choose_theme(sid, pipeline.extract_themes(sid).themes[0].id)
    pipeline.research(sid)
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 0)
    pipeline.write_draft(sid)
    pipeline.outputs(sid, ["linkedin_post", "x_thread"])
    images = Images(db, user, LocalImageStore(tmp_path / "images"), Spool(tmp_path / "spool"), OfflineGenerator())
    made = [images.generate("podcast cover", aspect_ratio=r, session_id=sid) for r in ("1:1", "16:9")]
    return pipeline.sessions.get(sid), images, made


def test_markdown_holds_every_step(db, user_a, tmp_path):
    session, images, made = full_session(db, user_a, tmp_path)
    text = session_markdown(session, images.for_session(session.id))
    for heading in ("# " + session.title, "## Brain dump", "## Themes", "## Research (kept)", "## Outline",
                    "## Draft (version 1", "## Outputs", "### LinkedIn post", "### X/Twitter thread", "## Images"):
        assert heading in text
    assert "interview customers, not vendors" in text
    assert nested_headings(session.current_draft.markdown) in text  # the whole draft, its headings under "## Draft"
    assert all(m.public_url in text for m in made)


def test_zip_holds_the_markdown_and_every_image(db, user_a, tmp_path):
    session, images, made = full_session(db, user_a, tmp_path)
    records = images.for_session(session.id)
    data = session_zip(session, records, images.image_bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        markdown = archive.read(next(n for n in names if n.endswith(".md"))).decode()
        assert sorted(n for n in names if n.startswith("images/")) == sorted(f"images/{m.id}.png" for m in made)
        for m in made:
            assert archive.read(f"images/{m.id}.png") == (images.store.root / m.storage_path).read_bytes()
            assert f"(images/{m.id}.png)" in markdown


def test_export_everything_holds_all_of_mine_and_none_of_theirs(db, user_a, user_b, tmp_path):
    import io
    import zipfile

    from lib.export import user_archive
    from lib.generate.offline import OfflineGenerator
    from lib.images import Images
    from lib.spool import Spool
    from lib.storage import LocalImageStore

    def images_of(user):
        return Images(db, user, LocalImageStore(tmp_path / "images"), Spool(tmp_path / "spool"), OfflineGenerator())

    alice, bob = Sessions(db, user_a), Sessions(db, user_b)
    first = alice.create("Alice's notes on zeppelins")
    second = alice.create("Alice's notes on lighthouses")
    alice_images = images_of(user_a)
    in_session = alice_images.generate("A zeppelin", aspect_ratio="1:1", session_id=first.id)
    loose = alice_images.generate("A lighthouse", aspect_ratio="1:1")
    bob.create("Bob's secret plans")
    images_of(user_b).generate("Bob's secret picture", aspect_ratio="1:1")

    archive = zipfile.ZipFile(io.BytesIO(user_archive(alice, alice_images)))
    names = archive.namelist()
    everything = b"".join(archive.read(n) for n in names)
    assert f"alice-s-notes-on-zeppelins-{str(first.id)[:8]}/images/{in_session.file_name}" in names
    assert f"standalone/{loose.file_name}" in names
    assert any(n.startswith(f"alice-s-notes-on-lighthouses-{str(second.id)[:8]}/") for n in names)
    assert archive.read(f"standalone/{loose.file_name}") == alice_images.image_bytes(loose)
    assert b"Bob" not in everything and len([n for n in names if n.endswith(".png")]) == 2

    bobs = zipfile.ZipFile(io.BytesIO(user_archive(bob, images_of(user_b))))
    assert b"Alice" not in b"".join(bobs.read(n) for n in bobs.namelist())


def test_exported_headings_nest_under_the_session_s_and_outputs_keep_one_order(db, user_a, tmp_path):
    from lib.export import session_markdown
    from lib.generate.offline import OfflineGenerator
    from lib.pipeline import Pipeline
    from lib.session import Sessions
    from tests.helpers import through

    pipeline = Pipeline(Sessions(db, user_a), OfflineGenerator())
    sid = through(pipeline, "outputs")
    pipeline.outputs(sid, ["blog_seo", "linkedin_post"])
    session = pipeline.sessions.get(sid)
    assert list(session.current_outputs) == ["linkedin_post", "blog_seo"]  # the order of OUTPUT_FORMATS
    text = session_markdown(session, [])
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# ") and not any(h.startswith("# ") for h in headings[1:])  # one title
    draft_title = session.current_draft.markdown.splitlines()[0]
    assert draft_title.startswith("# ") and f"\n##{draft_title}\n" in text  # "# Title" is "### Title" under "## Draft"
