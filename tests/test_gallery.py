"""Gallery queries: every image of the user, filters, keyset pages, RLS, constant statements."""

from datetime import date, datetime, timezone

import pytest

from bench.statements import count_statements
from lib.gallery import STANDALONE, GalleryFilter, gallery_choices, gallery_page
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore


@pytest.fixture
def images(db, user_a, tmp_path):
    return Images(db, user_a, LocalImageStore(tmp_path / "images"), Spool(tmp_path / "spool"), OfflineGenerator())


def ids(page):
    return [i.id for i in page.images]


def test_all_images_newest_first_standalone_included(db, user_a, images):
    sid = Sessions(db, user_a).create("notes").id
    a = images.generate("in a session", session_id=sid)
    b = images.generate("standalone one")
    assert ids(gallery_page(db, user_a)) == [b.id, a.id]


def test_filters(db, user_a, images):
    sid = Sessions(db, user_a).create("notes").id
    square = images.generate("square in session", aspect_ratio="1:1", session_id=sid)
    wide = images.generate("wide standalone", aspect_ratio="16:9")
    with db.admin() as conn:
        conn.execute("update generated_images set created_at = %s, model_used = 'gpt-image-1' where id = %s",
                     [datetime(2025, 1, 15, 9, tzinfo=timezone.utc), wide.id])
    assert ids(gallery_page(db, user_a, GalleryFilter(session=STANDALONE))) == [wide.id]
    assert ids(gallery_page(db, user_a, GalleryFilter(session=str(sid)))) == [square.id]
    assert ids(gallery_page(db, user_a, GalleryFilter(aspect_ratio="1:1"))) == [square.id]
    assert ids(gallery_page(db, user_a, GalleryFilter(model="gpt-image-1"))) == [wide.id]
    assert ids(gallery_page(db, user_a, GalleryFilter(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31)))) == [wide.id]
    choices = gallery_choices(db, user_a)
    assert choices.models == sorted(["gpt-image-1", square.model_used])
    assert choices.aspect_ratios == ["16:9", "1:1"] and choices.sessions == [(sid, "notes")]


def test_pages_without_gaps_or_duplicates(db, user_a, images):
    made = [images.save(OfflineGenerator().image(f"picture {i}", aspect_ratio="1:1")).id for i in range(7)]
    first = gallery_page(db, user_a, page_size=3)
    images.generate("arrives while paging")
    rest = gallery_page(db, user_a, cursor=first.next_cursor, page_size=3)
    last = gallery_page(db, user_a, cursor=rest.next_cursor, page_size=3)
    assert ids(first) + ids(rest) + ids(last) == made[::-1] and last.next_cursor is None


def test_another_users_images_never_appear(db, user_a, user_b, images, tmp_path):
    images.generate("alice's image")
    bobs = Images(db, user_b, images.store, images.spool, OfflineGenerator()).generate("bob's image")
    assert ids(gallery_page(db, user_b)) == [bobs.id]
    assert gallery_choices(db, user_b).sessions == []


def test_statements_per_page_do_not_grow(db, user_a, images):
    def statements():
        with count_statements(db) as n:
            gallery_page(db, user_a)
            gallery_choices(db, user_a)
        return n[0]

    images.generate("one")
    small = statements()
    for i in range(30):
        images.save(OfflineGenerator().image(f"more {i}", aspect_ratio="3:4"))
    assert statements() == small == 4


def test_grid_records_point_at_thumbnails(db, user_a, images):
    images.generate("thumb check")
    record = gallery_page(db, user_a).images[0]
    assert images.thumbnail_sources([record])[record.id].endswith(".thumb.webp")
    assert (images.store.root / record.thumbnail["path"]).stat().st_size < record.file_size
